//! The data version: a counter every audited change moves in the same
//! transaction (see [`crate::audit`]). Computed figures are cached per version
//! ([`crate::cache`]); reading it is one primary-key lookup, which a request
//! that only reads takes from [`Seen`] instead.

use std::{
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{
    ConnectionTrait, DatabaseTransaction,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::DbResult;

const TABLE: &str = "data_version";

/// Moves the version on; commits or rolls back with the caller's change.
pub(crate) async fn bump(tx: &DatabaseTransaction) -> DbResult<()> {
    tx.execute(
        &Query::update()
            .table(TABLE)
            .value("n", Expr::col("n").add(1))
            .and_where(Expr::col("id").eq(1))
            .to_owned(),
    )
    .await?;
    changed();
    Ok(())
}

/// Moved by every change this process makes: [`Seen`] reads the database
/// again after it. Process-wide, so several databases in one process (the
/// tests) only re-read more often, never less.
static CHANGES: AtomicU64 = AtomicU64::new(0);

/// Says that this process has changed (or is about to commit a change to)
/// the data: the next [`Seen::current`] reads the version from the database.
/// [`bump`] calls it; so do the end of every writing HTTP request and of an
/// import, after their commit, since a read between a bump and its commit
/// still saw the old version.
pub fn changed() {
    CHANGES.fetch_add(1, Ordering::SeqCst);
}

/// How long a version read from the database is taken as current when this
/// process has changed nothing since: what another process (the CLI
/// `import`, a second server on PostgreSQL) commits shows within this.
pub const RECHECK: Duration = Duration::from_millis(100);

/// The version as this process last read it, for requests that only read:
/// under load, one query per [`RECHECK`] instead of one per request.
#[derive(Default)]
pub struct Seen {
    last: Mutex<Option<Reading>>,
}

#[derive(Clone, Copy)]
struct Reading {
    version: i64,
    at: Instant,
    changes: u64,
}

impl Seen {
    /// The version, read from the database unless it was read less than
    /// [`RECHECK`] ago with no change by this process since.
    pub async fn current(&self, c: &impl ConnectionTrait) -> DbResult<i64> {
        let changes = CHANGES.load(Ordering::SeqCst);
        if let Some(r) = *self.lock()
            && r.changes == changes
            && r.at.elapsed() < RECHECK
        {
            return Ok(r.version);
        }
        let version = current(c).await?;
        let mut last = self.lock();
        // Versions only grow: a slower reader never puts an older one back.
        if last.is_none_or(|r| r.version <= version) {
            *last = Some(Reading {
                version,
                at: Instant::now(),
                changes,
            });
        }
        Ok(version)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Reading>> {
        self.last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The version as committed now.
pub async fn current(c: &impl ConnectionTrait) -> DbResult<i64> {
    let row = c
        .query_one(
            &Query::select()
                .column("n")
                .from(TABLE)
                .and_where(Expr::col("id").eq(1))
                .to_owned(),
        )
        .await?;
    Ok(match row {
        Some(r) => r.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// The version a request reads at: the one read when it was signed in (a
/// page shows data at least that new), else the current one.
pub async fn of(c: &impl ConnectionTrait, ctx: &crate::Ctx) -> DbResult<i64> {
    match ctx.version {
        Some(v) => Ok(v),
        None => current(c).await,
    }
}
