//! The record life every area shares (issue 20, the area kit): 取消 with a
//! reason and 恢复, the right to 删除 (`domain::life`), and the audit rows of
//! each, written in the caller's transaction. An area finds its record in the
//! caller's scope, checks her rights on it, changes its own status column and
//! deletes its own rows; these helpers keep the reason, judge the delete and
//! write the trail, the same way for every area (`activity::life` is the
//! first user).

use chrono::{DateTime, Utc};
use domain::{
    access::{Module, Permission},
    audit::{AuditAction, AuditEntity},
    life::{Authorship, DeleteRight},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{audit_log, cancellation},
    time::now,
};

/// The record a life step is about, found by its area in the caller's scope.
pub struct Subject {
    /// Its kind, as the audit trail and `cancellation.entity` name it.
    pub entity: AuditEntity,
    pub id: i64,
    /// The org it belongs to (the audit row's, so auditors of that subtree
    /// read the step).
    pub org_id: i64,
    /// How the trail names it: `活动「三八节宣讲」`.
    pub title: String,
}

/// Records that `s`, whose status was `prior_status`, is cancelled for
/// `reason` (checked: required, bounded, plain text; the error names the
/// field `reason`). The caller sets the record's status to cancelled in the
/// same transaction. A row left from an earlier cancellation (the status was
/// changed back some other way, e.g. an import) is replaced.
pub async fn cancel(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    s: &Subject,
    prior_status: &str,
    reason: &str,
) -> DbResult<cancellation::Model> {
    let reason = domain::life::check_reason(reason).map_err(|m| DbError::invalid("reason", m))?;
    forget(c, s).await?;
    let row = cancellation::ActiveModel {
        entity: Set(s.entity.code().to_string()),
        entity_id: Set(s.id),
        org_id: Set(s.org_id),
        prior_status: Set(prior_status.to_string()),
        reason: Set(reason.clone()),
        actor_id: Set(ctx.user_id()),
        actor_name: Set(ctx.actor_name().to_string()),
        at: Set(now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Cancel,
        s.entity,
        s.id,
        format!("取消{}；原因：{reason}", s.title),
    )
    .org(s.org_id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok(row)
}

/// Records that `s` is restored, and returns the status it had before it was
/// cancelled (`fallback` when no reason was kept: it was cancelled before
/// the record life, or by an import). The caller sets that status in the
/// same transaction.
pub async fn restore(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    s: &Subject,
    fallback: &str,
) -> DbResult<String> {
    let kept = cancellation_of(c, s.entity, s.id).await?;
    forget(c, s).await?;
    let status = kept
        .as_ref()
        .map_or(fallback.to_string(), |k| k.prior_status.clone());
    let mut change = Change::new(
        AuditAction::Restore,
        s.entity,
        s.id,
        format!("恢复{}", s.title),
    )
    .org(s.org_id)
    .after(&serde_json::json!({ "status": status }));
    if let Some(k) = &kept {
        change = change.before(k);
    }
    change.write(c, ctx).await?;
    Ok(status)
}

/// The kept reason of a cancelled record (the caller found the record in
/// her scope).
pub async fn cancellation_of(
    c: &impl ConnectionTrait,
    entity: AuditEntity,
    id: i64,
) -> DbResult<Option<cancellation::Model>> {
    Ok(cancellation::Entity::find()
        .filter(cancellation::Column::Entity.eq(entity.code()))
        .filter(cancellation::Column::EntityId.eq(id))
        .one(c)
        .await?)
}

async fn forget(c: &DatabaseTransaction, s: &Subject) -> DbResult<()> {
    cancellation::Entity::delete_many()
        .filter(cancellation::Column::Entity.eq(s.entity.code()))
        .filter(cancellation::Column::EntityId.eq(s.id))
        .exec(c)
        .await?;
    Ok(())
}

/// Who recorded a record and when: the actor of its `create` audit row
/// (every area writes one, the form, the API and the ledger import alike).
/// None when there is none to read.
pub async fn author_of(
    c: &impl ConnectionTrait,
    entity: AuditEntity,
    id: i64,
) -> DbResult<Option<Authorship>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity.code()))
        .filter(audit_log::Column::EntityId.eq(id.to_string()))
        .filter(audit_log::Column::Action.eq(AuditAction::Create.code()))
        .order_by_asc(audit_log::Column::Id)
        .one(c)
        .await?
        .map(|r| Authorship {
            user_id: r.actor_id,
            at: r.at,
        }))
}

/// Whether the caller may delete a record of `module` recorded as `author`
/// (`domain::life::may_delete`: its author within 24 hours, or whoever holds
/// the module's 管理 permission), at `at`; the refusal is a 403 in Chinese.
/// The caller has already checked that she records for the record's org.
pub fn may_delete(
    ctx: &Ctx,
    module: Module,
    author: Option<Authorship>,
    at: DateTime<Utc>,
) -> DbResult<DeleteRight> {
    domain::life::may_delete(
        ctx.scope.allows(module, Permission::Admin),
        ctx.user_id(),
        author,
        at,
    )
    .map_err(DbError::forbidden)
}

/// Writes the trail of `s`'s deletion: `before` is what the record was (its
/// summary: the row and its counts, never a roster's people), kept in the
/// audit row's before_json. Its kept reason, if any, goes too. The caller
/// deletes the record's rows in the same transaction.
pub async fn deleted(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    s: &Subject,
    summary: String,
    before: &serde_json::Value,
) -> DbResult<()> {
    forget(c, s).await?;
    Change::new(AuditAction::Delete, s.entity, s.id, summary)
        .org(s.org_id)
        .before(before)
        .write(c, ctx)
        .await
}

/// Writes the trail of a list exported as it was filtered: how many rows of
/// `entity` went out, under which filters (`filters`, in words). An export
/// changes no data, so the data version stays. The org is the filtered
/// subtree's, when the list was narrowed to one.
pub async fn exported(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    entity: AuditEntity,
    summary: String,
    org_id: Option<i64>,
) -> DbResult<()> {
    let mut change = Change::new(AuditAction::Export, entity, "list", summary);
    if let Some(o) = org_id {
        change = change.org(o);
    }
    change.write(c, &ctx.deferring_version()).await
}
