//! Point 6 of docs/security.md: the audit trail (changes and plaintext views,
//! lists and detail pages) and the programme-name cache follow the reader's
//! org subtree, like the records they describe.

use axum::http::StatusCode;
use db::{
    audit::log_plaintext_view,
    entity::{access_log, audit_log},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use domain::{access::Role, activity::ActivityKind};

use crate::common::{COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};

const MAOPING_PERSON_ID: &str = "420527199001011234";
const GUIZHOU_PERSON_ID: &str = "420527198502022345";

/// The audit row of the creation of the org named `name`.
async fn creation_of(app: &TestApp, name: &str) -> i64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Summary.eq(format!("新建组织「{name}」")))
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no audit row for {name}"))
        .id
}

async fn view_with_purpose(app: &TestApp, purpose: &str) -> i64 {
    access_log::Entity::find()
        .filter(access_log::Column::Purpose.eq(purpose))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("access row")
        .id
}

#[tokio::test]
async fn a_township_auditor_reads_only_her_subtrees_trail_in_lists_and_details() {
    let app = TestApp::with_county().await;
    let db = app.db();
    // Two plaintext views by a county admin, one per township.
    let mp_person = db::testing::person(
        db,
        "茅坪张三",
        &valid_id(MAOPING_PERSON_ID),
        MAOPING_VILLAGE,
    )
    .await;
    let gz_person = db::testing::person(
        db,
        "归州李四",
        &valid_id(GUIZHOU_PERSON_ID),
        GUIZHOU_VILLAGE,
    )
    .await;
    db::testing::user(db, "xian", Role::CountyAdmin, COUNTY).await;
    let admin = db::testing::ctx_of(db, "xian").await;
    log_plaintext_view(
        &db.conn,
        &admin,
        db::audit::AuditEntity::Person,
        mp_person,
        "id_number",
        "核对茅坪材料",
    )
    .await
    .unwrap();
    log_plaintext_view(
        &db.conn,
        &admin,
        db::audit::AuditEntity::Person,
        gz_person,
        "id_number",
        "核对归州材料",
    )
    .await
    .unwrap();
    // A township chair's account change, and her own sign-in.
    db::testing::user(db, "gz_chair", Role::TownshipChair, GUIZHOU).await;

    let mp = app.login_as("mp_audit", Role::Auditor, MAOPING).await;
    let gz = app.login_as("gz_audit", Role::Auditor, GUIZHOU).await;
    let county = app.login_as("county_audit", Role::Auditor, COUNTY).await;

    // Change list.
    let mp_list = app.get("/audit", Some(&mp)).await;
    assert_eq!(mp_list.status, StatusCode::OK);
    assert!(
        mp_list.body.contains("新建组织「银杏沱村妇联」"),
        "{}",
        mp_list.body
    );
    assert!(
        !mp_list.body.contains("新建组织「万古寺村妇联」"),
        "{}",
        mp_list.body
    );
    assert!(!mp_list.body.contains("新建组织「秭归县妇联」"));
    assert!(
        !mp_list.body.contains("gz_chair"),
        "another township's account"
    );
    let gz_list = app.get("/audit", Some(&gz)).await;
    assert!(gz_list.body.contains("新建组织「万古寺村妇联」"));
    assert!(gz_list.body.contains("gz_chair"));
    assert!(!gz_list.body.contains("新建组织「银杏沱村妇联」"));
    let county_list = app.get("/audit?entity=org", Some(&county)).await;
    assert!(county_list.body.contains("新建组织「秭归县妇联」"));
    assert!(county_list.body.contains("新建组织「银杏沱村妇联」"));

    // Change detail: the other township's row reads as absent.
    let gz_row = creation_of(&app, "万古寺村妇联").await;
    let out = app
        .get(&format!("/audit/changes/{gz_row}"), Some(&mp))
        .await;
    assert_eq!(out.status, StatusCode::NOT_FOUND, "{}", out.body);
    assert!(!out.body.contains("万古寺村妇联"));
    let inside = app
        .get(&format!("/audit/changes/{gz_row}"), Some(&gz))
        .await;
    assert_eq!(inside.status, StatusCode::OK);
    assert!(inside.body.contains("新建组织「万古寺村妇联」"));
    let county_row = creation_of(&app, "秭归县妇联").await;
    let up = app
        .get(&format!("/audit/changes/{county_row}"), Some(&mp))
        .await;
    assert_eq!(up.status, StatusCode::NOT_FOUND);

    // View (access) list and detail.
    let mp_views = app.get("/audit/views", Some(&mp)).await;
    assert!(mp_views.body.contains("核对茅坪材料"), "{}", mp_views.body);
    assert!(!mp_views.body.contains("核对归州材料"));
    let gz_views = app.get("/audit/views", Some(&gz)).await;
    assert!(gz_views.body.contains("核对归州材料"));
    assert!(!gz_views.body.contains("核对茅坪材料"));
    let gz_view = view_with_purpose(&app, "核对归州材料").await;
    let out = app.get(&format!("/audit/views/{gz_view}"), Some(&mp)).await;
    assert_eq!(out.status, StatusCode::NOT_FOUND);
    assert!(!out.body.contains("核对归州材料"));
    let inside = app.get(&format!("/audit/views/{gz_view}"), Some(&gz)).await;
    assert_eq!(inside.status, StatusCode::OK);
    assert!(inside.body.contains("核对归州材料"));
    let all = app.get("/audit/views", Some(&county)).await;
    assert!(all.body.contains("核对归州材料") && all.body.contains("核对茅坪材料"));
}

#[tokio::test]
async fn the_programme_name_cache_holds_only_what_the_reader_may_see() {
    let app = TestApp::with_county().await;
    let db = app.db();
    let op = db::testing::operator();
    for (owner, name) in [
        (COUNTY, "全县巾帼项目"),
        (GUIZHOU, "归州专属项目"),
        (MAOPING, "茅坪专属项目"),
    ] {
        db.write(async |tx| {
            db::activity::programme::create(tx, &op, owner, name, None, &[ActivityKind::Lecture])
                .await
        })
        .await
        .unwrap();
    }
    db::testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    db::testing::user(db, "gz", Role::TownshipChair, GUIZHOU).await;
    let mp = db::testing::ctx_of(db, "mp").await;
    let gz = db::testing::ctx_of(db, "gz").await;

    // Guizhou reads first, so a shared cache entry would leak to Maoping.
    let gz_names = db::activity::programme::names_cached(db, &gz)
        .await
        .unwrap();
    let mp_names = db::activity::programme::names_cached(db, &mp)
        .await
        .unwrap();
    let names = |m: &std::collections::HashMap<i64, String>| {
        let mut v: Vec<String> = m.values().cloned().collect();
        v.sort();
        v
    };
    assert_eq!(names(&gz_names), ["全县巾帼项目", "归州专属项目"]);
    assert_eq!(names(&mp_names), ["全县巾帼项目", "茅坪专属项目"]);
}

/// `id` with its check digit made right (fixtures are made-up numbers).
fn valid_id(id: &str) -> String {
    domain::idcard::with_check_char(&id[..17])
}
