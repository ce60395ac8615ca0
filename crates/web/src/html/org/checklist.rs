//! The standardization workbook (规范化建设工作手册): the county's overview
//! (items of the year, completion by township, entries waiting for review) and
//! one org's workbook with fill and review forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use db::{
    entity::{checklist_item, org},
    org::{
        browse,
        checklist::{self as repo, Completion},
        workbook as book,
    },
};
use domain::{
    access::{Module, Permission},
    checklist::{ReviewAction, ReviewState},
    kinds::OrgKind,
};
use serde::Deserialize;

use super::{super::Layout, begin, can_capture, flash, settle, this_year};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::{FormErrors, opt},
};

/// A year from a query or form: 2000..=2100, else the current year.
fn year_of(y: Option<&str>) -> i32 {
    y.and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year)
}

pub struct PendingRow {
    pub org_code: String,
    pub org_name: String,
    pub title: String,
    pub state: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "checklist/overview.html")]
pub struct OverviewPage {
    layout: Layout,
    o: org::Model,
    year: i32,
    items: Vec<checklist_item::Model>,
    completion: Vec<Completion>,
    pending: Vec<PendingRow>,
    can_add: bool,
    /// Header of the completion table: 乡镇 under a county, 下级组织 elsewhere.
    child_label: &'static str,
    title: String,
    guidance: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    org: Option<String>,
    year: Option<String>,
    ok: Option<String>,
}

/// `GET /checklist`: the overview for those who approve at county level; others
/// are taken to the workbook of the top of their scope.
pub async fn overview(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<OverviewQuery>,
) -> PageResult<Response> {
    let year = year_of(q.year.as_deref());
    let code = match q.org.filter(|c| !c.trim().is_empty()) {
        Some(c) => c,
        None => browse::visible_roots(&state.db.conn, &cu.ctx)
            .await?
            .into_iter()
            .next()
            .map(|o| o.code)
            .ok_or_else(PageError::not_found)?,
    };
    if !cu.ctx.scope.allows(Module::Org, Permission::Approve) {
        let o = db::org::find_visible(&state.db.conn, &cu.ctx, &code).await?;
        return Ok(
            Redirect::to(&format!("/orgs/{}/checklist?year={year}", o.code)).into_response(),
        );
    }
    let page = overview_page(&state, &cu, &code, year, FormErrors::default()).await?;
    Ok(OverviewPage {
        layout: page.layout.flash(flash(q.ok.as_deref())),
        ..page
    }
    .into_response())
}

async fn overview_page(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    year: i32,
    errors: FormErrors,
) -> PageResult<OverviewPage> {
    let c = &state.db.conn;
    let o = db::org::find_visible(c, &cu.ctx, code).await?;
    let items = repo::items_for(c, &o, year).await?;
    let completion = repo::completion_by_child(c, &cu.ctx, &o.code, year).await?;
    let pending = book::pending_under(c, &cu.ctx, &o, year, 100)
        .await?
        .into_iter()
        .map(|(e, i, eo)| PendingRow {
            org_code: eo.code,
            org_name: eo.name,
            title: i.title,
            state: ReviewState::from_code(&e.review_state).map_or("", |s| s.label()),
        })
        .collect();
    Ok(OverviewPage {
        layout: Layout::new(cu, format!("{year}年规范化建设"), "checklist"),
        can_add: can_capture(cu, &o) && cu.ctx.scope.allows(Module::Org, Permission::Approve),
        child_label: if o.kind == OrgKind::County.code() {
            "乡镇"
        } else {
            "下级组织"
        },
        o,
        year,
        items,
        completion,
        pending,
        title: String::new(),
        guidance: String::new(),
        errors,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemForm {
    org: String,
    year: String,
    title: String,
    guidance: String,
}

/// `POST /checklist`: the county adds an item to the year's checklist.
pub async fn add_item(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(f): Form<ItemForm>,
) -> PageResult<Response> {
    if !cu.ctx.scope.allows(Module::Org, Permission::Approve) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有县级审批人员可以制定检查项",
        ));
    }
    let o = db::org::find_visible(&state.db.conn, &cu.ctx, &f.org).await?;
    let year = year_of(Some(&f.year));
    let txn = begin(&state).await?;
    let r = repo::add_item(
        &txn,
        &cu.ctx,
        &o.code,
        year,
        &f.title,
        opt(&Some(f.guidance.clone())),
    )
    .await;
    match settle(txn, r).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/checklist?org={}&year={year}&ok=item", o.code)).into_response(),
        ),
        Err(e) => {
            let errors = FormErrors::from_db(e)?;
            let mut page = overview_page(&state, &cu, &o.code, year, errors).await?;
            page.title = f.title;
            page.guidance = f.guidance;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

/// One line of a workbook as the template shows it.
pub struct Line {
    pub item_id: i64,
    pub seq: i32,
    pub title: String,
    pub guidance: String,
    pub entry_id: Option<i64>,
    pub done: bool,
    pub evidence: String,
    pub state: &'static str,
    pub note: String,
    pub can_fill: bool,
    /// The approve action code (`township_approve` / `county_approve`).
    pub approve: Option<&'static str>,
    pub can_return: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "checklist/workbook.html")]
pub struct WorkbookPage {
    layout: Layout,
    o: org::Model,
    crumbs: Vec<org::Model>,
    year: i32,
    lines: Vec<Line>,
    error: Option<String>,
    approver: bool,
}

#[derive(Deserialize)]
pub struct WorkbookQuery {
    year: Option<String>,
    ok: Option<String>,
}

fn action_code(a: ReviewAction) -> &'static str {
    match a {
        ReviewAction::TownshipApprove => "township_approve",
        ReviewAction::CountyApprove => "county_approve",
        ReviewAction::Return => "return",
        ReviewAction::Fill => "fill",
    }
}

async fn workbook_page(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    year: i32,
    error: Option<String>,
) -> PageResult<WorkbookPage> {
    let c = &state.db.conn;
    let (o, rows) = book::workbook(c, &cu.ctx, code, year).await?;
    let crumbs = db::org::ancestors(c, &cu.ctx, &o).await?;
    let lines = rows
        .into_iter()
        .map(|r| Line {
            item_id: r.item.id,
            seq: r.item.seq,
            title: r.item.title,
            guidance: r.item.guidance.unwrap_or_default(),
            entry_id: r.entry.as_ref().map(|e| e.id),
            done: r.entry.as_ref().is_some_and(|e| e.done),
            evidence: r
                .entry
                .as_ref()
                .and_then(|e| e.evidence.clone())
                .unwrap_or_default(),
            state: r.state.map_or("未填写", |s| s.label()),
            note: r
                .entry
                .as_ref()
                .and_then(|e| e.review_note.clone())
                .unwrap_or_default(),
            can_fill: r.can_fill,
            approve: r.approve.map(action_code),
            can_return: r.can_return,
        })
        .collect();
    Ok(WorkbookPage {
        layout: Layout::new(cu, format!("{}规范化建设", o.name), "checklist"),
        approver: cu.ctx.scope.allows(Module::Org, Permission::Approve),
        o,
        crumbs,
        year,
        lines,
        error,
    })
}

/// `GET /orgs/{code}/checklist?year=`.
pub async fn workbook(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Query(q): Query<WorkbookQuery>,
) -> PageResult<WorkbookPage> {
    let page = workbook_page(&state, &cu, &code, year_of(q.year.as_deref()), None).await?;
    Ok(WorkbookPage {
        layout: page.layout.flash(flash(q.ok.as_deref())),
        ..page
    })
}

/// A refused fill or review: the workbook again, with the reason on top.
async fn refused(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    year: i32,
    e: db::DbError,
) -> PageResult<Response> {
    let PageError { status, message } = PageError::from(e);
    if status == StatusCode::NOT_FOUND || status.is_server_error() {
        return Err(PageError { status, message });
    }
    let page = workbook_page(state, cu, code, year, Some(message)).await?;
    Ok((status, page).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FillForm {
    item_id: i64,
    year: String,
    done: Option<String>,
    evidence: String,
}

/// `POST /orgs/{code}/checklist`: the org fills in one item.
pub async fn fill(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<FillForm>,
) -> PageResult<Response> {
    let year = year_of(Some(&f.year));
    let txn = begin(&state).await?;
    let r = repo::fill(
        &txn,
        &cu.ctx,
        f.item_id,
        &code,
        f.done.is_some(),
        opt(&Some(f.evidence.clone())),
    )
    .await;
    match settle(txn, r).await {
        Ok(_) => {
            let o = db::org::find_visible(&state.db.conn, &cu.ctx, &code).await?;
            Ok(
                Redirect::to(&format!("/orgs/{}/checklist?year={year}&ok=filled", o.code))
                    .into_response(),
            )
        }
        Err(e) => refused(&state, &cu, &code, year, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    action: String,
    note: String,
}

/// `POST /checklist/entries/{id}/review`: 通过 (township or county step) or 退回.
pub async fn review(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult<Response> {
    let (_, item, entry_org) = book::find_entry(&state.db.conn, &cu.ctx, id).await?;
    let year = item.year;
    let action = match f.action.as_str() {
        "township_approve" => ReviewAction::TownshipApprove,
        "county_approve" => ReviewAction::CountyApprove,
        "return" => ReviewAction::Return,
        _ => return Err(PageError::bad_request("审核操作无效，请选择通过或退回")),
    };
    let txn = begin(&state).await?;
    let r = repo::review(&txn, &cu.ctx, id, action, opt(&Some(f.note.clone()))).await;
    match settle(txn, r).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/orgs/{}/checklist?year={year}&ok=reviewed",
            entry_org.code
        ))
        .into_response()),
        Err(e) => refused(&state, &cu, &entry_org.code, year, e).await,
    }
}
