//! Reading many small rows at once. sqlx's SQLite driver hands each row from
//! its worker thread to the reader on its own, waking a thread each time
//! (~4 µs a row on the bench machine, against ~1 µs for SQLite to find it);
//! a county-year's statistics read ~10⁴ rows. On SQLite the rows are folded
//! into one JSON array by SQLite itself and parsed here. PostgreSQL's driver
//! reads rows cheaply and its JSON building is slower than plain rows (18 vs
//! 10 ms for a county-year's activities), so it reads them as they are.

use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, FromQueryResult,
    sea_query::{Expr, Func, SelectStatement, SimpleExpr},
};
use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use crate::DbResult;

/// The rows of `query` (its sources, joins and conditions; no columns) with
/// `columns` selected as named. `T`'s fields are the columns in this order:
/// PostgreSQL rows are read by name, SQLite's JSON arrays by position.
pub(crate) async fn fetch_all<T>(
    c: &impl ConnectionTrait,
    columns: &[(&'static str, SimpleExpr)],
    mut query: SelectStatement,
) -> DbResult<Vec<T>>
where
    T: FromQueryResult + DeserializeOwned,
{
    for (name, expr) in columns {
        query.expr_as(expr.clone(), *name);
    }
    if c.get_database_backend() != DbBackend::Sqlite {
        return Ok(c
            .query_all(&query)
            .await?
            .iter()
            .map(|row| T::from_query_result(row, ""))
            .collect::<Result<_, _>>()?);
    }
    let rows = Func::cust("json_array").args(columns.iter().map(|(name, _)| Expr::col(*name)));
    let folded = sea_orm::sea_query::Query::select()
        .expr_as(Func::cust("json_group_array").arg(rows), "j")
        .from_subquery(query, "t")
        .to_owned();
    let json: String = match c.query_one(&folded).await? {
        Some(row) => row.try_get("", "j")?,
        None => return Ok(Vec::new()),
    };
    Ok(serde_json::from_str(&json).map_err(|e| DbErr::Type(format!("行数据无法解析：{e}")))?)
}

/// A boolean column: SQLite stores it as 0 or 1, which JSON keeps a number.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(i) => i != 0,
    })
}
