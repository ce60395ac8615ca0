//! Who is calling: the session cookie (pages and same-origin API calls) or a
//! bearer token (other systems). Both end in the same scoped [`db::Ctx`].

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use db::{Ctx, account, entity::app_user};

use crate::{
    AppState,
    error::{ApiError, PageError},
};

pub const COOKIE: &str = "jinguo_session";

/// A signed-in caller.
#[derive(Clone)]
pub struct CurrentUser {
    pub user: app_user::Model,
    pub ctx: Ctx,
    pub via_token: bool,
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The client's address: the socket peer, or, when the app runs behind our
/// own proxy (`--trust-proxy`), the right-most `X-Forwarded-For` entry that
/// isn't a trusted proxy. The left-most entry is whatever the client wrote
/// (taking it let anyone pick the address the login throttle counts).
pub fn client_ip(parts: &Parts, state: &AppState) -> Option<String> {
    if state.config.trust_proxy {
        let xff: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if let Some(ip) =
            crate::security::client_from_forwarded(&xff, &state.security.trusted_proxies)
        {
            return Some(ip.to_string());
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// True when the request arrived over HTTPS via the trusted proxy (its
/// `X-Forwarded-Proto`, the right-most value: the one our proxy set): only
/// then is the cookie marked `Secure` (a Secure cookie over plain HTTP on a
/// county intranet would silently break login) and HSTS sent.
pub fn is_https(headers: &HeaderMap, trust_proxy: bool) -> bool {
    trust_proxy
        && headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, db::DbError> {
    let c = &state.db.read;
    let ip = client_ip(parts, state);
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let Some(user) = account::token::authenticate(&state.db, token.trim()).await? else {
            return Ok(None);
        };
        let scope = account::load_scope(c, &user).await?;
        return Ok(Some(CurrentUser {
            user,
            ctx: Ctx::new(scope, ip),
            via_token: true,
        }));
    }
    let Some(token) = cookie_value(&parts.headers, COOKIE) else {
        return Ok(None);
    };
    let Some(s) =
        account::session::load_cached_with(&state.db, &token, &state.security.sessions).await?
    else {
        return Ok(None);
    };
    let mut ctx = Ctx::new(s.scope, ip);
    // A request that only reads uses the version read with its session for
    // every cached figure; one that writes reads it afresh after writing.
    if parts.method == axum::http::Method::GET || parts.method == axum::http::Method::HEAD {
        ctx = ctx.at_version(s.version);
    }
    Ok(Some(CurrentUser {
        user: s.user,
        ctx,
        via_token: false,
    }))
}

/// A signed-in user of the pages; others are sent to the login page, and a
/// user who must change her password is sent there first.
pub struct PageUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let current = resolve(parts, state)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let Some(current) = current.filter(|c| !c.via_token) else {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let to = format!("/login?next={}", urlencode(next));
            return Err(if parts.headers.contains_key("hx-request") {
                ([("hx-redirect", to)], "").into_response()
            } else {
                Redirect::to(&to).into_response()
            });
        };
        // Every page but the password page itself, until the password is
        // changed (an initial or reset password is known to someone else).
        if current.user.must_change_password && parts.uri.path() != "/account/password" {
            let to = "/account/password";
            return Err(if parts.headers.contains_key("hx-request") {
                ([("hx-redirect", to)], "").into_response()
            } else {
                Redirect::to(to).into_response()
            });
        }
        Ok(PageUser(current))
    }
}

/// A caller of the JSON API (session cookie or bearer token).
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let current = resolve(parts, state)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(ApiError::unauthorized)?;
        if current.user.must_change_password && !current.via_token {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "password_change_required",
                "首次登录须先修改密码",
            ));
        }
        Ok(ApiUser(current))
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only same-origin relative paths are followed after login (no open
/// redirect, no broken `Location` header): one `/` then anything but a second
/// `/` or `\\`, and no control character or space anywhere. Browsers drop TAB,
/// CR and LF from URLs, so "/\t/evil.example" would be "//evil.example" to them;
/// a newline would also make the `Location` header invalid (a 500). Anything
/// else gives "/". Non-ASCII text (a Chinese search term) is percent-encoded.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".into();
    };
    let mut chars = n.chars();
    let ok = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control() || c.is_whitespace());
    if !ok {
        return "/".into();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The caller's address as an extractor (for handlers without a signed-in user).
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state)))
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_origin_relative_paths_are_followed() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/a\r\nSet-Cookie: x=1",
            "https://evil.example/",
            "evil",
            "/ /x",
            "/\u{0}",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(Some("/people?q=1")), "/people?q=1");
        assert_eq!(safe_next(Some("/people?q=张")), "/people?q=%E5%BC%A0");
        assert_eq!(safe_next(None), "/");
    }
}
