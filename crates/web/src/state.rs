//! Shared application state.

use std::{path::PathBuf, sync::Arc};

use db::{Db, cache::Cache};

use crate::{
    limiter::{LoginLimiter, SearchLimiter, SearchLimits},
    org_choices::OrgChoices,
};

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
    /// Exact 身份证号/phone searches, per account and per IP.
    pub search_limiter: Arc<SearchLimiter>,
    /// The org filter of list pages per scope, rendered (weighed by org: at
    /// most 200,000 options in all).
    pub org_choices: Arc<Cache<String, OrgChoices>>,
    /// Sessions, login throttling and trusted proxies (defaults unless the
    /// binary sets them with [`AppState::with_security`]).
    pub security: Arc<crate::security::Settings>,
    /// The line of ledger imports (at most N at once) and their caps.
    pub imports: Arc<crate::html::ledger::queue::ImportQueue>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::new(LoginLimiter::default()),
            search_limiter: Arc::new(SearchLimiter::new(SearchLimits::from_env())),
            org_choices: Arc::new(Cache::new(200_000)),
            security: Arc::new(crate::security::Settings::default()),
            imports: Arc::new(
                crate::html::ledger::queue::ImportQueue::from_env()
                    .unwrap_or_else(|e| panic!("导入设置有误：{e}")),
            ),
        }
    }

    pub fn with_security(mut self, settings: crate::security::Settings) -> AppState {
        self.security = Arc::new(settings);
        self
    }

    /// The same state with other exact-search limits (tests, embedding).
    pub fn with_search_limits(mut self, limits: SearchLimits) -> AppState {
        self.search_limiter = Arc::new(SearchLimiter::new(limits));
        self
    }
}
