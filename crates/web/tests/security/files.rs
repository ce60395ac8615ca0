//! Point 5 of docs/security.md: files at rest. Photo files and folders are
//! private (0600 / 0700), are staged while their transaction runs and placed
//! only after it commits, leave nothing behind when it rolls back, and the
//! check (`jinguo check`, start-up) clears what no row names.

use std::{
    io::Write,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    time::Duration,
};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use db::{
    activity::photo::{self, NewPhoto, Staged},
    entity::{activity, photo as photo_row},
    sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait},
    testing,
};
use domain::access::Role;

use crate::common::{self, MAOPING_VILLAGE, TestApp};

const BOUNDARY: &str = "----jinguo-files-boundary";

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file under `dir`, and every folder (including `dir`).
fn tree(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    if !dir.exists() {
        return (files, dirs);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        dirs.push(d.clone());
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    (files, dirs)
}

async fn new_activity_with_a_photo(app: &TestApp, cookie: &str) -> i64 {
    let mut body = Vec::new();
    for (k, v) in [
        ("name", "巾帼微学堂第9期"),
        ("kind", "propaganda"),
        ("programme", "巾帼微学堂"),
        ("start_date", "2020-03-05"),
        ("org_code", MAOPING_VILLAGE),
        ("head_count", "35"),
    ] {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
    body.extend(png());
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let res = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/activities/new")
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let loc = res.location().unwrap();
    loc.trim_start_matches("/activities/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn photo_files_are_0600_in_0700_folders_and_none_is_left_staged() {
    let app = TestApp::with_county().await;
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    new_activity_with_a_photo(&app, &cookie).await;

    let (files, dirs) = tree(&app.data_dir().join("photos"));
    assert_eq!(files.len(), 2, "a picture and its thumbnail: {files:?}");
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
        assert!(!media::store::is_temp(f), "left staged: {}", f.display());
    }
    for d in &dirs {
        assert_eq!(mode(d), 0o700, "{}", d.display());
    }
}

#[tokio::test]
async fn a_rolled_back_photo_leaves_no_file() {
    let app = TestApp::with_county().await;
    let db = app.db();
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = new_activity_with_a_photo(&app, &cookie).await;
    let root = app.data_dir();
    let before = tree(&root.join("photos")).0;

    // The handlers' pattern: stage in the transaction, place after commit.
    let files = Staged::new(root);
    let txn = db.conn.begin().await.unwrap();
    let bytes = png();
    photo::add(
        &txn,
        &testing::operator(),
        &files,
        id,
        NewPhoto {
            full_jpeg: &bytes,
            thumb_jpeg: &bytes,
            width: 64,
            height: 48,
            original_name: Some("回滚.png".into()),
            caption: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(files.len(), 2, "staged, not yet placed");
    txn.rollback().await.unwrap();
    drop(files);

    assert_eq!(
        tree(&root.join("photos")).0,
        before,
        "no file of the rolled-back photo"
    );
    assert_eq!(photo_row::Entity::find().count(&db.conn).await.unwrap(), 1);

    // An import whose photos are written and whose later sheet then fails:
    // all-or-nothing, files included.
    let zip = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("活动.csv", opts).unwrap();
        w.write_all(format!("活动编号,活动名称,品牌项目,活动类型,主办组织编码,联合单位,开始日期,结束日期,形式,地点,覆盖单位数,参与人数,发放材料,简介,照片,照片说明\n2020-YX-09,回滚的活动,巾帼微学堂,宣讲,{MAOPING_VILLAGE},,2020-05-06,,线下,村委会,,40,,,a.png,\n").as_bytes()).unwrap();
        w.start_file("a.png", opts).unwrap();
        w.write_all(&png()).unwrap();
        w.start_file("参与人员.csv", opts).unwrap();
        w.write_all(
            "活动编号,姓名,身份证号,单位\n2020-YX-09,王某某,不是身份证号,县公安局\n".as_bytes(),
        )
        .unwrap();
        w.finish().unwrap().into_inner()
    };
    let wb = ledger::read_bytes("台账.zip", &zip).expect("zip reads");
    let dbf = db.clone().with_files(root);
    let out = db::import::import_workbook(&dbf, &testing::operator(), &wb, false)
        .await
        .expect("import runs");
    assert!(!out.committed, "the bad 参与人员 row fails the import");
    assert!(
        out.report.errors.iter().any(|e| e.sheet == "参与人员"),
        "{:?}",
        out.report.errors
    );
    assert_eq!(activity::Entity::find().count(&db.conn).await.unwrap(), 1);
    assert_eq!(
        tree(&root.join("photos")).0,
        before,
        "the import left no photo file"
    );
}

#[tokio::test]
async fn the_check_removes_orphaned_files_and_places_committed_staged_ones() {
    let app = TestApp::with_county().await;
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = new_activity_with_a_photo(&app, &cookie).await;
    let root = app.data_dir();
    let dir = root.join("photos").join(id.to_string());
    let row = photo_row::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let kept = photo::file_of(root, &row, false);
    // A crash between commit and placing: the committed file is still staged.
    let staged_committed = PathBuf::from(format!("{}.part", kept.display()));
    std::fs::rename(&kept, &staged_committed).unwrap();
    // Leftovers: a staged file of a transaction that never committed, a file
    // whose row is gone, and one of an activity that doesn't exist.
    let orphans = [
        dir.join("abandoned.jpg.part"),
        dir.join("deleted.jpg"),
        root.join("photos/999999/lost_thumb.jpg"),
    ];
    for f in &orphans {
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, b"x").unwrap();
    }

    // Report only: nothing moves.
    let seen = photo::sweep(&app.db().conn, root, false, Duration::ZERO)
        .await
        .unwrap();
    let mut found = seen.orphans.clone();
    found.sort();
    let mut want = orphans.to_vec();
    want.sort();
    assert_eq!(found, want);
    assert_eq!(seen.recovered, std::slice::from_ref(&kept));
    assert!(orphans.iter().all(|f| f.exists()));

    // A grace period spares what may still be uploading.
    let young = photo::sweep(&app.db().conn, root, true, Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(young.young.len(), 3);
    assert!(orphans.iter().all(|f| f.exists()));
    assert_eq!(
        young.recovered,
        std::slice::from_ref(&kept),
        "a committed file is placed at once"
    );

    let cleared = photo::sweep(&app.db().conn, root, true, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(cleared.orphans.len(), 3);
    assert!(orphans.iter().all(|f| !f.exists()), "orphans removed");
    assert!(
        kept.exists() && !staged_committed.exists(),
        "committed file placed"
    );
    let img = app.get(&format!("/photos/{}", row.id), Some(&cookie)).await;
    assert_eq!(img.status, StatusCode::OK);
    let again = photo::sweep(&app.db().conn, root, true, Duration::ZERO)
        .await
        .unwrap();
    assert!(again.orphans.is_empty() && again.recovered.is_empty());
}

/// A multipart body of `photos` files and text fields.
fn multipart(fields: &[(&str, &str)], photos: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (i, p) in photos.iter().enumerate() {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p{i}.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        body.extend(p);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn an_activity_holding_its_sixty_photos_takes_no_more_and_keeps_no_file_of_the_refused_one() {
    let app = TestApp::with_county().await;
    let db = app.db();
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = new_activity_with_a_photo(&app, &cookie).await;
    let root = app.data_dir();
    // 59 more, stored as the pages store them.
    let bytes = png();
    let files = Staged::new(root);
    let txn = db.conn.begin().await.unwrap();
    let more = (0..59)
        .map(|i| NewPhoto {
            full_jpeg: &bytes,
            thumb_jpeg: &bytes,
            width: 64,
            height: 48,
            original_name: Some(format!("第{i}张.png")),
            caption: None,
        })
        .collect();
    photo::add_all(&txn, &testing::operator(), &files, id, more)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    photo::place(&files);
    let before = tree(&root.join("photos")).0;
    assert_eq!(before.len(), 120, "sixty pictures and their thumbnails");

    let res = app
        .send(
            Request::builder()
                .method("POST")
                .uri(format!("/activities/{id}/photos"))
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, &cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[], &[png()])))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body
            .contains("每个活动最多60张照片，已有60张，最多还能添加0张"),
        "{}",
        res.body
    );
    let rows = photo_row::Entity::find().count(&db.conn).await.unwrap();
    assert_eq!(rows, 60);
    assert_eq!(
        tree(&root.join("photos")).0,
        before,
        "no file of the refused photo"
    );
}

#[tokio::test]
async fn ten_photos_at_once_are_refused_at_the_form_before_anything_is_written() {
    let app = TestApp::with_county().await;
    let db = app.db();
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let fields = [
        ("name", "巾帼微学堂第10期"),
        ("kind", "propaganda"),
        ("start_date", "2020-03-05"),
        ("org_code", MAOPING_VILLAGE),
    ];
    let photos: Vec<Vec<u8>> = (0..10).map(|_| png()).collect();
    let res = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/activities/new")
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, &cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&fields, &photos)))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("一次最多上传9张照片，这次选了10张"),
        "{}",
        res.body
    );
    assert!(res.body.contains("巾帼微学堂第10期"), "the input is kept");
    assert_eq!(activity::Entity::find().count(&db.conn).await.unwrap(), 0);
    assert!(tree(&app.data_dir().join("photos")).0.is_empty());
}
