//! An activity's page: facts, photos, roster and works; adding to them.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::{
    DbError,
    activity::{self, photo::NewPhoto},
    entity::{activity as activity_entity, activity_material, attendance, photo, work},
    sea_orm::TransactionTrait,
};
use domain::{
    Invalid,
    access::{Module, Permission},
    activity::{
        ActivityKind, PHOTOS_PER_UPLOAD,
        records::{AttendeeDraft, WorkDraft},
    },
};
use serde::Deserialize;

use super::{Row, form::UPLOAD_LIMIT, row_of};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
    html::{Layout, kit::submitted::Submitted},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/activities/{id}", get(show))
        .route("/activities/{id}/attendees", post(add_attendee))
        .route("/activities/{id}/works", post(add_work))
        .route(
            "/activities/{id}/photos",
            post(add_photos).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/detail.html")]
pub(super) struct DetailPage {
    layout: Layout,
    a: activity_entity::Model,
    row: Row,
    org_code: String,
    materials: Vec<activity_material::Model>,
    photos: Vec<photo::Model>,
    roster: Vec<attendance::Model>,
    works: Vec<work::Model>,
    participants: u64,
    units: usize,
    is_collection: bool,
    can_edit: bool,
    /// The record life (`super::life`): the kept reason when cancelled, and
    /// whether the caller may delete it.
    cancelled: Option<super::life::Cancelled>,
    is_cancelled: bool,
    can_delete: bool,
    errors: FormErrors,
}

fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

pub(super) async fn detail(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    errors: FormErrors,
    flash: Option<String>,
) -> PageResult<DetailPage> {
    let d = activity::detail_cached(&state.db, &cu.ctx, id).await?;
    let (a, o) = (d.activity.clone(), &d.org);
    let names: std::collections::HashMap<i64, String> =
        d.programme.iter().map(|p| (p.id, p.name.clone())).collect();
    let mut roster = d.roster.clone();
    // Children by surname + * (docs/security.md §2): this page is not logged.
    db::people::mask_roster_children(&state.db.read, &mut roster).await?;
    let units = roster
        .iter()
        .filter_map(|r| r.unit.as_deref().map(domain::search::normalize))
        .filter(|u| !u.is_empty())
        .collect::<std::collections::HashSet<_>>()
        .len();
    let participants =
        domain::activity::participants(roster.len() as u64, a.head_count.map(i64::from));
    let can_edit = cu.ctx.scope.allows(Module::Activity, Permission::Write)
        && cu.ctx.scope.can_capture_path(&o.path);
    let can_delete = can_edit && super::life::may_delete(cu, d.author);
    Ok(DetailPage {
        cancelled: d.cancellation.as_ref().map(super::life::Cancelled::of),
        is_cancelled: a.status == domain::activity::ActivityStatus::Cancelled.code(),
        can_delete,
        layout: Layout::new(cu, a.name.clone(), "activity").flash(flash),
        row: row_of(&a, o, &names),
        org_code: o.code.clone(),
        materials: d.materials.clone(),
        photos: d.photos.clone(),
        works: d.works.clone(),
        is_collection: a.kind == ActivityKind::Collection.code(),
        roster,
        participants,
        units,
        can_edit,
        errors,
        a,
    })
}

#[derive(Deserialize)]
struct ShowQuery {
    saved: Option<u8>,
}

async fn show(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult<DetailPage> {
    let flash = q.saved.map(|_| "已保存".to_string());
    detail(&state, &cu, parse_id(&id)?, FormErrors::default(), flash).await
}

/// Runs a write in one transaction; a bad input re-renders the page with errors.
async fn write<F>(state: &AppState, cu: &CurrentUser, id: i64, f: F) -> PageResult<Response>
where
    F: AsyncFnOnce(&db::sea_orm::DatabaseTransaction) -> Result<(), DbError>,
{
    write_then(state, cu, id, f, || {}).await
}

/// [`write`], running `committed` only once the transaction has committed
/// (staged photo files move into place then, and never after a rollback).
async fn write_then<F, A>(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    f: F,
    committed: A,
) -> PageResult<Response>
where
    F: AsyncFnOnce(&db::sea_orm::DatabaseTransaction) -> Result<(), DbError>,
    A: FnOnce(),
{
    let txn = state.db.conn.begin().await.map_err(DbError::from)?;
    match f(&txn).await {
        Ok(()) => {
            txn.commit().await.map_err(DbError::from)?;
            committed();
            Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response())
        }
        Err(e) => {
            txn.rollback().await.map_err(DbError::from)?;
            let errors = FormErrors::from_db(e)?;
            Ok((
                StatusCode::BAD_REQUEST,
                detail(state, cu, id, errors, None).await?,
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
struct AttendeeForm {
    name: String,
    id_number: Option<String>,
    unit: Option<String>,
}

async fn add_attendee(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<AttendeeForm>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let draft = AttendeeDraft {
        name: f.name,
        id_number: f.id_number.unwrap_or_default(),
        unit: f.unit.unwrap_or_default(),
        ..Default::default()
    };
    let input = match draft.validate(domain::date::today_beijing()) {
        Ok(input) => input,
        Err(inv) => {
            let page = detail(&state, &cu, id, FormErrors::from(inv), None).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let db = state.db.clone();
    write(&state, &cu, id, async |t| {
        activity::attendance::add(t, &db, &cu.ctx, id, &input)
            .await
            .map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
struct WorkForm {
    title: String,
    author: String,
    category: Option<String>,
}

async fn add_work(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<WorkForm>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let draft = WorkDraft {
        title: f.title,
        author: f.author,
        category: f.category.unwrap_or_default(),
        ..Default::default()
    };
    let input = match draft.validate(false) {
        Ok(input) => input,
        Err(inv) => {
            let page = detail(&state, &cu, id, FormErrors::from(inv), None).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    write(&state, &cu, id, async |t| {
        activity::work::upsert(t, &cu.ctx, id, &input)
            .await
            .map(|_| ())
    })
    .await
}

async fn add_photos(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    mut sent: Submitted,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let uploads = sent.take_files("photos");
    let caption = Some(sent.fields.one("caption")).filter(|c| !c.is_empty());
    let photos = match media::upload::photos(uploads, PHOTOS_PER_UPLOAD).await {
        Ok(p) => p,
        Err(e) => {
            let errors = FormErrors::from(Invalid::single("photos", e));
            return Ok((
                StatusCode::BAD_REQUEST,
                detail(&state, &cu, id, errors, None).await?,
            )
                .into_response());
        }
    };
    let files = activity::photo::Staged::new(&state.config.data_dir);
    write_then(
        &state,
        &cu,
        id,
        async |t| {
            let new = photos
                .iter()
                .map(|r| NewPhoto::of(r, caption.clone()))
                .collect();
            activity::photo::add_all(t, &cu.ctx, &files, id, new)
                .await
                .map(|_| ())
        },
        || activity::photo::place(&files),
    )
    .await
}
