//! API of venues (阵地) hung on an org. Saving is an upsert keyed by
//! (org, name), like the ledger rows, so a client can send a venue twice.

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::{
    entity::venue,
    org::{self, venue as venues},
};
use domain::{
    foundation::venue::VenueDraft,
    kinds::{Level, VenueKind, VenueRating},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, OrgCodes, ReadErrors, SubtreeQuery, WriteErrors, begin, commit, created_status,
    extract::{ApiJson, ApiPath, ApiQuery},
};
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_venues))
        .routes(routes!(save_venue))
}

/// A venue (阵地): 妇女之家, 儿童之家, 妇女微家.
#[derive(Debug, Serialize, ToSchema)]
pub struct VenueDto {
    pub id: i64,
    pub org_code: Option<String>,
    pub org_name: String,
    pub name: String,
    /// 阵地类型（中文）
    pub kind: String,
    pub kind_code: String,
    pub opened_on: Option<NaiveDate>,
    /// 建设等级（中文）：一般、标准化、示范
    pub rating: Option<String>,
    /// 命名级别（中文）：国家、省、市、县
    pub rating_level: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

fn venue_dto(v: venue::Model, org_code: Option<String>, org_name: String) -> VenueDto {
    VenueDto {
        id: v.id,
        org_code,
        org_name,
        name: v.name,
        kind: VenueKind::from_code(&v.kind).map_or_else(|| v.kind.clone(), |k| k.label().into()),
        kind_code: v.kind,
        opened_on: v.opened_on,
        rating: v
            .rating
            .as_deref()
            .and_then(VenueRating::from_code)
            .map(|r| r.label().into()),
        rating_level: v
            .rating_level
            .as_deref()
            .and_then(Level::from_code)
            .map(|r| r.label().into()),
        closed_on: v.closed_on,
    }
}

/// 组织的阵地
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{code}/venues",
    tag = "org",
    params(("code" = String, Path, description = "组织编码"), SubtreeQuery),
    responses((status = 200, description = "阵地列表", body = ListResponse<VenueDto>), ReadErrors)
)]
pub async fn list_venues(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<SubtreeQuery>,
) -> ApiResult<Json<ListResponse<VenueDto>>> {
    let (page, per_page) = q.pages()?;
    let c = &state.db.conn;
    let o = org::find_visible(c, &cu.ctx, &code).await?;
    let rows = venues::list_for_org(c, &cu.ctx, &o, q.subtree).await?;
    let ListResponse {
        items: rows, total, ..
    } = ListResponse::slice(rows, page, per_page);
    let mut codes = OrgCodes::default();
    let mut items = Vec::with_capacity(rows.len());
    for (v, org_name) in rows {
        let org_code = codes.code(c, &cu.ctx, v.org_id).await?;
        items.push(venue_dto(v, org_code, org_name));
    }
    Ok(Json(ListResponse {
        items,
        total,
        page,
        per_page,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VenueSave {
    #[schema(required = true, example = "420527101201")]
    pub org_code: Option<String>,
    /// 阵地名称（同一组织下按名称更新）
    #[schema(required = true, example = "银杏沱村妇女之家")]
    pub name: Option<String>,
    /// 阵地类型：中文名或代码
    #[schema(required = true, example = "妇女之家")]
    pub kind: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub opened_on: Option<String>,
    /// 建设等级：一般、标准化、示范
    pub rating: Option<String>,
    /// 命名级别：国家、省、市、县
    pub rating_level: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VenueSaved {
    /// true：新建；false：更新了已有的同名阵地
    pub created: bool,
    pub venue: VenueDto,
}

/// 登记或更新阵地（按组织+名称）
#[utoipa::path(
    post,
    path = "/api/v1/venues",
    tag = "org",
    request_body = VenueSave,
    responses(
        (status = 201, description = "已新建", body = VenueSaved),
        (status = 200, description = "已更新同名阵地", body = VenueSaved),
        WriteErrors
    )
)]
pub async fn save_venue(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<VenueSave>,
) -> ApiResult<(StatusCode, Json<VenueSaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = VenueDraft {
        name: text(body.name),
        kind: text(body.kind),
        org_code: text(body.org_code),
        opened_on: text(body.opened_on),
        rating: text(body.rating),
        rating_level: text(body.rating_level),
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let (v, created) = venues::upsert(&tx, &cu.ctx, &input).await?;
    let o = org::find_visible_id(&tx, &cu.ctx, v.org_id).await?;
    commit(tx).await?;
    let venue = venue_dto(v, Some(o.code), o.name);
    Ok((created_status(created), Json(VenueSaved { created, venue })))
}
