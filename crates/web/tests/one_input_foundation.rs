//! The foundation's record kinds through three doors: an org, a venue, a
//! person, an officer's post and a survey, each with one bad value, sent by
//! the web form, the JSON API and a ledger row. Each door refuses it with the
//! same Chinese message, at the field the ledger contract names, and writes
//! nothing.

mod common;

use axum::http::StatusCode;
use common::{MAOPING, MAOPING_VILLAGE, TestApp};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;
use ledger::{Cell, RawRow, Sheet, Workbook};
use serde_json::{Value, json};

/// One bad record as each door takes it.
struct Doors<'a> {
    /// Form path and its fields.
    form: (&'a str, &'a [(&'a str, &'a str)]),
    /// API path and body.
    api: (&'a str, Value),
    /// Sheet name, headers and the one row.
    sheet: (&'a str, &'a [&'a str], &'a [&'a str]),
}

/// What each door said: the form page, the API's (field, message) and the
/// ledger's (column, message).
struct Said {
    form: String,
    api: (String, String),
    ledger: (String, String),
}

async fn through_three_doors(app: &TestApp, doors: Doors<'_>) -> Said {
    let admin = app.login_as("xfl", Role::CountyAdmin, common::COUNTY).await;
    let form = app
        .post_form(doors.form.0, doors.form.1, Some(&admin))
        .await;
    assert_eq!(form.status, StatusCode::BAD_REQUEST, "{}", form.body);

    db::testing::user(app.db(), "xfl-api", Role::CountyAdmin, common::COUNTY).await;
    let ctx = db::testing::ctx_of(app.db(), "xfl-api").await;
    let token = app
        .db()
        .write(async |tx| db::account::token::create(tx, &ctx, "对接").await)
        .await
        .expect("token")
        .1;
    let api = app
        .bearer("POST", doors.api.0, &token, Some(doors.api.1))
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.body);
    let body = api.json();
    let fields = body["error"]["fields"].as_array().expect("field errors");
    assert_eq!(fields.len(), 1, "{body}");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();

    let (name, headers, cells) = doors.sheet;
    let wb = Workbook {
        sheets: vec![Sheet {
            name: name.into(),
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
    assert_eq!((issue.sheet.as_str(), issue.row), (name, 2));
    Said {
        form: form.body,
        api: (text(&fields[0]["field"]), text(&fields[0]["message"])),
        ledger: (
            issue.column.clone().unwrap_or_default(),
            issue.message.clone(),
        ),
    }
}

/// The same message at all three doors, at `field` (API) and `column` (sheet).
fn assert_same(said: &Said, field: &str, column: &str, message: &str) {
    assert!(said.form.contains(message), "form: {}", said.form);
    assert_eq!(said.api, (field.to_string(), message.to_string()));
    assert_eq!(said.ledger, (column.to_string(), message.to_string()));
}

/// How many rows of entity `$e` are stored.
macro_rules! count {
    ($app:expr, $e:ident) => {
        db::entity::$e::Entity::find()
            .count(&$app.db().conn)
            .await
            .expect("count")
    };
}

#[tokio::test]
async fn an_org_founded_after_today_is_refused_alike_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    let orgs = count!(app, org);
    let said = through_three_doors(
        &app,
        Doors {
            form: (
                "/orgs/new",
                &[
                    ("parent_code", MAOPING),
                    ("code", "420527101209"),
                    ("name", "新建村妇联"),
                    ("kind", "village"),
                    ("founded_on", "2099-01-01"),
                ],
            ),
            api: (
                "/api/v1/orgs",
                json!({"code": "420527101209", "name": "新建村妇联", "kind": "村妇联",
                       "parent_code": MAOPING, "founded_on": "2099-01-01"}),
            ),
            sheet: (
                "组织",
                &[
                    "组织编码",
                    "组织名称",
                    "组织类型",
                    "上级组织编码",
                    "成立日期",
                ],
                &[
                    "420527101209",
                    "新建村妇联",
                    "村妇联",
                    MAOPING,
                    "2099-01-01",
                ],
            ),
        },
    )
    .await;
    assert_same(&said, "founded_on", "成立日期", "成立日期不能晚于今天");
    assert_eq!(count!(app, org), orgs);
}

#[tokio::test]
async fn a_venue_rated_nationally_is_refused_alike_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    let said = through_three_doors(
        &app,
        Doors {
            form: (
                &format!("/orgs/{MAOPING_VILLAGE}/venues/new"),
                &[
                    ("name", "银杏沱村妇女之家"),
                    ("kind", "womens_home"),
                    ("rating", "model"),
                    ("rating_level", "国家级"),
                ],
            ),
            api: (
                "/api/v1/venues",
                json!({"name": "银杏沱村妇女之家", "kind": "妇女之家", "org_code": MAOPING_VILLAGE,
                       "rating": "示范", "rating_level": "国家级"}),
            ),
            sheet: (
                "阵地",
                &["阵地名称", "阵地类型", "所属组织编码", "等级", "等级级别"],
                &[
                    "银杏沱村妇女之家",
                    "妇女之家",
                    MAOPING_VILLAGE,
                    "示范",
                    "国家级",
                ],
            ),
        },
    )
    .await;
    assert_same(
        &said,
        "rating_level",
        "等级级别",
        "等级级别「国家级」无效，可选：县级、市级、省级",
    );
    assert_eq!(count!(app, venue), 0);
}

#[tokio::test]
async fn a_wrong_check_digit_is_refused_alike_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    // 420527198001010035 is valid; the last digit is changed.
    let bad = "420527198001010036";
    let said = through_three_doors(
        &app,
        Doors {
            form: (
                "/people/new",
                &[
                    ("name", "向秀英"),
                    ("id_number", bad),
                    ("org_code", MAOPING_VILLAGE),
                ],
            ),
            api: (
                "/api/v1/people",
                json!({"name": "向秀英", "id_number": bad, "org_code": MAOPING_VILLAGE}),
            ),
            sheet: (
                "人员",
                &["姓名", "身份证号", "所属组织编码"],
                &["向秀英", bad, MAOPING_VILLAGE],
            ),
        },
    )
    .await;
    assert_same(&said, "id_number", "身份证号", "身份证号校验位错误");
    assert_eq!(count!(app, person), 0);
}

#[tokio::test]
async fn a_term_ending_before_it_starts_is_refused_alike_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    let id = "420527198001010035";
    let said = through_three_doors(
        &app,
        Doors {
            form: (
                &format!("/orgs/{MAOPING_VILLAGE}/officers/new"),
                &[
                    ("name", "向秀英"),
                    ("id_number", id),
                    ("post", "chair"),
                    ("term_start", "2020-01-01"),
                    ("term_end", "2019-12-31"),
                ],
            ),
            api: (
                "/api/v1/officers",
                json!({"name": "向秀英", "id_number": id, "org_code": MAOPING_VILLAGE,
                       "post": "主席", "term_start": "2020-01-01", "term_end": "2019-12-31"}),
            ),
            sheet: (
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
                    "向秀英",
                    id,
                    MAOPING_VILLAGE,
                    "主席",
                    "2020-01-01",
                    "2019-12-31",
                ],
            ),
        },
    )
    .await;
    assert_same(&said, "term_end", "任职结束", "任职结束早于任职开始");
    assert_eq!(count!(app, officer), 0);
    assert_eq!(count!(app, person), 0);
}

#[tokio::test]
async fn a_survey_dated_after_today_is_refused_alike_at_the_form_the_api_and_the_ledger() {
    let app = TestApp::with_county().await;
    let said = through_three_doors(
        &app,
        Doors {
            form: (
                &format!("/orgs/{MAOPING_VILLAGE}/surveys/new"),
                &[("date", "2099-07-08"), ("surveyor", "县妇联 王主席")],
            ),
            api: (
                "/api/v1/surveys",
                json!({"org_code": MAOPING_VILLAGE, "date": "2099-07-08", "surveyor": "县妇联 王主席"}),
            ),
            sheet: (
                "调研",
                &["组织编码", "日期", "调研人"],
                &[MAOPING_VILLAGE, "2099-07-08", "县妇联 王主席"],
            ),
        },
    )
    .await;
    assert_same(&said, "date", "日期", "日期不能晚于今天");
    assert_eq!(count!(app, survey), 0);
}
