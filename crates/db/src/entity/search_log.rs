//! Entity for table `search_log`: one row per exact 身份证号/phone search.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "search_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub ip: Option<String>,
    /// `id_number` or `phone`.
    pub field: String,
    /// The keyed blind index of what was searched, never the number.
    pub blind_index: String,
    /// How many people in the caller's scope matched.
    pub hits: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
