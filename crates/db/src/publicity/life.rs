//! A publicity item's record life (`crate::life`): 取消 with a reason (the
//! item stays, shows 已取消, and the statistics leave it out), 恢复, and
//! 删除 with its reposts. An item has no status of its own: it is cancelled
//! while its kept reason (`cancellation`) is there, so an edit or a
//! re-import of the same title and channel leaves it cancelled until 恢复.
//! Cancel and restore are for whoever may change the item; delete for its
//! author within 24 hours or whoever holds 宣传·管理 (`domain::life`). Out
//! of the caller's sight: not found.

use std::collections::HashMap;

use domain::{
    access::{Module, Permission},
    audit::AuditEntity,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Query, SelectStatement},
};

use crate::{
    Ctx, DbError, DbResult,
    entity::{cancellation, org, publicity_item, repost},
    life::{self, Subject},
    time::now,
};

const ENTITY: AuditEntity = AuditEntity::PublicityItem;

/// What an item has instead of a status: 恢复 gives this back.
const PUBLISHED: &str = "published";

fn subject(i: &publicity_item::Model) -> Subject {
    Subject {
        entity: ENTITY,
        id: i.id,
        org_id: i.org_id,
        title: format!("宣传稿件「{}」", i.title),
    }
}

/// The item the caller may change: 404 out of sight, 403 when she only reads it.
pub async fn get_capturable(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(publicity_item::Model, org::Model)> {
    let (i, o, _) = super::get(c, ctx, id).await?;
    may_change(ctx, &o)?;
    Ok((i, o))
}

/// Whether the caller may change an item of org `o` (found in her sight):
/// she must write publicity and record for that org.
pub fn may_change(ctx: &Ctx, o: &org::Model) -> DbResult<()> {
    ctx.require(Module::Publicity, Permission::Write)?;
    if !ctx.scope.can_capture_path(&o.path) {
        return Err(DbError::forbidden(format!(
            "无权修改「{}」的宣传稿件",
            o.name
        )));
    }
    Ok(())
}

/// The kept reason of item `id` when it is cancelled (the caller found it).
pub async fn cancellation(
    c: &impl ConnectionTrait,
    id: i64,
) -> DbResult<Option<cancellation::Model>> {
    life::cancellation_of(c, ENTITY, id).await
}

/// The cancelled ones among items `ids` (taken from a scoped list), with
/// their kept reasons, in a statement per few hundred ids.
pub async fn cancelled_among(
    c: &impl ConnectionTrait,
    ids: &[i64],
) -> DbResult<HashMap<i64, String>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(crate::batch::size(c, crate::batch::Rows::Ids)) {
        let rows: Vec<(i64, String)> = cancellation::Entity::find()
            .select_only()
            .column(cancellation::Column::EntityId)
            .column(cancellation::Column::Reason)
            .filter(cancellation::Column::Entity.eq(ENTITY.code()))
            .filter(cancellation::Column::EntityId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The ids of all cancelled items, as a subquery (statistics leave them out).
pub(crate) fn cancelled_ids() -> SelectStatement {
    Query::select()
        .column(cancellation::Column::EntityId)
        .from(cancellation::Entity)
        .and_where(cancellation::Column::Entity.eq(ENTITY.code()))
        .to_owned()
}

/// Cancels item `id` for `reason`.
pub async fn cancel(c: &DatabaseTransaction, ctx: &Ctx, id: i64, reason: &str) -> DbResult<()> {
    let (i, _) = get_capturable(c, ctx, id).await?;
    if cancellation(c, id).await?.is_some() {
        return Err(DbError::Conflict("该稿件已取消".into()));
    }
    life::cancel(c, ctx, &subject(&i), PUBLISHED, reason).await?;
    Ok(())
}

/// Restores cancelled item `id`.
pub async fn restore(c: &DatabaseTransaction, ctx: &Ctx, id: i64) -> DbResult<()> {
    let (i, _) = get_capturable(c, ctx, id).await?;
    if cancellation(c, id).await?.is_none() {
        return Err(DbError::Conflict("该稿件未取消，无需恢复".into()));
    }
    life::restore(c, ctx, &subject(&i), PUBLISHED).await?;
    Ok(())
}

/// The item the caller may delete, with how many reposts go with it; a 403
/// naming the rule when she may not.
pub async fn plan_delete(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(publicity_item::Model, org::Model, u64)> {
    use sea_orm::PaginatorTrait;
    let (i, o) = get_capturable(c, ctx, id).await?;
    let author = life::author_of(c, ENTITY, id).await?;
    life::may_delete(ctx, Module::Publicity, author, now())?;
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.eq(id))
        .count(c)
        .await?;
    Ok((i, o, reposts))
}

/// Deletes item `id` and its reposts; the audit row keeps both.
pub async fn delete(c: &DatabaseTransaction, ctx: &Ctx, id: i64) -> DbResult<u64> {
    let (i, _, n) = plan_delete(c, ctx, id).await?;
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.eq(id))
        .all(c)
        .await?;
    repost::Entity::delete_many()
        .filter(repost::Column::ItemId.eq(id))
        .exec(c)
        .await?;
    publicity_item::Entity::delete_by_id(id).exec(c).await?;
    let before = serde_json::json!({ "item": i, "reposts": reposts });
    let summary = format!("删除宣传稿件「{}」（转载{n}条）", i.title);
    life::deleted(c, ctx, &subject(&i), summary, &before).await?;
    Ok(n)
}
