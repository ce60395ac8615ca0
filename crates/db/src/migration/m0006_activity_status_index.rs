//! The index of activities by org and start date also holds their status:
//! the figures read "the activities of these orgs held in the period that
//! took place" several times over, and with the status in the index SQLite
//! answers it from the index alone (a county-year: 7 → 4 ms a query).

use sea_orm_migration::prelude::*;

use super::m0001_foundation::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_activity_status_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "activity", &["org_id", "start_date", "status"], false).await?;
        drop(m, "ix_activity_org_id_start_date").await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        index(m, "activity", &["org_id", "start_date"], false).await?;
        drop(m, "ix_activity_org_id_start_date_status").await
    }
}

async fn drop(m: &SchemaManager<'_>, name: &'static str) -> Result<(), DbErr> {
    m.drop_index(Index::drop().name(name).table("activity").to_owned())
        .await
}
