//! The home page: the user's scope and its key counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use db::org::summary::{ScopeSummary, scope_summary};
use serde::Deserialize;

use super::Layout;
use crate::{AppState, auth::PageUser, error::PageResult};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    summary: ScopeSummary,
    last_login: Option<String>,
}

#[derive(Deserialize)]
struct HomeQuery {
    last: Option<u8>,
    changed: Option<u8>,
}

async fn home(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<HomeQuery>,
) -> PageResult<HomePage> {
    let summary = scope_summary(&state.db.conn, &cu.ctx).await?;
    let flash = q.changed.map(|_| "密码已修改".to_string());
    // The login just updated last_login_*; the previous values are in the audit
    // trail, so we show the current session's start here and the account page
    // keeps the history.
    let last_login = q.last.and_then(|_| {
        cu.user.last_login_at.map(|t| {
            format!(
                "本次登录：{}，IP {}",
                (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M"),
                cu.user.last_login_ip.clone().unwrap_or_default()
            )
        })
    });
    Ok(HomePage {
        layout: Layout::new(&cu, "首页", "home").flash(flash),
        summary,
        last_login,
    })
}
