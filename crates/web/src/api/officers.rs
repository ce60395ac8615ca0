//! API of officers (干部): a person holding a post in an org for a term.
//! Saving finds or creates the person by 身份证号, then upserts the post keyed
//! by (person, org, post).

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::{
    org::{self, officer},
    people,
};
use domain::foundation::officer::OfficerDraft;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, ReadErrors, SubtreeQuery, WriteErrors, begin, commit, created_status,
    extract::{ApiJson, ApiPath, ApiQuery},
};
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_officers))
        .routes(routes!(save_officer))
}

/// An officer (干部): a person holding a post in an org. The 身份证号 is masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerDto {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    /// 身份证号（脱敏）；明文经 /api/v1/people/{id}/reveal 查看
    pub id_masked: String,
    pub org_code: String,
    pub org_name: String,
    /// 职务（中文）
    pub post: String,
    /// 专兼职（中文）
    pub tenure: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

impl From<officer::OfficerView> for OfficerDto {
    fn from(v: officer::OfficerView) -> Self {
        OfficerDto {
            id: v.id,
            person_id: v.person_id,
            name: v.name,
            id_masked: v.id_masked,
            org_code: v.org_code,
            org_name: v.org_name,
            post: v.post,
            tenure: v.tenure,
            term_start: v.term_start,
            term_end: v.term_end,
        }
    }
}

/// 组织的干部
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/officers",
    tag = "org",
    params(("code" = String, Path, description = "组织编码"), SubtreeQuery),
    responses((status = 200, description = "干部列表", body = ListResponse<OfficerDto>), ReadErrors)
)]
pub async fn list_officers(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SubtreeQuery>,
) -> ApiResult<Json<ListResponse<OfficerDto>>> {
    let (page, per_page) = q.pages()?;
    let c = &state.db.conn;
    let o = org::find_visible(c, &cu.ctx, &code).await?;
    let rows = officer::list_for_org(c, &cu.ctx, &o, q.subtree).await?;
    let rows = rows.into_iter().map(OfficerDto::from).collect();
    Ok(Json(ListResponse::slice(rows, page, per_page)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OfficerSave {
    #[schema(required = true, example = "王秀梅")]
    pub name: Option<String>,
    /// 身份证号（按它查找或新建人员）
    #[schema(required = true)]
    pub id_number: Option<String>,
    #[schema(required = true, example = "420527101201")]
    pub org_code: Option<String>,
    /// 职务：主席、副主席、执委、委员（或代码）
    #[schema(required = true, example = "主席")]
    pub post: Option<String>,
    /// 专兼职：专职、兼职、挂职（或代码）
    pub tenure: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub term_start: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub term_end: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerSaved {
    /// true：新任职；false：更新了同一人同一组织同一职务
    pub created: bool,
    pub officer: OfficerDto,
}

/// 登记干部任职（按身份证号查找或新建人员）
#[utoipa::path(
    post,
    path = "/api/v1/officers",
    tag = "org",
    request_body = OfficerSave,
    responses(
        (status = 201, description = "已新建", body = OfficerSaved),
        (status = 200, description = "已更新", body = OfficerSaved),
        WriteErrors
    )
)]
pub async fn save_officer(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<OfficerSave>,
) -> ApiResult<(StatusCode, Json<OfficerSaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let posting = OfficerDraft {
        name: text(body.name),
        id_number: text(body.id_number),
        phone: String::new(),
        org_code: text(body.org_code),
        post: text(body.post),
        tenure: text(body.tenure),
        term_start: text(body.term_start),
        term_end: text(body.term_end),
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let o = org::find_capturable_ref(&tx, &cu.ctx, &posting.org_code, "org_code").await?;
    let person = posting.person(&posting.org_code);
    let (p, _) = people::find_or_create(&tx, &state.db, &cu.ctx, &person).await?;
    let input = officer::OfficerInput::of(&posting, p.id, o.clone());
    let (row, created) = officer::upsert(&tx, &cu.ctx, &input).await?;
    let view = officer::list_for_org(&tx, &cu.ctx, &o, false)
        .await?
        .into_iter()
        .find(|v| v.id == row.id)
        .ok_or(db::DbError::NotFound)?;
    commit(tx).await?;
    Ok((
        created_status(created),
        Json(OfficerSaved {
            created,
            officer: view.into(),
        }),
    ))
}
