//! The JSON API (`/api/v1/…`), documented by utoipa from the handlers
//! themselves (`/api/v1/openapi.json`). Same scope and audit as the pages.

pub mod org;
pub mod people;
pub mod stats;
pub mod users;

use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{AppState, error::ApiError};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "巾帼 · 妇联工作平台 API",
        version = "1",
        description = "县妇联及其下级组织的数据接口。认证：会话Cookie或 `Authorization: Bearer <令牌>`。"
    ),
    components(schemas(crate::error::ApiErrorBody))
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(org::router())
        .merge(people::router())
        .merge(stats::router())
        .merge(users::router())
}

/// Paging parameters shared by list endpoints.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
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
        if page == 0 {
            return Err(ApiError::bad_request("page 应从1开始"));
        }
        if per_page == 0 || per_page > 200 {
            return Err(ApiError::bad_request("per_page 应在1到200之间"));
        }
        Ok((page, per_page))
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
