//! Programmes as data, changing an activity, and the home page's latest
//! activities.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, TestApp};
use db::{
    entity::{audit_log, programme},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::operator,
};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
};

const BOUNDARY: &str = "----jinguo-more-boundary";

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 250) as u8, (y % 250) as u8, 7])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn multipart(fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        b.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n")
                .as_bytes(),
        );
        b.extend(bytes);
        b.extend(b"\r\n");
    }
    b.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn seed_activity(app: &TestApp, code: &str, org: &str) -> i64 {
    let input = ActivityDraft {
        code: code.into(),
        name: "家庭教育讲座".into(),
        kind: ActivityKind::Lecture.code().into(),
        org_code: org.into(),
        start_date: "2020-06-01".into(),
        place: "村委会".into(),
        head_count: "30".into(),
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity");
    app.db()
        .write(async |tx| db::activity::upsert(tx, &operator(), &input).await)
        .await
        .expect("seed activity")
        .0
        .id
}

#[tokio::test]
async fn a_programme_the_county_creates_is_offered_in_a_village_chairs_activity_form() {
    let app = TestApp::with_county().await;
    let admin = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let form = app.get("/programmes/new", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let res = app
        .post_form(
            "/programmes/new",
            &[
                ("owner", COUNTY),
                ("name", "母亲讲堂"),
                ("description", "面向家长的家庭教育讲座"),
                ("kinds", "lecture"),
                ("kinds", "training"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p = programme::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("programme saved");
    assert_eq!(
        (p.name.as_str(), p.kinds.as_str()),
        ("母亲讲堂", "lecture,training")
    );

    let list = app.get("/programmes", Some(&admin)).await;
    assert!(
        list.body.contains("母亲讲堂") && list.body.contains("讲座、培训"),
        "{}",
        list.body
    );

    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let new = app.get("/activities/new", Some(&chair)).await;
    assert!(
        new.body.contains("<option value=\"母亲讲堂\">"),
        "{}",
        new.body
    );
}

#[tokio::test]
async fn a_village_chair_cannot_create_a_programme_owned_by_the_county() {
    let app = TestApp::with_county().await;
    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let res = app
        .post_form(
            "/programmes/new",
            &[
                ("owner", COUNTY),
                ("name", "县级项目"),
                ("kinds", "lecture"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.body.contains("field-error"), "{}", res.body);
    assert!(res.body.contains("value=\"县级项目\""));
    let n = programme::Entity::find()
        .count(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Her picker offers only her village.
    let form = app.get("/programmes/new", Some(&chair)).await;
    assert!(!form.body.contains(&format!("value=\"{COUNTY}\"")));
}

#[tokio::test]
async fn editing_an_activity_changes_it_keeps_its_code_and_writes_an_audit_row() {
    let app = TestApp::with_county().await;
    let id = seed_activity(&app, "2020-YX-01", MAOPING_VILLAGE).await;
    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let form = app
        .get(&format!("/activities/{id}/edit"), Some(&chair))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("2020-YX-01") && form.body.contains("value=\"家庭教育讲座\""));

    let res = app
        .post_form(
            &format!("/activities/{id}/edit"),
            &[
                ("name", "家庭教育讲座（第二场）"),
                ("kind", "lecture"),
                ("programme", ""),
                ("start_date", "2020-06-02"),
                ("org_code", MAOPING_VILLAGE),
                ("head_count", "42"),
                ("materials", "宣传册:50"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (a, _, _) = db::activity::get(&app.db().conn, &operator(), id)
        .await
        .unwrap();
    assert_eq!(a.code, "2020-YX-01");
    assert_eq!(a.name, "家庭教育讲座（第二场）");
    assert_eq!(a.head_count, Some(42));
    assert_eq!(a.start_date.to_string(), "2020-06-02");
    let updates = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("activity"))
        .filter(audit_log::Column::Action.eq("update"))
        .count(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(updates, 1);

    // A bad number is an error next to the field, her input kept.
    let bad = app
        .post_form(
            &format!("/activities/{id}/edit"),
            &[
                ("name", "改名"),
                ("kind", "lecture"),
                ("start_date", "2020-06-02"),
                ("org_code", MAOPING_VILLAGE),
                ("head_count", "很多"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body.contains("参与人数应为0到1000万之间的整数") && bad.body.contains("value=\"改名\"")
    );
}

#[tokio::test]
async fn another_townships_activity_cannot_be_edited() {
    let app = TestApp::with_county().await;
    let id = seed_activity(&app, "2020-MP-09", MAOPING).await;
    let gz = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let page = app.get(&format!("/activities/{id}/edit"), Some(&gz)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let res = app
        .post_form(
            &format!("/activities/{id}/edit"),
            &[
                ("name", "改掉"),
                ("kind", "lecture"),
                ("start_date", "2020-06-02"),
                ("org_code", GUIZHOU),
            ],
            Some(&gz),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let (a, o, _) = db::activity::get(&app.db().conn, &operator(), id)
        .await
        .unwrap();
    assert_eq!(
        (a.name.as_str(), o.code.as_str()),
        ("家庭教育讲座", MAOPING)
    );
}

#[tokio::test]
async fn a_village_chairs_home_page_shows_the_activity_she_just_recorded_with_its_cover() {
    let app = TestApp::with_county().await;
    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let home = app.get("/", Some(&chair)).await;
    assert!(home.body.contains("href=\"/activities/new\"") && home.body.contains("最近活动"));

    let body = multipart(
        &[
            ("name", "巾帼微学堂进村宣讲"),
            ("kind", "propaganda"),
            ("start_date", "2020-03-05"),
            ("org_code", MAOPING_VILLAGE),
        ],
        &[("a.png", png(800, 600)), ("b.png", png(400, 300))],
    );
    let res = app
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
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let cover = db::entity::photo::Entity::find()
        .filter(db::entity::photo::Column::IsCover.eq(true))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("a cover");
    let home = app.get("/", Some(&chair)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("巾帼微学堂进村宣讲"), "{}", home.body);
    assert!(
        home.body.contains(&format!("/photos/{}/thumb", cover.id)),
        "{}",
        home.body
    );
    let thumb = app
        .get(&format!("/photos/{}/thumb", cover.id), Some(&chair))
        .await;
    assert_eq!(thumb.status, StatusCode::OK);
}

#[tokio::test]
async fn an_activity_shows_in_its_townships_recent_work() {
    let app = TestApp::with_county().await;
    let id = seed_activity(&app, "2020-YX-02", MAOPING_VILLAGE).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let page = app.get(&format!("/orgs/{MAOPING}"), Some(&chair)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!(
            "<a href=\"/activities/{id}\">银杏沱村妇联：家庭教育讲座</a>"
        )),
        "{}",
        page.body
    );
    // Another township's page is out of reach, and so is the activity.
    let gz = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let other = app.get(&format!("/orgs/{GUIZHOU}"), Some(&gz)).await;
    assert!(!other.body.contains("家庭教育讲座"));
}

#[tokio::test]
async fn the_activity_page_takes_at_most_nine_photos_at_once_and_stores_none_of_ten() {
    let app = TestApp::with_county().await;
    let id = seed_activity(&app, "2020-YX-09", MAOPING_VILLAGE).await;
    let chair = app
        .login_as("yxt", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let post = async |n: usize| {
        let files: Vec<(String, Vec<u8>)> =
            (0..n).map(|i| (format!("{i}.png"), png(32, 24))).collect();
        let files: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        app.send(
            Request::builder()
                .method("POST")
                .uri(format!("/activities/{id}/photos"))
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, &chair)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart(&[], &files)))
                .unwrap(),
        )
        .await
    };
    let photos = async || {
        db::entity::photo::Entity::find()
            .count(&app.db().conn)
            .await
            .unwrap()
    };

    let ten = post(10).await;
    assert_eq!(ten.status, StatusCode::BAD_REQUEST, "{}", ten.body);
    assert!(ten.body.contains("一次最多上传9张照片"), "{}", ten.body);
    assert_eq!(photos().await, 0);

    let nine = post(9).await;
    assert_eq!(nine.status, StatusCode::SEE_OTHER, "{}", nine.body);
    assert_eq!(photos().await, 9);
}

/// The `name="…"` of every control of a page's activity form, in order.
fn control_names(html: &str) -> Vec<String> {
    let start = html
        .find("<form method=\"post\" action=\"/activities")
        .expect("the form");
    let form = &html[start..];
    let form = &form[..form.find("</form>").expect("a closed form")];
    form.split(" name=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .filter(|n| n != "_csrf")
        .collect()
}

#[tokio::test]
async fn the_new_and_edit_pages_are_one_field_list_and_the_edit_takes_the_new_forms_multipart_body()
{
    let app = TestApp::with_county().await;
    let id = seed_activity(&app, "2020-YX-02", MAOPING_VILLAGE).await;
    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let new = app.get("/activities/new", Some(&chair)).await;
    let edit = app
        .get(&format!("/activities/{id}/edit"), Some(&chair))
        .await;
    let mut new_names = control_names(&new.body);
    let edit_names = control_names(&edit.body);
    assert!(new_names.contains(&"photos".to_string()), "{new_names:?}");
    new_names.retain(|n| n != "photos" && n != "caption");
    assert_eq!(new_names, edit_names, "the same fields, photos aside");
    assert!(
        edit.body.contains("<details open>"),
        "the edit shows what is on file"
    );
    assert!(new.body.contains("enctype=\"multipart/form-data\""));
    assert!(!edit.body.contains("enctype="));

    // The same write path, whichever way the body comes.
    let body = multipart(
        &[
            ("name", "家庭教育讲座（改）"),
            ("kind", "lecture"),
            ("start_date", "2020-06-03"),
            ("org_code", MAOPING_VILLAGE),
            ("head_count", "50"),
        ],
        &[],
    );
    let res = app
        .send(
            Request::builder()
                .method("POST")
                .uri(format!("/activities/{id}/edit"))
                .header(header::HOST, common::HOST)
                .header(header::ORIGIN, common::ORIGIN)
                .header(header::COOKIE, &chair)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (a, _, _) = db::activity::get(&app.db().conn, &operator(), id)
        .await
        .unwrap();
    assert_eq!(
        (a.name.as_str(), a.head_count),
        ("家庭教育讲座（改）", Some(50))
    );
    assert_eq!(a.code, "2020-YX-02");
}

#[tokio::test]
async fn a_planned_activity_whose_day_has_passed_is_a_to_do_for_those_who_record_for_it() {
    let app = TestApp::with_county().await;
    let input = ActivityDraft {
        code: "2020-YX-03".into(),
        name: "计划中的巾帼宣讲".into(),
        kind: ActivityKind::Propaganda.code().into(),
        org_code: MAOPING_VILLAGE.into(),
        start_date: "2020-06-01".into(),
        status: ActivityStatus::Planned.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid planned activity");
    app.db()
        .write(async |tx| db::activity::upsert(tx, &operator(), &input).await)
        .await
        .expect("seed planned activity");
    seed_activity(&app, "2020-YX-04", MAOPING_VILLAGE).await;

    let chair = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let home = app.get("/", Some(&chair)).await;
    assert!(home.body.contains("待办"), "{}", home.body);
    let label = "1项计划中的活动已过日期，待补记或取消";
    assert!(home.body.contains(label), "{}", home.body);
    // The link lists that activity and not the one held.
    let href_start = home.body.find("href=\"/activities?status=planned").unwrap() + 6;
    let href = &home.body[href_start..];
    let href = href[..href.find('"').unwrap()].replace("&amp;", "&");
    let list = app.get(&href, Some(&chair)).await;
    assert_eq!(list.status, StatusCode::OK, "{href}");
    assert!(list.body.contains("计划中的巾帼宣讲"));
    assert!(!list.body.contains("家庭教育讲座"), "{}", list.body);

    // Another township's chair, and a reader who records nothing, have none.
    let other = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    assert!(!app.get("/", Some(&other)).await.body.contains("待办"));
    let viewer = app.login_as("sj", Role::UpperViewer, COUNTY).await;
    assert!(!app.get("/", Some(&viewer)).await.body.contains("待办"));
}

#[tokio::test]
async fn naming_two_of_thirty_on_the_roster_keeps_thirty_and_the_page_shows_both_facts() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    // Reported: 30 came (the fixture's head count).
    let id = seed_activity(&app, "JT-30", MAOPING).await;
    let participants = async || {
        db::stats::stats(
            &app.db().conn,
            &operator(),
            MAOPING,
            domain::date::Period::year(2020),
        )
        .await
        .unwrap()
        .activities
        .participants
    };
    assert_eq!(participants().await, 30);
    for name in ["甲", "乙"] {
        let res = app
            .post_form(
                &format!("/activities/{id}/attendees"),
                &[("name", name), ("unit", "县妇联")],
                Some(&cookie),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    assert_eq!(participants().await, 30, "two names don't lower thirty");
    let page = app.get(&format!("/activities/{id}"), Some(&cookie)).await;
    assert!(
        page.body.contains("<dd>30（名单 2 / 人数 30"),
        "{}",
        page.body
    );
}
