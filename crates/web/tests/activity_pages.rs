//! The activity pages: the phone form with photos, scope of activities and
//! their photos, and clear errors for bad photos.

mod common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{GUIZHOU_VILLAGE, MAOPING_VILLAGE, TestApp};
use db::sea_orm::{EntityTrait, PaginatorTrait};
use domain::access::Role;

const BOUNDARY: &str = "----jinguo-test-boundary";

fn png(w: u32, h: u32) -> Vec<u8> {
    // A tiny valid PNG made by hand is fiddly; use the media crate's dependency.
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 250) as u8, (y % 250) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

/// A multipart body: text fields, then files under `photos`.
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
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        b.extend(bytes);
        b.extend(b"\r\n");
    }
    b.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn post_multipart(app: &TestApp, path: &str, body: Vec<u8>, cookie: &str) -> common::Res {
    app.send(
        Request::builder()
            .method("POST")
            .uri(path)
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
    .await
}

fn id_from_location(res: &common::Res) -> i64 {
    let loc = res.location().expect("redirect");
    loc.trim_start_matches("/activities/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("id")
}

#[tokio::test]
async fn a_village_chair_records_an_activity_with_two_photos_from_the_phone_form() {
    let app = TestApp::with_county().await;
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let form = app.get("/activities/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    // Defaults: her village and today.
    assert!(
        form.body
            .contains(&format!("value=\"{MAOPING_VILLAGE}\" selected")),
        "{}",
        form.body
    );
    // Camera and album both: `capture` would open the camera alone in
    // WeChat's browser, and a chair couldn't pick a photo she already took.
    assert!(
        form.body
            .contains("type=\"file\" accept=\"image/jpeg,image/png,image/webp\"")
    );
    assert!(!form.body.contains("capture="), "{}", form.body);
    let body = multipart(
        &[
            ("name", "巾帼微学堂第3期"),
            ("kind", "propaganda"),
            ("programme", "巾帼微学堂"),
            ("start_date", "2020-03-05"),
            ("org_code", MAOPING_VILLAGE),
            ("head_count", "35"),
            ("caption", "图丨村妇联主席宣讲"),
        ],
        &[("a.png", png(1200, 800)), ("b.png", png(300, 400))],
    );
    let res = post_multipart(&app, "/activities/new", body, &cookie).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let id = id_from_location(&res);
    let page = app.get(&format!("/activities/{id}"), Some(&cookie)).await;
    assert!(
        page.body.contains("巾帼微学堂第3期") && page.body.contains("村妇联主席宣讲"),
        "{}",
        page.body
    );
    let photos = db::entity::photo::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos.iter().filter(|p| p.is_cover).count(), 1);
    // The stored picture is a JPEG she can fetch, scaled to at most 2000 px.
    let img = app
        .get(&format!("/photos/{}", photos[0].id), Some(&cookie))
        .await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(
        image::guess_format(&img.bytes).unwrap(),
        image::ImageFormat::Jpeg
    );
    // The next form remembers her programme.
    let again = app.get("/activities/new", Some(&cookie)).await;
    assert!(
        again.body.contains("value=\"巾帼微学堂\""),
        "last programme not defaulted"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_photo_is_refused_with_a_clear_message_and_nothing_is_saved() {
    let app = TestApp::with_county().await;
    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let body = multipart(
        &[
            ("name", "活动"),
            ("kind", "meeting"),
            ("start_date", "2020-03-05"),
            ("org_code", MAOPING_VILLAGE),
        ],
        &[("notes.jpg", b"this is a text file pretending".to_vec())],
    );
    let res = post_multipart(&app, "/activities/new", body, &cookie).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("只能上传JPEG、PNG或WebP格式的照片"),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"活动\""), "typed name kept");
    assert_eq!(
        db::entity::activity::Entity::find()
            .count(&app.db().conn)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn another_villages_activity_and_its_photos_are_out_of_reach() {
    let app = TestApp::with_county().await;
    let other = app
        .login_as("wgs", Role::VillageChair, GUIZHOU_VILLAGE)
        .await;
    let body = multipart(
        &[
            ("name", "万古寺村活动"),
            ("kind", "meeting"),
            ("start_date", "2020-03-05"),
            ("org_code", GUIZHOU_VILLAGE),
        ],
        &[("a.png", png(50, 50))],
    );
    let res = post_multipart(&app, "/activities/new", body, &other).await;
    let id = id_from_location(&res);
    let photo = db::entity::photo::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();

    let cookie = app
        .login_as("yx", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    assert_eq!(
        app.get(&format!("/activities/{id}"), Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/photos/{}", photo.id), Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/photos/{}/thumb", photo.id), Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let add = app
        .post_form(
            &format!("/activities/{id}/attendees"),
            &[("name", "某人"), ("unit", "")],
            Some(&cookie),
        )
        .await;
    assert_eq!(add.status, StatusCode::NOT_FOUND);
    let list = app.get("/activities?q=万古寺", Some(&cookie)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains("共 0 条") && !list.body.contains("万古寺村活动"),
        "{}",
        list.body
    );
    assert_eq!(
        db::entity::attendance::Entity::find()
            .count(&app.db().conn)
            .await
            .unwrap(),
        0
    );
}
