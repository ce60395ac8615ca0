//! Recording what hangs on an org: venues (阵地) and field surveys (调研);
//! officers are in [`super::officers`]. Each form opens on the org it is about.

use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use db::{
    entity::org,
    org::{survey, venue},
};
use domain::{
    foundation::{survey::SurveyDraft, venue::VenueDraft},
    kinds::{Level, VenueKind, VenueRating},
};
use serde::Deserialize;

use super::{
    super::{Layout, kit::form::save},
    fields::{Field, FormPage, Opt, crumbs_of, today},
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::PageResult,
    form::FormErrors,
};

/// The frame shared by the three forms: the org, its breadcrumbs, the cancel link.
pub(super) async fn frame(
    state: &AppState,
    cu: &CurrentUser,
    o: &org::Model,
    what: &str,
    action: &str,
    fields: Vec<Field>,
    errors: &FormErrors,
) -> PageResult<Response> {
    let ancestors = db::org::ancestors(&state.db.conn, &cu.ctx, o).await?;
    Ok(FormPage {
        layout: Layout::new(cu, format!("{what} · {}", o.name), "org"),
        crumbs: crumbs_of(&ancestors, o),
        heading: format!("{what}（{}）", o.name),
        facts: Vec::new(),
        action: format!("/orgs/{}/{action}", o.code),
        fields,
        general: None,
        submit: "保存",
        cancel: format!("/orgs/{}", o.code),
        notes: Vec::new(),
        more_open: false,
        prefix: "f-",
    }
    .with_errors(errors)
    .respond())
}

/// The org named in the path, if the user may record into it (else 403/404).
pub(super) async fn capturable(
    state: &AppState,
    cu: &CurrentUser,
    code: &str,
) -> PageResult<org::Model> {
    Ok(db::org::find_capturable(&state.db.conn, &cu.ctx, code).await?)
}

pub(super) fn done(o: &org::Model, ok: &str) -> Response {
    Redirect::to(&format!("/orgs/{}?ok={ok}", o.code)).into_response()
}

// ---------- venues ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VenueForm {
    name: String,
    kind: String,
    opened_on: String,
    rating: String,
    rating_level: String,
}

fn venue_fields(f: &VenueForm) -> Vec<Field> {
    vec![
        Field::text("name", "阵地名称", &f.name)
            .required()
            .hint("同一组织下名称相同的阵地将被更新"),
        Field::select(
            "kind",
            "阵地类型",
            &f.kind,
            Opt::of(VenueKind::ALL, VenueKind::code, VenueKind::label, None),
        )
        .required(),
        Field::date("opened_on", "挂牌日期", &f.opened_on),
        Field::select(
            "rating",
            "等级",
            &f.rating,
            Opt::of(
                VenueRating::ALL,
                VenueRating::code,
                VenueRating::label,
                Some("（未评定）"),
            ),
        ),
        Field::select(
            "rating_level",
            "等级级别",
            &f.rating_level,
            Opt::of(
                &[Level::County, Level::City, Level::Province],
                Level::code,
                Level::label,
                Some("（未评定）"),
            ),
        ),
    ]
}

pub async fn venue_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let f = VenueForm {
        kind: VenueKind::WomensHome.code().into(),
        opened_on: today(),
        ..Default::default()
    };
    let fields = venue_fields(&f);
    frame(
        &state,
        &cu,
        &o,
        "新增阵地",
        "venues/new",
        fields,
        &FormErrors::default(),
    )
    .await
}

pub async fn create_venue(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<VenueForm>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let draft = VenueDraft {
        name: f.name.clone(),
        kind: f.kind.clone(),
        org_code: o.code.clone(),
        opened_on: f.opened_on.clone(),
        rating: f.rating.clone(),
        rating_level: f.rating_level.clone(),
    };
    let today = db::time::today_beijing();
    let saved = save(&state, draft.validate(today), async |tx, input| {
        venue::upsert(tx, &cu.ctx, &input).await
    })
    .await?;
    let errors = match saved {
        Ok(_) => return Ok(done(&o, "venue")),
        Err(errors) => errors,
    };
    frame(
        &state,
        &cu,
        &o,
        "新增阵地",
        "venues/new",
        venue_fields(&f),
        &errors,
    )
    .await
}

// ---------- surveys ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SurveyForm {
    date: String,
    surveyor: String,
    highlights: String,
    shortcomings: String,
}

fn survey_fields(f: &SurveyForm) -> Vec<Field> {
    vec![
        Field::date("date", "日期", &f.date)
            .required()
            .hint("同一组织同一天只记一次调研，重复登记将更新原记录"),
        Field::text("surveyor", "调研人", &f.surveyor).hint("例：县妇联主席 王某某"),
        Field::textarea("highlights", "工作亮点", &f.highlights),
        Field::textarea("shortcomings", "发现不足", &f.shortcomings),
    ]
}

pub async fn survey_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let f = SurveyForm {
        date: today(),
        surveyor: cu.user.display_name.clone(),
        ..Default::default()
    };
    let fields = survey_fields(&f);
    frame(
        &state,
        &cu,
        &o,
        "登记调研",
        "surveys/new",
        fields,
        &FormErrors::default(),
    )
    .await
}

pub async fn create_survey(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(code): Path<String>,
    Form(f): Form<SurveyForm>,
) -> PageResult<Response> {
    let o = capturable(&state, &cu, &code).await?;
    let draft = SurveyDraft {
        org_code: o.code.clone(),
        date: f.date.clone(),
        surveyor: f.surveyor.clone(),
        shortcomings: f.shortcomings.clone(),
        highlights: f.highlights.clone(),
    };
    let today = db::time::today_beijing();
    let saved = save(&state, draft.validate(today), async |tx, input| {
        survey::upsert(tx, &cu.ctx, &input).await
    })
    .await?;
    let errors = match saved {
        Ok(_) => return Ok(done(&o, "survey")),
        Err(errors) => errors,
    };
    frame(
        &state,
        &cu,
        &o,
        "登记调研",
        "surveys/new",
        survey_fields(&f),
        &errors,
    )
    .await
}
