//! The facts of `activities`: the activities of the subtree held in the
//! period, their programmes, rosters (summed up), materials and works, and
//! the posts their trainees held.

use chrono::NaiveDate;
use domain::{
    activity::{ActivityKind, ActivityStatus, RosterSummary, person_of_key},
    date::Period,
    kinds::Post,
    stats::activities as act,
};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use super::by_org;
use crate::{
    DbResult,
    batch::{Rows, size},
    entity::{activity, activity_material, attendance, officer, programme, roster_summary, work},
};

/// The columns of an activity the figures use.
#[derive(sea_orm::DerivePartialModel)]
#[sea_orm(entity = "activity::Entity")]
pub(super) struct Act {
    pub id: i64,
    pub org_id: i64,
    pub programme_id: Option<i64>,
    pub kind: String,
    pub online: bool,
    pub head_count: Option<i32>,
    pub units_reached: Option<i32>,
    pub start_date: NaiveDate,
}

/// Ids of the activities of the subtree `sub` held in the period (by start
/// date) that took place, as a subquery.
pub(super) fn done_in(sub: &SelectStatement, p: Period) -> SelectStatement {
    Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(Expr::col(activity::Column::OrgId).in_subquery(sub.clone()))
        .and_where(Expr::col(activity::Column::StartDate).between(p.from, p.to))
        .and_where(Expr::col(activity::Column::Status).eq(ActivityStatus::Done.code()))
        .to_owned()
}

/// The activities held, by id, with their programmes' names and their
/// roster summaries `(activity id, people, units)`.
pub(super) struct Held {
    pub acts: Vec<Act>,
    pub programme_names: HashMap<i64, String>,
    pub summaries: Vec<(i64, String, String)>,
}

pub(super) async fn held(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    org_ids: &[i64],
    p: Period,
) -> DbResult<Held> {
    let keys = size(c, Rows::Keys);
    // Only the columns the figures need, a few hundred orgs at a time: the
    // SQLite driver holds a whole result as copied values (~0.5 KB a row).
    let mut acts: Vec<Act> = Vec::new();
    for in_subtree in by_org(c, activity::Column::OrgId, sub, org_ids) {
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
    let mut programme_names = HashMap::default();
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
    // Rosters come summed up, one row per activity (`activity::summary`), a
    // few hundred activities at a time: reading a county-year's ~60,000
    // roster lines one by one took most of its statistics time (bench).
    let mut summaries = Vec::new();
    let ids: Vec<i64> = acts.iter().map(|a| a.id).collect();
    for chunk in ids.chunks(keys) {
        summaries.extend(
            roster_summary::Entity::find()
                .select_only()
                .column(roster_summary::Column::ActivityId)
                .column(roster_summary::Column::People)
                .column(roster_summary::Column::Units)
                .filter(roster_summary::Column::ActivityId.is_in(chunk.iter().copied()))
                .into_tuple::<(i64, String, String)>()
                .all(c)
                .await?,
        );
    }
    Ok(Held {
        acts,
        programme_names,
        summaries,
    })
}

/// An officer post's term, and whether it is a chair's.
pub(super) struct Term {
    chair: bool,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl Term {
    fn held_on(&self, d: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= d) && self.end.is_none_or(|e| e >= d)
    }
}

/// The posts, anywhere, of the people on the rosters of the trainings among
/// `done` (a subquery of activity ids), by person: the figures count
/// officers trained and nothing else, and trainings are a few of the year's
/// roster lines. A subquery, not a list of ids: a province-year has more
/// attendees than SQLite (32,766) or PostgreSQL (65,535) accept as bind
/// parameters.
pub(super) async fn trainees_posts(
    c: &impl ConnectionTrait,
    done: &SelectStatement,
) -> DbResult<HashMap<i64, Vec<Term>>> {
    let trainings = done
        .clone()
        .and_where(Expr::col(activity::Column::Kind).eq(ActivityKind::Training.code()))
        .to_owned();
    let trainees = Query::select()
        .column(attendance::Column::PersonId)
        .from(attendance::Entity)
        .and_where(Expr::col(attendance::Column::ActivityId).in_subquery(trainings))
        .to_owned();
    let posts: Vec<(i64, String, Option<NaiveDate>, Option<NaiveDate>)> = officer::Entity::find()
        .select_only()
        .column(officer::Column::PersonId)
        .column(officer::Column::Post)
        .column(officer::Column::TermStart)
        .column(officer::Column::TermEnd)
        .filter(officer::Column::PersonId.in_subquery(trainees))
        .into_tuple()
        .all(c)
        .await?;
    // By person: scanning every post for every roster row was
    // O(roster × posts), most of a county-year's statistics time (bench).
    let mut terms_of: HashMap<i64, Vec<Term>> = HashMap::default();
    for (person, post, start, end) in posts {
        terms_of.entry(person).or_default().push(Term {
            chair: post == Post::Chair.code(),
            start,
            end,
        });
    }
    Ok(terms_of)
}

/// The rosters as numbered people and units, each trainee marked officer /
/// chair when she held such a post on the day of the training.
pub(super) fn roster(held: &Held, terms_of: &HashMap<i64, Vec<Term>>) -> act::Roster {
    let training_on: HashMap<i64, NaiveDate> = held
        .acts
        .iter()
        .filter(|a| a.kind == ActivityKind::Training.code())
        .map(|a| (a.id, a.start_date))
        .collect();
    let mut roster = act::Roster::default();
    for (activity_id, people, units) in &held.summaries {
        let on = training_on.get(activity_id);
        for key in RosterSummary::decode(people) {
            let terms = on.zip(person_of_key(key).and_then(|id| terms_of.get(&id)));
            let held = |chair: bool| {
                terms.is_some_and(|(&on, ts)| {
                    ts.iter().any(|t| t.held_on(on) && (t.chair || !chair))
                })
            };
            roster.push_person(*activity_id, key, held(false), held(true));
        }
        for unit in RosterSummary::decode(units) {
            roster.push_unit(*activity_id, unit);
        }
    }
    roster
}

/// Materials handed out and works collected at the activities of `done`.
pub(super) async fn materials_and_works(
    c: &impl ConnectionTrait,
    done: &SelectStatement,
) -> DbResult<(Vec<act::MaterialFact>, Vec<act::WorkFact>)> {
    let materials: Vec<(i64, String, i64)> = activity_material::Entity::find()
        .select_only()
        .column(activity_material::Column::ActivityId)
        .column(activity_material::Column::Name)
        .column(activity_material::Column::Quantity)
        .filter(activity_material::Column::ActivityId.in_subquery(done.clone()))
        .into_tuple()
        .all(c)
        .await?;
    let works: Vec<(i64, Option<String>)> = work::Entity::find()
        .select_only()
        .column(work::Column::ActivityId)
        .column(work::Column::Category)
        .filter(work::Column::ActivityId.in_subquery(done.clone()))
        .into_tuple()
        .all(c)
        .await?;
    Ok((
        materials
            .into_iter()
            .map(|(activity_id, name, quantity)| act::MaterialFact {
                activity_id,
                name,
                quantity,
            })
            .collect(),
        works
            .into_iter()
            .map(|(activity_id, category)| act::WorkFact {
                activity_id,
                category,
            })
            .collect(),
    ))
}
