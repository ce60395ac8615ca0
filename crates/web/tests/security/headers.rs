//! Point 9 of the security issue, headers: a CSP that lets ECharts' inline tooltip styles through
//! (`style-src-attr`) and nothing else inline; HSTS over HTTPS only. And from
//! point 7 (bad input): the `next` redirect accepts only same-origin relative
//! paths (no newline 500, no TAB open redirect), a review `move` holding a
//! newline is a Chinese 400, and behind `--trust-proxy` the client is the
//! right-most X-Forwarded-For entry that isn't a trusted proxy.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use db::{
    entity::audit_log,
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use domain::access::Role;

use super::common::{self, COUNTY, MAOPING, TestApp};

fn directives(csp: &str) -> Vec<(String, String)> {
    csp.split(';')
        .filter_map(|d| {
            let d = d.trim();
            let (name, value) = d.split_once(' ').unwrap_or((d, ""));
            (!name.is_empty()).then(|| (name.to_string(), value.trim().to_string()))
        })
        .collect()
}

#[tokio::test]
async fn the_csp_allows_inline_style_attributes_but_no_inline_script_or_style_element() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let res = app.get("/dashboard", Some(&cookie)).await;
    let csp = res.headers["content-security-policy"].to_str().unwrap();
    let d = directives(csp);
    let get = |name: &str| {
        d.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{name} in {csp}"))
    };

    assert_eq!(get("script-src"), "'self'");
    assert_eq!(get("style-src"), "'self'");
    assert_eq!(get("style-src-elem"), "'self'");
    assert_eq!(get("style-src-attr"), "'unsafe-inline'");
    assert_eq!(get("object-src"), "'none'");
    assert_eq!(get("frame-ancestors"), "'none'");
    assert_eq!(csp.matches("unsafe-inline").count(), 1, "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
}

#[tokio::test]
async fn hsts_is_sent_over_https_behind_the_trusted_proxy_and_never_over_plain_http() {
    let behind = TestApp::with_county_configured(true, Default::default()).await;
    async fn get(app: &TestApp, proto: Option<&'static str>) -> common::Res {
        let mut b = Request::builder()
            .uri("/login")
            .header(header::HOST, common::HOST);
        if let Some(p) = proto {
            b = b.header("x-forwarded-proto", p);
        }
        app.send(b.body(Body::empty()).unwrap()).await
    }

    let https = get(&behind, Some("https")).await;
    let http = get(&behind, Some("http")).await;
    let plain = get(&behind, None).await;
    let untrusted_app = TestApp::with_county().await;
    let untrusted = get(&untrusted_app, Some("https")).await;

    assert_eq!(
        https
            .headers
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    assert!(http.headers.get("strict-transport-security").is_none());
    assert!(plain.headers.get("strict-transport-security").is_none());
    assert!(
        untrusted.headers.get("strict-transport-security").is_none(),
        "X-Forwarded-Proto is only believed with --trust-proxy"
    );
}

#[tokio::test]
async fn a_newline_in_next_is_not_a_500_and_leads_home() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;

    let page = app
        .get("/login?next=/people%0D%0ASet-Cookie:%20x=1", None)
        .await;
    let post = app
        .post_form(
            "/login",
            &[
                ("username", &u),
                ("password", &pw),
                ("next", "/people\r\nSet-Cookie: x=1"),
            ],
            None,
        )
        .await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"name="next" value="/""#),
        "{}",
        page.body
    );
    assert_eq!(post.status, StatusCode::SEE_OTHER, "{}", post.body);
    assert_eq!(post.location(), Some("/"));
}

#[tokio::test]
async fn a_tab_or_backslash_in_next_cannot_make_an_open_redirect() {
    let app = TestApp::with_county().await;
    let (u, pw) = db::testing::user(app.db(), "mp", Role::TownshipChair, MAOPING).await;

    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "\t//evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
    ] {
        let res = app
            .post_form(
                "/login",
                &[("username", &u), ("password", &pw), ("next", next)],
                None,
            )
            .await;
        let to = res.location().unwrap_or_default().to_string();
        // The first login goes to "/", later ones show the last login ("/?last=1").
        assert!(to == "/" || to == "/?last=1", "{next:?} → {to:?}");
    }
    // A same-origin path (with Chinese text) is still followed.
    let res = app
        .post_form(
            "/login",
            &[
                ("username", &u),
                ("password", &pw),
                ("next", "/people?q=张"),
            ],
            None,
        )
        .await;
    assert_eq!(res.location(), Some("/people?q=%E5%BC%A0&last=1"));
}

#[tokio::test]
async fn a_newline_in_a_review_move_is_refused_in_chinese_not_a_500() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    let res = app
        .post_form(
            "/review/420527000000/2020",
            &[
                ("title", "盘点"),
                ("move", "up:a\nLocation: //evil.example"),
            ],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("移动看点的参数"), "{}", res.body);
    assert!(res.headers.get(header::LOCATION).is_none());
}

#[tokio::test]
async fn behind_the_proxy_the_client_is_the_right_most_untrusted_forwarded_entry() {
    let settings = web::security::Settings {
        trusted_proxies: vec![web::security::Net::parse("192.168.50.0/24").unwrap()],
        ..Default::default()
    };
    let app = TestApp::with_county_configured(true, settings).await;
    let fail = |xff: String, user: String| {
        let body = serde_urlencoded::to_string([
            ("username", user.as_str()),
            ("password", "Wrong#Pass2020"),
        ])
        .unwrap();
        let req = Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::HOST, common::HOST)
            .header(header::ORIGIN, common::ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", xff)
            .body(Body::from(body))
            .unwrap();
        app.send(req)
    };

    // What the client wrote comes first; our proxies appended the rest.
    fail("6.6.6.6, 10.3.3.3, 192.168.50.7".into(), "probe".into()).await;
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq("probe"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.ip.as_deref(), Some("10.3.3.3"));

    // Changing the spoofed part doesn't escape the address's throttle.
    for i in 0..20 {
        fail(format!("7.7.7.{i}, 10.4.4.4"), format!("u{i}")).await;
    }
    let res = fail("8.8.8.8, 10.4.4.4".into(), "another".into()).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
}
