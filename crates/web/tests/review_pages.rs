//! The year-end review pages: choose org and period, preview with figures
//! from the records, reorder highlights (saved in the draft), the outline
//! editor's checks, and the downloads (DOCX, XLSX) as real files.

mod common;

use std::io::Read;

use axum::http::{StatusCode, header};
use common::{COUNTY, GUIZHOU, MAOPING, TestApp};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
};

async fn activity(app: &TestApp, name: &str, programme: &str, org: &str, date: &str) {
    let input = ActivityDraft {
        name: name.into(),
        programme: programme.into(),
        kind: ActivityKind::Lecture.code().into(),
        org_code: org.into(),
        start_date: date.into(),
        units_reached: "3".into(),
        head_count: "40".into(),
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity");
    app.db()
        .write(async |tx| db::activity::upsert(tx, &db::testing::operator(), &input).await)
        .await
        .unwrap_or_else(|e| panic!("fixture activity {name}: {e}"));
}

/// 2020: one 母亲讲堂 lecture in 茅坪镇, one 家庭助廉 lecture in 归州镇.
async fn fixture() -> (TestApp, String) {
    let app = TestApp::with_county().await;
    activity(&app, "母亲讲堂进机关", "母亲讲堂", MAOPING, "2020-03-05").await;
    activity(&app, "家庭助廉座谈会", "家庭助廉", GUIZHOU, "2020-06-01").await;
    let cookie = app.login_as("staff", Role::CountyStaff, COUNTY).await;
    (app, cookie)
}

/// An outline with one part and two highlights, 甲 (母亲讲堂) then 乙 (家庭助廉).
const TWO_HIGHLIGHTS: &str = r#"{"title": "{org}{period}盘点", "parts": [{"key": "p", "title": "家庭建设", "highlights": [
  {"key": "a", "motto": "甲 · 母亲讲堂", "sections": [{"heading": "讲堂", "feed": {"feed": "activities", "programme": "母亲讲堂"}}]},
  {"key": "b", "motto": "乙 · 家庭助廉", "sections": [{"heading": "助廉", "feed": {"feed": "activities", "programme": "家庭助廉"}}]}
]}]}"#;

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut f = z
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the zip"));
    let mut s = String::new();
    f.read_to_string(&mut s).expect("utf-8");
    s
}

#[tokio::test]
async fn choosing_org_and_year_opens_a_preview_stating_figures_from_the_records() {
    let (app, cookie) = fixture().await;

    let res = app
        .post_form(
            "/review/preview",
            &[("org", COUNTY), ("period", "2020年")],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/review/420527000000/2020"));
    let page = app.get("/review/420527000000/2020", Some(&cookie)).await;

    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<article class=\"review-preview\""));
    assert!(page.body.contains("母亲讲堂播良种"), "{}", page.body);
    assert!(page.body.contains("1期"), "a figure from the records");
    assert!(
        page.body
            .contains("/review/420527000000/2020/download?format=docx")
    );
}

#[tokio::test]
async fn a_bad_period_is_refused_with_a_chinese_message() {
    let (app, cookie) = fixture().await;

    let res = app
        .post_form(
            "/review/preview",
            &[("org", COUNTY), ("period", "2020年13月")],
            Some(&cookie),
        )
        .await;
    let direct = app
        .get(
            "/review/420527000000/20x0/download?format=docx",
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("盘点期间「2020年13月」无效"),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("value=\"2020年13月\""),
        "the input is kept"
    );
    assert_eq!(direct.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn moving_a_highlight_up_changes_the_preview_order_and_is_saved_in_the_draft() {
    let (app, cookie) = fixture().await;
    let saved = app
        .post_form(
            "/review/outline",
            &[("org", COUNTY), ("json", TWO_HIGHLIGHTS)],
            Some(&cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let before = app.get("/review/420527000000/2020", Some(&cookie)).await;
    let pos = |body: &str, s: &str| body.find(s).unwrap_or_else(|| panic!("{s} in {body}"));
    assert!(
        pos(&before.body, "<p class=\"motto\">甲") < pos(&before.body, "<p class=\"motto\">乙")
    );

    let res = app
        .post_form(
            "/review/420527000000/2020",
            &[
                ("title", "秭归县妇联2020年盘点"),
                ("preface", "导语第一段"),
                ("closing", ""),
                ("keys", "a"),
                ("keys", "b"),
                ("move", "up:b"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = app.get("/review/420527000000/2020", Some(&cookie)).await;

    assert!(pos(&after.body, "<p class=\"motto\">乙") < pos(&after.body, "<p class=\"motto\">甲"));
    assert!(after.body.contains("<p class=\"center\">导语第一段</p>"));
    let ctx = db::testing::ctx_of(app.db(), "staff").await;
    let draft = db::review::store::load_draft(&app.db().conn, &ctx, COUNTY, "2020")
        .await
        .unwrap()
        .expect("draft saved");
    let draft: serde_json::Value = serde_json::from_str(&draft).unwrap();
    assert_eq!(draft["highlight_order"], serde_json::json!(["b", "a"]));
}

#[tokio::test]
async fn a_broken_outline_is_refused_with_a_chinese_message_and_nothing_is_saved() {
    let (app, cookie) = fixture().await;

    let res = app
        .post_form(
            "/review/outline",
            &[("org", COUNTY), ("json", "{\"parts\": [")],
            Some(&cookie),
        )
        .await;
    let default = app
        .get("/review/outline?org=420527000000&default=1", Some(&cookie))
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("JSON 语法有误"), "{}", res.body);
    let ctx = db::testing::ctx_of(app.db(), "staff").await;
    let stored = db::review::store::load_outline(&app.db().conn, &ctx, COUNTY)
        .await
        .unwrap();
    assert!(stored.is_none());
    assert_eq!(default.status, StatusCode::OK);
    assert!(default.body.contains("尚未保存，当前为默认提纲"));
    assert!(default.body.contains("品牌项目「母亲讲堂」"));
}

#[tokio::test]
async fn the_docx_download_is_a_word_file_naming_the_org() {
    let (app, cookie) = fixture().await;

    let res = app
        .get(
            "/review/420527000000/2020/download?format=docx",
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.bytes.starts_with(b"PK"));
    let cd = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    // 秭归县妇联2020年度盘点.docx, percent-encoded (RFC 5987).
    assert!(cd.contains("filename*=UTF-8''%E7%A7%AD%E5%BD%92%E5%8E%BF%E5%A6%87%E8%81%942020%E5%B9%B4%E5%BA%A6%E7%9B%98%E7%82%B9.docx"), "{cd}");
    assert!(unzip(&res.bytes, "word/document.xml").contains("秭归县妇联"));
}

#[tokio::test]
async fn the_xlsx_download_is_a_workbook_of_the_statistics() {
    let (app, cookie) = fixture().await;

    let res = app
        .get(
            "/review/420527000000/2020/download?format=xlsx",
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.bytes.starts_with(b"PK"));
    assert!(unzip(&res.bytes, "xl/workbook.xml").contains("<sheet"));
}

#[tokio::test]
async fn a_township_chair_cannot_open_the_other_townships_review() {
    let (app, _) = fixture().await;
    let cookie = app.login_as("maoping", Role::TownshipChair, MAOPING).await;

    let other = app.get("/review/420527102000/2020", Some(&cookie)).await;
    let own = app.get("/review/420527101000/2020", Some(&cookie)).await;

    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.body.contains("家庭助廉座谈会"));
}

#[tokio::test]
async fn a_township_without_an_outline_uses_its_countys_saved_outline() {
    let (app, cookie) = fixture().await;
    let saved = app
        .post_form(
            "/review/outline",
            &[("org", COUNTY), ("json", TWO_HIGHLIGHTS)],
            Some(&cookie),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let chair = app.login_as("maoping", Role::TownshipChair, MAOPING).await;

    let review = app.get("/review/420527101000/2020", Some(&chair)).await;
    let outline = app
        .get("/review/outline?org=420527101000", Some(&chair))
        .await;

    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    // The county's outline: its one part and highlight 甲 (茅坪镇 has no 家庭助廉).
    assert!(review.body.contains("家庭建设"), "{}", review.body);
    assert!(review.body.contains("<p class=\"motto\">甲 · 母亲讲堂"));
    assert!(!review.body.contains("思想引领"), "not the default outline");
    assert_eq!(outline.status, StatusCode::OK);
    assert!(
        outline.body.contains("尚未保存，当前沿用秭归县妇联的提纲"),
        "{}",
        outline.body
    );
}

#[tokio::test]
async fn the_preview_and_the_docx_show_the_activity_charts() {
    let (app, cookie) = fixture().await;

    let page = app.get("/review/420527000000/2020", Some(&cookie)).await;
    let docx = app
        .get(
            "/review/420527000000/2020/download?format=docx",
            Some(&cookie),
        )
        .await;

    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("数据一览"));
    for title in ["各下级组织开展活动情况", "各月开展活动情况", "活动类型分布"]
    {
        assert!(
            page.body.contains(&format!("alt=\"{title}\"")),
            "{title}: {}",
            page.body
        );
    }
    assert!(
        page.body.contains("src=\"data:image&#x2f;svg+xml;base64,")
            || page.body.contains("src=\"data:image/svg+xml;base64,")
    );
    assert_eq!(docx.status, StatusCode::OK);
    let z = zip::ZipArchive::new(std::io::Cursor::new(&docx.bytes)).expect("zip");
    let charts = z
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .count();
    assert_eq!(charts, 3, "bar, line and pie as pictures");
}
