//! Pages of the org area through the real router: the tree, org pages, the
//! create/edit/move/close forms, officers by 身份证号 and the standardization
//! workbook, each checked against what the database holds afterwards.

mod common;

use axum::http::StatusCode;
use common::{COUNTY, GUIZHOU, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};
use db::{
    entity::{checklist_entry, checklist_item, officer, org, person},
    sea_orm::{EntityTrait, PaginatorTrait},
};
use domain::access::Role;

async fn org_row(app: &TestApp, code: &str) -> Option<org::Model> {
    db::org::find_by_code(&app.db().conn, code).await.unwrap()
}

async fn count<E: EntityTrait>(app: &TestApp, _e: E) -> u64
where
    E::Model: Sync,
{
    E::find().count(&app.db().conn).await.unwrap()
}

fn today() -> String {
    db::time::today_beijing().to_string()
}

#[tokio::test]
async fn tree_shows_both_townships_to_the_county_and_only_her_own_to_a_township_chair() {
    let app = TestApp::with_county().await;
    let county = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let res = app.get("/orgs", Some(&county)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("class=\"tree\""), "{}", res.body);
    for name in ["秭归县妇联", "茅坪镇妇联", "归州镇妇联", "万古寺村妇联"] {
        assert!(res.body.contains(name), "missing {name}: {}", res.body);
    }

    let res = app.get("/orgs", Some(&chair)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("茅坪镇妇联"));
    assert!(res.body.contains("银杏沱村妇联"));
    for name in ["归州镇妇联", "万古寺村妇联", "秭归县妇联"] {
        assert!(!res.body.contains(name), "leaked {name}: {}", res.body);
    }
}

#[tokio::test]
async fn tree_search_lists_matches_within_scope_only() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .get("/orgs?q=%E6%9D%91&kind=village", Some(&chair))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("共找到2个组织"), "{}", res.body);
    assert!(res.body.contains("银杏沱村妇联") && res.body.contains("杨家湾村妇联"));
    assert!(!res.body.contains("万古寺村妇联"));
}

#[tokio::test]
async fn children_fragment_lists_the_next_level_and_hides_other_townships() {
    let app = TestApp::with_county().await;
    let county = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .get(&format!("/orgs/{MAOPING}/children"), Some(&county))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("<li>") && res.body.contains("银杏沱村妇联"));
    assert!(!res.body.contains("<html"), "a fragment, not a page");
    let res = app
        .get(&format!("/orgs/{GUIZHOU}/children"), Some(&chair))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn township_chair_gets_404_for_the_other_township_and_its_village() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    for code in [GUIZHOU, GUIZHOU_VILLAGE] {
        let res = app.get(&format!("/orgs/{code}"), Some(&chair)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{code}");
        assert!(!res.body.contains("归州镇妇联") && !res.body.contains("万古寺村妇联"));
    }
    let res = app.get(&format!("/orgs/{MAOPING}"), Some(&chair)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("银杏沱村妇联") && res.body.contains("编辑"));
}

#[tokio::test]
async fn township_chair_cannot_edit_a_village_of_another_township() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .post_form(
            &format!("/orgs/{GUIZHOU_VILLAGE}/edit"),
            &[("name", "被篡改村妇联"), ("founded_on", "")],
            Some(&chair),
        )
        .await;
    assert!(
        res.status == StatusCode::NOT_FOUND || res.status == StatusCode::FORBIDDEN,
        "{}",
        res.status
    );
    let row = org_row(&app, GUIZHOU_VILLAGE).await.unwrap();
    assert_eq!(row.name, "万古寺村妇联");
}

#[tokio::test]
async fn a_village_code_outside_the_township_prefix_rerenders_the_form_and_writes_nothing() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let before = count(&app, org::Entity).await;
    let res = app
        .post_form(
            "/orgs/new",
            &[
                ("parent_code", MAOPING),
                ("name", "错码村妇联"),
                ("code", "420527102203"),
                ("kind", "village"),
                ("new_field_type", ""),
                ("founded_on", ""),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // The error sits inside the 组织编码 field, before the next field starts.
    let label = res.body.find("for=\"f-code\"").expect("code field");
    let error = res.body.find("前9位应与上级").expect("prefix error");
    let next = res.body.find("for=\"f-kind\"").expect("kind field");
    assert!(label < error && error < next, "{}", res.body);
    assert!(res.body.contains("value=\"错码村妇联\""), "name kept");
    assert!(res.body.contains("value=\"420527102203\""), "code kept");
    assert_eq!(count(&app, org::Entity).await, before);
    assert!(org_row(&app, "420527102203").await.is_none());
}

#[tokio::test]
async fn a_valid_new_village_appears_on_its_townships_page() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let form = app
        .get(&format!("/orgs/new?parent={MAOPING}"), Some(&chair))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("前9位应为420527101"), "{}", form.body);

    let res = app
        .post_form(
            "/orgs/new",
            &[
                ("parent_code", MAOPING),
                ("name", "新建村妇联"),
                ("code", "420527101203"),
                ("kind", "village"),
                ("founded_on", "2020-05-04"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), Some("/orgs/420527101203?ok=created"));
    let shown = app.get("/orgs/420527101203?ok=created", Some(&chair)).await;
    assert!(shown.body.contains("已新建组织"));

    let parent = app.get(&format!("/orgs/{MAOPING}"), Some(&chair)).await;
    assert!(parent.body.contains("新建村妇联"), "{}", parent.body);
    // Its founding counts as recent work of the township.
    assert!(parent.body.contains("成立新建村妇联"));
    let row = org_row(&app, "420527101203").await.unwrap();
    assert_eq!(row.parent_id, org_row(&app, MAOPING).await.map(|o| o.id));
}

#[tokio::test]
async fn county_admin_moves_a_village_to_the_other_township() {
    let app = TestApp::with_county().await;
    let county = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let form = app
        .get(&format!("/orgs/{GUIZHOU_VILLAGE}/move"), Some(&county))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(&format!("value=\"{}\"", today())));

    let res = app
        .post_form(
            &format!("/orgs/{GUIZHOU_VILLAGE}/move"),
            &[("parent_code", MAOPING), ("effective", &today())],
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let maoping = app.get(&format!("/orgs/{MAOPING}"), Some(&county)).await;
    assert!(maoping.body.contains("万古寺村妇联"), "{}", maoping.body);
    let guizhou = app.get(&format!("/orgs/{GUIZHOU}"), Some(&county)).await;
    assert!(!guizhou.body.contains("万古寺村妇联"));
    let row = org_row(&app, GUIZHOU_VILLAGE).await.unwrap();
    assert_eq!(row.parent_id, org_row(&app, MAOPING).await.map(|o| o.id));
    // History is kept: yesterday the village still sat under 归州镇.
    let yesterday = db::time::today_beijing().pred_opt().unwrap();
    let old = db::org::tree::path_as_of(&app.db().conn, row.id, yesterday)
        .await
        .unwrap()
        .unwrap();
    let guizhou_row = org_row(&app, GUIZHOU).await.unwrap();
    assert!(old.starts_with(&guizhou_row.path), "{old}");
}

#[tokio::test]
async fn closing_an_org_with_open_children_is_refused_with_a_clear_message() {
    let app = TestApp::with_county().await;
    let county = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING}/close"),
            &[("closed_on", &today())],
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("还有2个未撤销的下级组织"), "{}", res.body);
    assert!(org_row(&app, MAOPING).await.unwrap().closed_on.is_none());

    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/close"),
            &[("closed_on", &today())],
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        org_row(&app, MAOPING_VILLAGE)
            .await
            .unwrap()
            .closed_on
            .is_some()
    );
}

#[tokio::test]
async fn an_officer_added_by_id_number_creates_the_person_once() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let id = "42052719850315002X";
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/officers/new"),
            &[
                ("name", "王秀梅"),
                ("id_number", id),
                ("phone", "13872512345"),
                ("post", "chair"),
                ("tenure", "part_time"),
                ("term_start", "2021-01-01"),
                ("term_end", ""),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&app, person::Entity).await, 1);

    let res = app
        .post_form(
            &format!("/orgs/{MAOPING}/officers/new"),
            &[
                ("name", "王秀梅"),
                ("id_number", id),
                ("post", "executive"),
                ("tenure", "part_time"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(count(&app, person::Entity).await, 1, "same person reused");
    assert_eq!(count(&app, officer::Entity).await, 2);

    let page = app
        .get(&format!("/orgs/{MAOPING_VILLAGE}"), Some(&chair))
        .await;
    assert!(page.body.contains("王秀梅") && page.body.contains("主席"));
    assert!(!page.body.contains(id), "the ID is shown masked only");
}

#[tokio::test]
async fn a_bad_id_number_is_reported_next_to_its_field_and_nothing_is_written() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/officers/new"),
            &[
                ("name", "李四"),
                ("id_number", "420527198503150021"),
                ("post", "chair"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let label = res.body.find("for=\"f-id_number\"").unwrap();
    let error = res.body.find("field-error").unwrap();
    assert!(label < error, "{}", res.body);
    assert!(res.body.contains("value=\"李四\""));
    assert_eq!(count(&app, person::Entity).await, 0);
    assert_eq!(count(&app, officer::Entity).await, 0);
}

#[tokio::test]
async fn venues_and_surveys_show_on_the_org_page_and_as_recent_work() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/venues/new"),
            &[
                ("name", "银杏沱村妇女之家"),
                ("kind", "womens_home"),
                ("opened_on", "2020-03-08"),
                ("rating", "model"),
                ("rating_level", "county"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/surveys/new"),
            &[
                ("date", "2020-06-01"),
                ("surveyor", "县妇联"),
                ("highlights", "巾帼志愿服务常态化"),
                ("shortcomings", "阵地利用率不高"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let village = app
        .get(&format!("/orgs/{MAOPING_VILLAGE}"), Some(&chair))
        .await;
    assert!(village.body.contains("银杏沱村妇女之家") && village.body.contains("示范（县级）"));
    let township = app.get(&format!("/orgs/{MAOPING}"), Some(&chair)).await;
    assert!(
        township.body.contains("巾帼志愿服务常态化"),
        "subtree surveys"
    );
    assert!(township.body.contains("阵地启用"));
    assert!(!township.body.contains("活动记录将在后续版本"));

    let empty = app
        .get(
            &format!("/orgs/{}", common::MAOPING_VILLAGE_2),
            Some(&chair),
        )
        .await;
    assert!(empty.body.contains("暂无活动、调研"));
}

#[tokio::test]
async fn checklist_goes_from_village_fill_through_township_and_county_to_completion() {
    let app = TestApp::with_county().await;
    let county = app.login_as("xian", Role::CountyAdmin, COUNTY).await;
    let township = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let village = app
        .login_as("cun", Role::VillageChair, MAOPING_VILLAGE)
        .await;
    let year = "2024";

    // The county adds an item.
    let res = app
        .post_form(
            "/checklist",
            &[
                ("org", COUNTY),
                ("year", year),
                ("title", "执委会每季度召开一次会议"),
                ("guidance", "附会议记录"),
            ],
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let item = checklist_item::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let item_id = item.id.to_string();

    // The village chair fills it in.
    let path = format!("/orgs/{MAOPING_VILLAGE}/checklist?year={year}");
    let page = app.get(&path, Some(&village)).await;
    assert!(page.body.contains("执委会每季度召开一次会议") && page.body.contains("未填写"));
    let res = app
        .post_form(
            &format!("/orgs/{MAOPING_VILLAGE}/checklist"),
            &[
                ("item_id", &item_id),
                ("year", year),
                ("done", "1"),
                ("evidence", "3月、6月会议记录"),
            ],
            Some(&village),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let entry = checklist_entry::Entity::find()
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    let review = format!("/checklist/entries/{}/review", entry.id);

    // The village chair cannot pass her own entry; the county not before the township.
    let res = app
        .post_form(&review, &[("action", "township_approve")], Some(&village))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = app
        .post_form(&review, &[("action", "county_approve")], Some(&county))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);

    // The township chair sees the 通过 button and approves.
    let page = app.get(&path, Some(&township)).await;
    assert!(
        page.body.contains("value=\"township_approve\""),
        "{}",
        page.body
    );
    let res = app
        .post_form(&review, &[("action", "township_approve")], Some(&township))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The county approves.
    let res = app
        .post_form(
            &review,
            &[("action", "county_approve"), ("note", "")],
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let entry = checklist_entry::Entity::find_by_id(entry.id)
        .one(&app.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.review_state, "county_ok");

    // Completion by township: 茅坪镇 has 1 item × 3 orgs expected, 1 filled, 1 passed.
    let res = app
        .get(
            &format!("/checklist?org={COUNTY}&year={year}"),
            Some(&county),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let row_start = res.body.find("茅坪镇妇联</a>").expect("茅坪镇 row");
    let row = &res.body[row_start..res.body[row_start..].find("</tr>").unwrap() + row_start];
    assert!(
        row.contains("data-label=\"应填\" class=\"num\">3<"),
        "{row}"
    );
    assert!(
        row.contains("data-label=\"已填\" class=\"num\">1<"),
        "{row}"
    );
    assert!(
        row.contains("data-label=\"县级通过\" class=\"num\">1<"),
        "{row}"
    );
    assert!(row.contains("33.3"), "{row}");
    let row_start = res.body.find("归州镇妇联</a>").expect("归州镇 row");
    let row = &res.body[row_start..res.body[row_start..].find("</tr>").unwrap() + row_start];
    assert!(
        row.contains("data-label=\"已填\" class=\"num\">0<"),
        "{row}"
    );
}

#[tokio::test]
async fn checklist_overview_sends_non_approvers_to_their_own_workbook() {
    let app = TestApp::with_county().await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app.get("/checklist?year=2024", Some(&chair)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        Some(format!("/orgs/{MAOPING}/checklist?year=2024").as_str())
    );
    // And a township chair cannot add items to the county's checklist.
    let res = app
        .post_form(
            "/checklist",
            &[("org", MAOPING), ("year", "2024"), ("title", "自定项")],
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, checklist_item::Entity).await, 0);
}
