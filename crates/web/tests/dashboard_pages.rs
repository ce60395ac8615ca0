//! The dashboard (看板): activities by township, month and type on a small
//! hand-counted fixture, click-through to exactly the records counted, scope,
//! and the JSON behind it.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
};

async fn activity(app: &TestApp, name: &str, org: &str, kind: ActivityKind, date: &str) {
    activity_in(app, name, org, kind, date, ActivityStatus::Done).await;
}

async fn activity_in(
    app: &TestApp,
    name: &str,
    org: &str,
    kind: ActivityKind,
    date: &str,
    status: ActivityStatus,
) {
    let input = ActivityDraft {
        name: name.into(),
        kind: kind.code().into(),
        org_code: org.into(),
        start_date: date.into(),
        head_count: "30".into(),
        // Cancelling is its own step, with a reason.
        status: match status {
            ActivityStatus::Cancelled => ActivityStatus::Planned,
            s => s,
        }
        .code()
        .into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity");
    let op = db::testing::operator();
    let (a, _) = app
        .db()
        .write(async |tx| db::activity::upsert(tx, &op, &input).await)
        .await
        .unwrap_or_else(|e| panic!("fixture activity {name}: {e}"));
    if status == ActivityStatus::Cancelled {
        app.db()
            .write(async |tx| db::activity::life::cancel(tx, &op, a.id, "因故取消").await)
            .await
            .expect("cancel");
    }
}

/// Hand count for 2020: 茅坪镇 2 (a village's lecture in March, the township's
/// training in July), 归州镇 1 (a village's lecture in March), the county
/// itself 1 (a meeting in May); one 茅坪镇 activity of 2019 is outside the year.
/// By month: March 2, May 1, July 1. By type: 讲座 2, 培训 1, 会议 1.
async fn fixture() -> TestApp {
    let app = TestApp::with_county().await;
    activity(
        &app,
        "茅坪三月讲座",
        MAOPING_VILLAGE,
        ActivityKind::Lecture,
        "2020-03-05",
    )
    .await;
    activity(
        &app,
        "茅坪七月培训",
        MAOPING,
        ActivityKind::Training,
        "2020-07-08",
    )
    .await;
    activity(
        &app,
        "归州三月讲座",
        GUIZHOU_VILLAGE,
        ActivityKind::Lecture,
        "2020-03-20",
    )
    .await;
    activity(
        &app,
        "县本级会议",
        COUNTY,
        ActivityKind::Meeting,
        "2020-05-01",
    )
    .await;
    activity(
        &app,
        "茅坪去年活动",
        MAOPING,
        ActivityKind::Lecture,
        "2019-12-31",
    )
    .await;
    app
}

/// The table cell linking a count to its records, as askama escapes it.
fn cell(org: &str, from: &str, to: &str, kind: Option<&str>, n: u64) -> String {
    let kind = kind.map(|k| format!("&#38;kind={k}")).unwrap_or_default();
    format!(
        "href=\"/activities?org={org}{kind}&#38;from={from}&#38;to={to}&#38;status=done\">{n}</a>"
    )
}

#[tokio::test]
async fn the_county_dashboard_counts_activities_by_township_month_and_type() {
    let app = fixture().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    let res = app
        .get("/dashboard?org=420527000000&year=2020", Some(&cookie))
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let b = &res.body;
    assert!(b.contains("秭归县妇联 · 2020年看板"), "{b}");
    assert!(
        b.contains(&cell(MAOPING, "2020-01-01", "2020-12-31", None, 2)),
        "{b}"
    );
    assert!(
        b.contains(&cell(GUIZHOU, "2020-01-01", "2020-12-31", None, 1)),
        "{b}"
    );
    assert!(b.contains("秭归县妇联（本级）"));
    assert!(
        b.contains(&cell(COUNTY, "2020-03-01", "2020-03-31", None, 2)),
        "{b}"
    );
    assert!(b.contains(&cell(COUNTY, "2020-05-01", "2020-05-31", None, 1)));
    assert!(b.contains(&cell(COUNTY, "2020-02-01", "2020-02-29", None, 0)));
    assert!(b.contains(&cell(
        COUNTY,
        "2020-01-01",
        "2020-12-31",
        Some("lecture"),
        2
    )));
    assert!(b.contains(&cell(
        COUNTY,
        "2020-01-01",
        "2020-12-31",
        Some("training"),
        1
    )));
    // Key figure: four activities held in 2020, linked to the list.
    assert!(b.contains(
        "<span class=\"stat-value\">4</span><span class=\"stat-label\">开展活动（次）</span>"
    ));
    // The charts carry the same numbers and the click-through URLs.
    assert!(b.contains("data-chart-option=\"{"));
    assert!(b.contains("&#34;url&#34;:&#34;/activities?org=420527101000&#38;from=2020-01-01"));
    assert!(b.contains("<script src=\"/assets/vendor/echarts.min.js\" defer></script>"));
    assert!(b.contains("<script src=\"/assets/js/dashboard.js\" defer></script>"));
}

#[tokio::test]
async fn the_click_through_url_of_a_township_bar_lists_exactly_its_activities() {
    let app = fixture().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let page = app
        .get("/dashboard?org=420527000000&year=2020", Some(&cookie))
        .await;
    let marker = format!("/activities?org={MAOPING}&#38;from=");
    let start = page.body.find(&marker).expect("township bar link");
    let end = start + page.body[start..].find('"').expect("end of link");
    let url = page.body[start..end].replace("&#38;", "&");

    let res = app.get(&url, Some(&cookie)).await;

    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("茅坪三月讲座"), "{}", res.body);
    assert!(res.body.contains("茅坪七月培训"));
    for other in ["归州三月讲座", "县本级会议", "茅坪去年活动"] {
        assert!(!res.body.contains(other), "{other} should not be listed");
    }
}

/// Every `href="/activities?…">N</a>` of the page (the tables' counts), unescaped.
fn count_links(body: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("<a href=\"/activities?") {
        rest = &rest[i + "<a href=\"".len()..];
        let end = rest.find("\">").expect("end of href");
        let url = rest[..end].replace("&#38;", "&");
        let tail = &rest[end + 2..];
        let n = tail[..tail.find("</a>").expect("</a>")]
            .parse()
            .unwrap_or_else(|_| panic!("a count after {url}"));
        out.push((url, n));
    }
    out
}

/// `共 N 条` under the activity list.
fn list_total(body: &str) -> u64 {
    let i = body.find("共 ").expect("the list's total") + "共 ".len();
    body[i..i + body[i..].find(' ').expect("end of total")]
        .parse()
        .expect("a number")
}

#[tokio::test]
async fn every_dashboard_count_links_to_a_list_of_exactly_that_many_activities() {
    // Arrange: beside the fixture's held activities, planned and cancelled
    // ones the dashboard must not count, at a township, a village and the
    // county itself.
    let app = fixture().await;
    for (name, org, date, status) in [
        (
            "茅坪八月计划",
            MAOPING,
            "2020-08-01",
            ActivityStatus::Planned,
        ),
        (
            "县本级取消会议",
            COUNTY,
            "2020-05-10",
            ActivityStatus::Cancelled,
        ),
        (
            "归州村计划讲座",
            GUIZHOU_VILLAGE,
            "2020-03-25",
            ActivityStatus::Planned,
        ),
    ] {
        activity_in(&app, name, org, ActivityKind::Lecture, date, status).await;
    }
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let page = app
        .get("/dashboard?org=420527000000&year=2020", Some(&cookie))
        .await;
    let links = count_links(&page.body);
    // 茅坪, 归州 and 本级 rows; 12 months; 3 types.
    assert_eq!(links.len(), 3 + 12 + 3, "{}", page.body);
    let own =
        format!("/activities?org={COUNTY}&from=2020-01-01&to=2020-12-31&status=done&only=true");
    assert!(
        links.iter().any(|(u, n)| *u == own && *n == 1),
        "the 本级 row links to the county's own activities: {links:?}"
    );

    for (url, n) in &links {
        // Act
        let list = app.get(url, Some(&cookie)).await;

        // Assert: the list counts what the figure counts.
        assert_eq!(list.status, StatusCode::OK, "{url}: {}", list.body);
        assert_eq!(list_total(&list.body), *n, "{url}");
        for held_back in ["茅坪八月计划", "县本级取消会议", "归州村计划讲座"] {
            assert!(!list.body.contains(held_back), "{url} lists {held_back}");
        }
    }
    // The API takes the same filter.
    let api = app
        .get(
            &own.replacen("/activities", "/api/v1/activities", 1),
            Some(&cookie),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["total"], 1);
    assert_eq!(api.json()["items"][0]["name"], "县本级会议");
}

#[tokio::test]
async fn a_township_chair_sees_her_villages_and_not_the_other_township() {
    let app = fixture().await;
    let cookie = app.login_as("maoping", Role::TownshipChair, MAOPING).await;

    let own = app.get("/dashboard?year=2020", Some(&cookie)).await;
    let other = app
        .get(&format!("/dashboard?org={GUIZHOU}"), Some(&cookie))
        .await;

    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert!(own.body.contains("茅坪镇妇联 · 2020年看板"));
    assert!(
        own.body
            .contains(&cell(MAOPING_VILLAGE, "2020-01-01", "2020-12-31", None, 1))
    );
    assert!(own.body.contains("茅坪镇妇联（本级）"));
    assert!(!own.body.contains("归州"), "no 归州镇 row or option");
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_current_year_is_shown_so_far_by_default_and_a_bad_year_is_refused() {
    let app = fixture().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    let now = app.get("/dashboard", Some(&cookie)).await;
    let bad = app.get("/dashboard?year=abc", Some(&cookie)).await;

    assert_eq!(now.status, StatusCode::OK);
    assert!(now.body.contains("（截至今日）看板"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("年份「abc」无效"), "{}", bad.body);
}

#[tokio::test]
async fn the_dashboard_json_has_the_same_figures() {
    let app = fixture().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    let res = app
        .get(
            "/api/v1/orgs/420527000000/dashboard?period=2020",
            Some(&cookie),
        )
        .await;
    let bad = app
        .get(
            "/api/v1/orgs/420527000000/dashboard?period=20x",
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let j = res.json();
    assert_eq!(j["activities"], 4);
    let child = |code: &str| {
        j["by_child"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code && c["own"] == false)
            .map(|c| c["activities"].as_u64().unwrap())
    };
    assert_eq!(child(MAOPING), Some(2));
    assert_eq!(child(GUIZHOU), Some(1));
    assert_eq!(j["by_month"].as_array().unwrap().len(), 12);
    assert_eq!(j["by_month"][2]["activities"], 2);
    assert_eq!(j["by_type"][0]["type"], "讲座");
    assert_eq!(j["by_type"][0]["activities"], 2);
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn headline_figures_show_the_previous_year_and_the_change() {
    let app = fixture().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    let past = app
        .get("/dashboard?org=420527000000&year=2020", Some(&cookie))
        .await;
    let now = app.get("/dashboard", Some(&cookie)).await;

    // 2020: 4 activities of 30 people each; 2019: 茅坪去年活动 alone.
    assert_eq!(past.status, StatusCode::OK, "{}", past.body);
    assert!(
        past.body.contains(
            "<span class=\"stat-label\">开展活动（次）</span><span class=\"stat-compare\">同比：上年1，增加3</span>"
        ),
        "{}",
        past.body
    );
    assert!(past.body.contains(
        "<span class=\"stat-label\">参与人次（人）</span><span class=\"stat-compare\">同比：上年30，增加90</span>"
    ));
    assert!(past.body.contains(
        "<span class=\"stat-label\">宣传报道（篇）</span><span class=\"stat-compare\">同比：上年0，持平</span>"
    ));
    // The year under way is compared with the same days of the year before.
    assert_eq!(now.status, StatusCode::OK);
    assert!(now.body.contains("同比：上年同期"), "{}", now.body);
}
