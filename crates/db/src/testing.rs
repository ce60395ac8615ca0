//! Test harness shared by the db and web test suites: a fresh database per test
//! (a SQLite temp file, or a new PostgreSQL database when `TEST_DATABASE_URL` is
//! set) and fixtures built through the same repository code as production.

use domain::{access::Role, crypto::Keyring, kinds::OrgKind};
use rand::RngCore;

use crate::{
    Ctx, Db,
    account::{self, NewUser},
    conn::connect,
    org::{self, OrgInput},
    people::{self, PersonInput},
};

/// A database that lives as long as the test: a PostgreSQL one is dropped
/// with it (a run of the suites creates hundreds).
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    /// (admin URL, database name) of a PostgreSQL test database.
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which can't be blocked on:
        // the DROP goes on a thread of its own, with its own small runtime,
        // and is waited for so the database is gone when the test ends.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                use sea_orm::ConnectionTrait;
                let admin = connect(&admin_url).await.ok()?;
                // FORCE: the test's own pools still hold connections.
                let r = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                admin.close().await.ok();
                r.ok()
            })
        });
        let _ = dropped.join();
    }
}

/// Prefix of PostgreSQL test databases (`.ci/run` drops leftovers by it).
pub const PG_PREFIX: &str = "jinguo_test_";

impl TestDb {
    pub async fn new() -> TestDb {
        Self::migrated_to(None).await
    }

    /// A database with only the first `steps` migrations applied (all when
    /// `None`): tests of a migration fill it the old way, then migrate.
    pub async fn migrated_to(steps: Option<u32>) -> TestDb {
        let mut b = [0u8; 6];
        rand::rng().fill_bytes(&mut b);
        let mut pg = None;
        let (url, dir) = match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = format!("{PG_PREFIX}{}", hex::encode(b));
                let admin = connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                use sea_orm::ConnectionTrait;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                pg = Some((admin_url.clone(), name.clone()));
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b)
                    .to_string();
                (
                    format!("{base}/{name}"),
                    tempfile::tempdir().expect("temp dir"),
                )
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                (crate::conn::sqlite_url(dir.path()), dir)
            }
        };
        let conn = connect(&url).await.expect("connect test database");
        // Photo files go to the test's own temp directory, on both backends.
        let db = Db::new(conn, Keyring::generate()).with_files(dir.path());
        let dir = Some(dir);
        {
            use sea_orm_migration::MigratorTrait;
            crate::migration::Migrator::up(&db.conn, steps)
                .await
                .expect("migrate");
        }
        // Tests read as the server does: SQLite through its read-only pool.
        let read = crate::conn::connect_reader(&url)
            .await
            .expect("connect read-only pool");
        let db = db.with_reader(read);
        TestDb { db, _dir: dir, pg }
    }
}

pub fn operator() -> Ctx {
    Ctx::operator()
}

/// Codes of the fixture county (秭归's real codes for the two townships).
pub const COUNTY: &str = "420527000000";
pub const MAOPING: &str = "420527101000";
pub const GUIZHOU: &str = "420527102000";
pub const MAOPING_VILLAGE: &str = "420527101201";
pub const MAOPING_VILLAGE_2: &str = "420527101202";
pub const GUIZHOU_VILLAGE: &str = "420527102201";

/// An org as a form would give it, checked as every door checks it.
pub fn org_input(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> OrgInput {
    domain::foundation::org::OrgDraft {
        code: code.into(),
        name: name.into(),
        kind: kind.code().into(),
        parent_code: parent.unwrap_or_default().into(),
        ..Default::default()
    }
    .validate(crate::time::today_beijing())
    .unwrap_or_else(|e| panic!("fixture org {code}: {e:?}"))
}

/// A person as a form would give her, checked.
pub fn person_input(name: &str, id: &str, org_code: &str) -> PersonInput {
    domain::foundation::person::PersonDraft {
        name: name.into(),
        id_number: id.into(),
        org_code: org_code.into(),
        ..Default::default()
    }
    .validate(crate::time::today_beijing())
    .unwrap_or_else(|e| panic!("fixture person {id}: {e:?}"))
}

pub async fn add_org(db: &Db, code: &str, name: &str, kind: OrgKind, parent: Option<&str>) {
    let input = org_input(code, name, kind, parent);
    db.write(async |tx| org::create(tx, &operator(), &input).await)
        .await
        .unwrap_or_else(|e| panic!("fixture org {code}: {e}"));
}

/// County → 茅坪镇 (two villages), 归州镇 (one village).
pub async fn county(db: &Db) {
    add_org(db, COUNTY, "秭归县妇联", OrgKind::County, None).await;
    add_org(db, MAOPING, "茅坪镇妇联", OrgKind::Township, Some(COUNTY)).await;
    add_org(db, GUIZHOU, "归州镇妇联", OrgKind::Township, Some(COUNTY)).await;
    add_org(
        db,
        MAOPING_VILLAGE,
        "银杏沱村妇联",
        OrgKind::Village,
        Some(MAOPING),
    )
    .await;
    add_org(
        db,
        MAOPING_VILLAGE_2,
        "杨家湾村妇联",
        OrgKind::Village,
        Some(MAOPING),
    )
    .await;
    add_org(
        db,
        GUIZHOU_VILLAGE,
        "万古寺村妇联",
        OrgKind::Village,
        Some(GUIZHOU),
    )
    .await;
}

/// A user of `role` who views and captures under `root`; returns (username, password).
/// A seeded account: no forced password change at its first login.
pub async fn user(db: &Db, username: &str, role: Role, root: &str) -> (String, String) {
    let pw = "Jinguo#2020test".to_string();
    let input = NewUser {
        username: username.into(),
        display_name: username.into(),
        role,
        password: Some(pw.clone()),
        view_roots: vec![root.into()],
        capture_roots: vec![root.into()],
    };
    db.write(async |tx| account::create_seeded_user(tx, &operator(), &input).await)
        .await
        .unwrap_or_else(|e| panic!("fixture user {username}: {e}"));
    (username.into(), pw)
}

/// The scope a fixture user acts with.
pub async fn ctx_of(db: &Db, username: &str) -> Ctx {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let u = crate::entity::app_user::Entity::find()
        .filter(crate::entity::app_user::Column::Username.eq(username))
        .one(&db.conn)
        .await
        .expect("query")
        .expect("fixture user exists");
    Ctx::new(
        account::load_scope(&db.conn, &u).await.expect("scope"),
        Some("127.0.0.1".into()),
    )
}

/// Registers a person as the operator.
pub async fn person(db: &Db, name: &str, id: &str, org_code: &str) -> i64 {
    let input = person_input(name, id, org_code);
    db.write(async |tx| people::find_or_create(tx, db, &operator(), &input).await)
        .await
        .expect("fixture person")
        .0
        .id
}

/// Moves a user's sessions into the past (begun `begun` ago, last seen
/// `seen` ago), as if time had passed, and retires cached sessions: tests of
/// the timeouts set the clock instead of sleeping.
pub async fn backdate_sessions(
    db: &Db,
    user_id: i64,
    begun: chrono::Duration,
    seen: chrono::Duration,
) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    use crate::entity::session;
    let t = crate::time::now();
    db.write(async |tx| {
        session::Entity::update_many()
            .col_expr(session::Column::CreatedAt, Expr::value(t - begun))
            .col_expr(session::Column::LastSeenAt, Expr::value(t - seen))
            .filter(session::Column::UserId.eq(user_id))
            .exec(tx)
            .await?;
        // Moves the data version: cached sessions are read again.
        crate::version::bump(tx).await
    })
    .await
    .expect("backdate sessions");
}
