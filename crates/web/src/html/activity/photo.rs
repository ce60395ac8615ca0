//! Photo files, served only to users who may see the activity.

use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::{DbError, activity::photo, sea_orm::TransactionTrait};

use crate::{
    AppState,
    auth::PageUser,
    error::{PageError, PageResult},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/photos/{id}", get(full))
        .route("/photos/{id}/thumb", get(thumb))
        .route("/photos/{id}/cover", post(cover))
}

async fn serve(
    state: &AppState,
    cu: &crate::auth::CurrentUser,
    id: &str,
    thumb: bool,
) -> PageResult<Response> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    let p = photo::get(&state.db.conn, &cu.ctx, id).await?;
    let path = photo::file_of(&state.config.data_dir, &p, thumb);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| PageError::not_found())?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg".to_string()),
            // Private: the photo is only for this signed-in user.
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

async fn full(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    serve(&state, &cu, &id, false).await
}

async fn thumb(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    serve(&state, &cu, &id, true).await
}

async fn cover(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Redirect> {
    let id: i64 = id.parse().map_err(|_| PageError::not_found())?;
    let txn = state.db.conn.begin().await.map_err(DbError::from)?;
    photo::set_cover(&txn, &cu.ctx, id).await?;
    let p = photo::get(&txn, &cu.ctx, id).await?;
    txn.commit().await.map_err(DbError::from)?;
    Ok(Redirect::to(&format!("/activities/{}", p.activity_id)))
}
