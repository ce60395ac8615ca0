//! People (人员) and households. 身份证号, phone and bank card are encrypted at
//! rest; a keyed blind index finds a person by exact 身份证号 or phone; lists show
//! the masked copies; a plaintext view needs the `sensitive` permission and is
//! written to the access log.

pub mod bulk;
pub mod edit;
pub mod household;

pub use edit::{
    COMMON_TAGS, PersonUpdate, can_edit, find_visible_by_id_number, tags_in_use,
    tags_in_use_cached, update,
};

use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    idcard::{IdNumber, age_by_year, may_be_minor},
    mask::{mask_child_name, mask_name},
    phone::Phone,
    search::normalize,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, Db, DbError, DbResult,
    audit::{Change, log_plaintext_view},
    entity::{org, person, person_tag},
    org::find_capturable_ref,
    scope::{org_join, view_condition},
    time::{now, today_beijing},
};

pub use domain::foundation::person::PersonInput;

/// What lists and pages show: masked by default. Nothing here, taken with the
/// rest of a page, narrows a 身份证号 below 10,000 candidates (docs/security.md
/// §2): the mask keeps the region code and the check character, and of the
/// birth date only the year is shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub id_masked: String,
    pub sex: String,
    pub birth_year: i32,
    /// Calendar years since the birth year (the exact age or one more).
    pub age: u32,
    pub phone_masked: Option<String>,
    pub org_code: String,
    pub org_name: String,
    pub tags: Vec<String>,
    /// Under 18 (judged by the birth year): the name shows as surname + `*`;
    /// the full name only through a logged reveal.
    pub is_child: bool,
}

fn view_of(ctx: &Ctx, p: &person::Model, o: &org::Model, tags: Vec<String>) -> PersonView {
    view_on(ctx, p, o, tags, today_beijing(), false)
}

/// The name a list, roster or export shows without a logged view: a child's
/// as surname + `*`.
pub fn shown_name(name: &str, birth_year: i32, today: NaiveDate) -> String {
    if may_be_minor(birth_year, today) {
        mask_child_name(name)
    } else {
        name.to_string()
    }
}

/// [`view_of`] as of `today`; `exact` (an exact 身份证号/phone search) masks
/// every name, so a search answers "someone in your scope" and no more.
fn view_on(
    _ctx: &Ctx,
    p: &person::Model,
    o: &org::Model,
    tags: Vec<String>,
    today: NaiveDate,
    exact: bool,
) -> PersonView {
    let is_child = may_be_minor(p.birth_year, today);
    let name = if is_child {
        mask_child_name(&p.name)
    } else if exact {
        mask_name(&p.name)
    } else {
        p.name.clone()
    };
    PersonView {
        id: p.id,
        name,
        id_masked: p.id_masked.clone(),
        sex: domain::idcard::Sex::from_code(&p.sex)
            .map_or("", |s| s.label())
            .to_string(),
        birth_year: p.birth_year,
        age: age_by_year(p.birth_year, today),
        phone_masked: p.phone_masked.clone(),
        org_code: o.code.clone(),
        org_name: o.name.clone(),
        tags,
        is_child,
    }
}

fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut t: Vec<String> = tags
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Looks a person up by 身份证号 (exact, via the blind index), unscoped: used to
/// keep one person one record across the whole database.
pub async fn find_by_id_number(
    c: &impl ConnectionTrait,
    db: &Db,
    id: &IdNumber,
) -> DbResult<Option<person::Model>> {
    let index = db.keys.blind_index("id_number", id.as_str());
    Ok(person::Entity::find()
        .filter(person::Column::IdIndex.eq(index))
        .one(c)
        .await?)
}

/// The ids of the people on file with these 身份证号, by number (one
/// statement per few hundred numbers).
pub async fn ids_by_id_number(
    c: &impl ConnectionTrait,
    db: &Db,
    ids: &[&IdNumber],
) -> DbResult<std::collections::HashMap<String, i64>> {
    use std::collections::HashMap;
    let by_index: HashMap<String, &IdNumber> = ids
        .iter()
        .map(|id| (db.keys.blind_index("id_number", id.as_str()), *id))
        .collect();
    let keys: Vec<&String> = by_index.keys().collect();
    let mut found = HashMap::new();
    for chunk in keys.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let rows: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::IdIndex)
            .filter(person::Column::IdIndex.is_in(chunk.iter().map(|k| (*k).clone())))
            .into_tuple()
            .all(c)
            .await?;
        for (pid, index) in rows {
            if let Some(id) = by_index.get(&index) {
                found.insert(id.as_str().to_string(), pid);
            }
        }
    }
    Ok(found)
}

/// Finds the person with this 身份证号 (one person, one record) and returns her
/// unchanged, or registers her. Registering an officer, an attendee or a form
/// entry must never move or rename someone already on file; an existing person
/// the caller can't see is reported as a conflict without details.
pub async fn find_or_create(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    input: &PersonInput,
) -> DbResult<(person::Model, bool)> {
    ctx.require(Module::People, Permission::Write)?;
    let name = input.name.as_str();
    let home = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    if let Some(existing) = find_by_id_number(c, db, &input.id_number).await? {
        let existing_org = org::Entity::find_by_id(existing.org_id)
            .one(c)
            .await?
            .ok_or(DbError::NotFound)?;
        if !ctx.scope.can_view_path(&existing_org.path) {
            return Err(DbError::Conflict(
                "该身份证号已在其他组织登记，请联系上级妇联核实".into(),
            ));
        }
        return Ok((existing, false));
    }
    insert_new(c, db, ctx, input, home.id, name).await
}

/// Creates the person, or updates the existing one with the same 身份证号 (name,
/// phone, home org, added tags) — the ledger's 人员 sheet semantics, where a
/// re-import updates rather than duplicates. One outside the caller's reach is
/// reported as a conflict.
pub async fn upsert(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    input: &PersonInput,
) -> DbResult<(person::Model, bool)> {
    ctx.require(Module::People, Permission::Write)?;
    let name = input.name.as_str();
    let home = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let t = now();
    if let Some(existing) = find_by_id_number(c, db, &input.id_number).await? {
        let existing_org = org::Entity::find_by_id(existing.org_id)
            .one(c)
            .await?
            .ok_or(DbError::NotFound)?;
        if !ctx.scope.can_capture_path(&existing_org.path) {
            return Err(DbError::Conflict(
                "该身份证号已在其他组织登记，请联系上级妇联核实".into(),
            ));
        }
        let before = existing.clone();
        let mut am = existing.into_active_model();
        am.name = Set(name.to_string());
        am.search_text = Set(normalize(name));
        let phone_index = input
            .phone
            .as_ref()
            .map(|p| db.keys.blind_index("phone", p.as_str()));
        // Re-encrypting an unchanged phone (fresh nonce) would look like a change.
        if let Some(phone) = input
            .phone
            .as_ref()
            .filter(|_| phone_index != before.phone_index)
        {
            am.phone_cipher = Set(Some(db.keys.encrypt(phone.as_str())));
            am.phone_index = Set(phone_index.clone());
            am.phone_masked = Set(Some(phone.masked()));
        }
        am.org_id = Set(home.id);
        am.updated_at = Set(t);
        let after = am.update(c).await?;
        set_tags(c, after.id, &input.tags, false).await?;
        if after
            != (person::Model {
                updated_at: after.updated_at,
                ..before.clone()
            })
        {
            Change::new(
                AuditAction::Update,
                AuditEntity::Person,
                after.id,
                format!("更新人员「{}」", mask_name(name)),
            )
            .org(home.id)
            .before(&redacted(&before))
            .after(&redacted(&after))
            .write(c, ctx)
            .await?;
        }
        return Ok((after, false));
    }
    insert_new(c, db, ctx, input, home.id, name).await
}

/// Inserts a new person (the 身份证号 is known not to exist).
async fn insert_new(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    input: &PersonInput,
    home_id: i64,
    name: &str,
) -> DbResult<(person::Model, bool)> {
    let t = now();
    let id = &input.id_number;
    let row = person::ActiveModel {
        name: Set(name.to_string()),
        id_cipher: Set(db.keys.encrypt(id.as_str())),
        id_index: Set(db.keys.blind_index("id_number", id.as_str())),
        id_masked: Set(id.masked()),
        sex: Set(id.sex().code().to_string()),
        birth_year: Set(id.birth_year()),
        phone_cipher: Set(input.phone.as_ref().map(|p| db.keys.encrypt(p.as_str()))),
        phone_index: Set(input
            .phone
            .as_ref()
            .map(|p| db.keys.blind_index("phone", p.as_str()))),
        phone_masked: Set(input.phone.as_ref().map(|p| p.masked())),
        bank_cipher: Set(None),
        bank_masked: Set(None),
        org_id: Set(home_id),
        search_text: Set(normalize(name)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| DbError::from_write(e, "该身份证号已登记"))?;
    set_tags(c, row.id, &input.tags, false).await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::Person,
        row.id,
        format!("登记人员「{}」", mask_name(name)),
    )
    .org(home_id)
    .after(&redacted(&row))
    .write(c, ctx)
    .await?;
    Ok((row, true))
}

/// Audit rows never hold ciphertexts or plaintexts of sensitive fields.
fn redacted(p: &person::Model) -> serde_json::Value {
    serde_json::json!({
        "id": p.id, "name": p.name, "id_masked": p.id_masked, "sex": p.sex,
        "phone_masked": p.phone_masked, "bank_masked": p.bank_masked, "org_id": p.org_id,
    })
}

/// Adds tags (or replaces them all when `replace`).
pub async fn set_tags(
    c: &DatabaseTransaction,
    person_id: i64,
    tags: &[String],
    replace: bool,
) -> DbResult<()> {
    let wanted = clean_tags(tags);
    let have: Vec<String> = person_tag::Entity::find()
        .filter(person_tag::Column::PersonId.eq(person_id))
        .all(c)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect();
    if replace {
        let drop: Vec<&String> = have.iter().filter(|t| !wanted.contains(t)).collect();
        if !drop.is_empty() {
            person_tag::Entity::delete_many()
                .filter(person_tag::Column::PersonId.eq(person_id))
                .filter(person_tag::Column::Tag.is_in(drop.into_iter().cloned()))
                .exec(c)
                .await?;
        }
    }
    for t in wanted.into_iter().filter(|t| !have.contains(t)) {
        person_tag::ActiveModel {
            person_id: Set(person_id),
            tag: Set(t),
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

async fn tags_of(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, Vec<String>>> {
    let mut map: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    for t in person_tag::Entity::find()
        .filter(person_tag::Column::PersonId.is_in(ids.iter().copied()))
        .order_by_asc(person_tag::Column::Tag)
        .all(c)
        .await?
    {
        map.entry(t.person_id).or_default().push(t.tag);
    }
    Ok(map)
}

/// An exact-identifier search: the field searched and the blind index of
/// the value (what the search log keeps instead of the number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactSearch {
    pub field: SensitiveField,
    pub index: String,
}

/// The message when the caller lacks `people:search`.
pub const MSG_NO_EXACT_SEARCH: &str =
    "按身份证号或手机号精确查找需要「人员·精确检索」权限，请按姓名查找或联系管理员开通";

/// The 身份证号 or phone that a search text is in full, if it is one: such a
/// search says whether the number is on file and whose it is, so it needs
/// `people:search`, is logged and (in the web layer) rate-limited.
pub fn exact_identifier(db: &Db, text: &str) -> Option<ExactSearch> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(id) = IdNumber::parse(text) {
        return Some(ExactSearch {
            field: SensitiveField::IdNumber,
            index: db.keys.blind_index("id_number", id.as_str()),
        });
    }
    Phone::parse(text).ok().map(|p| ExactSearch {
        field: SensitiveField::Phone,
        index: db.keys.blind_index("phone", p.as_str()),
    })
}

/// Refuses an exact-identifier search to a caller without `people:search`.
pub fn require_exact_search(ctx: &Ctx) -> DbResult<()> {
    if ctx.scope.allows(Module::People, Permission::Search) {
        Ok(())
    } else {
        Err(DbError::forbidden(MSG_NO_EXACT_SEARCH))
    }
}

/// Writes the search-log row of an exact-identifier search: who, when, from
/// where, which field, the blind index (never the number) and the hit count.
///
/// On any connection, like [`crate::audit::log_plaintext_view`]: a search is a
/// read, and its log row is append-only and changes no data.
pub async fn log_exact_search(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    search: &ExactSearch,
    hits: u64,
) -> DbResult<()> {
    crate::entity::search_log::ActiveModel {
        at: Set(now()),
        actor_id: Set(ctx.user_id()),
        actor_name: Set(ctx.actor_name().to_string()),
        ip: Set(ctx.ip.clone()),
        field: Set(search.field.code().to_string()),
        blind_index: Set(search.index.clone()),
        hits: Set(i32::try_from(hits).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Filters for the people list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PeopleQuery {
    /// A name fragment (two-character names work), an exact 身份证号 or phone.
    pub q: Option<String>,
    /// Org code: that org and its subtree.
    pub org: Option<String>,
    pub tag: Option<String>,
}

pub async fn list(
    c: &impl ConnectionTrait,
    db: &Db,
    ctx: &Ctx,
    query: &PeopleQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<PersonView>, u64)> {
    ctx.require(Module::People, Permission::Read)?;
    let exact = query.q.as_deref().and_then(|t| exact_identifier(db, t));
    if exact.is_some() {
        require_exact_search(ctx)?;
    }
    let mut q = person::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(person::Entity, person::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    if let Some(text) = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let mut any = Condition::any().add(crate::scope::contains_text_on(
            c.get_database_backend(),
            person::Column::SearchText,
            &normalize(text),
        ));
        if let Ok(id) = IdNumber::parse(text) {
            any =
                any.add(person::Column::IdIndex.eq(db.keys.blind_index("id_number", id.as_str())));
        }
        if let Ok(p) = Phone::parse(text) {
            any = any.add(person::Column::PhoneIndex.eq(db.keys.blind_index("phone", p.as_str())));
        }
        q = q.filter(any);
    }
    if let Some(code) = query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let root = crate::org::find_visible(c, ctx, code).await?;
        q = q.filter(org::Column::Path.starts_with(&root.path));
    }
    if let Some(tag) = query
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        q = q.filter(
            person::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(person_tag::Column::PersonId)
                    .from(person_tag::Entity)
                    .and_where(person_tag::Column::Tag.eq(tag))
                    .to_owned(),
            ),
        );
    }
    // The matching ids in list order, kept per (scope, filters, data
    // version): the total is their number and a page is one lookup by id.
    let version = crate::version::of(c, ctx).await?;
    let key = format!("{}|{query:?}", crate::scope::key(&ctx.scope));
    let all = db
        .caches
        .people_ids
        .get_or_compute(key.clone(), version, Vec::len, async || {
            q.clone()
                .select_only()
                .column(person::Column::Id)
                .order_by_asc(person::Column::Id)
                .into_tuple::<i64>()
                .all(c)
                .await
                .map_err(crate::DbError::from)
        })
        .await?;
    let total = all.len() as u64;
    let from = usize::try_from((page.max(1) - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let to = from.saturating_add(per_page as usize).min(all.len());
    let ids = all.get(from..to).unwrap_or_default();
    // The page as shown, kept too: a search read again before anything
    // changes runs no SQL. What a view masks depends on the caller's right to
    // sensitive data and on today (age, under 14), so both are in the key.
    let today = today_beijing();
    let sensitive = ctx.scope.allows(Module::People, Permission::Sensitive);
    let views = db
        .caches
        .people_pages
        .get_or_compute(
            format!("{key}|{from}..{to}|{sensitive}|{today}"),
            version,
            Vec::len,
            async || page_views(c, ctx, q, ids, today, exact.is_some()).await,
        )
        .await?;
    Ok((views.as_ref().clone(), total))
}

/// The people with these ids among `q`'s matches, as the caller may see them.
async fn page_views(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    q: sea_orm::Select<person::Entity>,
    ids: &[i64],
    today: NaiveDate,
    exact: bool,
) -> DbResult<Vec<PersonView>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = q
        .select_also(org::Entity)
        .filter(person::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(person::Column::Id)
        .all(c)
        .await?;
    let mut tags = tags_of(c, ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, o)| o.map(|o| (p, o)))
        .map(|(p, o)| {
            let t = tags.remove(&p.id).unwrap_or_default();
            view_on(ctx, &p, &o, t, today, exact)
        })
        .collect())
}

/// One person the caller may see.
pub async fn get(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(person::Model, PersonView)> {
    ctx.require(Module::People, Permission::Read)?;
    let (p, o) = person::Entity::find_by_id(id)
        .join(
            JoinType::InnerJoin,
            org_join(person::Entity, person::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .select_also(org::Entity)
        .one(c)
        .await?
        .and_then(|(p, o)| o.map(|o| (p, o)))
        .ok_or(DbError::NotFound)?;
    let tags = tags_of(c, &[p.id]).await?.remove(&p.id).unwrap_or_default();
    let v = view_of(ctx, &p, &o, tags);
    Ok((p, v))
}

/// Which sensitive field to show in plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveField {
    IdNumber,
    Phone,
    BankCard,
    Name,
}

impl SensitiveField {
    pub fn code(self) -> &'static str {
        match self {
            SensitiveField::IdNumber => "id_number",
            SensitiveField::Phone => "phone",
            SensitiveField::BankCard => "bank_card",
            SensitiveField::Name => "name",
        }
    }
}

/// Shows one sensitive field in plaintext, writing the access-log row first.
pub async fn reveal(
    c: &impl ConnectionTrait,
    db: &Db,
    ctx: &Ctx,
    id: i64,
    field: SensitiveField,
    purpose: &str,
) -> DbResult<Option<String>> {
    ctx.require(Module::People, Permission::Sensitive)?;
    let (p, _) = get(c, ctx, id).await?;
    let stored = match field {
        SensitiveField::IdNumber => Some(p.id_cipher.clone()),
        SensitiveField::Phone => p.phone_cipher.clone(),
        SensitiveField::BankCard => p.bank_cipher.clone(),
        SensitiveField::Name => None,
    };
    log_plaintext_view(c, ctx, AuditEntity::Person, p.id, field.code(), purpose).await?;
    if field == SensitiveField::Name {
        return Ok(Some(p.name));
    }
    match stored {
        Some(s) => db.keys.decrypt(&s).map(Some).map_err(|e| {
            tracing::error!(person = p.id, "decrypt failed: {e}");
            DbError::internal(format!("decrypt of person {} failed: {e}", p.id))
        }),
        None => Ok(None),
    }
}

/// Counts of people the caller may see (home page figures).
pub async fn count_visible(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<u64> {
    Ok(person::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(person::Entity, person::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .count(c)
        .await?)
}

/// The people among `ids` who are, or may still be, under 18 today (judged
/// by the birth year, see [`may_be_minor`]).
pub async fn minors_among(
    c: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
    today: NaiveDate,
) -> DbResult<std::collections::HashSet<i64>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out = std::collections::HashSet::new();
    for chunk in ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let rows: Vec<(i64, i32)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::BirthYear)
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(
            rows.into_iter()
                .filter(|(_, y)| may_be_minor(*y, today))
                .map(|(id, _)| id),
        );
    }
    Ok(out)
}

/// A roster as rosters, activity pages and the roster API show it: a child's
/// name (under 18 by the birth year of the number given, or of her person
/// record) as surname + `*`. These views are not logged, so no permission
/// shows more; the full name is on the person's page through a logged reveal.
pub async fn mask_roster_children(
    c: &impl ConnectionTrait,
    rows: &mut [crate::entity::attendance::Model],
) -> DbResult<()> {
    let today = today_beijing();
    let unknown = rows
        .iter()
        .filter(|r| r.birth_year.is_none())
        .filter_map(|r| r.person_id);
    let minors = minors_among(c, unknown, today).await?;
    for r in rows.iter_mut() {
        let child = match r.birth_year {
            Some(y) => may_be_minor(y, today),
            None => r.person_id.is_some_and(|p| minors.contains(&p)),
        };
        if child {
            r.name = mask_child_name(&r.name);
        }
    }
    Ok(())
}
