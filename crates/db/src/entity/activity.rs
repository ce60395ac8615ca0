//! Entity for table `activity`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub programme_id: Option<i64>,
    pub kind: String,
    pub org_id: i64,
    pub partners: Option<String>,
    pub start_date: Date,
    pub end_date: Date,
    pub online: bool,
    pub place: Option<String>,
    pub units_reached: Option<i32>,
    pub head_count: Option<i32>,
    pub summary: Option<String>,
    pub status: String,
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
