//! Entity for table `audit_log`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub org_id: Option<i64>,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
