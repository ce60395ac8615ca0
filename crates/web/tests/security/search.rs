//! §3 of docs/security.md: a search by exact 身份证号 or phone is not an
//! oracle. It needs `people:search`, is logged by the blind index (never the
//! number), is rate-limited per account and per IP (HTTP 429 with a Chinese
//! message on pages and API alike), and answers with masked data only.

use std::net::SocketAddr;

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode, header},
};
use db::{entity::search_log, people, sea_orm::EntityTrait};
use domain::{access::Role, foundation::person::PersonDraft};
use web::limiter::SearchLimits;

use crate::common::{COUNTY, GUIZHOU, HOST, MAOPING, MAOPING_VILLAGE, Res, TestApp};

const WANG_ID: &str = "42052719850315002X";
const WANG_PHONE: &str = "13812345678";

async fn app_with_wang() -> (TestApp, i64) {
    let app = TestApp::with_county().await;
    let input = PersonDraft {
        name: "王秀梅".into(),
        id_number: WANG_ID.into(),
        phone: WANG_PHONE.into(),
        org_code: MAOPING_VILLAGE.into(),
        tags: vec![],
    }
    .validate(db::time::today_beijing())
    .expect("fixture person");
    let (p, _) = app
        .db()
        .write(async |tx| people::find_or_create(tx, app.db(), &db::Ctx::operator(), &input).await)
        .await
        .expect("person");
    (app, p.id)
}

/// A GET from the client at `ip` (as the socket peer).
async fn get_from(app: &TestApp, path: &str, cookie: &str, ip: [u8; 4]) -> Res {
    let mut req = Request::builder()
        .method("GET")
        .uri(path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    app.send(req).await
}

async fn log_rows(app: &TestApp) -> Vec<search_log::Model> {
    search_log::Entity::find()
        .all(&app.db().conn)
        .await
        .expect("search log")
}

#[tokio::test]
async fn an_exact_id_or_phone_search_needs_the_people_search_permission() {
    let (app, _) = app_with_wang().await;
    // A village chair reads people but holds no people:search.
    let vc = app
        .login_as("vc", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    for q in [WANG_ID, WANG_PHONE] {
        let page = app.get(&format!("/people?q={q}"), Some(&vc)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{q}: {}", page.body);
        assert!(page.body.contains("精确检索"), "{}", page.body);
        assert!(!page.body.contains("王秀梅"));
        let api = app.get(&format!("/api/v1/people?q={q}"), Some(&vc)).await;
        assert_eq!(api.status, StatusCode::FORBIDDEN, "{q}: {}", api.body);
        assert!(api.body.contains("精确检索"), "{}", api.body);
        assert!(!api.body.contains("王秀梅"));
    }
    // A number that exists nowhere is refused the same way: no oracle.
    let page = app.get("/people?q=420527199001010013", Some(&vc)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // A name search stays open to her.
    let page = app.get("/people?q=王秀梅", Some(&vc)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("王秀梅"));
    assert!(log_rows(&app).await.is_empty());
    // The township chair holds the permission.
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let page = app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
}

#[tokio::test]
async fn an_exact_search_is_logged_with_who_when_and_the_blind_index_never_the_number() {
    let (app, _) = app_with_wang().await;
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let gz = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(5);
    app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
    app.get(&format!("/api/v1/people?q={WANG_PHONE}"), Some(&mp))
        .await;
    // Out of her scope: nothing found, and logged all the same.
    app.get(&format!("/people?q={WANG_ID}"), Some(&gz)).await;
    // A name search is not an exact-identifier search.
    app.get("/people?q=王", Some(&mp)).await;

    let rows = log_rows(&app).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let keys = &app.db().keys;
    let id_index = keys.blind_index("id_number", WANG_ID);
    let phone_index = keys.blind_index("phone", WANG_PHONE);
    let got: Vec<(&str, &str, &str, i32)> = rows
        .iter()
        .map(|r| {
            (
                r.actor_name.as_str(),
                r.field.as_str(),
                r.blind_index.as_str(),
                r.hits,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("mp", "id_number", id_index.as_str(), 1),
            ("mp", "phone", phone_index.as_str(), 1),
            ("gz", "id_number", id_index.as_str(), 0),
        ]
    );
    for r in &rows {
        assert!(r.at >= before && r.at <= chrono::Utc::now(), "{r:?}");
        assert!(r.actor_id.is_some());
        let text = format!("{r:?}");
        assert!(!text.contains(WANG_ID) && !text.contains("19850315"));
        assert!(!text.contains(WANG_PHONE) && !text.contains("1234 5678"));
    }
}

#[tokio::test]
async fn exact_search_results_show_masked_data_only() {
    let (app, id) = app_with_wang().await;
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let page = app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("/people/{id}")),
        "{}",
        page.body
    );
    assert!(page.body.contains("王*"), "{}", page.body);
    assert!(!page.body.contains("王秀梅"), "{}", page.body);
    assert!(page.body.contains("420527***********X"));
    assert!(page.body.contains("138****5678"));
    // Not even echoed back in the search box or the pager's links.
    assert!(!page.body.contains(WANG_ID), "{}", page.body);
    assert!(!page.body.contains(WANG_PHONE));

    let api = app
        .get(&format!("/api/v1/people?q={WANG_PHONE}"), Some(&mp))
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v = api.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["name"], "王*梅");
    assert_eq!(v["items"][0]["id_masked"], "420527***********X");
    assert_eq!(v["items"][0]["phone_masked"], "138****5678");
    assert_eq!(v["items"][0]["birth_year"], 1985);
    assert!(!api.body.contains(WANG_ID) && !api.body.contains(WANG_PHONE));
    assert!(!api.body.contains("1985-03-15") && !api.body.contains("王秀梅"));
}

#[tokio::test]
async fn more_than_twenty_exact_searches_a_minute_by_one_account_get_a_chinese_429() {
    let (app, _) = app_with_wang().await;
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let limits = SearchLimits::default();
    assert_eq!((limits.per_minute, limits.per_day), (20, 200));
    for n in 0..20 {
        // Different numbers, as an enumeration would try them.
        let q = if n % 2 == 0 { WANG_ID } else { WANG_PHONE };
        let res = app.get(&format!("/people?q={q}"), Some(&mp)).await;
        assert_eq!(res.status, StatusCode::OK, "search {n}: {}", res.body);
    }
    let page = app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("每分钟最多20次"), "{}", page.body);
    assert!(!page.body.contains("王"));
    let api = app
        .get(&format!("/api/v1/people?q={WANG_PHONE}"), Some(&mp))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        api.json()["error"].to_string().contains("每分钟最多20次"),
        "{}",
        api.body
    );
    // Refused searches are neither answered nor logged; name searches go on.
    assert_eq!(log_rows(&app).await.len(), 20);
    let page = app.get("/people?q=王", Some(&mp)).await;
    assert_eq!(page.status, StatusCode::OK);
    // Another account is not held back by hers.
    let staff = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let res = app.get(&format!("/people?q={WANG_ID}"), Some(&staff)).await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn exact_searches_are_limited_per_ip_across_accounts() {
    let (app, _) = app_with_wang().await;
    let a = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let b = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let ip = [10, 0, 0, 7];
    for n in 0..20 {
        let cookie = if n % 2 == 0 { &a } else { &b };
        let res = get_from(&app, &format!("/people?q={WANG_ID}"), cookie, ip).await;
        assert_eq!(res.status, StatusCode::OK, "search {n}: {}", res.body);
    }
    // Each account made 10, the address 20: a third account there is refused.
    let c = app.login_as("admin", Role::CountyAdmin, COUNTY).await;
    let res = get_from(&app, &format!("/api/v1/people?q={WANG_ID}"), &c, ip).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("本IP地址"), "{}", res.body);
    // From another address the same account goes on.
    let res = get_from(
        &app,
        &format!("/api/v1/people?q={WANG_ID}"),
        &c,
        [10, 0, 0, 8],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let ips: Vec<Option<String>> = log_rows(&app).await.into_iter().map(|r| r.ip).collect();
    assert_eq!(ips.first(), Some(&Some("10.0.0.7".to_string())));
    assert_eq!(ips.last(), Some(&Some("10.0.0.8".to_string())));
}

#[tokio::test]
async fn the_daily_limit_is_configurable_and_refuses_with_a_chinese_429() {
    let (mut app, _) = app_with_wang().await;
    let dir = tempfile::tempdir().unwrap();
    let state = web::AppState::new(
        app.db().clone(),
        web::Config {
            data_dir: dir.path().to_path_buf(),
            trust_proxy: false,
        },
    )
    .with_search_limits(SearchLimits {
        per_minute: 100,
        per_day: 3,
    });
    app.router = web::router(state);
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    for _ in 0..3 {
        let res = app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
        assert_eq!(res.status, StatusCode::OK);
    }
    let res = app.get(&format!("/people?q={WANG_ID}"), Some(&mp)).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.body.contains("今日上限（24小时内最多3次）"),
        "{}",
        res.body
    );
    let api = app
        .get(&format!("/api/v1/people?q={WANG_ID}"), Some(&mp))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(api.body.contains("最多3次"), "{}", api.body);
}

#[tokio::test]
async fn registering_or_adding_a_member_by_a_number_on_file_counts_and_is_logged_like_a_search() {
    let (mut app, wang) = app_with_wang().await;
    let dir = tempfile::tempdir().unwrap();
    let state = web::AppState::new(
        app.db().clone(),
        web::Config {
            data_dir: dir.path().to_path_buf(),
            trust_proxy: false,
        },
    )
    .with_search_limits(SearchLimits {
        per_minute: 2,
        per_day: 100,
    });
    app.router = web::router(state);
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    // "该身份证号已登记": the registration told that the number is on file.
    let form = [
        ("name", "王某"),
        ("id_number", WANG_ID),
        ("org_code", MAOPING_VILLAGE),
    ];
    let res = app.post_form("/people/new", &form, Some(&mp)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().unwrap().contains("existing=1"));
    // "未找到该身份证号的人员": a household look-up told that it is not.
    let res = app
        .post_form(
            &format!("/people/{wang}/household/members"),
            &[("id_number", "420527199001010013"), ("relation", "子女")],
            Some(&mp),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let rows = log_rows(&app).await;
    assert_eq!(
        rows.iter()
            .map(|r| (r.field.as_str(), r.hits))
            .collect::<Vec<_>>(),
        [("id_number", 1), ("id_number", 0)]
    );
    // Over the limit, any registration is refused before the look-up, so
    // the refusal says nothing about this number.
    let new = [
        ("name", "李德明"),
        ("id_number", "420527199001010013"),
        ("org_code", MAOPING_VILLAGE),
    ];
    let res = app.post_form("/people/new", &new, Some(&mp)).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.body.contains("每分钟最多2次"), "{}", res.body);
    let api = app
        .json(
            "POST",
            "/api/v1/people",
            serde_json::json!({"name": "王某", "id_number": WANG_ID, "org_code": MAOPING_VILLAGE}),
            Some(&mp),
        )
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS, "{}", api.body);
    assert_eq!(log_rows(&app).await.len(), 2);
}
