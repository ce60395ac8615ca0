//! Venues (阵地): 妇女之家, 儿童之家, 妇女微家, keyed by (org, name).

use domain::audit::{AuditAction, AuditEntity};
use std::collections::HashSet;

use domain::access::{Module, Permission};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{org, venue},
    org::find_capturable_ref,
    scope::view_condition,
    time::now,
};

pub use domain::foundation::venue::VenueInput;

/// Creates the venue, or updates the one with the same org and name.
pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &VenueInput,
) -> DbResult<(venue::Model, bool)> {
    ctx.require(Module::Org, Permission::Write)?;
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let name = input.name.as_str();
    let existing = venue::Entity::find()
        .filter(venue::Column::OrgId.eq(o.id))
        .filter(venue::Column::Name.eq(name))
        .one(c)
        .await?;
    let t = now();
    match existing {
        Some(before) => {
            let mut am = before.clone().into_active_model();
            am.kind = Set(input.kind.code().into());
            am.opened_on = Set(input.opened_on);
            am.rating = Set(input.rating.map(|r| r.code().into()));
            am.rating_level = Set(input.rating_level.map(|r| r.code().into()));
            am.updated_at = Set(t);
            let after = am.update(c).await?;
            if after
                != (venue::Model {
                    updated_at: after.updated_at,
                    ..before.clone()
                })
            {
                Change::new(
                    AuditAction::Update,
                    AuditEntity::Venue,
                    after.id,
                    format!("修改阵地「{name}」"),
                )
                .org(o.id)
                .before(&before)
                .after(&after)
                .write(c, ctx)
                .await?;
            }
            Ok((after, false))
        }
        None => {
            let row = new_row(&o, input, t)
                .insert(c)
                .await
                .map_err(|e| DbError::from_write(e, "该组织下已有同名阵地"))?;
            created(&row).write(c, ctx).await?;
            Ok((row, true))
        }
    }
}

/// The row of a venue not on file yet.
fn new_row(
    o: &org::Model,
    input: &VenueInput,
    t: chrono::DateTime<chrono::Utc>,
) -> venue::ActiveModel {
    venue::ActiveModel {
        org_id: Set(o.id),
        name: Set(input.name.clone()),
        kind: Set(input.kind.code().into()),
        opened_on: Set(input.opened_on),
        rating: Set(input.rating.map(|r| r.code().into())),
        rating_level: Set(input.rating_level.map(|r| r.code().into())),
        closed_on: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
}

/// The audit row of a new venue, holding it as stored.
fn created(v: &venue::Model) -> Change {
    Change::new(
        AuditAction::Create,
        AuditEntity::Venue,
        v.id,
        format!("新建阵地「{}」", v.name),
    )
    .org(v.org_id)
    .after(v)
}

/// The (org, name) pairs of the venues on file in these orgs.
pub(crate) async fn names_on_file(
    c: &impl ConnectionTrait,
    org_ids: &[i64],
) -> DbResult<HashSet<(i64, String)>> {
    let mut found = HashSet::new();
    for chunk in org_ids.chunks(crate::batch::size(c, crate::batch::Rows::Ids)) {
        let rows: Vec<(i64, String)> = venue::Entity::find()
            .select_only()
            .column(venue::Column::OrgId)
            .column(venue::Column::Name)
            .filter(venue::Column::OrgId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Creates venues not on file (by org and trimmed, non-empty name), each in
/// an org the caller may record for (checked by the caller): the rows and
/// audit of [`upsert`] creating each, in a few statements.
pub(crate) async fn create_many(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    new: &[(VenueInput, &org::Model)],
) -> DbResult<()> {
    ctx.require(Module::Org, Permission::Write)?;
    let t = now();
    let rows: Vec<_> = new.iter().map(|(input, o)| new_row(o, input, t)).collect();
    let changes = crate::batch::insert_returning(c, crate::batch::Rows::Narrow, rows)
        .await?
        .into_iter()
        .map(|row| created(&row))
        .collect();
    crate::audit::write_many(c, ctx, changes).await
}

/// Venues of one org, or of a visible subtree when `subtree` is set.
pub async fn list_for_org(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
    subtree: bool,
) -> DbResult<Vec<(venue::Model, String)>> {
    ctx.require(Module::Org, Permission::Read)?;
    let mut q = venue::Entity::find()
        .join(JoinType::InnerJoin, venue_org())
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    q = if subtree {
        q.filter(org::Column::Path.starts_with(&o.path))
    } else {
        q.filter(venue::Column::OrgId.eq(o.id))
    };
    let rows = q
        .select_also(org::Entity)
        .order_by_asc(venue::Column::OrgId)
        .order_by_asc(venue::Column::Name)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(v, o)| (v, o.map(|o| o.name).unwrap_or_default()))
        .collect())
}

fn venue_org() -> sea_orm::RelationDef {
    crate::scope::org_join(venue::Entity, venue::Column::OrgId)
}
