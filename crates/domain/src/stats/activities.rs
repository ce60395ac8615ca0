//! `activities`: counts, participants and units by programme, type and mode.
//!
//! Participants of a group of activities = distinct people on the rosters of
//! those that have a roster + the head counts of those that have none. Units =
//! distinct roster units + 覆盖单位数 of activities without roster units.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::{activity::ActivityKind, search::normalize};

pub struct ActivityFact {
    pub id: i64,
    pub programme: Option<String>,
    pub kind: ActivityKind,
    pub online: bool,
    pub head_count: Option<i64>,
    pub units_reached: Option<i64>,
}

pub struct RosterFact {
    pub activity_id: i64,
    pub person_key: String,
    pub unit: Option<String>,
    /// The attendee held an officer post (any) / a chair post when the activity took place.
    pub officer: bool,
    pub chair: bool,
}

pub struct MaterialFact {
    pub activity_id: i64,
    pub name: String,
    pub quantity: i64,
}

pub struct WorkFact {
    pub activity_id: i64,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Material {
    pub name: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProgramStats {
    pub program: String,
    pub count: u64,
    pub units: u64,
    pub participants: u64,
    pub materials: Vec<Material>,
    pub works: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KindStats {
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u64,
    pub participants: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Group {
    pub count: u64,
    pub participants: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OfficersTrained {
    /// Distinct officers on the rosters of 培训 activities.
    pub officers: u64,
    /// Of whom chairs (主席).
    pub chairs: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CategoryCount {
    pub category: String,
    pub works: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Works {
    pub count: u64,
    pub by_category: Vec<CategoryCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Activities {
    pub count: u64,
    pub participants: u64,
    pub units: u64,
    pub by_program: Vec<ProgramStats>,
    pub by_type: Vec<KindStats>,
    pub online: Group,
    pub officers_trained: OfficersTrained,
    pub works: Works,
}

struct Index<'a> {
    roster: HashMap<i64, Vec<&'a RosterFact>>,
}

impl Index<'_> {
    fn participants(&self, acts: &[&ActivityFact]) -> u64 {
        let mut people = HashSet::new();
        let mut counted = 0u64;
        for a in acts {
            match self.roster.get(&a.id) {
                Some(r) if !r.is_empty() => people.extend(r.iter().map(|x| x.person_key.as_str())),
                _ => counted += a.head_count.unwrap_or(0).max(0) as u64,
            }
        }
        people.len() as u64 + counted
    }

    fn units(&self, acts: &[&ActivityFact]) -> u64 {
        let mut units = HashSet::new();
        let mut counted = 0u64;
        for a in acts {
            let roster_units: Vec<String> = self
                .roster
                .get(&a.id)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.unit.as_deref())
                        .map(normalize)
                        .filter(|u| !u.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            if roster_units.is_empty() {
                counted += a.units_reached.unwrap_or(0).max(0) as u64;
            } else {
                units.extend(roster_units);
            }
        }
        units.len() as u64 + counted
    }
}

pub fn assemble(
    acts: &[ActivityFact],
    roster: &[RosterFact],
    materials: &[MaterialFact],
    works: &[WorkFact],
) -> Activities {
    let mut idx = Index {
        roster: HashMap::new(),
    };
    for r in roster {
        idx.roster.entry(r.activity_id).or_default().push(r);
    }
    let all: Vec<&ActivityFact> = acts.iter().collect();
    let mut by_program_map: BTreeMap<&str, Vec<&ActivityFact>> = BTreeMap::new();
    for a in acts {
        if let Some(p) = a.programme.as_deref() {
            by_program_map.entry(p).or_default().push(a);
        }
    }
    let mut by_program: Vec<ProgramStats> = by_program_map
        .into_iter()
        .map(|(name, group)| {
            let ids: HashSet<i64> = group.iter().map(|a| a.id).collect();
            let mut mats: BTreeMap<&str, i64> = BTreeMap::new();
            for m in materials.iter().filter(|m| ids.contains(&m.activity_id)) {
                *mats.entry(m.name.as_str()).or_default() += m.quantity;
            }
            ProgramStats {
                program: name.to_string(),
                count: group.len() as u64,
                units: idx.units(&group),
                participants: idx.participants(&group),
                materials: mats
                    .into_iter()
                    .map(|(n, q)| Material {
                        name: n.into(),
                        quantity: q,
                    })
                    .collect(),
                works: works
                    .iter()
                    .filter(|w| ids.contains(&w.activity_id))
                    .count() as u64,
            }
        })
        .collect();
    by_program.sort_by(|a, b| b.count.cmp(&a.count).then(a.program.cmp(&b.program)));
    let by_type = ActivityKind::ALL
        .iter()
        .filter_map(|k| {
            let group: Vec<&ActivityFact> = acts.iter().filter(|a| a.kind == *k).collect();
            (!group.is_empty()).then(|| KindStats {
                kind: k.label().into(),
                count: group.len() as u64,
                participants: idx.participants(&group),
            })
        })
        .collect();
    let online: Vec<&ActivityFact> = acts.iter().filter(|a| a.online).collect();
    let training: HashSet<i64> = acts
        .iter()
        .filter(|a| a.kind == ActivityKind::Training)
        .map(|a| a.id)
        .collect();
    let trained: Vec<&RosterFact> = roster
        .iter()
        .filter(|r| training.contains(&r.activity_id))
        .collect();
    let officers_trained = OfficersTrained {
        officers: trained
            .iter()
            .filter(|r| r.officer)
            .map(|r| &r.person_key)
            .collect::<HashSet<_>>()
            .len() as u64,
        chairs: trained
            .iter()
            .filter(|r| r.chair)
            .map(|r| &r.person_key)
            .collect::<HashSet<_>>()
            .len() as u64,
    };
    let mut cats: BTreeMap<String, u64> = BTreeMap::new();
    for w in works {
        *cats
            .entry(w.category.clone().unwrap_or_else(|| "未分类".into()))
            .or_default() += 1;
    }
    Activities {
        count: acts.len() as u64,
        participants: idx.participants(&all),
        units: idx.units(&all),
        by_program,
        by_type,
        online: Group {
            count: online.len() as u64,
            participants: idx.participants(&online),
        },
        officers_trained,
        works: Works {
            count: works.len() as u64,
            by_category: cats
                .into_iter()
                .map(|(category, works)| CategoryCount { category, works })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(id: i64, programme: &str, kind: ActivityKind, head: Option<i64>) -> ActivityFact {
        ActivityFact {
            id,
            programme: (!programme.is_empty()).then(|| programme.to_string()),
            kind,
            online: false,
            head_count: head,
            units_reached: None,
        }
    }

    fn att(activity_id: i64, key: &str, unit: &str) -> RosterFact {
        RosterFact {
            activity_id,
            person_key: key.into(),
            unit: Some(unit.into()),
            officer: false,
            chair: false,
        }
    }

    #[test]
    fn a_person_at_two_sessions_of_a_series_counts_once_and_units_are_distinct() {
        // Hand count: series 母亲讲堂 = sessions 1, 2; people a, b, c (a twice) = 3;
        // units 县财政局, 县教育局 (twice, once with spaces) = 2.
        let acts = [
            act(1, "母亲讲堂", ActivityKind::Lecture, None),
            act(2, "母亲讲堂", ActivityKind::Lecture, None),
        ];
        let roster = [
            att(1, "a", "县财政局"),
            att(1, "b", "县教育局"),
            att(2, "a", "县财政局"),
            att(2, "c", " 县教育局 "),
        ];
        let s = assemble(&acts, &roster, &[], &[]);
        let p = &s.by_program[0];
        assert_eq!((p.count, p.participants, p.units), (2, 3, 2));
    }

    #[test]
    fn head_count_is_used_only_without_a_roster() {
        // Activity 1 has a roster of 2 and a head count of 190 (ignored);
        // activity 2 has no roster and 190 → 2 + 190.
        let acts = [
            act(1, "", ActivityKind::Lecture, Some(190)),
            act(2, "", ActivityKind::Lecture, Some(190)),
        ];
        let roster = [att(1, "a", "x"), att(1, "b", "x")];
        assert_eq!(assemble(&acts, &roster, &[], &[]).participants, 192);
    }

    #[test]
    fn materials_sum_by_name_within_a_programme() {
        let acts = [
            act(1, "家庭助廉", ActivityKind::Lecture, Some(190)),
            act(2, "家庭助廉", ActivityKind::Propaganda, None),
        ];
        let mats = [
            MaterialFact {
                activity_id: 1,
                name: "倡议书".into(),
                quantity: 200,
            },
            MaterialFact {
                activity_id: 2,
                name: "倡议书".into(),
                quantity: 20,
            },
        ];
        let s = assemble(&acts, &[], &mats, &[]);
        assert_eq!(
            s.by_program[0].materials,
            vec![Material {
                name: "倡议书".into(),
                quantity: 220
            }]
        );
        assert_eq!(s.by_type.len(), 2);
    }

    #[test]
    fn chairs_trained_count_distinct_chairs_on_training_rosters_only() {
        let acts = [
            act(1, "", ActivityKind::Training, None),
            act(2, "", ActivityKind::Training, None),
            act(3, "", ActivityKind::Meeting, None),
        ];
        let chair = |a, k: &str| RosterFact {
            activity_id: a,
            person_key: k.into(),
            unit: None,
            officer: true,
            chair: true,
        };
        let roster = [
            chair(1, "a"),
            chair(2, "a"),
            chair(2, "b"),
            chair(3, "c"),
            att(1, "d", "x"),
        ];
        let s = assemble(&acts, &roster, &[], &[]);
        assert_eq!(
            s.officers_trained,
            OfficersTrained {
                officers: 2,
                chairs: 2
            }
        );
    }
}
