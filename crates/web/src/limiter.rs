//! Per-username login rate limit, in memory. Account lockout (in the database)
//! stops guessing one real account; this also slows guessing across unknown
//! usernames and keeps argon2 from being used to load the server.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_ATTEMPTS: usize = 10;

#[derive(Default)]
pub struct LoginLimiter {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// Records an attempt; false when the username has used up its window.
    pub fn allow(&self, username: &str) -> bool {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let v = map.entry(username.trim().to_lowercase()).or_default();
        v.retain(|t| now.duration_since(*t) < WINDOW);
        if v.len() >= MAX_ATTEMPTS {
            return false;
        }
        v.push(now);
        true
    }

    /// A successful login clears the username's window.
    pub fn clear(&self, username: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&username.trim().to_lowercase());
    }
}

/// Limits on exact 身份证号/phone searches, per account and per client IP
/// alike (docs/security.md §3). Defaults 20 a minute and 200 a day; set by
/// the environment variables `JINGUO_SEARCH_PER_MINUTE` and
/// `JINGUO_SEARCH_PER_DAY` when the server starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchLimits {
    pub per_minute: usize,
    pub per_day: usize,
}

impl Default for SearchLimits {
    fn default() -> Self {
        SearchLimits {
            per_minute: 20,
            per_day: 200,
        }
    }
}

impl SearchLimits {
    /// The defaults, overridden by the environment (a value that is not a
    /// positive number keeps the default).
    pub fn from_env() -> SearchLimits {
        let read = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        let d = SearchLimits::default();
        SearchLimits {
            per_minute: read("JINGUO_SEARCH_PER_MINUTE", d.per_minute),
            per_day: read("JINGUO_SEARCH_PER_DAY", d.per_day),
        }
    }
}

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Sliding-window counter of exact-identifier searches, in memory.
pub struct SearchLimiter {
    limits: SearchLimits,
    hits: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for SearchLimiter {
    fn default() -> Self {
        SearchLimiter::new(SearchLimits::default())
    }
}

impl SearchLimiter {
    pub fn new(limits: SearchLimits) -> SearchLimiter {
        SearchLimiter {
            limits,
            hits: Mutex::new(HashMap::new()),
        }
    }

    pub fn limits(&self) -> SearchLimits {
        self.limits
    }

    /// Counts one search by `account` from `ip`, or refuses it with the
    /// Chinese message naming the limit that was reached. A refused search
    /// is not counted (it was not answered).
    pub fn allow(&self, account: i64, ip: Option<&str>) -> Result<(), String> {
        self.allow_at(account, ip, Instant::now())
    }

    /// Refuses when `account` or `ip` is already over a limit, without
    /// counting: a registration checks this before it looks the number up, so
    /// the refusal depends on earlier look-ups and never on this number.
    pub fn check(&self, account: i64, ip: Option<&str>) -> Result<(), String> {
        self.run(account, ip, Instant::now(), false)
    }

    /// Counts one look-up that told whether a number is on file.
    pub fn record(&self, account: i64, ip: Option<&str>) {
        let now = Instant::now();
        let mut map = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        for key in Self::keys(account, ip) {
            map.entry(key.0).or_default().push(now);
        }
    }

    fn keys(account: i64, ip: Option<&str>) -> Vec<(String, &'static str)> {
        std::iter::once((format!("u:{account}"), "本账号"))
            .chain(ip.map(|ip| (format!("ip:{ip}"), "本IP地址")))
            .collect()
    }

    fn allow_at(&self, account: i64, ip: Option<&str>, now: Instant) -> Result<(), String> {
        self.run(account, ip, now, true)
    }

    fn run(&self, account: i64, ip: Option<&str>, now: Instant, count: bool) -> Result<(), String> {
        let mut map = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < DAY));
        }
        let keys = Self::keys(account, ip);
        for (key, who) in &keys {
            let v = map.entry(key.clone()).or_default();
            v.retain(|t| now.duration_since(*t) < DAY);
            let last_minute = v
                .iter()
                .filter(|t| now.duration_since(**t) < MINUTE)
                .count();
            if last_minute >= self.limits.per_minute {
                return Err(format!(
                    "{who}按身份证号或手机号精确查找过于频繁：每分钟最多{}次，请稍后再试",
                    self.limits.per_minute
                ));
            }
            if v.len() >= self.limits.per_day {
                return Err(format!(
                    "{who}按身份证号或手机号精确查找已达今日上限（24小时内最多{}次），请明天再试",
                    self.limits.per_day
                ));
            }
        }
        if count {
            for (key, _) in keys {
                map.entry(key).or_default().push(now);
            }
        }
        Ok(())
    }
}

/// Why an exact-identifier search was not answered.
pub(crate) enum SearchRefusal {
    /// No `people:search` (403).
    Forbidden(String),
    /// Over a limit (429).
    TooMany(String),
}

/// Admits a people search: `Ok(None)` for a name search, `Ok(Some(..))` for
/// an exact 身份证号/phone search the caller may make now (counted against
/// her limits; the caller logs it with [`db::people::log_exact_search`] once
/// answered).
pub(crate) fn admit_exact_search(
    state: &crate::AppState,
    ctx: &db::Ctx,
    q: Option<&str>,
) -> Result<Option<db::people::ExactSearch>, SearchRefusal> {
    let Some(exact) = q.and_then(|q| db::people::exact_identifier(&state.db, q)) else {
        return Ok(None);
    };
    if db::people::require_exact_search(ctx).is_err() {
        return Err(SearchRefusal::Forbidden(
            db::people::MSG_NO_EXACT_SEARCH.into(),
        ));
    }
    state
        .search_limiter
        .allow(ctx.user_id().unwrap_or_default(), ctx.ip.as_deref())
        .map_err(SearchRefusal::TooMany)?;
    Ok(Some(exact))
}

/// Before a look-up by 身份证号 inside a write (registering a person, adding
/// a household member): refuses when the caller is already over her
/// exact-search limits. Checked before the number is looked up, so the
/// refusal never depends on whether this number exists.
pub(crate) fn check_lookup(state: &crate::AppState, ctx: &db::Ctx) -> Result<(), SearchRefusal> {
    state
        .search_limiter
        .check(ctx.user_id().unwrap_or_default(), ctx.ip.as_deref())
        .map_err(SearchRefusal::TooMany)
}

/// After such a look-up told whether the number is on file ("已登记",
/// "已在其他组织登记", "未找到"): counts it against the limits and logs it
/// like a search (`hits`: found in the caller's scope).
pub(crate) async fn record_lookup(
    state: &crate::AppState,
    ctx: &db::Ctx,
    id: &domain::idcard::IdNumber,
    hits: u64,
) -> db::DbResult<()> {
    state
        .search_limiter
        .record(ctx.user_id().unwrap_or_default(), ctx.ip.as_deref());
    let search = db::people::ExactSearch {
        field: db::people::SensitiveField::IdNumber,
        index: state.db.keys.blind_index("id_number", id.as_str()),
    };
    db::people::log_exact_search(&state.db.conn, ctx, &search, hits).await
}

impl From<SearchRefusal> for crate::error::PageError {
    fn from(r: SearchRefusal) -> Self {
        use axum::http::StatusCode;
        match r {
            SearchRefusal::Forbidden(m) => crate::error::PageError::new(StatusCode::FORBIDDEN, m),
            SearchRefusal::TooMany(m) => {
                crate::error::PageError::new(StatusCode::TOO_MANY_REQUESTS, m)
            }
        }
    }
}

impl From<SearchRefusal> for crate::error::ApiError {
    fn from(r: SearchRefusal) -> Self {
        use axum::http::StatusCode;
        match r {
            SearchRefusal::Forbidden(m) => {
                crate::error::ApiError::new(StatusCode::FORBIDDEN, "forbidden", m)
            }
            SearchRefusal::TooMany(m) => {
                crate::error::ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", m)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_limited_per_minute_and_per_day_by_account_and_by_ip() {
        let l = SearchLimiter::new(SearchLimits {
            per_minute: 2,
            per_day: 3,
        });
        let t0 = Instant::now();
        assert!(l.allow_at(1, Some("10.0.0.1"), t0).is_ok());
        assert!(l.allow_at(1, Some("10.0.0.2"), t0).is_ok());
        let e = l.allow_at(1, Some("10.0.0.3"), t0).unwrap_err();
        assert!(e.contains("本账号") && e.contains("每分钟最多2次"), "{e}");
        // Another account from a used IP: the IP's own count.
        assert!(l.allow_at(2, Some("10.0.0.1"), t0).is_ok());
        let e = l.allow_at(3, Some("10.0.0.1"), t0).unwrap_err();
        assert!(e.contains("本IP地址"), "{e}");
        // A minute later the per-minute window is free, the day's is not.
        let t1 = t0 + MINUTE;
        assert!(l.allow_at(1, None, t1).is_ok());
        let e = l.allow_at(1, None, t1).unwrap_err();
        assert!(e.contains("今日上限") && e.contains("3次"), "{e}");
        assert!(l.allow_at(1, None, t0 + DAY + MINUTE).is_ok());
    }
}
