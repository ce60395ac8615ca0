//! Shared application state.

use std::{path::PathBuf, sync::Arc};

use db::Db;

use crate::limiter::LoginLimiter;

/// Settings the binary passes in.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where uploads and temporary import files live.
    pub data_dir: PathBuf,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` (only behind our own proxy).
    pub trust_proxy: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::new(LoginLimiter::default()),
        }
    }
}
