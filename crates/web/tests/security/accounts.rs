//! Point 4 of the security issue, accounts and sessions: a password change or reset ends the other
//! sessions and revokes the API tokens (and the audit trail says so); idle and
//! absolute session timeouts; login failures throttled per account and per IP
//! with growing delays, the same answer for an unknown user and a wrong
//! password, lock-outs logged; the password policy; the forced change of an
//! initial or reset password. No test sleeps: stored timestamps are moved.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode, header},
};
use db::{
    account::{self, NewUser},
    entity::{api_token, app_user, audit_log, login_throttle},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set},
};
use domain::access::Role;

use super::common::{self, COUNTY, MAOPING, MAOPING_VILLAGE, TestApp};

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("user exists")
        .id
}

async fn audit(app: &TestApp, action: &str, entity_id: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .all(&app.db().conn)
        .await
        .unwrap()
}

/// A login form POST from `ip` (the socket peer, as the real server sees it).
async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> common::Res {
    let body = serde_urlencoded::to_string([
        ("username", username),
        ("password", password),
        ("next", "/"),
    ])
    .unwrap();
    let peer: SocketAddr = format!("{ip}:40000").parse().unwrap();
    app.send(
        Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::HOST, common::HOST)
            .header(header::ORIGIN, common::ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .extension(ConnectInfo(peer))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// A token of `username` made as she would make it (through the repository).
async fn token_of(app: &TestApp, username: &str) -> String {
    let ctx = db::testing::ctx_of(app.db(), username).await;
    app.db()
        .write(async |tx| account::token::create(tx, &ctx, "数据对接").await)
        .await
        .unwrap()
        .1
}

/// Ends a login delay as if its time had passed.
async fn expire_delays(app: &TestApp) {
    for row in login_throttle::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
    {
        let mut am = row.into_active_model();
        am.blocked_until = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
        am.update(&app.db().conn).await.unwrap();
    }
}

#[tokio::test]
async fn a_password_change_ends_every_other_session_and_revokes_every_api_token() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    let here = app.login(&u, &pw).await;
    let elsewhere = app.login(&u, &pw).await;
    let token = token_of(&app, "mp").await;
    assert_eq!(
        app.bearer("GET", "/api/v1/orgs", &token, None).await.status,
        StatusCode::OK
    );

    let res = app
        .post_form(
            "/account/password",
            &[
                ("old_password", &pw),
                ("new_password", "Xinmima#Maoping7"),
                ("confirm", "Xinmima#Maoping7"),
            ],
            Some(&here),
        )
        .await;

    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.get("/", Some(&here)).await.status, StatusCode::OK);
    let other = app.get("/", Some(&elsewhere)).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert!(other.location().unwrap().starts_with("/login"));
    assert_eq!(
        app.bearer("GET", "/api/v1/orgs", &token, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let live_tokens = api_token::Entity::find()
        .filter(api_token::Column::RevokedAt.is_null())
        .all(&app.db().conn)
        .await
        .unwrap();
    assert!(live_tokens.is_empty());
    let rows = audit(&app, "change_password", "mp").await;
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0]
            .summary
            .contains("已退出其他1个登录会话，吊销1个API令牌"),
        "{}",
        rows[0].summary
    );
}

#[tokio::test]
async fn an_admin_password_reset_ends_every_session_and_token_and_forces_a_change() {
    let app = TestApp::with_county().await;
    let admin = app.login_as("admin", Role::CountyAdmin, COUNTY).await;
    let (u, pw) = db::testing::user(app.db(), "cun", Role::VillageChair, MAOPING_VILLAGE).await;
    let session = app.login(&u, &pw).await;
    let token = token_of(&app, "cun").await;

    let res = app
        .post_form("/users/cun/reset-password", &[], Some(&admin))
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        app.get("/", Some(&session)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.bearer("GET", "/api/v1/orgs", &token, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let rows = audit(&app, "reset_password", "cun").await;
    assert!(
        rows[0]
            .summary
            .contains("已退出全部1个登录会话，吊销1个API令牌"),
        "{}",
        rows[0].summary
    );
    // The new password signs in, and every page sends her to change it.
    let new_pw = res
        .body
        .split("<code class=\"masked\">")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .expect("the one-time password on the page")
        // Askama escapes '&' (a symbol generated passwords may hold).
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let login = app
        .post_form(
            "/login",
            &[("username", "cun"), ("password", &new_pw)],
            None,
        )
        .await;
    assert_eq!(login.location(), Some("/account/password"));
    let cookie = login.session_cookie().unwrap();
    for page in ["/", "/people", "/activities", "/account"] {
        assert_eq!(
            app.get(page, Some(&cookie)).await.location(),
            Some("/account/password"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn an_initial_password_must_be_changed_on_every_page_but_api_tokens_still_work() {
    let app = TestApp::with_county().await;
    let (user, pw) = app
        .db()
        .write(async |tx| {
            account::create_user(
                tx,
                &db::Ctx::operator(),
                &NewUser {
                    username: "newchair".into(),
                    display_name: "新主席".into(),
                    role: Role::VillageChair,
                    password: Some("Chushi#Mima2026".into()),
                    view_roots: vec![MAOPING_VILLAGE.into()],
                    capture_roots: vec![MAOPING_VILLAGE.into()],
                },
            )
            .await
        })
        .await
        .unwrap();
    assert!(user.must_change_password, "a given initial password too");
    let token = token_of(&app, "newchair").await;
    let login = app
        .post_form(
            "/login",
            &[("username", "newchair"), ("password", &pw)],
            None,
        )
        .await;
    let cookie = login.session_cookie().unwrap();

    let hx = app
        .send(
            Request::builder()
                .uri("/people")
                .header(header::HOST, common::HOST)
                .header(header::COOKIE, &cookie)
                .header("hx-request", "true")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        hx.headers.get("hx-redirect").and_then(|v| v.to_str().ok()),
        Some("/account/password")
    );
    assert_eq!(
        app.get("/review", Some(&cookie)).await.location(),
        Some("/account/password")
    );
    assert_eq!(
        app.get("/account/password", Some(&cookie)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.bearer("GET", "/api/v1/orgs", &token, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let id = user_id(&app, "mp").await;
    let minutes = chrono::Duration::minutes;

    db::testing::backdate_sessions(app.db(), id, minutes(29), minutes(29)).await;
    assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK);
    db::testing::backdate_sessions(app.db(), id, minutes(31), minutes(31)).await;

    let res = app.get("/", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().unwrap().starts_with("/login"));
    assert!(
        db::entity::session::Entity::find()
            .all(&app.db().conn)
            .await
            .unwrap()
            .is_empty(),
        "the idle session is deleted"
    );
}

#[tokio::test]
async fn a_session_ends_12_hours_after_sign_in_however_active() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let id = user_id(&app, "mp").await;
    let ago = chrono::Duration::minutes;

    db::testing::backdate_sessions(app.db(), id, ago(11 * 60 + 59), ago(0)).await;
    assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK);
    db::testing::backdate_sessions(app.db(), id, ago(12 * 60 + 1), ago(0)).await;

    let res = app.get("/", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().unwrap().starts_with("/login"));
}

#[tokio::test]
async fn the_session_timeouts_are_configurable() {
    let settings = web::security::Settings {
        sessions: db::account::session::SessionPolicy {
            idle: chrono::Duration::minutes(5),
            absolute: chrono::Duration::hours(1),
        },
        ..Default::default()
    };
    let app = TestApp::with_county_configured(false, settings).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let id = user_id(&app, "mp").await;

    db::testing::backdate_sessions(
        app.db(),
        id,
        chrono::Duration::minutes(6),
        chrono::Duration::minutes(6),
    )
    .await;

    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_unknown_username_and_a_wrong_password_get_the_same_answer() {
    let app = TestApp::with_county().await;
    db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;

    let mut answers = Vec::new();
    for name in ["mp", "nosuchuser"] {
        let mut seen = Vec::new();
        // Through the free failures and into the delays: still the same.
        for _ in 0..7 {
            let res = login_from(&app, "10.0.0.1", name, "Wrong#Pass2020").await;
            let msg = res
                .body
                .split("role=\"alert\">")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap_or_default()
                .trim()
                .to_string();
            seen.push((res.status, msg));
        }
        answers.push(seen);
    }

    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        answers[0][0],
        (StatusCode::UNAUTHORIZED, "用户名或密码错误".to_string())
    );
    assert!(
        answers[0]
            .iter()
            .all(|(_, m)| !m.contains("锁定") && !m.contains("不存在")),
        "{answers:?}"
    );
}

#[tokio::test]
async fn failures_on_one_account_delay_it_with_growing_delays_not_a_hard_lock_and_are_logged() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;

    // Five failures from five addresses: the account's own count.
    for i in 0..5 {
        login_from(&app, &format!("10.0.1.{i}"), &u, "Wrong#Pass2020").await;
    }
    let refused = login_from(&app, "10.0.2.1", &u, &pw).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.body.contains("登录失败次数过多，请30秒后再试"),
        "{}",
        refused.body
    );
    assert!(refused.session_cookie().is_none());
    let logged = audit(&app, "login_throttled", "mp").await;
    assert_eq!(logged.len(), 1);
    assert!(
        logged[0]
            .summary
            .contains("账号「mp」已连续失败5次，暂停登录30秒"),
        "{}",
        logged[0].summary
    );

    // After the delay, one more failure doubles it.
    expire_delays(&app).await;
    let sixth = login_from(&app, "10.0.2.2", &u, "Wrong#Pass2020").await;
    assert!(sixth.body.contains("请1分钟后再试"), "{}", sixth.body);

    // No hard lock: once the delay is over, the right password signs in.
    expire_delays(&app).await;
    let ok = login_from(&app, "10.0.2.3", &u, &pw).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let stored = login_throttle::Entity::find_by_id("account:mp".to_string())
        .one(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(stored, None, "a success clears the account's count");
}

#[tokio::test]
async fn failures_from_one_ip_across_many_usernames_are_throttled() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;

    for i in 0..20 {
        let res = login_from(&app, "10.0.9.9", &format!("guess{i}"), "Wrong#Pass2020").await;
        assert_ne!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
    let from_there = login_from(&app, "10.0.9.9", &u, &pw).await;
    let elsewhere = login_from(&app, "10.0.8.8", &u, &pw).await;

    assert_eq!(from_there.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        from_there.body.contains("登录失败次数过多"),
        "{}",
        from_there.body
    );
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "{}",
        elsewhere.body
    );
    let logged = audit(&app, "login_throttled", "guess19").await;
    assert!(
        logged
            .iter()
            .any(|r| r.summary.contains("IP「10.0.9.9」已连续失败20次")),
        "{logged:?}"
    );
}

#[tokio::test]
async fn the_password_policy_refuses_short_two_class_username_and_common_passwords() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "maoping", Role::TownshipChair, MAOPING).await;
    let cookie = app.login(&u, &pw).await;

    for (new, says) in [
        ("Ab1#", "至少需要8位"),
        ("abcdefgh12", "至少3类"),
        ("Maoping#2021", "不能包含用户名"),
        ("Password1", "过于常见"),
        ("P@ssw0rd!", "过于常见"),
        ("Jinguo@2020", "过于常见"),
        ("Jinguo@2024", "过于常见"),
        ("Fulian#2019", "过于常见"),
    ] {
        let res = app
            .post_form(
                "/account/password",
                &[
                    ("old_password", &pw),
                    ("new_password", new),
                    ("confirm", new),
                ],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{new}");
        assert!(res.body.contains(says), "{new}: {}", res.body);
    }
    // The old password still signs in: nothing was changed.
    app.login(&u, &pw).await;
}

#[tokio::test]
async fn the_demo_password_is_accepted_only_for_seeded_accounts_of_the_command_line() {
    let app = TestApp::with_county().await;
    let input = NewUser {
        username: "demo1".into(),
        display_name: "示范".into(),
        role: Role::TownshipChair,
        password: Some("Jinguo@2020".into()),
        view_roots: vec![MAOPING.into()],
        capture_roots: vec![MAOPING.into()],
    };
    let handed_out = app
        .db()
        .write(async |tx| account::create_user(tx, &db::Ctx::operator(), &input).await)
        .await;
    match handed_out {
        Err(db::DbError::Invalid(inv)) => {
            assert_eq!(inv.errors[0].field, "password");
            assert!(inv.errors[0].message.contains("过于常见"), "{inv:?}");
        }
        other => panic!("expected the policy to refuse it, got {other:?}"),
    }

    db::testing::user(app.db(), "admin", Role::CountyAdmin, COUNTY).await;
    let admin = db::testing::ctx_of(app.db(), "admin").await;
    let by_admin = app
        .db()
        .write(async |tx| account::create_seeded_user(tx, &admin, &input).await)
        .await;
    assert!(
        matches!(by_admin, Err(db::DbError::Forbidden(_))),
        "{by_admin:?}"
    );

    let (seeded, _) = app
        .db()
        .write(async |tx| account::create_seeded_user(tx, &db::Ctx::operator(), &input).await)
        .await
        .unwrap();
    assert!(!seeded.must_change_password);
    let res = app
        .post_form(
            "/login",
            &[("username", "demo1"), ("password", "Jinguo@2020")],
            None,
        )
        .await;
    assert_eq!(res.location(), Some("/"));
}

#[tokio::test]
async fn a_stranger_failing_elsewhere_cannot_keep_the_owner_out_of_her_usual_address() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    // She signs in from her office.
    assert_eq!(
        login_from(&app, "10.0.5.5", &u, &pw).await.status,
        StatusCode::SEE_OTHER
    );

    for i in 0..8 {
        login_from(&app, &format!("6.6.6.{i}"), &u, "Wrong#Pass2020").await;
    }
    let stranger = login_from(&app, "6.6.7.7", &u, &pw).await;
    let owner = login_from(&app, "10.0.5.5", &u, &pw).await;

    assert_eq!(stranger.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.body);
}
