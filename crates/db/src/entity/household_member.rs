//! Entity for table `household_member`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "household_member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub household_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub relation: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
