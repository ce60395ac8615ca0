//! Shared application state.

use std::{path::PathBuf, sync::Arc};

use db::{Db, cache::Cache};

use crate::{limiter::LoginLimiter, org_choices::OrgChoices};

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
    /// The org filter of list pages per scope, rendered (weighed by org: at
    /// most 200,000 options in all).
    pub org_choices: Arc<Cache<String, OrgChoices>>,
    /// The line of ledger imports (at most N at once) and their caps.
    pub imports: Arc<crate::html::ledger::queue::ImportQueue>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::new(LoginLimiter::default()),
            org_choices: Arc::new(Cache::new(200_000)),
            imports: Arc::new(
                crate::html::ledger::queue::ImportQueue::from_env()
                    .unwrap_or_else(|e| panic!("导入设置有误：{e}")),
            ),
        }
    }
}
