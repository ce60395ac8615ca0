//! Extractors for the JSON API that fail with our JSON error body (Chinese
//! message, stable code, field names) instead of axum's plain-text rejections.
//! A bad body, query or path is always a 4xx.

use std::error::Error as _;

use axum::{
    Json,
    extract::{
        FromRequest, FromRequestParts, Path, Query, Request,
        rejection::{JsonRejection, PathRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
};
use domain::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body.
pub struct ApiJson<T>(pub T);

/// A query string.
pub struct ApiQuery<T>(pub T);

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_error(&e)),
        }
    }
}

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(query_error(&e)),
        }
    }
}

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(path_error(&e)),
        }
    }
}

/// Splits serde_path_to_error's "path: message" into (field, message). A
/// message without a leading path (e.g. "missing field `name` at line 1")
/// names the field itself in backticks.
fn split_path(text: &str) -> (Option<String>, String) {
    if let Some((head, rest)) = text.split_once(": ")
        && !head.is_empty()
        && !head.contains(char::is_whitespace)
    {
        return (Some(head.to_string()), rest.to_string());
    }
    let quoted = text
        .strip_prefix("missing field `")
        .and_then(|r| r.split_once('`'))
        .map(|(f, _)| f.to_string());
    (quoted, text.to_string())
}

/// A Chinese message for a serde data error about `field`.
fn data_message(field: &str, serde_msg: &str) -> String {
    if serde_msg.starts_with("missing field") {
        format!("缺少必填字段「{field}」")
    } else if serde_msg.starts_with("invalid type") {
        format!("字段「{field}」的类型不正确")
    } else if serde_msg.starts_with("unknown variant") {
        format!("字段「{field}」的取值不在允许范围内")
    } else if let Some(m) = serde_msg.strip_prefix("未知的取值：") {
        // Our labelled enums already speak Chinese.
        format!("字段「{field}」的取值无效：{m}")
    } else {
        format!("字段「{field}」的取值无效")
    }
}

fn with_field(mut e: ApiError, field: Option<String>, message: String) -> ApiError {
    if let Some(field) = field {
        e.fields.push(FieldError { field, message });
    }
    e
}

fn json_error(e: &JsonRejection) -> ApiError {
    match e {
        JsonRejection::JsonDataError(d) => {
            let detail = d.source().map(|s| s.to_string()).unwrap_or_default();
            let (field, msg) = split_path(&detail);
            let message = match &field {
                Some(f) => data_message(f, &msg),
                None => "请求内容与接口要求的结构不符".into(),
            };
            with_field(
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    message.clone(),
                ),
                field,
                message,
            )
        }
        JsonRejection::JsonSyntaxError(_) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "请求体不是有效的JSON",
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "json_required",
            "请求须以JSON提交（Content-Type: application/json）",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "请求体过大",
        ),
        _ => ApiError::bad_request("无法读取请求体"),
    }
}

fn query_error(e: &QueryRejection) -> ApiError {
    let detail = e.source().map(|s| s.to_string()).unwrap_or_default();
    let (field, _) = split_path(&detail);
    let message = match &field {
        Some(f) => format!("查询参数「{f}」的取值无效"),
        None => "查询参数有误".into(),
    };
    with_field(
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", message.clone()),
        field,
        message,
    )
}

fn path_error(e: &PathRejection) -> ApiError {
    use axum::extract::path::ErrorKind;
    let (field, message) = match e {
        PathRejection::FailedToDeserializePathParams(p) => match p.kind() {
            ErrorKind::ParseErrorAtKey { key, value, .. }
            | ErrorKind::DeserializeError { key, value, .. } => (
                Some(key.clone()),
                format!("路径参数「{key}」的取值「{value}」格式不正确"),
            ),
            ErrorKind::ParseError { value, .. } | ErrorKind::ParseErrorAtIndex { value, .. } => {
                (None, format!("路径参数「{value}」格式不正确"))
            }
            _ => (None, "路径参数有误".into()),
        },
        _ => (None, "路径参数有误".into()),
    };
    with_field(
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", message.clone()),
        field,
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_path_names_the_field() {
        assert_eq!(
            split_path("tags: invalid type: string \"a\", expected a sequence"),
            (
                Some("tags".into()),
                "invalid type: string \"a\", expected a sequence".into()
            )
        );
        assert_eq!(
            split_path("missing field `name` at line 1 column 2"),
            (
                Some("name".into()),
                "missing field `name` at line 1 column 2".into()
            )
        );
        assert_eq!(split_path("invalid type: integer").0, None);
    }
}
