//! API of programmes (品牌项目): the series an org runs for itself and
//! everything below it (巾帼微学堂, 母亲讲堂 …). An org may use its own
//! programmes and its ancestors'.

use axum::{Json, extract::State, http::StatusCode};
use db::{
    activity::programme,
    entity::{org as org_entity, programme as programme_entity},
};
use domain::activity::ActivityKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, PageParams, ReadErrors, WriteErrors, begin, commit,
    extract::{ApiJson, ApiQuery},
    input::Check,
};
use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_programmes, create_programme))
}

/// A programme (品牌项目).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    pub id: i64,
    #[schema(example = "巾帼微学堂")]
    pub name: String,
    pub description: Option<String>,
    /// 适用的活动类型（中文），如「讲座」
    pub kinds: Vec<String>,
    /// 适用的活动类型代码，如 `lecture`
    pub kind_codes: Vec<String>,
    /// 创建该项目的组织编码（本组织或其上级）
    pub owner_code: String,
    pub owner_name: String,
}

fn dto(p: programme_entity::Model, owner: org_entity::Model) -> ProgrammeDto {
    let codes: Vec<String> = p
        .kinds
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(String::from)
        .collect();
    ProgrammeDto {
        id: p.id,
        name: p.name,
        description: p.description,
        kinds: codes
            .iter()
            .map(|c| ActivityKind::from_code(c).map_or_else(|| c.clone(), |k| k.label().into()))
            .collect(),
        kind_codes: codes,
        owner_code: owner.code,
        owner_name: owner.name,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeListQuery {
    /// 组织编码：列出该组织可用的品牌项目（本组织及其上级创建的）
    #[param(required = true)]
    pub org: Option<String>,
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

/// 某组织可用的品牌项目
#[utoipa::path(
    get,
    path = "/api/v1/programmes",
    tag = "activity",
    params(ProgrammeListQuery),
    responses((status = 200, description = "品牌项目列表", body = ListResponse<ProgrammeDto>), ReadErrors)
)]
pub async fn list_programmes(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ProgrammeListQuery>,
) -> ApiResult<Json<ListResponse<ProgrammeDto>>> {
    let (page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let Some(org) = q.org.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            "请提供查询参数「org」（组织编码）",
        );
        e.fields.push(domain::FieldError {
            field: "org".into(),
            message: e.message.clone(),
        });
        return Err(e);
    };
    let rows = programme::list_usable(&state.db.conn, &cu.ctx, org).await?;
    let items = rows.into_iter().map(|(p, o)| dto(p, o)).collect();
    Ok(Json(ListResponse::slice(items, page, per_page)))
}

/// A new programme.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProgrammeCreate {
    /// 创建组织的编码（须在调用者的录入范围内）
    #[schema(required = true, example = "420527101000")]
    pub owner_code: Option<String>,
    #[schema(required = true, example = "巾帼微学堂")]
    pub name: Option<String>,
    pub description: Option<String>,
    /// 适用的活动类型：中文名（如「讲座」）或代码（如 `lecture`）
    #[serde(default)]
    #[schema(example = json!(["讲座", "培训"]))]
    pub kinds: Vec<String>,
}

/// 新建品牌项目
#[utoipa::path(
    post,
    path = "/api/v1/programmes",
    tag = "activity",
    request_body = ProgrammeCreate,
    responses((status = 201, description = "已新建", body = ProgrammeDto), WriteErrors)
)]
pub async fn create_programme(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ProgrammeCreate>,
) -> ApiResult<(StatusCode, Json<ProgrammeDto>)> {
    let mut check = Check::new();
    let owner = check.required("owner_code", body.owner_code.as_deref(), "创建组织编码");
    let name = check.required("name", body.name.as_deref(), "品牌项目名称");
    let mut kinds = Vec::new();
    for k in &body.kinds {
        if let Some(kind) = check.pick::<ActivityKind>("kinds", Some(k), "活动类型")
            && !kinds.contains(&kind)
        {
            kinds.push(kind);
        }
    }
    check.finish()?;
    let (Some(owner), Some(name)) = (owner, name) else {
        return Err(ApiError::bad_request("请求内容有误"));
    };
    let tx = begin(&state).await?;
    let row = programme::create(&tx, &cu.ctx, &owner, &name, body.description, &kinds)
        .await
        .map_err(|e| rename_field(e.into(), "owner", "owner_code"))?;
    let (p, o) = programme::list_usable(&tx, &cu.ctx, &owner)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == row.id)
        .ok_or_else(|| ApiError::from(db::DbError::NotFound))?;
    commit(tx).await?;
    Ok((StatusCode::CREATED, Json(dto(p, o))))
}

/// The repository names a field by its own word; the API by its JSON key.
pub(crate) fn rename_field(mut e: ApiError, from: &str, to: &str) -> ApiError {
    for f in &mut e.fields {
        if f.field == from {
            f.field = to.into();
        }
    }
    e
}
