//! Changing a registered person (name, phone, home org, tags), and the scoped
//! look-ups the people pages need beyond the basic finders.

use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    idcard::IdNumber,
    mask::mask_name,
    phone::Phone,
    search::normalize,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, JoinType,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{find_by_id_number, get, redacted, set_tags, tags_of};
use crate::{
    Ctx, Db, DbError, DbResult,
    audit::Change,
    entity::{org, person, person_tag},
    org::find_capturable_ref,
    scope::{org_join, view_condition},
    time::now,
};

/// Tags offered as checkboxes on the forms (free text adds others).
pub const COMMON_TAGS: &[&str] = &[
    "低保",
    "特困",
    "留守儿童",
    "留守妇女",
    "困难妇女",
    "单亲母亲",
    "残疾",
    "脱贫户",
    "绣娘",
];

pub use domain::foundation::person::PersonChange as PersonUpdate;

/// Updates a person the caller may edit, in one audited change (before/after
/// hold masked values and tags, never plaintexts).
pub async fn update(
    c: &DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    id: i64,
    input: PersonUpdate,
) -> DbResult<person::Model> {
    ctx.require(Module::People, Permission::Write)?;
    let (p, _) = get(c, ctx, id).await?;
    let home = org::Entity::find_by_id(p.org_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if !ctx.scope.can_capture_path(&home.path) {
        return Err(DbError::forbidden("该人员不在您的录入范围内，只能查看"));
    }
    let name = input.name.clone().unwrap_or_else(|| p.name.clone());
    let org_id = match input.org_code.as_deref() {
        Some(code) => find_capturable_ref(c, ctx, code, "org_code").await?.id,
        None => p.org_id,
    };
    let tags_before = tags_of(c, &[id]).await?.remove(&id).unwrap_or_default();
    let before = p.clone();
    let mut am = p.into_active_model();
    am.name = Set(name.clone());
    am.search_text = Set(normalize(&name));
    am.org_id = Set(org_id);
    if let Some(phone) = &input.phone {
        let index = phone
            .as_ref()
            .map(|p| db.keys.blind_index("phone", p.as_str()));
        // Re-encrypting an unchanged number (fresh nonce) would be a needless write.
        if index != before.phone_index {
            am.phone_cipher = Set(phone.as_ref().map(|p| db.keys.encrypt(p.as_str())));
            am.phone_index = Set(index);
            am.phone_masked = Set(phone.as_ref().map(Phone::masked));
        }
    }
    am.updated_at = Set(now());
    let after = am.update(c).await?;
    if let Some(tags) = &input.tags {
        set_tags(c, id, tags, true).await?;
    }
    let tags_after = tags_of(c, &[id]).await?.remove(&id).unwrap_or_default();
    let snapshot = |m: &person::Model, tags: &[String]| {
        let mut v = redacted(m);
        v["tags"] = serde_json::json!(tags);
        v
    };
    let (b, a) = (
        snapshot(&before, &tags_before),
        snapshot(&after, &tags_after),
    );
    if b != a {
        Change::new(
            AuditAction::Update,
            AuditEntity::Person,
            id,
            format!("修改人员「{}」", mask_name(&name)),
        )
        .org(org_id)
        .before(&b)
        .after(&a)
        .write(c, ctx)
        .await?;
    }
    Ok(after)
}

/// A person by exact 身份证号, only when the caller may see her.
pub async fn find_visible_by_id_number(
    c: &impl ConnectionTrait,
    db: &Db,
    ctx: &Ctx,
    id: &IdNumber,
) -> DbResult<Option<person::Model>> {
    ctx.require(Module::People, Permission::Read)?;
    match find_by_id_number(c, db, id).await? {
        Some(p) => match get(c, ctx, p.id).await {
            Ok((p, _)) => Ok(Some(p)),
            Err(DbError::NotFound) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// True when the caller may change this (visible) person.
pub async fn can_edit(c: &impl ConnectionTrait, ctx: &Ctx, p: &person::Model) -> DbResult<bool> {
    if !ctx.scope.allows(Module::People, Permission::Write) {
        return Ok(false);
    }
    let home = org::Entity::find_by_id(p.org_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(ctx.scope.can_capture_path(&home.path))
}

/// [`tags_in_use`] through the database's cache (per scope and data
/// version): the people list shows them on every view, and finding them
/// visits every tagged person in scope.
pub async fn tags_in_use_cached(
    db: &crate::Db,
    ctx: &Ctx,
) -> DbResult<std::sync::Arc<Vec<String>>> {
    ctx.require(Module::People, Permission::Read)?;
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    db.caches
        .tags
        .get_or_compute(
            crate::scope::key(&ctx.scope),
            version,
            |_| 1,
            async || tags_in_use(c, ctx).await,
        )
        .await
}

/// Distinct tags on people the caller may see (for the tag filter).
pub async fn tags_in_use(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<String>> {
    ctx.require(Module::People, Permission::Read)?;
    let tags: Vec<String> = person_tag::Entity::find()
        .select_only()
        .column(person_tag::Column::Tag)
        .distinct()
        .join(
            JoinType::InnerJoin,
            person_tag::Entity::belongs_to(person::Entity)
                .from(person_tag::Column::PersonId)
                .to(person::Column::Id)
                .into(),
        )
        .join(
            JoinType::InnerJoin,
            org_join(person::Entity, person::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .order_by_asc(person_tag::Column::Tag)
        .into_tuple()
        .all(c)
        .await?;
    Ok(tags)
}
