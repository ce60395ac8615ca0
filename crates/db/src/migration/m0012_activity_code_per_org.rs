//! 活动编号 is the user's own key, unique within her org (ledger KEY
//! 主办组织编码 + 活动编号), no longer across the whole database: two
//! townships may both number their activities 2020-01, and a code held in
//! another subtree can no longer be probed by trying to create it
//! ("活动编号已存在" told that a record outside the caller's scope existed).
//!
//! SQLite can't drop the inline UNIQUE of a column, so the table is rebuilt the
//! way SQLite documents (foreign keys off, copy, drop, rename, indexes again,
//! foreign_key_check); the migration runs outside a transaction on SQLite and
//! on its one write connection, so the pragma holds for every statement.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use super::m0001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_activity_code_per_org"
    }
}

const UNIQUE_CODE: &str = "\"code\" varchar NOT NULL UNIQUE";
const PLAIN_CODE: &str = "\"code\" varchar NOT NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        match c.get_database_backend() {
            DbBackend::Postgres => {
                c.execute_unprepared("ALTER TABLE activity DROP CONSTRAINT activity_code_key")
                    .await?;
            }
            _ => rebuild_sqlite(c, UNIQUE_CODE, PLAIN_CODE).await?,
        }
        index(m, "activity", &["org_id", "code"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_activity_org_id_code")
                .table("activity")
                .to_owned(),
        )
        .await?;
        let c = m.get_connection();
        match c.get_database_backend() {
            DbBackend::Postgres => {
                c.execute_unprepared(
                    "ALTER TABLE activity ADD CONSTRAINT activity_code_key UNIQUE (code)",
                )
                .await?;
                Ok(())
            }
            _ => rebuild_sqlite(c, PLAIN_CODE, UNIQUE_CODE).await,
        }
    }
}

/// Rebuilds SQLite's `activity` with `from` replaced by `to` in its DDL.
async fn rebuild_sqlite(
    c: &SchemaManagerConnection<'_>,
    from: &str,
    to: &str,
) -> Result<(), DbErr> {
    let q = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_string());
    let table_sql: String = c
        .query_one_raw(q(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'activity'",
        ))
        .await?
        .ok_or_else(|| DbErr::Migration("activity table not found".into()))?
        .try_get_by_index(0)?;
    if !table_sql.contains(from) || !table_sql.starts_with("CREATE TABLE \"activity\"") {
        return Err(DbErr::Migration(format!(
            "unexpected activity DDL, not rebuilt: {table_sql}"
        )));
    }
    let new_sql = table_sql.replacen(from, to, 1).replacen(
        "CREATE TABLE \"activity\"",
        "CREATE TABLE \"activity_new\"",
        1,
    );
    let mut indexes: Vec<String> = Vec::new();
    for row in c
        .query_all_raw(q(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'activity' \
             AND sql IS NOT NULL",
        ))
        .await?
    {
        indexes.push(row.try_get_by_index(0)?);
    }
    c.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    let rebuilt = async {
        c.execute_unprepared("BEGIN").await?;
        c.execute_unprepared(&new_sql).await?;
        c.execute_unprepared("INSERT INTO activity_new SELECT * FROM activity")
            .await?;
        c.execute_unprepared("DROP TABLE activity").await?;
        c.execute_unprepared("ALTER TABLE activity_new RENAME TO activity")
            .await?;
        for sql in &indexes {
            c.execute_unprepared(sql).await?;
        }
        let broken = c.query_all_raw(q("PRAGMA foreign_key_check")).await?;
        if !broken.is_empty() {
            return Err(DbErr::Migration(format!(
                "{} foreign keys broken by the rebuild",
                broken.len()
            )));
        }
        c.execute_unprepared("COMMIT").await?;
        Ok::<(), DbErr>(())
    }
    .await;
    if rebuilt.is_err() {
        let _ = c.execute_unprepared("ROLLBACK").await;
    }
    c.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    rebuilt
}
