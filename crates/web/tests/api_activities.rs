//! JSON API of the activity and publicity areas: scope of activities and of
//! everything hanging off them, validation into field errors, the roster
//! counting a person once, works only for 征集, upserts by their natural keys.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;
use serde_json::{Value, json};

const ID_WANG: &str = "420527199001010021";

async fn token_for(app: &TestApp, username: &str, role: Role, root: &str) -> String {
    db::testing::user(app.db(), username, role, root).await;
    let ctx = db::testing::ctx_of(app.db(), username).await;
    app.db()
        .write(async |tx| db::account::token::create(tx, &ctx, "测试对接").await)
        .await
        .expect("token")
        .1
}

fn lecture(code: &str, org: &str) -> Value {
    json!({
        "code": code, "name": "家庭教育讲座", "kind": "讲座", "org_code": org,
        "start_date": "2020-07-08", "head_count": 50
    })
}

/// Creates an activity through the API and returns its id.
async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let res = app
        .bearer("POST", "/api/v1/activities", token, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_i64().expect("id")
}

async fn activity_count(app: &TestApp) -> u64 {
    db::entity::activity::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

async fn upload(app: &TestApp, path: &str, token: &str, files: &[(&str, Vec<u8>)]) -> common::Res {
    const B: &str = "----jinguo-api-boundary";
    let mut body = format!(
        "--{B}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n图丨讲座现场\r\n"
    )
    .into_bytes();
    for (name, bytes) in files {
        body.extend(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{B}--\r\n").as_bytes());
    app.send(
        Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, common::HOST)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={B}"),
            )
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn a_township_chair_sees_only_her_township_activities_and_nothing_hanging_off_others() {
    // Arrange: one activity in each township.
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    let mine = create(&app, &mp, lecture("MP-1", MAOPING_VILLAGE)).await;
    let theirs = create(&app, &gz, lecture("GZ-1", GUIZHOU_VILLAGE)).await;

    // Act + Assert: the list holds only hers.
    let res = app.bearer("GET", "/api/v1/activities", &mp, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine);
    assert_eq!(list["items"][0]["org_code"], MAOPING_VILLAGE);
    assert_eq!(list["items"][0]["kind"], "讲座");
    assert_eq!(list["items"][0]["kind_code"], "lecture");
    assert_eq!(list["page"], 1);
    assert_eq!(list["per_page"], 50);

    // The other township's activity and everything under it is "not found".
    for sub in ["", "/attendees", "/works", "/photos"] {
        let res = app
            .bearer(
                "GET",
                &format!("/api/v1/activities/{theirs}{sub}"),
                &mp,
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{sub}: {}", res.body);
        assert_eq!(res.json()["error"]["code"], "not_found");
    }
    let res = app
        .bearer(
            "POST",
            &format!("/api/v1/activities/{theirs}/attendees"),
            &mp,
            Some(json!({"name": "王秀梅"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = upload(
        &app,
        &format!("/api/v1/activities/{theirs}/photos"),
        &mp,
        &[("a.png", png())],
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/activities?org={GUIZHOU}"),
            &mp,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
}

#[tokio::test]
async fn an_unknown_kind_is_a_422_on_kind_and_writes_nothing() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let mut body = lecture("MP-1", MAOPING);
    body["kind"] = json!("联欢");
    let res = app
        .bearer("POST", "/api/v1/activities", &mp, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["code"], "validation_failed");
    assert_eq!(err["error"]["fields"][0]["field"], "kind");
    let message = err["error"]["fields"][0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("联欢") && message.contains("讲座"),
        "{message}"
    );
    assert_eq!(activity_count(&app).await, 0);
}

#[tokio::test]
async fn an_end_before_the_start_is_a_422_on_end_date() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let mut body = lecture("MP-1", MAOPING);
    body["end_date"] = json!("2020-07-01");
    let res = app
        .bearer("POST", "/api/v1/activities", &mp, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["fields"][0]["field"], "end_date");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("结束日期")
    );
    assert_eq!(activity_count(&app).await, 0);
}

#[tokio::test]
async fn posting_the_same_code_again_updates_the_activity_and_reads_both_material_forms() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let mut body = lecture("MP-1", MAOPING);
    body["programme"] = json!("巾帼微学堂");
    body["materials"] = json!(["倡议书:220", {"name": "宣传册", "quantity": 30}]);
    body["partners"] = json!(["县教育局", "县图书馆"]);
    let id = create(&app, &mp, body.clone()).await;

    body["name"] = json!("家庭教育讲座（第二期）");
    body["materials"] = json!(["倡议书：200"]);
    let res = app
        .bearer("POST", "/api/v1/activities", &mp, Some(body))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let a = res.json();
    assert_eq!(a["created"], false);
    assert_eq!(a["id"], id);
    assert_eq!(a["name"], "家庭教育讲座（第二期）");
    assert_eq!(a["programme"], "巾帼微学堂");
    assert_eq!(a["materials"], json!([{"name": "倡议书", "quantity": 200}]));
    assert_eq!(a["partners"], json!(["县教育局", "县图书馆"]));
    assert_eq!(activity_count(&app).await, 1);

    // PUT by id keeps the code; changing it is refused.
    let mut put = lecture("MP-1", MAOPING);
    put["head_count"] = json!(60);
    let res = app
        .bearer("PUT", &format!("/api/v1/activities/{id}"), &mp, Some(put))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["participants"], 60);
    let res = app
        .bearer(
            "PUT",
            &format!("/api/v1/activities/{id}"),
            &mp,
            Some(lecture("OTHER", MAOPING)),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "code");

    // A bad material names the field.
    let mut bad = lecture("MP-2", MAOPING);
    bad["materials"] = json!(["倡议书"]);
    let res = app
        .bearer("POST", "/api/v1/activities", &mp, Some(bad))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "materials");
}

#[tokio::test]
async fn the_same_id_number_posted_twice_is_one_participant_and_stays_masked() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let id = create(&app, &mp, lecture("MP-1", MAOPING)).await;
    let path = format!("/api/v1/activities/{id}/attendees");
    let person = json!({"name": "王秀梅", "id_number": ID_WANG, "unit": "县教育局"});

    let first = app.bearer("POST", &path, &mp, Some(person.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.json()["created"], true);
    let second = app.bearer("POST", &path, &mp, Some(person)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.json()["created"], false);

    // One person named (the roster below has one line); the head count of
    // 50 stands beside it: the figure is the larger (docs/statistics.md).
    let a = app
        .bearer("GET", &format!("/api/v1/activities/{id}"), &mp, None)
        .await
        .json();
    assert_eq!(a["participants"], 50);
    assert_eq!(a["head_count"], 50);
    let roster = app.bearer("GET", &path, &mp, None).await;
    assert_eq!(roster.status, StatusCode::OK);
    let r = roster.json();
    assert_eq!(r["total"], 1);
    assert_eq!(r["items"][0]["id_masked"], "420527***********1");
    assert!(!roster.body.contains(ID_WANG), "{}", roster.body);

    let bad = app
        .bearer(
            "POST",
            &path,
            &mp,
            Some(json!({"name": "李兰", "id_number": "420527199001010022"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "id_number");
}

#[tokio::test]
async fn works_are_taken_only_by_collection_activities() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let talk = create(&app, &mp, lecture("MP-1", MAOPING)).await;
    let mut call = lecture("MP-2", MAOPING);
    call["kind"] = json!("collection");
    let call = create(&app, &mp, call).await;
    let work = json!({"title": "巾帼心向党", "author": "李玉兰", "category": "书法", "org_code": MAOPING_VILLAGE});

    let res = app
        .bearer(
            "POST",
            &format!("/api/v1/activities/{talk}/works"),
            &mp,
            Some(work.clone()),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("征集"), "{}", res.body);

    let path = format!("/api/v1/activities/{call}/works");
    let res = app.bearer("POST", &path, &mp, Some(work)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let works = app.bearer("GET", &path, &mp, None).await.json();
    assert_eq!(works["total"], 1);
    assert_eq!(works["items"][0]["org_code"], MAOPING_VILLAGE);
    assert_eq!(works["items"][0]["category"], "书法");
    let talk_works = app
        .bearer(
            "GET",
            &format!("/api/v1/activities/{talk}/works"),
            &mp,
            None,
        )
        .await
        .json();
    assert_eq!(talk_works["total"], 0);
}

#[tokio::test]
async fn photos_upload_through_the_api_and_a_bad_file_is_named() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let id = create(&app, &mp, lecture("MP-1", MAOPING)).await;
    let path = format!("/api/v1/activities/{id}/photos");

    let res = upload(&app, &path, &mp, &[("现场.png", png())]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = upload(&app, &path, &mp, &[("说明.txt", b"not an image".to_vec())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let err = res.json();
    assert_eq!(err["error"]["fields"][0]["field"], "photos");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("说明.txt")
    );

    let photos = app.bearer("GET", &path, &mp, None).await.json();
    assert_eq!(photos["total"], 1);
    let p = &photos["items"][0];
    assert_eq!(p["is_cover"], true);
    assert_eq!(p["caption"], "讲座现场");
    assert_eq!(
        (p["width"].as_i64(), p["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert_eq!(p["url"], format!("/photos/{}", p["id"]));
    let a = app
        .bearer("GET", &format!("/api/v1/activities/{id}"), &mp, None)
        .await
        .json();
    assert_eq!(a["photos"], 1);
}

#[tokio::test]
async fn publicity_posted_twice_is_one_item_with_the_latest_reposts() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    create(&app, &mp, lecture("MP-1", MAOPING)).await;
    let mut item = json!({
        "title": "茅坪镇妇联开展家庭教育讲座", "channel": "屈乡巾帼公众号",
        "published_on": "2020-07-09", "org_code": MAOPING, "activity_code": "MP-1",
        "reposts": [{"by": "湖北妇女", "level": "省"}]
    });
    let res = app
        .bearer("POST", "/api/v1/publicity", &mp, Some(item.clone()))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    item["column"] = json!("巾帼风采");
    item["reposts"] =
        json!([{"by": "湖北妇女", "level": "province"}, {"by": "宜昌妇联", "level": "市"}]);
    let res = app
        .bearer("POST", "/api/v1/publicity", &mp, Some(item))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["created"], false);

    let list = app.bearer("GET", "/api/v1/publicity", &mp, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    assert_eq!(list["total"], 1);
    let i = &list["items"][0];
    assert_eq!(i["column"], "巾帼风采");
    assert_eq!(i["org_code"], MAOPING);
    assert!(i["activity_id"].is_i64());
    assert_eq!(
        i["reposts"],
        json!([{"by": "湖北妇女", "level": "省"}, {"by": "宜昌妇联", "level": "市"}])
    );
    let filtered = app
        .bearer("GET", "/api/v1/publicity?channel=中国妇女报", &mp, None)
        .await
        .json();
    assert_eq!(filtered["total"], 0);
    let bad_level = json!({
        "title": "另一篇", "channel": "屈乡巾帼公众号", "published_on": "2020-07-09",
        "org_code": MAOPING, "reposts": [{"by": "某报", "level": "乡"}]
    });
    let res = app
        .bearer("POST", "/api/v1/publicity", &mp, Some(bad_level))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "reposts");
}

#[tokio::test]
async fn an_org_may_use_its_own_and_its_ancestors_programmes_only() {
    let app = TestApp::with_county().await;
    let staff = token_for(&app, "staff", Role::CountyStaff, COUNTY).await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    let gz = token_for(&app, "gz", Role::TownshipChair, GUIZHOU).await;
    for (token, owner, name) in [
        (&staff, COUNTY, "巾帼微学堂"),
        (&mp, MAOPING, "母亲讲堂"),
        (&gz, GUIZHOU, "归州夜校"),
    ] {
        let res = app
            .bearer(
                "POST",
                "/api/v1/programmes",
                token,
                Some(json!({"owner_code": owner, "name": name, "kinds": ["讲座", "training"]})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let res = app
        .bearer(
            "GET",
            &format!("/api/v1/programmes?org={MAOPING_VILLAGE}"),
            &mp,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let list = res.json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"巾帼微学堂") && names.contains(&"母亲讲堂"));
    assert_eq!(list["items"][0]["kinds"], json!(["讲座", "培训"]));

    // Creating under another township names owner_code.
    let res = app
        .bearer(
            "POST",
            "/api/v1/programmes",
            &mp,
            Some(json!({"owner_code": GUIZHOU, "name": "越界项目"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "owner_code");
    let res = app.bearer("GET", "/api/v1/programmes", &mp, None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
}

#[tokio::test]
async fn a_bad_list_filter_is_a_400_naming_it() {
    let app = TestApp::with_county().await;
    let mp = token_for(&app, "mp", Role::TownshipChair, MAOPING).await;
    for (q, field) in [
        ("kind=联欢", "kind"),
        ("status=进行中", "status"),
        ("from=2020-13-01", "from"),
    ] {
        let res = app
            .bearer("GET", &format!("/api/v1/activities?{q}"), &mp, None)
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}: {}", res.body);
        assert_eq!(res.json()["error"]["fields"][0]["field"], field);
    }
    let res = app
        .bearer("GET", "/api/v1/activities?per_page=201", &mp, None)
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_lists_the_activity_routes() {
    let app = TestApp::with_county().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    for path in [
        "/api/v1/activities",
        "/api/v1/activities/{id}",
        "/api/v1/activities/{id}/attendees",
        "/api/v1/activities/{id}/works",
        "/api/v1/activities/{id}/photos",
        "/api/v1/publicity",
        "/api/v1/programmes",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["ActivityDto"].is_object());
}
