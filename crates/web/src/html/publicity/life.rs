//! A publicity item's page and record life (`db::publicity::life`): the
//! item with its reposts, 修改 / 取消 / 恢复 / 删除 from the kit's actions,
//! a confirm page before 删除, and the list's 导出Excel of exactly its
//! filters. Every POST passes the same-origin check; an item out of the
//! caller's sight is 404, one she only reads shows no actions.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::publicity::{self, life};
use domain::{
    access::{Module, Permission},
    kinds::Level,
};
use serde::Deserialize;

use super::{ListQuery, RepostBadge};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    export::{self, OutCell, text},
    form::FormErrors,
    html::{
        Layout,
        kit::life::{Actions, Cancelled, step},
    },
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/publicity/export", get(export_list))
        .route("/publicity/{id}", get(show))
        .route("/publicity/{id}/cancel", post(cancel))
        .route("/publicity/{id}/restore", post(restore))
        .route("/publicity/{id}/delete", get(confirm).post(delete))
}

fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

#[derive(Template, WebTemplate)]
#[template(path = "publicity/detail.html")]
struct DetailPage {
    layout: Layout,
    title: String,
    facts: Vec<(&'static str, String)>,
    link: String,
    reposts: Vec<RepostBadge>,
    life: Actions,
    general: Option<String>,
}

async fn detail(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> PageResult<DetailPage> {
    let c = &state.db.conn;
    let (item, o, reposts) = publicity::get(c, &cu.ctx, id).await?;
    let can_edit = cu.ctx.scope.allows(Module::Publicity, Permission::Write)
        && cu.ctx.scope.can_capture_path(&o.path);
    let can_delete = can_edit && life::plan_delete(c, &cu.ctx, id).await.is_ok();
    let activity = match item.activity_id {
        Some(aid) => db::activity::get(c, &cu.ctx, aid)
            .await
            .map(|(a, _, _)| format!("{} {}", a.start_date, a.name))
            .unwrap_or_default(),
        None => String::new(),
    };
    let cancelled = life::cancellation(c, id).await?;
    let facts = vec![
        ("发布日期", item.published_on.to_string()),
        ("发布平台", item.channel.clone()),
        ("栏目", item.column_name.clone().unwrap_or_default()),
        ("发布组织", o.name.clone()),
        ("报道的活动", activity),
    ];
    Ok(DetailPage {
        layout: Layout::new(cu, item.title.clone(), "publicity"),
        title: item.title,
        facts: facts.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        link: item.link.unwrap_or_default(),
        reposts: reposts
            .into_iter()
            .map(|r| RepostBadge {
                level: Level::from_code(&r.level).map_or("", Level::label),
                by: r.by_name,
            })
            .collect(),
        life: Actions {
            base: format!("/publicity/{id}"),
            what: "稿件",
            can_edit,
            can_delete,
            cancelled: cancelled.as_ref().map(Cancelled::of),
            reason_error: errors.get("reason").map(String::from),
        },
        general: errors.general.clone(),
    })
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    saved: Option<u8>,
}

async fn show(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult<DetailPage> {
    let mut page = detail(&state, &cu, parse_id(&id)?, FormErrors::default()).await?;
    page.layout = page.layout.flash(q.saved.map(|_| "已保存".into()));
    Ok(page)
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// A step's outcome: back to the page, or the page with what was refused.
async fn after_step(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    outcome: Result<Response, (axum::http::StatusCode, FormErrors)>,
) -> PageResult<Response> {
    match outcome {
        Ok(done) => Ok(done),
        Err((status, errors)) => Ok((status, detail(state, cu, id, errors).await?).into_response()),
    }
}

async fn cancel(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<CancelForm>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let back = format!("/publicity/{id}?saved=1");
    let outcome = step(&state, &back, async |t| {
        life::cancel(t, &cu.ctx, id, &f.reason).await
    })
    .await?;
    after_step(&state, &cu, id, outcome).await
}

async fn restore(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let back = format!("/publicity/{id}?saved=1");
    let outcome = step(&state, &back, async |t| life::restore(t, &cu.ctx, id).await).await?;
    after_step(&state, &cu, id, outcome).await
}

#[derive(Template, WebTemplate)]
#[template(path = "publicity/delete.html")]
struct ConfirmPage {
    layout: Layout,
    id: i64,
    title: String,
    date: String,
    org: String,
    reposts: u64,
}

async fn confirm(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<ConfirmPage> {
    let id = parse_id(&id)?;
    let (i, o, reposts) = life::plan_delete(&state.db.conn, &cu.ctx, id).await?;
    Ok(ConfirmPage {
        layout: Layout::new(&cu, format!("删除宣传稿件：{}", i.title), "publicity"),
        id,
        title: i.title,
        date: i.published_on.to_string(),
        org: o.name,
        reposts,
    })
}

async fn delete(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    state
        .db
        .write(async |t| life::delete(t, &cu.ctx, id).await)
        .await?;
    Ok(Redirect::to("/publicity?deleted=1").into_response())
}

const HEADERS: &[&str] = &[
    "发布日期",
    "标题",
    "发布平台",
    "栏目",
    "发布组织",
    "发布组织编码",
    "链接",
    "转载方",
    "状态",
    "取消原因",
];

/// 导出Excel: the list's items under exactly its filters (the same query
/// string), in the caller's scope, at most `export::MAX_ROWS`; audited as an
/// `export`. Items carry no person-level data, so no 用途 is asked.
async fn export_list(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Publicity, Permission::Export)?;
    let query = q.to_query();
    let c = &state.db.read;
    let (items, total) =
        publicity::search(c, &cu.ctx, &query, 1, export::MAX_ROWS as u64 + 1).await?;
    export::check_size(total as usize)?;
    let ids: Vec<i64> = items.iter().map(|(i, _, _)| i.id).collect();
    let reasons = life::cancelled_among(c, &ids).await?;
    let cells: Vec<Vec<OutCell>> = items
        .iter()
        .map(|(i, o, reposts)| {
            let by: Vec<String> = reposts
                .iter()
                .map(|r| {
                    let level = Level::from_code(&r.level)
                        .map_or_else(|| r.level.clone(), |l| l.label().to_string());
                    format!("{}:{level}", r.by_name)
                })
                .collect();
            vec![
                OutCell::Date(i.published_on),
                text(i.title.clone()),
                text(i.channel.clone()),
                text(i.column_name.clone().unwrap_or_default()),
                text(o.name.clone()),
                text(o.code.clone()),
                text(i.link.clone().unwrap_or_default()),
                text(by.join(";")),
                text(if reasons.contains_key(&i.id) {
                    "已取消"
                } else {
                    "已发布"
                }),
                text(reasons.get(&i.id).cloned().unwrap_or_default()),
            ]
        })
        .collect();
    let org_id = match query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // The list found it, so it is visible.
        Some(code) => Some(db::org::find_visible(c, &cu.ctx, code).await?.id),
        None => None,
    };
    let summary = format!("导出宣传列表（{}条；筛选：{}）", cells.len(), q.described());
    state
        .db
        .write(async |tx| {
            db::life::exported(
                tx,
                &cu.ctx,
                domain::audit::AuditEntity::PublicityItem,
                summary,
                org_id,
            )
            .await
        })
        .await?;
    let today = db::time::today_beijing();
    export::xlsx(
        &format!("宣传列表-{today}.xlsx"),
        &format!("publicity-{today}.xlsx"),
        "宣传",
        HEADERS,
        cells,
    )
    .await
}
