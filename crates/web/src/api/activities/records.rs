//! An activity's roster (参与人员) and works (作品). 身份证号 leave the server
//! masked only: the roster keeps no plaintext.

use axum::{Json, extract::State};
use db::{
    activity::{
        attendance::{self},
        work::{self},
    },
    entity::{attendance as attendance_entity, work as work_entity},
};
use domain::activity::records::{AttendeeDraft, WorkDraft};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    api::{
        ListResponse, OrgCodes, PageParams, ReadErrors, WriteErrors, begin, commit, created_status,
        extract::{ApiJson, ApiPath, ApiQuery},
    },
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_attendees, add_attendee))
        .routes(routes!(list_works, add_work))
}

/// One person on an activity's roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeDto {
    pub id: i64,
    /// 姓名；未满18周岁的人员显示为姓加 `*`（如 `王*`）
    pub name: String,
    /// 身份证号（脱敏），如 `420527***********X`；未登记身份证号时为空
    pub id_masked: Option<String>,
    /// 所在单位
    pub unit: Option<String>,
    /// 已在人员库中登记的人员id
    pub person_id: Option<i64>,
}

impl From<attendance_entity::Model> for AttendeeDto {
    fn from(r: attendance_entity::Model) -> Self {
        AttendeeDto {
            id: r.id,
            name: r.name,
            id_masked: r.id_masked,
            unit: r.unit,
            person_id: r.person_id,
        }
    }
}

/// 活动的参与人员名单（身份证号脱敏）
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}/attendees",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id"), PageParams),
    responses((status = 200, description = "参与人员", body = ListResponse<AttendeeDto>), ReadErrors)
)]
pub async fn list_attendees(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<AttendeeDto>>> {
    let (page, per_page) = p.resolve()?;
    let mut rows = attendance::roster(&state.db.conn, &cu.ctx, id).await?;
    // Children by surname + * (docs/security.md §2): the roster API is not logged.
    db::people::mask_roster_children(&state.db.conn, &mut rows).await?;
    let rows = rows.into_iter().map(AttendeeDto::from).collect();
    Ok(Json(ListResponse::slice(rows, page, per_page)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AttendeeSave {
    #[schema(required = true, example = "王秀梅")]
    pub name: Option<String>,
    /// 身份证号：同一人再次登记不重复计数
    pub id_number: Option<String>,
    /// 所在单位（统计覆盖单位数）
    #[schema(example = "县教育局")]
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeSaved {
    /// true：新加入名单（201）；false：已在名单上（200，单位按本次提交更新）
    pub created: bool,
    #[serde(flatten)]
    pub attendee: AttendeeDto,
}

/// 登记参与人员（同一人只计一次）
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/attendees",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id")),
    request_body = AttendeeSave,
    responses(
        (status = 201, description = "已加入名单", body = AttendeeSaved),
        (status = 200, description = "已在名单上", body = AttendeeSaved),
        WriteErrors
    )
)]
pub async fn add_attendee(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AttendeeSave>,
) -> ApiResult<(axum::http::StatusCode, Json<AttendeeSaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = AttendeeDraft {
        name: text(body.name),
        id_number: text(body.id_number),
        unit: text(body.unit),
        ..Default::default()
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let (row, created) = attendance::add_row(&tx, &state.db, &cu.ctx, id, &input).await?;
    commit(tx).await?;
    Ok((
        created_status(created),
        Json(AttendeeSaved {
            created,
            attendee: row.into(),
        }),
    ))
}

/// A work (作品) received by a 征集 activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkDto {
    pub id: i64,
    pub title: String,
    pub author: String,
    /// 类别，如「书法」
    pub category: Option<String>,
    /// 报送组织编码（不在调用者范围内时为空）
    pub org_code: Option<String>,
}

async fn work_dtos(
    state: &AppState,
    ctx: &db::Ctx,
    rows: Vec<work_entity::Model>,
) -> ApiResult<Vec<WorkDto>> {
    let mut codes = OrgCodes::default();
    let mut out = Vec::with_capacity(rows.len());
    for w in rows {
        let org_code = match w.org_id {
            Some(o) => codes.code(&state.db.conn, ctx, o).await?,
            None => None,
        };
        out.push(WorkDto {
            id: w.id,
            title: w.title,
            author: w.author,
            category: w.category,
            org_code,
        });
    }
    Ok(out)
}

/// 征集活动收到的作品
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}/works",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id"), PageParams),
    responses((status = 200, description = "作品", body = ListResponse<WorkDto>), ReadErrors)
)]
pub async fn list_works(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<WorkDto>>> {
    let (page, per_page) = p.resolve()?;
    let rows = work::list(&state.db.conn, &cu.ctx, id).await?;
    let rows = work_dtos(&state, &cu.ctx, rows).await?;
    Ok(Json(ListResponse::slice(rows, page, per_page)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WorkSave {
    #[schema(required = true, example = "巾帼心向党")]
    pub title: Option<String>,
    #[schema(required = true, example = "李玉兰")]
    pub author: Option<String>,
    #[schema(example = "书法")]
    pub category: Option<String>,
    /// 报送组织编码
    pub org_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkSaved {
    /// true：新登记（201）；false：同名同作者的作品已登记（200，类别与组织按本次提交更新）
    pub created: bool,
    #[serde(flatten)]
    pub work: WorkDto,
}

/// 登记作品（仅「征集」类活动；按作品名称与作者去重）
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/works",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id")),
    request_body = WorkSave,
    responses(
        (status = 201, description = "已登记", body = WorkSaved),
        (status = 200, description = "已登记过，已更新", body = WorkSaved),
        WriteErrors
    )
)]
pub async fn add_work(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WorkSave>,
) -> ApiResult<(axum::http::StatusCode, Json<WorkSaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = WorkDraft {
        title: text(body.title),
        author: text(body.author),
        category: text(body.category),
        org_code: text(body.org_code),
        ..Default::default()
    }
    .validate(false)
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let (row, created) = work::upsert_row(&tx, &cu.ctx, id, &input).await?;
    commit(tx).await?;
    let mut dto = work_dtos(&state, &cu.ctx, vec![row]).await?;
    let work = dto
        .pop()
        .ok_or_else(|| ApiError::from(db::DbError::NotFound))?;
    Ok((created_status(created), Json(WorkSaved { created, work })))
}
