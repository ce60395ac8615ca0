//! JSON API of the `org` area: scoped lists, reads and writes of the tree,
//! and the venues, officers and surveys hung on it.

mod common;

use axum::http::StatusCode;
use common::{
    COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestApp,
};
use domain::access::Role;
use serde_json::{Value, json};

async fn token_for(app: &TestApp, username: &str, role: Role, root: &str) -> String {
    db::testing::user(app.db(), username, role, root).await;
    let ctx = db::testing::ctx_of(app.db(), username).await;
    app.db()
        .write(async |tx| db::account::token::create(tx, &ctx, "测试对接").await)
        .await
        .expect("token")
        .1
}

fn codes(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["code"].as_str().map(String::from))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_township_token_lists_only_its_subtree_in_the_list_shape() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app.bearer("GET", "/api/v1/orgs", &token, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json();
    assert_eq!(codes(&list), [MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2]);
    assert_eq!(list["total"], 3);
    assert_eq!(list["page"], 1);
    assert_eq!(list["per_page"], 50);
    let first = &list["items"][0];
    assert_eq!(first["code"], MAOPING);
    assert_eq!(first["kind"], "乡镇妇联");
    assert_eq!(first["kind_code"], "township");
    // The county above her root is not hers to see, not even by code.
    assert_eq!(first["parent_code"], Value::Null);
    let village = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|o| o["code"] == MAOPING_VILLAGE)
        .expect("village");
    assert_eq!(village["parent_code"], MAOPING);
}

#[tokio::test]
async fn another_townships_org_is_404_by_path_and_by_filter() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer("GET", &format!("/api/v1/orgs/{GUIZHOU}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");
    let res = app
        .bearer("GET", &format!("/api/v1/orgs?org={GUIZHOU}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{GUIZHOU}/venues"),
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .bearer("GET", &format!("/api/v1/orgs/{MAOPING}"), &token, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["name"], "茅坪镇妇联");
}

#[tokio::test]
async fn paging_and_filters_are_checked() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "county", Role::CountyStaff, COUNTY).await;
    let res = app
        .bearer("GET", "/api/v1/orgs?per_page=500", &token, None)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["code"], "bad_request");
    let res = app
        .bearer("GET", "/api/v1/orgs?per_page=abc", &token, None)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let err = res.json();
    assert_eq!(err["error"]["code"], "invalid_query");
    assert_eq!(err["error"]["fields"][0]["field"], "per_page");
    let res = app
        .bearer(
            "GET",
            "/api/v1/orgs?kind=%E6%9D%91%E5%A7%94%E4%BC%9A",
            &token,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "kind");

    let list = app
        .bearer("GET", "/api/v1/orgs?per_page=2&page=2", &token, None)
        .await
        .json();
    assert_eq!(list["total"], 6);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));

    let villages = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs?org={MAOPING}&kind=%E6%9D%91%E5%A6%87%E8%81%94"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(codes(&villages), [MAOPING_VILLAGE, MAOPING_VILLAGE_2]);
    let only = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs?org={MAOPING}&only=true"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(codes(&only), [MAOPING]);
    assert_eq!(only["total"], 1);
    let children = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/children"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(codes(&children), [MAOPING_VILLAGE, MAOPING_VILLAGE_2]);
}

#[tokio::test]
async fn a_chair_creates_updates_and_closes_a_village_in_her_township() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/orgs",
            &token,
            Some(
                json!({"code": "420527101203", "name": "新村妇联", "kind": "村妇联",
                        "parent_code": MAOPING, "founded_on": "2020-07-08"}),
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let created = res.json();
    assert_eq!(created["kind_code"], "village");
    assert_eq!(created["parent_code"], MAOPING);
    assert_eq!(created["founded_on"], "2020-07-08");

    let res = app
        .bearer(
            "PUT",
            "/api/v1/orgs/420527101203",
            &token,
            Some(json!({"name": "新华村妇联", "founded_on": "2020-07-09"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let stored = db::org::find_by_code(&app.db().conn, "420527101203")
        .await
        .expect("query")
        .expect("org");
    assert_eq!(stored.name, "新华村妇联");

    let res = app
        .bearer(
            "POST",
            "/api/v1/orgs/420527101203/close",
            &token,
            Some(json!({"date": "2021-01-01"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["closed_on"], "2021-01-01");
}

#[tokio::test]
async fn bad_org_input_is_422_per_field_and_writes_nothing() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/orgs",
            &token,
            Some(json!({"code": "420527101203", "name": "", "kind": "村委会",
                        "parent_code": MAOPING, "founded_on": "2020-13-45"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let err = res.json();
    assert_eq!(err["error"]["code"], "validation_failed");
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["name", "kind", "founded_on"]);

    // Hanging a village under another township: the parent is not hers.
    let res = app
        .bearer(
            "POST",
            "/api/v1/orgs",
            &token,
            Some(json!({"code": "420527102203", "name": "外村妇联", "kind": "village", "parent_code": GUIZHOU})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "parent_code");
    for code in ["420527101203", "420527102203"] {
        assert!(
            db::org::find_by_code(&app.db().conn, code)
                .await
                .expect("query")
                .is_none()
        );
    }
}

#[tokio::test]
async fn county_staff_move_a_village_to_another_township() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "county", Role::CountyStaff, COUNTY).await;
    let res = app
        .bearer(
            "POST",
            &format!("/api/v1/orgs/{MAOPING_VILLAGE_2}/move"),
            &token,
            Some(json!({"parent_code": GUIZHOU, "effective": "2021-01-01"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["parent_code"], GUIZHOU);
    let children = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{GUIZHOU}/children"),
            &token,
            None,
        )
        .await
        .json();
    // Sorted by code: the moved village keeps its code.
    assert_eq!(codes(&children), [MAOPING_VILLAGE_2, GUIZHOU_VILLAGE]);
}

#[tokio::test]
async fn venues_are_upserted_by_org_and_name() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let venue = json!({"org_code": MAOPING_VILLAGE, "name": "银杏沱村妇女之家", "kind": "妇女之家", "rating": "示范", "rating_level": "市级"});
    let first = app
        .bearer("POST", "/api/v1/venues", &token, Some(venue.clone()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = app
        .bearer("POST", "/api/v1/venues", &token, Some(venue))
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let (first, second) = (first.json(), second.json());
    assert_eq!(first["venue"]["id"], second["venue"]["id"]);
    assert_eq!(second["created"], false);
    assert_eq!(second["venue"]["rating"], "示范");
    assert_eq!(second["venue"]["rating_level"], "市");

    let list = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/venues?subtree=true"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["org_code"], MAOPING_VILLAGE);
    let own = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/venues"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(own["total"], 0);

    let res = app
        .bearer(
            "POST",
            "/api/v1/venues",
            &token,
            Some(json!({"org_code": GUIZHOU_VILLAGE, "name": "万古寺村妇女之家", "kind": "祠堂"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "kind");
}

#[tokio::test]
async fn an_officer_is_registered_with_her_person_and_listed_masked() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "POST",
            "/api/v1/officers",
            &token,
            Some(json!({"name": "王秀梅", "id_number": "420527199001010021", "org_code": MAOPING_VILLAGE,
                        "post": "主席", "tenure": "兼职", "term_start": "2018-01-01", "term_end": "2022-12-31"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let saved = res.json();
    assert_eq!(saved["officer"]["post"], "主席");
    assert_eq!(saved["officer"]["id_masked"], "420527***********1");
    assert!(!res.body.contains("420527199001010021"));

    let list = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/officers?subtree=true"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "王秀梅");
    let people = app
        .bearer("GET", "/api/v1/people", &token, None)
        .await
        .json();
    assert_eq!(people["total"], 1);
    assert_eq!(people["items"][0]["id"], saved["officer"]["person_id"]);

    let res = app
        .bearer(
            "POST",
            "/api/v1/officers",
            &token,
            Some(json!({"name": "王秀梅", "id_number": "420527199001010021", "org_code": MAOPING_VILLAGE,
                        "post": "主席", "term_start": "2023-01-01", "term_end": "2022-12-31"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "term_end");
}

#[tokio::test]
async fn surveys_are_recorded_and_listed_newest_first() {
    let app = TestApp::with_county().await;
    let token = token_for(&app, "county", Role::CountyStaff, COUNTY).await;
    for date in ["2020-05-01", "2020-09-01"] {
        let res = app
            .bearer(
                "POST",
                "/api/v1/surveys",
                &token,
                Some(json!({"org_code": MAOPING_VILLAGE, "date": date, "surveyor": "县妇联", "highlights": "微家建设"})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let list = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/surveys"),
            &token,
            None,
        )
        .await
        .json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["date"], "2020-09-01");
    assert_eq!(list["items"][0]["org_code"], MAOPING_VILLAGE);

    let res = app
        .bearer(
            "POST",
            "/api/v1/surveys",
            &token,
            Some(json!({"org_code": MAOPING_VILLAGE})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "date");
}
