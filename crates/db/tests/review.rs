//! The year-end review's records and saved choices: the demo county's 2020
//! review reproduces the seed's figures from records; records follow the tree
//! as of the period's end and the period's boundaries; outlines and drafts are
//! scoped and audited.

mod common;

use std::path::Path;

use common::{date, sheet, workbook};
use db::{
    Ctx,
    entity::audit_log,
    import::import_workbook,
    org::tree::move_org,
    review::{self, store},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    stats::stats,
    testing::{self, COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE_2, TestDb, operator},
};
use domain::{access::Role, date::Period};
use report::{
    compose::{Edits, compose},
    outline::Outline,
};

/// Every figure of the seed review that the areas built so far can give.
/// Each later area extends this list. 余 and 多 may stand for each other.
const DEMO_FIGURES: &[&str] = &[
    "2020年，共推送“巾帼微学堂”12期。",
    "全年共开展8期，惠及24个单位500余名干部职工。",
    "发放倡议书220份",
    "领导干部及家属近190人参会",
    "联合县纪委监委，开展廉洁家风作品、廉洁家规家训、廉洁家书故事主题作品征集，共收到作品117件。",
    "宣讲巾帼抗疫故事9篇，被省级公众号转载1篇、市级公众号转载3篇。",
    "新建妇女之家6个。",
    "全县新成立8个新领域妇联组织",
    "对全县12个乡镇妇联工作进行调研",
    "9月21日-23日，组织69名乡镇、村、新领域妇联主席开展培训",
    "全年组织开展30余期。",
    "6月5日，召开全县妇联工作会议",
    "11月21日-29日在全县12个乡镇开展基层社会治理工作培训",
    "在滨湖社区、银杏沱村、凤凰山社区等地开展电商培训3期",
];

#[tokio::test]
async fn the_demo_county_review_reproduces_the_seed_figures_from_records() {
    let t = TestDb::new().await;
    let op = operator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let wb = ledger::read_path(&dir).expect("demo ledger reads");
    let out = import_workbook(&t.db, &op, &wb, false)
        .await
        .expect("import");
    assert!(out.committed, "{:?}", out.report.errors.first());

    let p = Period::year(2020);
    let s = stats(&t.db.conn, &op, COUNTY, p).await.expect("stats");
    let records = review::records(&t.db.conn, &op, COUNTY, p)
        .await
        .expect("records");
    let r = compose(&s, &records, &Outline::default(), &Edits::default());
    let html = report::html::render(&r);
    let missing: Vec<&&str> = DEMO_FIGURES
        .iter()
        .filter(|f| !html.contains(*f) && !html.contains(&f.replace('余', "多")))
        .collect();
    assert!(missing.is_empty(), "missing {missing:?}");
    // Highlights are numbered 看点01… and nothing is printed as zero.
    assert!(html.contains(">01<") && html.contains("强 · 理论武装"));
    for zero in ["0期", "共0", ">0个"] {
        assert!(!html.contains(zero), "{zero}");
    }
    // 2019 records stay out: 2 微学堂 sessions, a 母亲讲堂 trial, 倡议书:150.
    assert!(!html.contains("14期") && !html.contains("370份"));
}

const ACT_H: &[&str] = &[
    "活动编号",
    "活动名称",
    "活动类型",
    "主办组织编码",
    "开始日期",
    "参与人数",
];

async fn import_acts(t: &TestDb, rows: &[&[&str]]) {
    let out = import_workbook(
        &t.db,
        &operator(),
        &workbook(vec![sheet("活动", ACT_H, rows)]),
        false,
    )
    .await
    .expect("import");
    assert!(out.committed, "{:?}", out.report.errors);
}

fn codes(r: &domain::review::Records) -> Vec<String> {
    let mut c: Vec<String> = r.activities.iter().map(|a| a.code.clone()).collect();
    c.sort();
    c
}

#[tokio::test]
async fn records_keep_the_period_boundaries() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_acts(
        &t,
        &[
            &["A-1231", "岁末宣讲", "宣讲", MAOPING, "2020-12-31", "30"],
            &["A-0101", "新年宣讲", "宣讲", MAOPING, "2021-01-01", "30"],
            &["A-0101b", "年初宣讲", "宣讲", MAOPING, "2020-01-01", "30"],
        ],
    )
    .await;
    let r2020 = review::records(&t.db.conn, &operator(), COUNTY, Period::year(2020))
        .await
        .unwrap();
    assert_eq!(codes(&r2020), ["A-0101b", "A-1231"]);
    let q4 = review::records(
        &t.db.conn,
        &operator(),
        COUNTY,
        Period::parse("2020Q4").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(codes(&q4), ["A-1231"]);
    let a = &q4.activities[0];
    assert_eq!(
        (
            a.participants,
            a.head_counted,
            a.org_name.as_str(),
            a.kind.as_str()
        ),
        (30, true, "茅坪镇妇联", "宣讲")
    );
}

#[tokio::test]
async fn records_follow_the_tree_as_it_stood_at_the_period_end_after_a_merge() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_acts(
        &t,
        &[
            &[
                "V-2020",
                "村活动2020",
                "宣讲",
                MAOPING_VILLAGE_2,
                "2020-06-01",
                "30",
            ],
            &[
                "V-2021",
                "村活动2021",
                "宣讲",
                MAOPING_VILLAGE_2,
                "2021-06-01",
                "30",
            ],
        ],
    )
    .await;
    // The village joins 归州镇 from 2021 (a township merge moves its villages).
    t.db.write(async |tx| {
        move_org(
            tx,
            &operator(),
            MAOPING_VILLAGE_2,
            GUIZHOU,
            date(2021, 1, 1),
        )
        .await
    })
    .await
    .expect("move");
    let get = |org: &'static str, y: i32| {
        let t = &t;
        async move {
            codes(
                &review::records(&t.db.conn, &operator(), org, Period::year(y))
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(get(MAOPING, 2020).await, ["V-2020"]);
    assert!(get(GUIZHOU, 2020).await.is_empty());
    assert!(get(MAOPING, 2021).await.is_empty());
    assert_eq!(get(GUIZHOU, 2021).await, ["V-2021"]);
}

#[tokio::test]
async fn photos_come_with_their_activity_and_load_only_within_scope() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_acts(
        &t,
        &[&["P-1", "有照片的活动", "宣讲", GUIZHOU, "2020-05-01", "30"]],
    )
    .await;
    let files = db::activity::photo::Staged::new(t.db.files_dir.clone().expect("test files dir"));
    let act = db::entity::activity::Entity::find()
        .one(&t.db.conn)
        .await
        .unwrap()
        .unwrap();
    let ph =
        t.db.write(async |tx| {
            db::activity::photo::add(
                tx,
                &operator(),
                &files,
                act.id,
                db::activity::photo::NewPhoto {
                    full_jpeg: b"full-bytes",
                    thumb_jpeg: b"thumb",
                    width: 4,
                    height: 3,
                    original_name: None,
                    caption: Some("图丨姐妹们学习电商直播".into()),
                },
            )
            .await
        })
        .await
        .expect("photo");
    db::activity::photo::place(&files);
    let recs = review::records(&t.db.conn, &operator(), COUNTY, Period::year(2020))
        .await
        .unwrap();
    let photos = &recs.activities[0].photos;
    assert_eq!(photos.len(), 1);
    assert!(photos[0].is_cover);
    assert_eq!(photos[0].caption.as_deref(), Some("姐妹们学习电商直播"));
    let bytes = review::photo_bytes(&t.db.conn, &operator(), files.root(), &[ph.id])
        .await
        .unwrap();
    assert_eq!(
        bytes.get(&ph.id).map(Vec::as_slice),
        Some(&b"full-bytes"[..])
    );
    // A 茅坪镇 chair can't load a 归州镇 photo.
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    let mp = testing::ctx_of(&t.db, "mp").await;
    assert!(
        review::photo_bytes(&t.db.conn, &mp, files.root(), &[ph.id])
            .await
            .unwrap()
            .is_empty()
    );
}

async fn audits(t: &TestDb, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&t.db.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_outline_and_a_draft_are_saved_scoped_audited_and_reused() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    testing::user(&t.db, "vc", Role::VillageChair, MAOPING_VILLAGE_2).await;
    let mp: Ctx = testing::ctx_of(&t.db, "mp").await;
    let vc: Ctx = testing::ctx_of(&t.db, "vc").await;
    let c = &t.db.conn;

    assert_eq!(store::load_outline(c, &mp, MAOPING).await.unwrap(), None);
    let mut outline = Outline::default();
    outline.parts.truncate(2);
    t.db.write(async |tx| store::save_outline(tx, &mp, MAOPING, &outline.to_json()).await)
        .await
        .expect("save");
    t.db.write(async |tx| store::save_outline(tx, &mp, MAOPING, &outline.to_json()).await)
        .await
        .expect("save again");
    let back = store::load_outline(c, &mp, MAOPING)
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(Outline::from_json(&back).unwrap(), outline);
    assert_eq!(audits(&t, "save_review_outline").await, 2);

    let edits = Edits {
        title: Some("茅坪镇妇联2020年工作盘点".into()),
        ..Edits::default()
    };
    let json = serde_json::to_string(&edits).unwrap();
    t.db.write(async |tx| store::save_draft(tx, &mp, MAOPING, "2020", &json).await)
        .await
        .expect("draft");
    assert_eq!(
        store::load_draft(c, &mp, MAOPING, "2020")
            .await
            .unwrap()
            .as_deref(),
        Some(json.as_str())
    );
    assert_eq!(
        store::load_draft(c, &mp, MAOPING, "2021").await.unwrap(),
        None
    );
    assert_eq!(audits(&t, "save_review_draft").await, 1);

    // Another township's outline is out of sight; a village chair may read
    // reviews but not save them; bad JSON and periods are field errors.
    assert!(matches!(
        t.db.write(async |tx| store::save_outline(tx, &mp, GUIZHOU, "{}").await)
            .await,
        Err(db::DbError::NotFound)
    ));
    assert!(matches!(
        t.db.write(async |tx| store::save_outline(tx, &vc, MAOPING_VILLAGE_2, "{}").await)
            .await,
        Err(db::DbError::Forbidden(_))
    ));
    assert!(store::load_outline(c, &vc, MAOPING_VILLAGE_2).await.is_ok());
    assert!(matches!(
        t.db.write(async |tx| store::save_outline(tx, &mp, MAOPING, "{oops").await)
            .await,
        Err(db::DbError::Invalid(_))
    ));
    assert!(matches!(
        t.db.write(async |tx| store::save_draft(tx, &mp, MAOPING, "明年", "{}").await)
            .await,
        Err(db::DbError::Invalid(_))
    ));
    assert_eq!(audits(&t, "save_review_outline").await, 2);
}

#[tokio::test]
async fn an_org_without_an_outline_uses_its_nearest_ancestors_then_the_default() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "staff", Role::CountyStaff, COUNTY).await;
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    testing::user(&t.db, "vc", Role::VillageChair, MAOPING_VILLAGE_2).await;
    let staff: Ctx = testing::ctx_of(&t.db, "staff").await;
    let mp: Ctx = testing::ctx_of(&t.db, "mp").await;
    let vc: Ctx = testing::ctx_of(&t.db, "vc").await;
    let c = &t.db.conn;

    // Nothing saved anywhere: the default outline.
    assert_eq!(store::outline_in_use(c, &mp, MAOPING).await.unwrap(), None);

    let mut county = Outline::default();
    county.parts.truncate(1);
    t.db.write(async |tx| store::save_outline(tx, &staff, COUNTY, &county.to_json()).await)
        .await
        .expect("county saves");
    let used = store::outline_in_use(c, &mp, MAOPING)
        .await
        .unwrap()
        .expect("the county's");
    assert_eq!(Outline::from_json(&used.json).unwrap(), county);
    assert_eq!((used.org_code.as_str(), used.own), (COUNTY, false));
    assert_eq!(used.org_name, "秭归县妇联");
    // The township's own saved outline stays unsaved: inheriting isn't saving.
    assert_eq!(store::load_outline(c, &mp, MAOPING).await.unwrap(), None);

    // Once the township saves its own, it and its villages use it; the
    // other township still uses the county's.
    let mut township = Outline::default();
    township.parts.truncate(2);
    t.db.write(async |tx| store::save_outline(tx, &mp, MAOPING, &township.to_json()).await)
        .await
        .expect("township saves");
    let own = store::outline_in_use(c, &mp, MAOPING)
        .await
        .unwrap()
        .unwrap();
    assert!(own.own);
    assert_eq!(Outline::from_json(&own.json).unwrap(), township);
    let village = store::outline_in_use(c, &vc, MAOPING_VILLAGE_2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((village.org_code.as_str(), village.own), (MAOPING, false));
    let other = store::outline_in_use(c, &staff, GUIZHOU)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.org_code, COUNTY);
    // Scope still applies to the org asked about.
    assert!(matches!(
        store::outline_in_use(c, &mp, GUIZHOU).await,
        Err(db::DbError::NotFound)
    ));
}

#[tokio::test]
async fn activities_by_child_org_follow_the_tree_at_the_period_end() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_acts(
        &t,
        &[
            &[
                "V-2020",
                "村活动2020",
                "宣讲",
                MAOPING_VILLAGE_2,
                "2020-06-01",
                "30",
            ],
            &[
                "V-2021",
                "村活动2021",
                "宣讲",
                MAOPING_VILLAGE_2,
                "2021-06-01",
                "30",
            ],
            &["C-2020", "县本级活动", "宣讲", COUNTY, "2020-07-01", "10"],
        ],
    )
    .await;
    t.db.write(async |tx| {
        move_org(
            tx,
            &operator(),
            MAOPING_VILLAGE_2,
            GUIZHOU,
            date(2021, 1, 1),
        )
        .await
    })
    .await
    .expect("move");
    let by_org = |y: i32| {
        let t = &t;
        async move {
            let s = stats(&t.db.conn, &operator(), COUNTY, Period::year(y))
                .await
                .unwrap();
            s.activities
                .by_org
                .iter()
                .map(|o| (o.code.clone(), o.own, o.count))
                .filter(|(_, _, n)| *n > 0)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        by_org(2020).await,
        [
            (MAOPING.to_string(), false, 1),
            (COUNTY.to_string(), true, 1)
        ]
    );
    assert_eq!(by_org(2021).await, [(GUIZHOU.to_string(), false, 1)]);
    let s = stats(&t.db.conn, &operator(), COUNTY, Period::year(2020))
        .await
        .unwrap();
    let june = s.activities.by_month.iter().find(|m| m.month == "2020-06");
    assert_eq!(june.map(|m| (m.count, m.participants)), Some((1, 30)));
}
