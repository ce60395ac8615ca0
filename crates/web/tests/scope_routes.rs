//! The acceptance sentence, route by route: "a 乡镇妇联主席 of 茅坪镇 cannot
//! read, list, search, export or import anything of 归州镇 through any route".
//!
//! 归州镇 gets a person, an officer, a venue and a survey (written by the
//! operator through the repositories). Every list and search a 茅坪镇 chair can
//! open must answer without any 归州镇 name or code; every direct URL of a
//! 归州镇 record must answer 403 or 404. A county admin opening the same direct
//! URLs gets 200 — proof that the routes exist and would show the record.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, Res, TestApp};
use db::{
    entity::person,
    org::{officer, survey, venue},
    sea_orm::EntityTrait,
    testing::operator,
};
use domain::{
    access::Role,
    foundation::{officer::OfficerDraft, survey::SurveyDraft, venue::VenueDraft},
    kinds::{Post, VenueKind},
};

const PERSON: &str = "屈兰芝";
const OFFICER: &str = "郑归英";
/// Text that may only be seen by someone who can see 归州镇.
const MARKERS: &[&str] = &[
    "归州镇",
    "万古寺村",
    GUIZHOU,
    GUIZHOU_VILLAGE,
    PERSON,
    "屈*芝",
    OFFICER,
    "郑*英",
    "万古寺村妇女之家",
    "归州调研员",
    "归州亮点",
];

/// A valid 18-digit 身份证号 of 秭归 (420527) with the check character computed.
fn id_number(birth: &str, seq: u32) -> String {
    domain::idcard::with_check_char(&format!("420527{birth}{seq:03}"))
}

struct Guizhou {
    person_id: i64,
    person_id_number: String,
}

/// 归州镇's records, written as the operator.
async fn guizhou_records(app: &TestApp) -> Guizhou {
    let db = app.db();
    let c = &db.conn;
    let op = operator();
    let person_id_number = id_number("19820304", 26);
    let person_id = db::testing::person(db, PERSON, &person_id_number, GUIZHOU_VILLAGE).await;
    let officer_number = id_number("19700101", 48);
    let officer_id = db::testing::person(db, OFFICER, &officer_number, GUIZHOU).await;
    let township = db::org::find_by_code(c, GUIZHOU).await.unwrap().unwrap();
    db.write(async |tx| {
        officer::upsert(
            tx,
            &op,
            &officer::OfficerInput::of(
                &OfficerDraft {
                    name: OFFICER.into(),
                    id_number: officer_number.clone(),
                    org_code: GUIZHOU.into(),
                    post: Post::Chair.code().into(),
                    ..Default::default()
                }
                .validate(db::time::today_beijing())
                .expect("officer draft"),
                officer_id,
                township,
            ),
        )
        .await
    })
    .await
    .expect("officer");
    db.write(async |tx| {
        venue::upsert(
            tx,
            &op,
            &VenueDraft {
                org_code: GUIZHOU_VILLAGE.into(),
                name: "万古寺村妇女之家".into(),
                kind: VenueKind::WomensHome.code().into(),
                ..Default::default()
            }
            .validate(db::time::today_beijing())
            .expect("venue draft"),
        )
        .await
    })
    .await
    .expect("venue");
    db.write(async |tx| {
        survey::upsert(
            tx,
            &op,
            &SurveyDraft {
                org_code: GUIZHOU.into(),
                date: "2020-06-01".into(),
                surveyor: "归州调研员".into(),
                highlights: "归州亮点".into(),
                ..Default::default()
            }
            .validate(db::time::today_beijing())
            .expect("survey draft"),
        )
        .await
    })
    .await
    .expect("survey");
    Guizhou {
        person_id,
        person_id_number,
    }
}

fn leaks(res: &Res) -> Vec<&'static str> {
    MARKERS
        .iter()
        .copied()
        .filter(|m| res.body.contains(m))
        .collect()
}

/// URL-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Lists and searches a chair can open: their 200 answers show nothing of 归州镇.
/// Searches use part of the name ("兰芝" of 屈兰芝), so an echo of the query
/// in the search box is not mistaken for a leak.
fn lists(g: &Guizhou) -> Vec<String> {
    vec![
        "/".into(),
        "/orgs".into(),
        format!("/orgs?q={}", enc("归州")),
        format!("/orgs/{MAOPING}"),
        format!("/orgs/{MAOPING}/children"),
        "/people".into(),
        format!("/people?q={}", enc("兰芝")),
        format!("/people?q={}", g.person_id_number),
        format!("/people?org={GUIZHOU}"),
        "/ledger".into(),
        format!("/orgs/{MAOPING}/checklist"),
        "/api/v1/orgs".into(),
        format!("/api/v1/orgs?q={}", enc("归州")),
        format!("/api/v1/orgs?org={GUIZHOU}"),
        format!("/api/v1/orgs/{MAOPING}/children"),
        "/api/v1/people".into(),
        format!("/api/v1/people?q={}", enc("兰芝")),
        format!("/api/v1/people?q={}", g.person_id_number),
        format!("/api/v1/people?org={GUIZHOU}"),
    ]
}

/// Direct URLs of 归州镇 records.
fn direct(g: &Guizhou) -> Vec<String> {
    let p = g.person_id;
    vec![
        format!("/orgs/{GUIZHOU}"),
        format!("/orgs/{GUIZHOU_VILLAGE}"),
        format!("/orgs/{GUIZHOU}/children"),
        format!("/orgs/{GUIZHOU}/edit"),
        format!("/orgs/{GUIZHOU}/checklist"),
        format!("/people/{p}"),
        format!("/people/{p}/edit"),
        format!("/api/v1/orgs/{GUIZHOU}"),
        format!("/api/v1/orgs/{GUIZHOU}/children"),
        format!("/api/v1/orgs/{GUIZHOU}/venues"),
        format!("/api/v1/orgs/{GUIZHOU}/officers"),
        format!("/api/v1/orgs/{GUIZHOU}/surveys"),
        format!("/api/v1/orgs/{GUIZHOU_VILLAGE}/venues"),
        format!("/api/v1/people/{p}"),
        format!("/ledger/export?org={GUIZHOU}&purpose=核对"),
    ]
}

#[tokio::test]
async fn a_maoping_chair_lists_and_searches_nothing_of_guizhou() {
    let app = TestApp::with_county().await;
    let g = guizhou_records(&app).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let admin = app.login_as("county", Role::CountyAdmin, COUNTY).await;

    // The searches do find the person for someone who may see her.
    for url in [
        format!("/people?q={}", enc("兰芝")),
        format!("/api/v1/people?q={}", enc("兰芝")),
    ] {
        let res = app.get(&url, Some(&admin)).await;
        assert!(res.body.contains(PERSON), "admin {url}: {}", res.body);
    }
    for url in lists(&g) {
        let res = app.get(&url, Some(&chair)).await;
        if url.contains(GUIZHOU) {
            // Filtering by a foreign org: an empty list or a refusal.
            assert!(
                matches!(
                    res.status,
                    StatusCode::OK | StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
                ),
                "{url}: {}",
                res.status
            );
        } else {
            assert_eq!(res.status, StatusCode::OK, "{url}");
        }
        assert_eq!(leaks(&res), Vec::<&str>::new(), "{url} leaks: {}", res.body);
    }
}

#[tokio::test]
async fn a_maoping_chair_cannot_open_any_guizhou_record_by_url() {
    let app = TestApp::with_county().await;
    let g = guizhou_records(&app).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let admin = app.login_as("county", Role::CountyAdmin, COUNTY).await;

    for url in direct(&g) {
        assert_eq!(
            app.get(&url, Some(&admin)).await.status,
            StatusCode::OK,
            "admin {url}"
        );
        let res = app.get(&url, Some(&chair)).await;
        assert!(
            matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{url}: {} {}",
            res.status,
            res.body
        );
        assert_eq!(leaks(&res), Vec::<&str>::new(), "{url} leaks: {}", res.body);
    }
    let p = g.person_id;
    let res = app
        .post_form(
            &format!("/people/{p}/reveal"),
            &[("field", "id_number")],
            Some(&chair),
        )
        .await;
    assert!(
        matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        res.status
    );
    assert_eq!(leaks(&res), Vec::<&str>::new());
    let res = app
        .json(
            "POST",
            &format!("/api/v1/people/{p}/reveal"),
            serde_json::json!({"field": "id_number", "purpose": "核对"}),
            Some(&chair),
        )
        .await;
    assert!(
        matches!(res.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        res.status
    );
    assert!(!res.body.contains(&g.person_id_number));
}

#[tokio::test]
async fn a_maoping_chair_exports_her_township_without_anything_of_guizhou() {
    let app = TestApp::with_county().await;
    guizhou_records(&app).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose=核对"),
            Some(&chair),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK);
    let wb = ledger::read_bytes("export.xlsx", &res.bytes).expect("xlsx");
    let text: Vec<String> = wb
        .sheets
        .iter()
        .flat_map(|s| {
            s.rows
                .iter()
                .flat_map(|r| r.cells.iter().filter_map(|c| c.as_text()))
        })
        .collect();
    assert!(text.iter().any(|t| t == MAOPING_VILLAGE));
    for m in MARKERS {
        assert!(!text.iter().any(|t| t.contains(m)), "export holds {m}");
    }
}

/// A multipart upload of one file to /ledger/import.
fn upload_request(cookie: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "----jinguoScopeBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri("/ledger/import")
        .header(header::HOST, common::HOST)
        .header(header::ORIGIN, common::ORIGIN)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn a_maoping_chair_cannot_import_into_or_over_guizhou() {
    let app = TestApp::with_county().await;
    let g = guizhou_records(&app).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let people_before = person::Entity::find().all(&app.db().conn).await.unwrap();

    // A new person recorded into 归州镇's village.
    let new_person = format!(
        "姓名,身份证号,所属组织编码\n谭新芳,{},{GUIZHOU_VILLAGE}\n",
        id_number("19900909", 28)
    );
    // 归州镇's person, "moved" into 茅坪镇 by her 身份证号.
    let take_over = format!(
        "姓名,身份证号,所属组织编码\n冒名,{},{MAOPING_VILLAGE}\n",
        g.person_id_number
    );
    // 归州镇 itself renamed.
    let rename = format!(
        "组织编码,组织名称,组织类型,上级组织编码\n{GUIZHOU},改名镇妇联,乡镇妇联,{COUNTY}\n"
    );
    for (name, csv) in [
        ("人员.csv", new_person),
        ("人员.csv", take_over),
        ("组织.csv", rename),
    ] {
        let res = app.send(upload_request(&chair, name, csv.as_bytes())).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.body.contains("未导入任何数据"), "{csv}: {}", res.body);
        assert!(!res.body.contains("确认导入"), "{csv}");
        // The codes she typed may be echoed back; names never.
        for m in MARKERS.iter().filter(|m| !m.starts_with("4205")) {
            assert!(!res.body.contains(m), "{csv} leaks {m}: {}", res.body);
        }
    }

    let people_after = person::Entity::find().all(&app.db().conn).await.unwrap();
    assert_eq!(people_after, people_before, "nothing written");
    let guizhou = db::org::find_by_code(&app.db().conn, GUIZHOU)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(guizhou.name, "归州镇妇联");
}
