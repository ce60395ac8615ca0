//! The statistics document for an org subtree and a period: facts are loaded
//! here (the tree as it stood at the period's end), figures are computed by
//! `domain::stats`. The API and pages are scoped to the caller; the CLI acts
//! as the operator.

mod activities;
mod organizations;
mod publicity;

use chrono::NaiveDate;
use domain::{
    access::{Module, Permission},
    activity::ActivityKind,
    date::Period,
    stats::{OrgRef, StatsDoc, activities as act, organizations as orgs, publicity as pubs},
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::{
    Ctx, DbResult,
    entity::{officer, org, org_tree_history},
    org::{
        find_visible,
        tree::{in_force, path_as_of},
    },
};

/// The conditions "`col` is an org of the subtree", one query each. On
/// SQLite a few hundred org ids per query: its driver holds a whole result as
/// copied values (~0.5 KB a row), ~50 MB for a province's officers at once.
/// On PostgreSQL the subtree subquery, once: with a list of bound ids the
/// prepared statement's generic plan scanned every activity of the year for
/// each list (~240 ms a query on the 100-county province).
fn by_org(
    c: &impl ConnectionTrait,
    col: impl ColumnTrait,
    sub: &SelectStatement,
    org_ids: &[i64],
) -> Vec<sea_orm::sea_query::SimpleExpr> {
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        return vec![col.in_subquery(sub.clone())];
    }
    // A few hundred orgs a statement: their rows come back folded into one
    // text, which stays small even for a province.
    org_ids
        .chunks(500)
        .map(|ids| col.is_in(ids.iter().copied()))
        .collect()
}

/// The columns of an org the figures use (not its search text).
#[derive(sea_orm::DerivePartialModel)]
#[sea_orm(entity = "org::Entity")]
struct Org {
    id: i64,
    code: String,
    name: String,
    kind: String,
    founded_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
}

/// An officer post as the figures use it.
#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct PostRow {
    person_id: i64,
    post: String,
    term_start: Option<NaiveDate>,
    term_end: Option<NaiveDate>,
}

impl PostRow {
    /// The columns, in the fields' order (see [`crate::rows::fetch_all`]).
    fn columns() -> [(&'static str, sea_orm::sea_query::SimpleExpr); 4] {
        let o = |col: officer::Column| Expr::col((officer::Entity, col));
        [
            ("person_id", o(officer::Column::PersonId)),
            ("post", o(officer::Column::Post)),
            ("term_start", o(officer::Column::TermStart)),
            ("term_end", o(officer::Column::TermEnd)),
        ]
    }
}

/// Ids of the orgs under `root_path` in the tree of date `on`, as a subquery.
pub(crate) fn subtree(root_path: &str, on: NaiveDate) -> SelectStatement {
    Query::select()
        .column(org_tree_history::Column::OrgId)
        .from(org_tree_history::Entity)
        .and_where(Expr::col(org_tree_history::Column::Path).like(format!("{root_path}%")))
        .and_where(Expr::col(org_tree_history::Column::ValidFrom).lte(on))
        .cond_where(
            sea_orm::Condition::any()
                .add(Expr::col(org_tree_history::Column::ValidTo).is_null())
                .add(Expr::col(org_tree_history::Column::ValidTo).gt(on)),
        )
        .to_owned()
}

/// [`stats`] read through the database's cache: the document computed at the
/// current data version, computed now if no one has since the last change.
pub async fn stats_cached(
    db: &crate::Db,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<std::sync::Arc<StatsDoc>> {
    ctx.require(Module::Review, Permission::Read)?;
    let c = &db.read;
    // Read before computing: a change committed meanwhile moves the version,
    // so what is computed here is never kept past it.
    let version = crate::version::of(c, ctx).await?;
    let root = find_visible(c, ctx, org_code).await?;
    let key = (root.id, p.from, p.to, crate::time::today_beijing());
    db.caches
        .stats
        .get_or_compute(
            key,
            version,
            |_| 1,
            async || stats(c, ctx, org_code, p).await,
        )
        .await
}

/// The org `org_code` (visible to the caller), its tree path as of the end
/// of `p`, and its subtree then as a subquery of org ids. An org that didn't
/// exist yet at the period end has an empty subtree.
pub(crate) async fn scope_of(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<(org::Model, String, SelectStatement)> {
    let root = find_visible(c, ctx, org_code).await?;
    let root_path = path_as_of(c, root.id, p.to)
        .await?
        .unwrap_or_else(|| "/-/".into());
    let sub = subtree(&root_path, p.to);
    Ok((root, root_path, sub))
}

/// The statistics document, computed from the records. Once the subtree's
/// orgs are known, its activities, their roster summaries, materials and
/// works, and publicity are read at once, each on its own connection where
/// `c` is a pool (on a transaction they take turns); then the posts of the
/// trainees on those rosters.
pub async fn stats(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<StatsDoc> {
    ctx.require(Module::Review, Permission::Read)?;
    let (root, root_path, sub) = scope_of(c, ctx, org_code, p).await?;
    let org_rows: Vec<Org> = org::Entity::find()
        .filter(org::Column::Id.in_subquery(sub.clone()))
        .into_partial_model()
        .all(c)
        .await?;
    let org_ids: Vec<i64> = org_rows.iter().map(|o| o.id).collect();
    let done = activities::done_in(&sub, p);
    let (of_orgs, held, summaries, (materials, works), (items, reposts), placed) = tokio::try_join!(
        organizations::load(c, &sub, &org_rows, p),
        activities::held(c, &sub, &org_ids, p),
        activities::summaries(c, &sub, &org_ids, p),
        activities::materials_and_works(c, &done),
        publicity::load(c, &sub, p),
        placed(c, &root_path, p),
    )?;
    // Then the posts of the trainees. Meanwhile the other rosters are
    // numbered off the async runtime (a province-year's take seconds).
    let trainings = activities::trainings(&held, &summaries);
    let others = {
        let training_on = trainings.on.clone();
        tokio::task::spawn_blocking(move || {
            let roster = activities::roster_of_others(&summaries, &training_on);
            (roster, summaries)
        })
    };
    let (terms_of, (mut roster, summaries)) =
        tokio::try_join!(activities::posts_of(c, &trainings.people), async {
            others.await.map_err(|e| match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => sea_orm::DbErr::Custom("统计计算被中止".into()).into(),
            })
        },)?;
    activities::add_trainings(&mut roster, &summaries, &trainings.on, &terms_of);
    let (sub_of, sub_orgs) = sub_orgs(root.id, &root_path, p, &placed, &org_rows, &held);
    let activity_facts: Vec<act::ActivityFact> = held
        .iter()
        .filter_map(|a| {
            ActivityKind::from_code(&a.kind).map(|kind| act::ActivityFact {
                id: a.id,
                programme: a.programme.clone(),
                kind,
                online: a.online,
                head_count: a.head_count.map(i64::from),
                units_reached: a.units_reached.map(i64::from),
                start_date: a.start_date,
                sub_org: sub_of.get(&a.org_id).copied(),
            })
        })
        .collect();
    let org_ref = OrgRef {
        code: root.code,
        name: root.name,
    };
    let breakdown = act::Breakdown {
        months: p.months_until(crate::time::today_beijing()),
        sub_orgs,
        own: Some(org_ref.clone()),
    };
    Ok(StatsDoc {
        org: org_ref,
        period: p.into(),
        organizations: orgs::assemble(
            p,
            &of_orgs.orgs,
            &of_orgs.venues,
            &of_orgs.officers,
            &of_orgs.surveys,
        ),
        activities: act::assemble(&activity_facts, &roster, &materials, &works, &breakdown),
        publicity: pubs::assemble(&items, &reposts),
    })
}

/// Where each org of the subtree stood in the tree at the period's end:
/// `(org id, parent id, path)`.
async fn placed(
    c: &impl ConnectionTrait,
    root_path: &str,
    p: Period,
) -> DbResult<Vec<(i64, Option<i64>, String)>> {
    Ok(org_tree_history::Entity::find()
        .select_only()
        .column(org_tree_history::Column::OrgId)
        .column(org_tree_history::Column::ParentId)
        .column(org_tree_history::Column::Path)
        .filter(org_tree_history::Column::Path.starts_with(root_path))
        .filter(in_force(p.to))
        .into_tuple()
        .all(c)
        .await?)
}

/// The direct child orgs of the root as the tree stood at the period's end
/// (by code; one closed before the period began is left out unless it still
/// hosted an activity), and for each org of the subtree the child it lies under.
fn sub_orgs(
    root_id: i64,
    root_path: &str,
    p: Period,
    placed: &[(i64, Option<i64>, String)],
    org_rows: &[Org],
    acts: &[activities::Act],
) -> (HashMap<i64, i64>, Vec<act::SubOrg>) {
    // Paths are `/1/5/12/`: the segment after the root's path is the child.
    let sub_of: HashMap<i64, i64> = placed
        .iter()
        .filter_map(|(id, _, path)| {
            let child = path
                .strip_prefix(root_path)?
                .split('/')
                .next()?
                .parse::<i64>()
                .ok()?;
            Some((*id, child))
        })
        .collect();
    let hosting: HashSet<i64> = acts
        .iter()
        .filter_map(|a| sub_of.get(&a.org_id).copied())
        .collect();
    let children: HashSet<i64> = placed
        .iter()
        .filter(|(_, parent, _)| *parent == Some(root_id))
        .map(|(id, _, _)| *id)
        .collect();
    let mut subs: Vec<&Org> = org_rows
        .iter()
        .filter(|o| children.contains(&o.id))
        .filter(|o| o.closed_on.is_none_or(|d| d >= p.from) || hosting.contains(&o.id))
        .collect();
    subs.sort_by(|a, b| a.code.cmp(&b.code));
    let subs = subs
        .into_iter()
        .map(|o| act::SubOrg {
            id: o.id,
            code: o.code.clone(),
            name: o.name.clone(),
        })
        .collect();
    (sub_of, subs)
}
