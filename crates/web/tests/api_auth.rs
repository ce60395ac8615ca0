//! JSON API: authentication (cookie or bearer token), CSRF, error bodies and
//! the OpenAPI document.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestApp};
use domain::access::Role;
use serde_json::json;

/// A user of `role` rooted at `root`, and a fresh API token of hers.
async fn token_for(app: &TestApp, username: &str, role: Role, root: &str) -> (i64, String) {
    db::testing::user(app.db(), username, role, root).await;
    let ctx = db::testing::ctx_of(app.db(), username).await;
    let (row, token) = app
        .db()
        .write(async |tx| db::account::token::create(tx, &ctx, "测试对接").await)
        .await
        .expect("token");
    (row.id, token)
}

fn assert_chinese(s: &str) {
    assert!(
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not a Chinese message: {s}"
    );
}

#[tokio::test]
async fn api_without_credentials_answers_401_json() {
    let app = TestApp::with_county().await;
    let res = app.get("/api/v1/orgs", None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let body = res.json();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_chinese(body["error"]["message"].as_str().unwrap_or_default());
}

#[tokio::test]
async fn an_unknown_api_path_answers_404_json() {
    let app = TestApp::with_county().await;
    let res = app.get("/api/v1/nothing/here", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");
    // The document itself is still served.
    assert_eq!(
        app.get("/api/v1/openapi.json", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unknown_token_answers_401() {
    let app = TestApp::with_county().await;
    let res = app
        .bearer("GET", "/api/v1/users/me", "jg_not_a_real_token", None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn a_revoked_token_answers_401() {
    let app = TestApp::with_county().await;
    let (id, token) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    assert_eq!(
        app.bearer("GET", "/api/v1/users/me", &token, None)
            .await
            .status,
        StatusCode::OK
    );
    let ctx = db::testing::ctx_of(app.db(), "mp").await;
    app.db()
        .write(async |tx| db::account::token::revoke(tx, &ctx, id).await)
        .await
        .expect("revoke");
    let res = app.bearer("GET", "/api/v1/users/me", &token, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json()["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn me_shows_the_token_users_role_grants_and_roots() {
    let app = TestApp::with_county().await;
    let (_, token) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app.bearer("GET", "/api/v1/users/me", &token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let me = res.json();
    assert_eq!(me["username"], "mp");
    assert_eq!(me["role"], "乡镇妇联主席");
    assert_eq!(me["role_code"], "township_chair");
    assert_eq!(me["view_roots"], json!([MAOPING]));
    assert_eq!(me["capture_roots"], json!([MAOPING]));
    assert_eq!(me["via_token"], true);
    let grants = me["grants"].as_str().unwrap_or_default();
    assert!(grants.contains("people:write"), "{grants}");
    assert!(!grants.contains("people:sensitive"), "{grants}");
}

#[tokio::test]
async fn cookie_post_from_another_site_is_rejected_as_json_while_bearer_works() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let body = json!({"code": "420527101203", "name": "新村妇联", "kind": "村妇联", "parent_code": MAOPING});
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/orgs")
        .header(header::HOST, common::HOST)
        .header(header::ORIGIN, "http://evil.example")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let err = res.json();
    assert_eq!(err["error"]["code"], "csrf_rejected");
    assert_chinese(err["error"]["message"].as_str().unwrap_or_default());
    assert!(
        db::org::find_by_code(&app.db().conn, "420527101203")
            .await
            .expect("query")
            .is_none(),
        "the cross-site request must write nothing"
    );

    // Same user, same-origin cookie call: allowed.
    let res = app
        .json("POST", "/api/v1/orgs", body.clone(), Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);

    // A bearer call carries no Origin and no cookie: not a CSRF vector.
    let (_, token) = token_for(&app, "mp2", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/orgs",
            &token,
            Some(json!({"code": "420527101204", "name": "又一村妇联", "kind": "village", "parent_code": MAOPING})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

#[tokio::test]
async fn malformed_json_answers_400_with_a_code() {
    let app = TestApp::with_county().await;
    let (_, token) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/people")
        .header(header::HOST, common::HOST)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": \"王秀梅\", "))
        .expect("request");
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let err = res.json();
    assert_eq!(err["error"]["code"], "malformed_json");
    assert_chinese(err["error"]["message"].as_str().unwrap_or_default());

    // A body that is not declared as JSON is also a JSON 400.
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/people")
        .header(header::HOST, common::HOST)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from("name=x"))
        .expect("request");
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["code"], "json_required");
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_named_in_a_422() {
    let app = TestApp::with_county().await;
    let (_, token) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/people",
            &token,
            Some(json!({"name": "王秀梅", "id_number": "420527199001010021", "org_code": MAOPING, "tags": "低保"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["code"], "validation_failed");
    assert_eq!(err["error"]["fields"][0]["field"], "tags");
    assert_chinese(
        err["error"]["fields"][0]["message"]
            .as_str()
            .unwrap_or_default(),
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_api() {
    let app = TestApp::with_county().await;
    let res = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert!(
        doc["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.")
    );
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/v1/orgs",
        "/api/v1/orgs/{code}",
        "/api/v1/people",
        "/api/v1/people/{id}/reveal",
        "/api/v1/users/me",
        "/api/v1/venues",
        "/api/v1/officers",
        "/api/v1/surveys",
    ] {
        assert!(paths.contains_key(p), "missing {p}");
    }
    // Errors are documented with their body, and the ways in are declared.
    assert_eq!(
        doc["paths"]["/api/v1/people"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
            ["$ref"],
        "#/components/schemas/ApiErrorBody"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn a_token_cannot_mint_tokens_but_a_signed_in_user_can() {
    let app = TestApp::with_county().await;
    let (_, token) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/users/me/tokens",
            &token,
            Some(json!({"name": "再来一个"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let cookie = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let res = app
        .json(
            "POST",
            "/api/v1/users/me/tokens",
            json!({"name": "市妇联对接"}),
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let created = res.json();
    let secret = created["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("jg_"));
    let id = created["token"]["id"].as_i64().expect("id");

    // The new token acts as its user; revoking it (even with itself) ends it.
    let me = app.bearer("GET", "/api/v1/users/me", &secret, None).await;
    assert_eq!(me.json()["username"], "gz");
    let res = app
        .bearer(
            "DELETE",
            &format!("/api/v1/users/me/tokens/{id}"),
            &secret,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = app.bearer("GET", "/api/v1/users/me", &secret, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let list = app
        .get("/api/v1/users/me/tokens", Some(&cookie))
        .await
        .json();
    assert!(list[0]["revoked_at"].is_string(), "{list}");
    assert!(list[0].get("token_hash").is_none());
}

#[tokio::test]
async fn only_account_admins_list_and_create_users() {
    let app = TestApp::with_county().await;
    let (_, chair) = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app.bearer("GET", "/api/v1/users", &chair, None).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"]["code"], "forbidden");

    let (_, admin) = token_for(&app, "county", Role::CountyAdmin, common::COUNTY).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/users",
            &admin,
            Some(json!({
                "username": "ygt", "display_name": "银杏沱村妇联主席", "role": "村(社区)妇联主席",
                "view_roots": [MAOPING_VILLAGE, GUIZHOU_VILLAGE], "capture_roots": [MAOPING_VILLAGE]
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let created = res.json();
    assert_eq!(created["user"]["role_code"], "village_chair");
    assert_eq!(created["user"]["capture_roots"], json!([MAOPING_VILLAGE]));
    assert_eq!(
        created["user"]["view_roots"],
        json!([MAOPING_VILLAGE, GUIZHOU_VILLAGE])
    );
    assert_eq!(created["user"]["must_change_password"], true);
    let password = created["password"].as_str().expect("password");
    assert!(password.len() >= 8);
    assert!(created["user"].get("password_hash").is_none());

    let list = app
        .bearer("GET", "/api/v1/users", &admin, None)
        .await
        .json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(names.contains(&"ygt") && names.contains(&"mp"), "{names:?}");

    // A bad role and an unreachable root are field errors.
    let res = app
        .bearer(
            "POST",
            "/api/v1/users",
            &admin,
            Some(json!({"username": "x1", "display_name": "某某", "role": "村长", "view_roots": [MAOPING_VILLAGE_2]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "role");
    let res = app
        .bearer(
            "POST",
            "/api/v1/users",
            &admin,
            Some(json!({"username": "x2", "display_name": "某某", "role": "village_chair", "view_roots": ["420527999999"]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "roots");
}
