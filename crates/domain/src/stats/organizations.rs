//! `organizations`: orgs and venues by type (total as of period end, and new in
//! the period), officers in office at period end, and surveys.

use chrono::NaiveDate;
use serde::Serialize;

use super::{TypeCount, count_by};
use crate::{
    date::Period,
    kinds::{OrgKind, Post, VenueKind},
};

/// An org of the subtree (as the tree stood at period end).
pub struct OrgFact {
    pub kind: OrgKind,
    pub founded_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

pub struct VenueFact {
    pub kind: VenueKind,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

pub struct OfficerFact {
    pub person_id: i64,
    pub post: Post,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

pub struct SurveyFact {
    pub org_id: i64,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PostCount {
    pub post: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Officers {
    /// Distinct people holding any post at period end.
    pub total: u64,
    pub by_post: Vec<PostCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Surveys {
    pub count: u64,
    /// Distinct orgs visited.
    pub orgs: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Organizations {
    pub total_by_type: Vec<TypeCount>,
    pub new_by_type: Vec<TypeCount>,
    pub venues_total_by_type: Vec<TypeCount>,
    pub venues_new_by_type: Vec<TypeCount>,
    pub officers: Officers,
    pub surveys: Surveys,
}

fn open_at(start: Option<NaiveDate>, end: Option<NaiveDate>, at: NaiveDate) -> bool {
    start.is_none_or(|s| s <= at) && end.is_none_or(|e| e > at)
}

pub fn assemble(
    p: Period,
    orgs: &[OrgFact],
    venues: &[VenueFact],
    officers: &[OfficerFact],
    surveys: &[SurveyFact],
) -> Organizations {
    let org_order: Vec<&str> = OrgKind::ALL.iter().map(|k| k.label()).collect();
    let venue_order: Vec<&str> = VenueKind::ALL.iter().map(|k| k.label()).collect();
    let total_by_type = count_by(
        orgs.iter()
            .filter(|o| open_at(o.founded_on, o.closed_on, p.to))
            .map(|o| o.kind.label()),
        &org_order,
    );
    let new_by_type = count_by(
        orgs.iter()
            .filter(|o| o.founded_on.is_some_and(|f| p.contains(f)))
            .map(|o| o.kind.label()),
        &org_order,
    );
    let venues_total_by_type = count_by(
        venues
            .iter()
            .filter(|v| open_at(v.opened_on, v.closed_on, p.to))
            .map(|v| v.kind.label()),
        &venue_order,
    );
    let venues_new_by_type = count_by(
        venues
            .iter()
            .filter(|v| v.opened_on.is_some_and(|f| p.contains(f)))
            .map(|v| v.kind.label()),
        &venue_order,
    );
    // In office at period end: started by then and not ended before it.
    let serving: Vec<&OfficerFact> = officers
        .iter()
        .filter(|o| o.term_start.is_none_or(|s| s <= p.to) && o.term_end.is_none_or(|e| e >= p.to))
        .collect();
    let total = serving
        .iter()
        .map(|o| o.person_id)
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    let by_post = Post::ALL
        .iter()
        .filter_map(|post| {
            let n = serving
                .iter()
                .filter(|o| o.post == *post)
                .map(|o| o.person_id)
                .collect::<std::collections::HashSet<_>>()
                .len() as u64;
            (n > 0).then(|| PostCount {
                post: post.label().into(),
                count: n,
            })
        })
        .collect();
    let in_period: Vec<&SurveyFact> = surveys.iter().filter(|s| p.contains(s.date)).collect();
    let surveys = Surveys {
        count: in_period.len() as u64,
        orgs: in_period
            .iter()
            .map(|s| s.org_id)
            .collect::<std::collections::HashSet<_>>()
            .len() as u64,
    };
    Organizations {
        total_by_type,
        new_by_type,
        venues_total_by_type,
        venues_new_by_type,
        officers: Officers { total, by_post },
        surveys,
    }
}
