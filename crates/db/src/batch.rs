//! How many rows (or lookup keys) go into one statement of the bulk import.
//!
//! sqlx 0.9.0 leaves Nagle's algorithm on (launchbadge/sqlx#4335, fixed
//! upstream but unreleased), so a PostgreSQL statement larger than the first
//! write() used to wait ~40 ms for the server's delayed ACK: statements had to
//! stay under ~12 KB (25 wide rows). `crate::nodelay` now turns Nagle off on
//! each connection, and PostgreSQL takes batches as large as SQLite's, bounded
//! by its 65,535 bind parameters. County-year import on local PostgreSQL:
//! 5.1–5.4 s at the old sizes, 4.3–4.4 s at these.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, IntoActiveModel};

/// What a batch holds, by its size per row.
#[derive(Clone, Copy)]
pub enum Rows {
    /// audit_log, person, activity rows (up to ~450 bytes each).
    Wide,
    /// attendance and work rows (~180 bytes).
    Narrow,
    /// two- or three-column rows: tags, materials (~40 bytes).
    Tiny,
    /// keys of an `IN (…)` lookup: blind indexes, codes (~70 bytes). Large:
    /// PostgreSQL answers a list that is a few percent of a fresh table with
    /// one scan of the table, whatever the list's length (the people a
    /// county-year roster names: 54 lookups of 500 keys took 0.6 s).
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
        (Rows::Keys | Rows::Ids, _) => 5_000,
    }
}

/// Inserts `rows` in statements of [`size`] rows each (nothing comes back).
pub async fn insert_all<A>(
    c: &impl ConnectionTrait,
    kind: Rows,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(size(c, kind)).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Inserts `rows` as [`insert_all`] does and returns them as stored (with
/// their ids), in no promised order.
pub async fn insert_returning<A>(
    c: &impl ConnectionTrait,
    kind: Rows,
    rows: impl IntoIterator<Item = A>,
) -> Result<Vec<<A::Entity as EntityTrait>::Model>, DbErr>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let mut out = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(size(c, kind)).collect();
        out.extend(A::Entity::insert_many(chunk).exec_with_returning(c).await?);
    }
    Ok(out)
}
