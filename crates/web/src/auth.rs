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

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop
/// when the app runs behind our own proxy.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> Option<String> {
    if trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return Some(ip.trim().to_string());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// True when the request arrived over HTTPS (directly or via a trusted proxy):
/// only then is the cookie marked `Secure` (a Secure cookie over plain HTTP on
/// a county intranet would silently break login).
pub fn is_https(headers: &HeaderMap, trust_proxy: bool) -> bool {
    trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https")
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
    let ip = client_ip(parts, state.config.trust_proxy);
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
    let Some(s) = account::session::load_cached(&state.db, &token).await? else {
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
        if current.user.must_change_password && parts.uri.path() != "/account/password" {
            return Err(Redirect::to("/account/password").into_response());
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

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

/// The caller's address as an extractor (for handlers without a signed-in user).
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, state.config.trust_proxy)))
    }
}
