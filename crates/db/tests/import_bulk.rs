//! The large sheets (人员, 活动, 参与人员) are written in multi-row statements:
//! the outcomes, row errors and audit rows must be those of writing row by row.

mod common;

use common::{PERSON_HEADERS, audit_rows, date, id_number, sheet, workbook};
use db::{
    Ctx, Db,
    entity::{activity, attendance, audit_log, person, publicity_item, repost},
    import::{ImportOutcome, import_workbook},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{self, GUIZHOU, MAOPING, MAOPING_VILLAGE, TestDb},
};
use domain::access::Role;
use ledger::Sheet;

const ACTIVITY_HEADERS: &[&str] = &[
    "活动编号",
    "活动名称",
    "品牌项目",
    "活动类型",
    "主办组织编码",
    "开始日期",
    "参与人数",
    "发放材料",
];
const ROSTER_HEADERS: &[&str] = &["活动编号", "姓名", "身份证号", "单位"];

async fn county_db() -> TestDb {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    t
}

async fn import(db: &Db, ctx: &Ctx, sheets: Vec<Sheet>) -> ImportOutcome {
    import_workbook(db, ctx, &workbook(sheets), false)
        .await
        .expect("import runs")
}

fn activities() -> Sheet {
    sheet(
        "活动",
        ACTIVITY_HEADERS,
        &[
            &[
                "YX-01",
                "母亲讲堂进村",
                "母亲讲堂",
                "宣讲",
                MAOPING_VILLAGE,
                "2020-05-06",
                "",
                "倡议书:40",
            ],
            &[
                "YX-02",
                "巾帼微学堂",
                "巾帼微学堂",
                "培训",
                MAOPING_VILLAGE,
                "2020-06-06",
                "",
                "",
            ],
        ],
    )
}

fn tally(out: &ImportOutcome, sheet: &str) -> (u64, u64) {
    let c = out
        .counts
        .iter()
        .find(|c| c.sheet == sheet)
        .unwrap_or_else(|| panic!("{sheet} imported"));
    (c.created, c.updated)
}

async fn roster_of(db: &Db, code: &str) -> Vec<attendance::Model> {
    let a = activity::Entity::find()
        .filter(activity::Column::Code.eq(code))
        .one(&db.conn)
        .await
        .unwrap()
        .expect("activity imported");
    attendance::Entity::find()
        .filter(attendance::Column::ActivityId.eq(a.id))
        .all(&db.conn)
        .await
        .unwrap()
}

async fn count_actions(db: &Db, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&db.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn rosters_link_the_same_person_across_activities_and_audit_each_addition() {
    let t = county_db().await;
    let (a, b) = (
        id_number(date(1980, 1, 2), 2),
        id_number(date(1981, 3, 4), 4),
    );
    let out = import(
        &t.db,
        &testing::operator(),
        vec![
            activities(),
            sheet(
                "参与人员",
                ROSTER_HEADERS,
                &[
                    &["YX-01", "王芳", &a, "银杏沱村"],
                    &["YX-01", "李娟", &b, ""],
                    &["YX-02", "王芳", &a, "银杏沱村"],
                ],
            ),
        ],
    )
    .await;
    assert!(out.committed, "{:?}", out.report);
    assert_eq!(tally(&out, "活动"), (2, 0));
    assert_eq!(tally(&out, "参与人员"), (3, 0));
    // 王芳 is one roster key in both activities (her 身份证号's blind index).
    let keys: std::collections::HashSet<String> = attendance::Entity::find()
        .all(&t.db.conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.name == "王芳")
        .map(|r| r.person_key)
        .collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(roster_of(&t.db, "YX-01").await.len(), 2);
    assert_eq!(roster_of(&t.db, "YX-02").await.len(), 1);
    // One audit row per activity whose roster grew, naming each new line.
    assert_eq!(count_actions(&t.db, "add_attendee").await, 2);
    // Every new activity has its own create row, and its materials.
    let created = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("create"))
        .filter(audit_log::Column::Entity.eq("activity"))
        .count(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(created, 2);
    let materials = db::entity::activity_material::Entity::find()
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(materials.len(), 1);
    assert_eq!(
        (materials[0].name.as_str(), materials[0].quantity),
        ("倡议书", 40)
    );
    let yx1 = roster_of(&t.db, "YX-01").await;
    let audited = audit_rows(
        &t.db,
        "add_attendee",
        "activity",
        &yx1[0].activity_id.to_string(),
    )
    .await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].summary, "「母亲讲堂进村」登记参与人员2人");
    let after: serde_json::Value =
        serde_json::from_str(audited[0].after_json.as_deref().unwrap()).unwrap();
    let mut ids: Vec<i64> = after["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["attendance_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    let mut on_roster: Vec<i64> = yx1.iter().map(|r| r.id).collect();
    on_roster.sort_unstable();
    assert_eq!(ids, on_roster);
}

#[tokio::test]
async fn reimporting_a_roster_with_a_changed_unit_updates_that_row_and_audits_it() {
    let t = county_db().await;
    let a = id_number(date(1980, 1, 2), 2);
    let roster = |unit: &str| sheet("参与人员", ROSTER_HEADERS, &[&["YX-01", "王芳", &a, unit]]);
    let op = testing::operator();
    assert!(
        import(&t.db, &op, vec![activities(), roster("银杏沱村")])
            .await
            .committed
    );
    let again = import(&t.db, &op, vec![activities(), roster("茅坪镇政府")]).await;
    assert!(again.committed, "{:?}", again.report);
    assert_eq!(tally(&again, "活动"), (0, 2));
    assert_eq!(tally(&again, "参与人员"), (0, 1));
    let rows = roster_of(&t.db, "YX-01").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].unit.as_deref(), Some("茅坪镇政府"));
    assert_eq!(count_actions(&t.db, "update_attendee").await, 1);
    assert_eq!(count_actions(&t.db, "add_attendee").await, 1);
}

#[tokio::test]
async fn the_people_sheet_updates_someone_on_file_and_registers_the_rest() {
    let t = county_db().await;
    let id = id_number(date(1975, 5, 5), 6);
    let wang = testing::person(&t.db, "王芳", &id, MAOPING_VILLAGE).await;
    let out = import(
        &t.db,
        &testing::operator(),
        vec![sheet(
            "人员",
            PERSON_HEADERS,
            &[
                &[
                    "李娟",
                    &id_number(date(1988, 8, 8), 8),
                    "13800000000",
                    MAOPING,
                    "低保",
                ],
                &["王芳芳", &id, "", MAOPING_VILLAGE, "绣娘"],
                &[
                    "赵敏",
                    &id_number(date(1990, 9, 9), 12),
                    "",
                    MAOPING_VILLAGE,
                    "绣娘；低保",
                ],
            ],
        )],
    )
    .await;
    assert!(out.committed, "{:?}", out.report);
    assert_eq!(tally(&out, "人员"), (2, 1));
    let people = person::Entity::find().all(&t.db.conn).await.unwrap();
    assert_eq!(people.len(), 3);
    assert_eq!(people.iter().find(|p| p.id == wang).unwrap().name, "王芳芳");
    assert_eq!(
        audit_rows(&t.db, "update", "person", &wang.to_string())
            .await
            .len(),
        1
    );
    for p in people.iter().filter(|p| p.id != wang) {
        let created = audit_rows(&t.db, "create", "person", &p.id.to_string()).await;
        assert_eq!(created.len(), 1, "{}", p.name);
        // Audit rows never hold the plaintext 身份证号.
        assert!(
            !created[0]
                .after_json
                .as_deref()
                .unwrap_or("")
                .contains("19880808")
        );
    }
    let tags_of = |name: &'static str| {
        let id = people.iter().find(|p| p.name == name).unwrap().id;
        let conn = t.db.conn.clone();
        async move {
            let mut tags: Vec<String> = db::entity::person_tag::Entity::find()
                .filter(db::entity::person_tag::Column::PersonId.eq(id))
                .all(&conn)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.tag)
                .collect();
            tags.sort();
            tags
        }
    };
    assert_eq!(tags_of("李娟").await, ["低保"]);
    assert_eq!(tags_of("王芳芳").await, ["绣娘"]);
    assert_eq!(tags_of("赵敏").await.len(), 2);
}

#[tokio::test]
async fn a_township_chair_importing_someone_registered_in_another_township_gets_a_row_error() {
    let t = county_db().await;
    let id = id_number(date(1970, 7, 7), 10);
    testing::person(&t.db, "王芳", &id, GUIZHOU).await;
    testing::user(&t.db, "maoping", Role::TownshipChair, MAOPING).await;
    let chair = testing::ctx_of(&t.db, "maoping").await;
    let out = import(
        &t.db,
        &chair,
        vec![sheet(
            "人员",
            PERSON_HEADERS,
            &[
                &["李娟", &id_number(date(1988, 8, 8), 8), "", MAOPING, ""],
                &["王芳", &id, "", MAOPING, ""],
                &[
                    "赵敏",
                    &id_number(date(1990, 9, 9), 12),
                    "",
                    testing::GUIZHOU_VILLAGE,
                    "",
                ],
            ],
        )],
    )
    .await;
    assert!(!out.committed);
    let errors: Vec<(usize, Option<String>, String)> = out
        .report
        .errors
        .iter()
        .map(|i| (i.row, i.column.clone(), i.message.clone()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, 3);
    assert!(errors[0].2.contains("已在其他组织登记"), "{errors:?}");
    assert_eq!(errors[1].0, 4);
    assert_eq!(errors[1].1.as_deref(), Some("所属组织编码"));
    // Nothing written: only the fixture person exists.
    assert_eq!(person::Entity::find().count(&t.db.conn).await.unwrap(), 1);
}

#[tokio::test]
async fn a_roster_line_naming_an_unknown_activity_fails_the_file_and_writes_no_roster() {
    let t = county_db().await;
    let a = id_number(date(1980, 1, 2), 2);
    let out = import(
        &t.db,
        &testing::operator(),
        vec![
            activities(),
            sheet(
                "参与人员",
                ROSTER_HEADERS,
                &[
                    &["YX-01", "王芳", &a, ""],
                    &["YX-99", "李娟", &id_number(date(1981, 3, 4), 4), ""],
                    &["YX-02", "", &a, ""],
                ],
            ),
        ],
    )
    .await;
    assert!(!out.committed);
    let mut errors: Vec<(usize, Option<&str>)> = out
        .report
        .errors
        .iter()
        .map(|i| (i.row, i.column.as_deref()))
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        [(3, Some("活动编号")), (4, Some("姓名"))],
        "{:?}",
        out.report
    );
    assert_eq!(
        attendance::Entity::find().count(&t.db.conn).await.unwrap(),
        0
    );
    assert_eq!(activity::Entity::find().count(&t.db.conn).await.unwrap(), 0);
}

#[tokio::test]
async fn works_go_only_under_a_collection_and_a_changed_category_is_one_audited_update() {
    let t = county_db().await;
    let op = testing::operator();
    let collection = sheet(
        "活动",
        ACTIVITY_HEADERS,
        &[
            &[
                "ZJ-01",
                "廉洁家风作品征集",
                "家庭助廉",
                "征集",
                MAOPING_VILLAGE,
                "2020-07-01",
                "",
                "",
            ],
            &[
                "YX-01",
                "母亲讲堂进村",
                "母亲讲堂",
                "宣讲",
                MAOPING_VILLAGE,
                "2020-05-06",
                "",
                "",
            ],
        ],
    );
    let works = |category: &str| {
        sheet(
            "作品",
            &["活动编号", "作品名称", "作者", "作品类别", "所属组织编码"],
            &[
                &["ZJ-01", "家训十则", "王芳", category, MAOPING_VILLAGE],
                &["ZJ-01", "清风家书", "李娟", "", ""],
            ],
        )
    };
    let first = import(&t.db, &op, vec![collection.clone(), works("廉洁家规家训")]).await;
    assert!(first.committed, "{:?}", first.report);
    assert_eq!(tally(&first, "作品"), (2, 0));
    let created = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("create"))
        .filter(audit_log::Column::Entity.eq("work"))
        .count(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(created, 2);

    let same = import(&t.db, &op, vec![collection.clone(), works("廉洁家规家训")]).await;
    assert_eq!(tally(&same, "作品"), (0, 2));
    let changed = import(&t.db, &op, vec![collection.clone(), works("廉洁家书故事")]).await;
    assert!(changed.committed, "{:?}", changed.report);
    let updates = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("update"))
        .filter(audit_log::Column::Entity.eq("work"))
        .count(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(updates, 1);

    let wrong = import(
        &t.db,
        &op,
        vec![
            collection,
            sheet(
                "作品",
                &["活动编号", "作品名称", "作者"],
                &[&["YX-01", "家训十则", "王芳"]],
            ),
        ],
    )
    .await;
    assert!(!wrong.committed);
    let e = &wrong.report.errors[0];
    assert_eq!((e.row, e.column.as_deref()), (2, Some("活动编号")));
    assert!(e.message.contains("征集"), "{}", e.message);
}

#[tokio::test]
async fn publicity_items_are_registered_with_their_reposts_and_reimported_ones_are_audited_updates()
{
    let t = county_db().await;
    let op = testing::operator();
    const H: &[&str] = &[
        "标题",
        "发布平台",
        "发布日期",
        "发布组织编码",
        "栏目",
        "转载方",
        "活动编号",
    ];
    let items = |column: &str, activity: &str| {
        sheet(
            "宣传",
            H,
            &[
                &[
                    "抗疫一",
                    "屈乡巾帼公众号",
                    "2020-02-01",
                    MAOPING,
                    column,
                    "湖北省妇联公众号:省;宜昌市妇联公众号:市",
                    activity,
                ],
                &["抗疫一", "中国妇女报", "2020-02-02", MAOPING, "", "", ""],
            ],
        )
    };
    let first = import(
        &t.db,
        &op,
        vec![activities(), items("巾帼抗疫故事", "YX-01")],
    )
    .await;
    assert!(first.committed, "{:?}", first.report);
    assert_eq!(tally(&first, "宣传"), (2, 0));
    let rows = publicity_item::Entity::find()
        .filter(publicity_item::Column::Title.eq("抗疫一"))
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let paper = rows.iter().find(|r| r.channel == "中国妇女报").unwrap();
    assert_eq!(paper.published_on, date(2020, 2, 2));
    let own = rows.iter().find(|r| r.channel == "屈乡巾帼公众号").unwrap();
    assert_eq!(own.column_name.as_deref(), Some("巾帼抗疫故事"));
    let yx = activity::Entity::find()
        .filter(activity::Column::Code.eq("YX-01"))
        .one(&t.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(own.activity_id, Some(yx.id));
    let mut reposts: Vec<(String, String)> = repost::Entity::find()
        .filter(repost::Column::ItemId.eq(own.id))
        .all(&t.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.by_name, r.level))
        .collect();
    reposts.sort();
    assert_eq!(
        reposts,
        vec![
            ("宜昌市妇联公众号".to_string(), "city".to_string()),
            ("湖北省妇联公众号".to_string(), "province".to_string()),
        ]
    );
    assert_eq!(audits(&t.db, "publicity_item", "create").await, 2);
    assert_eq!(audits(&t.db, "publicity_item", "update").await, 0);

    // Again with a changed column: updates, audited one by one.
    let again = import(&t.db, &op, vec![activities(), items("巾帼故事", "YX-01")]).await;
    assert!(again.committed, "{:?}", again.report);
    assert_eq!(tally(&again, "宣传"), (0, 2));
    assert_eq!(audits(&t.db, "publicity_item", "create").await, 2);
    assert_eq!(audits(&t.db, "publicity_item", "update").await, 2);

    // An unknown 活动编号 fails the file, naming its row and column.
    let wrong = import(&t.db, &op, vec![items("巾帼故事", "NO-SUCH")]).await;
    assert!(!wrong.committed);
    let e = &wrong.report.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("宣传", 2, Some("活动编号"))
    );
    assert!(e.message.contains("NO-SUCH"), "{}", e.message);
}

async fn audits(db: &Db, entity: &str, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::Action.eq(action))
        .count(&db.conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn officers_of_people_on_file_are_registered_and_audited_and_a_bad_term_is_a_row_error() {
    let t = county_db().await;
    let op = testing::operator();
    let a = id_number(date(1980, 1, 1), 2);
    let b = id_number(date(1981, 2, 2), 4);
    testing::person(&t.db, "周雪梅", &a, MAOPING_VILLAGE).await;
    testing::person(&t.db, "王芳", &b, MAOPING_VILLAGE).await;
    let officers = |end: &str| {
        sheet(
            "干部",
            common::OFFICER_HEADERS,
            &[
                &[
                    "周雪梅",
                    &a,
                    MAOPING_VILLAGE,
                    "主席",
                    "兼职",
                    "2018-09-28",
                    "",
                ],
                &["王芳", &b, MAOPING_VILLAGE, "执委", "", "2018-09-28", end],
                &["周雪梅", &a, MAOPING, "执委", "", "2019-01-01", ""],
            ],
        )
    };
    let first = import(&t.db, &op, vec![officers("")]).await;
    assert!(first.committed, "{:?}", first.report);
    assert_eq!(tally(&first, "干部"), (3, 0));
    assert_eq!(audits(&t.db, "officer", "create").await, 3);
    let texts: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("officer"))
        .all(&t.db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.summary)
        .collect();
    assert!(
        texts.contains(&"登记「银杏沱村妇联」主席".to_string()),
        "{texts:?}"
    );

    let again = import(&t.db, &op, vec![officers("")]).await;
    assert_eq!(tally(&again, "干部"), (0, 3));
    assert_eq!(audits(&t.db, "officer", "create").await, 3);

    // An end before the start: that row alone is refused, naming its column.
    let wrong = import(&t.db, &op, vec![officers("2017-01-01")]).await;
    assert!(!wrong.committed);
    assert_eq!(wrong.report.errors.len(), 1, "{:?}", wrong.report.errors);
    let e = &wrong.report.errors[0];
    assert_eq!((e.row, e.column.as_deref()), (3, Some("任职结束")));
}

fn programme_row<'a>(code: &'a str, programme: &'a str, org: &'a str) -> [&'a str; 8] {
    [code, "活动", programme, "宣讲", org, "2020-05-06", "", ""]
}

#[tokio::test]
async fn activities_in_bulk_take_the_nearest_programme_of_their_name_and_create_a_missing_one_once()
{
    let t = county_db().await;
    let op = testing::operator();
    use db::activity::programme;
    use domain::activity::ActivityKind;
    let county =
        t.db.write(async |tx| {
            programme::create(
                tx,
                &op,
                testing::COUNTY,
                "母亲讲堂",
                None,
                &[ActivityKind::Lecture],
            )
            .await
        })
        .await
        .unwrap();
    let township =
        t.db.write(async |tx| {
            programme::create(tx, &op, MAOPING, "母亲讲堂", None, &[ActivityKind::Lecture]).await
        })
        .await
        .unwrap();
    let rows = [
        programme_row("P-01", "母亲讲堂", MAOPING_VILLAGE),
        programme_row("P-02", "母亲讲堂", GUIZHOU),
        programme_row("P-03", "新时代女性课堂", MAOPING_VILLAGE),
        programme_row("P-04", "新时代女性课堂", MAOPING_VILLAGE),
    ];
    let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
    let out = import(&t.db, &op, vec![sheet("活动", ACTIVITY_HEADERS, &rows)]).await;
    assert!(out.committed, "{:?}", out.report);
    let programme_of = |code: &'static str| {
        let db = &t.db;
        async move {
            activity::Entity::find()
                .filter(activity::Column::Code.eq(code))
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap()
                .programme_id
                .unwrap()
        }
    };
    // 茅坪's village takes 茅坪's own 母亲讲堂, not the county's; 归州 the county's.
    assert_eq!(programme_of("P-01").await, township.id);
    assert_eq!(programme_of("P-02").await, county.id);
    // A name nobody holds is created once, owned by the village, and audited.
    let new_one = programme_of("P-03").await;
    assert_eq!(programme_of("P-04").await, new_one);
    let made = programme::Entity::find_by_id(new_one)
        .one(&t.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(made.name, "新时代女性课堂");
    assert_eq!(
        audit_rows(&t.db, "create", "programme", &new_one.to_string())
            .await
            .len(),
        1
    );

    let long = "长".repeat(61);
    let bad = [programme_row("P-05", &long, MAOPING_VILLAGE)];
    let bad: Vec<&[&str]> = bad.iter().map(|r| &r[..]).collect();
    let out = import(&t.db, &op, vec![sheet("活动", ACTIVITY_HEADERS, &bad)]).await;
    assert!(!out.committed);
    let issue = out.report.errors.first().expect("a row error");
    assert_eq!((issue.row, issue.column.as_deref()), (2, Some("品牌项目")));
    assert!(issue.message.contains("1-60"), "{}", issue.message);
}

const VENUE_HEADERS: &[&str] = &["阵地名称", "阵地类型", "所属组织编码"];

#[tokio::test]
async fn orgs_and_venues_in_bulk_get_the_paths_history_and_audit_of_one_by_one_creation() {
    use db::entity::{org_tree_history, venue};
    let t = county_db().await;
    let (new_township, new_village) = ("420527103000", "420527103201");
    let out = import(
        &t.db,
        &testing::operator(),
        vec![
            sheet(
                "组织",
                common::ORG_HEADERS,
                &[
                    // The child comes first: it waits for its parent, made in this file.
                    &[new_village, "周坪村妇联", "村妇联", new_township, "", ""],
                    &[
                        new_township,
                        "水田坝乡妇联",
                        "乡镇妇联",
                        testing::COUNTY,
                        "",
                        "",
                    ],
                    &[
                        MAOPING_VILLAGE,
                        "银杏沱村妇女联合会",
                        "村妇联",
                        MAOPING,
                        "",
                        "",
                    ],
                ],
            ),
            sheet(
                "阵地",
                VENUE_HEADERS,
                &[
                    &["妇女之家", "妇女之家", new_village],
                    &["妇女之家", "妇女之家", MAOPING_VILLAGE],
                    &["儿童之家", "儿童之家", MAOPING_VILLAGE],
                ],
            ),
        ],
    )
    .await;
    assert!(out.committed, "{:?}", out.report);
    assert_eq!(tally(&out, "组织"), (2, 1));
    assert_eq!(tally(&out, "阵地"), (3, 0));
    let county = common::org_row(&t.db, testing::COUNTY).await;
    let township = common::org_row(&t.db, new_township).await;
    let village = common::org_row(&t.db, new_village).await;
    assert_eq!(
        (village.parent_id, village.depth),
        (Some(township.id), county.depth + 2)
    );
    assert_eq!(
        village.path,
        format!("/{}/{}/{}/", county.id, township.id, village.id)
    );
    assert_eq!(
        common::org_row(&t.db, MAOPING_VILLAGE).await.name,
        "银杏沱村妇女联合会"
    );
    // Each new org has its placement "forever before", with its path.
    for o in [&township, &village] {
        let hist = org_tree_history::Entity::find()
            .filter(org_tree_history::Column::OrgId.eq(o.id))
            .all(&t.db.conn)
            .await
            .unwrap();
        assert_eq!(hist.len(), 1);
        assert_eq!(
            (&hist[0].path, hist[0].parent_id, hist[0].valid_to),
            (&o.path, o.parent_id, None)
        );
        assert_eq!(hist[0].valid_from, db::org::epoch());
    }
    // An audit row per org created, holding the stored row (path included).
    let created: Vec<audit_log::Model> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("org"))
        .filter(audit_log::Column::EntityId.eq(new_village))
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].summary, "新建组织「周坪村妇联」");
    assert_eq!(created[0].org_id, Some(village.id));
    let after: serde_json::Value =
        serde_json::from_str(created[0].after_json.as_deref().unwrap()).unwrap();
    assert_eq!(after["path"], village.path.as_str());
    assert_eq!(audits(&t.db, "org", "update").await, 1);
    assert_eq!(audits(&t.db, "venue", "create").await, 3);
    let homes = venue::Entity::find()
        .filter(venue::Column::OrgId.eq(village.id))
        .all(&t.db.conn)
        .await
        .unwrap();
    assert_eq!(
        homes
            .iter()
            .map(|v| (v.name.as_str(), v.kind.as_str()))
            .collect::<Vec<_>>(),
        [("妇女之家", "womens_home")]
    );

    // Again: nothing new, the venues on file are updates.
    let again = import(
        &t.db,
        &testing::operator(),
        vec![sheet(
            "阵地",
            VENUE_HEADERS,
            &[&["妇女之家", "妇女之家", new_village]],
        )],
    )
    .await;
    assert_eq!(tally(&again, "阵地"), (0, 1));
    assert_eq!(audits(&t.db, "venue", "create").await, 3);
}

#[tokio::test]
async fn a_township_chair_gets_row_errors_for_orgs_and_venues_outside_her_township() {
    let t = county_db().await;
    testing::user(&t.db, "maoping", Role::TownshipChair, MAOPING).await;
    let chair = testing::ctx_of(&t.db, "maoping").await;
    let out = import(
        &t.db,
        &chair,
        vec![
            sheet(
                "组织",
                common::ORG_HEADERS,
                &[
                    &["420527101203", "新村妇联", "村妇联", MAOPING, "", ""],
                    &["420527102203", "外村妇联", "村妇联", GUIZHOU, "", ""],
                ],
            ),
            sheet(
                "阵地",
                VENUE_HEADERS,
                &[
                    &["妇女之家", "妇女之家", "420527101203"],
                    &["妇女之家", "妇女之家", testing::GUIZHOU_VILLAGE],
                ],
            ),
        ],
    )
    .await;
    assert!(!out.committed);
    let errors: Vec<(&str, usize, String)> = out
        .report
        .errors
        .iter()
        .map(|i| (i.sheet.as_str(), i.row, i.message.clone()))
        .collect();
    assert_eq!(
        errors,
        [
            // Orgs she cannot see are named as unknown, as on the one-row path.
            ("组织", 3, "上级组织编码「420527102000」不存在".to_string()),
            (
                "阵地",
                3,
                "组织编码「420527102201」不存在或无权录入".to_string()
            ),
        ]
    );
    // Rolled back: the township's own new village is not on file either.
    assert!(
        db::org::find_by_code(&t.db.conn, "420527101203")
            .await
            .unwrap()
            .is_none()
    );
}
