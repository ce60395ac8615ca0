//! Pages of the `people` area: the register of persons (list, search, new), a
//! person's page with masked sensitive fields and audited plaintext views,
//! tags, and households. One person is one record: registering a 身份证号 that
//! already exists opens the existing person.

mod detail;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use db::{
    DbError,
    people::{self, COMMON_TAGS, PeopleQuery, PersonView},
};
use domain::{
    foundation::person::{FIELDS, PersonDraft},
    input::label_of,
};
use serde::Deserialize;

use super::{
    Layout, Pager,
    kit::form::{Field, FormPage, Opt},
    page_of, query_string,
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
    org_choices::{OrgChoices, visible_org_choices},
};

pub(crate) use crate::form::{FormPairs, begin, commit};

const PER_PAGE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(list_people))
        .route("/people/new", get(new_person_page).post(create_person))
        .merge(detail::router())
}

/// A tag checkbox.
pub(crate) struct TagChoice {
    pub name: String,
    pub checked: bool,
}

/// Common tags as checkboxes; the person's other tags go into the free-text box.
pub(crate) fn tag_choices(current: &[String]) -> (Vec<TagChoice>, String) {
    let choices = COMMON_TAGS
        .iter()
        .map(|t| TagChoice {
            name: (*t).to_string(),
            checked: current.iter().any(|c| c == t),
        })
        .collect();
    (choices, other_tags(current))
}

/// The tags that are not among the common ones, as the free-text box shows them.
fn other_tags(current: &[String]) -> String {
    let other: Vec<&str> = current
        .iter()
        .map(String::as_str)
        .filter(|c| !COMMON_TAGS.contains(c))
        .collect();
    other.join("、")
}

/// The two tag fields of the person forms: the common tags as checkboxes
/// and a box for others (`other`, as typed; else the person's other tags).
pub(crate) fn tag_fields(tags: &[String], other: &str) -> [Field; 2] {
    let common = COMMON_TAGS.iter().map(|t| Opt::new(*t, *t)).collect();
    let other = if other.is_empty() {
        other_tags(tags)
    } else {
        other.to_string()
    };
    [
        Field::checks("tags", "标签", common, tags.to_vec()),
        Field::text("tags_other", "其他标签", &other)
            .max_chars(200)
            .hint("多个标签用顿号或逗号分隔"),
    ]
}

/// Checked tags plus the free-text ones (separated by 、 , ， ; or spaces).
pub(crate) fn tags_from(f: &FormPairs) -> Vec<String> {
    let mut tags = f.all("tags");
    tags.extend(
        f.one("tags_other")
            .split(['、', ',', '，', ';', '；', ' ', '　'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from),
    );
    tags
}

#[derive(Template, WebTemplate)]
#[template(path = "people/list.html")]
struct ListPage {
    layout: Layout,
    items: Vec<PersonView>,
    /// "按身份证号 420527***********X 精确查找" after an exact search.
    exact_note: Option<String>,
    q: String,
    org: String,
    tag: String,
    orgs: std::sync::Arc<OrgChoices>,
    tags: Vec<String>,
    pager: Pager,
    can_write: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    org: Option<String>,
    tag: Option<String>,
    // A string, so `?page=abc` falls back to page 1 instead of a 400.
    page: Option<String>,
}

async fn list_people(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(lq): Query<ListQuery>,
) -> PageResult<ListPage> {
    let page = page_of(lq.page.as_deref().and_then(|p| p.parse().ok()));
    let query = PeopleQuery {
        q: lq.q.clone(),
        org: lq.org.clone(),
        tag: lq.tag.clone(),
    };
    let exact = crate::limiter::admit_exact_search(&state, &cu.ctx, lq.q.as_deref())
        .map_err(PageError::from)?;
    let c = &state.db.read;
    let (items, total) = people::list(c, &state.db, &cu.ctx, &query, page, PER_PAGE).await?;
    // An exact search is logged by its blind index, and the number is not
    // echoed back (box, pager links): the page shows only its mask.
    let mut lq = lq;
    let exact_note = match &exact {
        Some(e) => {
            people::log_exact_search(&state.db.conn, &cu.ctx, e, total).await?;
            let q = lq.q.take().unwrap_or_default();
            Some(match e.field {
                people::SensitiveField::Phone => {
                    format!("按手机号 {} 精确查找", domain::mask::mask_phone(&q))
                }
                _ => format!("按身份证号 {} 精确查找", domain::mask::mask_id(&q)),
            })
        }
        None => None,
    };
    let mut tags: Vec<String> = COMMON_TAGS.iter().map(|t| (*t).to_string()).collect();
    for t in people::tags_in_use_cached(&state.db, &cu.ctx).await?.iter() {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    let base = query_string(&[
        ("q", lq.q.as_deref()),
        ("org", lq.org.as_deref()),
        ("tag", lq.tag.as_deref()),
    ]);
    Ok(ListPage {
        layout: Layout::new(&cu, "人员", "people"),
        items,
        exact_note,
        q: lq.q.unwrap_or_default(),
        org: lq.org.unwrap_or_default(),
        tag: lq.tag.unwrap_or_default(),
        orgs: visible_org_choices(&state, &cu).await?,
        tags,
        pager: Pager::new(page, PER_PAGE, total, base),
        can_write: cu.ctx.scope.allows(
            domain::access::Module::People,
            domain::access::Permission::Write,
        ),
    })
}

/// What the user typed, kept when the form comes back with errors.
#[derive(Default)]
struct PersonFormData {
    name: String,
    id_number: String,
    phone: String,
    org_code: String,
    tags_other: String,
}

async fn new_page(
    state: &AppState,
    cu: &CurrentUser,
    form: PersonFormData,
    tags: &[String],
    errors: FormErrors,
) -> PageResult<FormPage> {
    cu.ctx
        .require(
            domain::access::Module::People,
            domain::access::Permission::Write,
        )
        .map_err(PageError::from)?;
    let orgs = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    let label = |code| label_of(FIELDS, code);
    let mut org_opts = vec![Opt::new("", "请选择")];
    org_opts.extend(Opt::org_tree(&orgs));
    let mut fields = vec![
        Field::text("name", label("name"), &form.name)
            .required()
            .max_chars(50),
        Field::text("id_number", label("id_number"), &form.id_number)
            .required()
            .max_chars(20)
            .hint(
                "18位（或15位旧号），末位x大小写均可；性别和出生年份自动识别（页面只显示出生年份）",
            ),
        Field::tel("phone", label("phone"), &form.phone).max_chars(20),
        Field::select("org_code", "所属组织", &form.org_code, org_opts).required(),
    ];
    fields.extend(tag_fields(tags, &form.tags_other));
    let mut page = FormPage::new(
        Layout::new(cu, "登记人员", "people"),
        "登记人员",
        "/people/new",
    );
    page.crumbs = vec![("/people".into(), "人员".into())];
    page.fields = fields;
    page.cancel = "/people".into();
    Ok(page.with_errors(&errors))
}

async fn new_person_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
) -> PageResult<FormPage> {
    // Default to the user's own (shallowest) org: most register in their own.
    let org_code = db::org::all_capturable(&state.db.conn, &cu.ctx)
        .await?
        .first()
        .map(|o| o.code.clone())
        .unwrap_or_default();
    let form = PersonFormData {
        org_code,
        ..Default::default()
    };
    new_page(&state, &cu, form, &[], FormErrors::default()).await
}

async fn create_person(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = FormPairs(pairs);
    let tags = tags_from(&f);
    let data = PersonFormData {
        name: f.one("name"),
        id_number: f.one("id_number"),
        phone: f.one("phone"),
        org_code: f.one("org_code"),
        tags_other: f.one("tags_other"),
    };
    let draft = PersonDraft {
        name: data.name.clone(),
        id_number: data.id_number.clone(),
        phone: data.phone.clone(),
        org_code: data.org_code.clone(),
        tags: tags.clone(),
    };
    let input = match draft.validate(db::time::today_beijing()) {
        Ok(input) => input,
        Err(inv) => {
            let page = new_page(&state, &cu, data, &tags, FormErrors::from(inv)).await?;
            return Ok(page.respond());
        }
    };
    // "已登记" and "已在其他组织登记" tell whether a number is on file: a
    // registration is limited and, when it tells, logged like a search (§3).
    crate::limiter::check_lookup(&state, &cu.ctx).map_err(PageError::from)?;
    let txn = begin(&state).await?;
    match people::find_or_create(&txn, &state.db, &cu.ctx, &input).await {
        Ok((p, created)) => {
            commit(txn).await?;
            if !created {
                crate::limiter::record_lookup(&state, &cu.ctx, &input.id_number, 1).await?;
            }
            let flag = if created { "created" } else { "existing" };
            Ok(Redirect::to(&format!("/people/{}?{flag}=1", p.id)).into_response())
        }
        Err(e) => {
            drop(txn);
            if matches!(e, DbError::Conflict(_)) {
                crate::limiter::record_lookup(&state, &cu.ctx, &input.id_number, 0).await?;
            }
            let errors = match e {
                // The 身份证号 belongs to someone registered elsewhere: say so
                // next to the field.
                DbError::Conflict(m) => {
                    let mut fe = FormErrors::default();
                    fe.set("id_number", m);
                    fe
                }
                e => FormErrors::from_db(e)?,
            };
            let page = new_page(&state, &cu, data, &tags, errors).await?;
            Ok(page.respond())
        }
    }
}
