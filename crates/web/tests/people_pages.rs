//! The people register through the real router: search, scope, one person one
//! record, masking, audited plaintext views, form errors, tags and households.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, MAOPING_VILLAGE_2, TestApp};
use db::{
    entity::{access_log, audit_log},
    people,
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
};
use domain::{access::Role, kinds::OrgKind};

const WANG_PING_ID: &str = "42052719850315002X";
const MALE_ID: &str = "420527199001010013";

/// A valid 18-digit number from its first 17 digits (GB 11643 check char).
fn valid_id(body17: &str) -> String {
    domain::idcard::with_check_char(body17)
}

async fn access_log_rows(app: &TestApp) -> u64 {
    access_log::Entity::find()
        .count(&app.db().conn)
        .await
        .expect("count")
}

async fn person_count(app: &TestApp) -> u64 {
    people::count_visible(&app.db().conn, &db::Ctx::operator())
        .await
        .expect("count")
}

#[tokio::test]
async fn searching_a_two_character_name_finds_wang_ping() {
    let app = TestApp::with_county().await;
    db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    db::testing::person(app.db(), "李德明", MALE_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app.get("/people?q=王平", Some(&cookie)).await;

    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("王平"), "{}", res.body);
    assert!(!res.body.contains("李德明"));
    assert!(res.body.contains("共 1 条"));
}

#[tokio::test]
async fn maoping_chair_cannot_see_a_guizhou_person_in_list_search_or_page() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, GUIZHOU_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let list = app.get("/people", Some(&cookie)).await;
    let by_id = app
        .get(&format!("/people?q={WANG_PING_ID}"), Some(&cookie))
        .await;
    let page = app.get(&format!("/people/{id}"), Some(&cookie)).await;

    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("王平"), "{}", list.body);
    assert_eq!(by_id.status, StatusCode::OK);
    assert!(!by_id.body.contains("王平"));
    assert!(by_id.body.contains("没有符合条件的人员"));
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn registering_an_existing_id_with_lowercase_x_opens_the_existing_record() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            "/people/new",
            &[
                ("name", "王平"),
                ("id_number", &WANG_PING_ID.to_lowercase()),
                ("phone", ""),
                ("org_code", MAOPING_VILLAGE),
            ],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location().expect("redirect").to_string();
    assert_eq!(to, format!("/people/{id}?existing=1"));
    let page = app.get(&to, Some(&cookie)).await;
    assert!(
        page.body.contains("该身份证号已登记，已打开原记录"),
        "{}",
        page.body
    );
    assert_eq!(person_count(&app).await, 1);
}

#[tokio::test]
async fn a_new_person_is_registered_with_normalised_phone_and_tags() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            "/people/new",
            &[
                ("name", "李德明"),
                ("id_number", MALE_ID),
                ("phone", "+86 138 1234 5678"),
                ("org_code", MAOPING_VILLAGE),
                ("tags", "低保"),
                ("tags", "绣娘"),
                ("tags_other", "种茶能手"),
            ],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app
        .get(res.location().expect("redirect"), Some(&cookie))
        .await;
    assert!(page.body.contains("男"));
    // The birth year only: the full date is part of the 身份证号.
    assert!(page.body.contains("1990年"));
    assert!(!page.body.contains("1990-01-01"));
    assert!(page.body.contains("138****5678"), "{}", page.body);
    assert!(!page.body.contains("13812345678"));
    for tag in ["低保", "绣娘", "种茶能手"] {
        assert!(page.body.contains(tag), "{tag}");
    }
    let list = app.get("/people?tag=绣娘", Some(&cookie)).await;
    assert!(list.body.contains("李德明"));
}

#[tokio::test]
async fn the_list_shows_the_masked_id_and_never_the_plaintext() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    // The admin may see plaintext, yet lists and pages stay masked until she asks.
    let cookie = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let list = app.get("/people", Some(&cookie)).await;
    let page = app.get(&format!("/people/{id}"), Some(&cookie)).await;

    assert!(list.body.contains("420527***********X"), "{}", list.body);
    assert!(!list.body.contains(WANG_PING_ID));
    assert!(page.body.contains("420527***********X"));
    assert!(!page.body.contains(WANG_PING_ID));
    assert!(page.body.contains("查看明文"));
    assert_eq!(access_log_rows(&app).await, 0);
}

#[tokio::test]
async fn reveal_without_the_sensitive_permission_is_forbidden_and_not_logged() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let page = app.get(&format!("/people/{id}"), Some(&cookie)).await;
    let res = app
        .post_form(
            &format!("/people/{id}/reveal"),
            &[("field", "id_number")],
            Some(&cookie),
        )
        .await;

    assert!(!page.body.contains("查看明文"));
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!res.body.contains(WANG_PING_ID));
    assert_eq!(access_log_rows(&app).await, 0);
}

#[tokio::test]
async fn reveal_by_the_county_admin_returns_plaintext_and_the_auditor_sees_the_view() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("admin", Role::CountyAdmin, COUNTY).await;

    let res = app
        .post_form(
            &format!("/people/{id}/reveal"),
            &[("field", "id_number"), ("purpose", "核对救助申请")],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(WANG_PING_ID), "{}", res.body);
    assert!(res.body.contains("id=\"f-id_number\""));
    assert_eq!(access_log_rows(&app).await, 1);
    let row = access_log::Entity::find()
        .one(&app.db().conn)
        .await
        .expect("query")
        .expect("row");
    assert_eq!(
        (
            row.actor_name.as_str(),
            row.field.as_str(),
            row.purpose.as_str()
        ),
        ("admin", "id_number", "核对救助申请")
    );
    let auditor = app.login_as("shenji", Role::Auditor, COUNTY).await;
    let views = app.get("/audit/views", Some(&auditor)).await;
    assert_eq!(views.status, StatusCode::OK);
    assert!(views.body.contains("admin"), "{}", views.body);
    assert!(views.body.contains("身份证号"));
    assert!(views.body.contains(&format!("/people/{id}")));
}

#[tokio::test]
async fn an_invalid_id_rerenders_the_form_with_a_check_digit_error_and_keeps_the_name() {
    let app = TestApp::with_county().await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            "/people/new",
            &[
                ("name", "张三梅"),
                ("id_number", "420527198503150021"),
                ("org_code", MAOPING_VILLAGE),
            ],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("value=\"张三梅\""), "{}", res.body);
    let field = res.body.find("id=\"id_number\"").expect("id field");
    let next_field = res.body.find("id=\"phone\"").expect("phone field");
    let error = res.body.find("校验位").expect("check-digit error");
    assert!(
        field < error && error < next_field,
        "error not next to 身份证号"
    );
    assert_eq!(person_count(&app).await, 0);
}

#[tokio::test]
async fn editing_tags_replaces_them_and_writes_an_audit_row() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            &format!("/people/{id}/tags"),
            &[("tags", "特困"), ("tags_other", "绣娘、留守妇女")],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (_, view) = people::get(&app.db().conn, &db::Ctx::operator(), id)
        .await
        .expect("person");
    assert_eq!(view.tags, vec!["特困", "留守妇女", "绣娘"]);
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("person"))
        .filter(audit_log::Column::Action.eq("update"))
        .one(&app.db().conn)
        .await
        .expect("query")
        .expect("audit row");
    assert_eq!(audit.actor_name, "mp");
    assert!(audit.after_json.unwrap_or_default().contains("特困"));
}

#[tokio::test]
async fn a_member_is_added_to_the_household_by_id_number() {
    let app = TestApp::with_county().await;
    let head = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let son_id = valid_id("42052720100601001");
    db::testing::person(app.db(), "李小明", &son_id, MAOPING_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            &format!("/people/{head}/household/members"),
            &[("id_number", &son_id), ("relation", "子女")],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get(&format!("/people/{head}"), Some(&cookie)).await;
    assert!(page.body.contains("户主"));
    assert!(page.body.contains("子女"));
    // A child (born 2010) by surname + * outside a logged reveal.
    assert!(page.body.contains("李*"));
    assert!(!page.body.contains("李小明"));
}

#[tokio::test]
async fn a_member_outside_the_callers_scope_is_not_found_by_id_number() {
    let app = TestApp::with_county().await;
    let head = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    db::testing::person(app.db(), "李德明", MALE_ID, GUIZHOU_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app
        .post_form(
            &format!("/people/{head}/household/members"),
            &[("id_number", MALE_ID), ("relation", "配偶")],
            Some(&cookie),
        )
        .await;

    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("未找到该身份证号的人员"), "{}", res.body);
    assert!(!res.body.contains("李德明"));
}

#[tokio::test]
async fn editing_a_person_changes_name_and_phone_and_keeps_the_id() {
    let app = TestApp::with_county().await;
    let id = db::testing::person(app.db(), "王平", WANG_PING_ID, MAOPING_VILLAGE).await;
    let cookie = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let bad = app
        .post_form(
            &format!("/people/{id}/edit"),
            &[
                ("name", "王萍"),
                ("phone", "12345"),
                ("org_code", MAOPING_VILLAGE),
            ],
            Some(&cookie),
        )
        .await;
    let good = app
        .post_form(
            &format!("/people/{id}/edit"),
            &[
                ("name", "王萍"),
                ("phone", "13812345678"),
                ("org_code", common::MAOPING_VILLAGE_2),
            ],
            Some(&cookie),
        )
        .await;

    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("手机号格式不正确"), "{}", bad.body);
    assert!(bad.body.contains("value=\"王萍\""));
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let (p, view) = people::get(&app.db().conn, &db::Ctx::operator(), id)
        .await
        .expect("person");
    assert_eq!(view.name, "王萍");
    assert_eq!(view.org_code, common::MAOPING_VILLAGE_2);
    assert_eq!(view.phone_masked.as_deref(), Some("138****5678"));
    assert_eq!(p.id_masked, "420527***********X");
    // An exact phone search answers with masked data only.
    let found = app.get("/people?q=13812345678", Some(&cookie)).await;
    assert!(found.body.contains("王*"), "{}", found.body);
    assert!(!found.body.contains("13812345678"));
}

#[tokio::test]
async fn the_org_filter_marks_the_chosen_org_shows_a_new_one_and_stays_empty_without_the_org_right()
{
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    // Same scope as the chair, but 维权专干 may read people and not the org tree.
    let officer = app.login_as("wq", Role::RightsOfficer, MAOPING).await;

    let chosen = app
        .get(&format!("/people?org={MAOPING_VILLAGE}"), Some(&chair))
        .await;
    let officers = app.get("/people", Some(&officer)).await;
    db::testing::add_org(
        app.db(),
        "420527101203",
        "新建村妇联",
        OrgKind::Village,
        Some(MAOPING),
    )
    .await;
    let after = app.get("/people", Some(&chair)).await;

    assert_eq!(chosen.status, StatusCode::OK);
    assert!(
        chosen.body.contains(&format!(
            "<option value=\"{MAOPING}\">茅坪镇妇联</option><option value=\"{MAOPING_VILLAGE}\" selected>　银杏沱村妇联</option><option value=\"{MAOPING_VILLAGE_2}\">　杨家湾村妇联</option>"
        )),
        "{}",
        chosen.body
    );
    assert!(!chosen.body.contains(GUIZHOU_VILLAGE));
    assert_eq!(officers.status, StatusCode::OK);
    assert!(
        !officers.body.contains(&format!("value=\"{MAOPING}\"")),
        "{}",
        officers.body
    );
    assert!(
        after
            .body
            .contains("<option value=\"420527101203\">　新建村妇联</option>"),
        "{}",
        after.body
    );
    assert!(!after.body.contains(" selected>"), "{}", after.body);
}
