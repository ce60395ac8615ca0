//! Security headers on every response, and the account and proxy settings.
//!
//! The CSP allows no inline script: all behaviour comes from /assets (htmx and
//! our own app.js). Stylesheets (`<style>`, `<link>`) come only from 'self'
//! too; only `style="…"` attributes are allowed (`style-src-attr
//! 'unsafe-inline'`), because ECharts writes its tooltips as HTML with inline
//! style attributes (about 450 refusals on one dashboard otherwise). A style
//! attribute can't run script; this opens nothing for scripts.
//!
//! HSTS is sent only when the request came over HTTPS: served over TLS, or
//! `X-Forwarded-Proto: https` from the proxy `--trust-proxy` trusts. Over plain
//! HTTP (a county intranet address) it would be ignored at best.

use std::net::IpAddr;

use axum::{
    extract::{Request, State},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};
use db::account::{session::SessionPolicy, throttle::ThrottlePolicy};

use crate::AppState;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                   style-src-elem 'self'; style-src-attr 'unsafe-inline'; \
                   img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; \
                   frame-ancestors 'none'";

/// One year; no `includeSubDomains`: other hosts of the county's domain may
/// still be plain HTTP.
pub const HSTS: &str = "max-age=31536000";

/// Sessions, login throttling and which proxies are trusted.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sessions: SessionPolicy,
    pub throttle: ThrottlePolicy,
    /// Proxies in front of the server beyond the one it talks to (with
    /// `--trust-proxy`): `X-Forwarded-For` entries from these are skipped
    /// when finding the client. Empty: the right-most entry is the client.
    pub trusted_proxies: Vec<Net>,
}

/// An address or a CIDR block (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    pub fn parse(s: &str) -> Result<Net, String> {
        let bad = || format!("代理地址「{s}」无效：应为 IP 地址或 CIDR（如 10.0.0.0/8）");
        let (a, p) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = a.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Net { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b, bits) = match (self.addr, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return false,
        };
        if self.prefix == 0 {
            return true;
        }
        let shift = bits - u32::from(self.prefix);
        (a >> shift) == (b >> shift)
    }
}

/// An `X-Forwarded-For` entry as an address (`1.2.3.4`, `1.2.3.4:5678`,
/// `[::1]:80`, `::1`); None for anything else.
pub fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let e = entry.trim();
    e.parse::<IpAddr>()
        .ok()
        .or_else(|| e.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
}

/// The client behind the proxy we trust: walking `X-Forwarded-For` from the
/// right (each proxy appends the address it was reached from), the first
/// entry that isn't one of `trusted`. Entries on the left are whatever the
/// client sent and are never believed. None when the header has no usable
/// entry (or only trusted ones).
pub fn client_from_forwarded(xff: &[&str], trusted: &[Net]) -> Option<IpAddr> {
    let entries: Vec<&str> = xff.iter().flat_map(|v| v.split(',')).collect();
    for e in entries.into_iter().rev() {
        let ip = forwarded_ip(e)?;
        if !trusted.iter().any(|n| n.contains(ip)) {
            return Some(ip);
        }
    }
    None
}

/// The headers, for a router without the app's state (no proxy trusted: HSTS
/// only for a request whose URI says https).
pub async fn headers(req: Request, next: Next) -> Response {
    let https = req.uri().scheme_str() == Some("https");
    let res = next.run(req).await;
    apply(res, https)
}

/// The headers as the platform's router sends them: HSTS also behind the
/// trusted proxy when it says the request came over HTTPS.
pub async fn headers_with_state(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let https = req.uri().scheme_str() == Some("https")
        || crate::auth::is_https(req.headers(), state.config.trust_proxy);
    let res = next.run(req).await;
    apply(res, https)
}

fn apply(mut res: Response, https: bool) -> Response {
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(), microphone=()"),
    );
    if https {
        h.insert("strict-transport-security", HeaderValue::from_static(HSTS));
    }
    if !h.contains_key("cache-control") {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let none: Vec<Net> = Vec::new();
        assert_eq!(
            client_from_forwarded(&["6.6.6.6, 10.1.2.3"], &none),
            Some(ip("10.1.2.3"))
        );
        let lb = vec![Net::parse("192.168.0.0/16").unwrap()];
        assert_eq!(
            client_from_forwarded(&["6.6.6.6", "10.1.2.3, 192.168.1.1"], &lb),
            Some(ip("10.1.2.3"))
        );
        assert_eq!(client_from_forwarded(&["garbage"], &none), None);
        assert_eq!(
            client_from_forwarded(&["[2001:db8::1]:4711"], &none),
            Some(ip("2001:db8::1"))
        );
    }

    #[test]
    fn cidr_blocks_contain_their_addresses_only() {
        let n = Net::parse("10.0.0.0/8").unwrap();
        assert!(n.contains(ip("10.200.1.1")));
        assert!(!n.contains(ip("11.0.0.1")));
        assert!(!n.contains(ip("::1")));
        assert!(Net::parse("10.0.0.0/33").is_err());
        assert!(Net::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }
}
