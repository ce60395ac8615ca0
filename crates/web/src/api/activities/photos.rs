//! An activity's photos: list, and upload as multipart (field `photos`, any
//! number up to nine, and an optional `caption`). Images are decoded and
//! re-encoded by `media::process` on the blocking pool, never on the runtime.

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
};

/// Photos per request, and the request size that allows them (the same as the
/// phone form's).
const MAX_PHOTOS: usize = domain::activity::PHOTOS_PER_UPLOAD;
const UPLOAD_LIMIT: usize = MAX_PHOTOS * media::MAX_BYTES + 1024 * 1024;

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
    let mut mp = mp.map_err(|_| {
        ApiError::bad_request("请以 multipart/form-data 上传照片（文件字段名 photos）")
    })?;
    let read_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("请求体过大：一次最多上传{MAX_PHOTOS}张照片，每张不超过15MB"),
            )
        } else {
            ApiError::bad_request("上传中断或格式有误，请重试")
        }
    };
    let mut caption = None;
    let mut uploads = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(read_error)? {
        match field.name() {
            Some("photos") => {
                let name = field.file_name().map(String::from);
                let bytes = field.bytes().await.map_err(read_error)?;
                if !bytes.is_empty() {
                    uploads.push((name, bytes));
                }
            }
            Some("caption") => {
                let text = field.text().await.map_err(read_error)?;
                caption = Some(crate::form::plain_text("caption", text)?);
            }
            _ => {}
        }
    }
    if uploads.is_empty() {
        return Err(photo_error("请选择照片（文件字段名 photos）".into()));
    }
    if uploads.len() > MAX_PHOTOS {
        return Err(photo_error(format!("一次最多上传{MAX_PHOTOS}张照片")));
    }
    let mut processed = Vec::with_capacity(uploads.len());
    for (i, (name, bytes)) in uploads.into_iter().enumerate() {
        let label = name.clone().unwrap_or_else(|| format!("第{}张照片", i + 1));
        let p = tokio::task::spawn_blocking(move || media::process(&bytes))
            .await
            .map_err(|e| {
                tracing::error!("photo processing panicked: {e}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "照片处理失败",
                )
            })?
            .map_err(|e| photo_error(format!("{label}：{e}")))?;
        processed.push((name, p));
    }
    let files = activity::photo::Staged::new(&state.config.data_dir);
    let tx = begin(&state).await?;
    let mut saved = Vec::with_capacity(processed.len());
    for (name, p) in &processed {
        let np = NewPhoto {
            full_jpeg: &p.full,
            thumb_jpeg: &p.thumb,
            width: p.width,
            height: p.height,
            original_name: name.clone(),
            caption: caption.clone(),
        };
        saved.push(activity::photo::add(&tx, &cu.ctx, &files, id, np).await?);
    }
    commit(tx).await?;
    // Only now do the files take their names; an error above dropped them.
    activity::photo::place(&files);
    Ok((
        StatusCode::CREATED,
        Json(saved.into_iter().map(PhotoDto::from).collect()),
    ))
}
