//! The one migration set, shared by SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_activity;
mod m0003_review;
mod m0004_data_version;
mod m0005_roster_summary;
mod m0006_activity_status_index;
pub(crate) mod m0007_search_chars_index;
mod m0008_masks;
mod m0009_login_throttle;
mod m0012_activity_code_per_org;
mod m0013_cancellation;

/// The character indexes' names, for upkeep outside the migration.
pub(crate) use m0007_search_chars_index as search_chars;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_activity::Migration),
            Box::new(m0003_review::Migration),
            Box::new(m0004_data_version::Migration),
            Box::new(m0005_roster_summary::Migration),
            Box::new(m0006_activity_status_index::Migration),
            Box::new(m0007_search_chars_index::Migration),
            Box::new(m0008_masks::Migration),
            Box::new(m0009_login_throttle::Migration),
            Box::new(m0012_activity_code_per_org::Migration),
            Box::new(m0013_cancellation::Migration),
        ]
    }
}
