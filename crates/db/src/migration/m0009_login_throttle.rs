//! Login throttling state: failures per key (`account:<username>` for any
//! username tried, existing or not, and `ip:<address>`), and until when
//! further attempts are refused. In the database, so that several servers
//! share it and a restart doesn't forget it. Replaces the hard lock kept in
//! `app_user.failed_logins` / `locked_until` (those columns stay, unused:
//! SQLite can't drop them in place, and nothing reads them any more).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_login_throttle"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("login_throttle")
                .col(string("key").primary_key())
                .col(integer("failures"))
                .col(timestamp_with_time_zone("last_failure_at"))
                .col(timestamp_with_time_zone_null("blocked_until"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("login_throttle").to_owned())
            .await
    }
}
