//! Pages of the activity area (活动): the list, the two-minute phone form
//! (with photos from the camera), an activity's page with its roster, works and
//! photos, and the scoped photo files.

mod detail;
mod edit;
mod form;
pub use form::UPLOAD_LIMIT;
mod life;
mod photo;
pub(super) mod todo;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Query, State},
    routing::get,
};
use db::{
    activity::{self, ActivityQuery},
    entity::{activity as activity_entity, org},
};
use domain::activity::{ActivityKind, ActivityStatus};
use serde::Deserialize;

use super::{Layout, Pager, page_of, query_string};
use crate::{
    AppState,
    auth::PageUser,
    error::{PageError, PageResult},
};

const PER_PAGE: u64 = 30;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities", get(list))
        .merge(form::router())
        .merge(detail::router())
        .merge(life::router())
        .merge(photo::router())
}

/// One line of the list.
pub struct Row {
    pub id: i64,
    pub date: String,
    pub name: String,
    pub programme: String,
    pub kind: String,
    pub org: String,
    pub head: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    q: String,
    org: String,
    kind: String,
    status: String,
    from: String,
    to: String,
    only: bool,
    /// The org filter in words (`茅坪镇妇联（含下级）`): the box shows a code.
    org_note: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    pager: Pager,
    pager_path: &'static str,
    can_add: bool,
    /// 导出Excel of exactly these filters, for callers who may export.
    export_href: Option<String>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    org: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `true`: the org itself, without its subtree (the dashboard's 本级 row).
    only: Option<String>,
    programme: Option<String>,
    page: Option<u64>,
    /// Set by a delete's redirect: the list says the activity is gone.
    deleted: Option<u8>,
}

impl ListQuery {
    /// The repository's filters, read the same way by the list and its
    /// export, with the status as a code and `only` as a flag.
    fn to_query(&self) -> PageResult<ActivityQuery> {
        let status = status_of(self.status.as_deref())?;
        Ok(ActivityQuery {
            q: self.q.clone(),
            org: self.org.clone(),
            programme: self.programme.clone(),
            kind: self.kind.clone(),
            status: status.map(str::to_string),
            from: date_of(&self.from),
            to: date_of(&self.to),
            only: matches!(self.only.as_deref(), Some("true" | "1" | "on")),
        })
    }

    /// The filters as a query string (paging links, the export link).
    fn base(&self, query: &ActivityQuery) -> String {
        query_string(&[
            ("q", self.q.as_deref()),
            ("org", self.org.as_deref()),
            ("kind", self.kind.as_deref()),
            ("status", query.status.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
            ("only", query.only.then_some("true")),
            ("programme", self.programme.as_deref()),
        ])
    }
}

/// The status filter as a code, or a message naming the field.
fn status_of(s: Option<&str>) -> PageResult<Option<&'static str>> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    ActivityStatus::from_code(s)
        .or_else(|| ActivityStatus::from_label(s))
        .map(|st| Some(st.code()))
        .ok_or_else(|| PageError::bad_request(format!("状态「{s}」无效：应为计划、已开展或已取消")))
}

fn date_of(s: &Option<String>) -> Option<chrono::NaiveDate> {
    s.as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| domain::date::parse_date(s).ok())
}

pub fn row_of(
    a: &activity_entity::Model,
    o: &org::Model,
    programmes: &std::collections::HashMap<i64, String>,
) -> Row {
    let date = if a.end_date > a.start_date {
        format!("{} 至 {}", a.start_date, a.end_date)
    } else {
        a.start_date.to_string()
    };
    Row {
        id: a.id,
        date,
        name: a.name.clone(),
        programme: a
            .programme_id
            .and_then(|p| programmes.get(&p).cloned())
            .unwrap_or_default(),
        kind: ActivityKind::from_code(&a.kind)
            .map_or("", |k| k.label())
            .to_string(),
        org: o.name.clone(),
        head: a.head_count.map(|n| n.to_string()).unwrap_or_default(),
    }
}

async fn list(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<ListPage> {
    let c = &state.db.read;
    let page = page_of(q.page);
    let query = q.to_query()?;
    let only = query.only;
    let (rows, total) = activity::list(&state.db, &cu.ctx, &query, page, PER_PAGE).await?;
    let org_note = match query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // The list found it, so it is visible.
        Some(code) => db::org::find_visible(c, &cu.ctx, code)
            .await
            .ok()
            .map(|o| format!("{}（{}）", o.name, if only { "仅本级" } else { "含下级" })),
        None => None,
    };
    let names = db::activity::programme::names_cached(&state.db, &cu.ctx).await?;
    let base = q.base(&query);
    let export_href = cu
        .ctx
        .scope
        .allows(
            domain::access::Module::Activity,
            domain::access::Permission::Export,
        )
        .then(|| format!("/activities/export?{base}"));
    Ok(ListPage {
        can_add: cu.ctx.scope.allows(
            domain::access::Module::Activity,
            domain::access::Permission::Write,
        ),
        export_href,
        layout: Layout::new(&cu, "活动", "activity")
            .flash(q.deleted.map(|_| "活动已删除".to_string())),
        rows: rows.iter().map(|(a, o)| row_of(a, o, &names)).collect(),
        q: q.q.unwrap_or_default(),
        org: q.org.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        status: query.status.clone().unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        only,
        org_note,
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        statuses: ActivityStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        pager: Pager::new(page, PER_PAGE, total, base),
        pager_path: "/activities",
    })
}
