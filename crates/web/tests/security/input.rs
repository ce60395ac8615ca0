//! 7. Bad input gets a clear Chinese answer, never a 500 or a misleading 409.
//!
//! The `next`, outline `move` and X-Forwarded-For probes are in headers.rs.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;
use serde_json::json;

use crate::common::{COUNTY, HOST, MAOPING, ORIGIN, TestApp};

async fn activities(app: &TestApp) -> u64 {
    db::entity::activity::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

fn lecture(start: &str) -> serde_json::Value {
    json!({
        "name": "家庭教育讲座", "kind": "讲座", "org_code": MAOPING,
        "start_date": start, "head_count": 50
    })
}

/// A valid 身份证号 of 秭归 born on `birth` (YYYYMMDD).
fn id_number(birth: &str, seq: u32) -> String {
    domain::idcard::with_check_char(&format!("420527{birth}{seq:03}"))
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn dates_outside_1900_to_2100_are_refused_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    // The API.
    for day in ["0000-01-01", "1899-12-31", "2101-01-01"] {
        let res = app
            .json("POST", "/api/v1/activities", lecture(day), Some(&cookie))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{day}: {}",
            res.body
        );
        let e = &res.json()["error"];
        assert_eq!(e["fields"][0]["field"], "start_date", "{}", res.body);
        assert!(
            e["message"].as_str().unwrap().contains("1900年至2100年"),
            "{}",
            res.body
        );
    }
    assert_eq!(activities(&app).await, 0);

    // A form: the org form's 成立日期.
    let res = app
        .post_form(
            "/orgs/new",
            &[
                ("code", "420527101299"),
                ("name", "测试村妇联"),
                ("kind", "village"),
                ("parent_code", MAOPING),
                ("founded_on", "0000-01-01"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("1900年至2100年"), "{}", res.body);

    // The ledger: a date cell of year 0 and a text date of 2101.
    let mut w = ledger::WorkbookWriter::new();
    let t = |s: &str| ledger::OutCell::Text(s.into());
    w.add_sheet(
        "活动",
        &[
            "活动编号",
            "活动名称",
            "活动类型",
            "主办组织编码",
            "开始日期",
        ],
        &[
            vec![
                t("A-1"),
                t("讲座一"),
                t("讲座"),
                t(MAOPING),
                t("0000-01-01"),
            ],
            vec![
                t("A-2"),
                t("讲座二"),
                t("讲座"),
                t(MAOPING),
                t("2101-03-01"),
            ],
        ],
    );
    let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
    let ctx = db::testing::ctx_of(app.db(), "staff").await;
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    assert!(!out.committed);
    let errors: Vec<_> = out.report.errors.iter().collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    for (e, line) in errors.iter().zip([2, 3]) {
        assert_eq!((e.row, e.column.as_deref()), (line, Some("开始日期")));
        assert!(e.message.contains("1900年至2100年"), "{e:?}");
    }
    assert_eq!(activities(&app).await, 0);
}

#[tokio::test]
async fn numbers_beyond_their_bound_are_refused_naming_the_field() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    let mut body = lecture("2020-07-08");
    body["materials"] = json!([{"name": "倡议书", "quantity": i64::MAX}]);
    let res = app
        .json("POST", "/api/v1/activities", body, Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "materials");
    assert!(res.body.contains("1000万"), "{}", res.body);

    let mut body = lecture("2020-07-08");
    body["head_count"] = json!(10_000_001);
    let res = app
        .json("POST", "/api/v1/activities", body, Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "head_count");

    let mut body = lecture("2020-07-08");
    body["summary"] = json!("长".repeat(5001));
    let res = app
        .json("POST", "/api/v1/activities", body, Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["fields"][0]["field"], "summary");
    assert_eq!(activities(&app).await, 0);
}

#[tokio::test]
async fn nul_bytes_and_invalid_utf8_are_refused_with_a_message_and_not_stored() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    // JSON with an escaped NUL.
    let raw = r#"{"name":"讲座\u0000","kind":"讲座","org_code":"420527101000","start_date":"2020-07-08"}"#;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/activities")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(raw))
        .expect("request");
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("U+0000")
    );

    // A form body with a NUL and one with bytes that are not UTF-8.
    for body in [
        "code=420527101299&name=%E6%B5%8B%00&kind=village&parent_code=420527101000",
        "code=420527101299&name=%FF%FE&kind=village&parent_code=420527101000",
    ] {
        let req = Request::builder()
            .method("POST")
            .uri("/orgs/new")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let res = app.send(req).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}: {}", res.body);
        assert!(res.body.contains("提交的内容含有"), "{}", res.body);
    }
    let org = db::entity::org::Entity::find()
        .all(&app.db().conn)
        .await
        .expect("orgs");
    assert!(org.iter().all(|o| o.code != "420527101299"));

    // A query string with a NUL.
    let res = app.get("/people?q=%00", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("网址参数含有不允许的控制字符"),
        "{}",
        res.body
    );

    // A ledger cell with a NUL.
    let mut w = ledger::WorkbookWriter::new();
    let t = |s: &str| ledger::OutCell::Text(s.into());
    w.add_sheet(
        "活动",
        &[
            "活动编号",
            "活动名称",
            "活动类型",
            "主办组织编码",
            "开始日期",
        ],
        &[vec![
            t("A-1"),
            t("讲\u{0}座"),
            t("讲座"),
            t(MAOPING),
            t("2020-07-08"),
        ]],
    );
    let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
    let ctx = db::testing::ctx_of(app.db(), "staff").await;
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    let e: Vec<_> = out.report.errors.iter().collect();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].column.as_deref(), Some("活动名称"));
    assert!(e[0].message.contains("U+0000"));
    assert_eq!(activities(&app).await, 0);
}

#[tokio::test]
async fn raw_rejections_come_out_in_chinese_as_a_page_or_as_json() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;

    // page=-1, on the API and on a page.
    let res = app.get("/api/v1/activities?page=-1", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let m = res.json()["error"]["message"].to_string();
    assert!(is_chinese(&m) && m.contains("「page」"), "{}", res.body);
    let res = app.get("/activities?page=-1", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        res.body.contains("网址参数「page」无效") && res.body.contains("<html"),
        "{}",
        res.body
    );

    // A malformed path parameter.
    let res = app.get("/api/v1/activities/abc", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(
        is_chinese(&res.json()["error"]["message"].to_string()),
        "{}",
        res.body
    );

    // An unknown address.
    let res = app.get("/no/such/page", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(
        res.body.contains("页面不存在") && res.body.contains("<html"),
        "{}",
        res.body
    );
    let res = app.get("/api/v1/no-such-thing", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");

    // A method the address doesn't take.
    let req = Request::builder()
        .method("DELETE")
        .uri("/api/v1/activities")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let res = app.send(req).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.json()["error"]["message"], "该地址不支持 DELETE 请求");

    // A JSON body over the 2 MB limit.
    let big = json!({"name": "长".repeat(1_000_000)});
    let res = app
        .json("POST", "/api/v1/activities", big, Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert!(
        is_chinese(&res.json()["error"]["message"].to_string()),
        "{}",
        res.body
    );

    // A JSON body of the wrong shape.
    let res = app
        .json("POST", "/api/v1/activities", json!([1, 2]), Some(&cookie))
        .await;
    assert!(res.status.is_client_error(), "{}", res.body);
    assert!(
        is_chinese(&res.json()["error"]["message"].to_string()),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn an_activity_code_held_in_another_subtree_is_never_told_and_can_be_used_there_too() {
    use crate::common::GUIZHOU;
    let app = TestApp::with_county().await;
    let maoping = app.login_as("maoping", Role::TownshipChair, MAOPING).await;
    let guizhou = app.login_as("guizhou", Role::TownshipChair, GUIZHOU).await;
    let with_code = |org: &str| {
        json!({
            "code": "2020-01", "name": "家庭教育讲座", "kind": "讲座", "org_code": org,
            "start_date": "2020-07-08", "head_count": 50
        })
    };
    let res = app
        .json(
            "POST",
            "/api/v1/activities",
            with_code(MAOPING),
            Some(&maoping),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    // 归州镇's chair numbers hers the same: a new activity of her own, and
    // nothing in the answer tells of 茅坪镇's.
    let res = app
        .json(
            "POST",
            "/api/v1/activities",
            with_code(GUIZHOU),
            Some(&guizhou),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert!(
        !res.body.contains("茅坪") && !res.body.contains("已存在"),
        "{}",
        res.body
    );
    let guizhou_id = res.json()["id"].as_i64().expect("id");
    assert_eq!(activities(&app).await, 2);

    // Her roster row for 2020-01 lands on her activity, not on 茅坪镇's.
    let mut w = ledger::WorkbookWriter::new();
    let t = |s: &str| ledger::OutCell::Text(s.into());
    w.add_sheet(
        "参与人员",
        &["活动编号", "姓名", "身份证号", "单位"],
        &[vec![
            t("2020-01"),
            t("郑小梅"),
            t(&id_number("19900101", 2)),
            t("归州镇妇联"),
        ]],
    );
    let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
    let ctx = db::testing::ctx_of(app.db(), "guizhou").await;
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    assert!(out.committed, "{:?}", out.report.errors);
    let res = app
        .get(
            &format!("/api/v1/activities/{guizhou_id}/attendees"),
            Some(&guizhou),
        )
        .await;
    assert!(res.body.contains("郑小梅"), "{}", res.body);

    // A code nobody in her view holds reads the same whether or not another
    // subtree holds it.
    let mut w = ledger::WorkbookWriter::new();
    w.add_sheet(
        "参与人员",
        &["活动编号", "姓名", "身份证号", "单位"],
        &[vec![
            t("2099-77"),
            t("郑小梅"),
            t(&id_number("19900101", 2)),
            t(""),
        ]],
    );
    let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    let unknown = out.report.errors[0].message.replace("2099-77", "X");
    let maoping_only = {
        let res = app
            .json(
                "POST",
                "/api/v1/activities",
                json!({
                    "code": "2020-02", "name": "讲座", "kind": "讲座", "org_code": MAOPING,
                    "start_date": "2020-07-09"
                }),
                Some(&maoping),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let mut w = ledger::WorkbookWriter::new();
        w.add_sheet(
            "参与人员",
            &["活动编号", "姓名", "身份证号", "单位"],
            &[vec![
                t("2020-02"),
                t("郑小梅"),
                t(&id_number("19900101", 2)),
                t(""),
            ]],
        );
        let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
        let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
            .await
            .expect("import");
        out.report.errors[0].message.replace("2020-02", "X")
    };
    assert_eq!(
        unknown, maoping_only,
        "an out-of-scope code must read as unknown"
    );

    // The county sees both 2020-01s: its roster row can't tell which one.
    let staff = db::testing::user(app.db(), "staff", Role::CountyStaff, COUNTY).await;
    let _ = staff;
    let county = db::testing::ctx_of(app.db(), "staff").await;
    let mut w = ledger::WorkbookWriter::new();
    w.add_sheet(
        "参与人员",
        &["活动编号", "姓名", "身份证号", "单位"],
        &[vec![
            t("2020-01"),
            t("向秀英"),
            t(&id_number("19850315", 4)),
            t(""),
        ]],
    );
    let wb = ledger::read_bytes("台账.xlsx", &w.to_xlsx_bytes().expect("xlsx")).expect("read");
    let out = db::import::import_workbook(app.db(), &county, &wb, false)
        .await
        .expect("import");
    assert!(!out.committed);
    assert!(
        out.report.errors[0].message.contains("无法确定"),
        "{:?}",
        out.report.errors
    );
}
