//! An org's page (`/orgs/{code}`): where it sits, what hangs on it, its recent
//! work and, for those who may change it, the actions; plus closing (撤销).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use db::{
    entity::org,
    org::{browse, officer::OfficerView},
};
use domain::kinds::{Level, NewFieldType, VenueKind, VenueRating};
use serde::Deserialize;

use super::{
    super::{Layout, Pager, page_of},
    begin, can_capture, flash, settle, show_date,
    tree::kind_label,
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
};

const SURVEYS_PER_PAGE: u64 = 20;
const RECENT: u64 = 8;

pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub founded: String,
    pub closed: bool,
}

pub struct VenueRow {
    pub name: String,
    pub kind: String,
    pub opened: String,
    pub rating: String,
}

pub struct SurveyRow {
    pub date: String,
    pub org_code: String,
    pub org_name: String,
    pub surveyor: String,
    pub highlights: String,
    pub shortcomings: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "org/show.html")]
pub struct OrgPage {
    layout: Layout,
    o: org::Model,
    kind: String,
    new_field_type: Option<String>,
    founded: String,
    closed: Option<String>,
    crumbs: Vec<org::Model>,
    children: Vec<ChildRow>,
    venues: Vec<VenueRow>,
    officers: Vec<OfficerView>,
    surveys: Vec<SurveyRow>,
    pager: Pager,
    recent: Vec<browse::RecentItem>,
    can_capture: bool,
    is_root: bool,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    ok: Option<String>,
    page: Option<u64>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult<OrgPage> {
    let page = org_page(&state, &cu, &code, page_of(q.page), None).await?;
    Ok(OrgPage {
        layout: page.layout.flash(flash(q.ok.as_deref())),
        ..page
    })
}

/// Builds the page; `error` is shown at the top (e.g. a refused close).
async fn org_page(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    page: u64,
    error: Option<String>,
) -> PageResult<OrgPage> {
    let c = &state.db.conn;
    let ctx = &cu.ctx;
    let o = db::org::find_visible(c, ctx, code).await?;
    let crumbs = db::org::ancestors(c, ctx, &o).await?;
    let children = db::org::children(c, ctx, o.id)
        .await?
        .into_iter()
        .map(|k| ChildRow {
            kind: kind_label(&k.kind),
            founded: show_date(k.founded_on),
            closed: k.closed_on.is_some(),
            code: k.code,
            name: k.name,
        })
        .collect();
    let venues = db::org::venue::list_for_org(c, ctx, &o, false)
        .await?
        .into_iter()
        .map(|(v, _)| VenueRow {
            kind: VenueKind::from_code(&v.kind).map_or(v.kind.clone(), |k| k.label().into()),
            opened: show_date(v.opened_on),
            rating: rating_text(v.rating.as_deref(), v.rating_level.as_deref()),
            name: v.name,
        })
        .collect();
    let officers = db::org::officer::list_for_org(c, ctx, &o, false).await?;
    let (rows, total) = browse::surveys_page(c, ctx, &o, page, SURVEYS_PER_PAGE).await?;
    let surveys = rows
        .into_iter()
        .map(|(s, so)| SurveyRow {
            date: s.date.to_string(),
            org_code: so.code,
            org_name: so.name,
            surveyor: s.surveyor.unwrap_or_default(),
            highlights: s.highlights.unwrap_or_default(),
            shortcomings: s.shortcomings.unwrap_or_default(),
        })
        .collect();
    let recent = browse::recent_work(c, ctx, &o, RECENT).await?;
    Ok(OrgPage {
        layout: Layout::new(cu, o.name.clone(), "org"),
        kind: kind_label(&o.kind),
        new_field_type: o
            .new_field_type
            .as_deref()
            .and_then(NewFieldType::from_code)
            .map(|t| t.label().to_string()),
        founded: show_date(o.founded_on),
        closed: o.closed_on.map(|d| d.to_string()),
        can_capture: can_capture(cu, &o) && o.closed_on.is_none(),
        is_root: o.parent_id.is_none(),
        pager: Pager::new(page, SURVEYS_PER_PAGE, total, String::new()),
        today: super::fields::today(),
        crumbs,
        children,
        venues,
        officers,
        surveys,
        recent,
        error,
        o,
    })
}

/// "示范（县级）", "标准化", or "—".
fn rating_text(rating: Option<&str>, level: Option<&str>) -> String {
    let r = rating.and_then(VenueRating::from_code).map(|r| r.label());
    let l = level.and_then(Level::from_code).map(|l| l.label());
    match (r, l) {
        (Some(r), Some(l)) => format!("{r}（{l}级）"),
        (Some(r), None) => r.to_string(),
        (None, Some(l)) => format!("{l}级"),
        (None, None) => "—".into(),
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    closed_on: String,
}

/// `POST /orgs/{code}/close`: 撤销 from a date. A refusal (open children, a
/// bad date) is shown on the org page itself.
pub async fn close(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<CloseForm>,
) -> PageResult<Response> {
    let mut errors = FormErrors::default();
    let Some(on) = super::fields::req_date(&mut errors, "closed_on", "撤销日期", &f.closed_on)
    else {
        let msg = errors
            .get("closed_on")
            .unwrap_or("撤销日期有误")
            .to_string();
        return refused(&state, &cu, &code, StatusCode::BAD_REQUEST, msg).await;
    };
    let txn = begin(&state).await?;
    let r = db::org::close(&txn, &cu.ctx, &code, on).await;
    match settle(txn, r).await {
        Ok(o) => Ok(Redirect::to(&format!("/orgs/{}?ok=closed", o.code)).into_response()),
        Err(e) => {
            let PageError { status, message } = PageError::from(e);
            if status == StatusCode::NOT_FOUND || status.is_server_error() {
                return Err(PageError { status, message });
            }
            refused(&state, &cu, &code, status, message).await
        }
    }
}

async fn refused(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
    status: StatusCode,
    message: String,
) -> PageResult<Response> {
    let page = org_page(state, cu, code, 1, Some(message)).await?;
    Ok((status, page).into_response())
}
