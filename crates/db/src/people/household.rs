//! Households (户): a head and members, all people of the registry.

use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{household, household_member, org, person},
    time::now,
};

/// Creates the household headed by `head_id` (or returns the existing one).
pub async fn ensure(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    head_id: i64,
    address: Option<String>,
) -> DbResult<household::Model> {
    ctx.require(Module::People, Permission::Write)?;
    let (head, _) = super::get(c, ctx, head_id).await?;
    let home = org::Entity::find_by_id(head.org_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if !ctx.scope.can_capture_path(&home.path) {
        return Err(DbError::forbidden("无权修改该户"));
    }
    if let Some(h) = household::Entity::find()
        .filter(household::Column::HeadPersonId.eq(head_id))
        .one(c)
        .await?
    {
        return Ok(h);
    }
    let t = now();
    let h = household::ActiveModel {
        org_id: Set(head.org_id),
        head_person_id: Set(head_id),
        address: Set(address),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await?;
    household_member::ActiveModel {
        household_id: Set(h.id),
        person_id: Set(head_id),
        relation: Set("户主".into()),
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::Household,
        h.id,
        "新建家庭户",
    )
    .org(h.org_id)
    .after(&h)
    .write(c, ctx)
    .await?;
    Ok(h)
}

/// Adds a member (a registered person) with her relation to the head.
pub async fn add_member(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    household_id: i64,
    person_id: i64,
    relation: &str,
) -> DbResult<()> {
    ctx.require(Module::People, Permission::Write)?;
    let h = household::Entity::find_by_id(household_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    super::get(c, ctx, h.head_person_id).await?;
    super::get(c, ctx, person_id).await?;
    if relation.trim().is_empty() {
        return Err(DbError::invalid("relation", "请填写与户主关系"));
    }
    household_member::ActiveModel {
        household_id: Set(household_id),
        person_id: Set(person_id),
        relation: Set(relation.trim().into()),
    }
    .insert(c)
    .await
    .map_err(|e| DbError::from_write(e, "此人已是该户成员"))?;
    Change::new(
        AuditAction::AddMember,
        AuditEntity::Household,
        h.id,
        format!("添加家庭成员（{relation}）"),
    )
    .org(h.org_id)
    .write(c, ctx)
    .await?;
    Ok(())
}

/// Members of a household, head first: (person, relation).
pub async fn members(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    household_id: i64,
) -> DbResult<Vec<(person::Model, String)>> {
    let h = household::Entity::find_by_id(household_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    super::get(c, ctx, h.head_person_id).await?;
    let ms = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.eq(household_id))
        .all(c)
        .await?;
    let mut out = Vec::new();
    for m in ms {
        if let Some(p) = person::Entity::find_by_id(m.person_id).one(c).await? {
            out.push((p, m.relation));
        }
    }
    out.sort_by_key(|(p, _)| p.id != h.head_person_id);
    Ok(out)
}

/// The household a visible person heads or belongs to, if any.
pub async fn of_person(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    person_id: i64,
) -> DbResult<Option<household::Model>> {
    super::get(c, ctx, person_id).await?;
    if let Some(h) = household::Entity::find()
        .filter(household::Column::HeadPersonId.eq(person_id))
        .one(c)
        .await?
    {
        return Ok(Some(h));
    }
    let Some(m) = household_member::Entity::find()
        .filter(household_member::Column::PersonId.eq(person_id))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    Ok(household::Entity::find_by_id(m.household_id).one(c).await?)
}

/// Members as pages show them (masked like any person view), head first.
pub async fn member_views(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    household_id: i64,
) -> DbResult<Vec<(super::PersonView, String)>> {
    let mut out = Vec::new();
    for (p, relation) in members(c, ctx, household_id).await? {
        let Some(o) = org::Entity::find_by_id(p.org_id).one(c).await? else {
            continue;
        };
        out.push((super::view_of(ctx, &p, &o, Vec::new()), relation));
    }
    Ok(out)
}
