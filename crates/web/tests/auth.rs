//! Sign-in, sessions and CSRF through the real router.

mod common;

use axum::http::StatusCode;
use common::{MAOPING, TestApp};
use domain::access::Role;

#[tokio::test]
async fn pages_redirect_to_login_without_a_session() {
    let app = TestApp::with_county().await;
    let res = app.get("/", None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), Some("/login?next=/"));
}

#[tokio::test]
async fn a_signed_in_chair_sees_her_township_on_the_home_page() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app.get("/", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("茅坪镇妇联"), "{}", res.body);
    assert!(!res.body.contains("归州镇妇联"));
}

#[tokio::test]
async fn cross_site_form_post_is_rejected_and_changes_nothing() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/logout")
        .header("host", common::HOST)
        .header("origin", "http://evil.example")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("跨站"), "{}", res.body);
    // The session survived: the cross-site logout did nothing.
    assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sec_fetch_site_cross_site_is_rejected_even_with_matching_origin() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/logout")
        .header("host", common::HOST)
        .header("origin", common::ORIGIN)
        .header("sec-fetch-site", "cross-site")
        .header("cookie", &cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn five_wrong_passwords_delay_the_account_even_for_the_right_one() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    for i in 0..5 {
        let res = app
            .post_form(
                "/login",
                &[("username", &u), ("password", "Wrong#pass1")],
                None,
            )
            .await;
        // The fifth failure starts the first delay and says so.
        let expected = if i < 4 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status, expected);
    }
    let res = app
        .post_form("/login", &[("username", &u), ("password", &pw)], None)
        .await;
    // A delay (not a lock that tells a stranger the account exists).
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("登录失败次数过多"), "{}", res.body);
    assert!(!res.body.contains("锁定"), "{}", res.body);
    assert!(res.session_cookie().is_none());
}

#[tokio::test]
async fn session_cookie_is_httponly_samesite_lax_and_not_secure_over_plain_http() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .post_form("/login", &[("username", &u), ("password", &pw)], None)
        .await;
    let set = res
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn responses_carry_a_csp_without_inline_script_and_deny_framing() {
    let app = TestApp::with_county().await;
    let res = app.get("/login", None).await;
    let csp = res
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    // Only style attributes may be inline (ECharts' tooltips): never script.
    assert!(
        csp.contains("script-src 'self';")
            && csp.contains("style-src-elem 'self';")
            && csp.matches("unsafe-inline").count() == 1
            && csp.contains("style-src-attr 'unsafe-inline'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(
        !res.body.contains("<script>"),
        "inline script on the login page"
    );
}

#[tokio::test]
async fn first_login_forces_a_password_change_before_anything_else() {
    let app = TestApp::with_county().await;
    let (user, pw) = app
        .db()
        .write(async |tx| {
            db::account::create_user(
                tx,
                &db::Ctx::operator(),
                &db::account::NewUser {
                    username: "newchair".into(),
                    display_name: "新主席".into(),
                    role: Role::VillageChair,
                    password: None,
                    view_roots: vec![common::MAOPING_VILLAGE.into()],
                    capture_roots: vec![common::MAOPING_VILLAGE.into()],
                },
            )
            .await
        })
        .await
        .unwrap();
    let res = app
        .post_form(
            "/login",
            &[("username", &user.username), ("password", &pw)],
            None,
        )
        .await;
    assert_eq!(res.location(), Some("/account/password"));
    let cookie = res.session_cookie().unwrap();
    assert_eq!(
        app.get("/", Some(&cookie)).await.location(),
        Some("/account/password")
    );
    let weak = app
        .post_form(
            "/account/password",
            &[
                ("old_password", &pw),
                ("new_password", "abcdefgh"),
                ("confirm", "abcdefgh"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    let ok = app
        .post_form(
            "/account/password",
            &[
                ("old_password", &pw),
                ("new_password", "Xinmima#2020"),
                ("confirm", "Xinmima#2020"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.get("/", Some(&cookie)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_account_page_shows_the_previous_sign_in_not_the_current_one() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;
    let first = app.login(&u, &pw).await;
    let page = app.get("/account", Some(&first)).await;
    assert!(page.body.contains("首次登录"), "{}", page.body);
    let second = app.login(&u, &pw).await;
    let page = app.get("/account", Some(&second)).await;
    assert!(!page.body.contains("首次登录"), "{}", page.body);
    assert!(page.body.contains("上次登录时间"));
}
