//! Login throttling with growing delays, per account and per IP, instead of a
//! hard lock. Every username tried counts, whether the account exists or not,
//! so the answer never tells a stranger which usernames are real; and a
//! stranger failing on someone's account only delays it (at most
//! [`ThrottlePolicy::account_max`]), never locks it until an admin acts.
//!
//! The delay is a time until which further attempts are refused with a Chinese
//! message: nothing sleeps inside a request (a sleeping request holds a
//! connection and lets an attacker tie up the server). Every function takes
//! the time as an argument, so tests set the clock instead of waiting.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, Set,
};

use crate::{DbResult, entity::login_throttle};

/// How many failures cost nothing and how the delay grows after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures of one username before its attempts are delayed.
    pub account_free: i32,
    /// Failures from one IP (any usernames) before its attempts are delayed:
    /// higher, since a township office shares one address.
    pub ip_free: i32,
    /// The first delay; each further failure doubles it.
    pub base: Duration,
    /// The longest delay of one username.
    pub account_max: Duration,
    /// The longest delay of one IP.
    pub ip_max: Duration,
    /// A key's failures are forgotten this long after its last failure.
    pub forget_after: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_free: 5,
            ip_free: 20,
            base: Duration::seconds(30),
            account_max: Duration::minutes(15),
            ip_max: Duration::minutes(30),
            forget_after: Duration::hours(1),
        }
    }
}

/// What is throttled: a username as typed (normalized) or a client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Account(String),
    Ip(String),
}

impl Key {
    pub fn account(username: &str) -> Key {
        // Bounded: a username field of 2 MB must not become a 2 MB key.
        Key::Account(username.trim().to_lowercase().chars().take(64).collect())
    }

    /// A client address; IPv6 by its /64, which one subscriber holds whole
    /// (rotating through it must not reset the count).
    pub fn ip(ip: &str) -> Key {
        match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => Key::Ip(v4.to_string()),
                None => {
                    let bits = u128::from(v6) & (!0u128 << 64);
                    Key::Ip(format!("{}/64", std::net::Ipv6Addr::from(bits)))
                }
            },
            _ => Key::Ip(ip.to_string()),
        }
    }

    fn text(&self) -> String {
        match self {
            Key::Account(u) => format!("account:{u}"),
            Key::Ip(ip) => format!("ip:{}", ip.chars().take(64).collect::<String>()),
        }
    }

    fn free_and_max(&self, p: &ThrottlePolicy) -> (i32, Duration) {
        match self {
            Key::Account(_) => (p.account_free, p.account_max),
            Key::Ip(_) => (p.ip_free, p.ip_max),
        }
    }

    /// Who is delayed, in Chinese (for the audit trail).
    pub fn label(&self) -> String {
        match self {
            Key::Account(u) => format!("账号「{u}」"),
            Key::Ip(ip) => format!("IP「{ip}」"),
        }
    }
}

/// The delay after the `failures`-th failure: none while free, then
/// base, 2×base, 4×base … up to `max`.
pub fn delay_after(failures: i32, free: i32, base: Duration, max: Duration) -> Option<Duration> {
    if failures < free {
        return None;
    }
    let doublings = (failures - free).min(30) as u32;
    let secs = base.num_seconds().saturating_mul(1i64 << doublings);
    Some(Duration::seconds(secs).min(max))
}

/// Until when attempts under any of `keys` are refused (the latest), if later than `now`.
pub async fn blocked_until(
    c: &impl ConnectionTrait,
    keys: &[Key],
    now: DateTime<Utc>,
) -> DbResult<Option<DateTime<Utc>>> {
    let mut until = None;
    for k in keys {
        if let Some(row) = login_throttle::Entity::find_by_id(k.text()).one(c).await?
            && let Some(b) = row.blocked_until
            && b > now
        {
            until = until.max(Some(b));
        }
    }
    Ok(until)
}

/// A failure as counted under one key, and the delay it starts (to log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub key: Key,
    /// Failures of the key in a row, this one included.
    pub failures: i32,
    pub until: Option<DateTime<Utc>>,
}

/// Counts a failure under each key.
pub async fn record_failure(
    c: &DatabaseTransaction,
    policy: &ThrottlePolicy,
    keys: &[Key],
    now: DateTime<Utc>,
) -> DbResult<Vec<Counted>> {
    prune(c, policy, now).await?;
    let mut started = Vec::new();
    for k in keys {
        let (free, max) = k.free_and_max(policy);
        let id = k.text();
        let row = login_throttle::Entity::find_by_id(id.clone())
            .one(c)
            .await?;
        let failures = match &row {
            Some(r) if now - r.last_failure_at <= policy.forget_after => r.failures + 1,
            _ => 1,
        };
        let until = delay_after(failures, free, policy.base, max).map(|d| now + d);
        match row {
            Some(r) => {
                let mut am = r.into_active_model();
                am.failures = Set(failures);
                am.last_failure_at = Set(now);
                am.blocked_until = Set(until);
                am.update(c).await?;
            }
            None => {
                login_throttle::ActiveModel {
                    key: Set(id),
                    failures: Set(failures),
                    last_failure_at: Set(now),
                    blocked_until: Set(until),
                }
                .insert(c)
                .await?;
            }
        }
        started.push(Counted {
            key: k.clone(),
            failures,
            until,
        });
    }
    Ok(started)
}

/// Drops the rows of keys whose failures are forgotten and that delay
/// nothing: a spray of made-up usernames leaves at most the last
/// `forget_after` of them in the table.
async fn prune(
    c: &DatabaseTransaction,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> DbResult<()> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter};
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::LastFailureAt.lt(now - policy.forget_after))
        .filter(
            Condition::any()
                .add(login_throttle::Column::BlockedUntil.is_null())
                .add(login_throttle::Column::BlockedUntil.lt(now)),
        )
        .exec(c)
        .await?;
    Ok(())
}

/// Forgets a key's failures (a username after its right password; an admin
/// "解锁"). An IP's count is not cleared by a success: whoever holds one
/// account could otherwise reset it between guesses at others.
pub async fn clear(c: &DatabaseTransaction, key: &Key) -> DbResult<()> {
    login_throttle::Entity::delete_by_id(key.text())
        .exec(c)
        .await?;
    Ok(())
}

/// "30秒" / "2分钟": how long until `until`, rounded up, in Chinese.
pub fn wait_text(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    // Rounded up: "29.6 s" left is "30秒", never a promise that comes early.
    let secs = ((until - now).num_milliseconds() + 999)
        .div_euclid(1000)
        .max(1);
    if secs < 60 {
        format!("{secs}秒")
    } else {
        format!("{}分钟", (secs + 59) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_double_and_stop_at_the_cap() {
        let p = ThrottlePolicy::default();
        let d = |n| delay_after(n, p.account_free, p.base, p.account_max).map(|d| d.num_seconds());
        assert_eq!(d(4), None);
        assert_eq!(d(5), Some(30));
        assert_eq!(d(6), Some(60));
        assert_eq!(d(7), Some(120));
        assert_eq!(d(10), Some(900));
        assert_eq!(d(1000), Some(900));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_prefix() {
        assert_eq!(
            Key::ip("2001:db8:1:2:aaaa::1"),
            Key::ip("2001:db8:1:2:bbbb::9")
        );
        assert_eq!(
            Key::ip("2001:db8:1:2::5"),
            Key::Ip("2001:db8:1:2::/64".into())
        );
        assert_ne!(Key::ip("2001:db8:1:2::1"), Key::ip("2001:db8:1:3::1"));
        assert_eq!(Key::ip("::ffff:10.0.0.1"), Key::Ip("10.0.0.1".into()));
        assert_eq!(Key::ip("10.0.0.1"), Key::Ip("10.0.0.1".into()));
    }

    #[test]
    fn wait_text_rounds_up_to_minutes_past_one_minute() {
        let t = Utc::now();
        assert_eq!(wait_text(t + Duration::seconds(30), t), "30秒");
        assert_eq!(wait_text(t + Duration::seconds(61), t), "2分钟");
    }
}
