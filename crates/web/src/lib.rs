//! HTTP for jinguo: server-rendered Chinese pages (askama + htmx) and the JSON
//! API (utoipa), over the scoped, audited repositories of the `db` crate.
//! Handlers stay thin: parse, call a repository with the caller's [`db::Ctx`],
//! render.

pub mod api;
pub mod assets;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod export;
pub mod form;
pub mod html;
pub mod input_guard;
pub mod limiter;
pub mod org_choices;
pub mod rejections;
pub mod security;
pub mod state;

use axum::{Router, middleware};
pub use state::{AppState, Config};

/// After a request that may have written (any method but GET and HEAD) has
/// committed, the next read takes the data version from the database again:
/// whoever is redirected to a page after saving sees what she saved.
async fn fresh_after_write(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let writes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let res = next.run(req).await;
    if writes {
        db::version::changed();
    }
    res
}

/// The whole application. Bodies are limited to 2 MB through axum's extractors;
/// upload routes raise it themselves with `DefaultBodyLimit`.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi_json = serde_json::to_string(&openapi).unwrap_or_default();
    Router::new()
        .merge(html::router())
        .merge(api_router)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json.clone(),
                )
            }),
        )
        .merge(assets::router())
        .fallback(rejections::not_found)
        .layer(middleware::from_fn(fresh_after_write))
        .layer(middleware::from_fn(input_guard::check))
        .layer(middleware::from_fn(rejections::rewrite))
        .layer(middleware::from_fn(csrf::check))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers_with_state,
        ))
        // Extractors (Form, Json, Bytes, Multipart) obey this; upload routes raise it.
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .with_state(state)
}
