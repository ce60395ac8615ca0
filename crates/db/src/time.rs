//! Clock helpers. PostgreSQL keeps microseconds and SQLite nanoseconds, so every
//! timestamp we write is truncated to microseconds to read back equal on both.

use chrono::{DateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub use domain::date::today_beijing;
