//! The year-end review's saved choices: an org's outline (reused year after
//! year) and its drafts per period (title, preface, closing, highlight order,
//! chosen photos), both as JSON owned by the `report` crate.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::{fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_review"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("review_outline")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(text("json"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("review_outline", "org_id", "org"))
                .to_owned(),
        )
        .await?;
        index(m, "review_outline", &["org_id"], true).await?;

        m.create_table(
            Table::create()
                .table("review_draft")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(string("period"))
                .col(text("json"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("review_draft", "org_id", "org"))
                .to_owned(),
        )
        .await?;
        index(m, "review_draft", &["org_id", "period"], true).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("review_draft").to_owned())
            .await?;
        m.drop_table(Table::drop().table("review_outline").to_owned())
            .await
    }
}
