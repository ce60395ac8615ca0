//! The data version: a counter every audited change moves in the same
//! transaction (see [`crate::audit`]). Computed figures are cached per version
//! ([`crate::cache`]); reading it is one primary-key lookup.

use sea_orm::{
    ConnectionTrait,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::DbResult;

const TABLE: &str = "data_version";

/// Moves the version on; commits or rolls back with the caller's change.
pub(crate) async fn bump(c: &impl ConnectionTrait) -> DbResult<()> {
    c.execute(
        &Query::update()
            .table(TABLE)
            .value("n", Expr::col("n").add(1))
            .and_where(Expr::col("id").eq(1))
            .to_owned(),
    )
    .await?;
    Ok(())
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
