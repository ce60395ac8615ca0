//! JSON API of the `people` area: one person one record, validation into
//! field errors, masking, scope, and the audited plaintext view.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestApp};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;
use serde_json::json;

async fn token_for(app: &TestApp, username: &str, role: Role, root: &str) -> String {
    db::testing::user(app.db(), username, role, root).await;
    let ctx = db::testing::ctx_of(app.db(), username).await;
    app.db()
        .write(async |tx| db::account::token::create(tx, &ctx, "测试对接").await)
        .await
        .expect("token")
        .1
}

async fn person_count(app: &TestApp) -> u64 {
    db::entity::person::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_bad_check_digit_is_a_422_on_id_number_and_writes_nothing() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/people",
            &token,
            Some(json!({"name": "王秀梅", "id_number": "420527199001010022", "org_code": MAOPING_VILLAGE})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["code"], "validation_failed");
    assert_eq!(err["error"]["fields"][0]["field"], "id_number");
    let message = err["error"]["fields"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("校验"), "{message}");
    assert_eq!(err["error"]["message"], message);
    assert_eq!(person_count(&app).await, 0);
}

#[tokio::test]
async fn every_bad_field_is_reported_at_once() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/people",
            &token,
            Some(json!({"name": " ", "id_number": "", "phone": "12345"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = res.json();
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "id_number", "phone", "org_code"]);
    assert_eq!(person_count(&app).await, 0);
}

#[tokio::test]
async fn the_same_id_number_twice_gives_the_same_person() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let body = json!({"name": "王秀梅", "id_number": "420527199001010021", "phone": "13812345678",
                      "org_code": MAOPING_VILLAGE, "tags": ["低保"]});
    let first = app
        .bearer("POST", "/api/v1/people", &token, Some(body.clone()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = app
        .bearer("POST", "/api/v1/people", &token, Some(body))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let (first, second) = (first.json(), second.json());
    assert_eq!(first["created"], true);
    assert_eq!(second["created"], false);
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second["id_masked"], "420527***********1");
    assert_eq!(second["phone_masked"], "138****5678");
    assert_eq!(second["tags"], json!(["低保"]));
    assert_eq!(person_count(&app).await, 1);
    // Neither answer carries the plaintext or a ciphertext.
    for v in [&first, &second] {
        let text = v.to_string();
        assert!(!text.contains("420527199001010021") && !text.contains("13812345678"));
        assert!(v.get("id_cipher").is_none());
    }
}

#[tokio::test]
async fn people_lists_are_scoped_masked_and_searchable() {
    let app = TestApp::with_county().await;
    db::testing::person(app.db(), "王秀梅", "420527199001010021", MAOPING_VILLAGE).await;
    db::testing::person(
        app.db(),
        "李红",
        "42052719850315002X",
        common::GUIZHOU_VILLAGE,
    )
    .await;
    db::testing::person(app.db(), "张兰", "420527198512030046", MAOPING_VILLAGE_2).await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;

    let list = app
        .bearer("GET", "/api/v1/people", &token, None)
        .await
        .json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["per_page"], 50);
    let one_village = app
        .bearer(
            "GET",
            &format!("/api/v1/people?org={MAOPING_VILLAGE}"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(one_village["total"], 1);
    assert_eq!(one_village["items"][0]["name"], "王秀梅");
    assert_eq!(one_village["items"][0]["org_code"], MAOPING_VILLAGE);
    assert_eq!(one_village["items"][0]["id_masked"], "420527***********1");

    let found = app
        .bearer("GET", "/api/v1/people?q=%E7%A7%80%E6%A2%85", &token, None)
        .await
        .json();
    assert_eq!(found["total"], 1);
    let none = app
        .bearer("GET", "/api/v1/people?q=%E6%9D%8E%E7%BA%A2", &token, None)
        .await
        .json();
    assert_eq!(none["total"], 0, "李红 is in another township");
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/people?org={GUIZHOU}"),
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    for query in ["per_page=500", "page=0", "page=10000000000000", "page=-1"] {
        let res = app
            .bearer("GET", &format!("/api/v1/people?{query}"), &token, None)
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(res.json()["error"]["code"].is_string());
    }
}

#[tokio::test]
async fn a_person_outside_scope_is_404_and_a_bad_id_is_400() {
    let app = TestApp::with_county().await;
    let other = db::testing::person(
        app.db(),
        "李红",
        "42052719850315002X",
        common::GUIZHOU_VILLAGE,
    )
    .await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer("GET", &format!("/api/v1/people/{other}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");
    let res = app.bearer("GET", "/api/v1/people/abc", &token, None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["code"], "invalid_path");
}

#[tokio::test]
async fn registering_a_person_known_in_another_township_is_a_conflict() {
    let app = TestApp::with_county().await;
    db::testing::person(
        app.db(),
        "李红",
        "42052719850315002X",
        common::GUIZHOU_VILLAGE,
    )
    .await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/people",
            &token,
            Some(json!({"name": "李红", "id_number": "42052719850315002X", "org_code": MAOPING_VILLAGE})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "conflict");
}

#[tokio::test]
async fn reveal_needs_the_sensitive_permission_and_is_access_logged() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王秀梅", "420527199001010021", MAOPING_VILLAGE).await;
    let path = format!("/api/v1/people/{id}/reveal");
    let body = json!({"field": "id_number", "purpose": "核对救助申请"});
    let logs = || async {
        db::entity::access_log::Entity::find()
            .count(&app.db().conn)
            .await
            .expect("count")
    };

    let chair = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app.bearer("POST", &path, &chair, Some(body.clone())).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["error"]["code"], "forbidden");
    assert_eq!(logs().await, 0);

    let admin = token_for(&app, "county", Role::CountyAdmin, COUNTY).await;
    let res = app
        .bearer("POST", &path, &admin, Some(json!({"field": "id_number"})))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "purpose");
    let res = app.bearer("POST", &path, &admin, Some(body)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let shown = res.json();
    assert_eq!(shown["value"], "420527199001010021");
    assert_eq!(shown["field"], "id_number");
    assert_eq!(logs().await, 1);
}
