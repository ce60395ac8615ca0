//! The statistics document for an org subtree and a period: facts are loaded
//! here (the tree as it stood at the period's end), figures are computed by
//! `domain::stats`. The API and pages are scoped to the caller; the CLI acts
//! as the operator.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use domain::{
    access::{Module, Permission},
    activity::{ActivityKind, ActivityStatus},
    date::Period,
    kinds::{Level, OrgKind, Post, VenueKind},
    stats::{OrgRef, StatsDoc, activities as act, organizations as orgs, publicity as pubs},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::{
    Ctx, DbResult,
    entity::{
        activity, activity_material, attendance, officer, org, org_tree_history, programme,
        publicity_item, repost, survey, venue, work,
    },
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
    org_ids
        .chunks(crate::batch::size(c, crate::batch::Rows::Keys))
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

/// The columns of an activity the figures use.
#[derive(sea_orm::DerivePartialModel)]
#[sea_orm(entity = "activity::Entity")]
struct Act {
    id: i64,
    org_id: i64,
    programme_id: Option<i64>,
    kind: String,
    online: bool,
    head_count: Option<i32>,
    units_reached: Option<i32>,
    start_date: NaiveDate,
}

/// An officer post's term, and whether it is a chair's.
struct Term {
    chair: bool,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Term {
    fn held_on(&self, d: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= d) && self.end.is_none_or(|e| e >= d)
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

/// The statistics document, computed from the records.
pub async fn stats(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<StatsDoc> {
    ctx.require(Module::Review, Permission::Read)?;
    let root = find_visible(c, ctx, org_code).await?;
    // An org that didn't exist yet at the period end has an empty subtree.
    let root_path = path_as_of(c, root.id, p.to)
        .await?
        .unwrap_or_else(|| "/-/".into());
    let sub = subtree(&root_path, p.to);

    let org_rows: Vec<Org> = org::Entity::find()
        .filter(org::Column::Id.in_subquery(sub.clone()))
        .into_partial_model()
        .all(c)
        .await?;
    let org_facts: Vec<orgs::OrgFact> = org_rows
        .iter()
        .filter_map(|o| {
            OrgKind::from_code(&o.kind).map(|kind| orgs::OrgFact {
                kind,
                founded_on: o.founded_on,
                closed_on: o.closed_on,
            })
        })
        .collect();
    // Only the columns the figures need (a province has ~10⁵ officers).
    let venue_facts: Vec<orgs::VenueFact> = venue::Entity::find()
        .select_only()
        .column(venue::Column::Kind)
        .column(venue::Column::OpenedOn)
        .column(venue::Column::ClosedOn)
        .filter(venue::Column::OrgId.in_subquery(sub.clone()))
        .into_tuple::<(String, Option<NaiveDate>, Option<NaiveDate>)>()
        .all(c)
        .await?
        .into_iter()
        .filter_map(|(kind, opened_on, closed_on)| {
            VenueKind::from_code(&kind).map(|kind| orgs::VenueFact {
                kind,
                opened_on,
                closed_on,
            })
        })
        .collect();
    let org_ids: Vec<i64> = org_rows.iter().map(|o| o.id).collect();
    let keys = crate::batch::size(c, crate::batch::Rows::Keys);
    let mut officer_facts: Vec<orgs::OfficerFact> = Vec::new();
    for in_subtree in by_org(c, officer::Column::OrgId, &sub, &org_ids) {
        let page: Vec<(i64, String, Option<NaiveDate>, Option<NaiveDate>)> =
            officer::Entity::find()
                .select_only()
                .column(officer::Column::PersonId)
                .column(officer::Column::Post)
                .column(officer::Column::TermStart)
                .column(officer::Column::TermEnd)
                .filter(in_subtree)
                .into_tuple()
                .all(c)
                .await?;
        officer_facts.extend(page.into_iter().filter_map(
            |(person_id, post, term_start, term_end)| {
                Post::from_code(&post).map(|post| orgs::OfficerFact {
                    person_id,
                    post,
                    term_start,
                    term_end,
                })
            },
        ));
    }
    let survey_facts: Vec<orgs::SurveyFact> = survey::Entity::find()
        .filter(survey::Column::OrgId.in_subquery(sub.clone()))
        .filter(survey::Column::Date.between(p.from, p.to))
        .all(c)
        .await?
        .into_iter()
        .map(|s| orgs::SurveyFact {
            org_id: s.org_id,
            date: s.date,
        })
        .collect();

    // Activities held in the period (by start date) that took place.
    let acts_q = Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(Expr::col(activity::Column::OrgId).in_subquery(sub.clone()))
        .and_where(Expr::col(activity::Column::StartDate).between(p.from, p.to))
        .and_where(Expr::col(activity::Column::Status).eq(ActivityStatus::Done.code()))
        .to_owned();
    // Only the columns the figures need, a few hundred orgs at a time: the
    // SQLite driver holds a whole result as copied values (~0.5 KB a row).
    let mut acts: Vec<Act> = Vec::new();
    for in_subtree in by_org(c, activity::Column::OrgId, &sub, &org_ids) {
        acts.extend(
            activity::Entity::find()
                .filter(in_subtree)
                .filter(activity::Column::StartDate.between(p.from, p.to))
                .filter(activity::Column::Status.eq(ActivityStatus::Done.code()))
                .into_partial_model::<Act>()
                .all(c)
                .await?,
        );
    }
    acts.sort_by_key(|a| a.id);
    let programme_ids: Vec<i64> = acts
        .iter()
        .filter_map(|a| a.programme_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut programme_names: HashMap<i64, String> = HashMap::new();
    for chunk in programme_ids.chunks(keys) {
        programme_names.extend(
            programme::Entity::find()
                .select_only()
                .column(programme::Column::Id)
                .column(programme::Column::Name)
                .filter(programme::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String)>()
                .all(c)
                .await?,
        );
    }
    let start_of: HashMap<i64, NaiveDate> = acts.iter().map(|a| (a.id, a.start_date)).collect();
    let (sub_of, sub_orgs) = sub_orgs(c, root.id, &root_path, p, &org_rows, &acts).await?;
    let activity_facts: Vec<act::ActivityFact> = acts
        .iter()
        .filter_map(|a| {
            ActivityKind::from_code(&a.kind).map(|kind| act::ActivityFact {
                id: a.id,
                programme: a
                    .programme_id
                    .and_then(|id| programme_names.get(&id).cloned()),
                kind,
                online: a.online,
                head_count: a.head_count.map(i64::from),
                units_reached: a.units_reached.map(i64::from),
                start_date: a.start_date,
                sub_org: sub_of.get(&a.org_id).copied(),
            })
        })
        .collect();
    // Posts held by attendees, anywhere, to tell officers and chairs apart.
    // A subquery, not a list of ids: a province-year has more attendees than
    // SQLite (32,766) or PostgreSQL (65,535) accept as bind parameters.
    let attendees_q = Query::select()
        .column(attendance::Column::PersonId)
        .from(attendance::Entity)
        .and_where(Expr::col(attendance::Column::ActivityId).in_subquery(acts_q.clone()))
        .to_owned();
    let posts: Vec<(i64, String, Option<NaiveDate>, Option<NaiveDate>)> = officer::Entity::find()
        .select_only()
        .column(officer::Column::PersonId)
        .column(officer::Column::Post)
        .column(officer::Column::TermStart)
        .column(officer::Column::TermEnd)
        .filter(officer::Column::PersonId.in_subquery(attendees_q))
        .into_tuple()
        .all(c)
        .await?;
    // Posts by person: scanning every post for every roster row was
    // O(roster × posts) — most of a county-year's statistics time (bench).
    let mut terms_of: HashMap<i64, Vec<Term>> = HashMap::new();
    for (person, post, start, end) in posts {
        terms_of.entry(person).or_default().push(Term {
            chair: post == Post::Chair.code(),
            start,
            end,
        });
    }
    // The roster is read a few hundred activities at a time into numbered
    // people and units, only the columns the figures need: a province-year
    // has ~10⁶ lines, and holding them all as rows of strings took most of
    // the server's memory (bench). (A row-by-row stream was slower on SQLite.)
    let mut roster = act::Roster::default();
    let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
    for chunk in ids.chunks(keys) {
        let lines: Vec<(i64, Option<i64>, String, Option<String>)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::ActivityId)
            .column(attendance::Column::PersonId)
            .column(attendance::Column::PersonKey)
            .column(attendance::Column::Unit)
            .filter(attendance::Column::ActivityId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for (activity_id, person_id, person_key, unit) in lines {
            let held: Vec<&Term> = match (start_of.get(&activity_id), person_id) {
                (Some(&on), Some(id)) => terms_of
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .filter(|t| t.held_on(on))
                    .collect(),
                _ => Vec::new(),
            };
            let chair = held.iter().any(|t| t.chair);
            roster.push(
                activity_id,
                &person_key,
                unit.as_deref(),
                !held.is_empty(),
                chair,
            );
        }
    }
    let material_facts: Vec<act::MaterialFact> = activity_material::Entity::find()
        .filter(activity_material::Column::ActivityId.in_subquery(acts_q.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| act::MaterialFact {
            activity_id: m.activity_id,
            name: m.name,
            quantity: m.quantity,
        })
        .collect();
    let work_facts: Vec<act::WorkFact> = work::Entity::find()
        .select_only()
        .column(work::Column::ActivityId)
        .column(work::Column::Category)
        .filter(work::Column::ActivityId.in_subquery(acts_q))
        .into_tuple::<(i64, Option<String>)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(activity_id, category)| act::WorkFact {
            activity_id,
            category,
        })
        .collect();

    let items_q = Query::select()
        .column(publicity_item::Column::Id)
        .from(publicity_item::Entity)
        .and_where(Expr::col(publicity_item::Column::OrgId).in_subquery(sub))
        .and_where(Expr::col(publicity_item::Column::PublishedOn).between(p.from, p.to))
        .to_owned();
    let items: Vec<(i64, String, Option<String>)> = publicity_item::Entity::find()
        .select_only()
        .column(publicity_item::Column::Id)
        .column(publicity_item::Column::Channel)
        .column(publicity_item::Column::ColumnName)
        .filter(publicity_item::Column::Id.in_subquery(items_q.clone()))
        .into_tuple()
        .all(c)
        .await?;
    // Subquery again: a province-year can have more items than bind parameters.
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.in_subquery(items_q))
        .select_only()
        .column(repost::Column::ItemId)
        .column(repost::Column::Level)
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?;
    let item_facts: Vec<pubs::ItemFact> = items
        .into_iter()
        .map(|(id, channel, column)| pubs::ItemFact {
            id,
            channel,
            column,
        })
        .collect();
    let repost_facts: Vec<pubs::RepostFact> = reposts
        .into_iter()
        .filter_map(|(item_id, level)| {
            Level::from_code(&level).map(|level| pubs::RepostFact { item_id, level })
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
        organizations: orgs::assemble(p, &org_facts, &venue_facts, &officer_facts, &survey_facts),
        activities: act::assemble(
            &activity_facts,
            &roster,
            &material_facts,
            &work_facts,
            &breakdown,
        ),
        publicity: pubs::assemble(&item_facts, &repost_facts),
    })
}

/// The direct child orgs of the root as the tree stood at the period's end
/// (by code; one closed before the period began is left out unless it still
/// hosted an activity), and for each org of the subtree the child it lies under.
async fn sub_orgs(
    c: &impl ConnectionTrait,
    root_id: i64,
    root_path: &str,
    p: Period,
    org_rows: &[Org],
    acts: &[Act],
) -> DbResult<(HashMap<i64, i64>, Vec<act::SubOrg>)> {
    let placed: Vec<(i64, Option<i64>, String)> = org_tree_history::Entity::find()
        .select_only()
        .column(org_tree_history::Column::OrgId)
        .column(org_tree_history::Column::ParentId)
        .column(org_tree_history::Column::Path)
        .filter(org_tree_history::Column::Path.starts_with(root_path))
        .filter(in_force(p.to))
        .into_tuple()
        .all(c)
        .await?;
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
    Ok((sub_of, subs))
}
