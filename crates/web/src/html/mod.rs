//! Server-rendered pages, one module per business area.

pub mod account;
pub mod activity;
pub mod audit;
pub mod dashboard;
pub mod home;
pub mod kit;
pub mod ledger;
pub mod org;
pub mod people;
pub mod programmes;
pub mod publicity;
pub mod review;
pub mod todos;
pub mod users;

use axum::Router;
use domain::access::Role;

use crate::{AppState, auth::CurrentUser};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(account::router())
        .merge(activity::router())
        .merge(home::router())
        .merge(org::router())
        .merge(people::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(ledger::router())
        .merge(programmes::router())
        .merge(publicity::router())
        .merge(dashboard::router())
        .merge(review::router())
}

/// One entry of the side navigation.
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub label: &'static str,
}

/// What every page's frame needs: who is signed in, the navigation she may
/// use, the active area and an optional one-time message.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_label: String,
    pub nav: Vec<NavItem>,
    pub active: &'static str,
    pub flash: Option<String>,
}

impl Layout {
    pub fn new(cu: &CurrentUser, title: impl Into<String>, active: &'static str) -> Layout {
        let s = &cu.ctx.scope;
        let mut nav = vec![NavItem {
            key: "home",
            href: "/",
            label: "首页",
        }];
        // Every area's entries, from its descriptor (domain::area).
        for m in domain::area::menus() {
            if m.open_to(|module, perm| s.allows(module, perm)) {
                nav.push(NavItem {
                    key: m.key,
                    href: m.href,
                    label: m.label,
                });
            }
        }
        Layout {
            title: title.into(),
            user_name: cu.user.display_name.clone(),
            role_label: Role::from_code(&cu.user.role)
                .map_or("", |r| r.label())
                .to_string(),
            nav,
            active,
            flash: None,
        }
    }

    /// A frame with no one signed in and no navigation (unit tests of pages).
    #[cfg(test)]
    pub fn bare(title: &str) -> Layout {
        Layout {
            title: title.into(),
            user_name: String::new(),
            role_label: String::new(),
            nav: Vec::new(),
            active: "",
            flash: None,
        }
    }

    pub fn flash(mut self, msg: Option<String>) -> Layout {
        self.flash = msg;
        self
    }
}

/// Page number from a query (1-based, at least 1).
pub fn page_of(p: Option<u64>) -> u64 {
    p.unwrap_or(1).max(1)
}

/// Pagination figures for templates.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    /// The current query string without `page=`, to build links.
    pub base: String,
}

impl Pager {
    pub fn new(page: u64, per_page: u64, total: u64, base: String) -> Pager {
        Pager {
            page,
            pages: total.div_ceil(per_page).max(1),
            total,
            base,
        }
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}

/// Builds `a=1&b=2` from pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::auth::urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}
