//! The year-end review (年度盘点) in the browser: choose an org and a period,
//! preview the composed review, edit its title, preface and closing, reorder
//! highlights, pick photos, download it (HTML, DOCX, PDF, XLSX, JSON); and the
//! org's outline, saved once and reused every year.
//!
//! The preview is drawn by our own template from [`report::model::Review`]
//! rather than by embedding `report::html::render`: that output is styled
//! with inline `style` attributes for the WeChat editor (the page CSP forbids
//! them) and inlines every photo as base64. The HTML download is the real one.

mod draft;
mod outline;

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::Datelike;
use db::entity::org;
use domain::{date::Period, stats::StatsDoc};
use report::{
    compose::{Edits, compose},
    model::Review,
    outline::Outline,
};

use super::Layout;
use crate::{
    AppState,
    auth::{CurrentUser, PageUser, urlencode},
    error::{PageError, PageResult},
    form::{FormErrors, FormPairs},
    org_choices::{OrgChoices, visible_org_choices},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/review", get(index))
        .route("/review/preview", post(preview))
        .merge(outline::router())
        .merge(draft::router())
}

/// The period as the draft is saved under (and as the CLI's `--period` takes
/// it): `2020`, `2020Q4`, `2020-07`, else `2020-03-01..2020-06-30`.
pub fn canonical(p: Period) -> String {
    let y = p.from.year();
    let candidates = [
        y.to_string(),
        format!("{y}Q{}", (p.from.month() - 1) / 3 + 1),
        format!("{y}-{:02}", p.from.month()),
    ];
    candidates
        .into_iter()
        .find(|c| Period::parse(c).ok() == Some(p))
        .unwrap_or_else(|| format!("{}..{}", p.from, p.to))
}

/// A period typed by the user, or a Chinese message naming the field.
pub fn parse_period(s: &str) -> Result<Period, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("请填写盘点期间，例如 2020".into());
    }
    Period::parse(s).map_err(|e| format!("盘点期间「{s}」无效：{e}"))
}

/// The URL of an org's draft for a period.
pub fn draft_url(org: &str, period: &str) -> String {
    format!("/review/{}/{}", urlencode(org), urlencode(period))
}

/// Everything a draft page or a download needs.
pub struct Composed {
    pub org: org::Model,
    pub period: Period,
    pub key: String,
    pub stats: std::sync::Arc<StatsDoc>,
    pub records: domain::review::Records,
    pub outline: Outline,
    pub edits: Edits,
    pub review: Review,
}

/// The outline the org's reviews use: its own saved outline, else its
/// nearest ancestor's, else the default one.
pub async fn outline_of(state: &AppState, cu: &CurrentUser, org: &str) -> PageResult<Outline> {
    match db::review::store::outline_in_use(&state.db.conn, &cu.ctx, org).await? {
        Some(o) => Outline::from_json(&o.json).map_err(|e| {
            let whose = if o.own {
                String::new()
            } else {
                format!("（沿用自{}）", o.org_name)
            };
            PageError::bad_request(format!("{e}{whose}（请在「盘点提纲」中修改或恢复默认）"))
        }),
        None => Ok(Outline::default()),
    }
}

/// Composes the review of `org` for `p` with the saved outline and draft.
pub async fn compose_for(
    state: &AppState,
    cu: &CurrentUser,
    org_code: &str,
    p: Period,
) -> PageResult<Composed> {
    let c = &state.db.conn;
    let org = db::org::find_visible(c, &cu.ctx, org_code).await?;
    let key = canonical(p);
    let stats = db::stats::stats_cached(&state.db, &cu.ctx, &org.code, p).await?;
    let records = db::review::records(c, &cu.ctx, &org.code, p).await?;
    let outline = outline_of(state, cu, &org.code).await?;
    let edits: Edits = match db::review::store::load_draft(c, &cu.ctx, &org.code, &key).await? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|_| PageError::bad_request("盘点草稿格式有误，请重新编辑后保存"))?,
        None => Edits::default(),
    };
    let review = compose(&stats, &records, &outline, &edits);
    Ok(Composed {
        org,
        period: p,
        key,
        stats,
        records,
        outline,
        edits,
        review,
    })
}

/// Every photo a highlight could show (best first: covers, then by date),
/// found by composing once with all photos chosen for every highlight.
pub fn candidates(c: &Composed, max: usize) -> BTreeMap<String, Vec<report::model::Photo>> {
    let mut acts: Vec<&domain::review::ActivityRecord> = c.records.activities.iter().collect();
    acts.sort_by_key(|a| a.start_date);
    let mut all: Vec<(bool, i64)> = Vec::new();
    for a in acts {
        for ph in &a.photos {
            all.push((!ph.is_cover, ph.id));
        }
    }
    // Stable: covers first, each group in date order.
    all.sort_by_key(|(not_cover, _)| *not_cover);
    let ids: Vec<i64> = all.into_iter().map(|(_, id)| id).collect();
    let edits = Edits {
        photos: c
            .outline
            .highlight_keys()
            .into_iter()
            .map(|k| (k.to_string(), ids.clone()))
            .collect(),
        ..c.edits.clone()
    };
    let full = compose(&c.stats, &c.records, &c.outline, &edits);
    let mut out = BTreeMap::new();
    for h in full.parts.iter().flat_map(|p| &p.highlights) {
        let mut seen = std::collections::HashSet::new();
        let photos: Vec<report::model::Photo> = h
            .sections
            .iter()
            .flat_map(|s| s.photos.iter())
            .filter(|p| seen.insert(p.id))
            .take(max)
            .cloned()
            .collect();
        out.insert(h.key.clone(), photos);
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "review/index.html")]
struct IndexPage {
    layout: Layout,
    orgs: std::sync::Arc<OrgChoices>,
    org: String,
    period: String,
    errors: FormErrors,
}

async fn index_page(
    state: &AppState,
    cu: &CurrentUser,
    org: String,
    period: String,
    errors: FormErrors,
) -> PageResult<IndexPage> {
    // The picker lists orgs: only for those who read the review.
    cu.ctx.require(
        domain::access::Module::Review,
        domain::access::Permission::Read,
    )?;
    Ok(IndexPage {
        layout: Layout::new(cu, "年度盘点", "review"),
        orgs: visible_org_choices(state, cu).await?,
        org,
        period,
        errors,
    })
}

async fn index(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<IndexPage> {
    // Reviews are written at year end, often early in the next year.
    let last_year = (db::time::today_beijing().year() - 1).to_string();
    index_page(&state, &cu, String::new(), last_year, FormErrors::default()).await
}

/// Checks the choice and opens the draft page (the draft itself is saved on
/// the first edit).
async fn preview(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = FormPairs(pairs);
    let (org, period) = (f.one("org"), f.one("period"));
    let mut errors = FormErrors::default();
    if org.is_empty() {
        errors.set("org", "请选择组织");
    }
    let p = match parse_period(&period) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.set("period", e);
            None
        }
    };
    if let (Some(p), true) = (p, errors.is_empty()) {
        // The org must be visible to the caller (404 otherwise).
        let o = db::org::find_visible(&state.db.conn, &cu.ctx, &org).await?;
        return Ok(Redirect::to(&draft_url(&o.code, &canonical(p))).into_response());
    }
    let page = index_page(&state, &cu, org, period, errors).await?;
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_saved_under_their_shortest_spelling() {
        let c = |s: &str| canonical(Period::parse(s).unwrap());
        assert_eq!(c("2020年"), "2020");
        assert_eq!(c("2020q4"), "2020Q4");
        assert_eq!(c("2020年7月"), "2020-07");
        assert_eq!(c("2020-03-01..2020-06-30"), "2020-03-01..2020-06-30");
        assert_eq!(c("2020-04-01..2020-06-30"), "2020Q2");
    }
}
