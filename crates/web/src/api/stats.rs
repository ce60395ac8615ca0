//! Statistics API: `GET /api/v1/orgs/{code}/stats?period=2020`.

use axum::{Json, extract::State};
use domain::date::Period;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{ApiPath, ApiQuery};
use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(org_stats))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct StatsParams {
    /// 期间：`2020`、`2020Q4`、`2020-07` 或 `2020-03-01..2020-06-30`。
    period: String,
}

/// The statistics document (see `spec/review.md`) of an org's subtree for a
/// period, using the org tree as it stood at the period's end.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/stats",
    tag = "统计",
    params(("code" = String, Path, description = "组织编码"), StatsParams),
    responses(
        (status = 200, description = "统计数据", content_type = "application/json"),
        (status = 400, body = crate::error::ApiErrorBody),
        (status = 404, body = crate::error::ApiErrorBody),
    )
)]
async fn org_stats(
    State(state): State<AppState>,
    ApiUser(cu): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<StatsParams>,
) -> ApiResult<Json<domain::stats::StatsDoc>> {
    let p =
        Period::parse(&q.period).map_err(|e| ApiError::bad_request(format!("period 无效：{e}")))?;
    Ok(Json(
        db::stats::stats(&state.db.conn, &cu.ctx, &code, p).await?,
    ))
}
