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
