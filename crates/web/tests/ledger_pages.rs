//! Ledger import/export pages: upload → dry-run preview → confirm, all-or-nothing,
//! idempotent re-import, CSV encodings, the blank template and the export.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, Res, TestApp};
use db::{
    entity::{org, person},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
};
use domain::access::Role;
use ledger::{OutCell, WorkbookWriter};

const NEW_VILLAGE: &str = "420527101203";
const ORG_HEADERS: &[&str] = &["组织编码", "组织名称", "组织类型", "上级组织编码"];
const PERSON_HEADERS: &[&str] = &["姓名", "身份证号", "手机号", "所属组织编码", "标签"];

/// A valid 18-digit 身份证号 of 秭归 (420527) with the check character computed.
fn id_number(birth: &str, seq: u32) -> String {
    domain::idcard::with_check_char(&format!("420527{birth}{seq:03}"))
}

fn wrong_check(id: &str) -> String {
    let wrong = if id.ends_with('1') { '2' } else { '1' };
    format!("{}{wrong}", &id[..17])
}

fn t(s: &str) -> OutCell {
    OutCell::Text(s.into())
}

/// 组织: a new village under 茅坪镇; 人员: two women living there.
fn workbook(first_id: OutCell, second_id: &str) -> Vec<u8> {
    let mut w = WorkbookWriter::new();
    w.add_sheet(
        "组织",
        ORG_HEADERS,
        &[vec![
            t(NEW_VILLAGE),
            t("凤凰山村妇联"),
            t("村妇联"),
            t(MAOPING),
        ]],
    );
    w.add_sheet(
        "人员",
        PERSON_HEADERS,
        &[
            vec![
                t("向秀英"),
                first_id,
                OutCell::Empty,
                t(NEW_VILLAGE),
                t("低保"),
            ],
            vec![
                t("郑小梅"),
                t(second_id),
                t("13972000001"),
                t(NEW_VILLAGE),
                OutCell::Empty,
            ],
        ],
    );
    w.to_xlsx_bytes().expect("xlsx")
}

fn good_workbook() -> Vec<u8> {
    workbook(t(&id_number("19800312", 24)), &id_number("19910705", 46))
}

/// A multipart upload of `files` to /ledger/import, as the browser form sends it.
fn upload_request(cookie: &str, files: &[(&str, &[u8])]) -> Request<Body> {
    let boundary = "----jinguoLedgerBoundary7MA4YWxk";
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

async fn upload(app: &TestApp, cookie: &str, files: &[(&str, &[u8])]) -> Res {
    app.send(upload_request(cookie, files)).await
}

/// The confirm URL of a preview that passed, if it offers one.
fn confirm_url(res: &Res) -> Option<String> {
    let start = res.body.find("action=\"/ledger/import/")? + "action=\"".len();
    let end = start + res.body[start..].find('"')?;
    Some(res.body[start..end].to_string())
}

async fn people_named(app: &TestApp, name: &str) -> u64 {
    person::Entity::find()
        .filter(person::Column::Name.eq(name))
        .count(&app.db().conn)
        .await
        .expect("count")
}

async fn admin(app: &TestApp) -> String {
    app.login_as("county", Role::CountyAdmin, COUNTY).await
}

fn cell(res: &Res, label: &str, value: &str) -> bool {
    res.body
        .contains(&format!("<td data-label=\"{label}\">{value}</td>"))
}

#[tokio::test]
async fn a_bad_check_digit_is_listed_by_sheet_row_and_column_and_nothing_is_written() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    let bad = wrong_check(&id_number("19910705", 46));
    let file = workbook(t(&id_number("19800312", 24)), &bad);

    let res = upload(&app, &cookie, &[("台账.xlsx", &file)]).await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(cell(&res, "工作表", "人员"), "{}", res.body);
    assert!(cell(&res, "行", "第3行"), "{}", res.body);
    assert!(cell(&res, "列", "身份证号"), "{}", res.body);
    assert!(cell(&res, "问题", "身份证号校验位错误"), "{}", res.body);
    assert!(res.body.contains("未导入任何数据"));
    assert_eq!(confirm_url(&res), None, "no confirm button on errors");
    assert!(
        db::org::find_by_code(&app.db().conn, NEW_VILLAGE)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(people_named(&app, "向秀英").await, 0);
}

#[tokio::test]
async fn a_fixed_file_previews_counts_and_confirm_writes_it_once_even_when_imported_twice() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    let file = good_workbook();

    let preview = upload(&app, &cookie, &[("台账.xlsx", &file)]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("校验通过"), "{}", preview.body);
    // 组织: 1 row, 1 new; 人员: 2 rows, 2 new.
    assert!(preview.body.contains("<td data-label=\"工作表\">组织</td>\n      <td data-label=\"行数\" class=\"num\">1</td>\n      <td data-label=\"新增\" class=\"num\">1</td>"), "{}", preview.body);
    assert!(preview.body.contains("<td data-label=\"工作表\">人员</td>\n      <td data-label=\"行数\" class=\"num\">2</td>\n      <td data-label=\"新增\" class=\"num\">2</td>"), "{}", preview.body);
    // The dry run wrote nothing.
    assert!(
        db::org::find_by_code(&app.db().conn, NEW_VILLAGE)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(people_named(&app, "向秀英").await, 0);

    let url = confirm_url(&preview).expect("confirm button");
    let done = app.post_form(&url, &[], Some(&cookie)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("导入完成"), "{}", done.body);
    let village = db::org::find_by_code(&app.db().conn, NEW_VILLAGE)
        .await
        .unwrap()
        .expect("village created");
    assert_eq!(village.name, "凤凰山村妇联");
    assert_eq!(people_named(&app, "向秀英").await, 1);
    assert_eq!(people_named(&app, "郑小梅").await, 1);
    // The confirmed upload is gone: confirming again finds nothing.
    assert_eq!(
        app.post_form(&url, &[], Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );

    let orgs_before = org::Entity::find().count(&app.db().conn).await.unwrap();
    let again = upload(&app, &cookie, &[("台账.xlsx", &file)]).await;
    assert!(
        again
            .body
            .contains("<td data-label=\"更新\" class=\"num\">2</td>"),
        "{}",
        again.body
    );
    let res = app
        .post_form(&confirm_url(&again).expect("confirm"), &[], Some(&cookie))
        .await;
    assert!(res.body.contains("导入完成"), "{}", res.body);
    assert_eq!(
        org::Entity::find().count(&app.db().conn).await.unwrap(),
        orgs_before
    );
    assert_eq!(people_named(&app, "向秀英").await, 1);
    assert_eq!(people_named(&app, "郑小梅").await, 1);
}

#[tokio::test]
async fn an_id_number_that_arrived_as_an_excel_number_is_a_row_error() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    let as_number: i64 = id_number("19800312", 24)[..17].parse::<i64>().unwrap() * 10;
    let file = workbook(OutCell::Int(as_number), &id_number("19910705", 46));

    let res = upload(&app, &cookie, &[("台账.xlsx", &file)]).await;

    assert!(cell(&res, "行", "第2行"), "{}", res.body);
    assert!(cell(&res, "列", "身份证号"), "{}", res.body);
    assert!(
        res.body.contains("身份证号被Excel存成了数字"),
        "{}",
        res.body
    );
    assert_eq!(confirm_url(&res), None);
    assert_eq!(people_named(&app, "郑小梅").await, 0);
}

#[tokio::test]
async fn a_gb18030_csv_imports_the_same_as_utf8_and_several_csv_files_go_together() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    // "姓名,身份证号,手机号,所属组织编码,标签\r\n" and "王芳", "低保" in GB18030
    // (as Excel on Chinese Windows saves CSV), computed with Python's codec.
    let mut gb = hex::decode(
        "d0d5c3fb2cc9edb7ddd6a4bac52ccad6bbfabac52ccbf9caf4d7e9d6afb1e0c2eb2cb1eac7a90d0a",
    )
    .unwrap();
    gb.extend(hex::decode("cdf5b7bc").unwrap());
    gb.extend(format!(",{},,{MAOPING_VILLAGE},", id_number("19750101", 22)).as_bytes());
    gb.extend(hex::decode("b5cdb1a3").unwrap());
    gb.extend(b"\r\n");
    assert!(std::str::from_utf8(&gb).is_err(), "really not UTF-8");
    let utf8 = format!(
        "\u{feff}姓名,身份证号,手机号,所属组织编码,标签\n李芳,{},,{MAOPING_VILLAGE_2},低保\n",
        id_number("19760202", 42)
    );
    let orgs = format!(
        "组织编码,组织名称,组织类型,上级组织编码\n{NEW_VILLAGE},凤凰山村妇联,村妇联,{MAOPING}\n"
    );

    let gb_res = upload(&app, &cookie, &[("人员.csv", &gb)]).await;
    let url = confirm_url(&gb_res).unwrap_or_else(|| panic!("{}", gb_res.body));
    assert!(
        app.post_form(&url, &[], Some(&cookie))
            .await
            .body
            .contains("导入完成")
    );
    let utf_res = upload(
        &app,
        &cookie,
        &[("组织.csv", orgs.as_bytes()), ("人员.csv", utf8.as_bytes())],
    )
    .await;
    assert!(cell(&utf_res, "工作表", "组织"), "{}", utf_res.body);
    let url = confirm_url(&utf_res).unwrap_or_else(|| panic!("{}", utf_res.body));
    assert!(
        app.post_form(&url, &[], Some(&cookie))
            .await
            .body
            .contains("导入完成")
    );

    for name in ["王芳", "李芳"] {
        let p = person::Entity::find()
            .filter(person::Column::Name.eq(name))
            .one(&app.db().conn)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{name} imported"));
        assert_eq!(p.sex, domain::idcard::Sex::Female.code());
    }
    assert!(
        db::org::find_by_code(&app.db().conn, NEW_VILLAGE)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn another_user_cannot_confirm_someone_elses_upload() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    let other = app.login_as("county2", Role::CountyAdmin, COUNTY).await;
    let preview = upload(&app, &cookie, &[("台账.xlsx", &good_workbook())]).await;
    let url = confirm_url(&preview).expect("confirm button");

    let res = app.post_form(&url, &[], Some(&other)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(people_named(&app, "向秀英").await, 0);
    for bad in [
        "/ledger/import/..%2F..%2Fetc/confirm",
        "/ledger/import/ABC/confirm",
    ] {
        assert_eq!(
            app.post_form(bad, &[], Some(&cookie)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // The owner still can.
    assert!(
        app.post_form(&url, &[], Some(&cookie))
            .await
            .body
            .contains("导入完成")
    );
    assert_eq!(people_named(&app, "向秀英").await, 1);
}

#[tokio::test]
async fn an_unsupported_or_unreadable_file_gets_a_chinese_400_preview() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    let res = upload(&app, &cookie, &[("名单.txt", b"hello")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("不支持的文件类型"), "{}", res.body);
    let res = upload(&app, &cookie, &[("台账.xlsx", b"not a zip at all")]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("无法读取文件"), "{}", res.body);
    let res = upload(&app, &cookie, &[]).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("请选择要导入的文件"), "{}", res.body);
}

#[tokio::test]
async fn a_3mb_upload_is_accepted_and_a_60mb_one_gets_a_chinese_413() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    // 100 people and a 3 MB unknown column (ignored with a warning). One
    // cell may hold at most 32,767 characters (Excel's own limit, the
    // import's default cap), so the 3 MB are spread over 100 rows.
    let mut csv = "姓名,身份证号,所属组织编码,备注\n".to_string();
    for seq in 0..100 {
        csv.push_str(&format!(
            "王芳,{},{MAOPING_VILLAGE},{}\n",
            id_number("19750101", seq),
            "x".repeat(31 * 1024)
        ));
    }
    let res = upload(&app, &cookie, &[("人员.csv", csv.as_bytes())]).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{}",
        &res.body[..res.body.len().min(2000)]
    );
    assert!(confirm_url(&res).is_some());

    // Only the upload route is raised: a 3 MB form anywhere else is refused.
    let big = "x".repeat(3 * 1024 * 1024);
    let res = app
        .post_form("/login", &[("username", &big), ("password", "x")], None)
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);

    let huge = vec![b'x'; 60 * 1024 * 1024];
    let res = upload(&app, &cookie, &[("人员.csv", &huge)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.body.contains("文件过大"), "{}", res.body);
}

#[tokio::test]
async fn the_blank_template_downloads_with_every_sheet() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app.get("/ledger/template", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    let cd = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        cd.contains("filename*=UTF-8''%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"),
        "{cd}"
    );
    let wb = ledger::read_bytes("台账模板.xlsx", &res.bytes).expect("readable xlsx");
    for name in ["组织", "阵地", "人员", "干部", "调研"] {
        assert!(wb.sheet(name).is_some(), "sheet {name}");
    }
}

#[tokio::test]
async fn a_county_admin_exports_maoping_and_the_file_reads_back() {
    let app = TestApp::with_county().await;
    let cookie = admin(&app).await;
    db::testing::person(
        app.db(),
        "向秀英",
        &id_number("19800312", 24),
        MAOPING_VILLAGE,
    )
    .await;

    let res = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose=核对"),
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cd = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    // 台账-茅坪镇妇联-<date>.xlsx, RFC 5987 encoded.
    assert!(
        cd.contains("filename*=UTF-8''%E5%8F%B0%E8%B4%A6-%E8%8C%85%E5%9D%AA%E9%95%87"),
        "{cd}"
    );
    let wb = ledger::read_bytes("export.xlsx", &res.bytes).expect("readable xlsx");
    let codes: Vec<String> = wb
        .sheet("组织")
        .expect("组织 sheet")
        .rows
        .iter()
        .filter_map(|r| r.cells.first().and_then(|c| c.as_text()))
        .collect();
    assert_eq!(codes, [MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2]);
    assert!(!codes.iter().any(|c| c == GUIZHOU));
    let people = wb.sheet("人员").expect("人员 sheet");
    assert_eq!(people.rows.len(), 1);
}

#[tokio::test]
async fn the_ledger_page_offers_upload_template_and_export_of_visible_orgs() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app.get("/ledger", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("enctype=\"multipart/form-data\""));
    assert!(res.body.contains("hx-indicator=\"#upload-button\""));
    assert!(res.body.contains("href=\"/ledger/template\""));
    assert!(
        res.body
            .contains(&format!("<option value=\"{MAOPING_VILLAGE}\">"))
    );
    assert!(!res.body.contains(GUIZHOU));

    let village = app
        .login_as("vc", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    assert_eq!(
        app.get("/ledger", Some(&village)).await.status,
        StatusCode::FORBIDDEN
    );
    let res = upload(&app, &village, &[("台账.xlsx", &good_workbook())]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}
