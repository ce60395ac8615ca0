//! How many rows (or lookup keys) go into one statement of the bulk import.
//!
//! sqlx 0.9.0 leaves Nagle's algorithm on (launchbadge/sqlx#4335, fixed
//! upstream but unreleased), so a PostgreSQL statement larger than the first
//! write() used to wait ~40 ms for the server's delayed ACK: statements had to
//! stay under ~12 KB (25 wide rows). `crate::nodelay` now turns Nagle off on
//! each connection, and PostgreSQL takes batches as large as SQLite's, bounded
//! by its 65,535 bind parameters. County-year import on local PostgreSQL:
//! 5.1–5.4 s at the old sizes, 4.3–4.4 s at these.

use sea_orm::{ConnectionTrait, DbBackend};

/// What a batch holds, by its size per row.
#[derive(Clone, Copy)]
pub enum Rows {
    /// audit_log, person, activity rows (up to ~450 bytes each).
    Wide,
    /// attendance and work rows (~180 bytes).
    Narrow,
    /// two- or three-column rows: tags, materials (~40 bytes).
    Tiny,
    /// keys of an `IN (…)` lookup: blind indexes, codes (~70 bytes).
    Keys,
    /// integer ids of an `IN (…)` lookup by what was already read (8 bytes):
    /// under SQLite's (32,766) and PostgreSQL's (65,535) bind limits, and few
    /// statements for a province-year.
    Ids,
}

/// Rows per statement for `what` on `c`'s backend.
pub fn size(c: &impl ConnectionTrait, what: Rows) -> usize {
    let pg = c.get_database_backend() == DbBackend::Postgres;
    match (what, pg) {
        (Rows::Wide, true) => 500,
        (Rows::Narrow, true) => 1000,
        (Rows::Wide, false) => 400,
        (Rows::Narrow, false) => 500,
        (Rows::Tiny, _) => 1000,
        (Rows::Keys, _) => 500,
        (Rows::Ids, _) => 5_000,
    }
}

/// Inserts `rows` in statements of [`size`] rows each (nothing comes back).
pub async fn insert_all<A>(
    c: &impl ConnectionTrait,
    kind: Rows,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    use sea_orm::EntityTrait;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(size(c, kind)).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}
