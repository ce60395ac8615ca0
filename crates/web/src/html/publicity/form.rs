//! Recording and changing a publicity item: title, channel (offering the ones
//! already used), date (today), org, column, link, the activity it reports
//! (picked among the org's recent ones) and repeated rows of reposts.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
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
    input::label_of,
    kinds::Level,
    publicity::{FIELDS, ItemDraft},
};
use serde::Deserialize;

use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::{FormErrors, FormPairs},
    html::{
        Layout,
        kit::form::{self, Field, FormPage, Opt, RowGroup, read_rows},
    },
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

#[derive(Template, WebTemplate)]
#[template(path = "publicity/activity_options.html")]
struct ActivityOptions {
    activities: Vec<Opt>,
}

/// The names the repost rows post under, in order.
const REPOST_ROWS: (&str, &str) = ("repost_name", "repost_level");

/// The org's latest activities (none when the caller doesn't read activities).
async fn recent_activities(
    state: &AppState,
    cu: &CurrentUser,
    org_code: &str,
) -> PageResult<Vec<Opt>> {
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
        .map(|(a, _)| Opt::new(a.code, format!("{} {}", a.start_date, a.name)))
        .collect())
}

/// The form page from one field list, for a new item (`id` None) and an
/// edit alike.
async fn page(
    state: &AppState,
    cu: &CurrentUser,
    id: Option<i64>,
    form: ItemForm,
    errors: FormErrors,
) -> PageResult<FormPage> {
    cu.ctx.require(Module::Publicity, Permission::Write)?;
    let c = &state.db.conn;
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let (channels, columns) = publicity::used_values(c, &cu.ctx).await?;
    let label = |code| label_of(FIELDS, code);
    let levels = Opt::of(Level::ALL, Level::code, Level::label, Some("请选择"));
    let fields = vec![
        Field::text("title", label("title"), &form.title)
            .required()
            .max_chars(300),
        Field::text("channel", label("channel"), &form.channel)
            .required()
            .max_chars(100)
            .placeholder("例：屈乡巾帼公众号、中国妇女报、学习强国")
            .suggest(channels),
        Field::date("published_on", label("published_on"), &form.published_on).required(),
        Field::select("org_code", "发布组织", &form.org_code, Opt::orgs(&orgs))
            .required()
            .reloads("activity_code", "/publicity/activity-options"),
        Field::text("column", label("column"), &form.column)
            .max_chars(100)
            .placeholder("例：巾帼抗疫故事、巾帼微学堂")
            .suggest(columns),
        Field::url("link", label("link"), &form.link)
            .max_chars(1000)
            .placeholder("https://mp.weixin.qq.com/…"),
        Field::text(
            "activity_code",
            "报道的活动（活动编号）",
            &form.activity_code,
        )
        .max_chars(60)
        .placeholder("可不填；可从发布组织的近期活动中选择")
        .suggest_from(
            recent_activities(state, cu, &form.org_code).await?,
            "/publicity/activity-options",
        ),
        Field::rows(
            "reposts",
            "转载（账号名称与级别；不够可保存后再添加）",
            RowGroup::new(
                REPOST_ROWS,
                ("转载方", "级别"),
                levels,
                form.reposts.clone(),
                BLANK_REPOSTS,
            )
            .placeholder("例：湖北省妇联公众号"),
        ),
    ];
    let (heading, action) = match id {
        Some(id) => ("修改宣传稿件", format!("/publicity/{id}/edit")),
        None => ("登记宣传稿件", "/publicity/new".to_string()),
    };
    let mut page = FormPage::new(Layout::new(cu, heading, "publicity"), heading, action);
    page.crumbs = vec![("/publicity".into(), "宣传".into())];
    page.fields = fields;
    page.cancel = "/publicity".into();
    Ok(page.with_errors(&errors))
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
    publicity::life::may_change(&cu.ctx, &o)?;
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
    let reposts = read_rows(REPOST_ROWS, &pairs);
    let f = FormPairs(pairs);
    ItemForm {
        title: f.one("title"),
        channel: f.one("channel"),
        published_on: f.one("published_on"),
        org_code: f.one("org_code"),
        column: f.one("column"),
        link: f.one("link"),
        activity_code: f.one("activity_code"),
        reposts,
    }
}

/// The form as a draft, checked as the API and the ledger check theirs.
fn to_input(f: &ItemForm) -> Result<ItemInput, Invalid> {
    ItemDraft {
        title: f.title.clone(),
        channel: f.channel.clone(),
        published_on: f.published_on.clone(),
        org_code: f.org_code.clone(),
        column: f.column.clone(),
        link: f.link.clone(),
        activity_code: f.activity_code.clone(),
        reposts: f.reposts.clone(),
    }
    .validate()
}

/// Validates and writes in one transaction; errors re-render the form.
async fn write(
    state: &AppState,
    cu: &CurrentUser,
    id: Option<i64>,
    form: ItemForm,
) -> PageResult<Response> {
    let again = async |errors: FormErrors| -> PageResult<Response> {
        Ok(page(state, cu, id, form.clone(), errors).await?.respond())
    };
    let saved = form::save(state, to_input(&form), async |tx, input| match id {
        Some(id) => publicity::update(tx, &cu.ctx, id, &input).await.map(|_| ()),
        None => publicity::upsert(tx, &cu.ctx, &input).await.map(|_| ()),
    })
    .await?;
    match saved {
        Ok(()) => Ok(Redirect::to("/publicity?saved=1").into_response()),
        Err(errors) => again(errors).await,
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
