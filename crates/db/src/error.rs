//! Repository errors. Handlers map them to HTTP statuses; messages are Chinese
//! and safe to show (internal database errors are logged, never shown).

use domain::error::Invalid;
use sea_orm::{DbErr, SqlErr};

pub type DbResult<T> = Result<T, DbError>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Bad input, field by field.
    #[error("{0}")]
    Invalid(Invalid),
    /// Not there, or not visible to the caller (we don't tell the two apart, so
    /// a scoped user can't probe for records outside her subtree).
    #[error("记录不存在或无权查看")]
    NotFound,
    /// Visible, but the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Would break a uniqueness rule or a workflow rule.
    #[error("{0}")]
    Conflict(String),
    #[error("数据库错误")]
    Db(#[from] DbErr),
}

impl DbError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DbError::Invalid(Invalid::single(field, message))
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        DbError::Forbidden(message.into())
    }

    /// Turns a unique-constraint violation into a Chinese conflict message.
    pub fn from_write(e: DbErr, conflict_message: &str) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                DbError::Conflict(conflict_message.to_string())
            }
            _ => DbError::Db(e),
        }
    }
}

impl From<Invalid> for DbError {
    fn from(v: Invalid) -> Self {
        DbError::Invalid(v)
    }
}
