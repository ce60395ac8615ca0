//! Point 8 of docs/security.md: a person-level export asks for a purpose
//! (用途) that the access log records; formula-like cells are neutralised in
//! XLSX and CSV exports; the 上级查看 role sees no person's name anywhere.

use std::{collections::BTreeSet, io::Read};

use axum::http::StatusCode;
use db::{
    entity::{access_log, attendance, person},
    sea_orm::EntityTrait,
    testing,
};
use domain::access::Role;

use crate::common::{COUNTY, MAOPING, TestApp};

/// Imports `files` (CSV name, text) as one ledger, as the operator.
async fn import_csvs(app: &TestApp, files: &[(&str, String)]) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let wb = ledger::read_bytes("台账.zip", &zip).expect("zip reads");
    let out = db::import::import_workbook(app.db(), &testing::operator(), &wb, false)
        .await
        .expect("import runs");
    assert!(out.committed, "{:?}", out.report.errors);
}

#[tokio::test]
async fn a_person_level_export_asks_for_a_purpose_and_the_access_log_records_it() {
    let app = TestApp::with_county().await;
    testing::person(
        app.db(),
        "导出张三",
        "420527197208127420",
        crate::common::MAOPING_VILLAGE,
    )
    .await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;

    let none = app
        .get(&format!("/ledger/export?org={MAOPING}"), Some(&chair))
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.body.contains("请填写导出用途"), "{}", none.body);
    let blank = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose=%20%20"),
            Some(&chair),
        )
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    let long = "长".repeat(201);
    let too_long = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose={long}"),
            Some(&chair),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains("201个字"), "{}", too_long.body);
    assert!(
        access_log::Entity::find()
            .all(&app.db().conn)
            .await
            .unwrap()
            .is_empty(),
        "a refused export logs nothing"
    );
    let page = app.get("/ledger", Some(&chair)).await;
    assert!(
        page.body.contains("name=\"purpose\" required"),
        "the form asks for it"
    );

    let res = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose=2020年度妇女之家台账核对"),
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows = access_log::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        (
            r.entity.as_str(),
            r.entity_id.as_str(),
            r.actor_name.as_str()
        ),
        ("ledger_export", MAOPING, "mp")
    );
    assert_eq!(r.purpose, "2020年度妇女之家台账核对");
    // The auditor sees it with its purpose.
    let auditor = app.login_as("sj", Role::Auditor, COUNTY).await;
    let views = app.get("/audit/views", Some(&auditor)).await;
    assert!(
        views.body.contains("2020年度妇女之家台账核对"),
        "{}",
        views.body
    );
    let changes = app.get("/audit?action=export", Some(&auditor)).await;
    assert!(
        changes.body.contains("用途：2020年度妇女之家台账核对"),
        "{}",
        changes.body
    );
}

/// The text of each cell of `sheet` in an xlsx, with whether its style has
/// Excel's quote prefix (kept as text, never a formula).
fn xlsx_cells(bytes: &[u8], sheet_no: usize) -> Vec<(String, bool, bool)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let shared = read("xl/sharedStrings.xml");
    let styles = read("xl/styles.xml");
    let sheet = read(&format!("xl/worksheets/sheet{sheet_no}.xml"));
    let strings: Vec<String> = shared
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split("</t>").next().unwrap_or_default();
            let t = t.rsplit('>').next().unwrap_or_default();
            t.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
        })
        .collect();
    let xfs = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap();
    let quoted: Vec<bool> = xfs
        .split("<xf ")
        .skip(1)
        .map(|x| x.split('>').next().unwrap().contains("quotePrefix=\"1\""))
        .collect();
    sheet
        .split("<c ")
        .skip(1)
        .filter_map(|c| {
            let head = c.split('>').next()?;
            let formula = c.contains("<f>") || c.contains("<f ");
            let style: usize = head
                .split(" s=\"")
                .nth(1)
                .map_or(0, |s| s.split('"').next().unwrap().parse().unwrap());
            let is_shared = head.contains("t=\"s\"");
            let v = c.split("<v>").nth(1)?.split("</v>").next()?;
            let text = if is_shared {
                strings[v.parse::<usize>().ok()?].clone()
            } else {
                v.to_string()
            };
            Some((text, quoted.get(style).copied().unwrap_or(false), formula))
        })
        .collect()
}

#[tokio::test]
async fn formula_like_cells_are_neutralised_in_xlsx_and_csv_exports() {
    let app = TestApp::with_county().await;
    let evil = [
        "=HYPERLINK(\"http://evil.example/\",\"点此查看\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
    ];
    import_csvs(
        &app,
        &[(
            "调研.csv",
            format!(
                "组织编码,日期,调研人,发现不足,工作亮点\n{MAOPING},2020-11-16,\"{}\",\"{}\",\"{}\"\n{MAOPING},2020-11-17,,\"{}\",普通文字\n",
                evil[0].replace('"', "\"\""),
                evil[1],
                evil[2],
                evil[3],
            ),
        )],
    )
    .await;
    let chair = app.login_as("mp", Role::TownshipChair, MAOPING).await;
    let res = app
        .get(
            &format!("/ledger/export?org={MAOPING}&purpose=核对"),
            Some(&chair),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // 调研 is the fifth sheet of the export.
    let cells = xlsx_cells(&res.bytes, 5);
    for e in evil {
        let c = cells
            .iter()
            .find(|(t, _, _)| t == e)
            .unwrap_or_else(|| panic!("{e} not exported: {cells:?}"));
        assert!(c.1, "{e}: written as quote-prefixed text");
        assert!(!c.2, "{e}: never a formula");
    }
    let plain = cells.iter().find(|(t, _, _)| t == "普通文字").unwrap();
    assert!(!plain.1, "ordinary text keeps the ordinary style");

    // Round trip through our own importer: the same text comes back.
    let wb = ledger::read_bytes("导出.xlsx", &res.bytes).expect("export reads back");
    let surveys = wb.sheet("调研").expect("调研 sheet");
    let back: BTreeSet<String> = surveys
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter_map(|c| match c {
            ledger::Cell::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    for e in evil {
        assert!(back.contains(e), "{e} read back unchanged: {back:?}");
    }

    // CSV: an apostrophe in front, numbers left as numbers.
    let csv = ledger::to_csv_bytes(
        &["a", "b", "c", "d", "e", "f", "g"],
        &[vec![
            ledger::OutCell::Text(evil[0].into()),
            ledger::OutCell::Text("\tTAB".into()),
            ledger::OutCell::Text("\rCR".into()),
            ledger::OutCell::Text("@x".into()),
            ledger::OutCell::Text("普通".into()),
            ledger::OutCell::Money(-250),
            ledger::OutCell::Int(-3),
        ]],
    );
    let text = String::from_utf8(csv).unwrap();
    let line = text.lines().nth(1).unwrap_or_default();
    assert!(
        line.starts_with(&format!("\"'{}\"", evil[0].replace('"', "\"\""))),
        "{text}"
    );
    for want in ["'\tTAB", "\"'\rCR\"", ",'@x,", ",普通,", ",-2.50,-3"] {
        assert!(text.contains(want), "{want:?} in {text:?}");
    }
}

#[tokio::test]
async fn the_upper_viewer_sees_no_persons_name_anywhere() {
    let app = TestApp::with_county().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/ledger");
    let demo = ledger::read_path(&dir).expect("demo ledger reads");
    let out = db::import::import_workbook(app.db(), &testing::operator(), &demo, false)
        .await
        .expect("import runs");
    assert!(out.committed, "{:?}", out.report.errors.first());
    // Every name of a person on file or on a roster (three characters and
    // more, so that no name is also an everyday word of the pages).
    let mut names: BTreeSet<String> = person::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    names.extend(
        attendance::Entity::find()
            .all(&app.db().conn)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.name),
    );
    names.retain(|n| n.chars().count() >= 3);
    assert!(names.len() > 100, "the demo has people: {}", names.len());

    let viewer = app.login_as("shangji", Role::UpperViewer, COUNTY).await;
    // Walk every same-site link reachable from the home page (bounded), and
    // the API's readers.
    let mut queue: Vec<String> = vec!["/".into()];
    for p in [
        "/api/v1/activities",
        "/api/v1/orgs",
        "/api/v1/officers",
        "/api/v1/people",
        "/api/v1/publicity",
        "/api/v1/surveys",
        "/api/v1/venues",
        "/api/v1/programmes",
        &format!("/api/v1/orgs/{COUNTY}/officers"),
        &format!("/api/v1/orgs/{MAOPING}/officers"),
        &format!("/api/v1/orgs/{COUNTY}/surveys"),
        &format!("/api/v1/orgs/{COUNTY}/dashboard"),
        &format!("/review/{COUNTY}/2020"),
        &format!("/review/{COUNTY}/2020/download"),
        &format!("/review/{MAOPING}/2020"),
        &format!("/dashboard?org={COUNTY}"),
        &format!("/api/v1/orgs/{COUNTY}/stats?period=2020"),
        "/publicity",
        "/people",
        "/audit",
        "/audit/views",
        &format!("/ledger/export?org={COUNTY}&purpose=查看"),
    ] {
        queue.push(p.to_string());
    }
    // Activities with a roster, and the first few without.
    let mut activity_ids: BTreeSet<i64> = attendance::Entity::find()
        .all(&app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.activity_id)
        .collect();
    activity_ids.extend(1..=5);
    for id in &activity_ids {
        queue.push(format!("/api/v1/activities/{id}"));
        queue.push(format!("/api/v1/activities/{id}/attendees"));
        queue.push(format!("/api/v1/activities/{id}/works"));
        queue.push(format!("/activities/{id}"));
    }
    let mut seen = BTreeSet::new();
    let mut ok_pages = 0;
    let mut leaks = Vec::new();
    // The named paths first, then the pages their links reach.
    queue.reverse();
    let named = queue.len();
    while let Some(path) = queue.pop() {
        if seen.len() >= named + 400 || !seen.insert(path.clone()) {
            continue;
        }
        let res = app.get(&path, Some(&viewer)).await;
        if std::env::var_os("WALK").is_some() {
            eprintln!("WALK {} {path}", res.status);
        }
        if res.status == StatusCode::OK {
            ok_pages += 1;
        }
        let body = String::from_utf8_lossy(&res.bytes);
        if let Some(n) = names.iter().find(|n| body.contains(n.as_str())) {
            leaks.push(format!("{path} shows the name {n}"));
        }
        if res.bytes.starts_with(b"PK") {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(&res.bytes)).unwrap();
            // A workbook's or a document's text.
            for part in ["xl/sharedStrings.xml", "word/document.xml"] {
                if let Ok(mut f) = z.by_name(part) {
                    let mut s = String::new();
                    f.read_to_string(&mut s).unwrap();
                    if let Some(n) = names.iter().find(|n| s.contains(n.as_str())) {
                        leaks.push(format!("{path} exports the name {n}"));
                    }
                }
            }
        }
        for link in body.split("href=\"").skip(1) {
            let link = link
                .split('"')
                .next()
                .unwrap_or_default()
                .replace("&amp;", "&");
            if link.starts_with('/')
                && !link.starts_with("//")
                && !link.starts_with("/static")
                && !link.starts_with("/logout")
                && !link.contains("page=")
            {
                queue.insert(0, link);
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks: {:#?}",
        leaks.len(),
        &leaks[..leaks.len().min(40)]
    );
    assert!(
        ok_pages > 20,
        "the walk reached pages: {ok_pages} of {}",
        seen.len()
    );
}
