//! The statistics document of `spec/review.md`, assembled from plain facts.
//! The database layer loads facts (one row per activity, roster entry,
//! publicity item …) for an org subtree and period; the figures are computed
//! here, once, so every renderer (JSON, HTML, DOCX …) states the same numbers.
//! Counting rule: distinct people, units and items — a join never double-counts.

pub mod activities;
pub mod compare;
pub mod organizations;
pub mod publicity;
pub mod suppress;

use serde::Serialize;

use crate::date::Period;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrgRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeriodRef {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

impl From<Period> for PeriodRef {
    fn from(p: Period) -> Self {
        PeriodRef {
            from: p.from,
            to: p.to,
        }
    }
}

/// The statistics document (keys are a public contract: add, never rename).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatsDoc {
    pub org: OrgRef,
    pub period: PeriodRef,
    pub organizations: organizations::Organizations,
    pub activities: activities::Activities,
    pub publicity: publicity::Publicity,
}

/// `[{"type": "村妇联", "count": 3}]`-style rows, in a stable order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u64,
}

/// Counts labels, keeping the order of `order` (then any others, sorted).
pub fn count_by<'a>(labels: impl Iterator<Item = &'a str>, order: &[&str]) -> Vec<TypeCount> {
    let mut map: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for l in labels {
        *map.entry(l).or_default() += 1;
    }
    let mut out: Vec<TypeCount> = order
        .iter()
        .filter_map(|k| {
            map.remove(k).map(|n| TypeCount {
                kind: (*k).to_string(),
                count: n,
            })
        })
        .collect();
    out.extend(map.into_iter().map(|(k, n)| TypeCount {
        kind: k.to_string(),
        count: n,
    }));
    out
}
