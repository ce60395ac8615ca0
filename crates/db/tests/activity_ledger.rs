//! The work sheets of the ledger beyond the first import: an export that
//! re-imports unchanged, and photos named in 活动 taken from the zip or folder
//! given with the import.

mod common;

use std::{io::Write, path::Path};

use db::{
    Db,
    entity::{activity, photo},
    import::{ImportOutcome, export::export_workbook, import_workbook},
    sea_orm::{EntityTrait, PaginatorTrait},
    testing::{self, TestDb},
};

fn picture(format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 60])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

const ACTIVITY_HEADER: &str = "活动编号,活动名称,品牌项目,活动类型,主办组织编码,联合单位,开始日期,结束日期,形式,地点,覆盖单位数,参与人数,发放材料,简介,照片,照片说明";

fn activity_csv(photos: &str) -> Vec<u8> {
    format!(
        "{ACTIVITY_HEADER}\n2020-YX-01,巾帼微学堂进村,巾帼微学堂,宣讲,{},,2020-05-06,,线下,村委会,,40,,,{photos},图丨村妇联主席宣讲\n",
        testing::MAOPING_VILLAGE
    )
    .into_bytes()
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

async fn photo_count(db: &Db) -> u64 {
    photo::Entity::find().count(&db.conn).await.unwrap()
}

/// Files under the photo directory (full pictures and thumbnails).
fn stored_files(db: &Db) -> usize {
    let dir = db
        .files_dir
        .as_ref()
        .expect("test db stores files")
        .join("photos");
    walk(&dir)
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|es| {
            es.filter_map(Result::ok)
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { walk(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

async fn county_db() -> TestDb {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    t
}

async fn import(db: &Db, wb: &ledger::Workbook, dry_run: bool) -> ImportOutcome {
    import_workbook(db, &testing::operator(), wb, dry_run)
        .await
        .expect("import runs")
}

#[tokio::test]
async fn an_export_of_a_township_reimports_with_nothing_created() {
    let t = TestDb::new().await;
    let db = &t.db;
    let op = testing::operator();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let demo = ledger::read_path(&dir).expect("demo ledger reads");
    let first = import(db, &demo, false).await;
    assert!(first.committed, "{:?}", first.report.errors.first());

    let bytes = export_workbook(db, &op, testing::MAOPING, "测试：导出再导入")
        .await
        .expect("export");
    let wb = ledger::read_bytes("茅坪镇.xlsx", &bytes).expect("export reads back");
    for name in ["活动", "参与人员", "作品", "宣传"] {
        assert!(wb.sheet(name).is_some(), "sheet {name} exported");
    }
    // 茅坪镇's own 2020 work is in the file (8 activities, 18 attendees in the demo).
    assert_eq!(wb.sheet("活动").unwrap().rows.len(), 8);
    assert_eq!(wb.sheet("参与人员").unwrap().rows.len(), 18);

    let again = import(db, &wb, false).await;
    assert!(
        again.committed,
        "{:?}",
        again.report.errors.iter().take(5).collect::<Vec<_>>()
    );
    for c in &again.counts {
        assert_eq!(c.created, 0, "sheet {} created rows on re-import", c.sheet);
    }
    let sheets: Vec<&str> = again.counts.iter().map(|c| c.sheet.as_str()).collect();
    assert!(
        sheets.contains(&"活动") && sheets.contains(&"参与人员"),
        "{sheets:?}"
    );
}

#[tokio::test]
async fn a_zip_naming_two_photos_imports_both_with_their_caption_once() {
    let t = county_db().await;
    let db = &t.db;
    let zip = zip_of(&[
        ("活动.csv", activity_csv("a.jpg;b.png")),
        ("照片/a.jpg", picture(image::ImageFormat::Jpeg)),
        ("b.png", picture(image::ImageFormat::Png)),
    ]);
    let wb = ledger::read_bytes("台账.zip", &zip).expect("zip reads");
    let out = import(db, &wb, false).await;
    assert!(out.committed, "{:?}", out.report.errors);
    let photos = photo::Entity::find().all(&db.conn).await.unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos.iter().filter(|p| p.is_cover).count(), 1);
    assert!(
        photos
            .iter()
            .all(|p| p.caption.as_deref() == Some("村妇联主席宣讲"))
    );
    let mut names: Vec<_> = photos
        .iter()
        .filter_map(|p| p.original_name.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["a.jpg", "b.png"]);
    assert_eq!(stored_files(db), 4, "a picture and a thumbnail each");

    // The same zip again adds no photo twice.
    let again = import(db, &wb, false).await;
    assert!(again.committed);
    assert_eq!(photo_count(db).await, 2);
    assert_eq!(stored_files(db), 4);
}

#[tokio::test]
async fn a_missing_photo_is_an_error_on_its_row_and_nothing_is_written() {
    let t = county_db().await;
    let db = &t.db;
    let zip = zip_of(&[
        ("活动.csv", activity_csv("a.png;缺失.jpg")),
        ("a.png", picture(image::ImageFormat::Png)),
    ]);
    let wb = ledger::read_bytes("台账.zip", &zip).expect("zip reads");
    let out = import(db, &wb, false).await;
    assert!(!out.committed);
    assert_eq!(out.report.errors.len(), 1, "{:?}", out.report.errors);
    let e = &out.report.errors[0];
    assert_eq!(
        (e.sheet.as_str(), e.row, e.column.as_deref()),
        ("活动", 2, Some("照片"))
    );
    assert!(e.message.contains("缺失.jpg"), "{}", e.message);
    assert_eq!(activity::Entity::find().count(&db.conn).await.unwrap(), 0);
    assert_eq!(photo_count(db).await, 0);
    assert_eq!(stored_files(db), 0);
}

#[tokio::test]
async fn a_file_that_is_not_a_picture_is_an_error_naming_it() {
    let t = county_db().await;
    let db = &t.db;
    let zip = zip_of(&[
        ("活动.csv", activity_csv("假照片.jpg")),
        ("假照片.jpg", b"not a picture at all".to_vec()),
    ]);
    let wb = ledger::read_bytes("台账.zip", &zip).unwrap();
    let out = import(db, &wb, false).await;
    assert!(!out.committed);
    let e = &out.report.errors[0];
    assert_eq!(e.column.as_deref(), Some("照片"));
    assert!(e.message.contains("假照片.jpg"), "{}", e.message);
    assert_eq!(photo_count(db).await, 0);
}

#[tokio::test]
async fn a_dry_run_checks_the_photos_but_writes_no_files() {
    let t = county_db().await;
    let db = &t.db;
    let zip = zip_of(&[
        ("活动.csv", activity_csv("a.png")),
        ("a.png", picture(image::ImageFormat::Png)),
    ]);
    let wb = ledger::read_bytes("台账.zip", &zip).unwrap();
    let out = import(db, &wb, true).await;
    assert!(
        out.report.is_ok() && !out.committed,
        "{:?}",
        out.report.errors
    );
    assert_eq!(photo_count(db).await, 0);
    assert_eq!(stored_files(db), 0);
}

#[tokio::test]
async fn a_folder_import_takes_the_photos_beside_the_csv() {
    let t = county_db().await;
    let db = &t.db;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("活动.csv"), activity_csv("a.png;b.jpg")).unwrap();
    std::fs::write(dir.path().join("a.png"), picture(image::ImageFormat::Png)).unwrap();
    std::fs::create_dir(dir.path().join("照片")).unwrap();
    std::fs::write(
        dir.path().join("照片").join("b.jpg"),
        picture(image::ImageFormat::Jpeg),
    )
    .unwrap();
    let wb = ledger::read_path(dir.path()).expect("folder reads");
    assert_eq!(wb.attachments.len(), 2);
    let out = import(db, &wb, false).await;
    assert!(out.committed, "{:?}", out.report.errors);
    assert_eq!(photo_count(db).await, 2);
}
