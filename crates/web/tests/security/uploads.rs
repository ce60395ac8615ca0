//! See docs/security.md, "1. Uploads and imports". Every bomb is built here,
//! at test time, and sent through the real web import; each must be refused
//! with a Chinese message naming the file or sheet, the cap and the value
//! found, with nothing written and no upload left on disk.

use std::{io::Write, path::Path, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use db::{
    entity::person,
    sea_orm::{EntityTrait, PaginatorTrait},
};
use domain::access::Role;
use tower::ServiceExt;
use web::html::ledger::queue::ImportQueue;

use super::common::{self, COUNTY, MAOPING_VILLAGE, Res, TestApp};

/// A valid 18-digit 身份证号 of 秭归 (420527).
fn id_number(birth: &str, seq: u32) -> String {
    domain::idcard::with_check_char(&format!("420527{birth}{seq:03}"))
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A minimal workbook with one sheet 人员 holding `sheet_data` (the inside of
/// `<sheetData>`), an optional sharedStrings.xml, and a lying `<dimension>`.
fn xlsx(sheet_data: &str, shared: Option<&[u8]>) -> Vec<u8> {
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string();
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let book = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_REL}"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let book_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", book.as_bytes()),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared {
        entries.push(("xl/sharedStrings.xml", s));
    }
    zip_of(&entries)
}

/// A multipart upload of `files` to /ledger/import, as the browser form sends it.
fn upload_request(cookie: &str, files: &[(&str, &[u8])]) -> Request<Body> {
    let boundary = "----jinguoSecurityBoundary";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri("/ledger/import")
        .header(header::HOST, common::HOST)
        .header(header::ORIGIN, common::ORIGIN)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .expect("request")
}

async fn send(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body")
        .to_vec();
    Res {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes,
    }
}

async fn upload(app: &TestApp, cookie: &str, files: &[(&str, &[u8])]) -> Res {
    app.send(upload_request(cookie, files)).await
}

async fn people(app: &TestApp) -> u64 {
    person::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

/// Upload folders left in data/imports (reports and retained copies aside).
fn pending_uploads(data: &Path) -> Vec<String> {
    std::fs::read_dir(data.join("imports"))
        .map(|es| {
            es.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n != "reports" && n != "retained")
                .collect()
        })
        .unwrap_or_default()
}

fn confirm_url(res: &Res) -> Option<String> {
    let start = res.body.find("action=\"/ledger/import/")? + "action=\"".len();
    let end = start + res.body[start..].find('"')?;
    Some(res.body[start..end].to_string())
}

fn status_url(res: &Res) -> Option<String> {
    let start = res.body.find("hx-get=\"/ledger/import/")? + "hx-get=\"".len();
    let end = start + res.body[start..].find('"')?;
    Some(res.body[start..end].to_string())
}

/// Asserts a refusal: 400, every `parts` in the message, nothing written,
/// no upload left behind.
async fn assert_refused(app: &TestApp, res: &Res, parts: &[&str]) {
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "{}",
        &res.body[..res.body.len().min(3000)]
    );
    for p in parts {
        assert!(
            res.body.contains(p),
            "missing {p}: {}",
            &res.body[..res.body.len().min(3000)]
        );
    }
    assert!(res.body.contains("超出导入限制"), "{}", res.body);
    assert_eq!(confirm_url(res), None);
    assert_eq!(people(app).await, 0, "nothing written");
    assert!(
        pending_uploads(&app.state.config.data_dir).is_empty(),
        "uploads removed: {:?}",
        pending_uploads(&app.state.config.data_dir)
    );
}

#[tokio::test]
async fn a_sparse_xlsx_of_a1_and_xfd1048576_is_refused_by_row_and_column_not_allocated() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let file = xlsx(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        None,
    );
    assert!(file.len() < 3 * 1024, "under 3 KB: {}", file.len());
    let res = upload(&app, &cookie, &[("稀疏.xlsx", &file)]).await;
    assert_refused(
        &app,
        &res,
        &[
            "稀疏.xlsx 的工作表「人员」",
            "每个工作表的行数",
            "200000",
            "第 1048576 行",
        ],
    )
    .await;
    // The same file by the column alone.
    let file = xlsx(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>"#,
        None,
    );
    let res = upload(&app, &cookie, &[("宽.xlsx", &file)]).await;
    assert_refused(
        &app,
        &res,
        &["每个工作表的列数", "100", "第 16384 列（XFD 列）"],
    )
    .await;
}

#[tokio::test]
async fn a_shared_strings_bomb_is_refused_while_it_is_unpacked() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    // A small cap proves the check; the default (32 MB) is the same code.
    let limits = ledger::Limits {
        max_shared_strings_bytes: 1024 * 1024,
        ..ledger::Limits::default()
    };
    let mut state = app.state.clone();
    state.imports = Arc::new(ImportQueue::new(2, limits, 0));
    let router = web::router(state);
    // 4 MB of strings, packed to a few KB; the uniqueCount is honest.
    let n = 4 * 1024 * 1024 / 40;
    let mut sst =
        format!(r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="{n}" uniqueCount="{n}">"#);
    for _ in 0..n {
        sst.push_str("<si><t>xxxxxxxxxxxxxxxxxxxxxxxxxxxxx</t></si>");
    }
    sst.push_str("</sst>");
    let file = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        Some(sst.as_bytes()),
    );
    let res = send(&router, upload_request(&cookie, &[("共享.xlsx", &file)])).await;
    assert_refused(
        &app,
        &res,
        &[
            "共享.xlsx 中的「xl/sharedStrings.xml」",
            "共享字符串表（sharedStrings.xml）解压后大小",
            "上限为 1.0 MB",
            "读到此处即停止",
        ],
    )
    .await;
    // A sharedStrings.xml that lies about its count (calamine reserves it).
    let liar =
        format!(r#"<sst xmlns="{MAIN_NS}" uniqueCount="999999999999"><si><t>a</t></si></sst>"#);
    let file = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        Some(liar.as_bytes()),
    );
    let res = upload(&app, &cookie, &[("声明.xlsx", &file)]).await;
    assert_refused(
        &app,
        &res,
        &["共享字符串表声明的字符串个数", "999999999999"],
    )
    .await;
}

#[tokio::test]
async fn a_csv_bomb_of_commas_inside_a_zip_is_refused_while_unpacking_and_while_parsing() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let mut csv = b"activity_code,title\n".to_vec();
    csv.extend(std::iter::repeat_n(b',', 8 * 1024 * 1024));
    csv.extend_from_slice(b"x\n");
    let file = zip_of(&[("活动.csv", &csv)]);
    assert!(file.len() < 1024 * 1024, "under 1 MB: {}", file.len());
    // Commas pack a thousand to one: the first pass stops after 1 MB.
    let res = upload(&app, &cookie, &[("炸弹.zip", &file)]).await;
    assert_refused(
        &app,
        &res,
        &["炸弹.zip 中的「活动.csv」", "压缩比", "上限为 100:1"],
    )
    .await;
    // Without the ratio cap, the parser stops at the 101st column of the line.
    let limits = ledger::Limits {
        max_ratio: 1_000_000,
        ..ledger::Limits::default()
    };
    let mut state = app.state.clone();
    state.imports = Arc::new(ImportQueue::new(2, limits, 0));
    let router = web::router(state);
    let res = send(&router, upload_request(&cookie, &[("炸弹.zip", &file)])).await;
    assert_refused(
        &app,
        &res,
        &[
            "炸弹.zip 中的「活动.csv」",
            "每个工作表的列数",
            "第 2 行有第 101 列",
        ],
    )
    .await;
}

#[tokio::test]
async fn two_million_tiny_rows_are_refused_at_the_row_cap_and_the_page_stays_small() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let mut csv = "姓名,身份证号,所属组织编码\n".to_string();
    csv.push_str(&"a\n".repeat(2_000_000));
    let res = upload(&app, &cookie, &[("人员.csv", csv.as_bytes())]).await;
    assert_refused(
        &app,
        &res,
        &[
            "「人员.csv」",
            "每个工作表的行数",
            "200000",
            "有第 200001 行",
        ],
    )
    .await;
    assert!(res.body.len() < 100_000, "page of {} bytes", res.body.len());
}

#[tokio::test]
async fn a_zip_inside_a_zip_is_refused_by_name_and_by_content() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let inner = zip_of(&[("人员.csv", b"a,b\n1,2\n")]);
    let outer = zip_of(&[("里层.zip", &inner)]);
    let res = upload(&app, &cookie, &[("外层.zip", &outer)]).await;
    assert_refused(
        &app,
        &res,
        &["外层.zip", "压缩包的嵌套层数", "「里层.zip」又是一个压缩包"],
    )
    .await;
    // The same inner zip named as a photo.
    let outer = zip_of(&[("照片/a.jpg", &inner)]);
    let res = upload(&app, &cookie, &[("伪装.zip", &outer)]).await;
    assert_refused(&app, &res, &["压缩包的嵌套层数", "照片/a.jpg"]).await;
}

#[tokio::test]
async fn more_than_50_files_in_one_upload_are_refused_before_any_is_stored() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let names: Vec<String> = (0..51).map(|i| format!("表{i}.csv")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"a\n1\n"[..])).collect();
    let res = upload(&app, &cookie, &files).await;
    assert_refused(
        &app,
        &res,
        &["一次上传的文件个数上限为 50", "实际超过 50 个"],
    )
    .await;
}

/// 人员 with `n` people; the first `bad` have a wrong check digit.
fn people_csv(n: u32, bad: u32) -> String {
    let mut csv = "姓名,身份证号,所属组织编码\n".to_string();
    for seq in 0..n {
        let mut id = id_number("19800312", seq);
        if seq < bad {
            let wrong = if id.ends_with('1') { '2' } else { '1' };
            id = format!("{}{wrong}", &id[..17]);
        }
        csv.push_str(&format!("向秀英{seq},{id},{MAOPING_VILLAGE}\n"));
    }
    csv
}

#[tokio::test]
async fn the_error_report_shows_the_first_200_counts_the_rest_and_downloads_them_all() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let res = upload(
        &app,
        &cookie,
        &[("人员.csv", people_csv(250, 250).as_bytes())],
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("文件中有 250 处错误"), "{}", res.body);
    assert!(res.body.contains("另有 50 处未列出"), "{}", res.body);
    assert_eq!(res.body.matches("身份证号校验位错误").count(), 200);
    let start = res
        .body
        .find("href=\"/ledger/import/")
        .expect("download link")
        + 6;
    let url = &res.body[start..start + res.body[start..].find('"').unwrap()];
    assert!(url.ends_with("/errors.csv"), "{url}");
    let csv = app.get(url, Some(&cookie)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.matches("身份证号校验位错误").count(), 250);
    assert!(
        csv.body.contains("人员,251,身份证号"),
        "{}",
        &csv.body[..500]
    );
    // Someone else cannot download it.
    let other = app.login_as("county2", Role::CountyAdmin, COUNTY).await;
    assert_eq!(
        app.get(url, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );
    // The upload itself ended with its errors: nothing left to confirm.
    assert!(pending_uploads(&app.state.config.data_dir).is_empty());
}

#[tokio::test]
async fn imports_beyond_the_slots_wait_in_line_and_the_page_shows_their_place() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    assert_eq!(app.state.imports.slots(), 2, "default");
    // Two long imports hold both slots.
    let a = app.state.imports.slot().await;
    let b = app.state.imports.slot().await;
    let first = upload(&app, &cookie, &[("人员.csv", people_csv(3, 0).as_bytes())]).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    assert!(first.body.contains("排队中：第 1 位"), "{}", first.body);
    let second = upload(&app, &cookie, &[("人员.csv", people_csv(2, 0).as_bytes())]).await;
    assert!(second.body.contains("排队中：第 2 位"), "{}", second.body);
    let (u1, u2) = (status_url(&first).unwrap(), status_url(&second).unwrap());
    assert!(
        first.body.contains("hx-trigger=\"every 2s\""),
        "{}",
        first.body
    );
    // Polling shows the place; another user sees nothing of it.
    assert!(app.get(&u2, Some(&cookie)).await.body.contains("第 2 位"));
    let other = app.login_as("county2", Role::CountyAdmin, COUNTY).await;
    assert_eq!(
        app.get(&u1, Some(&other)).await.status,
        StatusCode::NOT_FOUND
    );

    drop(a);
    let job1 = u1.split('/').nth(3).unwrap().to_string();
    app.state.imports.wait_done(&job1).await;
    let done = app.get(&u1, Some(&cookie)).await;
    assert!(done.body.contains("校验通过"), "{}", done.body);
    drop(b);
    let job2 = u2.split('/').nth(3).unwrap().to_string();
    app.state.imports.wait_done(&job2).await;
    let done2 = app.get(&u2, Some(&cookie)).await;
    assert!(done2.body.contains("校验通过"), "{}", done2.body);
    // Confirming goes through the same line and writes the people.
    let url = confirm_url(&done).expect("confirm");
    let res = app.post_form(&url, &[], Some(&cookie)).await;
    assert!(res.body.contains("导入完成"), "{}", res.body);
    assert_eq!(people(&app).await, 3);
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn an_upload_is_private_on_disk_and_gone_when_its_import_ends_unless_retained_encrypted() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("county", Role::CountyAdmin, COUNTY).await;
    let data = app.state.config.data_dir.clone();
    let csv = people_csv(2, 0);
    let res = upload(&app, &cookie, &[("人员.csv", csv.as_bytes())]).await;
    let pending = pending_uploads(&data);
    assert_eq!(pending.len(), 1, "waiting for confirmation");
    let dir = data.join("imports").join(&pending[0]);
    assert_eq!(mode(&data.join("imports")), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("人员.csv")), 0o600);
    let url = confirm_url(&res).expect("confirm");
    assert!(
        app.post_form(&url, &[], Some(&cookie))
            .await
            .body
            .contains("导入完成")
    );
    assert!(
        pending_uploads(&data).is_empty(),
        "deleted when the import ended"
    );
    assert!(!data.join("imports/retained").exists());

    // With retention, the file is kept encrypted, never in plaintext.
    let mut state = app.state.clone();
    state.imports = Arc::new(ImportQueue::new(2, ledger::Limits::default(), 7));
    let router = web::router(state);
    let csv = people_csv(4, 1);
    let res = send(
        &router,
        upload_request(&cookie, &[("人员.csv", csv.as_bytes())]),
    )
    .await;
    assert!(res.body.contains("文件中有 1 处错误"), "{}", res.body);
    assert!(pending_uploads(&data).is_empty());
    let kept: Vec<_> = std::fs::read_dir(data.join("imports/retained"))
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(mode(&kept[0].path()), 0o700);
    let sealed_path = kept[0].path().join("人员.csv.enc");
    assert_eq!(mode(&sealed_path), 0o600);
    let sealed = std::fs::read_to_string(&sealed_path).unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains("向秀英"));
    let b64 = app
        .db()
        .keys
        .decrypt(&sealed)
        .expect("decrypts with the key ring");
    use base64::Engine;
    let plain = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(plain, csv.as_bytes());
}
