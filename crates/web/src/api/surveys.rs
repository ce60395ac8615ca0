//! API of field surveys (调研) of grassroots federations, keyed by (org, date).

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::{
    entity::survey,
    org::{self, survey as surveys},
};
use domain::foundation::survey::SurveyDraft;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, PageParams, ReadErrors, WriteErrors, begin, commit, created_status,
    extract::{ApiJson, ApiPath, ApiQuery},
};
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_surveys))
        .routes(routes!(save_survey))
}

/// A field survey (调研) of a grassroots federation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyDto {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub date: NaiveDate,
    pub surveyor: Option<String>,
    /// 存在不足
    pub shortcomings: Option<String>,
    /// 亮点
    pub highlights: Option<String>,
}

fn survey_dto(s: survey::Model, o: db::entity::org::Model) -> SurveyDto {
    SurveyDto {
        id: s.id,
        org_code: o.code,
        org_name: o.name,
        date: s.date,
        surveyor: s.surveyor,
        shortcomings: s.shortcomings,
        highlights: s.highlights,
    }
}

/// 组织及其下级的调研，最新的在前
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/surveys",
    tag = "org",
    params(("code" = String, Path, description = "组织编码"), PageParams),
    responses((status = 200, description = "调研列表", body = ListResponse<SurveyDto>), ReadErrors)
)]
pub async fn list_surveys(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<SurveyDto>>> {
    let (page, per_page) = p.resolve()?;
    let c = &state.db.conn;
    let o = org::find_visible(c, &cu.ctx, &code).await?;
    let rows = surveys::list_under(c, &cu.ctx, &o).await?;
    let rows = rows.into_iter().map(|(s, o)| survey_dto(s, o)).collect();
    Ok(Json(ListResponse::slice(rows, page, per_page)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SurveySave {
    #[schema(required = true, example = "420527101201")]
    pub org_code: Option<String>,
    /// 调研日期（同一组织同一天按日期更新）
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2020-07-08")]
    pub date: Option<String>,
    pub surveyor: Option<String>,
    pub shortcomings: Option<String>,
    pub highlights: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SurveySaved {
    pub created: bool,
    pub survey: SurveyDto,
}

/// 登记或更新调研（按组织+日期）
#[utoipa::path(
    post,
    path = "/api/v1/surveys",
    tag = "org",
    request_body = SurveySave,
    responses(
        (status = 201, description = "已新建", body = SurveySaved),
        (status = 200, description = "已更新", body = SurveySaved),
        WriteErrors
    )
)]
pub async fn save_survey(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SurveySave>,
) -> ApiResult<(StatusCode, Json<SurveySaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = SurveyDraft {
        org_code: text(body.org_code),
        date: text(body.date),
        surveyor: text(body.surveyor),
        shortcomings: text(body.shortcomings),
        highlights: text(body.highlights),
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let (s, created) = surveys::upsert(&tx, &cu.ctx, &input).await?;
    let o = org::find_visible_id(&tx, &cu.ctx, s.org_id).await?;
    commit(tx).await?;
    Ok((
        created_status(created),
        Json(SurveySaved {
            created,
            survey: survey_dto(s, o),
        }),
    ))
}
