//! API of the `people` area. 身份证号 and phone leave the server masked; the
//! plaintext only through `/reveal`, which needs `people:sensitive` and is
//! written to the access log by the repository.

use axum::{Json, extract::State, http::StatusCode};
use db::people::{self, PeopleQuery, PersonView, SensitiveField};
use domain::foundation::person::PersonDraft;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, PageParams, ReadErrors, WriteErrors, begin, commit,
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
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person))
        .routes(routes!(reveal))
}

/// A person, masked: what this shows leaves at least 10,000 candidates for
/// the 身份证号 (docs/security.md §2); a child's name (under 18) is her
/// surname + `*`, the full name only through a logged `/reveal`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    /// 姓名；未满18周岁显示为姓加 `*`；按身份证号或手机号精确查找的结果中脱敏
    pub name: String,
    /// 身份证号（脱敏：只留地址码和校验位），如 `420527***********X`
    pub id_masked: String,
    /// 性别（中文）
    pub sex: String,
    /// 出生年份（不提供出生日期）
    pub birth_year: i32,
    /// 按出生年份计算的年龄（当年年份减出生年份）
    pub age: u32,
    /// 手机号（脱敏），如 `138****5678`
    pub phone_masked: Option<String>,
    pub org_code: String,
    pub org_name: String,
    pub tags: Vec<String>,
    /// 未满18周岁（按出生年份判断）
    pub is_child: bool,
}

impl From<PersonView> for PersonDto {
    fn from(v: PersonView) -> Self {
        PersonDto {
            id: v.id,
            name: v.name,
            id_masked: v.id_masked,
            sex: v.sex,
            birth_year: v.birth_year,
            age: v.age,
            phone_masked: v.phone_masked,
            org_code: v.org_code,
            org_name: v.org_name,
            tags: v.tags,
            is_child: v.is_child,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleListQuery {
    /// 姓名片段（两个字的姓名也可），或完整的身份证号、手机号（精确查找：需「人员·精确检索」权限，
    /// 记入查询日志，每账号每IP每分钟20次、每天200次，超出返回429）
    pub q: Option<String>,
    /// 组织编码：该组织及其下级的人员
    pub org: Option<String>,
    /// 标签
    pub tag: Option<String>,
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

/// 人员列表（调用者范围内，脱敏）
#[utoipa::path(
    get,
    path = "/api/v1/people",
    tag = "people",
    params(PeopleListQuery),
    responses(
        (status = 200, description = "人员列表", body = ListResponse<PersonDto>),
        (status = 429, description = "按身份证号或手机号精确查找超过频率上限"),
        ReadErrors
    )
)]
pub async fn list_people(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PeopleListQuery>,
) -> ApiResult<Json<ListResponse<PersonDto>>> {
    let (page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let query = PeopleQuery {
        q: q.q,
        org: q.org,
        tag: q.tag,
    };
    let exact = crate::limiter::admit_exact_search(&state, &cu.ctx, query.q.as_deref())?;
    let (rows, total) =
        people::list(&state.db.conn, &state.db, &cu.ctx, &query, page, per_page).await?;
    if let Some(e) = &exact {
        people::log_exact_search(&state.db.conn, &cu.ctx, e, total).await?;
    }
    Ok(Json(ListResponse {
        items: rows.into_iter().map(PersonDto::from).collect(),
        total,
        page,
        per_page,
    }))
}

/// 查看一个人员（脱敏）
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    tag = "people",
    params(("id" = i64, Path, description = "人员id")),
    responses((status = 200, description = "人员", body = PersonDto), ReadErrors)
)]
pub async fn get_person(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PersonDto>> {
    let (_, view) = people::get(&state.db.conn, &cu.ctx, id).await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonSave {
    #[schema(required = true, example = "王秀梅")]
    pub name: Option<String>,
    /// 身份证号（18位；同号已登记时返回已有人员）
    #[schema(required = true)]
    pub id_number: Option<String>,
    /// 手机号（11位手机号或区号-座机号）
    pub phone: Option<String>,
    /// 所属组织编码
    #[schema(required = true, example = "420527101201")]
    pub org_code: Option<String>,
    /// 标签（追加，不删除已有标签）
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSaved {
    /// true：新登记（201）；false：该身份证号已登记，返回已有人员（200）
    pub created: bool,
    #[serde(flatten)]
    pub person: PersonDto,
}

/// 登记人员（一人一档：按身份证号查找或新建）
#[utoipa::path(
    post,
    path = "/api/v1/people",
    tag = "people",
    request_body = PersonSave,
    responses(
        (status = 201, description = "已新登记", body = PersonSaved),
        (status = 200, description = "身份证号已登记，返回已有人员（并按本次提交更新）", body = PersonSaved),
        WriteErrors
    )
)]
pub async fn create_person(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PersonSave>,
) -> ApiResult<(StatusCode, Json<PersonSaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = PersonDraft {
        name: text(body.name),
        id_number: text(body.id_number),
        phone: text(body.phone),
        org_code: text(body.org_code),
        tags: body.tags,
    }
    .validate(domain::date::today_beijing())
    .map_err(db::DbError::Invalid)?;
    // "已登记" (200) and "已在其他组织登记" (409) tell whether a number is on
    // file: limited and then logged like an exact search (docs/security.md §3).
    crate::limiter::check_lookup(&state, &cu.ctx)?;
    let tx = begin(&state).await?;
    let (p, created) = match people::find_or_create(&tx, &state.db, &cu.ctx, &input).await {
        Ok(v) => v,
        Err(e) => {
            drop(tx);
            if matches!(e, db::DbError::Conflict(_)) {
                crate::limiter::record_lookup(&state, &cu.ctx, &input.id_number, 0).await?;
            }
            return Err(e.into());
        }
    };
    let (_, view) = people::get(&tx, &cu.ctx, p.id).await?;
    commit(tx).await?;
    if !created {
        crate::limiter::record_lookup(&state, &cu.ctx, &input.id_number, 1).await?;
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(PersonSaved {
            created,
            person: view.into(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevealRequest {
    /// 要查看明文的字段：`id_number`（身份证号）、`phone`（手机号）或 `name`（未成年人的姓名）
    #[schema(required = true, example = "id_number")]
    pub field: Option<String>,
    /// 查看原因（记入访问日志）
    #[schema(required = true, example = "核对救助申请")]
    pub purpose: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevealResponse {
    pub field: String,
    /// 明文；该字段未登记时为空
    pub value: Option<String>,
}

/// 查看敏感字段明文（需「人员·查看敏感信息」权限，记入访问日志）
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/reveal",
    tag = "people",
    params(("id" = i64, Path, description = "人员id")),
    request_body = RevealRequest,
    responses((status = 200, description = "明文", body = RevealResponse), WriteErrors)
)]
pub async fn reveal(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RevealRequest>,
) -> ApiResult<Json<RevealResponse>> {
    let mut check = Check::new();
    let field = check.required("field", body.field.as_deref(), "要查看的字段");
    let field = match field.as_deref() {
        None => None,
        Some("id_number") => Some(SensitiveField::IdNumber),
        Some("phone") => Some(SensitiveField::Phone),
        Some("name") => Some(SensitiveField::Name),
        Some(other) => {
            check.push(
                "field",
                format!("字段「{other}」不能查看明文，可选：id_number、phone、name"),
            );
            None
        }
    };
    let purpose = check.required("purpose", body.purpose.as_deref(), "查看原因");
    if purpose.as_ref().is_some_and(|p| p.chars().count() > 200) {
        check.push("purpose", "查看原因不能超过200个字");
    }
    check.finish()?;
    let (Some(field), Some(purpose)) = (field, purpose) else {
        return Err(ApiError::bad_request("请求内容有误"));
    };
    let tx = begin(&state).await?;
    let value = people::reveal(&tx, &state.db, &cu.ctx, id, field, &purpose).await?;
    commit(tx).await?;
    Ok(Json(RevealResponse {
        field: field.code().into(),
        value,
    }))
}
