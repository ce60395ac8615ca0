//! The records behind a year-end review (`domain::review::Records`) for an
//! org subtree and a period — the tree as it stood at the period's end, the
//! same rule as `crate::stats` — plus photo files and the saved outline and
//! drafts ([`store`]).

pub mod store;

use std::{
    collections::{HashMap, HashSet},
    path::Path,
};

use domain::{
    access::{Module, Permission},
    activity::{ActivityKind, ActivityStatus},
    date::Period,
    kinds::{Level, OrgKind, Post, VenueKind},
    review::{ActivityRecord, FoundingRecord, PhotoRecord, PublicityRecord, Records, SurveyRecord},
    search::normalize,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::{
    Ctx, DbResult,
    entity::{
        activity, activity_material, attendance, officer, org, photo, programme, publicity_item,
        repost, survey, venue, work,
    },
    scope::view_condition,
    stats::scope_of,
};

fn org_kind_label(code: &str) -> String {
    OrgKind::from_code(code).map_or_else(|| code.to_string(), |k| k.label().to_string())
}

/// Loads the review records of `org_code`'s subtree for `p`.
pub async fn records(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<Records> {
    ctx.require(Module::Review, Permission::Read)?;
    let (_, _, sub) = scope_of(c, ctx, org_code, p).await?;

    let orgs: HashMap<i64, org::Model> = org::Entity::find()
        .filter(org::Column::Id.in_subquery(sub.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();

    let acts_q = Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(Expr::col(activity::Column::OrgId).in_subquery(sub.clone()))
        .and_where(Expr::col(activity::Column::StartDate).between(p.from, p.to))
        .and_where(Expr::col(activity::Column::Status).eq(ActivityStatus::Done.code()))
        .to_owned();
    let acts = activity::Entity::find()
        .filter(activity::Column::Id.in_subquery(acts_q.clone()))
        .order_by_asc(activity::Column::StartDate)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let programme_ids: HashSet<i64> = acts.iter().filter_map(|a| a.programme_id).collect();
    let programme_names: HashMap<i64, String> = programme::Entity::find()
        .filter(programme::Column::Id.is_in(programme_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let roster = attendance::Entity::find()
        .filter(attendance::Column::ActivityId.in_subquery(acts_q.clone()))
        .all(c)
        .await?;
    // Subqueries, not id lists: a province-year has more attendees and items
    // than SQLite (32,766) or PostgreSQL (65,535) accept as bind parameters.
    let posts = officer::Entity::find()
        .filter(
            officer::Column::PersonId.in_subquery(
                Query::select()
                    .column(attendance::Column::PersonId)
                    .from(attendance::Entity)
                    .and_where(
                        Expr::col(attendance::Column::ActivityId).in_subquery(acts_q.clone()),
                    )
                    .to_owned(),
            ),
        )
        .all(c)
        .await?;
    let mut rosters: HashMap<i64, Vec<attendance::Model>> = HashMap::new();
    for r in roster {
        rosters.entry(r.activity_id).or_default().push(r);
    }
    let mut materials: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
    for m in activity_material::Entity::find()
        .filter(activity_material::Column::ActivityId.in_subquery(acts_q.clone()))
        .order_by_asc(activity_material::Column::Id)
        .all(c)
        .await?
    {
        materials
            .entry(m.activity_id)
            .or_default()
            .push((m.name, m.quantity));
    }
    let mut works: HashMap<i64, Vec<Option<String>>> = HashMap::new();
    for w in work::Entity::find()
        .filter(work::Column::ActivityId.in_subquery(acts_q.clone()))
        .all(c)
        .await?
    {
        works.entry(w.activity_id).or_default().push(w.category);
    }
    let mut photos: HashMap<i64, Vec<PhotoRecord>> = HashMap::new();
    for ph in photo::Entity::find()
        .filter(photo::Column::ActivityId.in_subquery(acts_q))
        .order_by_asc(photo::Column::Id)
        .all(c)
        .await?
    {
        photos.entry(ph.activity_id).or_default().push(PhotoRecord {
            id: ph.id,
            caption: ph.caption,
            is_cover: ph.is_cover,
        });
    }

    // Posts by person: scanning every post for every roster line was
    // quadratic (a province-year review took 27 s).
    let mut posts_of: HashMap<i64, Vec<&officer::Model>> = HashMap::new();
    for o in &posts {
        posts_of.entry(o.person_id).or_default().push(o);
    }
    let activities = acts
        .into_iter()
        .map(|a| {
            let roster = rosters.remove(&a.id).unwrap_or_default();
            let held_on = |person: Option<i64>| -> Vec<&officer::Model> {
                person
                    .and_then(|p| posts_of.get(&p))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|o| {
                        o.term_start.is_none_or(|s| s <= a.start_date)
                            && o.term_end.is_none_or(|e| e >= a.start_date)
                    })
                    .collect()
            };
            let people: HashSet<&str> = roster.iter().map(|r| r.person_key.as_str()).collect();
            let units: HashSet<String> = roster
                .iter()
                .filter_map(|r| r.unit.as_deref())
                .map(normalize)
                .filter(|u| !u.is_empty())
                .collect();
            let mut officers = HashSet::new();
            let mut chairs = HashSet::new();
            for r in &roster {
                let held = held_on(r.person_id);
                if !held.is_empty() {
                    officers.insert(r.person_key.as_str());
                }
                if held.iter().any(|o| o.post == Post::Chair.code()) {
                    chairs.insert(r.person_key.as_str());
                }
            }
            let host = orgs.get(&a.org_id);
            ActivityRecord {
                id: a.id,
                code: a.code,
                name: a.name,
                programme: a
                    .programme_id
                    .and_then(|id| programme_names.get(&id).cloned()),
                kind: ActivityKind::from_code(&a.kind)
                    .map_or_else(|| a.kind.clone(), |k| k.label().to_string()),
                org_name: host.map(|o| o.name.clone()).unwrap_or_default(),
                org_kind: host.map(|o| org_kind_label(&o.kind)).unwrap_or_default(),
                start_date: a.start_date,
                end_date: a.end_date,
                online: a.online,
                place: a.place,
                partners: a.partners,
                // The larger of the roster and the reported head count
                // (docs/statistics.md); "head counted" when it is the count.
                participants: domain::activity::participants(
                    people.len() as u64,
                    a.head_count.map(i64::from),
                ),
                head_counted: domain::activity::unnamed(
                    people.len() as u64,
                    a.head_count.map(i64::from),
                ) > 0
                    || people.is_empty(),
                units: if units.is_empty() {
                    u64::try_from(a.units_reached.unwrap_or(0)).unwrap_or(0)
                } else {
                    units.len() as u64
                },
                officers: officers.len() as u64,
                chairs: chairs.len() as u64,
                materials: materials.remove(&a.id).unwrap_or_default(),
                works: works.remove(&a.id).unwrap_or_default(),
                photos: photos.remove(&a.id).unwrap_or_default(),
            }
        })
        .collect();

    // A cancelled item (取消) is left out, as the statistics leave it out.
    let items = publicity_item::Entity::find()
        .filter(publicity_item::Column::OrgId.in_subquery(sub.clone()))
        .filter(publicity_item::Column::PublishedOn.between(p.from, p.to))
        .filter(publicity_item::Column::Id.not_in_subquery(crate::publicity::life::cancelled_ids()))
        .order_by_asc(publicity_item::Column::PublishedOn)
        .order_by_asc(publicity_item::Column::Id)
        .all(c)
        .await?;
    let mut levels: HashMap<i64, Vec<String>> = HashMap::new();
    for r in repost::Entity::find()
        .filter(
            repost::Column::ItemId.in_subquery(
                Query::select()
                    .column(publicity_item::Column::Id)
                    .from(publicity_item::Entity)
                    .and_where(Expr::col(publicity_item::Column::OrgId).in_subquery(sub.clone()))
                    .and_where(Expr::col(publicity_item::Column::PublishedOn).between(p.from, p.to))
                    .and_where(
                        Expr::col(publicity_item::Column::Id)
                            .not_in_subquery(crate::publicity::life::cancelled_ids()),
                    )
                    .to_owned(),
            ),
        )
        .all(c)
        .await?
    {
        let label = Level::from_code(&r.level).map_or(r.level.clone(), |l| l.label().to_string());
        let list = levels.entry(r.item_id).or_default();
        if !list.contains(&label) {
            list.push(label);
        }
    }
    let publicity = items
        .into_iter()
        .map(|i| PublicityRecord {
            reposted_levels: levels.remove(&i.id).unwrap_or_default(),
            id: i.id,
            title: i.title,
            channel: i.channel,
            column: i.column_name,
            published_on: i.published_on,
            activity_id: i.activity_id,
        })
        .collect();

    let surveys = survey::Entity::find()
        .filter(survey::Column::OrgId.in_subquery(sub.clone()))
        .filter(survey::Column::Date.between(p.from, p.to))
        .order_by_asc(survey::Column::Date)
        .all(c)
        .await?
        .into_iter()
        .map(|s| {
            let o = orgs.get(&s.org_id);
            SurveyRecord {
                org_id: s.org_id,
                org_name: o.map(|o| o.name.clone()).unwrap_or_default(),
                org_kind: o.map(|o| org_kind_label(&o.kind)).unwrap_or_default(),
                date: s.date,
            }
        })
        .collect();

    let mut new_orgs: Vec<FoundingRecord> = orgs
        .values()
        .filter_map(|o| {
            o.founded_on
                .filter(|d| p.contains(*d))
                .map(|d| FoundingRecord {
                    name: o.name.clone(),
                    kind: org_kind_label(&o.kind),
                    date: d,
                })
        })
        .collect();
    new_orgs.sort_by(|a, b| a.date.cmp(&b.date).then(a.name.cmp(&b.name)));
    let mut new_venues: Vec<FoundingRecord> = venue::Entity::find()
        .filter(venue::Column::OrgId.in_subquery(sub))
        .filter(venue::Column::OpenedOn.between(p.from, p.to))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|v| {
            v.opened_on.map(|d| FoundingRecord {
                name: v.name,
                kind: VenueKind::from_code(&v.kind)
                    .map_or_else(|| v.kind.clone(), |k| k.label().to_string()),
                date: d,
            })
        })
        .collect();
    new_venues.sort_by(|a, b| a.date.cmp(&b.date).then(a.name.cmp(&b.name)));

    Ok(Records {
        activities,
        publicity,
        surveys,
        new_orgs,
        new_venues,
    })
}

/// The full-size JPEG bytes of the given photos, keyed by photo id: only
/// photos of activities the caller may see; unreadable files are skipped.
pub async fn photo_bytes(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    root: &Path,
    ids: &[i64],
) -> DbResult<HashMap<i64, Vec<u8>>> {
    ctx.require(Module::Review, Permission::Read)?;
    let rows = photo::Entity::find()
        .filter(photo::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await?;
    let visible_acts: HashSet<i64> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(rows.iter().map(|r| r.activity_id)))
        .filter(
            activity::Column::OrgId.in_subquery(
                Query::select()
                    .column(org::Column::Id)
                    .from(org::Entity)
                    .cond_where(view_condition(&ctx.scope, org::Column::Path))
                    .to_owned(),
            ),
        )
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    Ok(rows
        .iter()
        .filter(|r| visible_acts.contains(&r.activity_id))
        .filter_map(|r| {
            std::fs::read(crate::activity::photo::file_of(root, r, false))
                .ok()
                .map(|b| (r.id, b))
        })
        .collect())
}
