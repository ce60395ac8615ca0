//! Activities, rosters, works, publicity and their statistics, on hand-counted
//! fixtures (the expected figures are written out, not recomputed).

mod common;

use common::{date, id_number, sheet, workbook};
use db::sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use db::{
    Ctx,
    import::import_workbook,
    org::tree::move_org,
    stats::stats,
    testing::{self, GUIZHOU, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestDb, operator},
};
use domain::{access::Role, date::Period};

const ACT_H: &[&str] = &[
    "活动编号",
    "活动名称",
    "品牌项目",
    "活动类型",
    "主办组织编码",
    "开始日期",
    "结束日期",
    "形式",
    "覆盖单位数",
    "参与人数",
    "发放材料",
];
const ROSTER_H: &[&str] = &["活动编号", "姓名", "身份证号", "单位"];

async fn import_ok(t: &TestDb, ctx: &Ctx, sheets: Vec<ledger::Sheet>) {
    let out = import_workbook(&t.db, ctx, &workbook(sheets), false)
        .await
        .expect("import");
    assert!(out.committed, "{:?}", out.report.errors);
}

fn year(y: i32) -> Period {
    Period::year(y)
}

#[tokio::test]
async fn a_series_counts_each_named_person_and_unit_once_and_those_reported_beyond_a_roster() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let a = id_number(date(1980, 1, 1), 2);
    let b = id_number(date(1981, 2, 2), 4);
    let c = id_number(date(1982, 3, 3), 6);
    import_ok(
        &t,
        &operator(),
        vec![
            sheet(
                "活动",
                ACT_H,
                &[
                    &[
                        "MQ-1",
                        "母亲讲堂第1期",
                        "母亲讲堂",
                        "讲座",
                        MAOPING,
                        "2020-03-01",
                        "",
                        "",
                        "",
                        "80",
                        "",
                    ],
                    &[
                        "MQ-2",
                        "母亲讲堂第2期",
                        "母亲讲堂",
                        "讲座",
                        MAOPING,
                        "2020-04-01",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                    &[
                        "MQ-3",
                        "母亲讲堂第3期",
                        "母亲讲堂",
                        "讲座",
                        MAOPING,
                        "2020-05-01",
                        "",
                        "",
                        "5",
                        "40",
                        "倡议书:20",
                    ],
                    &[
                        "ZL-1",
                        "家庭助廉讲座",
                        "家庭助廉",
                        "讲座",
                        MAOPING,
                        "2020-07-08",
                        "",
                        "线上",
                        "",
                        "188",
                        "倡议书:220",
                    ],
                ],
            ),
            sheet(
                "参与人员",
                ROSTER_H,
                &[
                    &["MQ-1", "甲", &a, "县财政局"],
                    &["MQ-1", "乙", &b, "县教育局"],
                    &["MQ-2", "甲", &a, "县财政局"],
                    &["MQ-2", "丙", &c, " 县教育局"],
                ],
            ),
        ],
    )
    .await;
    let s = stats(&t.db.conn, &operator(), MAOPING, year(2020))
        .await
        .expect("stats");
    let mq = s
        .activities
        .by_program
        .iter()
        .find(|p| p.program == "母亲讲堂")
        .expect("母亲讲堂");
    // Named people a, b, c (a twice) = 3; session 1 reported 80 with 2 named,
    // so 78 more came unnamed; session 3 has no roster: its 40. 3 + 78 + 40 = 121.
    // Units: 县财政局, 县教育局 from rosters = 2, plus session 3's 覆盖单位数 5 = 7.
    assert_eq!((mq.count, mq.participants, mq.units), (3, 121, 7));
    let zl = s
        .activities
        .by_program
        .iter()
        .find(|p| p.program == "家庭助廉")
        .expect("家庭助廉");
    assert_eq!(zl.participants, 188);
    assert_eq!(zl.materials[0].quantity, 220);
    assert_eq!(s.activities.count, 4);
    assert_eq!(s.activities.participants, 121 + 188);
    // Only the 家庭助廉 lecture was held online.
    let online = &s.activities.online;
    assert_eq!((online.count, online.participants), (1, 188));
}

#[tokio::test]
async fn the_last_minute_of_the_year_is_inside_it_and_new_year_is_not() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_ok(
        &t,
        &operator(),
        vec![sheet(
            "活动",
            ACT_H,
            &[
                &[
                    "Y-1",
                    "年末活动",
                    "",
                    "会议",
                    MAOPING,
                    "2020-12-31",
                    "",
                    "",
                    "",
                    "10",
                    "",
                ],
                &[
                    "Y-2",
                    "新年活动",
                    "",
                    "会议",
                    MAOPING,
                    "2021-01-01",
                    "",
                    "",
                    "",
                    "10",
                    "",
                ],
                &[
                    "Y-3",
                    "年初活动",
                    "",
                    "会议",
                    MAOPING,
                    "2020-01-01",
                    "",
                    "",
                    "",
                    "10",
                    "",
                ],
            ],
        )],
    )
    .await;
    let s2020 = stats(&t.db.conn, &operator(), MAOPING, year(2020))
        .await
        .unwrap();
    assert_eq!(s2020.activities.count, 2);
    let q4 = stats(
        &t.db.conn,
        &operator(),
        MAOPING,
        Period::parse("2020Q4").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(q4.activities.count, 1);
    let (from, to) = Period::year(2020).utc_bounds();
    // 2020-12-31 23:59 Beijing time is 15:59 UTC, inside the bounds.
    let last_minute = chrono::NaiveDate::from_ymd_opt(2020, 12, 31)
        .unwrap()
        .and_hms_opt(15, 59, 0)
        .unwrap()
        .and_utc();
    assert!(from <= last_minute && last_minute < to);
}

#[tokio::test]
async fn a_past_year_keeps_a_moved_village_with_its_old_township() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_ok(
        &t,
        &operator(),
        vec![sheet(
            "活动",
            ACT_H,
            &[
                &[
                    "V-2020",
                    "村活动2020",
                    "",
                    "宣讲",
                    MAOPING_VILLAGE_2,
                    "2020-06-01",
                    "",
                    "",
                    "",
                    "30",
                    "",
                ],
                &[
                    "V-2021",
                    "村活动2021",
                    "",
                    "宣讲",
                    MAOPING_VILLAGE_2,
                    "2021-06-01",
                    "",
                    "",
                    "",
                    "30",
                    "",
                ],
            ],
        )],
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
    let mp2020 = stats(&t.db.conn, &operator(), MAOPING, year(2020))
        .await
        .unwrap();
    let gz2020 = stats(&t.db.conn, &operator(), GUIZHOU, year(2020))
        .await
        .unwrap();
    let mp2021 = stats(&t.db.conn, &operator(), MAOPING, year(2021))
        .await
        .unwrap();
    let gz2021 = stats(&t.db.conn, &operator(), GUIZHOU, year(2021))
        .await
        .unwrap();
    assert_eq!(
        (
            mp2020.activities.count,
            gz2020.activities.count,
            mp2021.activities.count,
            gz2021.activities.count
        ),
        (1, 0, 0, 1)
    );
}

#[tokio::test]
async fn a_village_chair_cannot_change_another_villages_activity() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_ok(
        &t,
        &operator(),
        vec![sheet(
            "活动",
            ACT_H,
            &[&[
                "V2-1",
                "杨家湾村活动",
                "",
                "宣讲",
                MAOPING_VILLAGE_2,
                "2020-06-01",
                "",
                "",
                "",
                "30",
                "",
            ]],
        )],
    )
    .await;
    testing::user(&t.db, "yx", Role::VillageChair, MAOPING_VILLAGE).await;
    let ctx = testing::ctx_of(&t.db, "yx").await;
    // Re-using the other village's 活动编号 from her own village makes an
    // activity of her own (codes are unique per org) and never touches theirs…
    let out = import_workbook(
        &t.db,
        &ctx,
        &workbook(vec![sheet(
            "活动",
            ACT_H,
            &[&[
                "V2-1",
                "改名",
                "",
                "宣讲",
                MAOPING_VILLAGE,
                "2020-06-01",
                "",
                "",
                "",
                "1",
                "",
            ]],
        )]),
        false,
    )
    .await
    .unwrap();
    assert!(out.committed, "{:?}", out.report.errors);
    // …and she can't add to its roster either.
    let a = db::entity::activity::Entity::find()
        .order_by_asc(db::entity::activity::Column::Id)
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!((a[1].code.as_str(), a[1].name.as_str()), ("V2-1", "改名"));
    let res =
        t.db.write(async |tx| {
            db::activity::attendance::add(
                tx,
                &t.db,
                &ctx,
                a[0].id,
                &domain::activity::records::AttendeeDraft {
                    name: "某人".into(),
                    ..Default::default()
                }
                .validate(db::time::today_beijing())
                .unwrap(),
            )
            .await
        })
        .await;
    assert!(matches!(res, Err(db::DbError::NotFound)), "{res:?}");
    let after = db::entity::activity::Entity::find()
        .order_by_asc(db::entity::activity::Column::Id)
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(after[0].name, "杨家湾村活动");
}

#[tokio::test]
async fn import_errors_name_sheet_row_and_column_and_write_nothing() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let out = import_workbook(
        &t.db,
        &operator(),
        &workbook(vec![
            sheet(
                "活动",
                ACT_H,
                &[
                    &[
                        "OK-1",
                        "好活动",
                        "",
                        "讲座",
                        MAOPING,
                        "2020-06-01",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                    &[
                        "BAD-1",
                        "坏活动",
                        "",
                        "跳舞",
                        MAOPING,
                        "2020-06-01",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ],
            ),
            sheet(
                "参与人员",
                ROSTER_H,
                &[&["NOPE", "甲", &id_number(date(1980, 1, 1), 2), ""]],
            ),
        ]),
        false,
    )
    .await
    .unwrap();
    assert!(!out.committed);
    let errs: Vec<(String, usize, Option<String>)> = out
        .report
        .errors
        .iter()
        .map(|e| (e.sheet.clone(), e.row, e.column.clone()))
        .collect();
    assert!(
        errs.contains(&("活动".into(), 3, Some("活动类型".into()))),
        "{errs:?}"
    );
    assert!(
        errs.contains(&("参与人员".into(), 2, Some("活动编号".into()))),
        "{errs:?}"
    );
    let n = db::entity::activity::Entity::find()
        .count(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn works_and_publicity_reposts_are_counted_distinctly() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    import_ok(
        &t,
        &operator(),
        vec![
            sheet(
                "活动",
                ACT_H,
                &[&[
                    "ZJ-1",
                    "家风作品征集",
                    "家风家训",
                    "征集",
                    MAOPING,
                    "2020-05-01",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]],
            ),
            sheet(
                "作品",
                &["活动编号", "作品名称", "作者", "作品类别"],
                &[
                    &["ZJ-1", "家书一", "甲", "廉洁家书故事"],
                    &["ZJ-1", "家训一", "乙", "廉洁家规家训"],
                    &["ZJ-1", "家书二", "丙", "廉洁家书故事"],
                ],
            ),
            sheet(
                "宣传",
                &[
                    "标题",
                    "发布平台",
                    "发布日期",
                    "发布组织编码",
                    "栏目",
                    "转载方",
                ],
                &[
                    &[
                        "抗疫一",
                        "屈乡巾帼公众号",
                        "2020-02-01",
                        MAOPING,
                        "巾帼抗疫故事",
                        "湖北省妇联公众号:省;宜昌市妇联公众号:市",
                    ],
                    &[
                        "抗疫二",
                        "屈乡巾帼公众号",
                        "2020-02-02",
                        MAOPING,
                        "巾帼抗疫故事",
                        "宜昌市妇联公众号:市",
                    ],
                    &[
                        "抗疫三",
                        "屈乡巾帼公众号",
                        "2020-02-03",
                        MAOPING,
                        "巾帼抗疫故事",
                        "",
                    ],
                    &[
                        "旧稿",
                        "屈乡巾帼公众号",
                        "2019-02-03",
                        MAOPING,
                        "巾帼抗疫故事",
                        "宜昌市妇联公众号:市",
                    ],
                ],
            ),
        ],
    )
    .await;
    let s = stats(&t.db.conn, &operator(), MAOPING, year(2020))
        .await
        .unwrap();
    assert_eq!(s.activities.works.count, 3);
    assert_eq!(s.activities.by_program[0].works, 3);
    let categories: Vec<(&str, u64)> = s
        .activities
        .works
        .by_category
        .iter()
        .map(|c| (c.category.as_str(), c.works))
        .collect();
    assert_eq!(categories, [("廉洁家书故事", 2), ("廉洁家规家训", 1)]);
    assert_eq!(s.publicity.items, 3);
    let col = &s.publicity.by_column[0];
    // 省: 抗疫一 = 1; 市: 抗疫一, 抗疫二 = 2 (the 2019 item is outside the period).
    let levels: Vec<(&str, u64)> = col
        .reposted_by_level
        .iter()
        .map(|l| (l.level.as_str(), l.items))
        .collect();
    assert_eq!((col.items, levels), (3, vec![("省", 1), ("市", 2)]));
}

#[tokio::test]
async fn officers_trained_counts_distinct_chairs_in_office_at_the_training() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let chair = id_number(date(1975, 5, 5), 8);
    let member = id_number(date(1976, 6, 6), 10);
    let guest = id_number(date(1977, 7, 7), 12);
    import_ok(
        &t,
        &operator(),
        vec![
            sheet(
                "干部",
                &[
                    "姓名",
                    "身份证号",
                    "组织编码",
                    "职务",
                    "任职开始",
                    "任职结束",
                ],
                &[
                    &[
                        "主席甲",
                        &chair,
                        MAOPING_VILLAGE,
                        "主席",
                        "2018-01-01",
                        "2022-12-31",
                    ],
                    &["执委乙", &member, MAOPING_VILLAGE, "执委", "2018-01-01", ""],
                ],
            ),
            sheet(
                "活动",
                ACT_H,
                &[
                    &[
                        "PX-1",
                        "主席培训班",
                        "",
                        "培训",
                        MAOPING,
                        "2020-09-21",
                        "2020-09-23",
                        "",
                        "",
                        "",
                        "",
                    ],
                    &[
                        "HY-1",
                        "工作会议",
                        "",
                        "会议",
                        MAOPING,
                        "2020-06-05",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ],
            ),
            sheet(
                "参与人员",
                ROSTER_H,
                &[
                    &["PX-1", "主席甲", &chair, "银杏沱村妇联"],
                    &["PX-1", "执委乙", &member, "银杏沱村妇联"],
                    &["PX-1", "来宾", &guest, "县妇联"],
                    &["HY-1", "主席甲", &chair, "银杏沱村妇联"],
                ],
            ),
        ],
    )
    .await;
    let s = stats(&t.db.conn, &operator(), MAOPING, year(2020))
        .await
        .unwrap();
    assert_eq!(
        (
            s.activities.officers_trained.officers,
            s.activities.officers_trained.chairs
        ),
        (2, 1)
    );
}

#[tokio::test]
async fn a_township_chair_cannot_read_another_townships_statistics() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "mp", Role::TownshipChair, MAOPING).await;
    let ctx = testing::ctx_of(&t.db, "mp").await;
    assert!(matches!(
        stats(&t.db.conn, &ctx, GUIZHOU, year(2020)).await,
        Err(db::DbError::NotFound)
    ));
    assert!(stats(&t.db.conn, &ctx, MAOPING, year(2020)).await.is_ok());
}

/// The statistics read each activity's roster summed up (`roster_summary`),
/// which every way of changing a roster keeps: a ledger import, a line added
/// by hand, a unit corrected by hand, and a second import that both adds
/// lines and corrects a unit.
#[tokio::test]
async fn a_roster_changed_by_hand_and_by_a_second_import_is_counted_as_it_stands() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let a = id_number(date(1980, 1, 1), 2);
    let b = id_number(date(1981, 2, 2), 4);
    let c = id_number(date(1982, 3, 3), 6);
    let d = id_number(date(1983, 4, 4), 8);
    // No head count: the figures are the roster's alone.
    let act_row: &[&str] = &[
        "JT-1",
        "家庭教育讲座",
        "",
        "讲座",
        MAOPING,
        "2020-03-01",
        "",
        "",
        "",
        "",
        "",
    ];
    import_ok(
        &t,
        &operator(),
        vec![
            sheet("活动", ACT_H, &[act_row]),
            sheet(
                "参与人员",
                ROSTER_H,
                &[&["JT-1", "甲", &a, "县财政局"], &["JT-1", "乙", &b, ""]],
            ),
        ],
    )
    .await;
    let figures = async || {
        let s = stats(&t.db.conn, &operator(), MAOPING, year(2020))
            .await
            .expect("stats");
        (s.activities.participants, s.activities.units)
    };
    // 甲, 乙; one unit.
    assert_eq!(figures().await, (2, 1));

    let id = db::entity::activity::Entity::find()
        .all(&t.db.conn)
        .await
        .unwrap()[0]
        .id;
    // Returns whether a new line was added (false: her unit was updated).
    let by_hand = async |name: &str, id_number: &str, unit: &str| {
        let input = domain::activity::records::AttendeeDraft {
            name: name.into(),
            id_number: id_number.into(),
            unit: unit.into(),
            ..Default::default()
        }
        .validate(db::time::today_beijing())
        .unwrap();
        t.db.write(async |tx| {
            db::activity::attendance::add(tx, &t.db, &operator(), id, &input).await
        })
        .await
        .unwrap()
    };
    assert!(by_hand("丙", &c, "县教育局").await);
    assert_eq!(figures().await, (3, 2));
    // 乙's unit filled in by hand: a third unit, still three people.
    let added = by_hand("乙", &b, "县妇联").await;
    assert!(!added);
    assert_eq!(figures().await, (3, 3));

    // The ledger again: 甲's unit corrected to one already there, and 丁 new.
    import_ok(
        &t,
        &operator(),
        vec![
            sheet("活动", ACT_H, &[act_row]),
            sheet(
                "参与人员",
                ROSTER_H,
                &[
                    &["JT-1", "甲", &a, "县教育局"],
                    &["JT-1", "丁", &d, "县 妇联"],
                ],
            ),
        ],
    )
    .await;
    // 甲 乙 丙 丁; units 县教育局 (甲, 丙), 县妇联 (乙, 丁): 县财政局 is gone.
    assert_eq!(figures().await, (4, 2));
}
