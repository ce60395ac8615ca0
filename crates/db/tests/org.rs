//! Organizations: code rules, uniqueness, moves that keep history, closing,
//! and the audit row every change writes.

mod common;

use common::{audit_rows, date, invalid_fields, org_exists, org_row};
use db::{
    DbError,
    entity::org_tree_history,
    org::{self, OrgInput, tree},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
    testing::{self, COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestDb},
};
use domain::{
    foundation::org::OrgChangeDraft,
    kinds::{NewFieldType, OrgKind},
};

fn input(code: &str, name: &str, kind: OrgKind, parent: &str) -> OrgInput {
    testing::org_input(code, name, kind, Some(parent))
}

#[tokio::test]
async fn a_village_is_created_under_its_township_with_path_depth_and_audit() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;

    let created = db
        .write(async |tx| {
            org::create(
                tx,
                &testing::operator(),
                &input("420527101203", "兰陵溪村妇联", OrgKind::Village, MAOPING),
            )
            .await
        })
        .await
        .expect("create village");

    let stored = org_row(db, "420527101203").await;
    let township = org_row(db, MAOPING).await;
    assert_eq!(stored.id, created.id);
    assert_eq!(stored.name, "兰陵溪村妇联");
    assert_eq!(stored.kind, "village");
    assert_eq!(stored.parent_id, Some(township.id));
    assert_eq!(stored.depth, 2);
    assert_eq!(stored.path, format!("{}{}/", township.path, stored.id));
    let audit = audit_rows(db, "create", "org", "420527101203").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].org_id, Some(stored.id));
    assert_eq!(audit[0].actor_name, "operator");
    assert!(
        audit[0]
            .after_json
            .as_deref()
            .is_some_and(|j| j.contains("兰陵溪村妇联"))
    );
}

#[tokio::test]
async fn a_village_code_outside_its_townships_prefix_is_rejected_on_code() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;

    // 420527102… belongs to 归州镇, not 茅坪镇 (420527101…).
    let r = db
        .write(async |tx| {
            org::create(
                tx,
                &testing::operator(),
                &input("420527102203", "错挂村妇联", OrgKind::Village, MAOPING),
            )
            .await
        })
        .await;

    assert_eq!(invalid_fields(r), ["code"]);
    assert!(!org_exists(db, "420527102203").await);
    assert!(
        audit_rows(db, "create", "org", "420527102203")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_duplicate_org_code_is_rejected_and_the_original_is_kept() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;

    let r = db
        .write(async |tx| {
            org::create(
                tx,
                &testing::operator(),
                &input(MAOPING_VILLAGE, "另一个村妇联", OrgKind::Village, MAOPING),
            )
            .await
        })
        .await;

    assert_eq!(invalid_fields(r), ["code"]);
    let kept = org_row(db, MAOPING_VILLAGE).await;
    assert_eq!(kept.name, "银杏沱村妇联");
    assert_eq!(
        audit_rows(db, "create", "org", MAOPING_VILLAGE).await.len(),
        1
    );
}

#[tokio::test]
async fn an_update_changes_the_name_and_audits_before_and_after() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;

    let changed = OrgChangeDraft {
        name: "银杏沱村妇女联合会".into(),
        founded_on: "2020-07-08".into(),
        ..Default::default()
    }
    .validate(db::time::today_beijing())
    .expect("change");
    db.write(async |tx| org::update(tx, &testing::operator(), MAOPING_VILLAGE, &changed).await)
        .await
        .expect("update");

    let stored = org_row(db, MAOPING_VILLAGE).await;
    assert_eq!(stored.name, "银杏沱村妇女联合会");
    assert_eq!(stored.founded_on, Some(date(2020, 7, 8)));
    let audit = audit_rows(db, "update", "org", MAOPING_VILLAGE).await;
    assert_eq!(audit.len(), 1);
    assert!(
        audit[0]
            .before_json
            .as_deref()
            .is_some_and(|j| j.contains("银杏沱村妇联"))
    );
    assert!(
        audit[0]
            .after_json
            .as_deref()
            .is_some_and(|j| j.contains("银杏沱村妇女联合会"))
    );
}

#[tokio::test]
async fn moving_a_village_keeps_the_old_tree_before_the_effective_date() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;
    // A unit hung under the village moves with it.
    let unit = OrgInput {
        new_field_type: Some(NewFieldType::Cooperative),
        ..input(
            "YJW-HZS-01",
            "杨家湾村茶叶专业合作社妇委会",
            OrgKind::NewField,
            MAOPING_VILLAGE_2,
        )
    };
    db.write(async |tx| org::create(tx, &op, &unit).await)
        .await
        .expect("create child of the village");
    let maoping = org_row(db, MAOPING).await;
    let guizhou = org_row(db, GUIZHOU).await;
    let village = org_row(db, MAOPING_VILLAGE_2).await;
    let child = org_row(db, "YJW-HZS-01").await;
    let old_child_path = child.path.clone();

    db.write(async |tx| {
        tree::move_org(tx, &op, MAOPING_VILLAGE_2, GUIZHOU, date(2021, 1, 1)).await
    })
    .await
    .expect("move");

    let before = tree::subtree_ids_as_of(&db.conn, maoping.id, date(2020, 12, 31))
        .await
        .unwrap();
    assert!(
        before.contains(&village.id) && before.contains(&child.id),
        "{before:?}"
    );
    let after = tree::subtree_ids_as_of(&db.conn, maoping.id, date(2021, 1, 2))
        .await
        .unwrap();
    assert!(
        !after.contains(&village.id) && !after.contains(&child.id),
        "{after:?}"
    );
    assert!(after.contains(&org_row(db, MAOPING_VILLAGE).await.id));
    let gz_after = tree::subtree_ids_as_of(&db.conn, guizhou.id, date(2021, 1, 2))
        .await
        .unwrap();
    assert!(
        gz_after.contains(&village.id) && gz_after.contains(&child.id),
        "{gz_after:?}"
    );
    let gz_before = tree::subtree_ids_as_of(&db.conn, guizhou.id, date(2020, 12, 31))
        .await
        .unwrap();
    assert!(!gz_before.contains(&village.id), "{gz_before:?}");
    // The effective day itself already belongs to the new parent.
    let gz_on = tree::subtree_ids_as_of(&db.conn, guizhou.id, date(2021, 1, 1))
        .await
        .unwrap();
    assert!(gz_on.contains(&village.id));

    // Current paths: the village and its descendant.
    let moved = org_row(db, MAOPING_VILLAGE_2).await;
    let moved_child = org_row(db, "YJW-HZS-01").await;
    assert_eq!(moved.parent_id, Some(guizhou.id));
    assert_eq!(moved.path, format!("{}{}/", guizhou.path, village.id));
    assert_eq!(moved.depth, 2);
    assert_eq!(moved_child.parent_id, Some(village.id));
    assert_eq!(moved_child.path, format!("{}{}/", moved.path, child.id));
    assert_eq!(moved_child.depth, 3);
    assert_eq!(
        tree::path_as_of(&db.conn, child.id, date(2020, 6, 30))
            .await
            .unwrap(),
        Some(old_child_path)
    );
    assert_eq!(
        tree::path_as_of(&db.conn, child.id, date(2021, 6, 30))
            .await
            .unwrap(),
        Some(moved_child.path)
    );
    // One closed and one open history interval each.
    let hist = org_tree_history::Entity::find()
        .filter(org_tree_history::Column::OrgId.eq(village.id))
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(
        hist.iter()
            .filter(|h| h.valid_to == Some(date(2021, 1, 1)))
            .count(),
        1
    );
    assert_eq!(
        hist.iter()
            .filter(|h| h.valid_to.is_none() && h.valid_from == date(2021, 1, 1))
            .count(),
        1
    );

    let audit = audit_rows(db, "move", "org", MAOPING_VILLAGE_2).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].org_id, Some(village.id));
}

#[tokio::test]
async fn an_org_cannot_be_moved_under_itself_or_its_descendant() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;
    let before = org_row(db, MAOPING).await;

    let under_child = db
        .write(async |tx| tree::move_org(tx, &op, MAOPING, MAOPING_VILLAGE, date(2021, 1, 1)).await)
        .await;
    assert_eq!(invalid_fields(under_child), ["parent_code"]);
    let under_self = db
        .write(async |tx| tree::move_org(tx, &op, MAOPING, MAOPING, date(2021, 1, 1)).await)
        .await;
    assert_eq!(invalid_fields(under_self), ["parent_code"]);

    let after = org_row(db, MAOPING).await;
    assert_eq!(
        (after.parent_id, after.path.as_str()),
        (before.parent_id, before.path.as_str())
    );
    let hist = org_tree_history::Entity::find()
        .filter(org_tree_history::Column::OrgId.eq(before.id))
        .all(&db.conn)
        .await
        .unwrap();
    assert_eq!(hist.len(), 1);
    assert!(audit_rows(db, "move", "org", MAOPING).await.is_empty());
}

#[tokio::test]
async fn closing_an_org_with_open_children_is_refused_until_they_are_closed() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;

    let refused = db
        .write(async |tx| org::close(tx, &op, MAOPING, date(2021, 1, 1)).await)
        .await;
    assert!(matches!(refused, Err(DbError::Conflict(_))), "{refused:?}");
    assert_eq!(org_row(db, MAOPING).await.closed_on, None);
    assert!(audit_rows(db, "close", "org", MAOPING).await.is_empty());

    db.write(async |tx| org::close(tx, &op, MAOPING_VILLAGE, date(2020, 12, 31)).await)
        .await
        .expect("close village 1");
    db.write(async |tx| org::close(tx, &op, MAOPING_VILLAGE_2, date(2020, 12, 31)).await)
        .await
        .expect("close village 2");
    db.write(async |tx| org::close(tx, &op, MAOPING, date(2021, 1, 1)).await)
        .await
        .expect("close township");

    assert_eq!(org_row(db, MAOPING).await.closed_on, Some(date(2021, 1, 1)));
    assert_eq!(
        org_row(db, MAOPING_VILLAGE).await.closed_on,
        Some(date(2020, 12, 31))
    );
    assert_eq!(audit_rows(db, "close", "org", MAOPING).await.len(), 1);
    assert_eq!(
        audit_rows(db, "close", "org", MAOPING_VILLAGE).await.len(),
        1
    );
    // The root is never closed.
    let root = db
        .write(async |tx| org::close(tx, &op, COUNTY, date(2021, 1, 1)).await)
        .await;
    assert!(matches!(root, Err(DbError::Conflict(_))), "{root:?}");
}

#[tokio::test]
async fn a_closed_org_cannot_receive_a_moved_org() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    testing::county(db).await;
    db.write(async |tx| org::close(tx, &op, "420527102201", date(2020, 12, 31)).await)
        .await
        .expect("close 万古寺");
    db.write(async |tx| org::close(tx, &op, GUIZHOU, date(2020, 12, 31)).await)
        .await
        .expect("close 归州镇");

    let r = db
        .write(async |tx| tree::move_org(tx, &op, MAOPING_VILLAGE, GUIZHOU, date(2021, 1, 1)).await)
        .await;

    assert_eq!(invalid_fields(r), ["parent_code"]);
    assert_eq!(
        org_row(db, MAOPING_VILLAGE).await.parent_id,
        Some(org_row(db, MAOPING).await.id)
    );
}
