//! The statistics JSON (`/api/v1/orgs/{code}/stats`): the activities and
//! publicity figures of a small fixture built through the API, counted by
//! hand; period parsing; scope.

mod common;

use axum::http::StatusCode;
use common::{GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};
use domain::access::Role;
use serde_json::{Value, json};

const ID_WANG: &str = "420527199001010021";
const ID_LI: &str = "420527198503150046";

async fn token_for(app: &TestApp, username: &str, role: Role, root: &str) -> String {
    db::testing::user(app.db(), username, role, root).await;
    let ctx = db::testing::ctx_of(app.db(), username).await;
    db::account::token::create(&app.db().conn, &ctx, "测试对接")
        .await
        .expect("token")
        .1
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.bearer("POST", path, token, Some(body)).await;
    assert!(
        res.status.is_success(),
        "{path}: {} {}",
        res.status,
        res.body
    );
    res.json()
}

/// The fixture, all through the API:
/// - 母亲讲堂 #1 (茅坪镇, 2020-05-10): 王秀梅 (县教育局), 李兰 (县财政局)
/// - 母亲讲堂 #2 (银杏沱村, 2020-06-12, head count 80 — ignored, it has a roster):
///   王秀梅 again (县教育局), 张芳 without 身份证号 (茅坪镇中学)
/// - 家庭助廉 宣讲 (茅坪镇, 2020-09-01): no roster, head count 120, 4 units, 倡议书:220
/// - 母亲讲堂 in 2021 (茅坪镇) and a 归州镇 lecture in 2020: outside the figures
/// - publicity 2020: item A reposted by 湖北妇女 (省) and 宜昌妇联 (市),
///   item B reposted by 宜昌妇联 (市); a 2021 item reposted at 省 is outside.
async fn fixture(app: &TestApp, mp: &str, gz: &str) {
    let act = |code: &str, name: &str, kind: &str, programme: &str, org: &str, date: &str| {
        json!({"code": code, "name": name, "kind": kind, "programme": programme,
               "org_code": org, "start_date": date})
    };
    let a1 = post(
        app,
        mp,
        "/api/v1/activities",
        act(
            "MP-1",
            "母亲讲堂第一期",
            "讲座",
            "母亲讲堂",
            MAOPING,
            "2020-05-10",
        ),
    )
    .await["id"]
        .clone();
    let mut second = act(
        "MP-2",
        "母亲讲堂第二期",
        "lecture",
        "母亲讲堂",
        MAOPING_VILLAGE,
        "2020-06-12",
    );
    second["head_count"] = json!(80);
    let a2 = post(app, mp, "/api/v1/activities", second).await["id"].clone();
    let mut third = act(
        "MP-3",
        "廉洁家风宣讲",
        "宣讲",
        "家庭助廉",
        MAOPING,
        "2020-09-01",
    );
    third["head_count"] = json!(120);
    third["units_reached"] = json!(4);
    third["materials"] = json!(["倡议书:220"]);
    post(app, mp, "/api/v1/activities", third).await;
    post(
        app,
        mp,
        "/api/v1/activities",
        act(
            "MP-4",
            "母亲讲堂2021",
            "讲座",
            "母亲讲堂",
            MAOPING,
            "2021-03-08",
        ),
    )
    .await;
    post(
        app,
        gz,
        "/api/v1/activities",
        act(
            "GZ-1",
            "归州讲座",
            "讲座",
            "母亲讲堂",
            GUIZHOU_VILLAGE,
            "2020-05-10",
        ),
    )
    .await;

    for (a, name, id, unit) in [
        (&a1, "王秀梅", Some(ID_WANG), "县教育局"),
        (&a1, "李兰", Some(ID_LI), "县财政局"),
        (&a2, "王秀梅", Some(ID_WANG), "县教育局"),
        (&a2, "张芳", None, "茅坪镇中学"),
    ] {
        post(
            app,
            mp,
            &format!("/api/v1/activities/{a}/attendees"),
            json!({"name": name, "id_number": id, "unit": unit}),
        )
        .await;
    }

    let item = |title: &str, date: &str, org: &str, reposts: Value| {
        json!({"title": title, "channel": "屈乡巾帼公众号", "published_on": date,
               "org_code": org, "column": "巾帼风采", "reposts": reposts})
    };
    post(
        app,
        mp,
        "/api/v1/publicity",
        item(
            "母亲讲堂开讲",
            "2020-05-11",
            MAOPING,
            json!([{"by": "湖北妇女", "level": "省"}, {"by": "宜昌妇联", "level": "市"}]),
        ),
    )
    .await;
    post(
        app,
        mp,
        "/api/v1/publicity",
        item(
            "银杏沱村母亲讲堂",
            "2020-06-13",
            MAOPING_VILLAGE,
            json!([{"by": "宜昌妇联", "level": "city"}]),
        ),
    )
    .await;
    post(
        app,
        mp,
        "/api/v1/publicity",
        item(
            "新年新气象",
            "2021-01-05",
            MAOPING,
            json!([{"by": "湖北妇女", "level": "省"}]),
        ),
    )
    .await;
}

#[tokio::test]
async fn the_activities_and_publicity_figures_match_a_hand_count() {
    // Arrange
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    fixture(&app, &mp, &gz).await;

    // Act
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/stats?period=2020"),
            &mp,
            None,
        )
        .await;

    // Assert
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let s = res.json();
    assert_eq!(s["org"]["code"], MAOPING);
    assert_eq!(
        s["period"],
        json!({"from": "2020-01-01", "to": "2020-12-31"})
    );
    let a = &s["activities"];
    // 3 activities in 2020; people: 王秀梅, 李兰, 张芳 + 120 counted = 123;
    // units: 县教育局, 县财政局, 茅坪镇中学 + 4 reached = 7.
    assert_eq!(a["count"], 3);
    assert_eq!(a["participants"], 123);
    assert_eq!(a["units"], 7);
    assert_eq!(
        a["by_program"],
        json!([
            {"program": "母亲讲堂", "count": 2, "units": 3, "participants": 3,
             "materials": [], "works": 0},
            {"program": "家庭助廉", "count": 1, "units": 4, "participants": 120,
             "materials": [{"name": "倡议书", "quantity": 220}], "works": 0}
        ])
    );
    assert_eq!(
        a["by_type"],
        json!([
            {"type": "宣讲", "count": 1, "participants": 120},
            {"type": "讲座", "count": 2, "participants": 3}
        ])
    );
    let p = &s["publicity"];
    // Item A at 省 and 市, item B at 市: 省 1 item, 市 2 items.
    assert_eq!(p["items"], 2);
    assert_eq!(
        p["reposted_by_level"],
        json!([{"level": "省", "items": 1}, {"level": "市", "items": 2}])
    );
    assert_eq!(
        p["by_channel"],
        json!([{"channel": "屈乡巾帼公众号", "items": 2}])
    );
}

#[tokio::test]
async fn a_village_subtree_counts_only_its_own_activities() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    fixture(&app, &mp, &gz).await;
    let s = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING_VILLAGE}/stats?period=2020Q2"),
            &mp,
            None,
        )
        .await
        .json();
    // Only 母亲讲堂 #2: 王秀梅 and 张芳; and item B.
    assert_eq!(s["activities"]["count"], 1);
    assert_eq!(s["activities"]["participants"], 2);
    assert_eq!(s["publicity"]["items"], 1);
}

#[tokio::test]
async fn a_bad_period_is_a_400_in_json() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    for q in ["?period=2020Q5", "?period=明年", ""] {
        let res = app
            .bearer(
                "GET",
                &format!("/api/v1/orgs/{MAOPING}/stats{q}"),
                &mp,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}: {}", res.body);
        let err = res.json();
        assert!(err["error"]["code"].is_string(), "{}", res.body);
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("period"),
            "{}",
            res.body
        );
    }
}

#[tokio::test]
async fn another_townships_stats_are_not_found() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{GUIZHOU}/stats?period=2020"),
            &mp,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(res.json()["error"]["code"], "not_found");
    let res = app
        .get(&format!("/api/v1/orgs/{MAOPING}/stats?period=2020"), None)
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_lists_the_stats_route() {
    let app = TestApp::with_county().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    for path in [
        "/api/v1/orgs/{code}/stats",
        "/api/v1/activities",
        "/api/v1/publicity",
        "/api/v1/programmes",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
}
