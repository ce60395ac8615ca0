//! The main journeys in a real browser (Debian's chromium, headless, through
//! chromedriver), each on a 360×740 phone in WeChat's browser and on a
//! 1366×768 office PC, against the real server on a real socket over a fresh
//! database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
//!
//! Every key page is screenshotted to `target/e2e/<journey>-<viewport>-<step>.png`
//! and checked: no console errors (CSP violations show up there too), no
//! horizontal scrolling on the phone, every form control labelled.
//!
//! Without /usr/bin/chromedriver the journeys print SKIPPED and pass, so
//! `cargo test` works on a machine without a browser; asked to run (`CI=true`,
//! or `JINGUO_BROWSER=1`) they fail when the browser is missing.

#[path = "browser/driver.rs"]
mod driver;
#[path = "browser/page.rs"]
mod page;
#[path = "browser/server.rs"]
mod server;

use std::time::Duration;

use chrono::NaiveDate;
use db::{
    Ctx, activity,
    entity::{activity as activity_entity, org, person, photo},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{COUNTY, GUIZHOU, MAOPING, MAOPING_VILLAGE, TestDb},
};
use domain::{
    access::Role,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
    kinds::OrgKind,
};
use driver::Viewport;
use page::Browser;
use server::Server;

/// Imports of the whole demo ledger take seconds in a debug build; PostgreSQL
/// on a busy 2-core CI box is slower.
const IMPORT_WAIT: Duration = Duration::from_secs(180);

/// Signs in through the login form and waits for the page after it.
async fn sign_in(b: &mut Browser, username: &str, password: &str, shot: Option<&str>) {
    b.goto("/").await;
    b.wait_path("/login").await;
    b.find("#username").await;
    if let Some(step) = shot {
        b.checkpoint(step).await;
    }
    b.fill("#username", username).await;
    b.fill("#password", password).await;
    b.click("main form button[type=submit]").await;
    b.find(".topbar").await;
}

// ---------------------------------------------------------------------------
// 1. A village chair logs in for the first time, must change her password,
//    records an activity with two photos from the phone form, and sees it on
//    her home page.

async fn village_chair_first_login_records_an_activity_with_two_photos(viewport: Viewport) {
    const J: &str = "j1-village-chair";
    let Some(chromedriver) = driver::chromedriver_or_skip(J) else {
        return;
    };
    let t = TestDb::new().await;
    db::testing::county(&t.db).await;
    server::new_account(
        &t.db,
        "wangxr",
        "王晓蓉",
        Role::VillageChair,
        MAOPING_VILLAGE,
        "Chushi#2020a",
    )
    .await;
    let srv = Server::start(t).await;
    let photo_dir = tempfile::tempdir().expect("photo dir");
    let photos = server::photos(photo_dir.path());
    let mut b = Browser::open(&chromedriver, &srv.base, J, viewport).await;

    // First login: the password must be changed before anything else.
    sign_in(&mut b, "wangxr", "Chushi#2020a", Some("1-login")).await;
    b.wait_path("/account/password").await;
    b.wait_text(".flash-error", "首次登录").await;
    b.checkpoint("2-must-change-password").await;
    b.goto("/activities").await;
    b.wait_path("/account/password").await;
    b.fill("#old_password", "Chushi#2020a").await;
    b.fill("#new_password", "Xiangxi#Yinxingtuo8").await;
    b.fill("#confirm", "Xiangxi#Yinxingtuo8").await;
    b.click("main form button[type=submit]").await;
    b.wait_text(".flash-ok", "密码已修改").await;
    b.checkpoint("3-home-after-change").await;

    // The phone form: name, defaults for the rest, two photos.
    b.click_link("nav.sidenav", "活动").await;
    b.wait_path("/activities").await;
    b.click_link("main", "＋ 记录活动").await;
    b.wait_path("/activities/new").await;
    let today = b
        .find("#start_date")
        .await
        .prop("value")
        .await
        .expect("date");
    assert_eq!(
        today.as_deref().map(str::len),
        Some(10),
        "the date defaults to today"
    );
    b.checkpoint("4-activity-form").await;
    let name = "垃圾分类进农家妇女议事会";
    b.fill("#name", name).await;
    b.fill("#head_count", "23").await;
    let paths: Vec<&std::path::Path> = photos.iter().map(|p| p.as_path()).collect();
    b.choose_files("#photos", &paths).await;
    b.fill("#caption", "银杏沱村妇女议事会现场").await;
    b.click("main form button.btn-primary").await;
    b.wait_text("h1.page-title", name).await;
    let at = b.wait_path("/activities/").await;
    let id: i64 = at
        .trim_start_matches("/activities/")
        .split(['?', '/'])
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("saved activity page, got {at}"));
    b.js("document.querySelector('.photo-grid').scrollIntoView();")
        .await;
    driver::until("both thumbnails to load", driver::WAIT, || async {
        let v = b
            .js("var i = document.querySelectorAll('.photo-grid img'); \
                 return Array.prototype.filter.call(i, function (x) { return x.complete && x.naturalWidth > 0; }).length;")
            .await;
        (v.as_u64() == Some(2)).then_some(())
    })
    .await;
    b.checkpoint("5-activity-saved").await;

    // Recorded once, against her village, with both photos.
    let a = activity_entity::Entity::find_by_id(id)
        .one(&srv.db().conn)
        .await
        .expect("query")
        .expect("activity saved");
    assert_eq!(a.name, name);
    assert_eq!(a.head_count, Some(23_i32));
    let village = org::Entity::find_by_id(a.org_id)
        .one(&srv.db().conn)
        .await
        .expect("query")
        .expect("org");
    assert_eq!(village.code, MAOPING_VILLAGE);
    let n_photos = photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(id))
        .count(&srv.db().conn)
        .await
        .expect("count photos");
    assert_eq!(n_photos, 2);

    // Her home page shows it.
    b.click_link("nav.sidenav", "首页").await;
    b.wait_path("/").await;
    b.wait_text("main", name).await;
    b.checkpoint("6-home-shows-activity").await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j1_village_chair_first_login_records_activity_with_photos_on_phone() {
    village_chair_first_login_records_an_activity_with_two_photos(Viewport::Phone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j1_village_chair_first_login_records_activity_with_photos_on_desktop() {
    village_chair_first_login_records_an_activity_with_two_photos(Viewport::Desktop).await;
}

// ---------------------------------------------------------------------------
// 2. A township chair tries to open another township's activity by URL and
//    gets a clear refusal; search doesn't show it either.

async fn add_activity(db: &db::Db, org_code: &str, name: &str) -> i64 {
    let input = ActivityDraft {
        name: name.into(),
        programme: "巾帼微学堂".into(),
        kind: ActivityKind::Lecture.code().into(),
        org_code: org_code.into(),
        start_date: "2020-06-16".into(),
        head_count: "40".into(),
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity");
    db.write(async |tx| activity::upsert(tx, &Ctx::operator(), &input).await)
        .await
        .unwrap_or_else(|e| panic!("fixture activity {name}: {e}"))
        .0
        .id
}

async fn township_chair_is_refused_another_townships_activity(viewport: Viewport) {
    const J: &str = "j2-township-scope";
    let Some(chromedriver) = driver::chromedriver_or_skip(J) else {
        return;
    };
    let t = TestDb::new().await;
    db::testing::county(&t.db).await;
    let theirs = add_activity(&t.db, MAOPING, "巾帼微学堂·茅坪镇家风家教专场").await;
    add_activity(&t.db, GUIZHOU, "巾帼微学堂·归州镇防范电信诈骗").await;
    let (user, pw) = db::testing::user(&t.db, "guizhou", Role::TownshipChair, GUIZHOU).await;
    let srv = Server::start(t).await;
    let mut b = Browser::open(&chromedriver, &srv.base, J, viewport).await;

    sign_in(&mut b, &user, &pw, None).await;
    b.click_link("nav.sidenav", "活动").await;
    b.wait_path("/activities").await;
    b.wait_text("main", "归州镇防范电信诈骗").await;
    assert!(
        !b.main_text().await.contains("茅坪镇"),
        "only her township's activities are listed"
    );
    b.checkpoint("1-list").await;

    // Searching the other township's title finds nothing of it.
    b.fill("#q", "家风家教").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_path("/activities?").await;
    b.wait_text("main", "没有符合条件的活动").await;
    b.checkpoint("2-search-other-township").await;
    b.fill("#q", "巾帼微学堂").await;
    b.click("form.filters button[type=submit]").await;
    b.wait_text("main", "归州镇防范电信诈骗").await;
    let text = b.main_text().await;
    assert!(
        !text.contains("茅坪镇家风家教"),
        "search must not show 茅坪镇's activity: {text}"
    );

    // Typing its address gets a refusal page that names no detail of it.
    b.goto(&format!("/activities/{theirs}")).await;
    b.wait_text("main", "无权查看").await;
    let text = b.main_text().await;
    assert!(
        !text.contains("家风家教"),
        "the refusal leaks the activity: {text}"
    );
    let home = b.find("main a[href='/']").await;
    assert!(
        home.is_displayed().await.expect("visible"),
        "a way back home"
    );
    let back = b.find("main [data-history-back]").await;
    assert!(
        back.is_displayed().await.expect("visible"),
        "a way back to the page she came from"
    );
    b.find("header.topbar a.brand[href='/']").await;
    b.checkpoint_allowing("3-refused-by-url", &["404"]).await;
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j2_township_chair_cannot_open_or_find_another_townships_activity_on_phone() {
    township_chair_is_refused_another_townships_activity(Viewport::Phone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j2_township_chair_cannot_open_or_find_another_townships_activity_on_desktop() {
    township_chair_is_refused_another_townships_activity(Viewport::Desktop).await;
}

// ---------------------------------------------------------------------------
// 3. An admin imports the demo ledger workbook with one bad row (sees the
//    error by sheet/row/column, nothing imported), fixes it, imports it.

/// 人员.csv data row 1339 (spreadsheet row 1341): a resident nobody else
/// refers to, so the wrong check character is the file's only error.
const BAD_ROW: usize = 1339;

async fn people(db: &db::Db) -> u64 {
    person::Entity::find()
        .count(&db.conn)
        .await
        .expect("count people")
}

async fn admin_imports_the_demo_ledger_after_fixing_a_bad_row(viewport: Viewport) {
    const J: &str = "j3-ledger-import";
    let Some(chromedriver) = driver::chromedriver_or_skip(J) else {
        return;
    };
    let t = TestDb::new().await;
    db::testing::add_org(&t.db, COUNTY, "秭归县妇联", OrgKind::County, None).await;
    let (user, pw) = db::testing::user(&t.db, "admin", Role::CountyAdmin, COUNTY).await;
    let srv = Server::start(t).await;
    let files = tempfile::tempdir().expect("files dir");
    let bad = files.path().join("秭归县妇联台账（有误）.xlsx");
    let good = files.path().join("秭归县妇联台账.xlsx");
    std::fs::write(
        &bad,
        server::demo_workbook(Some(("人员", BAD_ROW, "身份证号", "420527195703110741"))),
    )
    .expect("write bad workbook");
    std::fs::write(&good, server::demo_workbook(None)).expect("write workbook");
    let mut b = Browser::open(&chromedriver, &srv.base, J, viewport).await;

    sign_in(&mut b, &user, &pw, None).await;
    b.click_link("nav.sidenav", "台账导入导出").await;
    b.wait_path("/ledger").await;
    b.checkpoint("1-ledger").await;

    // The bad file: one error, placed by sheet, row and column; nothing written.
    b.choose_files("#ledger-file", &[&bad]).await;
    b.click("#upload-button").await;
    b.wait_text_within("main", "未导入任何数据", IMPORT_WAIT)
        .await;
    let rows = b.all(".issues-table tbody tr").await;
    assert_eq!(rows.len(), 1, "exactly the one bad row is reported");
    let cells = |label: &'static str| {
        let row = rows[0].clone();
        async move {
            row.find(fantoccini::Locator::Css(&format!(
                "td[data-label='{label}']"
            )))
            .await
            .expect("cell")
            .text()
            .await
            .expect("text")
        }
    };
    assert_eq!(cells("工作表").await, "人员");
    assert_eq!(cells("行").await, format!("第{}行", BAD_ROW + 2));
    assert_eq!(cells("列").await, "身份证号");
    assert!(
        cells("问题").await.contains("校验"),
        "the message says what is wrong"
    );
    b.checkpoint("2-error-listed").await;
    assert_eq!(people(srv.db()).await, 0, "nothing imported");

    // Fixed: preview, then confirm.
    b.click_link("main", "重新上传").await;
    b.wait_path("/ledger").await;
    b.choose_files("#ledger-file", &[&good]).await;
    b.click("#upload-button").await;
    b.wait_text_within("main", "校验通过", IMPORT_WAIT).await;
    b.checkpoint("3-preview").await;
    assert_eq!(people(srv.db()).await, 0, "a preview writes nothing");
    b.click("#confirm-button").await;
    b.wait_text_within("main", "导入完成", IMPORT_WAIT).await;
    b.checkpoint("4-imported").await;
    assert_eq!(people(srv.db()).await, 1639);
    let orgs = org::Entity::find()
        .count(&srv.db().conn)
        .await
        .expect("count orgs");
    assert_eq!(orgs, 213);
    b.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j3_admin_imports_demo_ledger_after_fixing_a_bad_row_on_phone() {
    admin_imports_the_demo_ledger_after_fixing_a_bad_row(Viewport::Phone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j3_admin_imports_demo_ledger_after_fixing_a_bad_row_on_desktop() {
    admin_imports_the_demo_ledger_after_fixing_a_bad_row(Viewport::Desktop).await;
}

// ---------------------------------------------------------------------------
// 4. The county opens its dashboard for 2020, follows a township's bar (and
//    its own 本级 row) to exactly the activities counted, generates the 2020
//    review, previews it, moves a highlight up, and downloads DOCX and PDF.

/// The names of the activities held (已开展) in 2020 under the org `code`
/// (its whole subtree, or the org alone), straight from the tables.
async fn held_in_2020(db: &db::Db, code: &str, only: bool) -> Vec<String> {
    let orgs = org::Entity::find().all(&db.conn).await.expect("orgs");
    let root = orgs
        .iter()
        .find(|o| o.code == code)
        .unwrap_or_else(|| panic!("org {code}"));
    let under: std::collections::HashSet<i64> = orgs
        .iter()
        .filter(|o| {
            if only {
                o.id == root.id
            } else {
                o.path.starts_with(&root.path)
            }
        })
        .map(|o| o.id)
        .collect();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
        NaiveDate::from_ymd_opt(2020, 12, 31).expect("date"),
    );
    let mut names: Vec<String> = activity_entity::Entity::find()
        .filter(activity_entity::Column::Status.eq(ActivityStatus::Done.code()))
        .filter(activity_entity::Column::StartDate.between(from, to))
        .all(&db.conn)
        .await
        .expect("activities")
        .into_iter()
        .filter(|a| under.contains(&a.org_id))
        .map(|a| a.name)
        .collect();
    names.sort();
    names
}

/// The names in the activity list on screen, sorted.
async fn listed(b: &Browser) -> Vec<String> {
    let v = b
        .js("return Array.prototype.map.call(document.querySelectorAll('table.list td[data-label=\"活动名称\"]'), \
             function (td) { return td.innerText.trim(); });")
        .await;
    let mut names: Vec<String> = serde_json::from_value(v).expect("names");
    names.sort();
    names
}

/// `共 N 条` under the list.
async fn list_total(b: &Browser) -> u64 {
    let t = b.wait_text("main p.muted", "共 ").await;
    t.trim_start_matches("共 ")
        .trim_end_matches(" 条")
        .parse()
        .unwrap_or_else(|_| panic!("a total, got {t}"))
}

/// The highlights of the preview, in order.
async fn highlight_order(b: &Browser) -> Vec<String> {
    let v = b
        .js(
            "return Array.prototype.map.call(document.querySelectorAll('section.highlight'), \
             function (s) { return s.getAttribute('data-highlight'); });",
        )
        .await;
    serde_json::from_value(v).expect("highlight keys")
}

async fn county_dashboard_to_records_and_the_2020_review_downloads(viewport: Viewport) {
    const J: &str = "j4-county-review";
    let Some(chromedriver) = driver::chromedriver_or_skip(J) else {
        return;
    };
    let t = TestDb::new().await;
    server::import_demo_ledger(&t.db).await;
    let (user, pw) = db::testing::user(&t.db, "county", Role::CountyAdmin, COUNTY).await;
    let srv = Server::start(t).await;
    let mut b = Browser::open(&chromedriver, &srv.base, J, viewport).await;
    sign_in(&mut b, &user, &pw, None).await;

    // The dashboard, for 2020.
    b.click_link("nav.sidenav", "看板").await;
    b.wait_path("/dashboard").await;
    b.find("#year")
        .await
        .select_by_value("2020")
        .await
        .expect("choose 2020");
    b.click("form.filters button[type=submit]").await;
    b.wait_text("h1.page-title", "2020年看板").await;
    b.find("#by-child .chart canvas").await;
    // Each chart's tooltip, as a hover shows it: ECharts writes it as HTML
    // with inline style attributes, which the CSP must let through (the
    // checkpoint counts the violations: there must be none).
    let tips = b
        .js(
            "var n = 0; document.querySelectorAll('.chart').forEach(function (el) { \
               var c = echarts.getInstanceByDom(el); if (!c) return; \
               c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 0 }); n++; }); \
             return n;",
        )
        .await;
    assert!(
        tips.as_u64().unwrap_or(0) > 0,
        "charts on the dashboard: {tips}"
    );
    driver::until("a chart tooltip to show", Duration::from_secs(10), || async {
        let shown = b
            .js("return Array.from(document.querySelectorAll('.chart div')).some(function (d) { \
                   return d.style.position === 'absolute' && d.innerHTML.indexOf('<span') >= 0; });")
            .await;
        (shown == serde_json::json!(true)).then_some(())
    })
    .await;
    b.checkpoint("1-dashboard").await;

    // 茅坪镇's count in the table under the bar chart, and its bar: the bar
    // carries the same records URL, and the chart's click handler follows it.
    const TOWN: &str = "茅坪镇妇联";
    let row = until_row(&b, TOWN).await;
    let link = row
        .find(fantoccini::Locator::Css("td.num a"))
        .await
        .expect("the count links to its records");
    let href = link.attr("href").await.expect("href").expect("href");
    let figure: u64 = link.text().await.expect("text").parse().expect("a count");
    assert_eq!(
        href,
        format!("/activities?org={MAOPING}&from=2020-01-01&to=2020-12-31&status=done"),
        "the link carries exactly the figure's filter"
    );
    let bar_url = b
        .js(&format!(
            "var c = echarts.getInstanceByDom(document.querySelector('#by-child .chart')); \
             var d = c.getOption().series[0].data.filter(function (x) {{ return x.name === '{TOWN}'; }})[0]; \
             return d && d.url;"
        ))
        .await;
    assert_eq!(bar_url.as_str(), Some(href.as_str()), "the bar's URL");
    b.js(&format!(
        "var c = echarts.getInstanceByDom(document.querySelector('#by-child .chart')); \
         var d = c.getOption().series[0].data.filter(function (x) {{ return x.name === '{TOWN}'; }})[0]; \
         c.trigger('click', {{ componentType: 'series', seriesType: 'bar', name: d.name, data: d }});"
    ))
    .await;
    b.wait_path("/activities?").await;
    assert_eq!(b.path().await, href, "the bar's click opens its records");
    b.wait_text("h1.page-title", "活动").await;
    assert_eq!(
        list_total(&b).await,
        figure,
        "the list counts the bar's figure"
    );
    assert_eq!(
        listed(&b).await,
        held_in_2020(srv.db(), MAOPING, false).await
    );
    assert_eq!(
        b.find("#status").await.prop("value").await.expect("status"),
        Some("done".into()),
        "the list shows the filter it applies"
    );
    b.checkpoint("2-town-records").await;

    // The table link of the county's own row: its own activities only.
    b.client.back().await.expect("back");
    b.wait_path("/dashboard").await;
    let own = until_row(&b, "秭归县妇联（本级）").await;
    let own_link = own
        .find(fantoccini::Locator::Css("td.num a"))
        .await
        .expect("the 本级 count links to its records");
    let own_figure: u64 = own_link.text().await.expect("text").parse().expect("count");
    let _ = b
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::json!(own_link)],
        )
        .await;
    own_link.click().await.expect("click the 本级 count");
    b.wait_path("/activities?").await;
    assert!(b.path().await.ends_with("&only=true"), "{}", b.path().await);
    assert_eq!(list_total(&b).await, own_figure);
    assert!(
        b.find("#only").await.is_selected().await.expect("checked"),
        "仅本级 is shown ticked"
    );
    b.checkpoint("3-own-records").await;

    // The 2020 review of the county.
    b.click_link("nav.sidenav", "年度盘点").await;
    b.wait_path("/review").await;
    b.find("#org")
        .await
        .select_by_value(COUNTY)
        .await
        .expect("choose the county");
    b.fill("#period", "2020").await;
    b.checkpoint("4-review-choose").await;
    b.click("main form button.btn-primary").await;
    let draft = b.wait_path(&format!("/review/{COUNTY}/2020")).await;
    b.find("section.highlight").await;
    b.checkpoint("5-review-preview").await;

    // On the phone the edit form follows the whole article: a link leads there.
    if viewport == Viewport::Phone {
        b.click_link("main", "修改标题、调整看点顺序与照片 ↓").await;
        driver::until(
            "the edit form to scroll into view",
            driver::WAIT,
            || async {
                let top = b
                .js("return document.getElementById('review-edit').getBoundingClientRect().top;")
                .await;
                top.as_f64().filter(|t| (-1.0..740.0).contains(t))
            },
        )
        .await;
    }
    // Move the first highlight that can go up one place up.
    let before = highlight_order(&b).await;
    let mut mover = None;
    for key in &before {
        let sel = format!("button[name=move][value=\"up:{key}\"]");
        if let Some(btn) = b.all(&sel).await.into_iter().next()
            && btn.is_enabled().await.expect("enabled")
        {
            mover = Some((key.clone(), sel));
            break;
        }
    }
    let (key, sel) = mover.expect("two highlights in one part");
    let i = before.iter().position(|k| *k == key).expect("position");
    let mut expected = before.clone();
    expected.swap(i - 1, i);
    b.click(&sel).await;
    driver::until(
        "the preview to show the new order",
        driver::WAIT,
        || async { (highlight_order(&b).await == expected).then_some(()) },
    )
    .await;
    b.wait_text(".review-edit [role=status]", "已保存").await;
    b.checkpoint("6-review-reordered").await;
    b.goto(draft.split(['?', '#']).next().unwrap_or(&draft))
        .await;
    b.find("section.highlight").await;
    assert_eq!(
        highlight_order(&b).await,
        expected,
        "the new order is saved with the draft"
    );

    // Both downloads, with the browser's session.
    let cookie = b
        .client
        .get_named_cookie("jinguo_session")
        .await
        .expect("session cookie");
    let cookie = format!("jinguo_session={}", cookie.value());
    for format in ["docx", "pdf"] {
        let href = b
            .find(&format!("a[href$=\"format={format}\"]"))
            .await
            .attr("href")
            .await
            .expect("href")
            .expect("a download link");
        let (status, mime, bytes) = server::get_with_cookie(&b.url(&href), &cookie).await;
        assert_eq!(status, 200, "{format}: {}", String::from_utf8_lossy(&bytes));
        std::fs::write(
            page::e2e_dir().join(format!("{J}-{}-review.{format}", viewport.name())),
            &bytes,
        )
        .expect("keep the download");
        if format == "docx" {
            assert!(mime.contains("wordprocessingml"), "{mime}");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
            let mut xml = String::new();
            std::io::Read::read_to_string(
                &mut zip.by_name("word/document.xml").expect("word/document.xml"),
                &mut xml,
            )
            .expect("document.xml");
            assert!(xml.contains("w:val=\"Title\"") && xml.contains("w:val=\"Heading1\""));
            assert!(xml.contains("秭归县妇联"));
        } else {
            assert_eq!(mime, "application/pdf");
            assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
            let text: String = pdf_extract::extract_text_from_mem(&bytes)
                .expect("the PDF parses")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            assert!(text.contains("秭归县妇联"), "the PDF's text: {text}");
        }
    }
    b.checkpoint("7-review-downloaded").await;
    b.finish().await;
}

/// The row of the by-sub-org table whose first cell reads `label`.
async fn until_row(b: &Browser, label: &str) -> fantoccini::elements::Element {
    driver::until(&format!("the row of {label}"), driver::WAIT, || async {
        for row in b.all("#by-child tbody tr").await {
            let first = row
                .find(fantoccini::Locator::Css("td"))
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            if first.trim() == label {
                return Some(row);
            }
        }
        None
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j4_county_dashboard_click_through_and_2020_review_downloads_on_phone() {
    county_dashboard_to_records_and_the_2020_review_downloads(Viewport::Phone).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn j4_county_dashboard_click_through_and_2020_review_downloads_on_desktop() {
    county_dashboard_to_records_and_the_2020_review_downloads(Viewport::Desktop).await;
}
