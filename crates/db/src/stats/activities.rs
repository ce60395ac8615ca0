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
use rustc_hash::FxHashMap as HashMap;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend,
    sea_query::{Expr, ExprTrait, Query, SelectStatement, SimpleExpr},
};

use super::{PostRow, by_org};
use crate::{
    DbResult,
    entity::{activity, activity_material, officer, programme, roster_summary, work},
    rows::fetch_all,
};

/// An activity held, as the figures use it, with its programme's name.
#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
pub(super) struct Act {
    pub id: i64,
    pub org_id: i64,
    pub programme: Option<String>,
    pub kind: String,
    #[serde(deserialize_with = "crate::rows::flag")]
    pub online: bool,
    pub head_count: Option<i32>,
    pub units_reached: Option<i32>,
    pub start_date: NaiveDate,
}

/// [`Act`]'s columns, in its fields' order.
fn act_columns() -> Vec<(&'static str, SimpleExpr)> {
    let a = |col: activity::Column| Expr::col((activity::Entity, col));
    vec![
        ("id", a(activity::Column::Id)),
        ("org_id", a(activity::Column::OrgId)),
        (
            "programme",
            Expr::col((programme::Entity, programme::Column::Name)),
        ),
        ("kind", a(activity::Column::Kind)),
        ("online", a(activity::Column::Online)),
        ("head_count", a(activity::Column::HeadCount)),
        ("units_reached", a(activity::Column::UnitsReached)),
        ("start_date", a(activity::Column::StartDate)),
    ]
}

/// Ids of the activities of the subtree `sub` held in the period (by start
/// date) that took place, as a subquery.
pub(super) fn done_in(sub: &SelectStatement, p: Period) -> SelectStatement {
    done_where(activity::Column::OrgId.in_subquery(sub.clone()), p)
}

/// Ids of the activities held in the period that took place whose org
/// meets `in_orgs`, as a subquery.
fn done_where(in_orgs: SimpleExpr, p: Period) -> SelectStatement {
    Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(in_orgs)
        .and_where(Expr::col(activity::Column::StartDate).between(p.from, p.to))
        .and_where(Expr::col(activity::Column::Status).eq(ActivityStatus::Done.code()))
        .to_owned()
}

/// The activities of the subtree held in the period that took place, by id,
/// a few hundred orgs at a time on SQLite (see [`by_org`]).
pub(super) async fn held(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    org_ids: &[i64],
    p: Period,
) -> DbResult<Vec<Act>> {
    let columns = act_columns();
    let mut acts: Vec<Act> = Vec::new();
    for in_subtree in by_org(c, activity::Column::OrgId, sub, org_ids) {
        let query = Query::select()
            .from(activity::Entity)
            .left_join(
                programme::Entity,
                Expr::col((programme::Entity, programme::Column::Id))
                    .equals((activity::Entity, activity::Column::ProgrammeId)),
            )
            .and_where(in_subtree)
            .and_where(
                Expr::col((activity::Entity, activity::Column::StartDate)).between(p.from, p.to),
            )
            .and_where(
                Expr::col((activity::Entity, activity::Column::Status))
                    .eq(ActivityStatus::Done.code()),
            )
            .to_owned();
        acts.extend(fetch_all::<Act>(c, &columns, query).await?);
    }
    acts.sort_by_key(|a| a.id);
    Ok(acts)
}

/// One activity's roster summed up (`activity::summary`): its people and
/// its units, as stored.
pub(super) struct Summary {
    pub activity_id: i64,
    pub people: String,
    pub units: String,
}

/// The roster summaries of the activities held, a few hundred orgs at a
/// time on SQLite (see [`by_org`]): rosters come summed up, one row per
/// activity, as reading a county-year's ~60,000 roster lines one by one took
/// most of its statistics time (bench). On SQLite they come folded into one
/// text, as its driver's cost is per row and JSON's escaping of ~1 MB of
/// summaries took longer than the fold (14 vs 4 ms): an activity is
/// `id TAB people TAB units`, activities apart by VT. No summary holds
/// whitespace ([`RosterSummary`]), so neither separator can occur in one.
pub(super) async fn summaries(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    org_ids: &[i64],
    p: Period,
) -> DbResult<Vec<Summary>> {
    let mut out = Vec::new();
    for in_subtree in by_org(c, activity::Column::OrgId, sub, org_ids) {
        let in_done =
            Expr::col(roster_summary::Column::ActivityId).in_subquery(done_where(in_subtree, p));
        if c.get_database_backend() != DbBackend::Sqlite {
            let rows: Vec<(i64, String, String)> = c
                .query_all(
                    Query::select()
                        .columns([
                            roster_summary::Column::ActivityId,
                            roster_summary::Column::People,
                            roster_summary::Column::Units,
                        ])
                        .from(roster_summary::Entity)
                        .and_where(in_done),
                )
                .await?
                .iter()
                .map(|row| row.try_get_many_by_index())
                .collect::<Result<_, _>>()?;
            out.extend(
                rows.into_iter()
                    .map(|(activity_id, people, units)| Summary {
                        activity_id,
                        people,
                        units,
                    }),
            );
            continue;
        }
        let folded = Query::select()
            .expr_as(
                Expr::cust(
                    "group_concat(activity_id || char(9) || people || char(9) || units, char(11))",
                ),
                "j",
            )
            .from(roster_summary::Entity)
            .and_where(in_done)
            .to_owned();
        let text: Option<String> = match c.query_one(&folded).await? {
            Some(row) => row.try_get("", "j")?,
            None => None,
        };
        for a in text.as_deref().unwrap_or_default().split('\x0B') {
            let mut fields = a.splitn(3, '\t');
            let (id, people, units) = (fields.next(), fields.next(), fields.next());
            match (id.and_then(|id| id.parse().ok()), people, units) {
                (Some(activity_id), Some(people), Some(units)) => out.push(Summary {
                    activity_id,
                    people: people.to_string(),
                    units: units.to_string(),
                }),
                _ if a.is_empty() => {}
                _ => return Err(sea_orm::DbErr::Type(format!("名单汇总无法解析：{a}")).into()),
            }
        }
    }
    Ok(out)
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

/// The trainings held: their dates by id, and the registered people on
/// their rosters. The figures use posts for officers trained and nothing
/// else, so only these people's posts are read.
pub(super) struct Trainings {
    pub on: HashMap<i64, NaiveDate>,
    pub people: Vec<i64>,
}

pub(super) fn trainings(acts: &[Act], summaries: &[Summary]) -> Trainings {
    let on: HashMap<i64, NaiveDate> = acts
        .iter()
        .filter(|a| a.kind == ActivityKind::Training.code())
        .map(|a| (a.id, a.start_date))
        .collect();
    let mut people: Vec<i64> = summaries
        .iter()
        .filter(|s| on.contains_key(&s.activity_id))
        .flat_map(|s| RosterSummary::decode(&s.people))
        .filter_map(person_of_key)
        .collect();
    people.sort_unstable();
    people.dedup();
    Trainings { on, people }
}

/// The posts, anywhere, of `people`, by person. Looked up by the people of
/// the roster summaries already read: finding them again through the
/// roster lines took a county-year ~20 ms (bench).
pub(super) async fn posts_of(
    c: &impl ConnectionTrait,
    people: &[i64],
) -> DbResult<HashMap<i64, Vec<Term>>> {
    let columns = PostRow::columns();
    // By person: scanning every post for every roster row was
    // O(roster × posts), most of a county-year's statistics time (bench).
    let mut terms_of: HashMap<i64, Vec<Term>> = HashMap::default();
    for ids in people.chunks(crate::batch::size(c, crate::batch::Rows::Ids)) {
        let query = Query::select()
            .from(officer::Entity)
            .and_where(Expr::col(officer::Column::PersonId).is_in(ids.iter().copied()))
            .to_owned();
        for r in fetch_all::<PostRow>(c, &columns, query).await? {
            terms_of.entry(r.person_id).or_default().push(Term {
                chair: r.post == Post::Chair.code(),
                start: r.term_start,
                end: r.term_end,
            });
        }
    }
    Ok(terms_of)
}

/// The rosters, numbered, of the activities other than trainings (whose
/// dates are `training_on`): they need no posts.
pub(super) fn roster_of_others(
    summaries: &[Summary],
    training_on: &HashMap<i64, NaiveDate>,
) -> act::Roster {
    let mut roster = act::Roster::default();
    for s in summaries
        .iter()
        .filter(|s| !training_on.contains_key(&s.activity_id))
    {
        let people = RosterSummary::decode(&s.people).map(|key| (key, false, false));
        roster.push_summary(s.activity_id, people, RosterSummary::decode(&s.units));
    }
    roster
}

/// Adds the trainings' rosters, each trainee marked officer / chair when
/// she held such a post on the day of the training.
pub(super) fn add_trainings(
    roster: &mut act::Roster,
    summaries: &[Summary],
    training_on: &HashMap<i64, NaiveDate>,
    terms_of: &HashMap<i64, Vec<Term>>,
) {
    for s in summaries {
        let Some(&on) = training_on.get(&s.activity_id) else {
            continue;
        };
        let people = RosterSummary::decode(&s.people).map(|key| {
            let terms = person_of_key(key).and_then(|id| terms_of.get(&id));
            let held = |chair: bool| {
                terms.is_some_and(|ts| ts.iter().any(|t| t.held_on(on) && (t.chair || !chair)))
            };
            (key, held(false), held(true))
        });
        roster.push_summary(s.activity_id, people, RosterSummary::decode(&s.units));
    }
}

#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct MaterialRow {
    activity_id: i64,
    name: String,
    quantity: i64,
}

#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct WorkRow {
    activity_id: i64,
    category: Option<String>,
    works: i64,
}

/// Materials handed out and works collected (counted by activity and
/// category) at the activities of `done` (a subquery of their ids: a list
/// of a county-year's ids made PostgreSQL slower, 29 vs 23 ms).
pub(super) async fn materials_and_works(
    c: &impl ConnectionTrait,
    done: &SelectStatement,
) -> DbResult<(Vec<act::MaterialFact>, Vec<act::WorkFact>)> {
    let m = |col: activity_material::Column| Expr::col((activity_material::Entity, col));
    let material_columns = [
        ("activity_id", m(activity_material::Column::ActivityId)),
        ("name", m(activity_material::Column::Name)),
        ("quantity", m(activity_material::Column::Quantity)),
    ];
    let w = |col: work::Column| Expr::col((work::Entity, col));
    let work_columns = [
        ("activity_id", w(work::Column::ActivityId)),
        ("category", w(work::Column::Category)),
        ("works", w(work::Column::Id).count()),
    ];
    let (materials, works): (Vec<MaterialRow>, Vec<WorkRow>) = tokio::try_join!(
        fetch_all(
            c,
            &material_columns,
            Query::select()
                .from(activity_material::Entity)
                .and_where(
                    Expr::col(activity_material::Column::ActivityId).in_subquery(done.clone())
                )
                .to_owned(),
        ),
        fetch_all(
            c,
            &work_columns,
            Query::select()
                .from(work::Entity)
                .and_where(Expr::col(work::Column::ActivityId).in_subquery(done.clone()))
                .group_by_col((work::Entity, work::Column::ActivityId))
                .group_by_col((work::Entity, work::Column::Category))
                .to_owned(),
        ),
    )?;
    Ok((
        materials
            .into_iter()
            .map(|r| act::MaterialFact {
                activity_id: r.activity_id,
                name: r.name,
                quantity: r.quantity,
            })
            .collect(),
        works
            .into_iter()
            .map(|r| act::WorkFact {
                activity_id: r.activity_id,
                category: r.category,
                count: u64::try_from(r.works).unwrap_or(0),
            })
            .collect(),
    ))
}
