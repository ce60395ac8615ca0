//! An org's workbook as its pages show it: each item with its entry and the
//! review steps the caller may take, the entries waiting for review under an
//! org, and one entry looked up for a review.

use domain::{
    access::{Module, Permission},
    checklist::{ReviewAction, ReviewState},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::checklist::entries_for;
use crate::{
    Ctx, DbError, DbResult,
    entity::{checklist_entry, checklist_item, org},
    org::find_visible,
};

/// Which review steps the caller may take on one org's entries for items of
/// one owner.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReviewRights {
    /// Township step: capture over the entry org's parent.
    pub township: bool,
    /// County step: `org:approve` and capture over the item's owner.
    pub county: bool,
}

impl ReviewRights {
    pub async fn of(
        c: &impl ConnectionTrait,
        ctx: &Ctx,
        o: &org::Model,
        owner: &org::Model,
    ) -> DbResult<ReviewRights> {
        let writer = ctx.scope.allows(Module::Org, Permission::Write);
        // A township (or higher) reviews its subordinates, never its own entry.
        let township = writer
            && match o.parent_id {
                Some(pid) => org::Entity::find_by_id(pid)
                    .one(c)
                    .await?
                    .is_some_and(|p| ctx.scope.can_capture_path(&p.path)),
                None => ctx.scope.operator,
            };
        let county = writer
            && ctx.scope.allows(Module::Org, Permission::Approve)
            && ctx.scope.can_capture_path(&owner.path);
        Ok(ReviewRights { township, county })
    }

    /// True when `action` on an entry in `state` is the caller's step.
    pub fn allows(self, state: Option<ReviewState>, action: ReviewAction) -> bool {
        match (action, state) {
            (ReviewAction::TownshipApprove, _) => self.township,
            (ReviewAction::CountyApprove, _) => self.county,
            (ReviewAction::Return, Some(ReviewState::TownshipApproved)) => self.county,
            (ReviewAction::Return, _) => self.township,
            (ReviewAction::Fill, _) => false,
        }
    }
}

/// One line of an org's workbook with what the caller may do on it.
#[derive(Debug, Clone)]
pub struct WorkbookRow {
    pub item: checklist_item::Model,
    pub entry: Option<checklist_entry::Model>,
    pub state: Option<ReviewState>,
    pub can_fill: bool,
    /// The approve action the caller may take now, if any.
    pub approve: Option<ReviewAction>,
    pub can_return: bool,
}

/// The workbook of one org for a year: every applicable item, its entry and
/// the caller's possible actions.
pub async fn workbook(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    year: i32,
) -> DbResult<(org::Model, Vec<WorkbookRow>)> {
    let o = find_visible(c, ctx, org_code).await?;
    let rows = entries_for(c, ctx, org_code, year).await?;
    let owner_ids: Vec<i64> = rows.iter().map(|(i, _)| i.owner_org_id).collect();
    let owners = org::Entity::find()
        .filter(org::Column::Id.is_in(owner_ids))
        .all(c)
        .await?;
    let mut rights = std::collections::HashMap::new();
    for owner in &owners {
        rights.insert(owner.id, ReviewRights::of(c, ctx, &o, owner).await?);
    }
    let can_capture = ctx.scope.allows(Module::Org, Permission::Write)
        && ctx.scope.can_capture_path(&o.path)
        && o.closed_on.is_none();
    Ok((
        o,
        rows.into_iter()
            .map(|(item, entry)| {
                let state = entry
                    .as_ref()
                    .and_then(|e| ReviewState::from_code(&e.review_state));
                let r = rights.get(&item.owner_org_id).copied().unwrap_or_default();
                let approve = match state {
                    Some(ReviewState::Submitted) if r.township => {
                        Some(ReviewAction::TownshipApprove)
                    }
                    Some(ReviewState::TownshipApproved) if r.county => {
                        Some(ReviewAction::CountyApprove)
                    }
                    _ => None,
                };
                let can_return = matches!(
                    state,
                    Some(ReviewState::Submitted | ReviewState::TownshipApproved)
                ) && r.allows(state, ReviewAction::Return);
                WorkbookRow {
                    can_fill: can_capture && ReviewState::apply(state, ReviewAction::Fill).is_ok(),
                    item,
                    entry,
                    state,
                    approve,
                    can_return,
                }
            })
            .collect(),
    ))
}

/// Entries under `root` waiting for a review (township or county), oldest
/// first, with their item and org, at most `limit`.
pub async fn pending_under(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    root: &org::Model,
    year: i32,
    limit: u64,
) -> DbResult<Vec<(checklist_entry::Model, checklist_item::Model, org::Model)>> {
    ctx.require(Module::Org, Permission::Read)?;
    let items: Vec<checklist_item::Model> = checklist_item::Entity::find()
        .filter(checklist_item::Column::Year.eq(year))
        .all(c)
        .await?;
    let entries = checklist_entry::Entity::find()
        .join(
            sea_orm::JoinType::InnerJoin,
            crate::scope::org_join(checklist_entry::Entity, checklist_entry::Column::OrgId),
        )
        .filter(crate::scope::view_condition(
            &ctx.scope,
            (org::Entity, org::Column::Path),
        ))
        .filter(org::Column::Path.starts_with(&root.path))
        .filter(checklist_entry::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .filter(checklist_entry::Column::ReviewState.is_in([
            ReviewState::Submitted.code(),
            ReviewState::TownshipApproved.code(),
        ]))
        .select_also(org::Entity)
        .order_by_asc(checklist_entry::Column::UpdatedAt)
        .limit(limit)
        .all(c)
        .await?;
    Ok(entries
        .into_iter()
        .filter_map(|(e, o)| {
            let item = items.iter().find(|i| i.id == e.item_id)?.clone();
            Some((e, item, o?))
        })
        .collect())
}

/// One entry with its item and org, if the caller sees the org.
pub async fn find_entry(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    entry_id: i64,
) -> DbResult<(checklist_entry::Model, checklist_item::Model, org::Model)> {
    ctx.require(Module::Org, Permission::Read)?;
    let entry = checklist_entry::Entity::find_by_id(entry_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    let o = crate::org::find_visible_id(c, ctx, entry.org_id).await?;
    let item = checklist_item::Entity::find_by_id(entry.item_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok((entry, item, o))
}
