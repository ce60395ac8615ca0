//! Errors as users see them. Pages get a Chinese error page; the API gets
//! `{"error": {"code", "message", "fields"}}`. Internal errors are logged and
//! shown only as "系统繁忙" — a 5xx is always a bug.

use askama::Template;
use axum::{
    Json,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use db::DbError;
use domain::FieldError;
use serde::Serialize;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    message: &'a str,
}

/// An error rendered as a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        PageError {
            status,
            message: message.into(),
        }
    }

    pub fn not_found() -> Self {
        PageError::new(StatusCode::NOT_FOUND, "记录不存在或无权查看")
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        PageError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A fault on our side: logged under a fresh id that the page shows, so
    /// the user can quote it and the operator can find the log line.
    pub fn internal(what: &str) -> Self {
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, internal_message(what))
    }
}

/// Logs an internal error under a new id and returns the message users see.
pub fn internal_message(what: &str) -> String {
    let id = hex::encode(rand::random::<[u8; 6]>());
    tracing::error!(error_id = %id, "internal error: {what}");
    format!("系统繁忙，请稍后再试（错误编号 {id}）")
}

impl From<DbError> for PageError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Invalid(inv) => PageError::new(StatusCode::BAD_REQUEST, inv.to_string()),
            DbError::NotFound => PageError::not_found(),
            DbError::Forbidden(m) => PageError::new(StatusCode::FORBIDDEN, m),
            DbError::Conflict(m) => PageError::new(StatusCode::CONFLICT, m),
            DbError::Internal(e) => PageError::internal(&e),
            DbError::Db(e) => PageError::internal(&format!("database error: {e}")),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = ErrorPage {
            status: self.status.as_u16(),
            message: &self.message,
        }
        .render()
        .unwrap_or_else(|_| self.message.clone());
        (self.status, Html(body)).into_response()
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable machine-readable code, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// Chinese message for people.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<ApiFieldError>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub message: String,
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录或提供有效的API令牌",
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A fault on our side, logged under the id the message carries.
    pub fn internal(what: &str) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            internal_message(what),
        )
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Invalid(inv) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "validation_failed",
                message: inv
                    .errors
                    .first()
                    .map_or_else(|| "输入有误".into(), |f| f.message.clone()),
                fields: inv.errors,
            },
            DbError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "记录不存在或无权查看")
            }
            DbError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m),
            DbError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            DbError::Internal(e) => ApiError::internal(&e),
            DbError::Db(e) => ApiError::internal(&format!("database error: {e}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                code: self.code.into(),
                message: self.message,
                fields: self
                    .fields
                    .into_iter()
                    .map(|f| ApiFieldError {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            },
        };
        (self.status, Json(body)).into_response()
    }
}

pub type PageResult<T> = Result<T, PageError>;
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_are_a_500_with_an_error_id_never_a_409() {
        let page = PageError::from(DbError::internal("photo write failed: disk full"));
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.message.contains("错误编号"), "{}", page.message);
        assert!(
            !page.message.contains("disk"),
            "the cause is logged, not shown"
        );
        let api = ApiError::from(DbError::internal("decrypt failed"));
        assert_eq!(
            (api.status, api.code),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        );
        assert!(api.message.contains("错误编号"));
        // A real conflict stays a 409.
        let c = ApiError::from(DbError::Conflict("本组织已有该活动编号的活动".into()));
        assert_eq!(c.status, StatusCode::CONFLICT);
        // A database fault a writer meets is a 500 too, even on the path that
        // turns a unique-key violation into a conflict.
        let fault = || db::sea_orm::DbErr::Custom("connection reset".into());
        for e in [DbError::from(fault()), DbError::from_write(fault(), "重复")] {
            let api = ApiError::from(e);
            assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert!(!api.message.contains("connection"), "{}", api.message);
        }
        let page = PageError::from(DbError::from_write(fault(), "重复"));
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
