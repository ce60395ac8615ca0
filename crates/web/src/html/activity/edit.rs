//! Changing an activity: the new form's fields (photos are added on the
//! activity's page), the 活动编号 kept. Only for users who record for the
//! activity's org: 404 when she can't see it, 403 when she only reads it.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::activity::{self, programme};
use domain::activity::{ActivityKind, ActivityStatus};

use super::form::{ActivityForm, Choice, to_input};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::{FormErrors, FormPairs, begin, commit},
    html::Layout,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/activities/{id}/edit", get(edit_page).post(save))
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    code: String,
    form: ActivityForm,
    errors: FormErrors,
    kinds: Vec<Choice>,
    programmes: Vec<String>,
    orgs: Vec<Choice>,
}

fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

/// The activity if the caller may change it, as (code, status, form).
async fn editable(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> PageResult<(String, ActivityStatus, ActivityForm)> {
    let c = &state.db.conn;
    // Seeing it first: another township's activity is "not found", not "forbidden".
    let (a, o, p) = activity::get(c, &cu.ctx, id).await?;
    activity::get_capturable(c, &cu.ctx, id).await?;
    let materials = activity::materials(c, id).await?;
    let form = ActivityForm {
        name: a.name.clone(),
        kind: a.kind.clone(),
        programme: p.map(|p| p.name).unwrap_or_default(),
        org_code: o.code.clone(),
        start_date: a.start_date.to_string(),
        end_date: if a.end_date > a.start_date {
            a.end_date.to_string()
        } else {
            String::new()
        },
        online: a.online,
        place: a.place.clone().unwrap_or_default(),
        partners: a.partners.clone().unwrap_or_default(),
        units_reached: a.units_reached.map(|n| n.to_string()).unwrap_or_default(),
        head_count: a.head_count.map(|n| n.to_string()).unwrap_or_default(),
        materials: materials
            .iter()
            .map(|m| format!("{}:{}", m.name, m.quantity))
            .collect::<Vec<_>>()
            .join("；"),
        summary: a.summary.clone().unwrap_or_default(),
        caption: String::new(),
    };
    // A cancelled activity's fields can still be corrected; it stays
    // cancelled (the repository keeps that status until 恢复).
    let status = match ActivityStatus::from_code(&a.status) {
        Some(ActivityStatus::Cancelled) => ActivityStatus::Planned,
        Some(s) => s,
        None => ActivityStatus::Done,
    };
    Ok((a.code, status, form))
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    code: String,
    form: ActivityForm,
    errors: FormErrors,
) -> PageResult<EditPage> {
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let programmes = match orgs.iter().find(|o| o.code == form.org_code) {
        Some(o) => programme::usable_by(c, o)
            .await?
            .into_iter()
            .map(|p| p.name)
            .collect(),
        None => Vec::new(),
    };
    let top = orgs.iter().map(|o| o.depth).min().unwrap_or(0);
    Ok(EditPage {
        layout: Layout::new(cu, format!("修改活动：{}", form.name), "activity"),
        id,
        code,
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: k.label().into(),
            })
            .collect(),
        programmes,
        orgs: orgs
            .iter()
            .map(|o| Choice {
                value: o.code.clone(),
                label: format!("{}{}", "　".repeat((o.depth - top).max(0) as usize), o.name),
            })
            .collect(),
        form,
        errors,
    })
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<EditPage> {
    let id = parse_id(&id)?;
    let (code, _, form) = editable(&state, &cu, id).await?;
    page(&state, &cu, id, code, form, FormErrors::default()).await
}

fn read_form(pairs: Vec<(String, String)>) -> ActivityForm {
    let f = FormPairs(pairs);
    ActivityForm {
        name: f.one("name"),
        kind: f.one("kind"),
        programme: f.one("programme"),
        org_code: f.one("org_code"),
        start_date: f.one("start_date"),
        end_date: f.one("end_date"),
        online: f.one("online") == "1",
        place: f.one("place"),
        partners: f.one("partners"),
        units_reached: f.one("units_reached"),
        head_count: f.one("head_count"),
        materials: f.one("materials"),
        summary: f.one("summary"),
        caption: String::new(),
    }
}

async fn save(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    let (code, status, _) = editable(&state, &cu, id).await?;
    let form = read_form(pairs);
    let again = async |errors: FormErrors| -> PageResult<Response> {
        let p = page(&state, &cu, id, code.clone(), form.clone(), errors).await?;
        Ok((StatusCode::BAD_REQUEST, p).into_response())
    };
    let input = match to_input(&form, Some(&code), status) {
        Ok(i) => i,
        Err(inv) => return again(FormErrors::from(inv)).await,
    };
    let txn = begin(&state).await?;
    match activity::update(&txn, &cu.ctx, id, &input).await {
        Ok(_) => {
            commit(txn).await?;
            Ok(Redirect::to(&format!("/activities/{id}?saved=1")).into_response())
        }
        Err(e) => {
            drop(txn);
            again(FormErrors::from_db(e)?).await
        }
    }
}
