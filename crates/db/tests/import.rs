//! Ledger import: all-or-nothing, parents before children whatever the row
//! order, idempotent re-import, dry runs, and the real demo ledger.

mod common;

use std::{path::Path, time::Instant};

use chrono::Datelike;
use common::{
    OFFICER_HEADERS, ORG_HEADERS, PERSON_HEADERS, date, id_number, sheet, with_wrong_check,
    workbook,
};
use db::{
    Db,
    entity::{audit_log, officer, org, person, survey, venue},
    import::{ImportOutcome, import_workbook},
    org::OrgQuery,
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{self, TestDb},
};
use ledger::Workbook;

struct Counts {
    orgs: u64,
    people: u64,
    officers: u64,
    audit: u64,
}

async fn counts(db: &Db) -> Counts {
    Counts {
        orgs: org::Entity::find().count(&db.conn).await.unwrap(),
        people: person::Entity::find().count(&db.conn).await.unwrap(),
        officers: officer::Entity::find().count(&db.conn).await.unwrap(),
        audit: audit_log::Entity::find().count(&db.conn).await.unwrap(),
    }
}

/// (sheet, created, updated) per imported sheet.
fn tallies(out: &ImportOutcome) -> Vec<(String, u64, u64)> {
    out.counts
        .iter()
        .map(|c| (c.sheet.clone(), c.created, c.updated))
        .collect()
}

fn tally(sheet: &str, created: u64, updated: u64) -> (String, u64, u64) {
    (sheet.to_string(), created, updated)
}

/// A small county ledger. The 组织 sheet lists children before their parents;
/// `wang_fang_id` is 人员 row 3's 身份证号.
fn ledger(wang_fang_id: &str) -> Workbook {
    let zhou = id_number(date(1990, 1, 1), 2);
    let li = id_number(date(1978, 9, 9), 8);
    let tan = id_number(date(1983, 4, 12), 24);
    workbook(vec![
        sheet(
            "组织",
            ORG_HEADERS,
            &[
                &[
                    "420527101201",
                    "银杏沱村妇联",
                    "村妇联",
                    "420527101000",
                    "",
                    "",
                ],
                &[
                    "MGXY-001",
                    "湖北慢工绣艺有限公司妇女委员会",
                    "新领域妇联",
                    "420527101000",
                    "2020-05-20",
                    "非公企业",
                ],
                &[
                    "420527101000",
                    "茅坪镇妇联",
                    "乡镇妇联",
                    "420527000000",
                    "2020-07-08",
                    "",
                ],
                &["420527000000", "秭归县妇联", "县妇联", "", "", ""],
            ],
        ),
        sheet(
            "人员",
            PERSON_HEADERS,
            &[
                &["周雪梅", &zhou, "13812345678", "420527101201", "绣娘"],
                &["王芳", wang_fang_id, "", "420527101201", ""],
                &["李娟", &li, "", "420527101000", "低保、留守妇女"],
            ],
        ),
        sheet(
            "干部",
            OFFICER_HEADERS,
            &[
                &[
                    "周雪梅",
                    &zhou,
                    "420527101201",
                    "主席",
                    "兼职",
                    "2018-09-28",
                    "",
                ],
                // Not in 人员: the officer row registers her.
                &[
                    "谭静",
                    &tan,
                    "420527101000",
                    "副主席",
                    "专职",
                    "2018-09-28",
                    "",
                ],
            ],
        ),
    ])
}

fn good_wang_fang() -> String {
    id_number(date(1985, 12, 3), 4)
}

#[tokio::test]
async fn one_bad_row_rolls_back_the_whole_workbook() {
    let t = TestDb::new().await;
    let db = &t.db;
    let bad = with_wrong_check(&good_wang_fang());

    let out = import_workbook(db, &testing::operator(), &ledger(&bad), false)
        .await
        .expect("import runs");

    assert!(!out.committed);
    assert_eq!(out.report.errors.len(), 1, "{:?}", out.report.errors);
    let e = &out.report.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("人员", 3, Some("身份证号"))
    );
    assert_eq!(e.message, "身份证号校验位错误");
    let c = counts(db).await;
    assert_eq!((c.orgs, c.people, c.officers, c.audit), (0, 0, 0, 0));
}

#[tokio::test]
async fn a_fixed_workbook_commits_parents_before_children() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    let bad = import_workbook(
        db,
        &op,
        &ledger(&with_wrong_check(&good_wang_fang())),
        false,
    )
    .await
    .unwrap();
    assert!(!bad.committed);

    let out = import_workbook(db, &op, &ledger(&good_wang_fang()), false)
        .await
        .expect("import runs");

    assert!(out.committed, "{:?}", out.report.errors);
    assert!(out.report.errors.is_empty());
    assert_eq!(
        tallies(&out),
        [
            tally("组织", 4, 0),
            tally("人员", 3, 0),
            tally("干部", 2, 0)
        ]
    );
    let c = counts(db).await;
    assert_eq!((c.orgs, c.people, c.officers), (4, 4, 2));
    let county = common::org_row(db, "420527000000").await;
    let township = common::org_row(db, "420527101000").await;
    let village = common::org_row(db, "420527101201").await;
    let unit = common::org_row(db, "MGXY-001").await;
    assert_eq!(township.parent_id, Some(county.id));
    assert_eq!(
        village.path,
        format!("/{}/{}/{}/", county.id, township.id, village.id)
    );
    assert_eq!(
        (unit.parent_id, unit.founded_on),
        (Some(township.id), Some(date(2020, 5, 20)))
    );
    assert_eq!(unit.new_field_type.as_deref(), Some("private_enterprise"));
    let tan = person::Entity::find()
        .filter(person::Column::Name.eq("谭静"))
        .one(&db.conn)
        .await
        .unwrap();
    assert_eq!(tan.map(|p| p.org_id), Some(township.id));
    let imports = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("import"))
        .count(&db.conn)
        .await;
    assert_eq!(imports.unwrap(), 1);
}

#[tokio::test]
async fn importing_the_same_workbook_again_creates_no_duplicates() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    let wb = ledger(&good_wang_fang());
    assert!(
        import_workbook(db, &op, &wb, false)
            .await
            .unwrap()
            .committed
    );
    let first = counts(db).await;

    let again = import_workbook(db, &op, &wb, false)
        .await
        .expect("import runs");

    assert!(again.committed, "{:?}", again.report.errors);
    assert_eq!(
        tallies(&again),
        [
            tally("组织", 0, 4),
            tally("人员", 0, 3),
            tally("干部", 0, 2)
        ]
    );
    let c = counts(db).await;
    assert_eq!(
        (c.orgs, c.people, c.officers),
        (first.orgs, first.people, first.officers)
    );
    // Nothing changed, so the only new audit row is the import itself.
    let updates = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("update"))
        .all(&db.conn)
        .await;
    let updates: Vec<String> = updates.unwrap().into_iter().map(|a| a.summary).collect();
    assert!(updates.is_empty(), "{updates:?}");
    assert_eq!(c.audit, first.audit + 1);
}

#[tokio::test]
async fn a_dry_run_reports_what_it_would_do_and_writes_nothing() {
    let t = TestDb::new().await;
    let db = &t.db;

    let out = import_workbook(db, &testing::operator(), &ledger(&good_wang_fang()), true)
        .await
        .expect("runs");

    assert!(out.dry_run);
    assert!(!out.committed);
    assert!(out.report.errors.is_empty(), "{:?}", out.report.errors);
    assert_eq!(
        tallies(&out),
        [
            tally("组织", 4, 0),
            tally("人员", 3, 0),
            tally("干部", 2, 0)
        ]
    );
    let c = counts(db).await;
    assert_eq!((c.orgs, c.people, c.officers, c.audit), (0, 0, 0, 0));
}

#[tokio::test]
async fn an_org_whose_parent_exists_nowhere_is_an_error_on_its_row() {
    let t = TestDb::new().await;
    let db = &t.db;
    let wb = workbook(vec![sheet(
        "组织",
        ORG_HEADERS,
        &[
            &["420527000000", "秭归县妇联", "县妇联", "", "", ""],
            &[
                "420527101201",
                "银杏沱村妇联",
                "村妇联",
                "420527101000",
                "",
                "",
            ],
        ],
    )]);

    let out = import_workbook(db, &testing::operator(), &wb, false)
        .await
        .expect("runs");

    assert!(!out.committed);
    let errs: Vec<_> = out
        .report
        .errors
        .iter()
        .map(|e| (e.sheet.as_str(), e.row, e.column.as_deref()))
        .collect();
    assert_eq!(errs, [("组织", 3, Some("上级组织编码"))]);
    assert_eq!(counts(db).await.orgs, 0);
}

#[tokio::test]
async fn a_workbook_without_importable_sheets_is_an_error() {
    let t = TestDb::new().await;
    let db = &t.db;
    let wb = workbook(vec![sheet("备注", &["说明"], &[&["无"]])]);

    let out = import_workbook(db, &testing::operator(), &wb, false)
        .await
        .expect("runs");

    assert!(!out.committed);
    assert_eq!(out.report.errors.len(), 1);
    assert_eq!(out.report.warnings.len(), 1);
    assert_eq!(counts(db).await.audit, 0);
}

#[tokio::test]
async fn the_demo_ledger_imports_with_the_counts_of_the_2020_review() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let wb = ledger::read_path(&dir).expect("demo ledger reads");

    let started = Instant::now();
    let out = import_workbook(db, &op, &wb, false)
        .await
        .expect("import runs");
    let took = started.elapsed();
    eprintln!("demo ledger import ({:?}): {took:.2?}", db.backend());

    assert!(
        out.committed,
        "{:?}",
        out.report.errors.iter().take(5).collect::<Vec<_>>()
    );
    assert_eq!(org::Entity::find().count(&db.conn).await.unwrap(), 213);
    let townships = org::Entity::find()
        .filter(org::Column::Kind.eq("township"))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(townships, 12);
    let new_field_2020 = org::Entity::find()
        .filter(org::Column::Kind.eq("new_field"))
        .filter(org::Column::FoundedOn.between(date(2020, 1, 1), date(2020, 12, 31)))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(new_field_2020, 8);
    // The same figure through the scoped list.
    let query = OrgQuery {
        kind: Some("new_field".into()),
        ..Default::default()
    };
    let (listed, _) = db::org::list(&db.conn, &op, &query, 1, 200).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .filter(|o| o.founded_on.is_some_and(|d| d.year() == 2020))
            .count(),
        8
    );
    let homes_2020 = venue::Entity::find()
        .filter(venue::Column::Kind.eq("womens_home"))
        .filter(venue::Column::OpenedOn.between(date(2020, 1, 1), date(2020, 12, 31)))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(homes_2020, 6);
    let township_ids: Vec<i64> = org::Entity::find()
        .filter(org::Column::Kind.eq("township"))
        .all(&db.conn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let township_surveys = survey::Entity::find()
        .filter(survey::Column::OrgId.is_in(township_ids))
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(township_surveys, 12);
    assert_eq!(person::Entity::find().count(&db.conn).await.unwrap(), 1639);
    assert_eq!(officer::Entity::find().count(&db.conn).await.unwrap(), 1378);
}
