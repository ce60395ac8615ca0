//! The record life of an activity through its pages (issue 20, the area
//! kit): 取消 needs a reason and 恢复 undoes it; 删除 is for the author within
//! 24 hours or an admin, says first what goes with it and removes the photo
//! files; the list's 导出Excel holds exactly the filtered rows; out of sight is
//! 404, and every POST needs our own origin.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use calamine::{Data, Reader, Xlsx};
use common::{COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, Res, TestApp};
use db::{
    activity::ActivityInput,
    entity::{activity as activity_entity, audit_log, photo},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set},
};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
};

const BOUNDARY: &str = "----jinguo-life-boundary";

fn input(code: &str, name: &str, kind: ActivityKind, org: &str, day: &str) -> ActivityInput {
    ActivityDraft {
        code: code.into(),
        name: name.into(),
        kind: kind.code().into(),
        org_code: org.into(),
        start_date: day.into(),
        place: "村委会".into(),
        head_count: "30".into(),
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity")
}

/// Records an activity as the fixture user `username` (its author).
async fn record_as(app: &TestApp, username: &str, input: &ActivityInput) -> i64 {
    let ctx = db::testing::ctx_of(app.db(), username).await;
    app.db()
        .write(async |tx| db::activity::upsert(tx, &ctx, input).await)
        .await
        .expect("activity")
        .0
        .id
}

async fn lecture_by(app: &TestApp, username: &str, code: &str, org: &str) -> i64 {
    record_as(
        app,
        username,
        &input(
            code,
            "家庭教育讲座",
            ActivityKind::Lecture,
            org,
            "2020-06-01",
        ),
    )
    .await
}

async fn status_of(app: &TestApp, id: i64) -> Option<String> {
    activity_entity::Entity::find_by_id(id)
        .one(&app.db().conn)
        .await
        .unwrap()
        .map(|a| a.status)
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 9]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn upload_photo(app: &TestApp, id: i64, cookie: &str) -> Res {
    let mut b = Vec::new();
    b.extend(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    b.extend(png());
    b.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    app.send(
        Request::builder()
            .method("POST")
            .uri(format!("/activities/{id}/photos"))
            .header(header::HOST, common::HOST)
            .header(header::ORIGIN, common::ORIGIN)
            .header(header::COOKIE, cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(b))
            .unwrap(),
    )
    .await
}

/// Moves activity `id`'s create row `hours` into the past (no sleeping);
/// before its page is first read, so no cached page holds the old time.
async fn backdate_creation(app: &TestApp, id: i64, hours: i64) {
    let c = &app.db().conn;
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(id.to_string()))
        .filter(audit_log::Column::Action.eq("create"))
        .one(c)
        .await
        .unwrap()
        .expect("create row");
    let at = row.at - chrono::Duration::hours(hours);
    let mut am = row.into_active_model();
    am.at = Set(at);
    am.update(c).await.unwrap();
}

#[tokio::test]
async fn cancelling_needs_a_reason_and_the_page_then_says_why_who_and_when_until_restored() {
    let app = TestApp::with_county().await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = lecture_by(&app, "yx", "JJ-1", MAOPING_VILLAGE).await;
    let page = app.get(&format!("/activities/{id}"), Some(&yx)).await;
    assert!(
        page.body
            .contains(&format!("href=\"/activities/{id}/edit\""))
            && page
                .body
                .contains(&format!("action=\"/activities/{id}/cancel\"")),
        "修改 and 取消 offered to her: {}",
        page.body
    );

    // 上级查看 reads the county's activities and changes none: no buttons,
    // and the step itself is refused.
    let viewer = app.login_as("sj", Role::UpperViewer, COUNTY).await;
    let read_only = app.get(&format!("/activities/{id}"), Some(&viewer)).await;
    assert_eq!(read_only.status, StatusCode::OK);
    assert!(
        !read_only.body.contains("/edit\"")
            && !read_only.body.contains("/cancel\"")
            && !read_only.body.contains("/delete\""),
        "{}",
        read_only.body
    );

    let path = format!("/activities/{id}/cancel");
    let refused = app
        .post_form(&path, &[("reason", "越权")], Some(&viewer))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let blank = app.post_form(&path, &[("reason", "  ")], Some(&yx)).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert!(blank.body.contains("请填写取消原因"), "{}", blank.body);
    let long = "雨".repeat(201);
    let too_long = app.post_form(&path, &[("reason", &long)], Some(&yx)).await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(
        too_long.body.contains("不能超过200个字"),
        "{}",
        too_long.body
    );
    assert_eq!(status_of(&app, id).await.as_deref(), Some("done"));

    let done = app
        .post_form(&path, &[("reason", "因暴雨改期")], Some(&yx))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(status_of(&app, id).await.as_deref(), Some("cancelled"));
    let page = app.get(&format!("/activities/{id}"), Some(&yx)).await;
    assert!(
        page.body.contains("已取消")
            && page.body.contains("取消原因：因暴雨改期（yx，")
            && page
                .body
                .contains(&format!("action=\"/activities/{id}/restore\"")),
        "{}",
        page.body
    );
    let again = app.post_form(&path, &[("reason", "再次")], Some(&yx)).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("该活动已取消"), "{}", again.body);
    // The list filtered by 已取消 finds it.
    let list = app.get("/activities?status=cancelled", Some(&yx)).await;
    assert!(
        list.body.contains(&format!("/activities/{id}\"")),
        "{}",
        list.body
    );

    let back = app
        .post_form(&format!("/activities/{id}/restore"), &[], Some(&yx))
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(status_of(&app, id).await.as_deref(), Some("done"));
    let page = app.get(&format!("/activities/{id}"), Some(&yx)).await;
    assert!(!page.body.contains("取消原因："), "{}", page.body);

    // The trail names both steps in Chinese for the county's auditor.
    let admin = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let audit = app.get("/audit?entity=activity", Some(&admin)).await;
    assert!(
        audit
            .body
            .contains("取消活动「家庭教育讲座」；原因：因暴雨改期")
            && audit.body.contains(">恢复<"),
        "{}",
        audit.body
    );
}

#[tokio::test]
async fn the_author_deletes_her_activity_within_24_hours_another_chair_cannot_and_an_admin_can() {
    let app = TestApp::with_county().await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let yx2 = app
        .login_as("yx2", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let staff = app.login_as("gz", Role::CountyStaff, COUNTY).await;
    let admin = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let fresh = lecture_by(&app, "yx", "SC-1", MAOPING_VILLAGE).await;
    let old = lecture_by(&app, "yx", "SC-2", MAOPING_VILLAGE).await;
    backdate_creation(&app, old, 25).await;
    let link = |id: i64| format!("href=\"/activities/{id}/delete\"");

    // Another chair of the same village: she may change it, not delete it.
    let page = app.get(&format!("/activities/{fresh}"), Some(&yx2)).await;
    assert!(page.body.contains("/edit\"") && !page.body.contains(&link(fresh)));
    let path = format!("/activities/{fresh}/delete");
    assert_eq!(
        app.get(&path, Some(&yx2)).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = app.post_form(&path, &[], Some(&yx2)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("24小时"), "{}", refused.body);
    // County staff record for the whole county but hold no 活动·管理.
    assert_eq!(
        app.post_form(&path, &[], Some(&staff)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(status_of(&app, fresh).await.is_some());

    // Her own, at once.
    let page = app.get(&format!("/activities/{fresh}"), Some(&yx)).await;
    assert!(page.body.contains(&link(fresh)), "{}", page.body);
    let confirm = app.get(&path, Some(&yx)).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("确认删除"), "{}", confirm.body);
    let gone = app.post_form(&path, &[], Some(&yx)).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert_eq!(gone.location(), Some("/activities?deleted=1"));
    assert_eq!(status_of(&app, fresh).await, None);
    let list = app.get("/activities?deleted=1", Some(&yx)).await;
    assert!(list.body.contains("活动已删除"));
    assert_eq!(
        app.get(&format!("/activities/{fresh}"), Some(&yx))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Her own, a day later: no longer; the admin may.
    let page = app.get(&format!("/activities/{old}"), Some(&yx)).await;
    assert!(!page.body.contains(&link(old)), "{}", page.body);
    let old_path = format!("/activities/{old}/delete");
    let late = app.post_form(&old_path, &[], Some(&yx)).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
    assert!(late.body.contains("超过24小时"), "{}", late.body);
    let page = app.get(&format!("/activities/{old}"), Some(&admin)).await;
    assert!(page.body.contains(&link(old)), "{}", page.body);
    let by_admin = app.post_form(&old_path, &[], Some(&admin)).await;
    assert_eq!(by_admin.status, StatusCode::SEE_OTHER, "{}", by_admin.body);
    assert_eq!(status_of(&app, old).await, None);

    let deletes = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("delete"))
        .all(&app.db().conn)
        .await
        .unwrap();
    let actors: Vec<&str> = deletes.iter().map(|r| r.actor_name.as_str()).collect();
    assert_eq!(actors, ["yx", "xian"]);
    assert!(deletes.iter().all(|r| r.before_json.is_some()));
}

#[tokio::test]
async fn deleting_an_activity_removes_its_photo_files_from_disk() {
    let app = TestApp::with_county().await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = lecture_by(&app, "yx", "ZP-1", MAOPING_VILLAGE).await;
    let up = upload_photo(&app, id, &yx).await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.body);
    let p = photo::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("photo row");
    let files = [
        db::activity::photo::file_of(app.data_dir(), &p, false),
        db::activity::photo::file_of(app.data_dir(), &p, true),
    ];
    for f in &files {
        assert!(f.exists(), "{} stored", f.display());
    }

    let confirm = app
        .get(&format!("/activities/{id}/delete"), Some(&yx))
        .await;
    assert!(confirm.body.contains("照片 1 张"), "{}", confirm.body);
    let res = app
        .post_form(&format!("/activities/{id}/delete"), &[], Some(&yx))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for f in &files {
        assert!(!f.exists(), "{} left on disk", f.display());
    }
    assert!(
        photo::Entity::find()
            .one(&app.db().conn)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.get(&format!("/photos/{}", p.id), Some(&yx))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn another_townships_activity_is_not_found_for_every_life_step() {
    let app = TestApp::with_county().await;
    app.login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let guizhou = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let id = lecture_by(&app, "yx", "FW-1", MAOPING_VILLAGE).await;
    assert_eq!(
        app.get(&format!("/activities/{id}/delete"), Some(&guizhou))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for (step, form) in [
        ("cancel", vec![("reason", "越权")]),
        ("restore", vec![]),
        ("delete", vec![]),
    ] {
        let res = app
            .post_form(&format!("/activities/{id}/{step}"), &form, Some(&guizhou))
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{step}: {}", res.body);
    }
    assert_eq!(status_of(&app, id).await.as_deref(), Some("done"));
}

#[tokio::test]
async fn a_life_step_posted_from_another_site_is_refused() {
    let app = TestApp::with_county().await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = lecture_by(&app, "yx", "KZ-1", MAOPING_VILLAGE).await;
    for (step, body) in [("cancel", "reason=x"), ("delete", "")] {
        let res = app
            .send(
                Request::builder()
                    .method("POST")
                    .uri(format!("/activities/{id}/{step}"))
                    .header(header::HOST, common::HOST)
                    .header(header::ORIGIN, "http://evil.example")
                    .header(header::COOKIE, &yx)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{step}");
        assert!(res.body.contains("请求来源校验失败"), "{}", res.body);
    }
    assert_eq!(status_of(&app, id).await.as_deref(), Some("done"));
}

/// The data rows of the export's one sheet, as text.
fn sheet_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let range = book.worksheet_range("活动").expect("sheet 活动");
    let mut rows = range.rows().map(|r| {
        r.iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
    });
    let head = rows.next().expect("header row");
    (head, rows.collect())
}

#[tokio::test]
async fn the_excel_export_holds_exactly_the_filtered_rows_in_the_callers_scope() {
    let app = TestApp::with_county().await;
    let maoping = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let rows = [
        (
            "mp",
            "A-1",
            "=SUM(1,2)讲座",
            ActivityKind::Lecture,
            MAOPING_VILLAGE,
            "2020-03-01",
        ),
        (
            "mp",
            "A-2",
            "巾帼宣讲",
            ActivityKind::Propaganda,
            MAOPING_VILLAGE,
            "2020-05-01",
        ),
        (
            "mp",
            "A-3",
            "镇级讲座",
            ActivityKind::Lecture,
            MAOPING,
            "2021-01-10",
        ),
        (
            "mp",
            "A-4",
            "往年讲座",
            ActivityKind::Lecture,
            MAOPING,
            "2019-12-31",
        ),
        (
            "gz",
            "B-1",
            "归州讲座",
            ActivityKind::Lecture,
            GUIZHOU,
            "2020-04-01",
        ),
    ];
    for (who, code, name, kind, org, day) in rows {
        record_as(&app, who, &input(code, name, kind, org, day)).await;
    }
    let query = "kind=lecture&from=2020-01-01&to=2021-12-31";
    let list = app
        .get(&format!("/activities?{query}"), Some(&maoping))
        .await;
    let href = format!(
        "href=\"/activities/export?{}\"",
        query.replace('&', "&#38;")
    );
    assert!(
        list.body.contains(&href),
        "the link carries the filters: {}",
        list.body
    );

    let res = app
        .get(&format!("/activities/export?{query}"), Some(&maoping))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"),
    );
    let (head, data) = sheet_rows(&res.bytes);
    assert_eq!(
        &head[..5],
        ["活动编号", "活动名称", "品牌项目", "活动类型", "状态"]
    );
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let codes: Vec<&str> = data.iter().map(|r| r[col("活动编号")].as_str()).collect();
    // Lectures of 2020–2021 that 茅坪镇 may see, newest first: not the
    // propaganda, not 2019's, not 归州镇's.
    assert_eq!(codes, ["A-3", "A-1"]);
    let a1 = &data[1];
    assert_eq!(a1[col("活动名称")], "=SUM(1,2)讲座", "kept as text");
    assert_eq!(a1[col("主办组织编码")], MAOPING_VILLAGE);
    assert_eq!(a1[col("活动类型")], "讲座");
    assert_eq!(a1[col("参与人数")], "30");
    let mut book = Xlsx::new(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let formulas = book.worksheet_formula("活动").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a formula cell was written"
    );

    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("export"))
        .filter(audit_log::Column::Entity.eq("activity"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("export audited");
    assert!(
        logged.summary.contains("2条") && logged.summary.contains("类型讲座"),
        "{}",
        logged.summary
    );
    assert_eq!(logged.actor_name, "mp");

    // Unfiltered, her export is still her township's only.
    let all = app.get("/activities/export", Some(&maoping)).await;
    let (_, data) = sheet_rows(&all.bytes);
    assert_eq!(data.len(), 4);
    assert!(
        data.iter()
            .flatten()
            .all(|c| !c.contains("归州") && c != GUIZHOU),
        "{data:?}"
    );
    // A village chair has no 活动·导出: no link, and 403.
    let list = app.get("/activities", Some(&yx)).await;
    assert!(!list.body.contains("/activities/export"));
    assert_eq!(
        app.get("/activities/export", Some(&yx)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_cancelled_activity_stays_cancelled_through_an_edit_a_reimport_and_the_api() {
    let app = TestApp::with_county().await;
    let yx = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let id = lecture_by(&app, "yx", "JJ-7", MAOPING_VILLAGE).await;
    let ctx = db::testing::ctx_of(app.db(), "yx").await;
    app.db()
        .write(async |tx| db::activity::life::cancel(tx, &ctx, id, "暴雨改期").await)
        .await
        .expect("cancel");

    // Her correction of the name is kept; the status is not touched.
    let edit = app
        .post_form(
            &format!("/activities/{id}/edit"),
            &[
                ("name", "家庭教育讲座（改期）"),
                ("kind", "lecture"),
                ("start_date", "2020-06-01"),
                ("org_code", MAOPING_VILLAGE),
            ],
            Some(&yx),
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    assert_eq!(status_of(&app, id).await.as_deref(), Some("cancelled"));

    // The same 活动编号 written again (a ledger re-import, an API upsert).
    record_as(
        &app,
        "yx",
        &input(
            "JJ-7",
            "家庭教育讲座",
            ActivityKind::Lecture,
            MAOPING_VILLAGE,
            "2020-06-01",
        ),
    )
    .await;
    assert_eq!(status_of(&app, id).await.as_deref(), Some("cancelled"));
    let page = app.get(&format!("/activities/{id}"), Some(&yx)).await;
    assert!(page.body.contains("暴雨改期"), "{}", page.body);

    // A new activity can't be created already cancelled, at any door.
    let draft = domain::activity::ActivityDraft {
        status: "已取消".into(),
        ..input(
            "JJ-8",
            "讲座",
            ActivityKind::Lecture,
            MAOPING_VILLAGE,
            "2020-06-01",
        )
        .to_draft()
    };
    let refused = draft.validate(domain::date::today_beijing()).unwrap_err();
    assert!(refused.message_for("status").unwrap().contains("原因"));
}
