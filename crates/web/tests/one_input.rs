//! One activity input, three doors: the phone form, the JSON API and a ledger
//! row build the same draft and get the same check. A bad value is refused
//! at each with the same Chinese message, naming the contract's column, and
//! nothing is written.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{MAOPING_VILLAGE, TestApp};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;
use ledger::{Cell, RawRow, Sheet, Workbook};
use serde_json::json;

const BOUNDARY: &str = "----jinguo-one-input";

fn multipart(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn activities(app: &TestApp) -> u64 {
    db::entity::activity::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

/// The message each door gives for a 参与人数 of `head_count`, in the order
/// form, API, ledger.
async fn through_three_doors(head_count: &str, start_date: &str) -> [(String, String); 3] {
    let app = TestApp::with_county().await;
    let chair = app
        .login_as("yxt", Role::VillageChair, MAOPING_VILLAGE)
        .await;

    // The phone form.
    let form = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/activities/new")
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, &chair)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[
                    ("name", "家庭教育讲座"),
                    ("kind", "lecture"),
                    ("org_code", MAOPING_VILLAGE),
                    ("start_date", start_date),
                    ("head_count", head_count),
                ])))
                .expect("request"),
        )
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST, "{}", form.body);

    // The API.
    db::testing::user(app.db(), "yxt-api", Role::VillageChair, MAOPING_VILLAGE).await;
    let ctx = db::testing::ctx_of(app.db(), "yxt-api").await;
    let token = app
        .db()
        .write(async |tx| db::account::token::create(tx, &ctx, "对接").await)
        .await
        .expect("token")
        .1;
    let n: Option<i64> = head_count.parse().ok();
    let api = app
        .bearer(
            "POST",
            "/api/v1/activities",
            &token,
            Some(json!({
                "code": "YX-01", "name": "家庭教育讲座", "kind": "讲座",
                "org_code": MAOPING_VILLAGE, "start_date": start_date, "head_count": n,
            })),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let body = api.json();
    let fields = body["error"]["fields"].as_array().expect("field errors");
    assert_eq!(fields.len(), 1, "{body}");
    let api_error = (
        fields[0]["field"].as_str().unwrap_or_default().to_string(),
        fields[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    );

    // A ledger row.
    let headers = [
        "活动编号",
        "活动名称",
        "活动类型",
        "主办组织编码",
        "开始日期",
        "参与人数",
    ];
    let cells = [
        "YX-01",
        "家庭教育讲座",
        "讲座",
        MAOPING_VILLAGE,
        start_date,
        head_count,
    ];
    let wb = Workbook {
        sheets: vec![Sheet {
            name: "活动".into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: vec![RawRow {
                line: 2,
                cells: cells.iter().map(|c| Cell::text(c)).collect(),
            }],
        }],
        attachments: Vec::new(),
    };
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    assert!(!out.committed);
    assert_eq!(out.report.errors.len(), 1, "{:?}", out.report.errors);
    let issue = &out.report.errors[0];
    assert_eq!((issue.sheet.as_str(), issue.row), ("活动", 2));
    assert_eq!(activities(&app).await, 0, "nothing is written at any door");

    [
        (String::new(), form.body),
        api_error,
        (
            issue.column.clone().unwrap_or_default(),
            issue.message.clone(),
        ),
    ]
}

#[tokio::test]
async fn a_negative_head_count_gets_the_same_message_at_the_form_the_api_and_the_ledger() {
    let [form, api, ledger] = through_three_doors("-1", "2020-07-08").await;
    let message = "参与人数应为0到1000万之间的整数";
    assert!(form.1.contains(message), "form: {}", form.1);
    assert_eq!(api, ("head_count".to_string(), message.to_string()));
    assert_eq!(ledger, ("参与人数".to_string(), message.to_string()));
}

#[tokio::test]
async fn a_date_out_of_range_gets_the_same_message_at_the_form_the_api_and_the_ledger() {
    let [form, api, ledger] = through_three_doors("30", "0001-07-08").await;
    assert_eq!(api.0, "start_date");
    assert!(api.1.starts_with("开始日期：日期超出范围"), "{}", api.1);
    assert!(form.1.contains(&api.1), "form: {}", form.1);
    assert_eq!(ledger, ("开始日期".to_string(), api.1));
}

#[tokio::test]
async fn a_publicity_link_that_is_not_a_web_address_gets_the_same_message_at_all_three_doors() {
    let app = TestApp::with_county().await;
    let chair = app
        .login_as("yxt", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let message = "链接应以 http:// 或 https:// 开头";
    let fields = [
        ("title", "抗疫故事一"),
        ("channel", "屈乡巾帼公众号"),
        ("published_on", "2020-02-10"),
        ("org_code", MAOPING_VILLAGE),
        ("link", "javascript:alert(1)"),
    ];

    let form = app.post_form("/publicity/new", &fields, Some(&chair)).await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST, "{}", form.body);
    assert!(form.body.contains(message), "{}", form.body);

    db::testing::user(app.db(), "yxt-api", Role::VillageChair, MAOPING_VILLAGE).await;
    let ctx = db::testing::ctx_of(app.db(), "yxt-api").await;
    let token = app
        .db()
        .write(async |tx| db::account::token::create(tx, &ctx, "对接").await)
        .await
        .expect("token")
        .1;
    let body: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let api = app
        .bearer("POST", "/api/v1/publicity", &token, Some(body.into()))
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let json = api.json();
    assert_eq!(json["error"]["fields"][0]["field"], "link");
    assert_eq!(json["error"]["fields"][0]["message"], message);

    let headers = ["标题", "发布平台", "发布日期", "发布组织编码", "链接"];
    let wb = Workbook {
        sheets: vec![Sheet {
            name: "宣传".into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: vec![RawRow {
                line: 2,
                cells: fields.iter().map(|(_, v)| Cell::text(v)).collect(),
            }],
        }],
        attachments: Vec::new(),
    };
    let out = db::import::import_workbook(app.db(), &ctx, &wb, false)
        .await
        .expect("import");
    let issue = &out.report.errors[0];
    assert_eq!(out.report.errors.len(), 1, "{:?}", out.report.errors);
    assert_eq!(
        (issue.row, issue.column.as_deref(), issue.message.as_str()),
        (2, Some("链接"), message)
    );
    assert_eq!(
        db::entity::publicity_item::Entity::find()
            .count(&app.db().conn)
            .await
            .expect("count"),
        0
    );
}
