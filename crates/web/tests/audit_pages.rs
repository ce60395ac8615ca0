//! The audit viewer through the real router: failed logins, filters, access
//! log, and who may read it.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, MAOPING, TestApp};
use domain::access::Role;

async fn fail_login(app: &TestApp, username: &str) {
    let res = app
        .post_form(
            "/login",
            &[("username", username), ("password", "Wrong#pass1")],
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_logins_appear_for_the_auditor_filtered_by_action() {
    let app = TestApp::with_county().await;
    db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    fail_login(&app, "mp").await;
    fail_login(&app, "nobody").await;
    let auditor = app.login_as("shenji", Role::Auditor, COUNTY).await;

    let res = app.get("/audit?action=login_failed", Some(&auditor)).await;

    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("登录失败：密码错误（第1次）"),
        "{}",
        res.body
    );
    assert!(res.body.contains("登录失败：用户名不存在"));
    assert!(res.body.contains("共 2 条"));
    // The auditor's own successful login is filtered out.
    assert!(!res.body.contains("登录成功"));
    let all = app.get("/audit", Some(&auditor)).await;
    assert!(all.body.contains("登录成功"));
}

#[tokio::test]
async fn filters_by_actor_and_by_beijing_dates() {
    let app = TestApp::with_county().await;
    let auditor = app.login_as("shenji", Role::Auditor, COUNTY).await;
    let today = domain::date::today_beijing();
    let tomorrow = today + chrono::Duration::days(1);

    let today_rows = app
        .get(
            &format!("/audit?actor=shenji&from={today}&to={today}"),
            Some(&auditor),
        )
        .await;
    let future_rows = app
        .get(&format!("/audit?from={tomorrow}"), Some(&auditor))
        .await;
    let other_actor = app.get("/audit?actor=someone", Some(&auditor)).await;

    assert!(today_rows.body.contains("登录成功"), "{}", today_rows.body);
    assert!(future_rows.body.contains("没有符合条件的记录"));
    assert!(other_actor.body.contains("没有符合条件的记录"));
}

#[tokio::test]
async fn an_unreadable_date_is_a_clear_error_not_a_crash() {
    let app = TestApp::with_county().await;
    let auditor = app.login_as("shenji", Role::Auditor, COUNTY).await;

    let res = app.get("/audit?from=2020-13-45", Some(&auditor)).await;
    let views = app.get("/audit/views?to=yesterday", Some(&auditor)).await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("开始日期格式应为"), "{}", res.body);
    assert!(res.body.contains("value=\"2020-13-45\""));
    assert_eq!(views.status, StatusCode::BAD_REQUEST);
    assert!(views.body.contains("结束日期格式应为"));
}

#[tokio::test]
async fn a_township_chair_may_not_read_the_audit_trail() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    assert_eq!(
        app.get("/audit", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/audit/views", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_change_reads_as_labelled_fields_that_changed_never_as_stored_json() {
    let app = TestApp::with_county().await;
    let chair = app
        .login_as("yxt", Role::VillageChair, common::MAOPING_VILLAGE)
        .await;
    let input = domain::activity::ActivityDraft {
        name: "家庭教育讲座".into(),
        kind: "讲座".into(),
        org_code: common::MAOPING_VILLAGE.into(),
        start_date: "2020-06-01".into(),
        head_count: "20".into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("valid");
    let op = db::testing::operator();
    let (a, _) = app
        .db()
        .write(async |tx| db::activity::upsert(tx, &op, &input).await)
        .await
        .expect("create");
    let edit = app
        .post_form(
            &format!("/activities/{}/edit", a.id),
            &[
                ("name", "家庭教育讲座"),
                ("kind", "lecture"),
                ("start_date", "2020-06-01"),
                ("org_code", common::MAOPING_VILLAGE),
                ("head_count", "23"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    let auditor = app.login_as("shenji", Role::Auditor, COUNTY).await;

    let list = app
        .get("/audit?entity=activity&action=update", Some(&auditor))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("共 1 条"), "{}", list.body);
    assert!(list.body.contains("<td data-label=\"操作\">修改</td>"));
    assert!(list.body.contains("<td data-label=\"对象\">活动"));
    // One line: 参与人数 20 → 23; no stored JSON, no internal columns.
    assert!(list.body.contains("查看（1项）"), "{}", list.body);
    assert!(list.body.contains("<td data-label=\"字段\">参与人数</td><td data-label=\"变更前\">20</td><td data-label=\"变更后\">23</td>"));
    assert!(!list.body.contains("&#34;head_count&#34;") && !list.body.contains("\"head_count\""));
    assert!(!list.body.contains("search_text"));
}
