//! Pages of the `audit` area (审计日志): the append-only change trail and the
//! access log of plaintext views, each with filters an auditor needs.
//! Filter dates are Beijing dates; the database keeps UTC.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use db::audit::{self, AuditFilter};
use domain::audit::{AuditAction, AuditEntity, action_label, entity_label};
use serde::Deserialize;

use super::{Layout, Pager, page_of, query_string};
mod diff;

use crate::{
    AppState,
    auth::PageUser,
    error::{PageError, PageResult},
    form::FormErrors,
};

const PER_PAGE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list_changes))
        .route("/audit/views", get(list_views))
        .route("/audit/changes/{id}", get(show_change))
        .route("/audit/views/{id}", get(show_view))
}

/// The filter bar's choices: every action and entity, by label.
fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

fn actions() -> Vec<(&'static str, &'static str)> {
    choices(AuditAction::ALL, AuditAction::code, AuditAction::label)
}

fn entities() -> Vec<(&'static str, &'static str)> {
    choices(AuditEntity::ALL, AuditEntity::code, AuditEntity::label)
}

fn beijing(t: DateTime<Utc>) -> String {
    domain::date::beijing(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The start of a Beijing day, in UTC.
fn beijing_midnight(d: NaiveDate) -> DateTime<Utc> {
    domain::date::beijing_midnight_utc(d)
}

/// Filters as typed (kept on the page, and rebuilt into paging links).
#[derive(Deserialize, Default)]
struct FilterQuery {
    actor: Option<String>,
    entity: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

/// What the filter bar shows.
#[derive(Default)]
struct FilterForm {
    actor: String,
    entity: String,
    action: String,
    from: String,
    to: String,
}

impl FilterQuery {
    /// The repository filter, or field errors for unreadable dates.
    fn parse(&self) -> Result<AuditFilter, FormErrors> {
        let mut errors = FormErrors::default();
        let mut date = |field: &str, label: &str, v: &Option<String>| {
            let v = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.set(field, format!("{label}格式应为 2020-07-08"));
                    None
                }
            }
        };
        let from = date("from", "开始日期", &self.from);
        let to = date("to", "结束日期", &self.to);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            actor: self.actor.clone(),
            entity: self.entity.clone(),
            action: self.action.clone(),
            from: from.map(beijing_midnight),
            // The end date is inclusive: up to the next Beijing midnight.
            to: to.map(|d| beijing_midnight(d + Duration::days(1))),
        })
    }

    fn form(&self) -> FilterForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        FilterForm {
            actor: s(&self.actor),
            entity: s(&self.entity),
            action: s(&self.action),
            from: s(&self.from),
            to: s(&self.to),
        }
    }

    fn pager(&self, total: u64) -> Pager {
        let base = query_string(&[
            ("actor", self.actor.as_deref()),
            ("entity", self.entity.as_deref()),
            ("action", self.action.as_deref()),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
        ]);
        Pager::new(self.page(), PER_PAGE, total, base)
    }

    fn page(&self) -> u64 {
        page_of(self.page.as_deref().and_then(|p| p.parse().ok()))
    }
}

struct ChangeLine {
    id: i64,
    at: String,
    actor: String,
    ip: String,
    action: String,
    entity: String,
    entity_id: String,
    summary: String,
    /// The row carried a before or an after.
    has_data: bool,
    diff: Vec<diff::DiffLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/changes.html")]
struct ChangesPage {
    layout: Layout,
    filter: FilterForm,
    actions: Vec<(&'static str, &'static str)>,
    entities: Vec<(&'static str, &'static str)>,
    rows: Vec<ChangeLine>,
    pager: Pager,
    errors: FormErrors,
}

async fn list_changes(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(fq): Query<FilterQuery>,
) -> PageResult<Response> {
    let (filter, errors, status) = match fq.parse() {
        Ok(f) => (f, FormErrors::default(), StatusCode::OK),
        // Show the message, and no rows rather than unfiltered ones.
        Err(e) => (AuditFilter::default(), e, StatusCode::BAD_REQUEST),
    };
    let page = audit::list_changes(&state.db.conn, &cu.ctx, &filter, fq.page(), PER_PAGE).await?;
    let (items, total) = if errors.is_empty() {
        (page.items, page.total)
    } else {
        (Vec::new(), 0)
    };
    let rows = items.into_iter().map(change_line).collect();
    let body = ChangesPage {
        layout: Layout::new(&cu, "审计日志", "audit"),
        filter: fq.form(),
        actions: actions(),
        entities: entities(),
        rows,
        pager: fq.pager(total),
        errors,
    };
    Ok((status, body).into_response())
}

struct ViewLine {
    id: i64,
    at: String,
    actor: String,
    ip: String,
    entity: String,
    entity_id: String,
    field: String,
    purpose: String,
}

fn field_label(code: &str) -> String {
    match code {
        "id_number" => "身份证号",
        "phone" => "手机号",
        "bank_card" => "银行卡号",
        "name" => "姓名",
        other => other,
    }
    .to_string()
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/views.html")]
struct ViewsPage {
    layout: Layout,
    filter: FilterForm,
    entities: Vec<(&'static str, &'static str)>,
    rows: Vec<ViewLine>,
    pager: Pager,
    errors: FormErrors,
}

async fn list_views(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(fq): Query<FilterQuery>,
) -> PageResult<Response> {
    let (filter, errors, status) = match fq.parse() {
        Ok(f) => (f, FormErrors::default(), StatusCode::OK),
        Err(e) => (AuditFilter::default(), e, StatusCode::BAD_REQUEST),
    };
    let page = audit::list_views(&state.db.conn, &cu.ctx, &filter, fq.page(), PER_PAGE).await?;
    let (items, total) = if errors.is_empty() {
        (page.items, page.total)
    } else {
        (Vec::new(), 0)
    };
    let rows = items.into_iter().map(view_line).collect();
    let body = ViewsPage {
        layout: Layout::new(&cu, "明文查看记录", "audit"),
        filter: fq.form(),
        entities: entities(),
        rows,
        pager: fq.pager(total),
        errors,
    };
    Ok((status, body).into_response())
}

fn change_line(r: db::entity::audit_log::Model) -> ChangeLine {
    ChangeLine {
        id: r.id,
        at: beijing(r.at),
        actor: r.actor_name,
        ip: r.ip.unwrap_or_else(|| "—".into()),
        action: action_label(&r.action),
        entity: entity_label(&r.entity),
        entity_id: r.entity_id.unwrap_or_default(),
        summary: r.summary,
        has_data: r.before_json.is_some() || r.after_json.is_some(),
        diff: diff::lines(r.before_json.as_deref(), r.after_json.as_deref()),
    }
}

fn view_line(r: db::entity::access_log::Model) -> ViewLine {
    ViewLine {
        id: r.id,
        at: beijing(r.at),
        actor: r.actor_name,
        ip: r.ip.unwrap_or_else(|| "—".into()),
        entity: entity_label(&r.entity),
        entity_id: r.entity_id,
        field: field_label(&r.field),
        purpose: r.purpose,
    }
}

/// A record number from the path; anything else reads as absent.
fn record_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/change.html")]
struct ChangePage {
    layout: Layout,
    r: ChangeLine,
}

/// One change, through the same scope check as the list (404 outside it).
async fn show_change(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<ChangePage> {
    let row = audit::get_change(&state.db.conn, &cu.ctx, record_id(&id)?).await?;
    Ok(ChangePage {
        layout: Layout::new(&cu, "审计日志", "audit"),
        r: change_line(row),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/view.html")]
struct ViewPage {
    layout: Layout,
    r: ViewLine,
}

/// One plaintext view, through the same scope check as the list.
async fn show_view(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<ViewPage> {
    let row = audit::get_view(&state.db.conn, &cu.ctx, record_id(&id)?).await?;
    Ok(ViewPage {
        layout: Layout::new(&cu, "明文查看记录", "audit"),
        r: view_line(row),
    })
}
