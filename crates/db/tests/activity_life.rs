//! An activity's record life in the repository (`db::activity::life`):
//! a cancelled activity leaves the statistics until it is restored, a delete
//! takes its rows with it and removes its photo files only after its commit,
//! and its right belongs to the author within 24 hours or an admin.

mod common;

use common::{date, id_number};
use db::{
    Ctx, DbError,
    activity::{
        self, ActivityInput, life,
        photo::{self, NewPhoto, Staged},
    },
    entity::{
        activity as activity_entity, activity_material, attendance, audit_log, cancellation,
        photo as photo_entity, publicity_item, roster_summary, work,
    },
    sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
        Set, TransactionTrait,
    },
    stats::stats,
    testing::{self, COUNTY, MAOPING_VILLAGE, TestDb, operator},
};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
    date::Period,
};

/// A checked activity of 银杏沱村 held on 2020-06-01 (built, like every
/// door's, from a draft).
fn draft(code: &str, head_count: i64) -> ActivityDraft {
    ActivityDraft {
        code: code.into(),
        name: format!("巾帼宣讲{code}"),
        kind: ActivityKind::Propaganda.code().into(),
        org_code: MAOPING_VILLAGE.into(),
        start_date: "2020-06-01".into(),
        head_count: head_count.to_string(),
        materials: vec!["倡议书:20".into()],
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
}

fn input(code: &str, head_count: i64) -> ActivityInput {
    checked(&draft(code, head_count))
}

fn checked(d: &ActivityDraft) -> ActivityInput {
    d.validate(domain::date::today_beijing())
        .expect("a valid fixture activity")
}

async fn record(t: &TestDb, ctx: &Ctx, code: &str, head_count: i64) -> i64 {
    t.db.write(async |tx| activity::upsert(tx, ctx, &input(code, head_count)).await)
        .await
        .expect("activity")
        .0
        .id
}

async fn county_figures(t: &TestDb) -> (u64, u64) {
    let s = stats(&t.db.conn, &operator(), COUNTY, Period::year(2020))
        .await
        .expect("stats");
    (s.activities.count, s.activities.participants)
}

/// Stores a photo of `id` as the operator and places its files.
async fn add_photo(t: &TestDb, id: i64) -> photo_entity::Model {
    let files = Staged::new(t.db.files_dir.as_ref().expect("files dir"));
    let txn = t.db.conn.begin().await.unwrap();
    let p = photo::add(
        &txn,
        &operator(),
        &files,
        id,
        NewPhoto {
            full_jpeg: b"full",
            thumb_jpeg: b"thumb",
            width: 4,
            height: 3,
            original_name: None,
            caption: Some("宣讲现场".into()),
        },
    )
    .await
    .expect("photo");
    txn.commit().await.unwrap();
    photo::place(&files);
    p
}

fn files_of(t: &TestDb, p: &photo_entity::Model) -> [std::path::PathBuf; 2] {
    let root = t.db.files_dir.as_ref().unwrap();
    [
        photo::file_of(root, p, false),
        photo::file_of(root, p, true),
    ]
}

#[tokio::test]
async fn a_cancelled_activity_leaves_the_county_statistics_and_restoring_brings_it_back() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    record(&t, &op, "XJ-1", 40).await;
    let second = record(&t, &op, "XJ-2", 25).await;
    assert_eq!(county_figures(&t).await, (2, 65));

    let refused =
        t.db.write(async |tx| life::cancel(tx, &op, second, "  ").await)
            .await;
    assert!(
        matches!(&refused, Err(DbError::Invalid(inv)) if inv.errors[0].field == "reason"),
        "{refused:?}"
    );
    assert_eq!(county_figures(&t).await, (2, 65), "a refused cancel counts");

    let txn = t.db.conn.begin().await.unwrap();
    let a = life::cancel(&txn, &op, second, "因暴雨改期").await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(a.status, "cancelled");
    assert_eq!(county_figures(&t).await, (1, 40));
    let kept = life::cancellation(&t.db.conn, &op, second)
        .await
        .unwrap()
        .expect("reason kept");
    assert_eq!(
        (kept.reason.as_str(), kept.prior_status.as_str()),
        ("因暴雨改期", "done")
    );
    assert!(matches!(
        t.db.write(async |tx| life::cancel(tx, &op, second, "再取消").await)
            .await,
        Err(DbError::Conflict(_))
    ));

    let back =
        t.db.write(async |tx| life::restore(tx, &op, second).await)
            .await
            .unwrap();
    assert_eq!(back.status, "done");
    assert_eq!(county_figures(&t).await, (2, 65));
    assert_eq!(
        cancellation::Entity::find()
            .count(&t.db.conn)
            .await
            .unwrap(),
        0
    );
    let trail: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(second.to_string()))
        .all(&t.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(trail, ["create", "cancel", "restore"]);
}

#[tokio::test]
async fn a_planned_activity_is_restored_as_planned() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    let mut planned = input("JH-1", 10);
    planned.status = ActivityStatus::Planned;
    planned.start_date = date(2099, 1, 1);
    let id =
        t.db.write(async |tx| activity::upsert(tx, &op, &planned).await)
            .await
            .unwrap()
            .0
            .id;
    t.db.write(async |tx| life::cancel(tx, &op, id, "场地不可用").await)
        .await
        .unwrap();
    let back =
        t.db.write(async |tx| life::restore(tx, &op, id).await)
            .await
            .unwrap();
    assert_eq!(back.status, "planned");
}

#[tokio::test]
async fn a_delete_takes_its_rows_and_after_the_commit_its_photo_files() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    // A collection (征集): it may hold works.
    let collection = checked(&ActivityDraft {
        kind: ActivityKind::Collection.code().into(),
        ..draft("XJ-3", 30)
    });
    let id =
        t.db.write(async |tx| activity::upsert(tx, &op, &collection).await)
            .await
            .unwrap()
            .0
            .id;
    let keep = record(&t, &op, "XJ-4", 12).await;
    let p = add_photo(&t, id).await;
    let other = add_photo(&t, keep).await;
    let attendee = domain::activity::records::AttendeeDraft {
        name: "甲".into(),
        id_number: id_number(date(1980, 1, 1), 2),
        unit: "县财政局".into(),
        ..Default::default()
    }
    .validate(db::time::today_beijing())
    .unwrap();
    t.db.write(async |tx| activity::attendance::add(tx, &t.db, &op, id, &attendee).await)
        .await
        .unwrap();
    t.db.write(async |tx| {
        activity::work::upsert(
            tx,
            &op,
            id,
            &domain::activity::records::WorkDraft {
                title: "家风故事".into(),
                author: "乙".into(),
                ..Default::default()
            }
            .validate(false)
            .unwrap(),
        )
        .await
    })
    .await
    .unwrap();
    t.db.write(async |tx| {
        db::publicity::upsert(
            tx,
            &op,
            &domain::publicity::ItemDraft {
                title: "银杏沱村开展巾帼宣讲".into(),
                channel: "秭归妇联公众号".into(),
                published_on: "2020-06-02".into(),
                org_code: MAOPING_VILLAGE.into(),
                activity_code: "XJ-3".into(),
                ..Default::default()
            }
            .validate()
            .expect("a valid fixture item"),
        )
        .await
    })
    .await
    .unwrap();
    for f in files_of(&t, &p) {
        assert!(f.exists(), "{} placed", f.display());
    }

    // Rolled back: every row and every file stays.
    {
        let files = Staged::new(t.db.files_dir.as_ref().unwrap());
        let txn = t.db.conn.begin().await.unwrap();
        let removal = life::delete(&txn, &op, &files, id).await.unwrap();
        assert_eq!(
            (
                removal.photos,
                removal.roster,
                removal.works,
                removal.materials
            ),
            (1, 1, 1, 1)
        );
        txn.rollback().await.unwrap();
    }
    for f in files_of(&t, &p) {
        assert!(f.exists(), "a rolled-back delete removed {}", f.display());
    }
    assert!(
        activity_entity::Entity::find_by_id(id)
            .one(&t.db.conn)
            .await
            .unwrap()
            .is_some()
    );

    let files = Staged::new(t.db.files_dir.as_ref().unwrap());
    let txn = t.db.conn.begin().await.unwrap();
    life::delete(&txn, &op, &files, id).await.unwrap();
    for f in files_of(&t, &p) {
        assert!(f.exists(), "removed before the commit: {}", f.display());
    }
    txn.commit().await.unwrap();
    photo::place(&files);
    for f in files_of(&t, &p) {
        assert!(!f.exists(), "{} left after the delete", f.display());
    }
    for f in files_of(&t, &other) {
        assert!(f.exists(), "another activity's photo went: {}", f.display());
    }

    let c = &t.db.conn;
    assert!(
        activity_entity::Entity::find_by_id(id)
            .one(c)
            .await
            .unwrap()
            .is_none()
    );
    let left = (
        photo_entity::Entity::find()
            .filter(photo_entity::Column::ActivityId.eq(id))
            .count(c)
            .await
            .unwrap(),
        attendance::Entity::find().count(c).await.unwrap(),
        roster_summary::Entity::find().count(c).await.unwrap(),
        work::Entity::find().count(c).await.unwrap(),
        activity_material::Entity::find()
            .filter(activity_material::Column::ActivityId.eq(id))
            .count(c)
            .await
            .unwrap(),
    );
    assert_eq!(left, (0, 0, 0, 0, 0));
    let item = publicity_item::Entity::find()
        .one(c)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(item.activity_id, None, "the publicity item stays, unlinked");

    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("delete"))
        .one(c)
        .await
        .unwrap()
        .expect("delete audited");
    assert_eq!(row.entity_id.as_deref(), Some(id.to_string().as_str()));
    assert!(row.summary.contains("巾帼宣讲XJ-3"), "{}", row.summary);
    let before: serde_json::Value =
        serde_json::from_str(row.before_json.as_deref().unwrap()).unwrap();
    assert_eq!(before["activity"]["code"], "XJ-3");
    assert_eq!(before["removed"]["roster"], 1);
    assert!(
        !row.before_json.unwrap().contains("甲"),
        "the roster's people are not copied into the trail"
    );
}

#[tokio::test]
async fn the_author_deletes_within_24_hours_another_chair_never_and_an_admin_always() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "yx", Role::VillageChair, MAOPING_VILLAGE).await;
    testing::user(&t.db, "yx2", Role::VillageChair, MAOPING_VILLAGE).await;
    testing::user(&t.db, "xian", Role::CountyAdmin, COUNTY).await;
    let author = testing::ctx_of(&t.db, "yx").await;
    let other = testing::ctx_of(&t.db, "yx2").await;
    let admin = testing::ctx_of(&t.db, "xian").await;
    let c = &t.db.conn;
    let files = Staged::new(t.db.files_dir.as_ref().unwrap());

    let a = record(&t, &author, "ZZ-1", 5).await;
    assert!(matches!(
        t.db.write(async |tx| life::delete(tx, &other, &files, a).await)
            .await,
        Err(DbError::Forbidden(_))
    ));
    t.db.write(async |tx| life::delete(tx, &author, &files, a).await)
        .await
        .expect("author, at once");

    let b = record(&t, &author, "ZZ-2", 5).await;
    // 25 hours later: the create row is moved back (no sleeping).
    let create = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(b.to_string()))
        .filter(audit_log::Column::Action.eq("create"))
        .one(c)
        .await
        .unwrap()
        .unwrap();
    let at = create.at - chrono::Duration::hours(25);
    let mut am = create.into_active_model();
    am.at = Set(at);
    am.update(c).await.unwrap();
    match t
        .db
        .write(async |tx| life::delete(tx, &author, &files, b).await)
        .await
    {
        Err(DbError::Forbidden(m)) => assert!(m.contains("24小时"), "{m}"),
        other => panic!("the author deleted a day-old activity: {other:?}"),
    }
    t.db.write(async |tx| life::delete(tx, &admin, &files, b).await)
        .await
        .expect("admin");
    assert_eq!(activity_entity::Entity::find().count(c).await.unwrap(), 0);
}
