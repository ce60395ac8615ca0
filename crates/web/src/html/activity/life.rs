//! An activity's record life on its pages (`db::activity::life`): 取消 with
//! a reason and 恢复 from its page, 删除 after a confirm page that says what
//! goes with it, and the list's 导出Excel of exactly its filters
//! (`crate::export`). Every POST passes the same-origin check (`csrf`); an
//! activity out of the caller's sight is 404, one she only reads is 403.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::{
    DbError,
    activity::{self, export::ExportRow, life::Removal},
    entity::activity as activity_entity,
};
use domain::{
    access::{Module, Permission},
    activity::{ActivityKind, ActivityStatus},
    life::Authorship,
};
use serde::Deserialize;

use super::{ListQuery, detail::detail};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    export::{self, OutCell, text},
    form::{begin, commit},
    html::Layout,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities/export", get(export_list))
        .route("/activities/{id}/cancel", post(cancel))
        .route("/activities/{id}/restore", post(restore))
        .route("/activities/{id}/delete", get(confirm).post(delete))
}

fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

pub use crate::html::kit::life::Cancelled;

/// Whether the page offers 删除 (the caller already may change it): the
/// repository judges again when she asks.
pub fn may_delete(cu: &CurrentUser, author: Option<Authorship>) -> bool {
    domain::life::may_delete(
        cu.ctx.scope.allows(Module::Activity, Permission::Admin),
        cu.ctx.user_id(),
        author,
        chrono::Utc::now(),
    )
    .is_ok()
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<CancelForm>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    step(&state, &cu, id, async |t| {
        activity::life::cancel(t, &cu.ctx, id, &f.reason)
            .await
            .map(|_| ())
    })
    .await
}

async fn restore(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    step(&state, &cu, id, async |t| {
        activity::life::restore(t, &cu.ctx, id).await.map(|_| ())
    })
    .await
}

/// Runs a cancel or restore (`kit::life::step`), then back to the page; a
/// refused one shows the page again with what was refused.
async fn step<F>(state: &AppState, cu: &CurrentUser, id: i64, f: F) -> PageResult<Response>
where
    F: AsyncFnOnce(&db::sea_orm::DatabaseTransaction) -> Result<(), DbError>,
{
    let back = format!("/activities/{id}?saved=1");
    match crate::html::kit::life::step(state, &back, f).await? {
        Ok(done) => Ok(done),
        Err((status, errors)) => {
            Ok((status, detail(state, cu, id, errors, None).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/delete.html")]
struct ConfirmPage {
    layout: Layout,
    a: activity_entity::Model,
    org: String,
    removal: Removal,
}

async fn confirm(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<ConfirmPage> {
    let id = parse_id(&id)?;
    let (a, o, removal) = activity::life::plan_delete(&state.db.conn, &cu.ctx, id).await?;
    Ok(ConfirmPage {
        layout: Layout::new(&cu, format!("删除活动：{}", a.name), "activity"),
        org: o.name,
        removal,
        a,
    })
}

async fn delete(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let files = activity::photo::Staged::new(&state.config.data_dir);
    let txn = begin(&state).await?;
    match activity::life::delete(&txn, &cu.ctx, &files, id).await {
        Ok(_) => {
            commit(txn).await?;
            // Only now: a rolled-back delete left every photo file in place.
            activity::photo::place(&files);
            Ok(Redirect::to("/activities?deleted=1").into_response())
        }
        Err(e) => {
            drop(txn);
            Err(e.into())
        }
    }
}

const HEADERS: &[&str] = &[
    "活动编号",
    "活动名称",
    "品牌项目",
    "活动类型",
    "状态",
    "取消原因",
    "主办组织",
    "主办组织编码",
    "开始日期",
    "结束日期",
    "形式",
    "地点",
    "联合单位",
    "覆盖单位数",
    "参与人数",
    "照片数",
];

fn cells(r: &ExportRow, programmes: &std::collections::HashMap<i64, String>) -> Vec<OutCell> {
    let a = &r.activity;
    let participants = domain::activity::participants(r.roster_people, a.head_count.map(i64::from));
    let opt_int = |n: Option<i32>| n.map_or(OutCell::Empty, |n| OutCell::Int(n.into()));
    vec![
        text(a.code.clone()),
        text(a.name.clone()),
        text(
            a.programme_id
                .and_then(|p| programmes.get(&p).cloned())
                .unwrap_or_default(),
        ),
        text(ActivityKind::from_code(&a.kind).map_or(a.kind.as_str(), |k| k.label())),
        text(ActivityStatus::from_code(&a.status).map_or(a.status.as_str(), |s| s.label())),
        text(r.cancel_reason.clone().unwrap_or_default()),
        text(r.org.name.clone()),
        text(r.org.code.clone()),
        OutCell::Date(a.start_date),
        OutCell::Date(a.end_date),
        text(if a.online { "线上" } else { "线下" }),
        text(a.place.clone().unwrap_or_default()),
        text(a.partners.clone().unwrap_or_default()),
        opt_int(a.units_reached),
        if r.roster_people == 0 && a.head_count.is_none() {
            OutCell::Empty
        } else {
            OutCell::Int(participants as i64)
        },
        OutCell::Int(r.photos as i64),
    ]
}

/// The filters in words, for the audit row.
fn described(q: &ListQuery, query: &db::activity::ActivityQuery) -> String {
    let mut parts = Vec::new();
    let some = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    if let Some(t) = some(&q.q) {
        parts.push(format!("关键词「{t}」"));
    }
    if let Some(o) = some(&q.org) {
        parts.push(format!(
            "组织{o}（{}）",
            if query.only { "仅本级" } else { "含下级" }
        ));
    }
    if let Some(p) = some(&q.programme) {
        parts.push(format!("品牌项目「{p}」"));
    }
    if let Some(k) = some(&q.kind) {
        parts.push(format!(
            "类型{}",
            ActivityKind::from_code(&k).map_or(k.as_str(), |k| k.label())
        ));
    }
    if let Some(s) = query.status.as_deref().and_then(ActivityStatus::from_code) {
        parts.push(format!("状态{}", s.label()));
    }
    match (query.from, query.to) {
        (None, None) => {}
        (f, t) => parts.push(format!(
            "日期{}至{}",
            f.map(|d| d.to_string()).unwrap_or_default(),
            t.map(|d| d.to_string()).unwrap_or_default()
        )),
    }
    if parts.is_empty() {
        "全部".into()
    } else {
        parts.join("；")
    }
}

/// 导出Excel: the list's rows under exactly its filters (the same query
/// string), in the caller's scope, at most `export::MAX_ROWS`. Audited as
/// an `export`; the list carries no person-level data (counts, never a
/// roster's names), so no 用途 is asked, unlike the ledger export.
async fn export_list(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Activity, Permission::Export)?;
    let query = q.to_query()?;
    let ids = activity::matching_ids(&state.db, &cu.ctx, &query).await?;
    export::check_size(ids.len())?;
    let rows = activity::export::rows(&state.db.read, &cu.ctx, &ids).await?;
    let names = activity::programme::names_cached(&state.db, &cu.ctx).await?;
    let cells: Vec<Vec<OutCell>> = rows.iter().map(|r| cells(r, &names)).collect();
    let org_id = match query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // The list found it, so it is visible.
        Some(code) => Some(
            db::org::find_visible(&state.db.read, &cu.ctx, code)
                .await?
                .id,
        ),
        None => None,
    };
    state
        .db
        .write(async |tx| {
            activity::export::log(tx, &cu.ctx, rows.len(), &described(&q, &query), org_id).await
        })
        .await?;
    let today = db::time::today_beijing();
    export::xlsx(
        &format!("活动列表-{today}.xlsx"),
        &format!("activities-{today}.xlsx"),
        "活动",
        HEADERS,
        cells,
    )
    .await
}
