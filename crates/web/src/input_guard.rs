//! Refuses text the platform must not store before any handler sees it: NUL
//! and other control characters, and bytes that are not UTF-8, in the query
//! string, in form bodies and in JSON bodies. Multipart bodies (photos, ledger
//! files) are judged by their own readers.

use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::rejections::error_response;

/// The largest form or JSON body read here; the same bound as the extractors'.
const MAX_BODY: usize = 2 * 1024 * 1024;

pub async fn check(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(q) = req.uri().query()
        && let Err(m) = urlencoded_text(q.as_bytes())
    {
        return refuse(api, StatusCode::BAD_REQUEST, &format!("网址参数{m}"));
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return refuse(
                api,
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("提交的内容过大（上限{}MB）", MAX_BODY / 1024 / 1024),
            );
        }
    };
    let checked = if form {
        urlencoded_text(&bytes)
    } else {
        json_text(&bytes)
    };
    if let Err(m) = checked {
        return refuse(api, StatusCode::BAD_REQUEST, &format!("提交的内容{m}"));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn refuse(api: bool, status: StatusCode, message: &str) -> Response {
    error_response(api, status, message).into_response()
}

/// Percent-decodes `a=b&c=d` (with `+` as space) and checks the text.
fn urlencoded_text(raw: &[u8]) -> Result<(), String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' if i + 2 < raw.len() => {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    let text = std::str::from_utf8(&out).map_err(|_| "含有不是UTF-8编码的字节".to_string())?;
    domain::text::check_plain(text)
}

/// JSON text: valid UTF-8 (serde would refuse it anyway, in English) and no
/// escaped control character such as `\u0000` inside a string.
fn json_text(raw: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(raw).map_err(|_| "含有不是UTF-8编码的字节".to_string())?;
    domain::text::check_plain(text)?;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            if b[i + 1] == b'u' && i + 6 <= b.len() {
                let code = std::str::from_utf8(&b[i + 2..i + 6])
                    .ok()
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                if let Some(c) = code.and_then(char::from_u32) {
                    domain::text::check_plain(&c.to_string())?;
                }
                i += 6;
                continue;
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoded_nul_and_broken_utf8_are_found_in_forms() {
        assert!(
            urlencoded_text(b"name=%E5%BC%A0%00")
                .unwrap_err()
                .contains("U+0000")
        );
        assert!(
            urlencoded_text(b"name=%FF%FE")
                .unwrap_err()
                .contains("UTF-8")
        );
        assert!(urlencoded_text(b"name=%E5%BC%A0+%E6%A2%85&x=1%").is_ok());
    }

    #[test]
    fn escaped_nul_is_found_in_json_but_an_escaped_backslash_is_not() {
        assert!(json_text(br#"{"name":"a\u0000b"}"#).is_err());
        assert!(json_text(br#"{"name":"a\\u0000b"}"#).is_ok());
        assert!(json_text("{\"name\":\"张梅\"}".as_bytes()).is_ok());
    }
}
