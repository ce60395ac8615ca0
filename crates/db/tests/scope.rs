//! Scope: a township chair of 茅坪镇 sees and changes only 茅坪镇's subtree,
//! through every repository entry point, and works normally inside it.

mod common;

use common::{PERSON_HEADERS, id_number, org_exists, sheet, workbook};
use db::{
    Ctx, Db, DbError,
    entity::{audit_log, person},
    import::{export::export_workbook, import_workbook},
    org::{self, OrgInput, OrgQuery},
    people::{self, PeopleQuery},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{self, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestDb},
};
use domain::{access::Role, kinds::OrgKind};

struct Fixture {
    t: TestDb,
    chair: Ctx,
    mp_person: i64,
    gz_person: i64,
}

async fn fixture() -> Fixture {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let mp_person = testing::person(
        db,
        "周雪梅",
        &id_number(common::date(1990, 1, 1), 2),
        MAOPING_VILLAGE,
    )
    .await;
    let gz_person = testing::person(
        db,
        "谭凤洁",
        &id_number(common::date(1985, 5, 5), 4),
        GUIZHOU_VILLAGE,
    )
    .await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let chair = testing::ctx_of(db, "mp").await;
    Fixture {
        t,
        chair,
        mp_person,
        gz_person,
    }
}

fn village(code: &str, parent: &str) -> OrgInput {
    testing::org_input(code, "新村妇联", OrgKind::Village, Some(parent))
}

async fn count_people(db: &Db) -> u64 {
    person::Entity::find().count(&db.conn).await.unwrap()
}

async fn count_audit(db: &Db) -> u64 {
    audit_log::Entity::find().count(&db.conn).await.unwrap()
}

#[tokio::test]
async fn a_township_chair_cannot_find_orgs_of_another_township() {
    let f = fixture().await;
    let db = &f.t.db;

    for code in [GUIZHOU, GUIZHOU_VILLAGE, testing::COUNTY] {
        let r = org::find_visible(&db.conn, &f.chair, code).await;
        assert!(matches!(r, Err(DbError::NotFound)), "{code}: {r:?}");
    }
    let gz = common::org_row(db, GUIZHOU).await;
    assert!(matches!(
        org::find_visible_id(&db.conn, &f.chair, gz.id).await,
        Err(DbError::NotFound)
    ));

    let own = org::find_visible(&db.conn, &f.chair, MAOPING_VILLAGE)
        .await
        .expect("own village visible");
    assert_eq!(own.name, "银杏沱村妇联");
    assert_eq!(
        org::find_visible(&db.conn, &f.chair, MAOPING)
            .await
            .unwrap()
            .code,
        MAOPING
    );
}

#[tokio::test]
async fn a_township_chairs_org_search_and_tree_stay_inside_her_township() {
    let f = fixture().await;
    let db = &f.t.db;
    let q = |text: &str| OrgQuery {
        q: Some(text.into()),
        ..Default::default()
    };

    let (rows, total) = org::list(&db.conn, &f.chair, &q("万古寺"), 1, 50)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0));
    let (rows, total) = org::list(&db.conn, &f.chair, &q("银杏沱"), 1, 50)
        .await
        .unwrap();
    assert_eq!(
        (
            rows.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(),
            total
        ),
        (vec![MAOPING_VILLAGE], 1)
    );

    let mut all: Vec<String> = org::all_visible(&db.conn, &f.chair)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    all.sort();
    assert_eq!(all, [MAOPING, MAOPING_VILLAGE, testing::MAOPING_VILLAGE_2]);
    let county = common::org_row(db, testing::COUNTY).await;
    let children = org::children(&db.conn, &f.chair, county.id).await.unwrap();
    assert_eq!(
        children.into_iter().map(|o| o.code).collect::<Vec<_>>(),
        [MAOPING]
    );
    // The operator sees the other township.
    let (_, total) = org::list(&db.conn, &testing::operator(), &q("万古寺"), 1, 50)
        .await
        .unwrap();
    assert_eq!(total, 1);
}

#[tokio::test]
async fn a_township_chair_lists_and_opens_only_her_own_people() {
    let f = fixture().await;
    let db = &f.t.db;

    let (rows, total) = people::list(&db.conn, db, &f.chair, &PeopleQuery::default(), 1, 50)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|p| p.id).collect::<Vec<_>>(), [f.mp_person]);
    assert_eq!(total, 1);
    let by_name = PeopleQuery {
        q: Some("谭凤洁".into()),
        ..Default::default()
    };
    let (rows, total) = people::list(&db.conn, db, &f.chair, &by_name, 1, 50)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0));
    let by_org = PeopleQuery {
        org: Some(GUIZHOU.into()),
        ..Default::default()
    };
    assert!(matches!(
        people::list(&db.conn, db, &f.chair, &by_org, 1, 50).await,
        Err(DbError::NotFound)
    ));
    assert_eq!(people::count_visible(&db.conn, &f.chair).await.unwrap(), 1);

    let r = people::get(&db.conn, &f.chair, f.gz_person).await;
    assert!(matches!(r, Err(DbError::NotFound)), "{r:?}");
    let (own, view) = people::get(&db.conn, &f.chair, f.mp_person)
        .await
        .expect("own person");
    assert_eq!(
        (own.name.as_str(), view.org_code.as_str()),
        ("周雪梅", MAOPING_VILLAGE)
    );
    // The operator sees both.
    let (_, total) = people::list(
        &db.conn,
        db,
        &testing::operator(),
        &PeopleQuery::default(),
        1,
        50,
    )
    .await
    .unwrap();
    assert_eq!(total, 2);
}

#[tokio::test]
async fn a_township_chair_creates_orgs_only_under_her_township() {
    let f = fixture().await;
    let db = &f.t.db;
    let audit_before = count_audit(db).await;

    let r = db
        .write(async |tx| org::create(tx, &f.chair, &village("420527102202", GUIZHOU)).await)
        .await;
    assert_eq!(common::invalid_fields(r), ["parent_code"]);
    assert!(!org_exists(db, "420527102202").await);
    assert_eq!(count_audit(db).await, audit_before);

    let created = db
        .write(async |tx| org::create(tx, &f.chair, &village("420527101203", MAOPING)).await)
        .await
        .expect("own township");
    assert_eq!(common::org_row(db, "420527101203").await.id, created.id);
    let audit = common::audit_rows(db, "create", "org", "420527101203").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_name, "mp");
    assert_eq!(audit[0].actor_id, f.chair.user_id());
    assert_eq!(audit[0].ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn a_township_chair_cannot_move_or_close_another_townships_orgs() {
    let f = fixture().await;
    let db = &f.t.db;

    let moved = db
        .write(async |tx| {
            org::tree::move_org(
                tx,
                &f.chair,
                GUIZHOU_VILLAGE,
                MAOPING,
                common::date(2021, 1, 1),
            )
            .await
        })
        .await;
    assert!(matches!(moved, Err(DbError::NotFound)), "{moved:?}");
    let pulled = db
        .write(async |tx| {
            org::tree::move_org(
                tx,
                &f.chair,
                MAOPING_VILLAGE,
                GUIZHOU,
                common::date(2021, 1, 1),
            )
            .await
        })
        .await;
    assert_eq!(common::invalid_fields(pulled), ["parent_code"]);
    let closed = db
        .write(async |tx| org::close(tx, &f.chair, GUIZHOU_VILLAGE, common::date(2021, 1, 1)).await)
        .await;
    assert!(matches!(closed, Err(DbError::NotFound)), "{closed:?}");

    assert_eq!(common::org_row(db, GUIZHOU_VILLAGE).await.closed_on, None);
    let mp = common::org_row(db, MAOPING).await;
    assert_eq!(
        common::org_row(db, MAOPING_VILLAGE).await.parent_id,
        Some(mp.id)
    );
}

#[tokio::test]
async fn a_township_chair_exports_only_her_own_township() {
    let f = fixture().await;
    let db = &f.t.db;

    let r = export_workbook(db, &f.chair, GUIZHOU, "测试").await;
    assert!(matches!(r, Err(DbError::NotFound)), "{r:?}");
    let r = export_workbook(db, &f.chair, GUIZHOU_VILLAGE, "测试").await;
    assert!(matches!(r, Err(DbError::NotFound)), "{r:?}");

    let bytes = export_workbook(db, &f.chair, MAOPING, "测试")
        .await
        .expect("own township exports");
    let book = ledger::read_bytes("茅坪镇.xlsx", &bytes).expect("export reads back");
    let orgs = book.sheet("组织").expect("组织 sheet");
    let codes: Vec<String> = orgs
        .rows
        .iter()
        .filter_map(|r| r.cells.first().and_then(|c| c.as_text()))
        .collect();
    assert_eq!(
        codes,
        [MAOPING, MAOPING_VILLAGE, testing::MAOPING_VILLAGE_2]
    );
    let people = book.sheet("人员").expect("人员 sheet");
    assert_eq!(people.rows.len(), 1);
    let row: Vec<String> = people.rows[0]
        .cells
        .iter()
        .map(|c| c.as_text().unwrap_or_default())
        .collect();
    assert_eq!(row[0], "周雪梅");
    // No people:sensitive → the export carries the masked number only.
    let plain = id_number(common::date(1990, 1, 1), 2);
    assert_eq!(row[1], format!("420527***********{}", &plain[17..]));
}

#[tokio::test]
async fn a_township_chair_cannot_import_a_person_into_another_township() {
    let f = fixture().await;
    let db = &f.t.db;
    let people_before = count_people(db).await;
    let audit_before = count_audit(db).await;
    let outsider = id_number(common::date(1979, 9, 9), 6);
    let wb = workbook(vec![sheet(
        "人员",
        PERSON_HEADERS,
        &[&["李娟", &outsider, "", GUIZHOU_VILLAGE, ""]],
    )]);

    let out = import_workbook(db, &f.chair, &wb, false)
        .await
        .expect("import runs");

    assert!(!out.committed);
    assert_eq!(out.report.errors.len(), 1, "{:?}", out.report.errors);
    let e = &out.report.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("人员", 2, Some("所属组织编码"))
    );
    assert_eq!(count_people(db).await, people_before);
    assert_eq!(count_audit(db).await, audit_before);

    // The same row pointed at her own village goes in.
    let wb = workbook(vec![sheet(
        "人员",
        PERSON_HEADERS,
        &[&["李娟", &outsider, "", MAOPING_VILLAGE, ""]],
    )]);
    let out = import_workbook(db, &f.chair, &wb, false)
        .await
        .expect("import runs");
    assert!(out.committed, "{:?}", out.report.errors);
    assert_eq!(count_people(db).await, people_before + 1);
    let (rows, _) = people::list(
        &db.conn,
        db,
        &f.chair,
        &PeopleQuery {
            q: Some("李娟".into()),
            ..Default::default()
        },
        1,
        50,
    )
    .await
    .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.org_code.as_str()).collect::<Vec<_>>(),
        [MAOPING_VILLAGE]
    );
}

#[tokio::test]
async fn a_township_chair_cannot_move_a_person_of_another_township_by_import() {
    let f = fixture().await;
    let db = &f.t.db;
    let gz_id = id_number(common::date(1985, 5, 5), 4);
    let wb = workbook(vec![sheet(
        "人员",
        PERSON_HEADERS,
        &[&["谭凤洁", &gz_id, "", MAOPING_VILLAGE, ""]],
    )]);

    let out = import_workbook(db, &f.chair, &wb, false)
        .await
        .expect("import runs");

    assert!(!out.committed);
    assert_eq!(
        out.report.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        [2]
    );
    let stored = person::Entity::find_by_id(f.gz_person)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.org_id, common::org_row(db, GUIZHOU_VILLAGE).await.id);
    assert_eq!(
        person::Entity::find()
            .filter(person::Column::Name.eq("谭凤洁"))
            .count(&db.conn)
            .await
            .unwrap(),
        1
    );
}
