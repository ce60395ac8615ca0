//! How many rows (or lookup keys) go into one statement of the bulk import.
//!
//! sqlx 0.9.0 leaves Nagle's algorithm on (launchbadge/sqlx#4335, fixed
//! upstream but unreleased). On PostgreSQL a statement larger than what the
//! first write() puts on the wire (~16 KB, the initial TCP send buffer) has
//! its remainder held until the server's delayed ACK, ~40 ms later: per
//! statement, whatever its size beyond that. Measured on a county-year import
//! on local PostgreSQL: ~100 KB batches 32 s, ~45 KB batches 74 s, ~12 KB
//! batches 19 s. So PostgreSQL statements stay under ~12 KB; SQLite (in
//! process, no socket) takes large batches, bounded by its 32,766 bind
//! parameters. Over a real network (1.4 KB segments) only a sqlx release with
//! TCP_NODELAY removes the stall entirely.

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
}

/// Rows per statement for `what` on `c`'s backend.
pub fn size(c: &impl ConnectionTrait, what: Rows) -> usize {
    let pg = c.get_database_backend() == DbBackend::Postgres;
    match (what, pg) {
        (Rows::Wide, true) => 25,
        (Rows::Narrow, true) => 60,
        (Rows::Tiny, true) => 300,
        (Rows::Keys, true) => 150,
        (Rows::Wide, false) => 400,
        (Rows::Narrow, false) => 500,
        (Rows::Tiny, false) => 1000,
        (Rows::Keys, false) => 500,
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
