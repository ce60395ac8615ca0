//! API of activities (活动): list, read, create-or-update by 活动编号, update by
//! id. The roster, works and photos of an activity are in the submodules.

mod photos;
mod records;

use std::collections::HashMap;

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::{
    activity::{self, ActivityInput, ActivityQuery, attendance, photo, programme},
    entity::{activity as activity_entity, activity_material, org as org_entity},
};
use domain::activity::{ActivityDraft, ActivityKind, ActivityStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, PageParams, ReadErrors, WriteErrors, begin, commit, created_status,
    extract::{ApiJson, ApiPath, ApiQuery},
    input::Check,
};
use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activities, save_activity))
        .routes(routes!(get_activity, update_activity))
        .merge(records::router())
        .merge(photos::router())
}

/// A material handed out at an activity.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MaterialDto {
    #[schema(example = "倡议书")]
    pub name: String,
    #[schema(example = 220)]
    pub quantity: i64,
}

/// An activity (活动).
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityDto {
    pub id: i64,
    /// 活动编号（调用方自己的唯一键）
    pub code: String,
    pub name: String,
    /// 品牌项目名称
    pub programme: Option<String>,
    /// 活动类型（中文），如「讲座」
    pub kind: String,
    /// 活动类型代码，如 `lecture`
    pub kind_code: String,
    pub org_code: String,
    pub org_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// 线上活动
    pub online: bool,
    pub place: Option<String>,
    /// 合作单位
    pub partners: Vec<String>,
    /// 覆盖单位数（填报数）
    pub units_reached: Option<i64>,
    /// 参与人数（填报数）
    pub head_count: Option<i64>,
    /// 参与人数：有签到名单时为名单上的不重复人数，否则为填报的参与人数
    pub participants: u64,
    pub materials: Vec<MaterialDto>,
    pub summary: Option<String>,
    /// 状态（中文）：计划、已开展、已取消
    pub status: String,
    /// 状态代码：`planned`、`done`、`cancelled`
    pub status_code: String,
    /// 照片张数
    pub photos: u64,
}

/// Builds the DTOs of scoped rows, with four batch queries for the figures.
async fn dtos(
    c: &impl db::sea_orm::ConnectionTrait,
    rows: Vec<(activity_entity::Model, org_entity::Model)>,
) -> ApiResult<Vec<ActivityDto>> {
    let ids: Vec<i64> = rows.iter().map(|(a, _)| a.id).collect();
    let pids: Vec<i64> = rows.iter().filter_map(|(a, _)| a.programme_id).collect();
    let names = programme::names(c, &pids).await?;
    let roster = attendance::counts(c, &ids).await?;
    let photos = photo::counts(c, &ids).await?;
    let mut materials: HashMap<i64, Vec<activity_material::Model>> = HashMap::new();
    for m in activity::materials_of(c, &ids).await? {
        materials.entry(m.activity_id).or_default().push(m);
    }
    Ok(rows
        .into_iter()
        .map(|(a, o)| {
            let head_count = a.head_count.map(i64::from);
            ActivityDto {
                id: a.id,
                programme: a.programme_id.and_then(|p| names.get(&p).cloned()),
                kind: ActivityKind::from_code(&a.kind)
                    .map_or_else(|| a.kind.clone(), |k| k.label().into()),
                status: ActivityStatus::from_code(&a.status)
                    .map_or_else(|| a.status.clone(), |s| s.label().into()),
                org_code: o.code,
                org_name: o.name,
                start_date: a.start_date,
                end_date: a.end_date,
                online: a.online,
                partners: a
                    .partners
                    .as_deref()
                    .map(|p| {
                        p.split('、')
                            .filter(|s| !s.is_empty())
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default(),
                units_reached: a.units_reached.map(i64::from),
                participants: domain::activity::participants(
                    roster.get(&a.id).copied().unwrap_or(0),
                    head_count,
                ),
                head_count,
                materials: materials
                    .remove(&a.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| MaterialDto {
                        name: m.name,
                        quantity: m.quantity,
                    })
                    .collect(),
                photos: photos.get(&a.id).copied().unwrap_or(0),
                code: a.code,
                name: a.name,
                place: a.place,
                summary: a.summary,
                kind_code: a.kind,
                status_code: a.status,
            }
        })
        .collect())
}

/// One activity the caller may see, as a DTO.
async fn dto_of(
    c: &impl db::sea_orm::ConnectionTrait,
    ctx: &db::Ctx,
    id: i64,
) -> ApiResult<ActivityDto> {
    let (a, o, _) = activity::get(c, ctx, id).await?;
    let mut v = dtos(c, vec![(a, o)]).await?;
    v.pop().ok_or_else(|| ApiError::from(db::DbError::NotFound))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityListQuery {
    /// 按活动名称或合作单位搜索
    pub q: Option<String>,
    /// 组织编码：该组织及其下级的活动
    pub org: Option<String>,
    /// 与 org 同用：只列该组织本身的活动
    #[serde(default)]
    pub only: bool,
    /// 品牌项目名称
    pub programme: Option<String>,
    /// 活动类型：中文名（如「讲座」）或代码（如 `lecture`）
    pub kind: Option<String>,
    /// 活动状态：中文名（如「已开展」）或代码（`planned`、`done`、`cancelled`）
    pub status: Option<String>,
    /// 开始日期不早于（ISO 8601）
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// 开始日期不晚于（ISO 8601）
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

/// A bad filter is a bad request (400), not a bad record (422).
pub(crate) fn as_query_error(mut e: ApiError) -> ApiError {
    e.status = StatusCode::BAD_REQUEST;
    e.code = "invalid_query";
    e
}

/// 活动列表（调用者范围内，开始日期最新的在前）
#[utoipa::path(
    get,
    path = "/api/v1/activities",
    tag = "activity",
    params(ActivityListQuery),
    responses((status = 200, description = "活动列表", body = ListResponse<ActivityDto>), ReadErrors)
)]
pub async fn list_activities(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ActivityListQuery>,
) -> ApiResult<Json<ListResponse<ActivityDto>>> {
    let (page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let mut check = Check::new();
    let kind = check.pick::<ActivityKind>("kind", q.kind.as_deref(), "活动类型");
    let status = check.pick::<ActivityStatus>("status", q.status.as_deref(), "活动状态");
    let from = check.date("from", q.from.as_deref());
    let to = check.date("to", q.to.as_deref());
    check.finish().map_err(as_query_error)?;
    let query = ActivityQuery {
        q: q.q,
        org: q.org,
        programme: q.programme,
        kind: kind.map(|k| k.code().to_string()),
        status: status.map(|s| s.code().to_string()),
        from,
        to,
        only: q.only,
    };
    let c = &state.db.read;
    let (rows, total) = activity::list(&state.db, &cu.ctx, &query, page, per_page).await?;
    Ok(Json(ListResponse {
        items: dtos(c, rows).await?,
        total,
        page,
        per_page,
    }))
}

/// 查看一个活动
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id")),
    responses((status = 200, description = "活动", body = ActivityDto), ReadErrors)
)]
pub async fn get_activity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityDto>> {
    Ok(Json(dto_of(&state.db.conn, &cu.ctx, id).await?))
}

/// A material as an object or as the ledger's `名称:数量` text.
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MaterialIn {
    Item(MaterialDto),
    #[schema(example = "倡议书:220")]
    Text(String),
}

/// An activity as a client sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActivitySave {
    /// 活动编号：同一编号再次提交即为修改；不填则自动生成
    #[schema(example = "MP-2020-007")]
    pub code: Option<String>,
    #[schema(required = true, example = "巾帼微学堂·家庭教育讲座")]
    pub name: Option<String>,
    /// 品牌项目名称：在本组织及上级的项目中查找，没有则新建
    #[schema(example = "巾帼微学堂")]
    pub programme: Option<String>,
    /// 活动类型：中文名（如「讲座」）或代码（如 `lecture`）
    #[schema(required = true, example = "讲座")]
    pub kind: Option<String>,
    /// 举办组织编码
    #[schema(required = true, example = "420527101000")]
    pub org_code: Option<String>,
    #[schema(required = true, value_type = String, format = Date, example = "2020-07-08")]
    pub start_date: Option<String>,
    /// 结束日期，默认同开始日期
    #[schema(value_type = Option<String>, format = Date)]
    pub end_date: Option<String>,
    /// 线上活动（默认线下）
    #[serde(default)]
    pub online: bool,
    pub place: Option<String>,
    /// 合作单位
    #[serde(default)]
    pub partners: Vec<String>,
    /// 覆盖单位数
    pub units_reached: Option<i64>,
    /// 参与人数（无签到名单时计入统计）
    pub head_count: Option<i64>,
    /// 发放材料：`{"name": "倡议书", "quantity": 220}` 或 `"倡议书:220"`
    #[serde(default)]
    #[schema(value_type = Vec<MaterialIn>)]
    pub materials: Vec<serde_json::Value>,
    pub summary: Option<String>,
    /// 状态：计划、已开展（默认）、已取消（中文名或代码）
    pub status: Option<String>,
}

/// A material given as `{name, quantity}` or `"名称:数量"`, as the ledger's
/// text (the domain checks it); any other shape is a JSON error.
fn material_text(v: &serde_json::Value) -> Result<String, String> {
    match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Object(m) => {
            let name = m.get("name").and_then(|n| n.as_str()).unwrap_or_default();
            let quantity = match m.get("quantity") {
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            Ok(format!("{name}:{quantity}"))
        }
        _ => Err("材料应写成 {\"name\": 名称, \"quantity\": 数量} 或 \"名称:数量\"".into()),
    }
}

/// The body as a draft, checked as the form and the ledger check theirs;
/// every bad field is reported at once.
fn input_of(body: ActivitySave) -> ApiResult<ActivityInput> {
    let mut shape = Check::new();
    let mut materials = Vec::new();
    for v in &body.materials {
        match material_text(v) {
            Ok(m) => materials.push(m),
            Err(e) => shape.push("materials", e),
        }
    }
    shape.finish()?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let draft = ActivityDraft {
        code: text(body.code),
        name: text(body.name),
        programme: text(body.programme),
        kind: text(body.kind),
        org_code: text(body.org_code),
        partners: body.partners,
        start_date: text(body.start_date),
        end_date: text(body.end_date),
        mode: if body.online { "online" } else { "offline" }.into(),
        place: text(body.place),
        units_reached: number(body.units_reached),
        head_count: number(body.head_count),
        materials,
        summary: text(body.summary),
        status: text(body.status),
    };
    draft
        .validate(domain::date::today_beijing())
        .map_err(|inv| db::DbError::Invalid(inv).into())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivitySaved {
    /// true：新登记（201）；false：按活动编号修改了已有活动（200）
    pub created: bool,
    #[serde(flatten)]
    pub activity: ActivityDto,
}

/// 登记活动（同一活动编号再次提交即为修改）
#[utoipa::path(
    post,
    path = "/api/v1/activities",
    tag = "activity",
    request_body = ActivitySave,
    responses(
        (status = 201, description = "已新登记", body = ActivitySaved),
        (status = 200, description = "已按活动编号修改", body = ActivitySaved),
        WriteErrors
    )
)]
pub async fn save_activity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ActivitySave>,
) -> ApiResult<(StatusCode, Json<ActivitySaved>)> {
    let input = input_of(body)?;
    let tx = begin(&state).await?;
    let (row, created) = activity::upsert(&tx, &cu.ctx, &input).await?;
    let dto = dto_of(&tx, &cu.ctx, row.id).await?;
    commit(tx).await?;
    Ok((
        created_status(created),
        Json(ActivitySaved {
            created,
            activity: dto,
        }),
    ))
}

/// 修改活动（活动编号不可修改）
#[utoipa::path(
    put,
    path = "/api/v1/activities/{id}",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id")),
    request_body = ActivitySave,
    responses((status = 200, description = "已修改", body = ActivityDto), WriteErrors)
)]
pub async fn update_activity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ActivitySave>,
) -> ApiResult<Json<ActivityDto>> {
    let asked_code = body.code.clone();
    let mut input = input_of(body)?;
    let tx = begin(&state).await?;
    let (current, _) = activity::get_capturable(&tx, &cu.ctx, id).await?;
    if let Some(code) = asked_code.as_deref().map(str::trim)
        && !code.is_empty()
        && code != current.code
    {
        return Err(db::DbError::invalid("code", "活动编号不可修改").into());
    }
    input.code = Some(current.code);
    let row = activity::update(&tx, &cu.ctx, id, &input).await?;
    let dto = dto_of(&tx, &cu.ctx, row.id).await?;
    commit(tx).await?;
    Ok(Json(dto))
}
