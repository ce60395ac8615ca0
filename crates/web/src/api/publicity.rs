//! API of publicity (宣传): items published on a channel (公众号, 中国妇女报,
//! 学习强国 …), one per title and channel, with the accounts that reposted them.

use axum::{Json, extract::State, http::StatusCode};
use chrono::NaiveDate;
use db::publicity::{self, ItemView, PublicityQuery};
use domain::{kinds::Level, publicity::ItemDraft};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, PageParams, ReadErrors, WriteErrors,
    activities::as_query_error,
    begin, commit, created_status,
    extract::{ApiJson, ApiPath, ApiQuery},
    input::Check,
};
use crate::{AppState, auth::ApiUser, error::ApiResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_publicity, save_publicity))
        .routes(routes!(get_publicity))
}

/// A repost (转载) of an item by another account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RepostDto {
    /// 转载方，如「湖北妇女」
    #[schema(example = "湖北妇女")]
    pub by: String,
    /// 转载方级别：国家、省、市、县（中文名或代码）
    #[schema(example = "省")]
    pub level: String,
}

/// A publicity item (宣传稿件).
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicityDto {
    pub id: i64,
    pub title: String,
    /// 发布平台，如「屈乡巾帼公众号」
    pub channel: String,
    pub published_on: NaiveDate,
    pub org_code: String,
    pub org_name: String,
    /// 栏目
    pub column: Option<String>,
    pub link: Option<String>,
    /// 所报道的活动id
    pub activity_id: Option<i64>,
    pub reposts: Vec<RepostDto>,
}

fn dto((i, o, reposts): ItemView) -> PublicityDto {
    PublicityDto {
        id: i.id,
        title: i.title,
        channel: i.channel,
        published_on: i.published_on,
        org_code: o.code,
        org_name: o.name,
        column: i.column_name,
        link: i.link,
        activity_id: i.activity_id,
        reposts: reposts
            .into_iter()
            .map(|r| RepostDto {
                level: Level::from_code(&r.level).map_or(r.level, |l| l.label().into()),
                by: r.by_name,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicityListQuery {
    /// 组织编码：该组织及其下级的稿件
    pub org: Option<String>,
    /// 发布日期不早于（ISO 8601）
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// 发布日期不晚于（ISO 8601）
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// 发布平台
    pub channel: Option<String>,
    /// 栏目
    pub column: Option<String>,
    pub page: Option<u64>,
    /// 每页条数（≤ 200，默认50）
    pub per_page: Option<u64>,
}

/// 宣传稿件列表（调用者范围内，发布日期最新的在前）
#[utoipa::path(
    get,
    path = "/api/v1/publicity",
    tag = "publicity",
    params(PublicityListQuery),
    responses((status = 200, description = "宣传稿件列表", body = ListResponse<PublicityDto>), ReadErrors)
)]
pub async fn list_publicity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PublicityListQuery>,
) -> ApiResult<Json<ListResponse<PublicityDto>>> {
    let (page, per_page) = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .resolve()?;
    let mut check = Check::new();
    let from = check.date("from", q.from.as_deref());
    let to = check.date("to", q.to.as_deref());
    check.finish().map_err(as_query_error)?;
    let query = PublicityQuery {
        org: q.org,
        from,
        to,
        channel: q.channel,
        column: q.column,
    };
    let (rows, total) = publicity::search(&state.db.conn, &cu.ctx, &query, page, per_page).await?;
    Ok(Json(ListResponse {
        items: rows.into_iter().map(dto).collect(),
        total,
        page,
        per_page,
    }))
}

/// 查看一篇宣传稿件
#[utoipa::path(
    get,
    path = "/api/v1/publicity/{id}",
    tag = "publicity",
    params(("id" = i64, Path, description = "稿件id")),
    responses((status = 200, description = "宣传稿件", body = PublicityDto), ReadErrors)
)]
pub async fn get_publicity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PublicityDto>> {
    Ok(Json(
        dto(publicity::get(&state.db.conn, &cu.ctx, id).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublicitySave {
    #[schema(required = true, example = "茅坪镇妇联开展家庭教育讲座")]
    pub title: Option<String>,
    #[schema(required = true, example = "屈乡巾帼公众号")]
    pub channel: Option<String>,
    #[schema(required = true, value_type = String, format = Date, example = "2020-07-08")]
    pub published_on: Option<String>,
    /// 发布组织编码
    #[schema(required = true, example = "420527101000")]
    pub org_code: Option<String>,
    /// 栏目
    pub column: Option<String>,
    /// 链接（http:// 或 https://）
    pub link: Option<String>,
    /// 所报道活动的活动编号
    pub activity_code: Option<String>,
    /// 转载情况（整体替换已有的转载记录）
    #[serde(default)]
    pub reposts: Vec<RepostDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicitySaved {
    /// true：新登记（201）；false：同一平台的同名稿件已登记，已修改（200）
    pub created: bool,
    #[serde(flatten)]
    pub item: PublicityDto,
}

/// 登记宣传稿件（同一平台的同名稿件再次提交即为修改）
#[utoipa::path(
    post,
    path = "/api/v1/publicity",
    tag = "publicity",
    request_body = PublicitySave,
    responses(
        (status = 201, description = "已新登记", body = PublicitySaved),
        (status = 200, description = "已修改", body = PublicitySaved),
        WriteErrors
    )
)]
pub async fn save_publicity(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PublicitySave>,
) -> ApiResult<(StatusCode, Json<PublicitySaved>)> {
    let text = |v: Option<String>| v.unwrap_or_default();
    let input = ItemDraft {
        title: text(body.title),
        channel: text(body.channel),
        published_on: text(body.published_on),
        org_code: text(body.org_code),
        column: text(body.column),
        link: text(body.link),
        activity_code: text(body.activity_code),
        reposts: body.reposts.into_iter().map(|r| (r.by, r.level)).collect(),
    }
    .validate()
    .map_err(db::DbError::Invalid)?;
    let tx = begin(&state).await?;
    let (row, created) = publicity::upsert(&tx, &cu.ctx, &input).await?;
    let item = dto(publicity::get(&tx, &cu.ctx, row.id).await?);
    commit(tx).await?;
    Ok((
        created_status(created),
        Json(PublicitySaved { created, item }),
    ))
}
