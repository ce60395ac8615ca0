//! One person's page: masked fields with audited plaintext views, tags,
//! editing, and the household.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::people::{self, PersonUpdate, PersonView, SensitiveField, household};
use domain::{
    access::{Module, Permission},
    error::Invalid,
    idcard::IdNumber,
};
use domain::{
    foundation::person::{FIELDS, PersonChangeDraft},
    input::label_of,
};
use serde::Deserialize;

use super::{
    super::kit::form::{Field, FormPage, Opt, save},
    FormPairs, TagChoice, begin, commit, tag_choices, tag_fields, tags_from,
};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
    html::Layout,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people/{id}", get(person_page))
        .route("/people/{id}/reveal", post(reveal))
        .route("/people/{id}/tags", post(save_tags))
        .route("/people/{id}/edit", get(edit_page).post(save_edit))
        .route("/people/{id}/household", post(create_household))
        .route("/people/{id}/household/members", post(add_member))
}

/// A non-numeric id is simply a record that doesn't exist.
fn person_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

struct HouseholdView {
    address: Option<String>,
    members: Vec<(PersonView, String)>,
}

/// The member form's input, kept on error.
#[derive(Default)]
struct MemberForm {
    id_number: String,
    relation: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/detail.html")]
struct DetailPage {
    layout: Layout,
    p: PersonView,
    can_edit: bool,
    can_reveal: bool,
    household: Option<HouseholdView>,
    tag_choices: Vec<TagChoice>,
    tags_other: String,
    member: MemberForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    existing: Option<String>,
    created: Option<String>,
    saved: Option<String>,
}

async fn detail_page(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    flash: Option<String>,
    member: MemberForm,
    errors: FormErrors,
) -> PageResult<DetailPage> {
    let c = &state.db.conn;
    let (model, p) = people::get(c, &cu.ctx, id).await?;
    let household = match household::of_person(c, &cu.ctx, id).await? {
        Some(h) => Some(HouseholdView {
            members: household::member_views(c, &cu.ctx, h.id).await?,
            address: h.address,
        }),
        None => None,
    };
    let (tag_choices, tags_other) = tag_choices(&p.tags);
    Ok(DetailPage {
        layout: Layout::new(cu, p.name.clone(), "people").flash(flash),
        can_edit: people::can_edit(c, &cu.ctx, &model).await?,
        can_reveal: cu.ctx.scope.allows(Module::People, Permission::Sensitive),
        p,
        household,
        tag_choices,
        tags_other,
        member,
        errors,
    })
}

async fn person_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> PageResult<DetailPage> {
    let flash = if q.existing.is_some() {
        Some("该身份证号已登记，已打开原记录".to_string())
    } else if q.created.is_some() {
        Some("已登记".to_string())
    } else {
        q.saved.map(|_| "已保存".to_string())
    };
    let id = person_id(&id)?;
    detail_page(
        &state,
        &cu,
        id,
        flash,
        MemberForm::default(),
        FormErrors::default(),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "people/revealed.html")]
struct Revealed {
    field: &'static str,
    value: String,
}

#[derive(Deserialize)]
struct RevealForm {
    field: String,
    #[serde(default)]
    purpose: String,
}

/// The plaintext of one field as an htmx fragment. The 用途 the user typed is
/// required and goes into the access-log row the repository writes (after
/// checking the `sensitive` permission).
async fn reveal(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<RevealForm>,
) -> PageResult<Revealed> {
    let field = match f.field.as_str() {
        "id_number" => SensitiveField::IdNumber,
        "phone" => SensitiveField::Phone,
        "name" => SensitiveField::Name,
        other => {
            return Err(PageError::bad_request(format!(
                "要查看的字段「{other}」无效，可选：身份证号、手机号、姓名"
            )));
        }
    };
    // Permission first: without it the answer is 403 whatever was typed.
    cu.ctx
        .require(Module::People, Permission::Sensitive)
        .map_err(PageError::from)?;
    let purpose = f.purpose.trim();
    if purpose.is_empty() {
        return Err(PageError::bad_request(
            "请填写查看用途：用途会和查看人、时间一并记入访问日志",
        ));
    }
    let n = purpose.chars().count();
    if n > 200 {
        return Err(PageError::bad_request(format!(
            "查看用途最多200个字，现有{n}个字"
        )));
    }
    let id = person_id(&id)?;
    let txn = begin(&state).await?;
    let value = people::reveal(&txn, &state.db, &cu.ctx, id, field, purpose).await?;
    commit(txn).await?;
    Ok(Revealed {
        field: field.code(),
        value: value.unwrap_or_else(|| "—".into()),
    })
}

async fn save_tags(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Redirect> {
    let id = person_id(&id)?;
    let update = PersonUpdate::tags_only(tags_from(&FormPairs(pairs))).map_err(|inv| {
        PageError::bad_request(inv.errors.first().map_or("", |e| e.message.as_str()))
    })?;
    let txn = begin(&state).await?;
    people::update(&txn, &state.db, &cu.ctx, id, update).await?;
    commit(txn).await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")))
}

#[derive(Default)]
struct EditForm {
    name: String,
    phone: String,
    clear_phone: bool,
    org_code: String,
    tags_other: String,
}

async fn edit_view(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
    form: Option<(EditForm, Vec<String>)>,
    errors: FormErrors,
) -> PageResult<FormPage> {
    let c = &state.db.conn;
    let (model, p) = people::get(c, &cu.ctx, id).await?;
    if !people::can_edit(c, &cu.ctx, &model).await? {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "该人员不在您的录入范围内，只能查看",
        ));
    }
    let (form, tags) = form.unwrap_or_else(|| {
        (
            EditForm {
                name: model.name.clone(),
                org_code: p.org_code.clone(),
                ..Default::default()
            },
            p.tags.clone(),
        )
    });
    let orgs = db::org::all_capturable(c, &cu.ctx).await?;
    let kept = match &p.phone_masked {
        Some(ph) => format!("留空则保持原号码（{ph}）"),
        None => "留空则不登记手机号".to_string(),
    };
    let mut fields = vec![
        Field::text("name", label_of(FIELDS, "name"), &form.name)
            .required()
            .max_chars(50),
        Field::select("org_code", "所属组织", &form.org_code, Opt::org_tree(&orgs)).required(),
        Field::tel("phone", "新手机号", &form.phone)
            .max_chars(20)
            .hint(kept),
    ];
    if p.phone_masked.is_some() {
        fields.push(Field::check("clear_phone", "删除手机号", form.clear_phone));
    }
    fields.extend(tag_fields(&tags, &form.tags_other));
    let mut page = FormPage::new(
        Layout::new(cu, format!("修改 {}", p.name), "people"),
        "修改人员信息",
        format!("/people/{id}/edit"),
    );
    page.crumbs = vec![
        ("/people".into(), "人员".into()),
        (format!("/people/{id}"), p.name.clone()),
    ];
    page.notes = vec![format!(
        "身份证号 {} 不可修改；号码有误请另行登记。",
        p.id_masked
    )];
    page.fields = fields;
    page.cancel = format!("/people/{id}");
    Ok(page.with_errors(&errors))
}

async fn edit_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
) -> PageResult<FormPage> {
    let id = person_id(&id)?;
    edit_view(&state, &cu, id, None, FormErrors::default()).await
}

async fn save_edit(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let id = person_id(&id)?;
    let f = FormPairs(pairs);
    let tags = tags_from(&f);
    let form = EditForm {
        name: f.one("name"),
        phone: f.one("phone"),
        clear_phone: !f.one("clear_phone").is_empty(),
        org_code: f.one("org_code"),
        tags_other: f.one("tags_other"),
    };
    // An empty phone box keeps the stored number (it is never shown here in
    // plaintext); the checkbox removes it.
    let phone = if form.clear_phone {
        Some(String::new())
    } else if form.phone.is_empty() {
        None
    } else {
        Some(form.phone.clone())
    };
    let draft = PersonChangeDraft {
        name: Some(form.name.clone()),
        phone,
        org_code: Some(form.org_code.clone()),
        tags: Some(tags.clone()),
    };
    let saved = save(&state, draft.validate(), async |tx, update| {
        people::update(tx, &state.db, &cu.ctx, id, update).await
    })
    .await?;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(errors) => Ok(edit_view(&state, &cu, id, Some((form, tags)), errors)
            .await?
            .respond()),
    }
}

#[derive(Deserialize)]
struct HouseholdForm {
    address: Option<String>,
}

async fn create_household(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<HouseholdForm>,
) -> PageResult<Redirect> {
    let id = person_id(&id)?;
    let txn = begin(&state).await?;
    household::ensure(&txn, &cu.ctx, id, crate::form::opt(&f.address)).await?;
    commit(txn).await?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")))
}

#[derive(Deserialize)]
struct AddMemberForm {
    id_number: String,
    relation: String,
}

/// Adds a registered person to this person's household (creating the
/// household with this person as head when there is none yet).
async fn add_member(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(id): Path<String>,
    Form(f): Form<AddMemberForm>,
) -> PageResult<Response> {
    let id = person_id(&id)?;
    let member = MemberForm {
        id_number: f.id_number.trim().to_string(),
        relation: f.relation.trim().to_string(),
    };
    let again = |member: MemberForm, errors: FormErrors| {
        let state = state.clone();
        let cu = cu.clone();
        async move {
            let page = detail_page(&state, &cu, id, None, member, errors).await?;
            Ok::<_, PageError>((StatusCode::BAD_REQUEST, page).into_response())
        }
    };
    let mut inv = Invalid::new();
    let number = inv.check("member_id_number", IdNumber::parse(&member.id_number));
    if member.relation.is_empty() {
        inv.push("relation", "请填写与户主关系");
    }
    let (Some(number), true) = (number, inv.is_empty()) else {
        return again(member, inv.into()).await;
    };
    // A look-up by exact number: limited and logged like a search (§3).
    crate::limiter::check_lookup(&state, &cu.ctx).map_err(PageError::from)?;
    let txn = begin(&state).await?;
    let found = people::find_visible_by_id_number(&txn, &state.db, &cu.ctx, &number).await?;
    let Some(person) = found else {
        drop(txn);
        // Logged once the transaction is gone (SQLite has one writer).
        crate::limiter::record_lookup(&state, &cu.ctx, &number, 0).await?;
        let mut e = FormErrors::default();
        e.set(
            "member_id_number",
            "未找到该身份证号的人员（或不在您的查看范围内），请先登记此人",
        );
        return again(member, e).await;
    };
    let result = async {
        let h = match household::of_person(&txn, &cu.ctx, id).await? {
            Some(h) => h,
            None => household::ensure(&txn, &cu.ctx, id, None).await?,
        };
        household::add_member(&txn, &cu.ctx, h.id, person.id, &member.relation).await
    }
    .await;
    match result {
        Ok(()) => {
            commit(txn).await?;
            crate::limiter::record_lookup(&state, &cu.ctx, &number, 1).await?;
            Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
        }
        Err(e) => {
            drop(txn);
            crate::limiter::record_lookup(&state, &cu.ctx, &number, 1).await?;
            again(member, FormErrors::from_db(e)?).await
        }
    }
}
