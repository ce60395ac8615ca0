//! The record life on an area's pages (`db::life`): the 修改 / 取消 / 恢复 /
//! 删除 actions of a record's page, drawn the same way for every area
//! (`kit/life.html`), and the one way a cancel or restore is run.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use db::{DbError, DbResult, entity::cancellation, sea_orm::DatabaseTransaction};

use crate::{AppState, error::PageResult, form::FormErrors};

/// Time as a Beijing clock shows it.
pub fn beijing(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// What a record's page says of its cancellation.
pub struct Cancelled {
    pub reason: String,
    pub by: String,
    pub at: String,
}

impl Cancelled {
    pub fn of(k: &cancellation::Model) -> Cancelled {
        Cancelled {
            reason: k.reason.clone(),
            by: k.actor_name.clone(),
            at: beijing(k.at),
        }
    }
}

/// The actions block of a record's page.
pub struct Actions {
    /// The record's page, e.g. `/publicity/12`: the actions post under it.
    pub base: String,
    /// What the record is called on its buttons: 稿件, 活动.
    pub what: &'static str,
    pub can_edit: bool,
    pub can_delete: bool,
    pub cancelled: Option<Cancelled>,
    /// A cancel refused for its reason: the error under the field.
    pub reason_error: Option<String>,
}

/// Runs a cancel or restore in one transaction. Done: back to the record's
/// page (`back`). A missing or overlong reason (400), or a step that doesn't
/// apply, such as cancelling a cancelled record (409), comes back for the
/// page to show; a refusal is its error page (403, or 404 out of sight).
pub async fn step(
    state: &AppState,
    back: &str,
    write: impl AsyncFnOnce(&DatabaseTransaction) -> DbResult<()>,
) -> PageResult<Result<Response, (StatusCode, FormErrors)>> {
    match state.db.write(write).await {
        Ok(()) => Ok(Ok(Redirect::to(back).into_response())),
        Err(DbError::Invalid(inv)) => Ok(Err((StatusCode::BAD_REQUEST, inv.into()))),
        Err(DbError::Conflict(m)) => Ok(Err((StatusCode::CONFLICT, FormErrors::general(m)))),
        Err(e) => Err(e.into()),
    }
}
