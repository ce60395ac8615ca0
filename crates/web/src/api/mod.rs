//! The JSON API (`/api/v1/…`), documented by utoipa from the handlers
//! themselves (`/api/v1/openapi.json`). Same scope and audit as the pages.
//!
//! Conventions (see DESIGN.md "API conventions"): orgs are named by code, other
//! records by id; lists take `page`/`per_page` (≤ 200) and answer
//! [`ListResponse`]; every error is [`crate::error::ApiErrorBody`] with a 4xx.

pub mod activities;
pub mod dashboard;
pub mod extract;
pub mod input;
pub mod officers;
pub mod org;
pub mod people;
pub mod programmes;
pub mod publicity;
pub mod stats;
pub mod surveys;
pub mod tokens;
pub mod users;
pub mod venues;

use std::collections::HashMap;

use db::{
    Ctx, DbError,
    sea_orm::{DatabaseTransaction, TransactionTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;

use crate::{
    AppState,
    error::{ApiError, ApiErrorBody},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "巾帼 · 妇联工作平台 API",
        version = "1",
        description = "县妇联及其下级组织的数据接口。认证：会话Cookie或 `Authorization: Bearer <令牌>`。\
            组织以组织编码指代，其他记录以id指代；日期为ISO 8601（2020-07-08）。\
            错误统一为 `{\"error\": {\"code\", \"message\", \"fields\"}}`。"
    ),
    components(schemas(crate::error::ApiErrorBody)),
    modifiers(&Security),
    security(("bearer" = []), ("session" = []))
)]
struct ApiDoc;

/// Declares the two ways in: a bearer token (`jg_…`) or the browser's session cookie.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("API令牌（jg_开头），在「我的账号」中创建"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::COOKIE))),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(org::router())
        .merge(venues::router())
        .merge(officers::router())
        .merge(surveys::router())
        .merge(people::router())
        .merge(stats::router())
        .merge(dashboard::router())
        .merge(programmes::router())
        .merge(activities::router())
        .merge(publicity::router())
        .merge(users::router())
        .merge(tokens::router())
        // Unknown API paths answer in the API's own error shape, not with the
        // pages' HTML; undocumented on purpose.
        .route("/api/{*rest}", axum::routing::any(unknown_path))
}

async fn unknown_path() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        "接口不存在，请查阅 /api/v1/openapi.json",
    )
}

/// Paging parameters shared by list endpoints.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page (≤ 200, default 50).
    pub per_page: Option<u64>,
}

impl PageParams {
    pub fn resolve(&self) -> Result<(u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        // The cap keeps the repositories' offset arithmetic far from overflow.
        if page == 0 || page > 1_000_000 {
            return Err(ApiError::bad_request("page 应在1到1000000之间"));
        }
        if per_page == 0 || per_page > 200 {
            return Err(ApiError::bad_request("per_page 应在1到200之间"));
        }
        Ok((page, per_page))
    }
}

/// 201 for a new record, 200 when an upsert updated an existing one.
pub fn created_status(created: bool) -> axum::http::StatusCode {
    if created {
        axum::http::StatusCode::CREATED
    } else {
        axum::http::StatusCode::OK
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubtreeQuery {
    /// 包含全部下级组织的记录（默认只列该组织本身）
    #[serde(default)]
    pub subtree: bool,
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

impl SubtreeQuery {
    pub fn pages(&self) -> Result<(u64, u64), ApiError> {
        PageParams {
            page: self.page,
            per_page: self.per_page,
        }
        .resolve()
    }
}

/// A page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> ListResponse<T> {
    /// Pages a list the repository returns whole (bounded by one org subtree).
    pub fn slice(all: Vec<T>, page: u64, per_page: u64) -> ListResponse<T> {
        let total = all.len() as u64;
        let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let items = all.into_iter().skip(skip).take(per_page as usize).collect();
        ListResponse {
            items,
            total,
            page,
            per_page,
        }
    }
}

/// Errors a read can answer with (documentation only: handlers return [`ApiError`]).
#[derive(utoipa::IntoResponses)]
pub enum ReadErrors {
    /// 参数有误（如 per_page 超过200、路径参数格式不正确）
    #[response(status = 400)]
    BadRequest(ApiErrorBody),
    /// 未登录或令牌无效、已吊销
    #[response(status = 401)]
    Unauthorized(ApiErrorBody),
    /// 没有该模块的权限
    #[response(status = 403)]
    Forbidden(ApiErrorBody),
    /// 记录不存在或不在调用者的范围内
    #[response(status = 404)]
    NotFound(ApiErrorBody),
}

/// Errors a write can answer with (documentation only: handlers return [`ApiError`]).
#[derive(utoipa::IntoResponses)]
pub enum WriteErrors {
    /// 请求体不是有效的JSON，或参数有误
    #[response(status = 400)]
    BadRequest(ApiErrorBody),
    /// 未登录或令牌无效、已吊销
    #[response(status = 401)]
    Unauthorized(ApiErrorBody),
    /// 没有权限，或跨站请求（Cookie认证时须同源）
    #[response(status = 403)]
    Forbidden(ApiErrorBody),
    /// 记录不存在或不在调用者的范围内
    #[response(status = 404)]
    NotFound(ApiErrorBody),
    /// 与已有记录或业务规则冲突
    #[response(status = 409)]
    Conflict(ApiErrorBody),
    /// 请求体过大
    #[response(status = 413)]
    PayloadTooLarge(ApiErrorBody),
    /// 字段校验失败（`validation_failed`，fields 逐项说明）
    #[response(status = 422)]
    ValidationFailed(ApiErrorBody),
}

/// Starts the transaction a write runs in, so the record and its audit row
/// land together or not at all.
pub async fn begin(state: &AppState) -> Result<DatabaseTransaction, ApiError> {
    state
        .db
        .conn
        .begin()
        .await
        .map_err(|e| DbError::from(e).into())
}

pub async fn commit(tx: DatabaseTransaction) -> Result<(), ApiError> {
    tx.commit().await.map_err(|e| DbError::from(e).into())
}

/// Org codes by id, looked up once per request and only among the orgs the
/// caller may see (an invisible parent stays `None`).
#[derive(Default)]
pub struct OrgCodes(HashMap<i64, Option<String>>);

impl OrgCodes {
    pub async fn code(
        &mut self,
        c: &impl db::sea_orm::ConnectionTrait,
        ctx: &Ctx,
        id: i64,
    ) -> Result<Option<String>, ApiError> {
        if let Some(code) = self.0.get(&id) {
            return Ok(code.clone());
        }
        let code = match db::org::find_visible_id(c, ctx, id).await {
            Ok(o) => Some(o.code),
            Err(DbError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        self.0.insert(id, code.clone());
        Ok(code)
    }
}
