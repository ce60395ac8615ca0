//! The publicity pages: recording an item with reposts (and seeing it in the
//! statistics), changing it, and another township's items out of reach.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, GUIZHOU, MAOPING, TestApp};
use db::{
    entity::{audit_log, publicity_item, repost},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::operator,
};
use domain::{
    access::Role,
    date::Period,
    kinds::Level,
    publicity::{ItemDraft, ItemInput},
};

fn item(title: &str, org: &str) -> ItemInput {
    ItemDraft {
        title: title.into(),
        channel: "屈乡巾帼公众号".into(),
        published_on: "2020-02-10".into(),
        org_code: org.into(),
        column: "巾帼抗疫故事".into(),
        reposts: vec![("宜昌市妇联公众号".into(), Level::City.code().into())],
        ..Default::default()
    }
    .validate()
    .expect("a valid fixture item")
}

async fn seed(app: &TestApp, title: &str, org: &str) -> i64 {
    app.db()
        .write(async |tx| db::publicity::upsert(tx, &operator(), &item(title, org)).await)
        .await
        .expect("seed item")
        .0
        .id
}

#[tokio::test]
async fn an_item_with_two_reposts_is_listed_with_badges_and_counted_in_the_statistics() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let form = app.get("/publicity/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    // Today is the default date; two blank repost rows are offered.
    assert!(form.body.contains("name=\"repost_name\""));

    let res = app
        .post_form(
            "/publicity/new",
            &[
                ("title", "抗疫一线的茅坪巾帼"),
                ("channel", "屈乡巾帼公众号"),
                ("published_on", "2020-02-12"),
                ("org_code", MAOPING),
                ("column", "巾帼抗疫故事"),
                ("link", "https://mp.weixin.qq.com/s/abc"),
                ("activity_code", ""),
                ("repost_name", "湖北省妇联公众号"),
                ("repost_level", "province"),
                ("repost_name", "宜昌市妇联公众号"),
                ("repost_level", "city"),
                ("repost_name", ""),
                ("repost_level", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let items = publicity_item::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.eq(items[0].id))
        .count(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(reposts, 2);

    let list = app
        .get("/publicity?channel=屈乡巾帼公众号", Some(&cookie))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("抗疫一线的茅坪巾帼"), "{}", list.body);
    assert!(
        list.body
            .contains("<span class=\"badge\" title=\"湖北省妇联公众号\">省</span>")
    );
    assert!(
        list.body
            .contains("<span class=\"badge\" title=\"宜昌市妇联公众号\">市</span>")
    );

    let doc = db::stats::stats(&app.db().conn, &operator(), COUNTY, Period::year(2020))
        .await
        .unwrap();
    assert_eq!(doc.publicity.items, 1);
    let by_level: Vec<(String, u64)> = doc
        .publicity
        .reposted_by_level
        .iter()
        .map(|l| (l.level.clone(), l.items))
        .collect();
    assert_eq!(by_level, vec![("省".to_string(), 1), ("市".to_string(), 1)]);
}

#[tokio::test]
async fn a_repost_without_a_level_is_an_error_next_to_the_reposts_and_nothing_is_saved() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .post_form(
            "/publicity/new",
            &[
                ("title", "标题"),
                ("channel", "屈乡巾帼公众号"),
                ("published_on", "2020-02-12"),
                ("org_code", MAOPING),
                ("repost_name", "湖北省妇联公众号"),
                ("repost_level", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("请选择「湖北省妇联公众号」的级别"),
        "{}",
        res.body
    );
    // Her input is kept.
    assert!(res.body.contains("value=\"湖北省妇联公众号\""));
    let n = publicity_item::Entity::find()
        .count(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn editing_an_item_changes_its_title_and_reposts_and_is_audited() {
    let app = TestApp::with_county().await;
    let id = seed(&app, "旧标题", MAOPING).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let form = app
        .get(&format!("/publicity/{id}/edit"), Some(&cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("value=\"旧标题\""));
    assert!(form.body.contains("value=\"宜昌市妇联公众号\""));

    let res = app
        .post_form(
            &format!("/publicity/{id}/edit"),
            &[
                ("title", "新标题"),
                ("channel", "屈乡巾帼公众号"),
                ("published_on", "2020-02-11"),
                ("org_code", MAOPING),
                ("column", "巾帼抗疫故事"),
                ("repost_name", "中国妇女报"),
                ("repost_level", "national"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (i, _, reposts) = db::publicity::get(&app.db().conn, &operator(), id)
        .await
        .unwrap();
    assert_eq!(i.title, "新标题");
    assert_eq!(
        reposts
            .iter()
            .map(|r| (r.by_name.as_str(), r.level.as_str()))
            .collect::<Vec<_>>(),
        vec![("中国妇女报", "national")]
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("publicity_item"))
        .filter(audit_log::Column::Action.eq("update"))
        .count(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn another_townships_item_is_not_found_for_editing() {
    let app = TestApp::with_county().await;
    let id = seed(&app, "茅坪镇的稿件", MAOPING).await;
    let cookie = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let page = app
        .get(&format!("/publicity/{id}/edit"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let res = app
        .post_form(
            &format!("/publicity/{id}/edit"),
            &[
                ("title", "改掉"),
                ("channel", "屈乡巾帼公众号"),
                ("published_on", "2020-02-11"),
                ("org_code", GUIZHOU),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let list = app.get("/publicity", Some(&cookie)).await;
    assert!(!list.body.contains("茅坪镇的稿件"));
    let (i, _, _) = db::publicity::get(&app.db().conn, &operator(), id)
        .await
        .unwrap();
    assert_eq!(i.title, "茅坪镇的稿件");
}

#[tokio::test]
async fn changing_the_org_reloads_the_activity_suggestions_the_form_draws() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let lecture = domain::activity::ActivityDraft {
        code: "2020-GZ-01".into(),
        name: "归州镇家庭教育讲座".into(),
        kind: "讲座".into(),
        org_code: GUIZHOU.into(),
        start_date: "2020-07-08".into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("activity");
    app.db()
        .write(async |tx| db::activity::upsert(tx, &operator(), &lecture).await)
        .await
        .expect("write");

    // The org select names the list it reloads, and the list is drawn even
    // when the first org has no activities, so the swap has a target.
    let form = app.get("/publicity/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains(r##"hx-get="/publicity/activity-options" hx-trigger="change" hx-target="#activity_code-list""##),
        "{}",
        form.body
    );
    assert!(
        form.body.contains(r#"list="activity_code-list""#),
        "{}",
        form.body
    );
    assert!(form.body.contains(r#"<datalist id="activity_code-list">"#));

    let options = app
        .get(
            &format!("/publicity/activity-options?org_code={GUIZHOU}"),
            Some(&cookie),
        )
        .await;
    assert_eq!(options.status, StatusCode::OK);
    assert!(
        options
            .body
            .starts_with(r#"<datalist id="activity_code-list">"#),
        "{}",
        options.body
    );
    assert!(
        options
            .body
            .contains(r#"<option value="2020-GZ-01">2020-07-08 归州镇家庭教育讲座</option>"#),
        "{}",
        options.body
    );
}

/// The id of the item titled `title`.
async fn id_of(app: &TestApp, title: &str) -> i64 {
    publicity_item::Entity::find()
        .filter(publicity_item::Column::Title.eq(title))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("item stored")
        .id
}

async fn items_counted(app: &TestApp) -> u64 {
    db::stats::stats(&app.db().conn, &operator(), COUNTY, Period::year(2020))
        .await
        .unwrap()
        .publicity
        .items
}

/// An item recorded by the township chair `cookie` through the form.
async fn record(app: &TestApp, cookie: &str, title: &str, channel: &str) -> i64 {
    let res = app
        .post_form(
            "/publicity/new",
            &[
                ("title", title),
                ("channel", channel),
                ("published_on", "2020-03-08"),
                ("org_code", MAOPING),
                ("repost_name", "宜昌市妇联公众号"),
                ("repost_level", "city"),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    id_of(app, title).await
}

#[tokio::test]
async fn a_cancelled_item_leaves_the_statistics_keeps_its_reason_and_counts_again_when_restored() {
    let app = TestApp::with_county().await;
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let id = record(&app, &mp, "三八节巾帼风采", "屈乡巾帼公众号").await;
    assert_eq!(items_counted(&app).await, 1);

    let page = app.get(&format!("/publicity/{id}"), Some(&mp)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("action=\"/publicity/{id}/cancel\""))
    );
    assert!(page.body.contains("宜昌市妇联公众号"));

    let no_reason = app
        .post_form(
            &format!("/publicity/{id}/cancel"),
            &[("reason", " ")],
            Some(&mp),
        )
        .await;
    assert_eq!(
        no_reason.status,
        StatusCode::BAD_REQUEST,
        "{}",
        no_reason.body
    );
    assert!(no_reason.body.contains("取消原因"), "{}", no_reason.body);
    assert_eq!(
        items_counted(&app).await,
        1,
        "a refused cancel changes nothing"
    );

    let res = app
        .post_form(
            &format!("/publicity/{id}/cancel"),
            &[("reason", "稿件撤回重发")],
            Some(&mp),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        items_counted(&app).await,
        0,
        "a cancelled item is not counted"
    );
    let page = app.get(&format!("/publicity/{id}"), Some(&mp)).await;
    assert!(page.body.contains("已取消"), "{}", page.body);
    assert!(page.body.contains("稿件撤回重发"), "{}", page.body);
    let list = app.get("/publicity", Some(&mp)).await;
    assert!(
        list.body.contains("badge badge-muted\">已取消"),
        "{}",
        list.body
    );
    let again = app
        .post_form(
            &format!("/publicity/{id}/cancel"),
            &[("reason", "再取消")],
            Some(&mp),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // An edit keeps it cancelled: the kept reason, not a status, says so.
    let edit = app
        .post_form(
            &format!("/publicity/{id}/edit"),
            &[
                ("title", "三八节巾帼风采（修订）"),
                ("channel", "屈乡巾帼公众号"),
                ("published_on", "2020-03-08"),
                ("org_code", MAOPING),
            ],
            Some(&mp),
        )
        .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    assert_eq!(items_counted(&app).await, 0);

    let res = app
        .post_form(&format!("/publicity/{id}/restore"), &[], Some(&mp))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(items_counted(&app).await, 1);
    let trail: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("publicity_item"))
        .filter(audit_log::Column::EntityId.eq(id.to_string()))
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(trail, ["create", "cancel", "update", "restore"]);
}

#[tokio::test]
async fn its_author_deletes_an_item_with_its_reposts_and_another_township_finds_nothing() {
    let app = TestApp::with_county().await;
    let mp = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let gz = app.login_as("gz", Role::TownshipChair, GUIZHOU).await;
    let id = record(&app, &mp, "茅坪镇巾帼志愿服务", "屈乡巾帼公众号").await;
    // Recorded by the operator: not hers to delete, though she may change it.
    let seeded = seed(&app, "县里录入的稿件", MAOPING).await;

    for path in [
        format!("/publicity/{id}"),
        format!("/publicity/{id}/delete"),
    ] {
        let res = app.get(&path, Some(&gz)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}: {}", res.body);
    }
    let res = app
        .post_form(&format!("/publicity/{id}/delete"), &[], Some(&gz))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = app
        .post_form(&format!("/publicity/{seeded}/delete"), &[], Some(&mp))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let page = app.get(&format!("/publicity/{seeded}"), Some(&mp)).await;
    assert!(!page.body.contains(&format!("/publicity/{seeded}/delete")));

    let confirm = app.get(&format!("/publicity/{id}/delete"), Some(&mp)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("转载记录 1 条"), "{}", confirm.body);
    let res = app
        .post_form(&format!("/publicity/{id}/delete"), &[], Some(&mp))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let c = &app.db().conn;
    assert!(
        publicity_item::Entity::find_by_id(id)
            .one(c)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        repost::Entity::find()
            .filter(repost::Column::ItemId.eq(id))
            .count(c)
            .await
            .unwrap(),
        0
    );
    let deleted = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("delete"))
        .filter(audit_log::Column::EntityId.eq(id.to_string()))
        .one(c)
        .await
        .unwrap()
        .expect("delete audited");
    assert!(
        deleted
            .before_json
            .unwrap_or_default()
            .contains("宜昌市妇联公众号")
    );
    assert_eq!(
        app.get(&format!("/publicity/{id}"), Some(&mp)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_excel_export_holds_exactly_the_filtered_items_with_their_status() {
    let app = TestApp::with_county().await;
    let admin = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let kept = seed(&app, "巾帼抗疫故事一", MAOPING).await;
    let pulled = seed(&app, "巾帼抗疫故事二", MAOPING).await;
    seed(&app, "归州镇的稿件", GUIZHOU).await;
    let res = app
        .post_form(
            &format!("/publicity/{pulled}/cancel"),
            &[("reason", "重复发布")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let query = format!(
        "org={MAOPING}&channel=%E5%B1%88%E4%B9%A1%E5%B7%BE%E5%B8%BC%E5%85%AC%E4%BC%97%E5%8F%B7"
    );
    let list = app.get(&format!("/publicity?{query}"), Some(&admin)).await;
    assert!(
        list.body.contains(&format!(
            "href=\"/publicity/export?{}\"",
            query.replace('&', "&#38;")
        )),
        "the link carries the filters: {}",
        list.body
    );
    let res = app
        .get(&format!("/publicity/export?{query}"), Some(&admin))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(res.bytes.clone())).expect("an xlsx");
    use calamine::Reader;
    let range = book.worksheet_range("宣传").expect("sheet 宣传");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let mut got: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("标题")].clone(),
                r[col("状态")].clone(),
                r[col("取消原因")].clone(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("巾帼抗疫故事一".into(), "已发布".into(), String::new()),
            ("巾帼抗疫故事二".into(), "已取消".into(), "重复发布".into()),
        ]
    );
    assert!(kept > 0);
    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("export"))
        .filter(audit_log::Column::Entity.eq("publicity_item"))
        .one(&app.db().conn)
        .await
        .unwrap()
        .expect("export audited");
    assert!(logged.summary.contains("2条"), "{}", logged.summary);
}
