//! Opening the database (SQLite by default, PostgreSQL by URL), migrating, and
//! the key ring for sensitive fields.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use domain::crypto::Keyring;
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::{DbResult, cache::Caches, migration::Migrator};

/// The database handle every repository takes.
#[derive(Clone)]
pub struct Db {
    /// Writes, and reads that must see the caller's own open transaction.
    pub conn: DatabaseConnection,
    /// Reads: on SQLite a pool of read-only connections beside the one
    /// writer (WAL lets them run in parallel with it and with each other);
    /// on PostgreSQL the same pool as `conn`.
    pub read: DatabaseConnection,
    /// Figures kept per data version.
    pub caches: Arc<Caches>,
    /// The data version as last read, for requests that only read.
    pub seen: Arc<crate::version::Seen>,
    pub keys: Arc<Keyring>,
    /// Where photo files live (the data directory). `None`: files are checked
    /// but never written — a dry-run import, or a tool without file storage.
    pub files_dir: Option<PathBuf>,
    /// Photo files written inside an import's transaction, moved into place
    /// after its commit (see [`Db::staging_files`]).
    pub(crate) staged: Option<Arc<media::store::Staged>>,
}

impl Db {
    pub fn new(conn: DatabaseConnection, keys: Keyring) -> Db {
        Db {
            read: conn.clone(),
            conn,
            caches: Arc::new(Caches::default()),
            seen: Arc::default(),
            keys: Arc::new(keys),
            files_dir: None,
            staged: None,
        }
    }

    /// The same database, reading through `read` (see [`connect_reader`]).
    pub fn with_reader(mut self, read: Option<DatabaseConnection>) -> Db {
        if let Some(r) = read {
            self.read = r;
        }
        self
    }

    /// The same database, storing photo files under `dir`.
    pub fn with_files(mut self, dir: impl Into<PathBuf>) -> Db {
        self.files_dir = Some(dir.into());
        self
    }

    /// The same database without file storage (dry runs write no files).
    pub fn without_files(&self) -> Db {
        Db {
            files_dir: None,
            staged: None,
            ..self.clone()
        }
    }

    /// The same database, staging the files it writes until
    /// [`crate::activity::photo::place`] is called on `staged` after the
    /// commit; dropped unplaced, they are removed.
    pub(crate) fn staging_files(&self) -> Db {
        Db {
            staged: self
                .files_dir
                .as_ref()
                .map(|d| Arc::new(media::store::Staged::new(d))),
            ..self.clone()
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// Runs a change in one transaction on `conn`: begins, runs `f`, commits
    /// when it returns `Ok` and rolls back when it returns `Err`, so the rows
    /// and their audit row land together or not at all. After the commit the
    /// process re-reads the data version ([`crate::version::changed`]).
    ///
    /// Writers take the transaction itself (`&DatabaseTransaction`), never a
    /// connection, so a change can't be written outside one. Handed the
    /// connection, a writer does not compile (a type mismatch, E0308):
    ///
    /// ```compile_fail,E0308
    /// # async fn f(db: &db::Db, input: &db::org::OrgInput) -> db::DbResult<()> {
    /// let ctx = db::Ctx::operator();
    /// db::org::create(&db.conn, &ctx, input).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// while the same call inside `write` does (the two examples differ only
    /// in the writer's first argument, so the one above fails for that):
    ///
    /// ```no_run
    /// # async fn f(db: &db::Db, input: &db::org::OrgInput) -> db::DbResult<()> {
    /// let ctx = db::Ctx::operator();
    /// db.write(async |tx| db::org::create(tx, &ctx, input).await).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Run on a fresh database: the org is there after the commit, and a
    /// closure that fails after writing leaves nothing behind.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use db::{Ctx, DbError, org::OrgInput, testing::org_input};
    /// use domain::kinds::OrgKind;
    /// let t = db::testing::TestDb::new().await;
    /// let db = &t.db;
    /// let ctx = Ctx::operator();
    /// let county = org_input("420527000000", "秭归县妇联", OrgKind::County, None);
    /// let org = db.write(async |tx| db::org::create(tx, &ctx, &county).await).await.unwrap();
    /// let found = db::org::find_by_code(&db.conn, "420527000000").await.unwrap();
    /// assert_eq!(found.map(|o| o.id), Some(org.id));
    ///
    /// let other = OrgInput { code: "420528000000".into(), ..county.clone() };
    /// let refused = db
    ///     .write(async |tx| {
    ///         db::org::create(tx, &ctx, &other).await?;
    ///         Err::<(), _>(DbError::Conflict("changed my mind".into()))
    ///     })
    ///     .await;
    /// assert!(matches!(refused, Err(DbError::Conflict(_))));
    /// assert!(db::org::find_by_code(&db.conn, "420528000000").await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&DatabaseTransaction) -> DbResult<T>,
    ) -> DbResult<T> {
        let v = in_transaction(&self.conn, f).await?;
        crate::version::changed();
        Ok(v)
    }
}

/// Runs `f` in a transaction begun on `c`: a new transaction on a
/// connection, a savepoint inside an open transaction (see
/// [`crate::import::in_savepoint`]). Commits on `Ok`; on `Err` rolls back
/// and returns the error (or the rollback's, if that fails too).
pub async fn in_transaction<T>(
    c: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    f: impl AsyncFnOnce(&DatabaseTransaction) -> DbResult<T>,
) -> DbResult<T> {
    let tx = c.begin().await?;
    match f(&tx).await {
        Ok(v) => {
            tx.commit().await?;
            Ok(v)
        }
        Err(e) => {
            tx.rollback().await?;
            Err(e)
        }
    }
}

/// `sqlite://` URL for a database file inside `dir`.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("jinguo.db").display())
}

/// Connects with settings that matter: WAL, busy timeout and foreign keys on
/// SQLite; a bounded pool on PostgreSQL.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let url = &without_tls_on_loopback(url, std::env::var_os("PGSSLMODE").is_some());
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        // One connection: SQLite serializes writers anyway, and a single connection
        // avoids SQLITE_BUSY on read→write upgrades inside deferred transactions.
        opts.max_connections(1)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            });
    } else {
        opts.max_connections(16).min_connections(1);
        // sqlx 0.9.0 leaves Nagle on (see `nodelay`): turn it off on each new
        // connection's socket, as libpq does. A Unix socket has no Nagle.
        let tcp_port = url
            .parse::<sea_orm::sqlx::postgres::PgConnectOptions>()
            .ok()
            .filter(|o| o.get_socket().is_none() && !o.get_host().starts_with('/'))
            .map(|o| o.get_port());
        if let Some(port) = tcp_port {
            opts.map_sqlx_postgres_pool_opts(move |pool| {
                pool.after_connect(move |_conn, _meta| {
                    Box::pin(async move {
                        if crate::nodelay::set_on_sockets_to(port) == 0 {
                            // Still correct, only slower on large statements.
                            tracing::warn!(
                                port,
                                "TCP_NODELAY not set on the PostgreSQL connection \
                                 (pidfd_getfd refused?)"
                            );
                        }
                        Ok(())
                    })
                })
            });
        }
    }
    Database::connect(opts).await
}

/// `url` with `sslmode=disable` added when it names a PostgreSQL server on
/// this machine and neither it nor `PGSSLMODE` (`env_chooses`) picks a mode.
/// sqlx's default (`prefer`) encrypts loopback traffic, which never leaves
/// the machine, at both ends' CPU cost: the county-year statistics move
/// ~1.5 MB, 49.6 → 43.0 ms without TLS (five alternated pairs, bench). A
/// server that demands TLS still gets it when the URL says `sslmode=require`.
fn without_tls_on_loopback(url: &str, env_chooses: bool) -> String {
    let chosen = env_chooses
        || url.split_once('?').is_some_and(|(_, query)| {
            query
                .split('&')
                .any(|kv| kv.starts_with("sslmode=") || kv.starts_with("ssl-mode="))
        });
    let loopback = (url.starts_with("postgres://") || url.starts_with("postgresql://"))
        && url
            .parse::<sea_orm::sqlx::postgres::PgConnectOptions>()
            .is_ok_and(|o| {
                o.get_socket().is_none()
                    && matches!(o.get_host(), "127.0.0.1" | "localhost" | "::1" | "[::1]")
            });
    if chosen || !loopback {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable")
}

/// The read-only pool for a SQLite `url` (one connection per core, at least
/// two), or `None` on PostgreSQL, whose one pool already reads in parallel.
/// Open it after migrating: a read-only connection cannot create the file.
pub async fn connect_reader(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if !url.starts_with("sqlite:") {
        return Ok(None);
    }
    let n = std::thread::available_parallelism()
        .map_or(2, |n| n.get() as u32)
        .max(2);
    let mut opts = ConnectOptions::new(url.replace("mode=rwc", "mode=ro"));
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .max_connections(n)
        .min_connections(1)
        .map_sqlx_sqlite_opts(|o| {
            o.read_only(true)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Ok(Some(Database::connect(opts).await?))
}

/// Reads the key file, or creates it with mode 0600 on first start.
pub fn load_or_create_keyring(path: &Path) -> std::io::Result<Keyring> {
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        return Keyring::from_text(&text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let ring = Keyring::generate();
    write_private(path, &ring.to_text())?;
    Ok(ring)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::without_tls_on_loopback as plain;

    #[test]
    fn a_server_on_this_machine_goes_without_tls_unless_the_url_or_environment_chooses() {
        let local = "postgres://postgres@127.0.0.1:5432/jinguo";
        assert_eq!(plain(local, false), format!("{local}?sslmode=disable"));
        assert_eq!(
            plain("postgres://u@localhost/j?application_name=x", false),
            "postgres://u@localhost/j?application_name=x&sslmode=disable"
        );
        for kept in [
            "postgres://u@127.0.0.1/j?sslmode=require",
            "postgres://u@db.example.cn:5432/j",
            "postgres://u@10.0.0.7/j",
            "sqlite:///tmp/j.db?mode=rwc",
        ] {
            assert_eq!(plain(kept, false), kept);
        }
        assert_eq!(plain(local, true), local);
    }
}
