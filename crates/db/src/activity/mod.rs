//! Activities (活动): lectures, trainings, meetings, visits, collections…, each
//! recorded against the org that held it, optionally in a programme (品牌项目),
//! with materials handed out, an attendance roster, works and photos.

pub mod attendance;
pub mod bulk;
pub mod export;
pub mod life;
pub mod photo;
pub mod programme;
pub mod refs;
pub mod summary;
pub mod work;

use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    activity::{ActivityStatus, Material},
    search::normalize,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{activity, activity_material, org},
    org::find_capturable_ref,
    scope::{org_join, view_condition},
    time::now,
};

/// A checked activity (built only by `domain::activity::ActivityDraft::validate`,
/// so every door has checked it the same way; this layer keeps the rules
/// that need the database: the org, the programme, the unique 活动编号).
pub use domain::activity::{ActivityInput, MAX_COUNT};

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

fn generated_code(org_code: &str, start: NaiveDate) -> String {
    use rand::RngCore;
    let mut b = [0u8; 3];
    rand::rng().fill_bytes(&mut b);
    format!("{}-{}-{}", org_code, start.format("%Y%m%d"), hex::encode(b))
}

/// Creates the activity, or updates the one of the same org with the same
/// 活动编号 (the key is the org and the code: another org's 2020-01 is
/// another activity, and its existence is never told).
pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &ActivityInput,
) -> DbResult<(activity::Model, bool)> {
    ctx.require(Module::Activity, Permission::Write)?;
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let existing = match &input.code {
        Some(code) => {
            activity::Entity::find()
                .filter(activity::Column::OrgId.eq(o.id))
                .filter(activity::Column::Code.eq(code.trim()))
                .one(c)
                .await?
        }
        None => None,
    };
    if let Some(before) = existing {
        return Ok((change(c, ctx, before, &o, input).await?, false));
    }
    let programme_id = programme_of(c, ctx, &o, input).await?;
    let t = now();
    let name = input.name.trim().to_string();
    let code = input
        .code
        .as_deref()
        .map(str::trim)
        .map(String::from)
        .unwrap_or_else(|| generated_code(&o.code, input.start_date));
    let mut am = activity::ActiveModel {
        code: Set(code),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    fill(&mut am, input, o.id, programme_id, &name);
    let row = am
        .insert(c)
        .await
        .map_err(|e| DbError::from_write(e, "本组织已有该活动编号的活动"))?;
    set_materials(c, row.id, &input.materials).await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::Activity,
        row.id,
        format!("登记活动「{name}」"),
    )
    .org(o.id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok((row, true))
}

/// Changes activity `id` (the edit form and the API): it may move to another
/// org the caller captures for; its 活动编号 stays.
pub async fn update(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    id: i64,
    input: &ActivityInput,
) -> DbResult<activity::Model> {
    let (before, _) = get_capturable(c, ctx, id).await?;
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    change(c, ctx, before, &o, input).await
}

/// The programme an input names, found among the org's and its ancestors'
/// programmes or created.
async fn programme_of(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    o: &org::Model,
    input: &ActivityInput,
) -> DbResult<Option<i64>> {
    Ok(match clean(&input.programme) {
        Some(name) => Some(programme::resolve(c, ctx, o, &name, input.kind).await?.id),
        None => None,
    })
}

/// Writes `input` over `before`, now held by org `o`, with its audit row.
async fn change(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    before: activity::Model,
    o: &org::Model,
    input: &ActivityInput,
) -> DbResult<activity::Model> {
    let programme_id = programme_of(c, ctx, o, input).await?;
    let name = input.name.trim().to_string();
    let mut am = before.clone().into_active_model();
    fill(&mut am, input, o.id, programme_id, &name);
    // A cancelled activity stays cancelled, reason and all, through edits and
    // re-imports: only 恢复 (activity::life::restore) takes it back.
    if before.status == ActivityStatus::Cancelled.code() {
        am.status = Set(before.status.clone());
    }
    am.updated_at = Set(now());
    let after = am
        .update(c)
        .await
        .map_err(|e| DbError::from_write(e, "该组织已有同一活动编号的活动"))?;
    set_materials(c, after.id, &input.materials).await?;
    Change::new(
        AuditAction::Update,
        AuditEntity::Activity,
        after.id,
        format!("修改活动「{name}」"),
    )
    .org(o.id)
    .before(&before)
    .after(&after)
    .write(c, ctx)
    .await?;
    Ok(after)
}

fn fill(
    am: &mut activity::ActiveModel,
    input: &ActivityInput,
    org_id: i64,
    programme_id: Option<i64>,
    name: &str,
) {
    let partners: Vec<String> = input
        .partners
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    am.name = Set(name.to_string());
    am.programme_id = Set(programme_id);
    am.kind = Set(input.kind.code().into());
    am.org_id = Set(org_id);
    am.partners = Set((!partners.is_empty()).then(|| partners.join("、")));
    am.start_date = Set(input.start_date);
    am.end_date = Set(input.end_date.unwrap_or(input.start_date));
    am.online = Set(input.online);
    am.place = Set(clean(&input.place));
    am.units_reached = Set(input.units_reached.map(|n| n as i32));
    am.head_count = Set(input.head_count.map(|n| n as i32));
    am.summary = Set(clean(&input.summary));
    am.status = Set(input.status.code().into());
    am.search_text = Set(normalize(&format!("{name} {}", partners.join(" "))));
}

async fn set_materials(
    c: &DatabaseTransaction,
    activity_id: i64,
    materials: &[Material],
) -> DbResult<()> {
    activity_material::Entity::delete_many()
        .filter(activity_material::Column::ActivityId.eq(activity_id))
        .exec(c)
        .await?;
    for m in materials {
        activity_material::ActiveModel {
            activity_id: Set(activity_id),
            name: Set(m.name.clone()),
            quantity: Set(m.quantity),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

/// One activity the caller may see, with its org and programme.
pub async fn get(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(activity::Model, org::Model, Option<programme::Model>)> {
    ctx.require(Module::Activity, Permission::Read)?;
    let (a, o) = activity::Entity::find_by_id(id)
        .join(
            JoinType::InnerJoin,
            org_join(activity::Entity, activity::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .select_also(org::Entity)
        .one(c)
        .await?
        .and_then(|(a, o)| o.map(|o| (a, o)))
        .ok_or(DbError::NotFound)?;
    let p = match a.programme_id {
        Some(pid) => programme::Entity::find_by_id(pid).one(c).await?,
        None => None,
    };
    Ok((a, o, p))
}

/// Everything an activity's page shows.
pub struct Detail {
    pub activity: activity::Model,
    pub org: org::Model,
    pub programme: Option<programme::Model>,
    pub materials: Vec<activity_material::Model>,
    pub photos: Vec<crate::entity::photo::Model>,
    pub roster: Vec<crate::entity::attendance::Model>,
    pub works: Vec<crate::entity::work::Model>,
    /// The kept reason, when the activity is cancelled ([`life`]).
    pub cancellation: Option<crate::entity::cancellation::Model>,
    /// Who recorded it and when (whether she may still delete it).
    pub author: Option<domain::life::Authorship>,
}

/// [`Detail`] of an activity the caller may see, kept per (activity, the
/// caller's scope and grants, data version): the page ran a dozen statements.
pub async fn detail_cached(db: &crate::Db, ctx: &Ctx, id: i64) -> DbResult<std::sync::Arc<Detail>> {
    ctx.require(Module::Activity, Permission::Read)?;
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    let key = format!(
        "{id}|{}|{:?}",
        crate::scope::key(&ctx.scope),
        ctx.scope.grants
    );
    db.caches
        .details
        .get_or_compute(
            key,
            version,
            |d| 1 + d.roster.len(),
            async || {
                let (activity, org, programme) = get(c, ctx, id).await?;
                Ok(Detail {
                    materials: materials(c, id).await?,
                    photos: photo::list(c, ctx, id).await?,
                    roster: attendance::roster(c, ctx, id).await?,
                    works: work::list(c, ctx, id).await?,
                    cancellation: if activity.status
                        == domain::activity::ActivityStatus::Cancelled.code()
                    {
                        crate::life::cancellation_of(c, domain::audit::AuditEntity::Activity, id)
                            .await?
                    } else {
                        None
                    },
                    author: life::author(c, id).await?,
                    activity,
                    org,
                    programme,
                })
            },
        )
        .await
}

/// The activity if the caller may change it (record attendance, photos…).
pub async fn get_capturable(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> DbResult<(activity::Model, org::Model)> {
    ctx.require(Module::Activity, Permission::Write)?;
    let (a, o, _) = get(c, ctx, id).await?;
    if !ctx.scope.can_capture_path(&o.path) {
        return Err(not_capturable(&o));
    }
    Ok((a, o))
}

/// The refusal for an activity of an org the caller may see but not change
/// (shared with the batch lookups of [`refs`]).
pub(crate) fn not_capturable(o: &org::Model) -> DbError {
    DbError::forbidden(format!("无权修改「{}」的活动", o.name))
}

pub async fn materials(
    c: &impl ConnectionTrait,
    activity_id: i64,
) -> DbResult<Vec<activity_material::Model>> {
    Ok(activity_material::Entity::find()
        .filter(activity_material::Column::ActivityId.eq(activity_id))
        .order_by_asc(activity_material::Column::Id)
        .all(c)
        .await?)
}

/// The materials of several activities (ids taken from a scoped list), in
/// one query rather than one per activity.
pub async fn materials_of(
    c: &impl ConnectionTrait,
    activity_ids: &[i64],
) -> DbResult<Vec<activity_material::Model>> {
    if activity_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(activity_material::Entity::find()
        .filter(activity_material::Column::ActivityId.is_in(activity_ids.iter().copied()))
        .order_by_asc(activity_material::Column::Id)
        .all(c)
        .await?)
}

/// Filters for the activity list.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ActivityQuery {
    pub q: Option<String>,
    pub org: Option<String>,
    pub programme: Option<String>,
    pub kind: Option<String>,
    /// A status code (`done`): the dashboard counts only activities held.
    pub status: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Narrows `org` to that org itself, without its subtree (the dashboard's
    /// 本级 row counts only what was recorded against the org).
    pub only: bool,
}

/// The activities matching `query` in the caller's scope, newest first, and
/// how many there are in all.
///
/// The ordered ids of all matches are kept per (scope, filters, data
/// version): the total is their number and any page is one lookup by id, so
/// page 50 costs what page 1 does and no request counts the whole scope while
/// nothing has changed.
pub async fn list(
    db: &crate::Db,
    ctx: &Ctx,
    query: &ActivityQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<(activity::Model, org::Model)>, u64)> {
    let ids = matching_ids(db, ctx, query).await?;
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    let key = list_key(ctx, query);
    let from = usize::try_from((page.max(1) - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let to = from.saturating_add(per_page as usize).min(ids.len());
    let wanted = ids.get(from..to).unwrap_or_default();
    // The page's rows too: a page read again before anything changes is
    // answered without the database.
    let rows = db
        .caches
        .activity_pages
        .get_or_compute(
            format!("{key}|{from}..{to}"),
            version,
            Vec::len,
            async || by_ids(c, ctx, wanted).await,
        )
        .await?;
    Ok((rows.as_ref().clone(), ids.len() as u64))
}

/// The ids of every activity matching `query` in the caller's scope, newest
/// first, kept per (scope, filters, data version): the list's pages and its
/// export ([`export`]) read the same ids.
pub async fn matching_ids(
    db: &crate::Db,
    ctx: &Ctx,
    query: &ActivityQuery,
) -> DbResult<std::sync::Arc<Vec<i64>>> {
    ctx.require(Module::Activity, Permission::Read)?;
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    db.caches
        .activity_ids
        .get_or_compute(list_key(ctx, query), version, Vec::len, async || {
            filtered(c, ctx, query)
                .await?
                .select_only()
                .column(activity::Column::Id)
                .order_by_desc(activity::Column::StartDate)
                .order_by_desc(activity::Column::Id)
                .into_tuple()
                .all(c)
                .await
                .map_err(crate::DbError::from)
        })
        .await
}

/// The cache key of a list: who may see what, and the filters.
fn list_key(ctx: &Ctx, query: &ActivityQuery) -> String {
    format!("{}|{query:?}", crate::scope::key(&ctx.scope))
}

/// The activities with these ids (still checked against the scope), in the
/// order given.
async fn by_ids(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    ids: &[i64],
) -> DbResult<Vec<(activity::Model, org::Model)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: std::collections::HashMap<i64, (activity::Model, org::Model)> =
        activity::Entity::find()
            .join(
                JoinType::InnerJoin,
                org_join(activity::Entity, activity::Column::OrgId),
            )
            .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
            .filter(activity::Column::Id.is_in(ids.iter().copied()))
            .select_also(org::Entity)
            .all(c)
            .await?
            .into_iter()
            .filter_map(|(a, o)| o.map(|o| (a.id, (a, o))))
            .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The scoped, filtered activity query (not yet ordered or paged).
async fn filtered(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    query: &ActivityQuery,
) -> DbResult<sea_orm::Select<activity::Entity>> {
    let mut q = activity::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(activity::Entity, activity::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    if let Some(text) = query.q.as_deref().map(normalize).filter(|s| !s.is_empty()) {
        q = q.filter(crate::scope::contains_text_on(
            c.get_database_backend(),
            activity::Column::SearchText,
            &text,
        ));
    }
    if let Some(code) = query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let root = crate::org::find_visible(c, ctx, code).await?;
        q = if query.only {
            q.filter(org::Column::Id.eq(root.id))
        } else {
            q.filter(org::Column::Path.starts_with(&root.path))
        };
    }
    if let Some(p) = query
        .programme
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let ids: Vec<i64> = programme::Entity::find()
            .filter(programme::Column::Name.eq(p))
            .all(c)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        q = q.filter(activity::Column::ProgrammeId.is_in(ids));
    }
    if let Some(k) = query.kind.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(activity::Column::Kind.eq(k));
    }
    if let Some(st) = query.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(activity::Column::Status.eq(st));
    }
    if let Some(f) = query.from {
        q = q.filter(activity::Column::StartDate.gte(f));
    }
    if let Some(t) = query.to {
        q = q.filter(activity::Column::StartDate.lte(t));
    }
    Ok(q)
}

/// The programme of the last activity the caller recorded (a form default).
pub async fn last_programme_of(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Option<String>> {
    use crate::entity::audit_log;
    let Some(user_id) = ctx.user_id() else {
        return Ok(None);
    };
    let last = audit_log::Entity::find()
        .filter(audit_log::Column::ActorId.eq(user_id))
        .filter(audit_log::Column::Entity.eq("activity"))
        .filter(audit_log::Column::Action.eq("create"))
        .order_by_desc(audit_log::Column::Id)
        .one(c)
        .await?;
    let Some(id) = last
        .and_then(|l| l.entity_id)
        .and_then(|i| i.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let Some(a) = activity::Entity::find_by_id(id).one(c).await? else {
        return Ok(None);
    };
    let Some(pid) = a.programme_id else {
        return Ok(None);
    };
    Ok(programme::Entity::find_by_id(pid)
        .one(c)
        .await?
        .map(|p| p.name))
}
