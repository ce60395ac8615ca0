//! An activity's record life (`crate::life`): 取消 with a reason (the
//! activity stays, shows 已取消, and the statistics, which count only
//! activities held, leave it out), 恢复 to the status it had, and 删除 with
//! its photos, roster, works and materials. Cancel and restore are for
//! whoever may change the activity; delete for its author within 24 hours or
//! an admin (`domain::life`). Out of the caller's sight: not found.

use domain::{
    access::Module,
    activity::ActivityStatus,
    audit::AuditEntity,
    life::{Authorship, DeleteRight},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};

use super::photo::{self as photos, Staged};
use crate::{
    Ctx, DbError, DbResult,
    entity::{
        activity, activity_material, attendance, cancellation, org, photo, publicity_item,
        roster_summary, work,
    },
    life::{self, Subject},
    time::{now, today_beijing},
};

const ENTITY: AuditEntity = AuditEntity::Activity;

fn subject(a: &activity::Model) -> Subject {
    Subject {
        entity: ENTITY,
        id: a.id,
        org_id: a.org_id,
        title: format!("活动「{}」", a.name),
    }
}

/// Cancels activity `id` for `reason`: its status becomes 已取消 and the
/// reason, who and when are kept for its page.
pub async fn cancel(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    id: i64,
    reason: &str,
) -> DbResult<activity::Model> {
    let (a, _) = super::get_capturable(c, ctx, id).await?;
    if a.status == ActivityStatus::Cancelled.code() {
        return Err(DbError::Conflict("该活动已取消".into()));
    }
    life::cancel(c, ctx, &subject(&a), &a.status, reason).await?;
    set_status(c, a, ActivityStatus::Cancelled).await
}

/// Restores cancelled activity `id` to the status it had; one cancelled
/// without a kept reason (an import's 已取消) becomes 已开展 when its day
/// has come, else 计划.
pub async fn restore(c: &DatabaseTransaction, ctx: &Ctx, id: i64) -> DbResult<activity::Model> {
    let (a, _) = super::get_capturable(c, ctx, id).await?;
    if a.status != ActivityStatus::Cancelled.code() {
        return Err(DbError::Conflict("该活动未取消，无需恢复".into()));
    }
    let fallback = if a.start_date <= today_beijing() {
        ActivityStatus::Done
    } else {
        ActivityStatus::Planned
    };
    let back = life::restore(c, ctx, &subject(&a), fallback.code()).await?;
    let status = ActivityStatus::from_code(&back).unwrap_or(fallback);
    set_status(c, a, status).await
}

async fn set_status(
    c: &DatabaseTransaction,
    a: activity::Model,
    status: ActivityStatus,
) -> DbResult<activity::Model> {
    let mut am = a.into_active_model();
    am.status = Set(status.code().into());
    am.updated_at = Set(now());
    Ok(am.update(c).await?)
}

/// The kept reason of a cancelled activity the caller may see.
pub async fn cancellation(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<Option<cancellation::Model>> {
    let (a, _, _) = super::get(c, ctx, id).await?;
    if a.status != ActivityStatus::Cancelled.code() {
        return Ok(None);
    }
    life::cancellation_of(c, ENTITY, id).await
}

/// Who recorded activity `id` (already found in the caller's scope) and when.
pub async fn author(c: &impl ConnectionTrait, id: i64) -> DbResult<Option<Authorship>> {
    life::author_of(c, ENTITY, id).await
}

/// Whether the caller may delete activity `a` of org `o` (found in her
/// sight): she must record for its org, and be its author within 24 hours or
/// hold 活动·管理.
pub async fn may_delete(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    a: &activity::Model,
    o: &org::Model,
) -> DbResult<DeleteRight> {
    if !ctx.scope.can_capture_path(&o.path) {
        return Err(super::not_capturable(o));
    }
    life::may_delete(ctx, Module::Activity, author(c, a.id).await?, now())
}

/// What deleting an activity takes with it (the confirm page shows it; the
/// audit row keeps it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Removal {
    pub photos: u64,
    pub roster: u64,
    pub works: u64,
    pub materials: u64,
    /// Publicity items that named the activity: they stay, unlinked.
    pub publicity: u64,
}

/// The activity the caller may delete, with what would go with it; a 403
/// naming the rule when she may not, 404 when she can't see it.
pub async fn plan_delete(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(activity::Model, org::Model, Removal)> {
    let (a, o) = super::get_capturable(c, ctx, id).await?;
    may_delete(c, ctx, &a, &o).await?;
    let removal = removal_of(c, id).await?;
    Ok((a, o, removal))
}

async fn removal_of(c: &impl ConnectionTrait, id: i64) -> DbResult<Removal> {
    Ok(Removal {
        photos: photo::Entity::find()
            .filter(photo::Column::ActivityId.eq(id))
            .count(c)
            .await?,
        roster: attendance::Entity::find()
            .filter(attendance::Column::ActivityId.eq(id))
            .count(c)
            .await?,
        works: work::Entity::find()
            .filter(work::Column::ActivityId.eq(id))
            .count(c)
            .await?,
        materials: activity_material::Entity::find()
            .filter(activity_material::Column::ActivityId.eq(id))
            .count(c)
            .await?,
        publicity: publicity_item::Entity::find()
            .filter(publicity_item::Column::ActivityId.eq(id))
            .count(c)
            .await?,
    })
}

/// Deletes activity `id` with its photos, roster, works and materials; its
/// publicity items stay, no longer linked. The photo files are named in
/// `files` for removal: the caller commits them after the transaction
/// (`photo::place`), so a rollback leaves every file in place. The audit row
/// keeps the activity, its materials and what went with it (counts only:
/// the roster's people are not copied into the trail).
pub async fn delete(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    files: &Staged,
    id: i64,
) -> DbResult<Removal> {
    let (a, o, removal) = plan_delete(c, ctx, id).await?;
    let materials = super::materials(c, id).await?;
    let stored: Vec<photo::Model> = photo::Entity::find()
        .filter(photo::Column::ActivityId.eq(id))
        .all(c)
        .await?;
    photo::Entity::delete_many()
        .filter(photo::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    attendance::Entity::delete_many()
        .filter(attendance::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    roster_summary::Entity::delete_many()
        .filter(roster_summary::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    work::Entity::delete_many()
        .filter(work::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    activity_material::Entity::delete_many()
        .filter(activity_material::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    let unlinked: Vec<i64> = publicity_item::Entity::find()
        .select_only()
        .column(publicity_item::Column::Id)
        .filter(publicity_item::Column::ActivityId.eq(id))
        .into_tuple()
        .all(c)
        .await?;
    publicity_item::Entity::update_many()
        .col_expr(
            publicity_item::Column::ActivityId,
            Expr::value(Option::<i64>::None),
        )
        .filter(publicity_item::Column::ActivityId.eq(id))
        .exec(c)
        .await?;
    activity::Entity::delete_by_id(id).exec(c).await?;
    let before = serde_json::json!({
        "activity": a,
        "org": { "code": o.code, "name": o.name },
        "materials": materials
            .iter()
            .map(|m| serde_json::json!({ "name": m.name, "quantity": m.quantity }))
            .collect::<Vec<_>>(),
        "removed": removal,
        "photos": stored.iter().map(|p| serde_json::json!({
            "stored_name": p.stored_name,
            "caption": p.caption,
        })).collect::<Vec<_>>(),
        "publicity_unlinked": unlinked,
    });
    life::deleted(
        c,
        ctx,
        &subject(&a),
        format!(
            "删除活动「{}」（{}张照片，{}条签到名单，{}件作品）",
            a.name, removal.photos, removal.roster, removal.works
        ),
        &before,
    )
    .await?;
    for p in &stored {
        files.remove_at_commit(&photos::file_of(files.root(), p, false));
        files.remove_at_commit(&photos::file_of(files.root(), p, true));
    }
    Ok(removal)
}
