//! 取消 kept with its reason (issue 20, the record life): one row per
//! cancelled record of any area — which record (`entity`, `entity_id`), the
//! status it had (restored by 恢复), the reason, who and when. The record's own
//! status says it is cancelled, so the statistics, which count only records
//! held (`done`), leave it out without reading this table.
//!
//! A new table rather than columns on `activity`: every area gets the same
//! life without a migration of its own, and no SQLite table rebuild (m0012's
//! pitfall) is needed now or when the next area joins.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_cancellation"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("cancellation")
                .col(big_pk_auto("id"))
                .col(string("entity"))
                .col(big_integer("entity_id"))
                // No foreign key: `entity` names the table. The record's
                // delete removes its row (db::life), in the same transaction.
                .col(big_integer("org_id"))
                .col(string("prior_status"))
                .col(string("reason"))
                .col(big_integer_null("actor_id"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        index(m, "cancellation", &["entity", "entity_id"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("cancellation").to_owned())
            .await
    }
}
