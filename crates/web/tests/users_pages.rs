//! Account administration through the real router: new accounts with a
//! one-time password, forced change at first login, lock/unlock, resets, and
//! who may use the area at all.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, MAOPING, MAOPING_VILLAGE, TestApp};
use db::{
    entity::app_user,
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use domain::access::Role;

/// The password shown once on the result page (HTML-unescaped).
fn shown_password(body: &str) -> String {
    let start = body
        .find("<code class=\"masked\">")
        .expect("password shown")
        + 21;
    let end = start + body[start..].find("</code>").expect("end of password");
    body[start..end].replace("&#38;", "&").replace("&amp;", "&")
}

async fn user_row(app: &TestApp, username: &str) -> app_user::Model {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&app.db().conn)
        .await
        .expect("query")
        .expect("user exists")
}

#[tokio::test]
async fn an_admin_creates_a_village_chair_who_must_change_the_one_time_password() {
    let app = TestApp::with_county().await;
    let admin = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app
        .post_form(
            "/users/new",
            &[
                ("username", "yxt_chair"),
                ("display_name", "向红梅"),
                ("role", "village_chair"),
                ("capture_roots", MAOPING_VILLAGE),
            ],
            Some(&admin),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("只显示这一次"));
    let password = shown_password(&res.body);
    assert!(password.len() >= 8, "{password}");
    let created = user_row(&app, "yxt_chair").await;
    assert!(created.must_change_password);
    assert_eq!(created.role, "village_chair");
    let login = app
        .post_form(
            "/login",
            &[("username", "yxt_chair"), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    assert_eq!(login.location(), Some("/account/password"));
    let cookie = login.session_cookie().expect("session");
    let home = app.get("/people", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), Some("/account/password"));
    // The list shows the new account with its org and pending password change.
    let list = app.get("/users", Some(&admin)).await;
    assert!(list.body.contains("yxt_chair"));
    assert!(list.body.contains("银杏沱村妇联"));
    assert!(list.body.contains("待修改初始密码"));
}

#[tokio::test]
async fn a_bad_username_rerenders_the_form_with_the_input_kept() {
    let app = TestApp::with_county().await;
    let admin = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app
        .post_form(
            "/users/new",
            &[
                ("username", "向红梅"),
                ("display_name", "向红梅"),
                ("role", "village_chair"),
                ("capture_roots", MAOPING_VILLAGE),
            ],
            Some(&admin),
        )
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("用户名应为"), "{}", res.body);
    assert!(res.body.contains("value=\"向红梅\""));
    assert!(!res.body.contains("只显示这一次"));
}

#[tokio::test]
async fn a_township_chair_may_not_open_account_administration() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    assert_eq!(
        app.get("/users", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/users/new", Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .post_form("/users/mp/reset-password", &[], Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_locked_user_can_no_longer_log_in_until_unlocked() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "cun", Role::VillageChair, MAOPING_VILLAGE).await;
    let session = app.login(&u, &pw).await;
    let admin = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app.post_form("/users/cun/lock", &[], Some(&admin)).await;

    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(user_row(&app, "cun").await.disabled);
    let again = app
        .post_form("/login", &[("username", &u), ("password", &pw)], None)
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert!(again.body.contains("停用"), "{}", again.body);
    // Her open session ended too.
    assert_eq!(
        app.get("/", Some(&session)).await.status,
        StatusCode::SEE_OTHER
    );
    let list = app.get("/users", Some(&admin)).await;
    assert!(list.body.contains("已停用"));

    let res = app.post_form("/users/cun/unlock", &[], Some(&admin)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.login(&u, &pw).await;
}

#[tokio::test]
async fn a_password_reset_shows_the_new_password_once_and_the_old_one_stops_working() {
    let app = TestApp::with_county().await;
    let (u, old) = db::testing::user(app.db(), "cun", Role::VillageChair, MAOPING_VILLAGE).await;
    let admin = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app
        .post_form("/users/cun/reset-password", &[], Some(&admin))
        .await;

    assert_eq!(res.status, StatusCode::OK);
    let new = shown_password(&res.body);
    let refused = app
        .post_form("/login", &[("username", &u), ("password", &old)], None)
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let login = app
        .post_form("/login", &[("username", &u), ("password", &new)], None)
        .await;
    assert_eq!(login.location(), Some("/account/password"));
}

#[tokio::test]
async fn a_township_admin_cannot_manage_accounts_of_another_township() {
    let app = TestApp::with_county().await;
    db::testing::user(app.db(), "gz", Role::TownshipChair, common::GUIZHOU).await;
    // A township-level account holding the admin role manages only her subtree.
    let cookie = app.login_as("mpadmin", Role::CountyAdmin, MAOPING).await;

    let list = app.get("/users", Some(&cookie)).await;
    let lock = app.post_form("/users/gz/lock", &[], Some(&cookie)).await;

    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(">gz<"), "{}", list.body);
    assert_eq!(lock.status, StatusCode::NOT_FOUND);
    assert!(!user_row(&app, "gz").await.disabled);
}
