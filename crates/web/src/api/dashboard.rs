//! Dashboard API: `GET /api/v1/orgs/{code}/dashboard?period=2020` — the
//! figures behind the dashboard's charts (activities by direct child org, by
//! month and by type), as the page shows them.

use axum::{Json, extract::State};
use db::dashboard::Dashboard;
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
    OpenApiRouter::new().routes(routes!(org_dashboard))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// 期间：`2020`、`2020Q4`、`2020-07` 或 `2020-03-01..2020-06-30`（默认本年）。
    period: Option<String>,
}

/// Activities (已开展) of an org's subtree in a period, by direct child org
/// (today's tree; `own` marks activities recorded against the org itself),
/// by month (every month begun, zeros included) and by type.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/dashboard",
    tag = "统计",
    params(("code" = String, Path, description = "组织编码"), DashboardParams),
    responses(
        (status = 200, description = "看板数据", content_type = "application/json"),
        (status = 400, body = crate::error::ApiErrorBody),
        (status = 403, body = crate::error::ApiErrorBody),
        (status = 404, body = crate::error::ApiErrorBody),
    )
)]
async fn org_dashboard(
    State(state): State<AppState>,
    ApiUser(cu): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<DashboardParams>,
) -> ApiResult<Json<Dashboard>> {
    let p = match q.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            Period::parse(s).map_err(|e| ApiError::bad_request(format!("period 无效：{e}")))?
        }
        None => {
            use chrono::Datelike;
            Period::year(db::time::today_beijing().year())
        }
    };
    Ok(Json(
        db::dashboard::dashboard(&state.db.conn, &cu.ctx, &code, p).await?,
    ))
}
