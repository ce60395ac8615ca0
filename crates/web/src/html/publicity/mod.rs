//! Publicity pages (宣传): items published on a channel (the county's WeChat
//! account, 中国妇女报, 学习强国 …) with their column, link, the activity they
//! report and the accounts that reposted them at each level.

mod form;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use db::publicity::{self, PublicityQuery};
use domain::{
    access::{Module, Permission},
    kinds::Level,
};
use serde::Deserialize;

use super::{Layout, Pager, page_of, query_string};
use crate::{
    AppState,
    auth::PageUser,
    error::PageResult,
    org_choices::{OrgChoices, visible_org_choices},
};

const PER_PAGE: u64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/publicity", get(list))
        .merge(form::router())
}

/// A repost as a badge: its level, and who reposted.
struct RepostBadge {
    level: &'static str,
    by: String,
}

/// One line of the list.
struct Row {
    id: i64,
    date: String,
    title: String,
    link: String,
    channel: String,
    column: String,
    org: String,
    reposts: Vec<RepostBadge>,
}

#[derive(Template, WebTemplate)]
#[template(path = "publicity/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    orgs: std::sync::Arc<OrgChoices>,
    channels: Vec<String>,
    columns: Vec<String>,
    org: String,
    channel: String,
    column: String,
    from: String,
    to: String,
    pager: Pager,
    pager_path: &'static str,
    can_add: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    org: Option<String>,
    channel: Option<String>,
    column: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
    saved: Option<u8>,
}

fn date_of(s: &Option<String>) -> Option<chrono::NaiveDate> {
    s.as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| domain::date::parse_date(s).ok())
}

async fn list(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<ListPage> {
    let c = &state.db.conn;
    let page = page_of(q.page);
    let query = PublicityQuery {
        org: q.org.clone(),
        channel: q.channel.clone(),
        column: q.column.clone(),
        from: date_of(&q.from),
        to: date_of(&q.to),
    };
    let (items, total) = publicity::search(c, &cu.ctx, &query, page, PER_PAGE).await?;
    let (channels, columns) = publicity::used_values(c, &cu.ctx).await?;
    let rows = items
        .into_iter()
        .map(|(i, o, reposts)| Row {
            id: i.id,
            date: i.published_on.to_string(),
            title: i.title,
            link: i.link.unwrap_or_default(),
            channel: i.channel,
            column: i.column_name.unwrap_or_default(),
            org: o.name,
            reposts: reposts
                .into_iter()
                .map(|r| RepostBadge {
                    level: Level::from_code(&r.level).map_or("", Level::label),
                    by: r.by_name,
                })
                .collect(),
        })
        .collect();
    let base = query_string(&[
        ("org", q.org.as_deref()),
        ("channel", q.channel.as_deref()),
        ("column", q.column.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
    ]);
    Ok(ListPage {
        layout: Layout::new(&cu, "宣传", "publicity").flash(q.saved.map(|_| "已保存".into())),
        rows,
        orgs: visible_org_choices(&state, &cu).await?,
        channels,
        columns,
        org: q.org.unwrap_or_default(),
        channel: q.channel.unwrap_or_default(),
        column: q.column.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        pager: Pager::new(page, PER_PAGE, total, base),
        pager_path: "/publicity",
        can_add: cu.ctx.scope.allows(Module::Publicity, Permission::Write),
    })
}
