//! Answers that axum writes by itself (a query string that doesn't parse, a
//! body over the limit, a wrong method, an unknown address) come out in
//! English plain text or empty. This layer rewrites every such error response
//! into the Chinese page or the API's JSON error, so a user never sees a raw
//! rejection. Our own errors (HTML, JSON, or Chinese text) pass unchanged.

use axum::{
    Json,
    body::Body,
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::{ApiError, PageError};

/// The most of a plain-text error body read to judge it.
const MAX_PLAIN: usize = 64 * 1024;

pub async fn rewrite(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let kind = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !(kind.is_empty() || kind.starts_with("text/plain")) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, MAX_PLAIN)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if is_chinese(&text) {
        // One of our handlers answered in plain Chinese text: keep it.
        return Response::from_parts(parts, Body::from(text));
    }
    let message = message_for(status, &method, &text);
    let mut out = error_response(api, status, &message).into_response();
    for (name, value) in parts.headers.iter() {
        // Keep what the handler or an inner layer decided (Allow, Retry-After…).
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// The Chinese page or JSON error for `status` and `message`.
pub fn error_response(api: bool, status: StatusCode, message: &str) -> Response {
    if status.is_server_error() {
        let message = crate::error::internal_message(message);
        return if api {
            ApiError::new(status, "internal", message).into_response()
        } else {
            PageError::new(status, message).into_response()
        };
    }
    if api {
        let e = ApiError::new(status, code_of(status), message);
        (status, Json(body_of(e))).into_response()
    } else {
        PageError::new(status, message).into_response()
    }
}

fn body_of(e: ApiError) -> crate::error::ApiErrorBody {
    crate::error::ApiErrorBody {
        error: crate::error::ApiErrorDetail {
            code: e.code.into(),
            message: e.message,
            fields: vec![],
        },
    }
}

fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::UNPROCESSABLE_ENTITY => "validation_failed",
        _ => "bad_request",
    }
}

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The Chinese words for an English rejection, naming the parameter or field
/// when axum's text does (`Failed to deserialize query string: page: …`).
fn message_for(status: StatusCode, method: &Method, text: &str) -> String {
    let field = named_field(text)
        .map(|f| format!("「{f}」"))
        .unwrap_or_default();
    match status {
        StatusCode::NOT_FOUND => "页面不存在或无权查看".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => format!("该地址不支持 {method} 请求"),
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大，超过了允许的上限".to_string(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的内容类型不受支持".to_string(),
        StatusCode::UNAUTHORIZED => "请先登录".to_string(),
        StatusCode::FORBIDDEN => "无权进行此操作".to_string(),
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁，请稍后再试".to_string(),
        _ if text.contains("query string") => format!("网址参数{field}无效"),
        _ if text.contains("Invalid URL") || text.contains("path") => "网址无效".to_string(),
        _ if text.contains("form") || text.contains("JSON") || text.contains("json") => {
            format!("提交的内容{field}格式不正确")
        }
        _ => "请求有误".to_string(),
    }
}

/// `page` of "Failed to deserialize query string: page: invalid digit…".
fn named_field(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once(": ")?;
    let (name, _) = rest.split_once(": ")?;
    let name = name.trim();
    (!name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']'))
    .then_some(name)
}

/// The router's answer for an address nothing serves.
pub async fn not_found(req: Request) -> Response {
    let api = req.uri().path().starts_with("/api/");
    error_response(api, StatusCode::NOT_FOUND, "页面不存在或无权查看")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axum_rejection_texts_become_chinese_naming_the_parameter() {
        let m = message_for(
            StatusCode::BAD_REQUEST,
            &Method::GET,
            "Failed to deserialize query string: page: invalid digit found in string",
        );
        assert_eq!(m, "网址参数「page」无效");
        let m = message_for(
            StatusCode::UNPROCESSABLE_ENTITY,
            &Method::POST,
            "Failed to deserialize the JSON body into the target type: name: invalid type",
        );
        assert_eq!(m, "提交的内容「name」格式不正确");
        assert_eq!(
            message_for(StatusCode::METHOD_NOT_ALLOWED, &Method::DELETE, ""),
            "该地址不支持 DELETE 请求"
        );
    }
}
