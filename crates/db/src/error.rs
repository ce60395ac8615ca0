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
    /// Something on our side failed that the user can't fix: a file that could
    /// not be written, a ciphertext the key can't open, a workbook the writer
    /// refused. Logged with an id and shown as a 500, never as a 409.
    #[error("内部错误：{0}")]
    Internal(String),
    #[error("数据库错误")]
    Db(#[from] DbErr),
}

impl DbError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DbError::Invalid(Invalid::single(field, message))
    }

    /// An internal failure; `what` is for the log, never shown to the user.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        DbError::Internal(what.to_string())
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
