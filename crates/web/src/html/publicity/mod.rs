//! Publicity pages (宣传): items published on a channel (the county's WeChat
//! account, 中国妇女报, 学习强国 …) with their column, link, the activity they
//! report and the accounts that reposted them at each level.

mod form;
mod life;

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
        .merge(life::router())
}

/// A repost as a badge: its level, and who reposted.
pub(super) struct RepostBadge {
    pub level: &'static str,
    pub by: String,
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
    cancelled: bool,
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
    /// The list's filters as a query string, for 导出Excel.
    export_query: String,
    can_export: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    org: Option<String>,
    channel: Option<String>,
    column: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u64>,
    saved: Option<u8>,
    deleted: Option<u8>,
}

impl ListQuery {
    pub(super) fn to_query(&self) -> PublicityQuery {
        PublicityQuery {
            org: self.org.clone(),
            channel: self.channel.clone(),
            column: self.column.clone(),
            from: date_of(&self.from),
            to: date_of(&self.to),
        }
    }

    /// The filters as the list's query string (no page).
    fn query_string(&self) -> String {
        query_string(&[
            ("org", self.org.as_deref()),
            ("channel", self.channel.as_deref()),
            ("column", self.column.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
        ])
    }

    /// The filters in words, for the audit row of an export.
    pub(super) fn described(&self) -> String {
        let some = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let mut parts = Vec::new();
        if let Some(o) = some(&self.org) {
            parts.push(format!("组织{o}（含下级）"));
        }
        if let Some(ch) = some(&self.channel) {
            parts.push(format!("平台「{ch}」"));
        }
        if let Some(col) = some(&self.column) {
            parts.push(format!("栏目「{col}」"));
        }
        let (f, t) = (some(&self.from), some(&self.to));
        if f.is_some() || t.is_some() {
            parts.push(format!(
                "日期{}至{}",
                f.unwrap_or_default(),
                t.unwrap_or_default()
            ));
        }
        if parts.is_empty() {
            "全部".into()
        } else {
            parts.join("；")
        }
    }
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
    let query = q.to_query();
    let (items, total) = publicity::search(c, &cu.ctx, &query, page, PER_PAGE).await?;
    let ids: Vec<i64> = items.iter().map(|(i, _, _)| i.id).collect();
    let cancelled = publicity::life::cancelled_among(c, &ids).await?;
    let (channels, columns) = publicity::used_values(c, &cu.ctx).await?;
    let rows = items
        .into_iter()
        .map(|(i, o, reposts)| Row {
            cancelled: cancelled.contains_key(&i.id),
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
    let base = q.query_string();
    let flash = match (q.saved, q.deleted) {
        (_, Some(_)) => Some("已删除".into()),
        (Some(_), _) => Some("已保存".into()),
        _ => None,
    };
    Ok(ListPage {
        layout: Layout::new(&cu, "宣传", "publicity").flash(flash),
        rows,
        orgs: visible_org_choices(&state, &cu).await?,
        channels,
        columns,
        org: q.org.unwrap_or_default(),
        channel: q.channel.unwrap_or_default(),
        column: q.column.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        export_query: base.clone(),
        can_export: cu.ctx.scope.allows(Module::Publicity, Permission::Export),
        pager: Pager::new(page, PER_PAGE, total, base),
        pager_path: "/publicity",
        can_add: cu.ctx.scope.allows(Module::Publicity, Permission::Write),
    })
}
