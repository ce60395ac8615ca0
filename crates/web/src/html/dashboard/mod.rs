//! An org's dashboard (看板): the year (so far) in key figures, each with its
//! 同比 (the previous year's figure, or the previous year's up to the same
//! day for the year under way, and the change), and three charts
//! — activities by sub-org, by month and by type — each bar, point and slice
//! linking to the activities behind it. Every chart has a table with the same
//! numbers under it (readable without JavaScript, and by screen readers).

mod charts;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use chrono::{Datelike, NaiveDate};
use db::dashboard::Dashboard;
use domain::{date::Period, stats::StatsDoc};
use serde::Deserialize;

use self::charts::Datum;
use super::Layout;
use crate::{
    AppState,
    auth::{PageUser, urlencode},
    error::{PageError, PageResult},
    org_choices::{OrgChoices, visible_org_choices},
};

/// The first year offered in the year selector.
const FIRST_YEAR: i32 = 2015;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

/// How much of the tree under an org a figure counts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The org and all its sub-orgs.
    Subtree,
    /// Only what was recorded against the org itself (the 本级 row).
    Own,
}

/// The activity list filtered to exactly what a figure counts. `status=done`
/// matches the dashboard's rule (only activities that took place are
/// counted); `only=true` leaves the sub-orgs out of an org's 本级 row.
pub fn activities_url(
    org: &str,
    from: NaiveDate,
    to: NaiveDate,
    kind: Option<&str>,
    reach: Reach,
) -> String {
    let mut url = format!("/activities?org={}", urlencode(org));
    if let Some(k) = kind {
        url.push_str(&format!("&kind={}", urlencode(k)));
    }
    url.push_str(&format!("&from={from}&to={to}&status=done"));
    if reach == Reach::Own {
        url.push_str("&only=true");
    }
    url
}

/// One line of a table under a chart.
pub struct Row {
    pub label: String,
    pub value: u64,
    /// The records behind the figure.
    pub url: Option<String>,
    /// The sub-org's own dashboard (rows by sub-org only).
    pub drill: Option<String>,
}

pub struct Card {
    pub label: &'static str,
    pub value: u64,
    pub url: Option<String>,
    /// 同比: the same figure of the previous year (or of the previous year up
    /// to the same day, for the current year), and the change, e.g. "较上年增加3".
    pub previous: u64,
    pub change: String,
}

/// The change from `previous` to `value` in words.
fn change(value: u64, previous: u64) -> String {
    match value.cmp(&previous) {
        std::cmp::Ordering::Greater => format!("增加{}", value - previous),
        std::cmp::Ordering::Less => format!("减少{}", previous - value),
        std::cmp::Ordering::Equal => "持平".into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard/index.html")]
struct DashboardPage {
    layout: Layout,
    orgs: std::sync::Arc<OrgChoices>,
    org_code: String,
    org_name: String,
    year: i32,
    years: Vec<i32>,
    /// The current year: figures are "so far".
    so_far: bool,
    cards: Vec<Card>,
    /// What the cards are compared with: 上年 or 上年同期.
    compared_label: &'static str,
    by_child: Vec<Row>,
    by_month: Vec<Row>,
    by_type: Vec<Row>,
    bar_option: String,
    line_option: String,
    pie_option: String,
}

#[derive(Deserialize, Default)]
struct DashboardQuery {
    org: Option<String>,
    year: Option<String>,
}

fn parse_year(s: Option<&str>, this_year: i32) -> PageResult<i32> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(this_year);
    };
    s.parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR - 30..=this_year).contains(y))
        .ok_or_else(|| {
            PageError::bad_request(format!(
                "年份「{s}」无效：应为{}至{this_year}之间的四位年份，例如 2020",
                FIRST_YEAR - 30
            ))
        })
}

/// The headline figures of a statistics document, with their labels.
fn headline(doc: &StatsDoc) -> [(&'static str, u64); 5] {
    let sum = |rows: &[domain::stats::TypeCount]| rows.iter().map(|r| r.count).sum::<u64>();
    [
        ("开展活动（次）", doc.activities.count),
        ("参与人次（人）", doc.activities.participants),
        ("宣传报道（篇）", doc.publicity.items),
        ("新建组织（个）", sum(&doc.organizations.new_by_type)),
        ("新建阵地（个）", sum(&doc.organizations.venues_new_by_type)),
    ]
}

fn cards(doc: &StatsDoc, prev: &StatsDoc, org: &str, p: Period) -> Vec<Card> {
    headline(doc)
        .into_iter()
        .zip(headline(prev))
        .enumerate()
        .map(|(i, ((label, value), (_, previous)))| Card {
            label,
            value,
            // Only the activity count has a list of its own to open.
            url: (i == 0).then(|| activities_url(org, p.from, p.to, None, Reach::Subtree)),
            previous,
            change: change(value, previous),
        })
        .collect()
}

/// The period a year is compared with: the previous year, or for the year
/// under way the previous year up to the same day (上年同期).
fn compared_with(year: i32, today: NaiveDate) -> Period {
    let p = Period::year(year);
    if p.contains(today) {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap_or(d);
        Period {
            from: back(p.from),
            to: back(today),
        }
    } else {
        p.previous()
    }
}

fn so_far(year: i32, today: NaiveDate) -> bool {
    Period::year(year).contains(today)
}

/// Table rows and chart data of the three breakdowns.
fn breakdowns(d: &Dashboard, year: i32) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let (from, to) = (d.period.from, d.period.to);
    let by_child = d
        .by_child
        .iter()
        .map(|c| Row {
            label: c.name.clone(),
            value: c.activities,
            url: Some(activities_url(
                &c.code,
                from,
                to,
                None,
                if c.own { Reach::Own } else { Reach::Subtree },
            )),
            drill: (!c.own).then(|| format!("/dashboard?org={}&year={year}", urlencode(&c.code))),
        })
        .collect();
    let by_month = d
        .by_month
        .iter()
        .map(|m| Row {
            label: format!("{}月", m.from.month()),
            value: m.activities,
            url: Some(activities_url(
                &d.org.code,
                m.from,
                m.to,
                None,
                Reach::Subtree,
            )),
            drill: None,
        })
        .collect();
    let by_type = d
        .by_type
        .iter()
        .map(|k| Row {
            label: k.label.clone(),
            value: k.activities,
            url: Some(activities_url(
                &d.org.code,
                from,
                to,
                Some(&k.code),
                Reach::Subtree,
            )),
            drill: None,
        })
        .collect();
    (by_child, by_month, by_type)
}

fn data(rows: &[Row]) -> Vec<Datum> {
    rows.iter()
        .map(|r| Datum {
            label: r.label.clone(),
            value: r.value,
            url: r.url.clone(),
        })
        .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<DashboardQuery>,
) -> PageResult<DashboardPage> {
    let c = &state.db.read;
    let this_year = db::time::today_beijing().year();
    let year = parse_year(q.year.as_deref(), this_year)?;
    let org_code = match q.org.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => code.to_string(),
        None => db::org::browse::visible_roots(c, &cu.ctx)
            .await?
            .into_iter()
            .next()
            .map(|o| o.code)
            .ok_or_else(|| {
                PageError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "尚未分配组织范围，请联系管理员",
                )
            })?,
    };
    let p = Period::year(year);
    let d = db::dashboard::dashboard(c, &cu.ctx, &org_code, p).await?;
    let doc = db::stats::stats_cached(&state.db, &cu.ctx, &org_code, p).await?;
    let today = db::time::today_beijing();
    let prev =
        db::stats::stats_cached(&state.db, &cu.ctx, &org_code, compared_with(year, today)).await?;
    let (by_child, by_month, by_type) = breakdowns(&d, year);
    Ok(DashboardPage {
        layout: Layout::new(&cu, format!("{} · 看板", d.org.name), "dashboard"),
        orgs: visible_org_choices(&state, &cu).await?,
        cards: cards(&doc, &prev, &d.org.code, p),
        compared_label: if so_far(year, today) {
            "上年同期"
        } else {
            "上年"
        },
        bar_option: charts::bar(&data(&by_child), "次"),
        line_option: charts::line(&data(&by_month), "次"),
        pie_option: charts::pie(&data(&by_type)),
        by_child,
        by_month,
        by_type,
        org_code: d.org.code,
        org_name: d.org.name,
        year,
        years: (FIRST_YEAR.min(year)..=this_year).rev().collect(),
        so_far: so_far(year, today),
    })
}
