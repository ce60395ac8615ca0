//! An activity's photos: list, and upload as multipart (field `photos`, any
//! number up to nine, and an optional `caption`), through the one upload
//! pipeline (`media::upload`) the pages use too.

use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, State, multipart::MultipartRejection},
    http::StatusCode,
};
use db::{
    activity::{self, photo::NewPhoto},
    entity::photo as photo_entity,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    AppState,
    api::{
        ListResponse, PageParams, ReadErrors, WriteErrors, begin, commit,
        extract::{ApiPath, ApiQuery},
    },
    auth::ApiUser,
    error::{ApiError, ApiResult},
    html::kit::submitted::{ReadError, Submitted},
};

/// Photos per request, and the request size that allows them (the same as the
/// phone form's).
const MAX_PHOTOS: usize = domain::activity::PHOTOS_PER_UPLOAD;
use crate::html::activity::UPLOAD_LIMIT;

pub fn router() -> OpenApiRouter<AppState> {
    // The raised limit covers the GET too, which has no body to limit.
    OpenApiRouter::new()
        .routes(routes!(list_photos, add_photos))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
}

/// A photo of an activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoDto {
    pub id: i64,
    /// 图注
    pub caption: Option<String>,
    /// 封面照片
    pub is_cover: bool,
    pub width: i32,
    pub height: i32,
    /// 原图地址（登录会话可访问）
    #[schema(example = "/photos/12")]
    pub url: String,
    /// 缩略图地址
    #[schema(example = "/photos/12/thumb")]
    pub thumb_url: String,
}

impl From<photo_entity::Model> for PhotoDto {
    fn from(p: photo_entity::Model) -> Self {
        PhotoDto {
            url: format!("/photos/{}", p.id),
            thumb_url: format!("/photos/{}/thumb", p.id),
            id: p.id,
            caption: p.caption,
            is_cover: p.is_cover,
            width: p.width,
            height: p.height,
        }
    }
}

/// 活动照片（封面在前）
#[utoipa::path(
    get,
    path = "/api/v1/activities/{id}/photos",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id"), PageParams),
    responses((status = 200, description = "照片", body = ListResponse<PhotoDto>), ReadErrors)
)]
pub async fn list_photos(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<PhotoDto>>> {
    let (page, per_page) = p.resolve()?;
    let rows = activity::photo::list(&state.db.conn, &cu.ctx, id).await?;
    let rows = rows.into_iter().map(PhotoDto::from).collect();
    Ok(Json(ListResponse::slice(rows, page, per_page)))
}

/// The multipart form of an upload (documentation only).
#[derive(ToSchema)]
#[expect(dead_code, reason = "documents the multipart fields")]
pub struct PhotoUpload {
    /// 照片文件（JPEG、PNG或WebP，每张不超过15MB，一次最多9张），可重复
    #[schema(value_type = Vec<String>, format = Binary)]
    photos: Vec<Vec<u8>>,
    /// 图注（用于本次上传的每张照片）
    caption: Option<String>,
}

fn photo_error(message: String) -> ApiError {
    db::DbError::invalid("photos", message).into()
}

/// 上传活动照片（multipart/form-data；第一张照片自动成为封面）
#[utoipa::path(
    post,
    path = "/api/v1/activities/{id}/photos",
    tag = "activity",
    params(("id" = i64, Path, description = "活动id")),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "已上传的照片", body = Vec<PhotoDto>), WriteErrors)
)]
pub async fn add_photos(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Vec<PhotoDto>>)> {
    // Scope first: nobody uploads megabytes to learn that an id is not hers.
    activity::get_capturable(&state.db.conn, &cu.ctx, id).await?;
    let mp = mp.map_err(|_| {
        ApiError::bad_request("请以 multipart/form-data 上传照片（文件字段名 photos）")
    })?;
    let mut sent = Submitted::read(mp).await.map_err(|e| match e {
        ReadError::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("请求体过大：一次最多上传{MAX_PHOTOS}张照片，每张不超过15MB"),
        ),
        ReadError::Broken => ApiError::bad_request("上传中断或格式有误，请重试"),
        ReadError::Invalid(e) => e.into(),
    })?;
    let uploads = sent.take_files("photos");
    if uploads.is_empty() {
        return Err(photo_error("请选择照片（文件字段名 photos）".into()));
    }
    let caption = Some(sent.fields.one("caption")).filter(|c| !c.is_empty());
    let photos = media::upload::photos(uploads, MAX_PHOTOS)
        .await
        .map_err(photo_error)?;
    let files = activity::photo::Staged::new(&state.config.data_dir);
    let tx = begin(&state).await?;
    let new = photos
        .iter()
        .map(|r| NewPhoto::of(r, caption.clone()))
        .collect();
    let saved = activity::photo::add_all(&tx, &cu.ctx, &files, id, new).await?;
    commit(tx).await?;
    // Only now do the files take their names; an error above dropped them.
    activity::photo::place(&files);
    Ok((
        StatusCode::CREATED,
        Json(saved.into_iter().map(PhotoDto::from).collect()),
    ))
}
