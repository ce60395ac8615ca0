//! Recording and changing a publicity item: title, channel (offering the ones
//! already used), date (today), org, column, link, the activity it reports
//! (picked among the org's recent ones) and repeated rows of reposts.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::{
    DbError,
    activity::{self, ActivityQuery},
    publicity::{self, ItemInput},
};
use domain::{
    Invalid,
    access::{Module, Permission},
    kinds::Level,
};
use serde::Deserialize;

use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::{FormErrors, FormPairs, OrgOption, begin, commit, org_options},
    html::Layout,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/publicity/new", get(new_page).post(create))
        .route("/publicity/{id}/edit", get(edit_page).post(save))
        .route("/publicity/activity-options", get(activity_options))
}

/// Blank repost rows offered below the filled ones (no script needed).
const BLANK_REPOSTS: usize = 2;

/// What the user typed (kept on error).
#[derive(Default, Clone)]
struct ItemForm {
    title: String,
    channel: String,
    published_on: String,
    org_code: String,
    column: String,
    link: String,
    activity_code: String,
    /// (account name, level code), filled rows then blank ones.
    reposts: Vec<(String, String)>,
}

/// A recent activity in the picker.
struct ActivityChoice {
    code: String,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "publicity/form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new item.
    id: Option<i64>,
    form: ItemForm,
    errors: FormErrors,
    orgs: Vec<OrgOption>,
    channels: Vec<String>,
    columns: Vec<String>,
    activities: Vec<ActivityChoice>,
    levels: Vec<(&'static str, &'static str)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "publicity/activity_options.html")]
struct ActivityOptions {
    activities: Vec<ActivityChoice>,
}

/// The org's latest activities (none when the caller doesn't read activities).
async fn recent_activities(
    state: &AppState,
    cu: &CurrentUser,
    org_code: &str,
) -> PageResult<Vec<ActivityChoice>> {
    if org_code.is_empty() || !cu.ctx.scope.allows(Module::Activity, Permission::Read) {
        return Ok(Vec::new());
    }
    let query = ActivityQuery {
        org: Some(org_code.to_string()),
        ..Default::default()
    };
    let rows = match activity::list(&state.db, &cu.ctx, &query, 1, 30).await {
        Ok((rows, _)) => rows,
        // An org she can't see: offer nothing rather than fail the form.
        Err(DbError::NotFound | DbError::Forbidden(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok(rows
        .into_iter()
        .map(|(a, _)| ActivityChoice {
            label: format!("{} {}", a.start_date, a.name),
            code: a.code,
        })
        .collect())
}

async fn page(
    state: &AppState,
    cu: &CurrentUser,
    id: Option<i64>,
    mut form: ItemForm,
    errors: FormErrors,
) -> PageResult<FormPage> {
    cu.ctx.require(Module::Publicity, Permission::Write)?;
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let (channels, columns) = publicity::used_values(c, &cu.ctx).await?;
    form.reposts.retain(|(n, _)| !n.is_empty());
    form.reposts.extend(std::iter::repeat_n(
        (String::new(), String::new()),
        BLANK_REPOSTS,
    ));
    let title = if id.is_some() {
        "修改宣传稿件"
    } else {
        "登记宣传稿件"
    };
    Ok(FormPage {
        layout: Layout::new(cu, title, "publicity"),
        activities: recent_activities(state, cu, &form.org_code).await?,
        id,
        orgs: org_options(&orgs),
        channels,
        columns,
        levels: Level::ALL.iter().map(|l| (l.code(), l.label())).collect(),
        form,
        errors,
    })
}

async fn new_page(State(state): State<AppState>, PageUser(cu): PageUser) -> PageResult<FormPage> {
    cu.ctx.require(Module::Publicity, Permission::Write)?;
    let orgs = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    let form = ItemForm {
        published_on: domain::date::today_beijing().to_string(),
        // Her own org: the one at the top of what she records for.
        org_code: orgs
            .iter()
            .min_by_key(|o| o.depth)
            .map(|o| o.code.clone())
            .unwrap_or_default(),
        ..Default::default()
    };
    page(&state, &cu, None, form, FormErrors::default()).await
}

fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

/// The item, if the caller may change it: 404 when she can't see it, 403
/// when she sees but doesn't record for its org.
async fn editable(state: &AppState, cu: &CurrentUser, id: i64) -> PageResult<ItemForm> {
    let c = &state.db.conn;
    let (item, o, reposts) = publicity::get(c, &cu.ctx, id).await?;
    cu.ctx.require(Module::Publicity, Permission::Write)?;
    if !cu.ctx.scope.can_capture_path(&o.path) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            format!("无权修改「{}」的宣传稿件", o.name),
        ));
    }
    let activity_code = match item.activity_id {
        Some(aid) => activity::get(c, &cu.ctx, aid)
            .await
            .map(|(a, _, _)| a.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(ItemForm {
        title: item.title,
        channel: item.channel,
        published_on: item.published_on.to_string(),
        org_code: o.code,
        column: item.column_name.unwrap_or_default(),
        link: item.link.unwrap_or_default(),
        activity_code,
        reposts: reposts.into_iter().map(|r| (r.by_name, r.level)).collect(),
    })
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<FormPage> {
    let id = parse_id(&id)?;
    let form = editable(&state, &cu, id).await?;
    page(&state, &cu, Some(id), form, FormErrors::default()).await
}

fn read_form(pairs: Vec<(String, String)>) -> ItemForm {
    // Repost rows are read in order: the n-th name goes with the n-th level.
    let mut names = Vec::new();
    let mut levels = Vec::new();
    for (k, v) in &pairs {
        match k.as_str() {
            "repost_name" => names.push(v.trim().to_string()),
            "repost_level" => levels.push(v.trim().to_string()),
            _ => {}
        }
    }
    let f = FormPairs(pairs);
    ItemForm {
        title: f.one("title"),
        channel: f.one("channel"),
        published_on: f.one("published_on"),
        org_code: f.one("org_code"),
        column: f.one("column"),
        link: f.one("link"),
        activity_code: f.one("activity_code"),
        reposts: names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, levels.get(i).cloned().unwrap_or_default()))
            .filter(|(n, _)| !n.is_empty())
            .collect(),
    }
}

fn to_input(f: &ItemForm) -> Result<ItemInput, Invalid> {
    let mut inv = Invalid::new();
    if f.title.is_empty() {
        inv.push("title", "请填写标题");
    }
    if f.channel.is_empty() {
        inv.push("channel", "请填写发布平台");
    }
    let date = inv.check(
        "published_on",
        domain::date::parse_date(&f.published_on)
            .map_err(|_| "请填写发布日期（例：2020-07-08）".to_string()),
    );
    if f.org_code.is_empty() {
        inv.push("org_code", "请选择发布组织");
    }
    let mut reposts = Vec::new();
    for (name, level) in &f.reposts {
        match Level::from_code(level) {
            Some(l) => reposts.push((name.clone(), l)),
            None => inv.push("reposts", format!("请选择「{name}」的级别")),
        }
    }
    inv.into_result()?;
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(ItemInput {
        title: f.title.clone(),
        channel: f.channel.clone(),
        published_on: date.unwrap_or_default(),
        org_code: f.org_code.clone(),
        column: some(&f.column),
        link: some(&f.link),
        activity_code: some(&f.activity_code),
        reposts,
    })
}

/// Validates and writes in one transaction; errors re-render the form.
async fn write(
    state: &AppState,
    cu: &CurrentUser,
    id: Option<i64>,
    form: ItemForm,
) -> PageResult<Response> {
    let again = async |errors: FormErrors| -> PageResult<Response> {
        let p = page(state, cu, id, form.clone(), errors).await?;
        Ok((StatusCode::BAD_REQUEST, p).into_response())
    };
    let input = match to_input(&form) {
        Ok(i) => i,
        Err(inv) => return again(FormErrors::from(inv)).await,
    };
    let txn = begin(state).await?;
    let result = match id {
        Some(id) => publicity::update(&txn, &cu.ctx, id, &input)
            .await
            .map(|_| ()),
        None => publicity::upsert(&txn, &cu.ctx, &input).await.map(|_| ()),
    };
    match result {
        Ok(()) => {
            commit(txn).await?;
            Ok(Redirect::to("/publicity?saved=1").into_response())
        }
        Err(e) => {
            drop(txn);
            again(FormErrors::from_db(e)?).await
        }
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    cu.ctx.require(Module::Publicity, Permission::Write)?;
    write(&state, &cu, None, read_form(pairs)).await
}

async fn save(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id = parse_id(&id)?;
    editable(&state, &cu, id).await?;
    write(&state, &cu, Some(id), read_form(pairs)).await
}

#[derive(Deserialize)]
struct OptionsQuery {
    org_code: Option<String>,
}

/// The activity picker for another org (htmx swaps it in when the org changes).
async fn activity_options(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(q): Query<OptionsQuery>,
) -> PageResult<ActivityOptions> {
    let org = q.org_code.unwrap_or_default();
    Ok(ActivityOptions {
        activities: recent_activities(&state, &cu, org.trim()).await?,
    })
}
