//! Programmes (品牌项目) are data: 巾帼微学堂, 母亲讲堂 … created by an org for
//! itself and everything below it.

use domain::audit::{AuditAction, AuditEntity};
use std::collections::HashMap;

use domain::{
    Invalid,
    access::{Module, Permission},
    activity::ActivityKind,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

pub use crate::entity::programme::{Column, Entity, Model};
use crate::{
    Ctx, DbResult,
    audit::Change,
    entity::{org, programme},
    org::find_capturable_ref,
    time::now,
};

fn ancestor_ids(o: &org::Model) -> Vec<i64> {
    o.path.split('/').filter_map(|s| s.parse().ok()).collect()
}

/// The names of the programmes the caller may see, by id, kept per data
/// version and scope (lists show the names of the programmes their rows
/// belong to; the table is small). A programme is visible when its owner is
/// in the caller's subtrees or above one of her roots (a county's programme
/// is used by its townships); a sibling township's own programmes are not.
pub async fn names_cached(
    db: &crate::Db,
    ctx: &Ctx,
) -> DbResult<std::sync::Arc<std::collections::HashMap<i64, String>>> {
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    db.caches
        .programme_names
        .get_or_compute(
            crate::scope::key(&ctx.scope),
            version,
            |m| m.len(),
            async || {
                Ok(visible(ctx)
                    .all(c)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p.name))
                    .collect())
            },
        )
        .await
}

/// The programmes the caller may see (see [`names_cached`]).
fn visible(ctx: &Ctx) -> sea_orm::Select<programme::Entity> {
    use sea_orm::sea_query::{Condition, Query};
    let scope = &ctx.scope;
    if scope.operator {
        return programme::Entity::find();
    }
    // A root's path lists the ids of its ancestors and itself.
    let above: Vec<i64> = scope
        .view_roots
        .iter()
        .chain(&scope.capture_roots)
        .flat_map(|r| r.split('/').filter_map(|s| s.parse::<i64>().ok()))
        .collect();
    let in_view = Query::select()
        .column((org::Entity, org::Column::Id))
        .from(org::Entity)
        .cond_where(crate::scope::view_condition(
            scope,
            (org::Entity, org::Column::Path),
        ))
        .to_owned();
    programme::Entity::find().filter(
        Condition::any()
            .add(programme::Column::OwnerOrgId.is_in(above))
            .add(programme::Column::OwnerOrgId.in_subquery(in_view)),
    )
}

/// Programmes usable by an org: its own and its ancestors'.
pub async fn usable_by(
    c: &impl ConnectionTrait,
    o: &org::Model,
) -> DbResult<Vec<programme::Model>> {
    Ok(programme::Entity::find()
        .filter(programme::Column::OwnerOrgId.is_in(ancestor_ids(o)))
        .order_by_asc(programme::Column::Name)
        .all(c)
        .await?)
}

/// Finds the programme `name` usable by `o`, or creates it owned by `o`.
pub async fn resolve(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    o: &org::Model,
    name: &str,
    kind: ActivityKind,
) -> DbResult<programme::Model> {
    let name = name.trim();
    if let Some(p) = usable_by(c, o).await?.into_iter().find(|p| p.name == name) {
        return Ok(p);
    }
    create(c, ctx, &o.code, name, None, &[kind]).await
}

/// [`resolve`] for many (org, name, kind) at once, for a ledger's 活动 rows:
/// one read of every programme the orgs can use, then the missing ones
/// created in a few statements with their audit rows. Where several of an
/// org's ancestors hold the name, the nearest one's is taken. Each pair gets
/// its programme's id or the error `create` would give for the name.
pub async fn resolve_many(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    wanted: &[(&org::Model, String, ActivityKind)],
) -> DbResult<HashMap<(i64, String), Result<i64, Invalid>>> {
    let mut owners: Vec<i64> = wanted
        .iter()
        .flat_map(|(o, _, _)| ancestor_ids(o))
        .collect();
    owners.sort_unstable();
    owners.dedup();
    let mut held: HashMap<(i64, String), i64> = HashMap::new();
    for chunk in owners.chunks(crate::batch::size(c, crate::batch::Rows::Ids)) {
        let found: Vec<(i64, i64, String)> = programme::Entity::find()
            .select_only()
            .column(programme::Column::Id)
            .column(programme::Column::OwnerOrgId)
            .column(programme::Column::Name)
            .filter(programme::Column::OwnerOrgId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        held.extend(
            found
                .into_iter()
                .map(|(id, owner, name)| ((owner, name), id)),
        );
    }
    let mut out: HashMap<(i64, String), Result<i64, Invalid>> = HashMap::new();
    let mut new_rows: Vec<programme::ActiveModel> = Vec::new();
    let mut asked = std::collections::HashSet::new();
    let t = now();
    for (o, name, kind) in wanted {
        let name = name.trim();
        let key = (o.id, name.to_string());
        if !asked.insert(key.clone()) {
            continue;
        }
        let nearest = ancestor_ids(o)
            .into_iter()
            .rev()
            .find_map(|a| held.get(&(a, name.to_string())).copied());
        let found = match nearest {
            Some(id) => Ok(id),
            None if name.is_empty() || name.chars().count() > 60 => {
                // Named as the activity's field: a ledger row's error goes
                // on its 品牌项目 column, not on 活动名称.
                Err(Invalid::single("programme", "品牌项目名称应为1-60个字"))
            }
            None => {
                new_rows.push(programme::ActiveModel {
                    owner_org_id: Set(o.id),
                    name: Set(name.into()),
                    description: Set(None),
                    kinds: Set(kind.code().to_string()),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                });
                continue;
            }
        };
        out.insert(key, found);
    }
    let created = crate::batch::insert_returning(c, crate::batch::Rows::Narrow, new_rows)
        .await
        .map_err(|e| crate::DbError::from_write(e, "已有同名品牌项目"))?;
    let mut changes = Vec::with_capacity(created.len());
    for row in created {
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::Programme,
                row.id,
                format!("新建品牌项目「{}」", row.name),
            )
            .org(row.owner_org_id)
            .after(&row),
        );
        out.insert((row.owner_org_id, row.name), Ok(row.id));
    }
    crate::audit::write_many(c, ctx, changes).await?;
    Ok(out)
}

pub async fn create(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    owner_code: &str,
    name: &str,
    description: Option<String>,
    kinds: &[ActivityKind],
) -> DbResult<programme::Model> {
    ctx.require(Module::Activity, Permission::Write)?;
    let owner = find_capturable_ref(c, ctx, owner_code, "owner").await?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Invalid::single("name", "品牌项目名称应为1-60个字").into());
    }
    let t = now();
    let row = programme::ActiveModel {
        owner_org_id: Set(owner.id),
        name: Set(name.into()),
        description: Set(description.filter(|d| !d.trim().is_empty())),
        kinds: Set(kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| crate::DbError::from_write(e, "已有同名品牌项目"))?;
    Change::new(
        AuditAction::Create,
        AuditEntity::Programme,
        row.id,
        format!("新建品牌项目「{name}」"),
    )
    .org(owner.id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok(row)
}

/// Programmes usable by the visible org `org_code` (its own and its
/// ancestors'), each with its owner org. The owners are ancestors of an org
/// the caller sees, and the programme is offered to that org, so naming them
/// reveals nothing outside the caller's reach.
pub async fn list_usable(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
) -> DbResult<Vec<(programme::Model, org::Model)>> {
    ctx.require(Module::Activity, Permission::Read)?;
    let o = crate::org::find_visible(c, ctx, org_code).await?;
    let rows = usable_by(c, &o).await?;
    let owners: std::collections::HashMap<i64, org::Model> = org::Entity::find()
        .filter(org::Column::Id.is_in(rows.iter().map(|p| p.owner_org_id)))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|p| owners.get(&p.owner_org_id).cloned().map(|o| (p, o)))
        .collect())
}

/// Names of programmes by id (ids taken from scoped activities).
pub async fn names(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(programme::Entity::find()
        .filter(programme::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}
