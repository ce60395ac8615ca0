//! Entity for table `app_user`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub grants: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub last_login_ip: Option<String>,
    pub password_changed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
