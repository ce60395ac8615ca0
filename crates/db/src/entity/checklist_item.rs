//! Entity for table `checklist_item`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "checklist_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub owner_org_id: i64,
    pub year: i32,
    pub seq: i32,
    pub title: String,
    pub guidance: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
