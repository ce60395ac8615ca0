//! Entity for table `person`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub id_cipher: String,
    pub id_index: String,
    pub id_masked: String,
    pub sex: String,
    /// The year of birth only (m0008): the full date is in the encrypted number.
    pub birth_year: i32,
    pub phone_cipher: Option<String>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
    pub bank_cipher: Option<String>,
    pub bank_masked: Option<String>,
    pub org_id: i64,
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
