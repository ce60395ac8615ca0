//! §2 of docs/security.md: a masked 身份证号 stays masked. Everything a role
//! sees of a person without a logged reveal (pages, API bodies, exports), and
//! every unencrypted column of the database, leaves ≥ 10,000 candidates for
//! her number; children are shown by surname + * in rosters and exports;
//! data stored under the old masks migrates. Also §8's page reveal: it asks
//! for a 用途, which the access log records.

use axum::http::StatusCode;
use chrono::{Datelike, Months, NaiveDate};
use db::sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use db::{
    activity::{self, attendance},
    entity::access_log,
    people::{self, household},
    testing::{self, TestDb},
};
use domain::{
    access::{Module, Permission, Role},
    activity::records::AttendeeDraft,
    activity::{ActivityDraft, ActivityKind, ActivityStatus},
    foundation::person::PersonDraft,
    idcard::{IdNumber, candidates_for_mask},
};

use crate::common::{COUNTY, GUIZHOU_VILLAGE, MAOPING, MAOPING_VILLAGE, TestApp};

/// The rule of docs/security.md §2.
const MIN_CANDIDATES: u64 = 10_000;

fn valid_id(body17: &str) -> String {
    domain::idcard::with_check_char(body17)
}

fn id_born(birth: NaiveDate, seq: &str) -> String {
    valid_id(&format!("420527{}{seq}", birth.format("%Y%m%d")))
}

struct Someone {
    id: i64,
    name: &'static str,
    number: String,
}

struct Fixture {
    app: TestApp,
    people: Vec<Someone>,
    activity: i64,
    child: i64,
}

/// Adults of both sexes (a leap-day birth, a check character X), a child of
/// 8 and a girl of 17, in two townships, with phones, a household and an
/// activity whose roster holds them all.
async fn fixture() -> Fixture {
    let app = TestApp::with_county().await;
    let db = app.db().clone();
    let op = testing::operator();
    let today = db::time::today_beijing();
    let child_birth = today.checked_sub_months(Months::new(12 * 8 + 2)).unwrap();
    let teen_birth = today.checked_sub_months(Months::new(12 * 17 + 1)).unwrap();
    let list: Vec<(&'static str, String, Option<&str>, &str)> = vec![
        (
            "王秀梅",
            "42052719850315002X".into(),
            Some("13812345678"),
            MAOPING_VILLAGE,
        ),
        (
            "李德明",
            valid_id("42052719900101001"),
            None,
            MAOPING_VILLAGE,
        ),
        (
            "张丽华",
            valid_id("42052719760229002"),
            Some("13907171234"),
            MAOPING_VILLAGE,
        ),
        ("陈小雨", id_born(child_birth, "024"), None, MAOPING_VILLAGE),
        ("刘佳怡", id_born(teen_birth, "046"), None, MAOPING_VILLAGE),
        (
            "赵敏",
            valid_id("42052719951111004"),
            Some("13507179876"),
            GUIZHOU_VILLAGE,
        ),
    ];
    let mut people = Vec::new();
    for (name, number, phone, org) in list {
        let input = PersonDraft {
            name: name.into(),
            id_number: number.clone(),
            phone: phone.unwrap_or_default().into(),
            org_code: org.into(),
            tags: vec!["留守儿童".into()],
        }
        .validate(db::time::today_beijing())
        .expect("fixture person");
        let (p, _) = db
            .write(async |tx| people::find_or_create(tx, &db, &op, &input).await)
            .await
            .expect("person");
        people.push(Someone {
            id: p.id,
            name,
            number,
        });
    }
    let child = people[3].id;
    let h = db
        .write(async |tx| household::ensure(tx, &op, people[0].id, Some("茅坪村一组".into())).await)
        .await
        .expect("household");
    db.write(async |tx| household::add_member(tx, &op, h.id, child, "子女").await)
        .await
        .expect("member");
    let input = ActivityDraft {
        name: "儿童安全讲座".into(),
        kind: ActivityKind::Lecture.code().into(),
        org_code: MAOPING_VILLAGE.into(),
        start_date: "2024-06-01".into(),
        place: "村委会".into(),
        status: ActivityStatus::Done.code().into(),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .expect("a valid fixture activity");
    let (a, _) = db
        .write(async |tx| activity::upsert(tx, &op, &input).await)
        .await
        .expect("activity");
    for s in &people {
        let input = AttendeeDraft {
            name: s.name.into(),
            id_number: s.number.clone(),
            unit: "茅坪村".into(),
            ..Default::default()
        }
        .validate(db::time::today_beijing())
        .unwrap();
        db.write(async |tx| attendance::add(tx, &db, &op, a.id, &input).await)
            .await
            .expect("attendee");
    }
    // A walk-in child: her number given on the roster, no person record.
    let walk_in = AttendeeDraft {
        name: "孙小宝".into(),
        id_number: id_born(child_birth, "062"),
        ..Default::default()
    }
    .validate(db::time::today_beijing())
    .unwrap();
    db.write(async |tx| attendance::add(tx, &db, &op, a.id, &walk_in).await)
        .await
        .expect("walk-in");
    Fixture {
        app,
        people,
        activity: a.id,
        child,
    }
}

const ROLES: [(&str, Role, &str); 7] = [
    ("admin", Role::CountyAdmin, COUNTY),
    ("staff", Role::CountyStaff, COUNTY),
    ("mp", Role::TownshipChair, MAOPING),
    ("vc", Role::VillageChair, MAOPING_VILLAGE),
    ("shenji", Role::Auditor, COUNTY),
    ("weiquan", Role::RightsOfficer, COUNTY),
    ("upper", Role::UpperViewer, COUNTY),
];

/// A response as text: a workbook's cells, one per line, or the body.
fn text_of(res: &crate::common::Res) -> String {
    if res.bytes.starts_with(b"PK") {
        let book = ledger::read_bytes("export.xlsx", &res.bytes).expect("export reads back");
        let mut out = String::new();
        for s in &book.sheets {
            for r in &s.rows {
                for c in &r.cells {
                    out.push_str(&c.as_text().unwrap_or_default());
                    out.push('\n');
                }
            }
        }
        return out;
    }
    res.body.clone()
}

/// Everything one role sees of the fixture without a logged reveal: the
/// people pages and API, the activity page and roster API, the audit pages,
/// and the ledger export unless hers is the logged plaintext export.
async fn seen_by(f: &Fixture, cookie: &str, role: Role, root: &str) -> String {
    let a = f.activity;
    let mut paths = vec![
        "/people".to_string(),
        "/people?q=王".to_string(),
        "/api/v1/people?per_page=200".to_string(),
        format!("/activities/{a}"),
        format!("/api/v1/activities/{a}/attendees"),
        "/audit".to_string(),
        "/audit/views".to_string(),
    ];
    if !role
        .default_grants()
        .allows(Module::People, Permission::Sensitive)
    {
        paths.push(format!("/ledger/export?org={root}&purpose=核对"));
    }
    for p in &f.people {
        paths.push(format!("/people/{}", p.id));
        paths.push(format!("/people/{}/edit", p.id));
        paths.push(format!("/api/v1/people/{}", p.id));
    }
    let mut seen = String::new();
    for path in paths {
        let res = f.app.get(&path, Some(cookie)).await;
        seen.push_str(&text_of(&res));
        seen.push('\n');
    }
    seen
}

/// Every value of every column of every table, as text (the database file
/// read without the key: ciphertexts and blind indexes are noise to it).
async fn database_text(db: &db::Db) -> String {
    let c = &db.conn;
    let backend = c.get_database_backend();
    let q = |sql: &str| Statement::from_string(backend, sql.to_string());
    let columns: Vec<(String, String)> = match backend {
        DbBackend::Postgres => c
            .query_all_raw(q(
                "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
            ))
            .await
            .expect("columns")
            .into_iter()
            .map(|r| (r.try_get("", "t").unwrap(), r.try_get("", "c").unwrap()))
            .collect(),
        _ => {
            let tables: Vec<String> = c
                .query_all_raw(q(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                ))
                .await
                .expect("tables")
                .into_iter()
                .map(|r| r.try_get("", "name").unwrap())
                .collect();
            let mut out = Vec::new();
            for t in tables {
                for r in c
                    .query_all_raw(q(&format!("SELECT name FROM pragma_table_info('{t}')")))
                    .await
                    .expect("table info")
                {
                    out.push((t.clone(), r.try_get("", "name").unwrap()));
                }
            }
            out
        }
    };
    assert!(columns.iter().any(|(t, _)| t == "person"), "{columns:?}");
    let mut text = String::new();
    for (t, col) in columns {
        let rows = c
            .query_all_raw(q(&format!(
                "SELECT CAST(\"{col}\" AS TEXT) AS v FROM \"{t}\""
            )))
            .await
            .unwrap_or_else(|e| panic!("{t}.{col}: {e}"));
        for r in rows {
            if let Ok(Some(v)) = r.try_get::<Option<String>>("", "v") {
                text.push_str(&v);
                text.push('\n');
            }
        }
    }
    text
}

/// Runs of 身份证号 characters holding at least one star, 18 long.
fn masks_in(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let is_id = |c: u8| c.is_ascii_digit() || c == b'X' || c == b'x' || c == b'*';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_id(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_id(b[i]) {
            i += 1;
        }
        let run = &text[start..i];
        if run.len() == 18 && run.contains('*') {
            out.push(run);
        }
    }
    out
}

/// How many numbers remain for `number` to someone who read `seen`, with
/// the region code, birth year and sex taken as known (pages show them): the
/// positions any fitting mask in `seen` reveals, and the birth date's if it
/// appears in any usual form, brute-forced against the check character.
fn candidates(number: &str, seen: &str) -> u64 {
    if seen.contains(number) || seen.contains(&number.to_lowercase()) {
        return 1;
    }
    let id = IdNumber::parse(number).expect("fixture id");
    let birth = id.birth_date();
    let mut mask: Vec<u8> = vec![b'*'; 18];
    mask[..10].copy_from_slice(&number.as_bytes()[..10]);
    for m in masks_in(seen) {
        let m = m.to_uppercase();
        let fits = m
            .bytes()
            .zip(number.bytes())
            .all(|(a, b)| a == b'*' || a == b);
        if fits {
            for (i, c) in m.bytes().enumerate() {
                if c != b'*' {
                    mask[i] = c;
                }
            }
        }
    }
    let forms = [
        birth.format("%Y-%m-%d").to_string(),
        birth.format("%Y%m%d").to_string(),
        birth.format("%Y/%m/%d").to_string(),
        birth.format("%Y年%-m月%-d日").to_string(),
        birth.format("%Y年%m月%d日").to_string(),
        birth.format("%Y.%m.%d").to_string(),
    ];
    if forms.iter().any(|f| seen.contains(f.as_str())) {
        mask[10..14].copy_from_slice(&number.as_bytes()[10..14]);
    }
    let mask = String::from_utf8(mask).unwrap();
    candidates_for_mask(&mask, birth.year(), id.sex())
}

#[tokio::test]
async fn no_role_nor_the_database_file_narrows_an_id_below_ten_thousand_candidates() {
    // The measure itself: the old mask beside a shown birth date gives the
    // number back at once, and a 6+4 mask with the birth year alone leaves
    // only the ~365 days of that year.
    let number = "42052719850315002X";
    assert_eq!(
        candidates(number, "420527********002X 出生日期 1985-03-15"),
        1
    );
    assert!(candidates(number, "420527********002X") < 400);
    let f = fixture().await;
    let stored = database_text(f.app.db()).await;
    let mut fewest = u64::MAX;
    for p in &f.people {
        let n = candidates(&p.number, &stored);
        assert!(
            n >= MIN_CANDIDATES,
            "the database's plaintext columns leave {n} candidates for {}",
            p.name
        );
        fewest = fewest.min(n);
    }
    for (user, role, root) in ROLES {
        let cookie = f.app.login_as(user, role, root).await;
        let seen = seen_by(&f, &cookie, role, root).await;
        // The collection did reach the people (masks and names were shown).
        if role
            .default_grants()
            .allows(Module::People, Permission::Read)
        {
            assert!(seen.contains("420527***********X"), "{user}: {seen}");
        }
        // What the role sees, together with the database file.
        let all = format!("{seen}\n{stored}");
        for p in &f.people {
            let n = candidates(&p.number, &all);
            assert!(
                n >= MIN_CANDIDATES,
                "{user} ({role:?}) narrows {}'s number to {n} candidates",
                p.name
            );
            fewest = fewest.min(n);
        }
    }
    eprintln!("fewest candidates left for any fixture ID: {fewest}");
}

#[tokio::test]
async fn a_child_is_shown_by_surname_and_star_in_the_roster_its_api_the_people_pages_and_exports() {
    let f = fixture().await;
    let a = f.activity;
    let child = f.child;
    for (user, role, root) in [
        ("mp", Role::TownshipChair, MAOPING),
        ("staff", Role::CountyStaff, COUNTY),
        ("admin", Role::CountyAdmin, COUNTY),
    ] {
        let cookie = f.app.login_as(user, role, root).await;
        let mut views = vec![
            f.app.get(&format!("/activities/{a}"), Some(&cookie)).await,
            f.app
                .get(&format!("/api/v1/activities/{a}/attendees"), Some(&cookie))
                .await,
            f.app.get("/people", Some(&cookie)).await,
            f.app.get(&format!("/people/{child}"), Some(&cookie)).await,
            f.app
                .get(&format!("/api/v1/people/{child}"), Some(&cookie))
                .await,
        ];
        if role != Role::CountyAdmin {
            views.push(
                f.app
                    .get(
                        &format!("/ledger/export?org={root}&purpose=核对"),
                        Some(&cookie),
                    )
                    .await,
            );
        }
        for v in &views {
            assert_eq!(v.status, StatusCode::OK, "{user}: {}", v.body);
            let text = text_of(v);
            assert!(!text.contains("陈小雨"), "{user} sees the child's name");
            assert!(
                !text.contains("刘佳怡"),
                "{user} sees the 17-year-old's name"
            );
            assert!(!text.contains("孙小宝"), "{user} sees the walk-in child");
            assert!(text.contains("陈*"), "{user}: {text}");
        }
        // An adult keeps her name on the roster; the walk-in child is masked.
        assert!(views[0].body.contains("王秀梅"));
        assert!(views[0].body.contains("孙*") && views[1].body.contains("孙*"));
    }
    // The permission and a logged view: the full name, with its 用途.
    let admin = f.app.login_as("admin2", Role::CountyAdmin, COUNTY).await;
    let res = f
        .app
        .post_form(
            &format!("/people/{child}/reveal"),
            &[("field", "name"), ("purpose", "核对监护人信息")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("陈小雨"));
    // The exports above are logged too (with their own purpose): only the
    // reveal is about the child's name.
    let rows: Vec<_> = access_log::Entity::find()
        .all(&f.app.db().conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.entity == "person")
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].purpose, "核对监护人信息");
}

#[tokio::test]
async fn a_page_reveal_asks_for_a_purpose_and_the_access_log_records_it() {
    let f = fixture().await;
    let id = f.people[0].id;
    let admin = f.app.login_as("admin", Role::CountyAdmin, COUNTY).await;
    let page = f.app.get(&format!("/people/{id}"), Some(&admin)).await;
    assert!(page.body.contains("name=\"purpose\""), "{}", page.body);

    for purpose in [None, Some("   ")] {
        let mut form = vec![("field", "id_number")];
        if let Some(p) = purpose {
            form.push(("purpose", p));
        }
        let res = f
            .app
            .post_form(&format!("/people/{id}/reveal"), &form, Some(&admin))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert!(res.body.contains("请填写查看用途"), "{}", res.body);
        assert!(!res.body.contains(&f.people[0].number));
    }
    let long = "核".repeat(201);
    let res = f
        .app
        .post_form(
            &format!("/people/{id}/reveal"),
            &[("field", "id_number"), ("purpose", &long)],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(
        res.body.contains("最多200个字，现有201个字"),
        "{}",
        res.body
    );
    assert!(
        access_log::Entity::find()
            .all(&f.app.db().conn)
            .await
            .unwrap()
            .is_empty()
    );

    let res = f
        .app
        .post_form(
            &format!("/people/{id}/reveal"),
            &[("field", "id_number"), ("purpose", "核对低保申请材料")],
            Some(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains(&f.people[0].number));
    let rows = access_log::Entity::find()
        .all(&f.app.db().conn)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].actor_name.as_str(),
            rows[0].field.as_str(),
            rows[0].purpose.as_str()
        ),
        ("admin", "id_number", "核对低保申请材料")
    );
}

/// The old schema and masks, as a database from before m0008 holds them.
async fn legacy_database() -> TestDb {
    let t = TestDb::migrated_to(Some(7)).await;
    testing::county(&t.db).await;
    let c = &t.db.conn;
    let backend = c.get_database_backend();
    let org: i64 = c
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT id FROM org WHERE code = '{MAOPING_VILLAGE}'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "id")
        .unwrap();
    let cipher = t.db.keys.encrypt("42052719850315002X");
    let index = t.db.keys.blind_index("id_number", "42052719850315002X");
    let now = "2024-05-01T08:00:00+00:00";
    c.execute_unprepared(&format!(
        "INSERT INTO person (name, id_cipher, id_index, id_masked, sex, birth_date, org_id, \
         search_text, created_at, updated_at) VALUES ('王秀梅', '{cipher}', '{index}', \
         '420527********002X', 'F', '1985-03-15', {org}, '王秀梅', '{now}', '{now}')"
    ))
    .await
    .expect("legacy person");
    c.execute_unprepared(&format!(
        "INSERT INTO audit_log (at, actor_name, action, entity, entity_id, summary, after_json) \
         VALUES ('{now}', 'operator', 'create', 'person', '1', '登记人员「王*梅」', \
         '{{\"id_masked\":\"420527********002X\",\"sex\":\"F\"}}')"
    ))
    .await
    .expect("legacy audit row");
    if backend == DbBackend::Sqlite {
        // Into the main file, as a database that has been running holds it.
        c.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
    }
    t
}

#[tokio::test]
async fn data_stored_under_the_old_masks_migrates_to_masks_and_birth_years_that_hold() {
    let t = legacy_database().await;
    t.db.migrate().await.expect("m0008 migrates");
    let c = &t.db.conn;
    let backend = c.get_database_backend();
    let p = db::entity::person::Entity::find()
        .one(c)
        .await
        .unwrap()
        .expect("person kept");
    assert_eq!(
        (p.id_masked.as_str(), p.birth_year),
        ("420527***********X", 1985)
    );
    assert_eq!(
        t.db.keys.decrypt(&p.id_cipher).unwrap(),
        "42052719850315002X"
    );
    // The date column is gone, not just emptied.
    let gone = c
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT birth_date FROM person".to_string(),
        ))
        .await;
    assert!(gone.is_err(), "birth_date still readable");
    let audit = db::entity::audit_log::Entity::find()
        .all(c)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.summary == "登记人员「王*梅」")
        .expect("legacy audit row");
    assert_eq!(
        audit.after_json.as_deref(),
        Some(r#"{"id_masked":"420527***********X","sex":"F"}"#)
    );
    // Whatever the database still holds in the clear leaves the rule standing.
    let stored = database_text(&t.db).await;
    let n = candidates("42052719850315002X", &stored);
    assert!(n >= MIN_CANDIDATES, "{n}");
    // On SQLite, the file itself (after a checkpoint, as at the next start)
    // no longer holds the old mask or the date in its free pages.
    if backend == DbBackend::Sqlite {
        let file: String = c
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT file FROM pragma_database_list WHERE name = 'main'".to_string(),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "file")
            .unwrap();
        c.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        let bytes = std::fs::read(&file).expect("database file");
        let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(!holds("420527********002X"), "old mask left in {file}");
        assert!(!holds("1985-03-15"), "birth date left in {file}");
    }
    // And the people list reads the migrated row.
    let (rows, _) = people::list(
        &t.db.conn,
        &t.db,
        &testing::operator(),
        &Default::default(),
        1,
        10,
    )
    .await
    .unwrap();
    assert_eq!(rows[0].birth_year, 1985);
}
