//! Append-only audit trail (every change and workflow step) and its reader for
//! auditors. Writers take the open transaction (`&DatabaseTransaction`, not a
//! connection) so the audit row commits or rolls back with the change it
//! describes: a writer called outside a transaction does not compile (see
//! [`crate::Db::write`]).

use chrono::{DateTime, Utc};
use domain::access::{Module, Permission};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

pub mod scope;

pub use domain::audit::{AuditAction, AuditEntity};

use crate::{
    Ctx, DbError, DbResult,
    entity::{access_log, audit_log},
    time::now,
};

/// One audit row to be written.
pub struct Change {
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: Option<String>,
    pub org_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(
        action: AuditAction,
        entity: AuditEntity,
        entity_id: impl ToString,
        summary: impl Into<String>,
    ) -> Self {
        Change {
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            org_id: None,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }

    pub fn org(mut self, org_id: i64) -> Self {
        self.org_id = Some(org_id);
        self
    }

    pub fn before<T: Serialize>(mut self, v: &T) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after<T: Serialize>(mut self, v: &T) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }

    /// Writes the row in `tx`, the transaction of the change it describes.
    pub async fn write(self, tx: &DatabaseTransaction, ctx: &Ctx) -> DbResult<()> {
        // Every change is audited, so this is where the data version moves; a
        // sign-in (or a failed one) changes nothing anything caches, and
        // signing in all day must not keep retiring everyone's cached figures.
        let moves_data =
            !(ctx.defer_version || (self.entity == AuditEntity::User && self.action.is_sign_in()));
        self.row(ctx).insert(tx).await?;
        if moves_data {
            crate::version::bump(tx).await?;
        }
        Ok(())
    }

    fn row(self, ctx: &Ctx) -> audit_log::ActiveModel {
        audit_log::ActiveModel {
            at: Set(now()),
            actor_id: Set(ctx.user_id()),
            actor_name: Set(ctx.actor_name().to_string()),
            ip: Set(ctx.ip.clone()),
            action: Set(self.action.code().to_string()),
            entity: Set(self.entity.code().to_string()),
            entity_id: Set(self.entity_id),
            org_id: Set(self.org_id),
            summary: Set(self.summary),
            before_json: Set(self.before.map(|v| v.to_string())),
            after_json: Set(self.after.map(|v| v.to_string())),
            ..Default::default()
        }
    }
}

/// Writes many changes in a few multi-row statements (bulk imports): the same
/// rows as writing each, without a round trip per change.
pub async fn write_many(tx: &DatabaseTransaction, ctx: &Ctx, changes: Vec<Change>) -> DbResult<()> {
    // Built first: an iterator whose closure borrows `ctx` must not live
    // across an await (the future would stop being provably Send).
    let rows: Vec<audit_log::ActiveModel> = changes.into_iter().map(|ch| ch.row(ctx)).collect();
    crate::batch::insert_all(tx, crate::batch::Rows::Wide, rows).await?;
    if ctx.defer_version {
        return Ok(());
    }
    crate::version::bump(tx).await
}

/// Records that the caller saw a sensitive value in plaintext.
///
/// On any connection, unlike the writers: it is written by readers (a reveal,
/// an export) as one append-only row that changes no data and moves no
/// version, so there is no change for it to commit or roll back with.
pub async fn log_plaintext_view<C: ConnectionTrait>(
    c: &C,
    ctx: &Ctx,
    entity: AuditEntity,
    entity_id: impl ToString,
    field: &str,
    purpose: &str,
) -> DbResult<()> {
    access_log::ActiveModel {
        at: Set(now()),
        actor_id: Set(ctx.user_id()),
        actor_name: Set(ctx.actor_name().to_string()),
        ip: Set(ctx.ip.clone()),
        entity: Set(entity.code().to_string()),
        entity_id: Set(entity_id.to_string()),
        field: Set(field.to_string()),
        purpose: Set(purpose.to_string()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Ok(())
}

/// Filters an auditor can set.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn list_changes(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    f: &AuditFilter,
    page: u64,
    per_page: u64,
) -> DbResult<Page<audit_log::Model>> {
    ctx.require(Module::Audit, Permission::Read)?;
    let mut q = audit_log::Entity::find().filter(scope::changes(&ctx.scope));
    if let Some(a) = non_empty(&f.actor) {
        q = q.filter(audit_log::Column::ActorName.eq(a));
    }
    if let Some(e) = non_empty(&f.entity) {
        q = q.filter(audit_log::Column::Entity.eq(e));
    }
    if let Some(a) = non_empty(&f.action) {
        q = q.filter(audit_log::Column::Action.eq(a));
    }
    if let Some(t) = f.from {
        q = q.filter(audit_log::Column::At.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(audit_log::Column::At.lt(t));
    }
    let total = q.clone().count(c).await?;
    let items = q
        .order_by_desc(audit_log::Column::Id)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok(Page { items, total })
}

pub async fn list_views(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    f: &AuditFilter,
    page: u64,
    per_page: u64,
) -> DbResult<Page<access_log::Model>> {
    ctx.require(Module::Audit, Permission::Read)?;
    let mut q = access_log::Entity::find().filter(scope::views(&ctx.scope));
    if let Some(a) = non_empty(&f.actor) {
        q = q.filter(access_log::Column::ActorName.eq(a));
    }
    if let Some(e) = non_empty(&f.entity) {
        q = q.filter(access_log::Column::Entity.eq(e));
    }
    if let Some(t) = f.from {
        q = q.filter(access_log::Column::At.gte(t));
    }
    if let Some(t) = f.to {
        q = q.filter(access_log::Column::At.lt(t));
    }
    let total = q.clone().count(c).await?;
    let items = q
        .order_by_desc(access_log::Column::Id)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok(Page { items, total })
}

/// One change row, if the reader may see it (out of scope reads as absent).
pub async fn get_change(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<audit_log::Model> {
    ctx.require(Module::Audit, Permission::Read)?;
    audit_log::Entity::find_by_id(id)
        .filter(scope::changes(&ctx.scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// One plaintext-view row, if the reader may see it.
pub async fn get_view(c: &impl ConnectionTrait, ctx: &Ctx, id: i64) -> DbResult<access_log::Model> {
    ctx.require(Module::Audit, Permission::Read)?;
    access_log::Entity::find_by_id(id)
        .filter(scope::views(&ctx.scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}
