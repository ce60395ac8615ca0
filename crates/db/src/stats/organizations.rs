//! The facts of `organizations`: the subtree's orgs, venues, officers and
//! the surveys of the period.

use chrono::NaiveDate;
use domain::{
    date::Period,
    kinds::{OrgKind, Post, VenueKind},
    stats::organizations as orgs,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Query, SelectStatement},
};

use super::{Org, PostRow, by_org};
use crate::{
    DbResult,
    entity::{officer, survey, venue},
    rows::fetch_all,
};

pub(super) struct Facts {
    pub orgs: Vec<orgs::OrgFact>,
    pub venues: Vec<orgs::VenueFact>,
    pub officers: Vec<orgs::OfficerFact>,
    pub surveys: Vec<orgs::SurveyFact>,
}

pub(super) async fn load(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    org_rows: &[Org],
    p: Period,
) -> DbResult<Facts> {
    let orgs = org_rows
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
    let venues = venue::Entity::find()
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
    let columns = PostRow::columns();
    let mut officers = Vec::new();
    for in_subtree in by_org(c, officer::Column::OrgId, sub, &org_ids) {
        let query = Query::select()
            .from(officer::Entity)
            .and_where(in_subtree)
            .to_owned();
        let page: Vec<PostRow> = fetch_all(c, &columns, query).await?;
        officers.extend(page.into_iter().filter_map(|r| {
            Post::from_code(&r.post).map(|post| orgs::OfficerFact {
                person_id: r.person_id,
                post,
                term_start: r.term_start,
                term_end: r.term_end,
            })
        }));
    }
    let surveys = survey::Entity::find()
        .select_only()
        .column(survey::Column::OrgId)
        .column(survey::Column::Date)
        .filter(survey::Column::OrgId.in_subquery(sub.clone()))
        .filter(survey::Column::Date.between(p.from, p.to))
        .into_tuple::<(i64, NaiveDate)>()
        .all(c)
        .await?
        .into_iter()
        .map(|(org_id, date)| orgs::SurveyFact { org_id, date })
        .collect();
    Ok(Facts {
        orgs,
        venues,
        officers,
        surveys,
    })
}
