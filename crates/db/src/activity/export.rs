//! The activity list as it was filtered, for its Excel export: the same ids
//! as the list's pages ([`super::matching_ids`]), read back a batch at a time
//! with what a row of the workbook shows. No person-level data: an activity
//! row holds counts, never a roster's names.

use std::collections::HashMap;

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::{
    Ctx, DbResult,
    entity::{activity, cancellation, org, roster_summary},
};

/// One exported activity.
pub struct ExportRow {
    pub activity: activity::Model,
    pub org: org::Model,
    /// Distinct people of its roster (0 without one: the head count stands).
    pub roster_people: u64,
    pub photos: u64,
    /// Its 取消原因, when cancelled with one.
    pub cancel_reason: Option<String>,
}

/// The activities `ids` (from [`super::matching_ids`]; still checked against
/// the caller's scope), in the order given, read a batch of ids at a time.
/// The caller bounds how many (`web::export`).
pub async fn rows(c: &impl ConnectionTrait, ctx: &Ctx, ids: &[i64]) -> DbResult<Vec<ExportRow>> {
    ctx.require(Module::Activity, Permission::Export)?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::batch::size(c, crate::batch::Rows::Ids)) {
        let found = super::by_ids(c, ctx, chunk).await?;
        let seen: Vec<i64> = found.iter().map(|(a, _)| a.id).collect();
        let people: HashMap<i64, u64> = roster_summary::Entity::find()
            .filter(roster_summary::Column::ActivityId.is_in(seen.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|s| {
                (
                    s.activity_id,
                    domain::activity::RosterSummary::decode(&s.people).count() as u64,
                )
            })
            .collect();
        let photos = super::photo::counts(c, &seen).await?;
        let mut reasons: HashMap<i64, String> = cancellation::Entity::find()
            .filter(cancellation::Column::Entity.eq(domain::audit::AuditEntity::Activity.code()))
            .filter(cancellation::Column::EntityId.is_in(seen.iter().copied()))
            .all(c)
            .await?
            .into_iter()
            .map(|k| (k.entity_id, k.reason))
            .collect();
        for (a, o) in found {
            let cancelled = a.status == domain::activity::ActivityStatus::Cancelled.code();
            out.push(ExportRow {
                roster_people: people.get(&a.id).copied().unwrap_or(0),
                photos: photos.get(&a.id).copied().unwrap_or(0),
                cancel_reason: reasons.remove(&a.id).filter(|_| cancelled),
                activity: a,
                org: o,
            });
        }
    }
    Ok(out)
}

/// Writes the export's audit row: how many activities went out under which
/// filters (in words). The list carries no person-level data, so unlike the
/// ledger export no 用途 is asked and nothing goes to the access log.
pub async fn log(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    count: usize,
    filters: &str,
    org_id: Option<i64>,
) -> DbResult<()> {
    crate::life::exported(
        c,
        ctx,
        domain::audit::AuditEntity::Activity,
        format!("导出活动列表（{count}条；筛选：{filters}）"),
        org_id,
    )
    .await
}
