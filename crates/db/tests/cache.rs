//! Cached figures (statistics, the activity list's order and total) answer
//! from the cache only while nothing has changed: any committed change moves
//! the data version and the next read recomputes; a rolled-back one doesn't.

mod common;

use std::sync::Arc;

use common::{sheet, workbook};
use db::{
    Ctx,
    activity::{self, ActivityQuery},
    import::import_workbook,
    stats::stats_cached,
    testing::{self, COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, TestDb, operator},
    version,
};
use domain::{access::Role, date::Period};

const ACT_H: &[&str] = &[
    "活动编号",
    "活动名称",
    "活动类型",
    "主办组织编码",
    "开始日期",
];

async fn import(t: &TestDb, ctx: &Ctx, rows: &[&[&str]], dry_run: bool) {
    let out = import_workbook(
        &t.db,
        ctx,
        &workbook(vec![sheet("活动", ACT_H, rows)]),
        dry_run,
    )
    .await
    .expect("import");
    assert!(out.report.is_ok(), "{:?}", out.report.errors);
}

#[tokio::test]
async fn statistics_are_served_from_the_cache_until_a_change_commits() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    let y = Period::year(2020);
    import(
        &t,
        &op,
        &[&["A-1", "家教讲座", "讲座", MAOPING, "2020-03-01"]],
        false,
    )
    .await;

    let first = stats_cached(&t.db, &op, COUNTY, y).await.unwrap();
    assert_eq!(first.activities.count, 1);
    let again = stats_cached(&t.db, &op, COUNTY, y).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &again),
        "unchanged data: the same document"
    );

    // A dry run writes and rolls back: the version is where it was.
    let v = version::current(&t.db.conn).await.unwrap();
    import(
        &t,
        &op,
        &[&["A-2", "法治讲座", "讲座", GUIZHOU, "2020-04-01"]],
        true,
    )
    .await;
    assert_eq!(version::current(&t.db.conn).await.unwrap(), v);
    let after_dry = stats_cached(&t.db, &op, COUNTY, y).await.unwrap();
    assert!(Arc::ptr_eq(&first, &after_dry));

    import(
        &t,
        &op,
        &[&["A-2", "法治讲座", "讲座", GUIZHOU, "2020-04-01"]],
        false,
    )
    .await;
    assert!(version::current(&t.db.conn).await.unwrap() > v);
    let after = stats_cached(&t.db, &op, COUNTY, y).await.unwrap();
    assert_eq!(after.activities.count, 2, "recomputed after the import");
    assert_eq!(
        stats_cached(&t.db, &op, MAOPING, y)
            .await
            .unwrap()
            .activities
            .count,
        1
    );
}

#[tokio::test]
async fn the_cached_list_order_and_total_follow_a_committed_change_and_the_callers_scope() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    let op = operator();
    import(
        &t,
        &op,
        &[
            &["A-1", "家教讲座", "讲座", MAOPING, "2020-03-01"],
            &["A-2", "法治讲座", "讲座", GUIZHOU, "2020-04-01"],
            &["A-3", "插花培训", "培训", MAOPING_VILLAGE, "2020-05-01"],
        ],
        false,
    )
    .await;
    let names = |rows: &[(db::entity::activity::Model, db::entity::org::Model)]| {
        rows.iter().map(|(a, _)| a.name.clone()).collect::<Vec<_>>()
    };
    let all = ActivityQuery::default();

    let (rows, total) = activity::list(&t.db, &op, &all, 1, 2).await.unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["插花培训".into(), "法治讲座".into()], 3)
    );
    let (rows, _) = activity::list(&t.db, &op, &all, 2, 2).await.unwrap();
    assert_eq!(names(&rows), vec!["家教讲座".to_string()]);
    let (rows, _) = activity::list(&t.db, &op, &all, 9, 2).await.unwrap();
    assert!(rows.is_empty(), "past the last page");

    // The township chair's list is her own, not the county's cached one.
    let mp = testing::ctx_of(&t.db, "mp").await;
    let (rows, total) = activity::list(&t.db, &mp, &all, 1, 10).await.unwrap();
    assert_eq!(
        (names(&rows), total),
        (vec!["插花培训".into(), "家教讲座".into()], 2)
    );

    import(
        &t,
        &op,
        &[&["A-4", "巾帼宣讲", "宣讲", MAOPING, "2020-06-01"]],
        false,
    )
    .await;
    let (rows, total) = activity::list(&t.db, &mp, &all, 1, 1).await.unwrap();
    assert_eq!((names(&rows), total), (vec!["巾帼宣讲".into()], 3));
    let (_, total) = activity::list(&t.db, &op, &all, 1, 1).await.unwrap();
    assert_eq!(total, 4);
    let talks = ActivityQuery {
        kind: Some("lecture".into()),
        ..Default::default()
    };
    let (rows, total) = activity::list(&t.db, &op, &talks, 1, 10).await.unwrap();
    assert_eq!(total, 2, "{:?}", names(&rows));
}

#[tokio::test]
async fn a_cached_people_search_finds_someone_registered_after_it() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    let q = db::people::PeopleQuery {
        q: Some("王丽".into()),
        ..Default::default()
    };
    let a = common::id_number(common::date(1980, 1, 1), 2);
    let b = common::id_number(common::date(1982, 3, 3), 4);
    testing::person(&t.db, "王丽", &a, MAOPING).await;
    let (found, total) = db::people::list(&t.db.read, &t.db, &op, &q, 1, 20)
        .await
        .unwrap();
    assert_eq!((found.len(), total), (1, 1));
    // Registering someone (an audited change) retires the cached answer.
    testing::person(&t.db, "王丽华", &b, GUIZHOU).await;
    let (found, total) = db::people::list(&t.db.read, &t.db, &op, &q, 1, 20)
        .await
        .unwrap();
    assert_eq!(total, 2);
    let mut names: Vec<_> = found.into_iter().map(|p| p.name).collect();
    names.sort();
    assert_eq!(names, vec!["王丽".to_string(), "王丽华".to_string()]);
}

#[tokio::test]
async fn signing_in_leaves_the_data_version_and_a_change_moves_it() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let (user, pw) = testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    let before = version::current(&t.db.read).await.unwrap();
    let signed_in = db::account::authenticate(&t.db, &user, &pw, Some("10.0.0.8".into()))
        .await
        .unwrap();
    assert!(signed_in.is_ok(), "the fixture user signs in");
    assert_eq!(version::current(&t.db.read).await.unwrap(), before);
    let id = common::id_number(common::date(1980, 1, 1), 2);
    testing::person(&t.db, "王丽", &id, MAOPING).await;
    assert!(version::current(&t.db.read).await.unwrap() > before);
}

#[tokio::test]
async fn the_version_a_reading_request_uses_follows_this_processs_changes_at_once() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let seen = &t.db.seen;
    let v0 = seen.current(&t.db.read).await.unwrap();
    assert_eq!(v0, version::current(&t.db.read).await.unwrap());

    // An audited change committed by this process: the very next read sees it.
    let id = common::id_number(common::date(1980, 1, 1), 2);
    testing::person(&t.db, "王丽", &id, MAOPING).await;
    let v1 = seen.current(&t.db.read).await.unwrap();
    assert!(v1 > v0, "{v1} after {v0}");
    assert_eq!(v1, version::current(&t.db.read).await.unwrap());

    // A change committed elsewhere (here: SQL beside the repositories) is
    // read once this process is told of a change, e.g. at the end of a
    // writing request.
    use sea_orm::ConnectionTrait;
    t.db.conn
        .execute_unprepared("UPDATE data_version SET n = n + 10 WHERE id = 1")
        .await
        .unwrap();
    version::changed();
    assert_eq!(seen.current(&t.db.read).await.unwrap(), v1 + 10);
}

#[tokio::test]
async fn a_cached_session_ends_at_once_when_signed_out_or_its_user_is_disabled() {
    use db::account::{self, session};
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    let id = account::list_users(&t.db.conn, &operator())
        .await
        .unwrap()
        .into_iter()
        .find(|(u, _)| u.username == "mp")
        .unwrap()
        .0
        .id;

    let tok =
        t.db.write(async |tx| session::create(tx, id, None, None).await)
            .await
            .unwrap();
    for _ in 0..2 {
        let s = session::load_cached(&t.db, &tok)
            .await
            .unwrap()
            .expect("signed in");
        assert_eq!(s.user.username, "mp");
        assert_eq!(s.scope.capture_roots.len(), 1);
    }
    session::delete(&t.db, &tok).await.unwrap();
    assert!(session::load_cached(&t.db, &tok).await.unwrap().is_none());

    let tok =
        t.db.write(async |tx| session::create(tx, id, None, None).await)
            .await
            .unwrap();
    assert!(session::load_cached(&t.db, &tok).await.unwrap().is_some());
    t.db.write(async |tx| account::set_disabled(tx, &operator(), "mp", true).await)
        .await
        .unwrap();
    assert!(
        session::load_cached(&t.db, &tok).await.unwrap().is_none(),
        "a disabled user's cached session answers no more"
    );
}

#[tokio::test]
async fn a_cached_page_and_activity_show_a_change_committed_after_them() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    import(
        &t,
        &op,
        &[&["A-1", "家教讲座", "讲座", MAOPING, "2020-03-01"]],
        false,
    )
    .await;
    let all = ActivityQuery::default();
    let (rows, _) = activity::list(&t.db, &op, &all, 1, 10).await.unwrap();
    assert_eq!(rows[0].0.name, "家教讲座");
    let id = rows[0].0.id;
    assert!(
        activity::detail_cached(&t.db, &op, id)
            .await
            .unwrap()
            .roster
            .is_empty()
    );

    // The same activity renamed, and a roster line for it.
    import(
        &t,
        &op,
        &[&["A-1", "家庭教育讲座", "讲座", MAOPING, "2020-03-01"]],
        false,
    )
    .await;
    let person = common::id_number(common::date(1980, 1, 1), 2);
    let roster = sheet(
        "参与人员",
        &["活动编号", "姓名", "身份证号"],
        &[&["A-1", "王丽", &person]],
    );
    let out = import_workbook(&t.db, &op, &workbook(vec![roster]), false)
        .await
        .unwrap();
    assert!(out.committed, "{:?}", out.report.errors);

    let (rows, _) = activity::list(&t.db, &op, &all, 1, 10).await.unwrap();
    assert_eq!(rows[0].0.name, "家庭教育讲座");
    let d = activity::detail_cached(&t.db, &op, id).await.unwrap();
    assert_eq!(d.activity.name, "家庭教育讲座");
    assert_eq!(d.roster.len(), 1);
}

#[tokio::test]
async fn a_cached_people_page_is_masked_for_each_caller_and_shows_an_edit_made_after_it() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let birth = db::time::today_beijing()
        .checked_sub_months(chrono::Months::new(12 * 8))
        .unwrap();
    let child = testing::person(db, "王小红", &common::id_number(birth, 22), MAOPING).await;
    let adult = testing::person(
        db,
        "王平",
        &common::id_number(common::date(1985, 3, 15), 2),
        MAOPING,
    )
    .await;
    // Same org subtree, so the same scope: only the right to sensitive data
    // tells the two apart, and a list (not logged) masks a child for both.
    testing::user(db, "staff", Role::CountyStaff, COUNTY).await;
    testing::user(db, "admin", Role::CountyAdmin, COUNTY).await;
    let staff = testing::ctx_of(db, "staff").await;
    let admin = testing::ctx_of(db, "admin").await;
    let q = db::people::PeopleQuery {
        q: Some("王".into()),
        ..Default::default()
    };
    let name_for = async |ctx: &Ctx, id: i64| {
        let (rows, _) = db::people::list(&db.read, db, ctx, &q, 1, 20)
            .await
            .unwrap();
        rows.iter()
            .find(|r| r.id == id)
            .expect("listed")
            .name
            .clone()
    };
    assert_eq!(name_for(&staff, child).await, "王*");
    assert_eq!(name_for(&admin, child).await, "王*");
    assert_eq!(name_for(&staff, adult).await, "王平");

    db.write(async |tx| {
        db::people::update(
            tx,
            db,
            &admin,
            adult,
            domain::foundation::person::PersonChangeDraft {
                name: Some("王萍".into()),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
    })
    .await
    .unwrap();
    assert_eq!(name_for(&admin, adult).await, "王萍");
    assert_eq!(name_for(&staff, adult).await, "王萍");
    assert_eq!(name_for(&staff, child).await, "王*");
}

#[tokio::test]
async fn an_activity_search_finds_names_holding_the_fragment_in_order() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = operator();
    import(
        &t,
        &op,
        &[
            &["S-1", "家教讲座", "讲座", MAOPING, "2020-03-01"],
            &["S-2", "教家讲座", "讲座", MAOPING, "2020-03-02"],
            &["S-3", "家庭教育讲座", "讲座", GUIZHOU, "2020-03-03"],
        ],
        false,
    )
    .await;
    let found = async |q: &str| {
        let query = ActivityQuery {
            q: Some(q.into()),
            ..Default::default()
        };
        let (rows, total) = activity::list(&t.db, &op, &query, 1, 10).await.unwrap();
        let mut names: Vec<String> = rows.into_iter().map(|(a, _)| a.name).collect();
        names.sort();
        assert_eq!(names.len() as u64, total, "query {q}");
        names
    };
    // 教家讲座 and 家庭教育讲座 hold every character of 家教 but not the fragment.
    assert_eq!(found("家教").await, ["家教讲座"]);
    assert_eq!(found("教家").await, ["教家讲座"]);
    assert_eq!(
        found("讲座").await,
        ["家庭教育讲座", "家教讲座", "教家讲座"]
    );
    assert!(found("座讲").await.is_empty());
}
