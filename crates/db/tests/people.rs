//! People: one person one record (by 身份证号), encryption at rest, masking,
//! search, and audited plaintext views.

mod common;

use chrono::Months;
use common::{audit_rows, id_number};
use db::{
    Db, DbError,
    entity::{access_log, person},
    people::{self, PeopleQuery, PersonInput, SensitiveField},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{self, COUNTY, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestDb},
};
use domain::{access::Role, foundation::person::PersonDraft};

const WANG_PING_ID: &str = "42052719850315002X";

fn input(name: &str, id: &str, phone: Option<&str>, org: &str) -> PersonInput {
    PersonDraft {
        name: name.into(),
        id_number: id.into(),
        phone: phone.unwrap_or_default().into(),
        org_code: org.into(),
        tags: Vec::new(),
    }
    .validate(db::time::today_beijing())
    .expect("valid person")
}

async fn person_count(db: &Db) -> u64 {
    person::Entity::find().count(&db.conn).await.unwrap()
}

async fn access_rows(db: &Db) -> Vec<access_log::Model> {
    access_log::Entity::find().all(&db.conn).await.unwrap()
}

fn search(q: &str) -> PeopleQuery {
    PeopleQuery {
        q: Some(q.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_same_id_number_twice_finds_the_same_person() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;

    let (first, created_first) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王平", WANG_PING_ID, None, MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();
    let (second, created_second) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王萍", "42052719850315002x", None, MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();

    assert!(created_first);
    assert!(!created_second);
    assert_eq!(second.id, first.id);
    assert_eq!(person_count(db).await, 1);
    let stored = person::Entity::find_by_id(first.id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    // Found, not renamed: one create row and no update row.
    assert_eq!(stored.name, "王平");
    assert_eq!(
        audit_rows(db, "create", "person", &first.id.to_string())
            .await
            .len(),
        1
    );
    assert!(
        audit_rows(db, "update", "person", &first.id.to_string())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_legacy_15_digit_id_finds_the_person_registered_with_18_digits() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;
    let id = testing::person(db, "王平", WANG_PING_ID, MAOPING_VILLAGE).await;

    // 420527 850315 002 → 420527 19850315 002 X
    let (found, created) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王平", "420527850315002", None, MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();

    assert!(!created);
    assert_eq!(found.id, id);
    assert_eq!(person_count(db).await, 1);
    let by_lookup = people::find_by_id_number(
        &db.conn,
        db,
        &domain::idcard::IdNumber::parse("420527850315002").unwrap(),
    )
    .await
    .unwrap()
    .expect("found by legacy number");
    assert_eq!(by_lookup.id, id);
}

#[tokio::test]
async fn the_id_number_is_stored_encrypted_and_masked() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let phone = "13812345678";
    let (p, _) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &testing::operator(),
                &input("王平", WANG_PING_ID, Some(phone), MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();

    let stored = person::Entity::find_by_id(p.id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.id_cipher.contains(WANG_PING_ID),
        "{}",
        stored.id_cipher
    );
    assert!(!stored.id_cipher.contains("19850315"));
    assert!(!stored.id_index.contains(WANG_PING_ID));
    assert_eq!(stored.id_masked, "420527***********X");
    assert_eq!(db.keys.decrypt(&stored.id_cipher).unwrap(), WANG_PING_ID);
    let phone_cipher = stored.phone_cipher.expect("phone stored");
    assert!(!phone_cipher.contains(phone));
    assert_eq!(stored.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(stored.sex, "F");
    assert_eq!(stored.birth_year, 1985);
    // The audit row holds neither plaintext nor ciphertext.
    let audit = audit_rows(db, "create", "person", &p.id.to_string()).await;
    let after = audit[0].after_json.clone().unwrap_or_default();
    assert!(
        !after.contains(WANG_PING_ID)
            && !after.contains(&stored.id_cipher)
            && !after.contains(phone),
        "{after}"
    );
}

#[tokio::test]
async fn people_are_found_by_a_two_character_name_exact_id_number_or_phone() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;
    let (wang, _) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王平", WANG_PING_ID, Some("13812345678"), MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();
    testing::person(
        db,
        "王芳",
        &id_number(common::date(1990, 1, 1), 2),
        MAOPING_VILLAGE,
    )
    .await;
    testing::person(
        db,
        "张平",
        &id_number(common::date(1988, 8, 8), 4),
        MAOPING_VILLAGE,
    )
    .await;

    for q in [
        "王平",
        WANG_PING_ID,
        "42052719850315002x",
        "13812345678",
        "138 1234 5678",
    ] {
        let (rows, total) = people::list(&db.conn, db, &op, &search(q), 1, 50)
            .await
            .unwrap();
        assert_eq!(total, 1, "query {q}");
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [wang.id],
            "query {q}"
        );
        // An exact-identifier search answers with masked data only.
        let name = if q == "王平" { "王平" } else { "王*" };
        assert_eq!(rows[0].name, name, "query {q}");
        assert_eq!(rows[0].id_masked, "420527***********X");
    }
    // A one-character fragment finds both 平s; an unknown number finds nobody.
    let (rows, _) = people::list(&db.conn, db, &op, &search("平"), 1, 50)
        .await
        .unwrap();
    let mut names: Vec<String> = rows.into_iter().map(|r| r.name).collect();
    names.sort();
    assert_eq!(names, ["张平", "王平"]);
    let (rows, total) = people::list(&db.conn, db, &op, &search("13900000000"), 1, 50)
        .await
        .unwrap();
    assert_eq!((rows.len(), total), (0, 0));
}

#[tokio::test]
async fn a_name_fragment_finds_the_names_holding_it_in_order_not_just_its_characters() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let op = testing::operator();
    // PostgreSQL first finds the rows holding every character (an index),
    // then checks the fragment: 丽王 and 王美丽 hold both of 王丽's.
    for (n, name) in ["王丽", "丽王", "王丽丽", "王美丽", "李100%"]
        .iter()
        .enumerate()
    {
        let birth = common::date(1980 + n as i32, 1, 1);
        testing::person(
            db,
            name,
            &id_number(birth, 2 * n as u32 + 2),
            MAOPING_VILLAGE,
        )
        .await;
    }
    let found = async |q: &str| {
        let (rows, total) = people::list(&db.read, db, &op, &search(q), 1, 50)
            .await
            .unwrap();
        let mut names: Vec<String> = rows.into_iter().map(|r| r.name).collect();
        names.sort();
        assert_eq!(names.len() as u64, total, "query {q}");
        names
    };
    assert_eq!(found("王丽").await, ["王丽", "王丽丽"]);
    assert_eq!(found("丽丽").await, ["王丽丽"]);
    assert_eq!(found("丽").await, ["丽王", "王丽", "王丽丽", "王美丽"]);
    assert_eq!(found("0%").await, ["李100%"]);
    assert_eq!(
        found("%").await,
        ["李100%"],
        "a percent sign is a character"
    );
    assert!(found("丽美").await.is_empty());
}

#[tokio::test]
async fn a_childs_name_is_masked_in_lists_and_shown_only_by_a_logged_reveal() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let today = db::time::today_beijing();
    let birth = today.checked_sub_months(Months::new(12 * 8)).unwrap();
    let child = testing::person(db, "王小红", &id_number(birth, 22), MAOPING_VILLAGE).await;
    let adult = testing::person(db, "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    testing::user(db, "county", Role::CountyAdmin, COUNTY).await;
    let chair = testing::ctx_of(db, "mp").await;
    let admin = testing::ctx_of(db, "county").await;

    let (rows, _) = people::list(&db.conn, db, &chair, &PeopleQuery::default(), 1, 50)
        .await
        .unwrap();
    let c = rows.iter().find(|r| r.id == child).expect("child listed");
    assert!(c.is_child);
    assert_eq!(c.name, "王*");
    assert_eq!(c.birth_year, chrono::Datelike::year(&birth));
    let a = rows.iter().find(|r| r.id == adult).expect("adult listed");
    assert_eq!((a.name.as_str(), a.is_child), ("王平", false));

    let (rows, _) = people::list(&db.conn, db, &admin, &PeopleQuery::default(), 1, 50)
        .await
        .unwrap();
    // The permission alone does not unmask a list (it is not logged): the
    // full name is a logged reveal.
    let c = rows.iter().find(|r| r.id == child).expect("child listed");
    assert_eq!(c.name, "王*");
    assert!(access_rows(db).await.is_empty());
    let name = people::reveal(&db.conn, db, &admin, child, SensitiveField::Name, "核对")
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("王小红"));
    assert_eq!(access_rows(db).await.len(), 1);
}

#[tokio::test]
async fn revealing_an_id_number_without_the_sensitive_permission_is_forbidden_and_not_logged() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let id = testing::person(db, "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let chair = testing::ctx_of(db, "mp").await;

    let r = people::reveal(
        &db.conn,
        db,
        &chair,
        id,
        SensitiveField::IdNumber,
        "核对身份",
    )
    .await;

    assert!(matches!(r, Err(DbError::Forbidden(_))), "{r:?}");
    assert!(access_rows(db).await.is_empty());
}

#[tokio::test]
async fn revealing_an_id_number_returns_the_plaintext_and_writes_one_access_log_row() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let id = testing::person(db, "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    testing::user(db, "county", Role::CountyAdmin, COUNTY).await;
    let admin = testing::ctx_of(db, "county").await;

    let shown = people::reveal(
        &db.conn,
        db,
        &admin,
        id,
        SensitiveField::IdNumber,
        "核对身份",
    )
    .await
    .unwrap();

    assert_eq!(shown.as_deref(), Some(WANG_PING_ID));
    let log = access_rows(db).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].field, "id_number");
    assert_eq!(log[0].entity, "person");
    assert_eq!(log[0].entity_id, id.to_string());
    assert_eq!(log[0].actor_name, "county");
    assert_eq!(log[0].actor_id, admin.user_id());
    assert_eq!(log[0].purpose, "核对身份");

    // The operator may too, and is logged as well.
    let shown = people::reveal(
        &db.conn,
        db,
        &testing::operator(),
        id,
        SensitiveField::IdNumber,
        "核对",
    )
    .await
    .unwrap();
    assert_eq!(shown.as_deref(), Some(WANG_PING_ID));
    let log = access_rows(db).await;
    assert_eq!(log.len(), 2);
    assert_eq!(
        access_log::Entity::find()
            .filter(access_log::Column::ActorName.eq("operator"))
            .filter(access_log::Column::Field.eq("id_number"))
            .count(&db.conn)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_person_registered_elsewhere_is_a_conflict_for_a_user_who_cannot_edit_her() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let id = testing::person(db, "王平", WANG_PING_ID, testing::GUIZHOU_VILLAGE).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let chair = testing::ctx_of(db, "mp").await;

    let r = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &chair,
                &input("王萍", WANG_PING_ID, None, MAOPING_VILLAGE),
            )
            .await
        })
        .await;

    assert!(matches!(r, Err(DbError::Conflict(_))), "{r:?}");
    let stored = person::Entity::find_by_id(id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.name, "王平");
    assert_eq!(
        stored.org_id,
        common::org_row(db, testing::GUIZHOU_VILLAGE).await.id
    );
    assert_eq!(person_count(db).await, 1);
}

#[tokio::test]
async fn wildcards_in_a_search_are_taken_literally() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    db.write(async |tx| {
        people::find_or_create(
            tx,
            db,
            &testing::operator(),
            &input("王平", WANG_PING_ID, None, MAOPING_VILLAGE),
        )
        .await
    })
    .await
    .unwrap();
    for q in ["%", "_", "王_", "\\"] {
        let query = PeopleQuery {
            q: Some(q.into()),
            ..Default::default()
        };
        let (found, total) = people::list(&db.conn, db, &testing::operator(), &query, 1, 50)
            .await
            .unwrap();
        assert_eq!((found.len(), total), (0, 0), "search {q:?} matched");
    }
    let query = PeopleQuery {
        q: Some("王".into()),
        ..Default::default()
    };
    assert_eq!(
        people::list(&db.conn, db, &testing::operator(), &query, 1, 50)
            .await
            .unwrap()
            .1,
        1
    );
}

#[tokio::test]
async fn registering_an_existing_person_elsewhere_neither_moves_nor_renames_her() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let op = testing::operator();
    let (first, _) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王平", WANG_PING_ID, None, MAOPING_VILLAGE),
            )
            .await
        })
        .await
        .unwrap();
    let (again, created) = db
        .write(async |tx| {
            people::find_or_create(
                tx,
                db,
                &op,
                &input("王萍", WANG_PING_ID, None, MAOPING_VILLAGE_2),
            )
            .await
        })
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(
        (again.id, again.name.as_str(), again.org_id),
        (first.id, "王平", first.org_id)
    );
    // The ledger's upsert is the one that updates.
    let (updated, _) = db
        .write(async |tx| {
            people::upsert(
                tx,
                db,
                &op,
                &input("王萍", WANG_PING_ID, None, MAOPING_VILLAGE_2),
            )
            .await
        })
        .await
        .unwrap();
    assert_eq!(updated.name, "王萍");
    assert_ne!(updated.org_id, first.org_id);
}
