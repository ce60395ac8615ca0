//! Moving orgs (towns merge) without rewriting history, and reading the tree as
//! it stood on a date. Facts keep the org they were recorded against; a past
//! period's figures group them by the tree of that period's end.

use chrono::NaiveDate;
use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{org, org_tree_history},
    org::find_capturable,
    time::now,
};

/// Moves `code` (and its whole subtree) under `new_parent_code`, effective from
/// `effective`: history rows before that date keep the old paths.
pub async fn move_org(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    code: &str,
    new_parent_code: &str,
    effective: NaiveDate,
) -> DbResult<org::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let moving = find_capturable(c, ctx, code).await?;
    let new_parent = find_capturable(c, ctx, new_parent_code)
        .await
        .map_err(|e| match e {
            DbError::NotFound => DbError::invalid(
                "parent_code",
                format!("上级组织编码「{new_parent_code}」不存在"),
            ),
            e => e,
        })?;
    if moving.parent_id.is_none() {
        return Err(DbError::Conflict("不能迁移根组织".into()));
    }
    if new_parent.path.starts_with(&moving.path) {
        return Err(DbError::invalid(
            "parent_code",
            "不能迁移到自己或自己的下级组织之下",
        ));
    }
    if moving.parent_id == Some(new_parent.id) {
        return Err(DbError::invalid("parent_code", "新的上级组织与当前相同"));
    }
    if new_parent.closed_on.is_some() {
        return Err(DbError::invalid(
            "parent_code",
            format!("「{}」已撤销，不能作为上级组织", new_parent.name),
        ));
    }
    let old_prefix = moving.path.clone();
    let new_prefix = format!("{}{}/", new_parent.path, moving.id);
    let depth_shift = new_parent.depth + 1 - moving.depth;
    let subtree = org::Entity::find()
        .filter(org::Column::Path.starts_with(&old_prefix))
        .all(c)
        .await?;
    let t = now();
    for o in subtree {
        let new_path = format!("{new_prefix}{}", &o.path[old_prefix.len()..]);
        let new_parent_id = if o.id == moving.id {
            Some(new_parent.id)
        } else {
            o.parent_id
        };
        let depth = o.depth + depth_shift;
        close_history(c, o.id, effective).await?;
        org_tree_history::ActiveModel {
            org_id: Set(o.id),
            parent_id: Set(new_parent_id),
            path: Set(new_path.clone()),
            valid_from: Set(effective),
            valid_to: Set(None),
            ..Default::default()
        }
        .insert(c)
        .await?;
        let mut am = o.into_active_model();
        am.path = Set(new_path);
        am.parent_id = Set(new_parent_id);
        am.depth = Set(depth);
        am.updated_at = Set(t);
        am.update(c).await?;
    }
    let after = org::Entity::find_by_id(moving.id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Change::new(
        AuditAction::Move,
        AuditEntity::Org,
        &after.code,
        format!(
            "「{}」自{}起迁移至「{}」之下",
            after.name, effective, new_parent.name
        ),
    )
    .org(after.id)
    .before(&moving)
    .after(&after)
    .write(c, ctx)
    .await?;
    Ok(after)
}

/// Ends the open history interval of an org at `at` (or drops it when it starts
/// on that same day, so a same-day correction doesn't leave an empty interval).
async fn close_history(c: &DatabaseTransaction, org_id: i64, at: NaiveDate) -> DbResult<()> {
    let open = org_tree_history::Entity::find()
        .filter(org_tree_history::Column::OrgId.eq(org_id))
        .filter(org_tree_history::Column::ValidTo.is_null())
        .all(c)
        .await?;
    for h in open {
        if h.valid_from >= at {
            org_tree_history::Entity::delete_by_id(h.id).exec(c).await?;
        } else {
            let mut am = h.into_active_model();
            am.valid_to = Set(Some(at));
            am.update(c).await?;
        }
    }
    Ok(())
}

/// Condition selecting history rows in force on `on`.
pub fn in_force(on: NaiveDate) -> Condition {
    Condition::all()
        .add(org_tree_history::Column::ValidFrom.lte(on))
        .add(
            Condition::any()
                .add(org_tree_history::Column::ValidTo.is_null())
                .add(org_tree_history::Column::ValidTo.gt(on)),
        )
}

/// The path an org had on a date (None if it had no placement then).
pub async fn path_as_of(
    c: &impl ConnectionTrait,
    org_id: i64,
    on: NaiveDate,
) -> DbResult<Option<String>> {
    Ok(org_tree_history::Entity::find()
        .filter(org_tree_history::Column::OrgId.eq(org_id))
        .filter(in_force(on))
        .one(c)
        .await?
        .map(|h| h.path))
}

/// Ids of the orgs in the subtree of `root_id` as the tree stood on `on`.
pub async fn subtree_ids_as_of(
    c: &impl ConnectionTrait,
    root_id: i64,
    on: NaiveDate,
) -> DbResult<Vec<i64>> {
    let Some(root_path) = path_as_of(c, root_id, on).await? else {
        return Ok(Vec::new());
    };
    let rows = org_tree_history::Entity::find()
        .filter(org_tree_history::Column::Path.starts_with(&root_path))
        .filter(in_force(on))
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|h| h.org_id).collect())
}
