//! API of the `org` area: the federation tree (list, read, create, update,
//! move, close, children). Venues, officers and surveys are in `org_records`.

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::{
    entity::org as org_entity,
    org::{self, OrgQuery},
};
use domain::{
    foundation::org::{OrgChangeDraft, OrgDraft},
    kinds::{NewFieldType, OrgKind},
    search::normalize,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, OrgCodes, PageParams, ReadErrors, WriteErrors, begin, commit,
    extract::{ApiJson, ApiPath, ApiQuery},
    input::Check,
};
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(move_org))
        .routes(routes!(close_org))
        .routes(routes!(list_children))
}

/// An organization (组织).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    /// 组织编码（12位，GB/T 2260 + 乡镇村级）
    pub code: String,
    pub name: String,
    /// 组织类型（中文），如「乡镇妇联」
    pub kind: String,
    /// 组织类型代码，如 `township`
    pub kind_code: String,
    /// 上级组织编码；根组织或上级不在调用者范围内时为空
    pub parent_code: Option<String>,
    pub founded_on: Option<NaiveDate>,
    /// 撤销日期（未撤销为空）
    pub closed_on: Option<NaiveDate>,
    /// 新领域类型（中文），仅新领域妇联
    pub new_field_type: Option<String>,
    pub new_field_type_code: Option<String>,
}

impl OrgDto {
    pub fn new(o: org_entity::Model, parent_code: Option<String>) -> OrgDto {
        OrgDto {
            kind: OrgKind::from_code(&o.kind).map_or_else(|| o.kind.clone(), |k| k.label().into()),
            kind_code: o.kind,
            new_field_type: o
                .new_field_type
                .as_deref()
                .and_then(NewFieldType::from_code)
                .map(|n| n.label().into()),
            new_field_type_code: o.new_field_type,
            code: o.code,
            name: o.name,
            parent_code,
            founded_on: o.founded_on,
            closed_on: o.closed_on,
        }
    }
}

/// Maps org rows to DTOs, resolving parent codes within the caller's scope.
async fn dtos(
    state: &AppState,
    cu: &crate::auth::CurrentUser,
    rows: Vec<org_entity::Model>,
) -> ApiResult<Vec<OrgDto>> {
    let mut codes = OrgCodes::default();
    let mut out = Vec::with_capacity(rows.len());
    for o in rows {
        let parent = match o.parent_id {
            Some(pid) => codes.code(&state.db.conn, &cu.ctx, pid).await?,
            None => None,
        };
        out.push(OrgDto::new(o, parent));
    }
    Ok(out)
}

async fn dto(
    state: &AppState,
    cu: &crate::auth::CurrentUser,
    o: org_entity::Model,
) -> ApiResult<OrgDto> {
    let mut v = dtos(state, cu, vec![o]).await?;
    Ok(v.remove(0))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgListQuery {
    /// 按名称或编码片段搜索
    pub q: Option<String>,
    /// 只列该组织及其下级（组织编码）
    pub org: Option<String>,
    /// 与 org 同用：只列该组织本身，不含下级
    #[serde(default)]
    pub only: bool,
    /// 组织类型（中文名或代码）
    pub kind: Option<String>,
    /// 包含已撤销的组织
    #[serde(default)]
    pub include_closed: bool,
    /// 页码，从1开始
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

/// 组织列表（调用者范围内）
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "org",
    params(OrgListQuery),
    responses((status = 200, description = "组织列表", body = ListResponse<OrgDto>), ReadErrors)
)]
pub async fn list_orgs(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<OrgListQuery>,
) -> ApiResult<Json<ListResponse<OrgDto>>> {
    let (page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let mut check = Check::new();
    let kind = check.pick::<OrgKind>("kind", q.kind.as_deref(), "组织类型");
    check.finish().map_err(|mut e| {
        // A bad filter is a bad request, not a bad record.
        e.status = StatusCode::BAD_REQUEST;
        e.code = "invalid_query";
        e
    })?;
    let c = &state.db.conn;
    let org_code = q.org.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (rows, total) = match org_code {
        Some(code) if q.only => {
            // One org at most: the filters are applied to it directly.
            let o = org::find_visible(c, &cu.ctx, code).await?;
            let text = q.q.as_deref().map(normalize).unwrap_or_default();
            let keep = o.search_text.contains(&text)
                && kind.is_none_or(|k| k.code() == o.kind)
                && (q.include_closed || o.closed_on.is_none());
            let rows: Vec<_> = if keep && page == 1 {
                vec![o]
            } else {
                Vec::new()
            };
            (rows, u64::from(keep))
        }
        _ => {
            let query = OrgQuery {
                q: q.q.clone(),
                under: org_code.map(String::from),
                kind: kind.map(|k| k.code().to_string()),
                include_closed: q.include_closed,
            };
            org::list(c, &cu.ctx, &query, page, per_page).await?
        }
    };
    Ok(Json(ListResponse {
        items: dtos(&state, &cu, rows).await?,
        total,
        page,
        per_page,
    }))
}

/// 查看一个组织
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}",
    tag = "org",
    params(("code" = String, Path, description = "组织编码")),
    responses((status = 200, description = "组织", body = OrgDto), ReadErrors)
)]
pub async fn get_org(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> ApiResult<Json<OrgDto>> {
    let o = org::find_visible(&state.db.conn, &cu.ctx, &code).await?;
    Ok(Json(dto(&state, &cu, o).await?))
}

/// A new organization.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgCreate {
    /// 组织编码（12位）
    #[schema(required = true, example = "420527101203")]
    pub code: Option<String>,
    #[schema(required = true, example = "新村妇联")]
    pub name: Option<String>,
    /// 组织类型：中文名（如「村妇联」）或代码（如 `village`）
    #[schema(required = true, example = "村妇联")]
    pub kind: Option<String>,
    /// 上级组织编码
    #[schema(required = true, example = "420527101000")]
    pub parent_code: Option<String>,
    /// 成立日期（ISO 8601）
    #[schema(value_type = Option<String>, format = Date, example = "2020-07-08")]
    pub founded_on: Option<String>,
    /// 新领域类型：中文名或代码（仅新领域妇联）
    pub new_field_type: Option<String>,
}

/// 新建组织
#[utoipa::path(
    post,
    path = "/api/v1/orgs",
    tag = "org",
    request_body = OrgCreate,
    responses((status = 201, description = "已新建", body = OrgDto), WriteErrors)
)]
pub async fn create_org(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<OrgCreate>,
) -> ApiResult<(StatusCode, Json<OrgDto>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = OrgDraft {
        code: text(body.code),
        name: text(body.name),
        kind: text(body.kind),
        parent_code: text(body.parent_code),
        founded_on: text(body.founded_on),
        new_field_type: text(body.new_field_type),
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let row = org::create(&tx, &cu.ctx, &input).await?;
    commit(tx).await?;
    Ok((StatusCode::CREATED, Json(dto(&state, &cu, row).await?)))
}

/// Changes to an organization (its code and kind are fixed; moving is `/move`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgUpdate {
    #[schema(required = true)]
    pub name: Option<String>,
    /// 成立日期（ISO 8601），空为未知
    #[schema(value_type = Option<String>, format = Date, example = "2020-07-08")]
    pub founded_on: Option<String>,
    /// 新领域类型：中文名或代码
    pub new_field_type: Option<String>,
}

/// 修改组织
#[utoipa::path(
    put,
    path = "/api/v1/orgs/{code}",
    tag = "org",
    params(("code" = String, Path, description = "组织编码")),
    request_body = OrgUpdate,
    responses((status = 200, description = "已修改", body = OrgDto), WriteErrors)
)]
pub async fn update_org(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<OrgUpdate>,
) -> ApiResult<Json<OrgDto>> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let change = OrgChangeDraft {
        name: text(body.name),
        founded_on: text(body.founded_on),
        new_field_type: text(body.new_field_type),
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let row = org::update(&tx, &cu.ctx, &code, &change).await?;
    commit(tx).await?;
    Ok(Json(dto(&state, &cu, row).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgMove {
    /// 新的上级组织编码
    #[schema(required = true, example = "420527102000")]
    pub parent_code: Option<String>,
    /// 生效日期（ISO 8601），默认今天；此前的统计仍按原隶属关系
    #[schema(value_type = Option<String>, format = Date, example = "2021-01-01")]
    pub effective: Option<String>,
}

/// 迁移组织（连同下级）到新的上级之下
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{code}/move",
    tag = "org",
    params(("code" = String, Path, description = "组织编码")),
    request_body = OrgMove,
    responses((status = 200, description = "已迁移", body = OrgDto), WriteErrors)
)]
pub async fn move_org(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<OrgMove>,
) -> ApiResult<Json<OrgDto>> {
    let mut check = Check::new();
    let parent = check.required(
        "parent_code",
        body.parent_code.as_deref(),
        "新的上级组织编码",
    );
    let effective = check.date("effective", body.effective.as_deref());
    check.finish()?;
    let effective = effective.unwrap_or_else(db::time::today_beijing);
    let tx = begin(&state).await?;
    let row =
        org::tree::move_org(&tx, &cu.ctx, &code, &parent.unwrap_or_default(), effective).await?;
    commit(tx).await?;
    Ok(Json(dto(&state, &cu, row).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgClose {
    /// 撤销日期（ISO 8601），默认今天
    #[schema(value_type = Option<String>, format = Date, example = "2021-01-01")]
    pub date: Option<String>,
}

/// 撤销组织（须先迁移或撤销其下级）
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{code}/close",
    tag = "org",
    params(("code" = String, Path, description = "组织编码")),
    request_body = OrgClose,
    responses((status = 200, description = "已撤销", body = OrgDto), WriteErrors)
)]
pub async fn close_org(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<OrgClose>,
) -> ApiResult<Json<OrgDto>> {
    let mut check = Check::new();
    let date = check.date("date", body.date.as_deref());
    check.finish()?;
    let tx = begin(&state).await?;
    let row = org::close(
        &tx,
        &cu.ctx,
        &code,
        date.unwrap_or_else(db::time::today_beijing),
    )
    .await?;
    commit(tx).await?;
    Ok(Json(dto(&state, &cu, row).await?))
}

/// 直接下级组织
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/children",
    tag = "org",
    params(("code" = String, Path, description = "组织编码"), PageParams),
    responses((status = 200, description = "下级组织", body = ListResponse<OrgDto>), ReadErrors)
)]
pub async fn list_children(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<OrgDto>>> {
    let (page, per_page) = p.resolve()?;
    let c = &state.db.conn;
    let parent = org::find_visible(c, &cu.ctx, &code).await?;
    let rows = org::children(c, &cu.ctx, parent.id).await?;
    let mut list = ListResponse::slice(rows, page, per_page);
    let items = list
        .items
        .drain(..)
        .map(|o| OrgDto::new(o, Some(parent.code.clone())))
        .collect();
    Ok(Json(ListResponse {
        items,
        total: list.total,
        page,
        per_page,
    }))
}
