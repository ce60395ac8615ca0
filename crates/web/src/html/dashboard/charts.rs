//! ECharts options for the dashboard, built here so the browser only draws:
//! every bar, point and slice carries the URL of the records behind it
//! (`data[i].url`), which assets/js/dashboard.js follows on click.

use serde_json::{Value, json};

/// The federation's red (assets/css/app.css `--red`).
const RED: &str = "#c8102e";

/// One bar, point or slice: label, count and where its records are listed.
pub struct Datum {
    pub label: String,
    pub value: u64,
    pub url: Option<String>,
}

fn items(data: &[Datum]) -> Vec<Value> {
    data.iter()
        .map(|d| json!({"name": d.label, "value": d.value, "url": d.url}))
        .collect()
}

fn labels(data: &[Datum]) -> Vec<&str> {
    data.iter().map(|d| d.label.as_str()).collect()
}

/// Above this many orgs the bars lie down: a county has a dozen townships and
/// as many new-sector federations, whose names, rotated under upright bars,
/// overlap into an unreadable heap on a 360 px phone.
const UPRIGHT_MAX: usize = 6;

/// Bars by org: upright for a few orgs, else one row per org with its name
/// written out in full (dashboard.js sizes the chart to the rows).
pub fn bar(data: &[Datum], unit: &str) -> String {
    if data.len() > UPRIGHT_MAX {
        return json!({
            "aria": {"enabled": true},
            "color": [RED],
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "grid": {"left": 8, "right": 40, "top": 24, "bottom": 8, "containLabel": true},
            // In table order, top to bottom.
            "yAxis": {"type": "category", "data": labels(data), "inverse": true,
                      "axisLabel": {"interval": 0}},
            "xAxis": {"type": "value", "minInterval": 1, "name": unit},
            "series": [{"type": "bar", "name": "活动", "data": items(data), "barMaxWidth": 18,
                        "label": {"show": true, "position": "right"}}]
        })
        .to_string();
    }
    json!({
        "aria": {"enabled": true},
        "color": [RED],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": true},
        "xAxis": {
            "type": "category",
            "data": labels(data),
            "axisLabel": {"interval": 0, "rotate": if data.len() > 3 { 35 } else { 0 }}
        },
        "yAxis": {"type": "value", "minInterval": 1, "name": unit},
        "series": [{"type": "bar", "name": "活动", "data": items(data), "barMaxWidth": 48,
                    "label": {"show": true, "position": "top"}}]
    })
    .to_string()
}

/// A line by month.
pub fn line(data: &[Datum], unit: &str) -> String {
    json!({
        "aria": {"enabled": true},
        "color": [RED],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": true},
        "xAxis": {"type": "category", "data": labels(data), "boundaryGap": false},
        "yAxis": {"type": "value", "minInterval": 1, "name": unit},
        "series": [{"type": "line", "name": "活动", "data": items(data), "symbolSize": 10,
                    "areaStyle": {"opacity": 0.12}}]
    })
    .to_string()
}

/// A ring of slices by type.
pub fn pie(data: &[Datum]) -> String {
    json!({
        "aria": {"enabled": true},
        "color": [RED, "#e5738a", "#8a0b20", "#f2b705", "#3a7d44", "#2f6f9f", "#7a5195",
                  "#ef8354", "#6c757d", "#b5838d", "#4d908e"],
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [{"type": "pie", "name": "活动类型", "radius": ["35%", "62%"],
                    "center": ["50%", "45%"], "data": items(data),
                    "label": {"formatter": "{b} {c}"}}]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bar_carries_its_records_url() {
        let o: Value = serde_json::from_str(&bar(
            &[Datum {
                label: "茅坪镇妇联".into(),
                value: 2,
                url: Some("/activities?org=1".into()),
            }],
            "次",
        ))
        .unwrap();
        assert_eq!(o["series"][0]["data"][0]["url"], "/activities?org=1");
        assert_eq!(o["series"][0]["data"][0]["value"], 2);
        assert_eq!(o["xAxis"]["data"][0], "茅坪镇妇联");
    }

    #[test]
    fn many_orgs_get_one_row_each_in_table_order() {
        let data: Vec<Datum> = (1..=19)
            .map(|i| Datum {
                label: format!("第{i}个妇联"),
                value: i,
                url: Some(format!("/activities?org={i}")),
            })
            .collect();
        let o: Value = serde_json::from_str(&bar(&data, "次")).unwrap();
        assert_eq!(o["yAxis"]["type"], "category");
        assert_eq!(o["yAxis"]["inverse"], true);
        assert_eq!(o["yAxis"]["data"][18], "第19个妇联");
        assert_eq!(o["series"][0]["data"][18]["url"], "/activities?org=19");
    }
}
