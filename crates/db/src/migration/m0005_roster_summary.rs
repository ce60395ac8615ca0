//! Each activity's roster summed up (`crate::activity::summary`), filled from
//! the roster lines already there.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::fk;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_roster_summary"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("roster_summary")
                .col(big_integer("activity_id").primary_key())
                .col(text("people"))
                .col(text("units"))
                .foreign_key(&mut fk("roster_summary", "activity_id", "activity"))
                .to_owned(),
        )
        .await?;
        crate::activity::summary::rebuild_all(m.get_connection())
            .await
            .map_err(|e| DbErr::Migration(format!("参与人员汇总：{e}")))
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("roster_summary").to_owned())
            .await
    }
}
