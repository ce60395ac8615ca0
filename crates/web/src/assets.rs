//! Static assets compiled into the binary: county intranets are often offline,
//! so nothing is fetched from a CDN.

use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use rust_embed::RustEmbed;

use crate::AppState;

#[derive(RustEmbed)]
#[folder = "../../assets/"]
struct Assets;

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(serve)).route(
        "/favicon.ico",
        get(|| serve(Path("favicon.svg".to_string()))),
    )
}

async fn serve(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "未找到").into_response(),
    }
}
