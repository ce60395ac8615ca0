//! How many rows (or lookup keys) go into one statement of the bulk import.
//!
//! sqlx 0.9.0 leaves Nagle's algorithm on (launchbadge/sqlx#4335, fixed
//! upstream but unreleased), so a PostgreSQL statement larger than the first
//! write() used to wait ~40 ms for the server's delayed ACK: statements had to
//! stay under ~12 KB (25 wide rows). `crate::nodelay` now turns Nagle off on
//! each connection, and PostgreSQL takes batches as large as SQLite's, bounded
//! by its 65,535 bind parameters. County-year import on local PostgreSQL:
//! 5.1–5.4 s at the old sizes, 4.3–4.4 s at these.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, FromQueryResult, IntoActiveModel, Iterable, QueryTrait, Statement,
    sea_query::Query,
};

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
    c: &DatabaseTransaction,
    kind: Rows,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let (backend, n) = (c.get_database_backend(), size(c, kind));
    let mut rows = rows.into_iter();
    let mut next = next_insert(backend, &mut rows, n, false);
    while let Some(stmt) = next {
        // The next statement is built while the database runs this one, so
        // the client and the server each have a core (see `next_insert`).
        let (done, built) = tokio::join!(biased; c.execute_raw(stmt), async {
            next_insert(backend, &mut rows, n, false)
        });
        done?;
        next = built;
    }
    Ok(())
}

/// Inserts `rows` as [`insert_all`] does and returns them as stored (with
/// their ids), in no promised order.
pub async fn insert_returning<A>(
    c: &DatabaseTransaction,
    kind: Rows,
    rows: impl IntoIterator<Item = A>,
) -> Result<Vec<<A::Entity as EntityTrait>::Model>, DbErr>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let (backend, n) = (c.get_database_backend(), size(c, kind));
    let mut out = Vec::new();
    let mut rows = rows.into_iter();
    let mut next = next_insert(backend, &mut rows, n, true);
    while let Some(stmt) = next {
        let (done, built) = tokio::join!(biased; c.query_all_raw(stmt), async {
            next_insert(backend, &mut rows, n, true)
        });
        for row in done? {
            out.push(<A::Entity as EntityTrait>::Model::from_query_result(
                &row, "",
            )?);
        }
        next = built;
    }
    Ok(out)
}

/// The statement inserting the next `n` of `rows` (returning every column if
/// asked), built ahead as SQL text and values, so that building one batch
/// (a county-year roster: 62 statements of 7,000 values) overlaps running the
/// one before. County-year import on PostgreSQL: 5.83 → 5.49 s, means of five
/// alternated runs, faster in each pair.
fn next_insert<A: ActiveModelTrait>(
    backend: DbBackend,
    rows: &mut impl Iterator<Item = A>,
    n: usize,
    returning: bool,
) -> Option<Statement> {
    let chunk: Vec<A> = rows.take(n).collect();
    if chunk.is_empty() {
        return None;
    }
    let mut q = A::Entity::insert_many(chunk).into_query();
    if returning {
        q.returning(
            Query::returning().exprs(
                <A::Entity as EntityTrait>::Column::iter()
                    .map(|col| col.select_as(col.into_returning_expr(backend))),
            ),
        );
    }
    Some(backend.build(&q))
}
