//! Programmes (品牌项目) are data, not code: a county admin creates 巾帼微学堂
//! or 母亲讲堂 with a description and the activity types it uses, and every org
//! below records activities under it.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::{activity::programme, org::browse};
use domain::{
    access::{Module, Permission},
    activity::ActivityKind,
};
use serde::Deserialize;

use super::Layout;
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::PageResult,
    form::{FormErrors, FormPairs, OrgOption, begin, commit, org_options},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(list))
        .route("/programmes/new", get(new_page).post(create))
}

/// One line of the list.
struct Row {
    name: String,
    owner: String,
    owner_code: String,
    kinds: String,
    description: String,
    activities: u64,
    /// The activity list filtered to this programme.
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    can_add: bool,
}

#[derive(Deserialize)]
struct ListQuery {
    created: Option<String>,
}

fn kind_labels(codes: &str) -> String {
    codes
        .split(',')
        .filter_map(ActivityKind::from_code)
        .map(ActivityKind::label)
        .collect::<Vec<_>>()
        .join("、")
}

async fn list(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<ListQuery>,
) -> PageResult<ListPage> {
    let rows = browse::programmes(&state.db.conn, &cu.ctx)
        .await?
        .into_iter()
        .map(|r| Row {
            href: format!(
                "/activities?programme={}",
                crate::auth::urlencode(&r.programme.name)
            ),
            kinds: kind_labels(&r.programme.kinds),
            description: r.programme.description.unwrap_or_default(),
            name: r.programme.name,
            owner: r.owner.name,
            owner_code: r.owner.code,
            activities: r.activities,
        })
        .collect();
    Ok(ListPage {
        layout: Layout::new(&cu, "品牌项目", "activity")
            .flash(q.created.map(|n| format!("已新建品牌项目「{n}」"))),
        rows,
        can_add: cu.ctx.scope.allows(Module::Activity, Permission::Write),
    })
}

/// A kind checkbox.
struct KindChoice {
    code: &'static str,
    label: &'static str,
    checked: bool,
}

/// What the user typed (kept on error).
#[derive(Default)]
struct ProgrammeForm {
    owner: String,
    name: String,
    description: String,
    kinds: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "programmes/new.html")]
struct NewPage {
    layout: Layout,
    form: ProgrammeForm,
    orgs: Vec<OrgOption>,
    kinds: Vec<KindChoice>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    form: ProgrammeForm,
    errors: FormErrors,
) -> PageResult<NewPage> {
    cu.ctx.require(Module::Activity, Permission::Write)?;
    let orgs = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    Ok(NewPage {
        layout: Layout::new(cu, "新建品牌项目", "activity"),
        orgs: org_options(&orgs),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| KindChoice {
                code: k.code(),
                label: k.label(),
                checked: form.kinds.iter().any(|c| c == k.code()),
            })
            .collect(),
        form,
        errors,
    })
}

async fn new_page(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<NewPage> {
    // The top of her capture scope: a county admin owns programmes for the county.
    let orgs = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    let form = ProgrammeForm {
        owner: orgs
            .iter()
            .min_by_key(|o| o.depth)
            .map(|o| o.code.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    page(&state, &cu, form, FormErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = FormPairs(pairs);
    let form = ProgrammeForm {
        owner: f.one("owner"),
        name: f.one("name"),
        description: f.one("description"),
        kinds: f.all("kinds"),
    };
    let mut errors = FormErrors::default();
    if form.owner.is_empty() {
        errors.set("owner", "请选择所属组织");
    }
    if form.name.is_empty() {
        errors.set("name", "请填写项目名称");
    }
    let kinds: Vec<ActivityKind> = form
        .kinds
        .iter()
        .filter_map(|c| ActivityKind::from_code(c))
        .collect();
    if kinds.is_empty() {
        errors.set("kinds", "请至少选择一种活动类型");
    }
    if form.description.chars().count() > 1000 {
        errors.set("description", "项目简介不能超过1000个字");
    }
    if !errors.is_empty() {
        let p = page(&state, &cu, form, errors).await?;
        return Ok((StatusCode::BAD_REQUEST, p).into_response());
    }
    let txn = begin(&state).await?;
    let description = Some(form.description.clone()).filter(|d| !d.is_empty());
    match programme::create(&txn, &cu.ctx, &form.owner, &form.name, description, &kinds).await {
        Ok(p) => {
            commit(txn).await?;
            let to = format!("/programmes?created={}", crate::auth::urlencode(&p.name));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => {
            drop(txn);
            let mut errors = FormErrors::from_db(e)?;
            // A duplicate name is about the name field.
            if let Some(g) = errors.general.take() {
                errors.set("name", g);
            }
            let p = page(&state, &cu, form, errors).await?;
            Ok((StatusCode::BAD_REQUEST, p).into_response())
        }
    }
}
