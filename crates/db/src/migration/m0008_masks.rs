//! Masks that stay masked (docs/security.md §2 and §3).
//!
//! The old 身份证号 mask (`420527********002X`) hid exactly the eight birth
//! digits, and `person.birth_date` sat beside it in the clear: with the check
//! digit, the two rebuilt every number from the database file alone, without
//! the key. This migration
//! - replaces `person.birth_date` by `person.birth_year` (all a page shows
//!   without a logged reveal; the full date stays inside the encrypted number);
//! - adds `attendance.birth_year` (from the number a roster line was given);
//! - recomputes every stored mask to the region code plus the check character
//!   (`420527***********X`): `person.id_masked`, `attendance.id_masked`, and the
//!   copies in audit rows (their summaries and before/after JSON), which are
//!   otherwise append-only — a one-off rewrite to a strictly weaker value;
//! - adds `search_log`, where every exact 身份证号/phone search is recorded by
//!   the blind-index value of what was searched, never the number.
//!
//! On SQLite `secure_delete` is switched on first, so the cells the rewrite
//! frees are zeroed rather than left readable in free pages of the file.
//! `access_log.purpose` (the 用途 of a reveal) exists since m0001.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_masks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        let backend = m.get_database_backend();
        if backend == DbBackend::Sqlite {
            c.execute_unprepared("PRAGMA secure_delete = ON").await?;
        }
        c.execute_unprepared("ALTER TABLE person ADD COLUMN birth_year INTEGER NOT NULL DEFAULT 0")
            .await?;
        let year = match backend {
            DbBackend::Postgres => "CAST(EXTRACT(YEAR FROM birth_date) AS INTEGER)",
            // SQLite keeps the date as text `YYYY-MM-DD`.
            _ => "CAST(substr(birth_date, 1, 4) AS INTEGER)",
        };
        c.execute_unprepared(&format!("UPDATE person SET birth_year = {year}"))
            .await?;
        c.execute_unprepared("ALTER TABLE person DROP COLUMN birth_date")
            .await?;
        // A roster line keeps the birth year of the number it was given, so
        // a walk-in child (no person record) is masked too; old lines take
        // their person's.
        c.execute_unprepared("ALTER TABLE attendance ADD COLUMN birth_year INTEGER NULL")
            .await?;
        c.execute_unprepared(
            "UPDATE attendance SET birth_year = (SELECT p.birth_year FROM person p \
             WHERE p.id = attendance.person_id) WHERE person_id IS NOT NULL",
        )
        .await?;
        for table in ["person", "attendance"] {
            c.execute_unprepared(&format!(
                "UPDATE {table} SET id_masked = substr(id_masked, 1, 6) || '***********' || \
                 substr(id_masked, 18, 1) WHERE length(id_masked) = 18"
            ))
            .await?;
        }
        remask_audit(c).await?;

        m.create_table(
            Table::create()
                .table("search_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("actor_id"))
                .col(string("actor_name"))
                .col(string_null("ip"))
                .col(string("field"))
                .col(string("blind_index"))
                .col(integer("hits"))
                .to_owned(),
        )
        .await?;
        index(m, "search_log", &["at"], false).await?;
        index(m, "search_log", &["actor_id", "at"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The birth dates and old masks are not coming back: they were the hole.
        m.drop_table(Table::drop().table("search_log").to_owned())
            .await?;
        let c = m.get_connection();
        c.execute_unprepared("ALTER TABLE attendance DROP COLUMN birth_year")
            .await?;
        c.execute_unprepared("ALTER TABLE person ADD COLUMN birth_date DATE NULL")
            .await?;
        c.execute_unprepared("ALTER TABLE person DROP COLUMN birth_year")
            .await?;
        Ok(())
    }
}

/// Rewrites the old masks held in audit rows, a few hundred rows at a time.
async fn remask_audit(c: &impl ConnectionTrait) -> Result<(), DbErr> {
    let cols = ["summary", "before_json", "after_json"];
    let mut last = 0i64;
    loop {
        let mut q = Query::select();
        q.columns(["id", "summary", "before_json", "after_json"])
            .from("audit_log")
            .and_where(Expr::col("id").gt(last))
            .cond_where(
                Cond::any()
                    .add(Expr::col("summary").like("%********%"))
                    .add(Expr::col("before_json").like("%********%"))
                    .add(Expr::col("after_json").like("%********%")),
            )
            .order_by("id", Order::Asc)
            .limit(500);
        let rows = c.query_all(&q).await?;
        let Some(end) = rows.last() else {
            return Ok(());
        };
        last = end.try_get::<i64>("", "id")?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let mut update = Query::update();
            update.table("audit_log").and_where(Expr::col("id").eq(id));
            let mut changed = false;
            for col in cols {
                let v: Option<String> = row.try_get("", col)?;
                if let Some(new) = v.as_deref().and_then(domain::mask::remask_legacy_ids) {
                    update.value(col, new);
                    changed = true;
                }
            }
            if changed {
                c.execute(&update).await?;
            }
        }
    }
}
