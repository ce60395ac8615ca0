//! Entity for table `attendance`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub person_id: Option<i64>,
    pub person_key: String,
    pub name: String,
    pub unit: Option<String>,
    pub id_masked: Option<String>,
    /// The year of birth from the 身份证号 given (m0008): a child's name is
    /// shown as surname + * on rosters, walk-ins without a person record too.
    pub birth_year: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
