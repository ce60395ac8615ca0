//! Entity for table `cancellation` (m0013): a cancelled record's reason.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "cancellation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The record's table (`activity`), as in the audit trail.
    pub entity: String,
    pub entity_id: i64,
    pub org_id: i64,
    /// The status 恢复 gives back (`planned`, `done`).
    pub prior_status: String,
    pub reason: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
