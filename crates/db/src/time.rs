//! Clock helpers. PostgreSQL keeps microseconds and SQLite nanoseconds, so every
//! timestamp we write is truncated to microseconds to read back equal on both.

use chrono::{DateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today in Beijing time (Asia/Shanghai has no DST: a fixed +08:00).
pub fn today_beijing() -> chrono::NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}
