//! Statistics API: `GET /api/v1/orgs/{code}/stats?period=2020[&compare=previous]`.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use domain::{FieldError, date::Period, stats::compare::compare};
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
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// 期间：`2020`、`2020Q4`、`2020-07` 或 `2020-03-01..2020-06-30`。
    period: String,
    /// 同比：`previous` 时另附上一同等期间（上一年、上一季度、上一月或等长的前一段）的
    /// 统计 `previous`，及各项数字的变化 `change`（本期减上期）。
    compare: Option<String>,
}

/// A 400 `invalid_query` naming the parameter, like the query extractor's.
fn invalid(field: &str, message: String) -> ApiError {
    let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", message.clone());
    e.fields.push(FieldError {
        field: field.into(),
        message,
    });
    e
}

/// The statistics document (see `spec/review.md`) of an org's subtree for a
/// period, using the org tree as it stood at the period's end.
///
/// With `compare=previous` the document also carries `previous` (the whole
/// document of the previous equal period: 2020 → 2019, 2020Q4 → 2020Q3) and
/// `change` (current minus previous for every figure; rows of lists matched
/// by their label, a row missing on one side counting as 0 there).
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/stats",
    tag = "统计",
    params(("code" = String, Path, description = "组织编码"), StatsParams),
    responses(
        (status = 200, description = "统计数据；compare=previous 时另含 previous（上一同等期间的统计）与 change（本期减上期）",
         content_type = "application/json"),
        (status = 400, description = "期间（period）或对比方式（compare）无效", body = crate::error::ApiErrorBody),
        (status = 404, body = crate::error::ApiErrorBody),
    )
)]
async fn org_stats(
    State(state): State<AppState>,
    ApiUser(cu): ApiUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<StatsParams>,
) -> ApiResult<Response> {
    let p = Period::parse(&q.period)
        .map_err(|e| invalid("period", format!("查询参数「period」的取值无效：{e}")))?;
    let with_previous = match q.compare.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("previous") => true,
        Some(other) => {
            return Err(invalid(
                "compare",
                format!("查询参数「compare」的取值「{other}」无效，可选：previous"),
            ));
        }
    };
    let doc = db::stats::stats_cached(&state.db, &cu.ctx, &code, p).await?;
    if with_previous {
        let prev = db::stats::stats_cached(&state.db, &cu.ctx, &code, p.previous()).await?;
        Ok(Json(compare(&doc, &prev)).into_response())
    } else {
        Ok(Json(&*doc).into_response())
    }
}
