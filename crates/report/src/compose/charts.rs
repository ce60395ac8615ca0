//! The review's 数据一览 charts, drawn from the statistics document: the same
//! three breakdowns the dashboard shows — activities by direct child org, by
//! month and by type. A chart that would say nothing (no activities, or a
//! single bar or point) is left out rather than drawn empty.

use chrono::Datelike;
use domain::stats::StatsDoc;

use crate::model::{Chart, ChartKind};

/// Activities are counted in 次, as on the dashboard.
const UNIT: &str = "次";

pub fn charts(stats: &StatsDoc) -> Vec<Chart> {
    let a = &stats.activities;
    let by_org = Chart {
        title: "各下级组织开展活动情况".into(),
        kind: ChartKind::Bar,
        data: bars(
            a.by_org
                .iter()
                .map(|o| {
                    let label = if o.own {
                        "本级".into()
                    } else {
                        o.name.clone()
                    };
                    (label, o.count as f64)
                })
                .collect(),
        ),
        unit: UNIT.into(),
    };
    // One calendar year: 3月; a period across years: 2020年12月.
    let years: std::collections::BTreeSet<&str> =
        a.by_month.iter().filter_map(|m| m.month.get(..4)).collect();
    let by_month = Chart {
        title: "各月开展活动情况".into(),
        kind: ChartKind::Line,
        data: a
            .by_month
            .iter()
            .map(|m| (month_label(&m.month, years.len() > 1), m.count as f64))
            .collect(),
        unit: UNIT.into(),
    };
    let by_type = Chart {
        title: "活动类型分布".into(),
        kind: ChartKind::Pie,
        data: a
            .by_type
            .iter()
            .map(|t| (t.kind.clone(), t.count as f64))
            .collect(),
        unit: UNIT.into(),
    };
    [(by_org, 2), (by_month, 2), (by_type, 1)]
        .into_iter()
        .filter(|(c, min)| c.data.len() >= *min && c.data.iter().any(|(_, v)| *v > 0.0))
        .map(|(c, _)| c)
        .collect()
}

/// Most bars a chart shows: a township with dozens of villages shows its
/// busiest, the rest summed in one bar.
const MAX_BARS: usize = 15;

fn bars(mut data: Vec<(String, f64)>) -> Vec<(String, f64)> {
    if data.len() <= MAX_BARS {
        return data;
    }
    data.sort_by(|a, b| b.1.total_cmp(&a.1));
    let rest = data.split_off(MAX_BARS - 1);
    data.push((
        format!("其余{}个", rest.len()),
        rest.iter().map(|(_, v)| v).sum(),
    ));
    data
}

/// `2020-03` → `3月` (or `2020年3月` when the period spans years).
fn month_label(month: &str, with_year: bool) -> String {
    match chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d") {
        Ok(d) if with_year => format!("{}年{}月", d.year(), d.month()),
        Ok(d) => format!("{}月", d.month()),
        Err(_) => month.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beyond_fifteen_bars_the_busiest_show_and_the_rest_are_summed() {
        let data: Vec<(String, f64)> = (0..20).map(|i| (format!("村{i}"), i as f64)).collect();
        let b = bars(data);
        assert_eq!(b.len(), MAX_BARS);
        assert_eq!(b[0], ("村19".to_string(), 19.0));
        // 村0 … 村5 summed: 0+1+2+3+4+5.
        assert_eq!(b[14], ("其余6个".to_string(), 15.0));
    }

    #[test]
    fn months_are_named_without_the_year_unless_the_period_spans_years() {
        assert_eq!(month_label("2020-03", false), "3月");
        assert_eq!(month_label("2020-12", true), "2020年12月");
    }
}
