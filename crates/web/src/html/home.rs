//! The home page: the user's scope, its key counts and its latest activities
//! (with a big "record an activity" button for those who record them).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use db::{
    activity,
    org::summary::{ScopeSummary, scope_summary_cached},
};
use domain::access::{Module, Permission};
use serde::Deserialize;

use super::Layout;
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::PageResult,
};

/// Activities shown on the home page.
const RECENT: u64 = 5;

/// One of the latest activities, with its cover photo if it has one.
struct RecentActivity {
    id: i64,
    date: String,
    name: String,
    org: String,
    cover: Option<i64>,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    summary: std::sync::Arc<ScopeSummary>,
    last_login: Option<String>,
    /// None when the user doesn't read activities (the section is hidden).
    recent: Option<Vec<RecentActivity>>,
    can_record: bool,
    /// Pending work the areas declare (待办), only what is pending.
    todos: Vec<super::todos::TodoLine>,
}

async fn recent_activities(
    state: &AppState,
    cu: &CurrentUser,
) -> PageResult<Option<Vec<RecentActivity>>> {
    if !cu.ctx.scope.allows(Module::Activity, Permission::Read) {
        return Ok(None);
    }
    // The list's cached order: the newest five without sorting the scope.
    let (recent, _) = activity::list(
        &state.db,
        &cu.ctx,
        &activity::ActivityQuery::default(),
        1,
        RECENT,
    )
    .await?;
    // One query for the covers, not one per activity.
    let ids: Vec<i64> = recent.iter().map(|(a, _)| a.id).collect();
    let covers = activity::photo::covers_cached(&state.db, &cu.ctx, &ids).await?;
    Ok(Some(
        recent
            .into_iter()
            .map(|(a, o)| RecentActivity {
                cover: covers.get(&a.id).copied(),
                id: a.id,
                date: a.start_date.to_string(),
                name: a.name,
                org: o.name,
            })
            .collect(),
    ))
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
    let summary = scope_summary_cached(&state.db, &cu.ctx).await?;
    let flash = q.changed.map(|_| "密码已修改".to_string());
    // The login just updated last_login_*; the previous values are in the audit
    // trail, so we show the current session's start here and the account page
    // keeps the history.
    let last_login = q.last.and_then(|_| {
        cu.user.last_login_at.map(|t| {
            format!(
                "本次登录：{}，IP {}",
                domain::date::beijing(t).format("%Y-%m-%d %H:%M"),
                cu.user.last_login_ip.clone().unwrap_or_default()
            )
        })
    });
    Ok(HomePage {
        layout: Layout::new(&cu, "首页", "home").flash(flash),
        summary,
        last_login,
        recent: recent_activities(&state, &cu).await?,
        can_record: cu.ctx.scope.allows(Module::Activity, Permission::Write),
        todos: super::todos::pending(&state, &cu).await?,
    })
}
