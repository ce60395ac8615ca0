//! Standardization workbook (规范化建设工作手册): the county defines a checklist
//! for a year; each org fills it in with evidence; the township, then the county,
//! review; completion is reported by township.

use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    checklist::{ReviewAction, ReviewState},
    error::Invalid,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::workbook::ReviewRights;
use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{checklist_entry, checklist_item, org},
    org::{find_capturable, find_visible},
    time::now,
};

pub async fn add_item(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    owner_code: &str,
    year: i32,
    title: &str,
    guidance: Option<String>,
) -> DbResult<checklist_item::Model> {
    ctx.require(Module::Org, Permission::Approve)?;
    let owner = find_capturable(c, ctx, owner_code).await?;
    if title.trim().is_empty() {
        return Err(Invalid::single("title", "检查项名称不能为空").into());
    }
    if !(2000..=2100).contains(&year) {
        return Err(Invalid::single("year", "年度应在2000至2100之间").into());
    }
    let seq = checklist_item::Entity::find()
        .filter(checklist_item::Column::OwnerOrgId.eq(owner.id))
        .filter(checklist_item::Column::Year.eq(year))
        .count(c)
        .await? as i32
        + 1;
    let t = now();
    let row = checklist_item::ActiveModel {
        owner_org_id: Set(owner.id),
        year: Set(year),
        seq: Set(seq),
        title: Set(title.trim().into()),
        guidance: Set(guidance.filter(|g| !g.trim().is_empty())),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::ChecklistItem,
        row.id,
        format!("新增{year}年规范化建设检查项「{}」", row.title),
    )
    .org(owner.id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok(row)
}

/// The checklist that applies to `o` in `year`: items defined by any ancestor (or itself).
pub async fn items_for(
    c: &impl ConnectionTrait,
    o: &org::Model,
    year: i32,
) -> DbResult<Vec<checklist_item::Model>> {
    let ancestor_ids: Vec<i64> = o.path.split('/').filter_map(|s| s.parse().ok()).collect();
    Ok(checklist_item::Entity::find()
        .filter(checklist_item::Column::OwnerOrgId.is_in(ancestor_ids))
        .filter(checklist_item::Column::Year.eq(year))
        .order_by_asc(checklist_item::Column::Seq)
        .all(c)
        .await?)
}

pub async fn entries_for(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    year: i32,
) -> DbResult<Vec<(checklist_item::Model, Option<checklist_entry::Model>)>> {
    let o = find_visible(c, ctx, org_code).await?;
    let items = items_for(c, &o, year).await?;
    let entries = checklist_entry::Entity::find()
        .filter(checklist_entry::Column::OrgId.eq(o.id))
        .filter(checklist_entry::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .all(c)
        .await?;
    Ok(items
        .into_iter()
        .map(|i| {
            let e = entries.iter().find(|e| e.item_id == i.id).cloned();
            (i, e)
        })
        .collect())
}

/// An org fills in (or refills) one item.
pub async fn fill(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    item_id: i64,
    org_code: &str,
    done: bool,
    evidence: Option<String>,
) -> DbResult<checklist_entry::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let o = find_capturable(c, ctx, org_code).await?;
    let item = checklist_item::Entity::find_by_id(item_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if !o
        .path
        .split('/')
        .any(|s| s == item.owner_org_id.to_string())
    {
        return Err(DbError::NotFound);
    }
    let existing = checklist_entry::Entity::find()
        .filter(checklist_entry::Column::ItemId.eq(item_id))
        .filter(checklist_entry::Column::OrgId.eq(o.id))
        .one(c)
        .await?;
    let current = existing
        .as_ref()
        .and_then(|e| ReviewState::from_code(&e.review_state));
    let next = ReviewState::apply(current, ReviewAction::Fill).map_err(DbError::Conflict)?;
    let t = now();
    let after = match existing {
        Some(before) => {
            let mut am = before.clone().into_active_model();
            am.done = Set(done);
            am.evidence = Set(evidence);
            am.review_state = Set(next.code().into());
            am.review_note = Set(None);
            am.updated_at = Set(t);
            am.update(c).await?
        }
        None => {
            checklist_entry::ActiveModel {
                item_id: Set(item_id),
                org_id: Set(o.id),
                done: Set(done),
                evidence: Set(evidence),
                review_state: Set(next.code().into()),
                review_note: Set(None),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(c)
            .await?
        }
    };
    Change::new(
        AuditAction::Fill,
        AuditEntity::ChecklistEntry,
        after.id,
        format!("「{}」填写检查项「{}」", o.name, item.title),
    )
    .org(o.id)
    .after(&after)
    .write(c, ctx)
    .await?;
    Ok(after)
}

/// Township or county review of one entry. The township step (and returning a
/// freshly filled entry) is the township's everyday duty over its villages: it
/// needs `org:write` and capture over the entry org's parent. The county step
/// (and returning an entry the township passed) needs `org:approve` and capture
/// over the item's owner.
pub async fn review(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    entry_id: i64,
    action: ReviewAction,
    note: Option<String>,
) -> DbResult<checklist_entry::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let before = checklist_entry::Entity::find_by_id(entry_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let o = org::Entity::find_by_id(before.org_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let item = checklist_item::Entity::find_by_id(before.item_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if !ctx.scope.can_view_path(&o.path) {
        return Err(DbError::NotFound);
    }
    let owner = org::Entity::find_by_id(item.owner_org_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let current = ReviewState::from_code(&before.review_state);
    let rights = ReviewRights::of(c, ctx, &o, &owner).await?;
    if !rights.allows(current, action) {
        return Err(DbError::forbidden("无权审核该项"));
    }
    let next = ReviewState::apply(current, action).map_err(DbError::Conflict)?;
    let note = note.filter(|n| !n.trim().is_empty());
    if next == ReviewState::Returned && note.is_none() {
        return Err(Invalid::single("note", "退回时请填写退回理由").into());
    }
    let mut am = before.clone().into_active_model();
    am.review_state = Set(next.code().into());
    am.review_note = Set(note);
    am.updated_at = Set(now());
    let after = am.update(c).await?;
    Change::new(
        AuditAction::Review,
        AuditEntity::ChecklistEntry,
        after.id,
        format!("审核「{}」检查项：{}", o.name, next.label()),
    )
    .org(o.id)
    .before(&before)
    .after(&after)
    .write(c, ctx)
    .await?;
    Ok(after)
}

/// Completion per child org (township) of `owner`: filled-and-done entries over
/// (items × open orgs in the township's subtree).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Completion {
    pub org_code: String,
    pub org_name: String,
    pub expected: u64,
    pub done: u64,
    pub approved: u64,
}

impl Completion {
    pub fn rate_percent(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            (self.done as f64) * 100.0 / (self.expected as f64)
        }
    }
}

pub async fn completion_by_child(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    owner_code: &str,
    year: i32,
) -> DbResult<Vec<Completion>> {
    let owner = find_visible(c, ctx, owner_code).await?;
    let items = items_for(c, &owner, year).await?;
    let item_ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut out = Vec::new();
    for child in crate::org::children(c, ctx, owner.id).await? {
        if child.closed_on.is_some() {
            continue;
        }
        let orgs: Vec<i64> = org::Entity::find()
            .filter(org::Column::Path.starts_with(&child.path))
            .filter(org::Column::ClosedOn.is_null())
            .all(c)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        let expected = (orgs.len() * items.len()) as u64;
        let entries = checklist_entry::Entity::find()
            .filter(checklist_entry::Column::OrgId.is_in(orgs))
            .filter(checklist_entry::Column::ItemId.is_in(item_ids.clone()))
            .filter(checklist_entry::Column::Done.eq(true))
            .all(c)
            .await?;
        let done = entries
            .iter()
            .filter(|e| e.review_state != ReviewState::Returned.code())
            .count() as u64;
        let approved = entries
            .iter()
            .filter(|e| e.review_state == ReviewState::CountyApproved.code())
            .count() as u64;
        out.push(Completion {
            org_code: child.code,
            org_name: child.name,
            expected,
            done,
            approved,
        });
    }
    Ok(out)
}
