//! CSRF defence without tokens: the session cookie is SameSite=Lax, and every
//! unsafe request must come from our own origin, judged by `Sec-Fetch-Site`,
//! else `Origin`, else `Referer`. API clients with a bearer token carry no
//! ambient credentials and are exempt.

use axum::{
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

const MESSAGE: &str = "请求来源校验失败（可能是跨站请求），请刷新页面后重试";

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

fn same_origin(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let from = h
        .get(header::ORIGIN)
        .or_else(|| h.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(host_of);
    matches!((host, from), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}

pub async fn check(req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if unsafe_method && !bearer && !same_origin(&req) {
        let is_api = req.uri().path().starts_with("/api/");
        return if is_api {
            crate::error::ApiError::new(StatusCode::FORBIDDEN, "csrf_rejected", MESSAGE)
                .into_response()
        } else {
            crate::error::PageError::new(StatusCode::FORBIDDEN, MESSAGE).into_response()
        };
    }
    next.run(req).await
}
