//! The statistics JSON (`/api/v1/orgs/{code}/stats`): the activities and
//! publicity figures of a small fixture built through the API, counted by
//! hand; year-over-year; period parsing; scope.

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
    app.db()
        .write(async |tx| db::account::token::create(tx, &ctx, "测试对接").await)
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
/// - 母亲讲堂 #2 (银杏沱村, 2020-06-12, head count 80 with a roster of two, so
///   78 came unnamed): 王秀梅 again (县教育局), 张芳 without 身份证号 (茅坪镇中学)
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
    // 3 activities in 2020; people: 王秀梅, 李兰, 张芳 named, + 78 unnamed at
    // 母亲讲堂 #2 (80 reported, 2 named) + 120 counted = 201;
    // units: 县教育局, 县财政局, 茅坪镇中学 + 4 reached = 7.
    assert_eq!(a["count"], 3);
    assert_eq!(a["participants"], 201);
    assert_eq!(a["units"], 7);
    assert_eq!(
        a["by_program"],
        json!([
            {"program": "母亲讲堂", "count": 2, "units": 3, "participants": 81,
             "materials": [], "works": 0},
            {"program": "家庭助廉", "count": 1, "units": 4, "participants": 120,
             "materials": [{"name": "倡议书", "quantity": 220}], "works": 0}
        ])
    );
    assert_eq!(
        a["by_type"],
        json!([
            {"type": "宣讲", "count": 1, "participants": 120},
            {"type": "讲座", "count": 2, "participants": 81}
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
    // Only 母亲讲堂 #2: 80 reported, of whom 王秀梅 and 张芳 named; and item B.
    assert_eq!(s["activities"]["count"], 1);
    assert_eq!(s["activities"]["participants"], 80);
    assert_eq!(s["publicity"]["items"], 1);
}

/// 2019 for the comparison: 茅坪镇 held one 母亲讲堂 (head count 50) and one
/// 培训 (head count 10) in a village; 归州镇's 2019 activity is out of reach.
async fn previous_year(app: &TestApp, mp: &str, gz: &str) {
    let act = |code: &str, kind: &str, org: &str, date: &str, head: u32| {
        json!({"code": code, "name": format!("{code}活动"), "kind": kind,
               "programme": "母亲讲堂", "org_code": org, "start_date": date,
               "head_count": head})
    };
    post(
        app,
        mp,
        "/api/v1/activities",
        act("MP-19-1", "讲座", MAOPING, "2019-04-02", 50),
    )
    .await;
    post(
        app,
        mp,
        "/api/v1/activities",
        act("MP-19-2", "培训", MAOPING_VILLAGE, "2019-11-20", 10),
    )
    .await;
    post(
        app,
        gz,
        "/api/v1/activities",
        act("GZ-19-1", "讲座", GUIZHOU_VILLAGE, "2019-05-05", 99),
    )
    .await;
}

#[tokio::test]
async fn compare_previous_adds_last_years_figures_and_the_change() {
    // Arrange
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    fixture(&app, &mp, &gz).await;
    previous_year(&app, &mp, &gz).await;

    // Act
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/stats?period=2020&compare=previous"),
            &mp,
            None,
        )
        .await;

    // Assert
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let s = res.json();
    assert_eq!(
        s["activities"]["count"], 3,
        "the document itself is unchanged"
    );
    let prev = &s["previous"];
    assert_eq!(
        prev["period"],
        json!({"from": "2019-01-01", "to": "2019-12-31"})
    );
    // 2019: 2 activities, 50 + 10 counted heads.
    assert_eq!(prev["activities"]["count"], 2);
    assert_eq!(prev["activities"]["participants"], 60);
    assert_eq!(
        prev["activities"]["by_type"],
        json!([
            {"type": "讲座", "count": 1, "participants": 50},
            {"type": "培训", "count": 1, "participants": 10}
        ])
    );
    assert_eq!(prev["publicity"]["items"], 0);
    let change = &s["change"];
    // 3 − 2 activities; 201 − 60 people; 2 − 0 items.
    assert_eq!(change["activities"]["count"], 1);
    assert_eq!(change["activities"]["participants"], 141);
    assert_eq!(change["publicity"]["items"], 2);
    assert_eq!(
        change["activities"]["by_type"],
        json!([
            {"type": "宣讲", "count": 1, "participants": 120},
            {"type": "讲座", "count": 1, "participants": 31},
            {"type": "培训", "count": -1, "participants": -10}
        ])
    );
    assert!(change.get("org").is_none() && change.get("period").is_none());

    // Without compare the document has neither.
    let plain = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/stats?period=2020"),
            &mp,
            None,
        )
        .await
        .json();
    assert!(plain.get("previous").is_none() && plain.get("change").is_none());
}

#[tokio::test]
async fn activities_are_broken_down_by_month_and_by_direct_child_org() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    fixture(&app, &mp, &gz).await;

    let s = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/stats?period=2020"),
            &mp,
            None,
        )
        .await
        .json();

    let a = &s["activities"];
    let months = a["by_month"].as_array().expect("by_month");
    assert_eq!(months.len(), 12);
    // May: #1 (2 people); June: #2 (2 people); September: 120 counted.
    assert_eq!(
        months[4],
        json!({"month": "2020-05", "count": 1, "participants": 2})
    );
    assert_eq!(months[5]["count"], 1);
    assert_eq!(
        months[8],
        json!({"month": "2020-09", "count": 1, "participants": 120})
    );
    assert_eq!(months[0]["count"], 0);
    // #2 was held in 银杏沱村 (a child of 茅坪镇); #1 and #3 by 茅坪镇 itself.
    let by_org = a["by_org"].as_array().expect("by_org");
    let row = |code: &str, own: bool| {
        by_org
            .iter()
            .find(|r| r["code"] == code && r["own"] == own)
            .map(|r| r["count"].as_u64().unwrap())
    };
    assert_eq!(row(MAOPING_VILLAGE, false), Some(1));
    assert_eq!(row(MAOPING, true), Some(2));
    assert_eq!(by_org.last().unwrap()["name"], "茅坪镇妇联（本级）");
}

#[tokio::test]
async fn a_bad_compare_is_a_400_naming_the_field() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/orgs/{MAOPING}/stats?period=2020&compare=lastyear"),
            &mp,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["code"], "invalid_query");
    assert_eq!(err["error"]["fields"][0]["field"], "compare");
}

#[tokio::test]
async fn a_bad_period_is_a_400_in_json() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    for q in [
        "?period=2020Q5",
        "?period=明年",
        "",
        "?period=2020Q5&compare=previous",
    ] {
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
        assert_eq!(err["error"]["code"], "invalid_query", "{}", res.body);
        assert_eq!(err["error"]["fields"][0]["field"], "period", "{}", res.body);
        let message = err["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains("period"), "{}", res.body);
        assert!(message.contains("无效"), "a Chinese message: {}", res.body);
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
    let params = doc["paths"]["/api/v1/orgs/{code}/stats"]["get"]["parameters"]
        .as_array()
        .expect("parameters");
    let param = |name: &str| {
        params
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} documented"))
    };
    assert_eq!(param("period")["in"], "query");
    let compare = param("compare");
    assert_eq!(compare["in"], "query");
    assert!(
        compare["description"]
            .as_str()
            .unwrap_or("")
            .contains("previous")
    );
}
