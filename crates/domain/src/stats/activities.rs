//! `activities`: counts, participants and units by programme, type and mode.
//!
//! Participants of a group of activities = distinct people on the rosters of
//! those that have a roster + for each activity, those its head count
//! reports beyond its roster (all of it when it has no roster). Units =
//! distinct roster units + 覆盖单位数 of activities without roster units.
//!
//! `by_month` and `by_org` (extensions of the contract) break the activities
//! down over the period's months and the org's direct child orgs, for the
//! review's charts: the same three breakdowns as the dashboard, with types.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
// Interning a province-year's keys: SipHash was a tenth of the statistics' time.
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::OrgRef;
use crate::{activity::ActivityKind, date::Period, search::normalize};

pub struct ActivityFact {
    pub id: i64,
    pub programme: Option<String>,
    pub kind: ActivityKind,
    pub online: bool,
    pub head_count: Option<i64>,
    pub units_reached: Option<i64>,
    pub start_date: NaiveDate,
    /// Id of the direct child org whose subtree hosted it; None when it was
    /// recorded against the org itself.
    pub sub_org: Option<i64>,
}

/// A direct child org of the org the statistics are about.
pub struct SubOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// What the activities are broken down by, besides their own fields.
#[derive(Default)]
pub struct Breakdown {
    /// The months of the period in order (see [`Period::months_until`]).
    pub months: Vec<Period>,
    /// Direct child orgs, in the order rows should appear (by code).
    pub sub_orgs: Vec<SubOrg>,
    /// The org itself, for the row of activities recorded against it.
    pub own: Option<OrgRef>,
}

/// An attendee of one activity: a number handed out by [`Roster`] (equal
/// keys, equal numbers), so a province-year's rosters are held and compared
/// as integers, not as strings.
#[derive(Debug, Clone, Copy)]
pub struct Attendee {
    pub person: u32,
    /// She held an officer post (any) / a chair post when the activity took place.
    pub officer: bool,
    pub chair: bool,
}

/// One activity's roster: its people and its normalized units, each once.
#[derive(Debug, Default)]
pub struct RosterEntry {
    pub people: Vec<Attendee>,
    pub units: Vec<u32>,
}

/// The rosters of the activities counted.
#[derive(Default)]
pub struct Roster {
    of: HashMap<i64, RosterEntry>,
    /// Registered people (`p:42`) by id, most of a roster: no string hashed.
    registered: HashMap<i64, u32>,
    /// Everyone else by key.
    others: HashMap<Box<str>, u32>,
    units: HashMap<Box<str>, u32>,
}

fn number_of(map: &mut HashMap<Box<str>, u32>, text: &str) -> u32 {
    if let Some(n) = map.get(text) {
        return *n;
    }
    let n = map.len() as u32;
    map.insert(text.into(), n);
    n
}

impl Roster {
    fn people_count(&self) -> usize {
        self.registered.len() + self.others.len()
    }

    /// The number of the person with `key`, if she has one yet.
    fn number(&self, key: &str) -> Option<u32> {
        match crate::activity::person_of_key(key) {
            Some(id) => self.registered.get(&id).copied(),
            None => self.others.get(key).copied(),
        }
    }

    fn number_or_new(&mut self, key: &str) -> u32 {
        let next = self.people_count() as u32;
        match crate::activity::person_of_key(key) {
            Some(id) => *self.registered.entry(id).or_insert(next),
            None => match self.others.get(key) {
                Some(n) => *n,
                None => {
                    self.others.insert(key.into(), next);
                    next
                }
            },
        }
    }

    /// Adds a person to an activity's roster: equal `person_key`s are the
    /// same person. Each person is added to an activity once (a roster
    /// summary's people are distinct; [`Self::push`] checks).
    pub fn push_person(&mut self, activity_id: i64, person_key: &str, officer: bool, chair: bool) {
        let person = self.number_or_new(person_key);
        self.of
            .entry(activity_id)
            .or_default()
            .people
            .push(Attendee {
                person,
                officer,
                chair,
            });
    }

    /// Adds an activity's whole roster summed up: its people, distinct, each
    /// with whether she was an officer / a chair then, and its units,
    /// normalized and distinct. One lookup of the activity, not one a line.
    pub fn push_summary<'a>(
        &mut self,
        activity_id: i64,
        people: impl IntoIterator<Item = (&'a str, bool, bool)>,
        units: impl IntoIterator<Item = &'a str>,
    ) {
        let mut entry = self.of.remove(&activity_id).unwrap_or_default();
        for (key, officer, chair) in people {
            entry.people.push(Attendee {
                person: self.number_or_new(key),
                officer,
                chair,
            });
        }
        for unit in units {
            let unit = number_of(&mut self.units, unit);
            if !entry.units.contains(&unit) {
                entry.units.push(unit);
            }
        }
        self.of.insert(activity_id, entry);
    }

    /// Adds a unit, already normalized and not blank, to an activity's roster.
    pub fn push_unit(&mut self, activity_id: i64, normalized: &str) {
        let unit = number_of(&mut self.units, normalized);
        let entry = self.of.entry(activity_id).or_default();
        if !entry.units.contains(&unit) {
            entry.units.push(unit);
        }
    }

    /// Adds a roster line: [`Self::push_person`], and its unit as typed
    /// (full-width, spaces and case do not count; blank is none).
    pub fn push(
        &mut self,
        activity_id: i64,
        person_key: &str,
        unit: Option<&str>,
        officer: bool,
        chair: bool,
    ) {
        let known = self.number(person_key).is_some_and(|n| {
            self.of(activity_id)
                .is_some_and(|r| r.people.iter().any(|p| p.person == n))
        });
        if !known {
            self.push_person(activity_id, person_key, officer, chair);
        }
        if let Some(u) = unit.map(normalize).filter(|u| !u.is_empty()) {
            self.push_unit(activity_id, &u);
        }
    }

    /// The roster of an activity, if it has one.
    pub fn of(&self, activity_id: i64) -> Option<&RosterEntry> {
        self.of.get(&activity_id)
    }
}

/// Distinct numbers counted with one bit each: the groups of a breakdown are
/// counted over the same few thousand people many times.
struct Seen {
    bits: Vec<u64>,
    count: u64,
}

impl Seen {
    fn new(n: usize) -> Seen {
        Seen {
            bits: vec![0; n.div_ceil(64)],
            count: 0,
        }
    }

    fn insert(&mut self, n: u32) {
        let (word, bit) = ((n / 64) as usize, 1u64 << (n % 64));
        if self.bits[word] & bit == 0 {
            self.bits[word] |= bit;
            self.count += 1;
        }
    }
}

pub struct MaterialFact {
    pub activity_id: i64,
    pub name: String,
    pub quantity: i64,
}

/// Works collected at an activity in one category (`None`: 未分类).
pub struct WorkFact {
    pub activity_id: i64,
    pub category: Option<String>,
    pub count: u64,
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

/// Activities started in one month (`2020-03`); months without any are listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthStats {
    pub month: String,
    pub count: u64,
    pub participants: u64,
}

/// Activities hosted in one direct child org's subtree, or (`own`) recorded
/// against the org itself. Every child is listed, with zeros.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrgStats {
    pub name: String,
    pub code: String,
    pub own: bool,
    pub count: u64,
    pub participants: u64,
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
    pub by_month: Vec<MonthStats>,
    pub by_org: Vec<OrgStats>,
}

struct Index<'a> {
    roster: &'a Roster,
}

impl Index<'_> {
    fn entry(&self, a: &ActivityFact) -> Option<&RosterEntry> {
        self.roster.of(a.id)
    }

    fn participants(&self, acts: &[&ActivityFact]) -> u64 {
        let mut people = Seen::new(self.roster.people_count());
        let mut counted = 0u64;
        for a in acts {
            match self.entry(a) {
                Some(r) if !r.people.is_empty() => {
                    r.people.iter().for_each(|p| people.insert(p.person));
                    // Those reported beyond the names came too, unnamed.
                    counted += crate::activity::unnamed(r.people.len() as u64, a.head_count);
                }
                _ => counted += a.head_count.unwrap_or(0).max(0) as u64,
            }
        }
        people.count + counted
    }

    fn units(&self, acts: &[&ActivityFact]) -> u64 {
        let mut units = Seen::new(self.roster.units.len());
        let mut counted = 0u64;
        for a in acts {
            match self.entry(a) {
                Some(r) if !r.units.is_empty() => r.units.iter().for_each(|u| units.insert(*u)),
                _ => counted += a.units_reached.unwrap_or(0).max(0) as u64,
            }
        }
        units.count + counted
    }
}

fn by_month(idx: &Index<'_>, acts: &[ActivityFact], months: &[Period]) -> Vec<MonthStats> {
    months
        .iter()
        .map(|m| {
            let group: Vec<&ActivityFact> =
                acts.iter().filter(|a| m.contains(a.start_date)).collect();
            MonthStats {
                month: m.from.format("%Y-%m").to_string(),
                count: group.len() as u64,
                participants: idx.participants(&group),
            }
        })
        .collect()
}

fn by_org(idx: &Index<'_>, acts: &[ActivityFact], b: &Breakdown) -> Vec<OrgStats> {
    let known: HashSet<i64> = b.sub_orgs.iter().map(|o| o.id).collect();
    let mut out: Vec<OrgStats> = b
        .sub_orgs
        .iter()
        .map(|o| {
            let group: Vec<&ActivityFact> =
                acts.iter().filter(|a| a.sub_org == Some(o.id)).collect();
            OrgStats {
                name: o.name.clone(),
                code: o.code.clone(),
                own: false,
                count: group.len() as u64,
                participants: idx.participants(&group),
            }
        })
        .collect();
    // An activity under no listed child (or its org itself) is the org's own.
    let own: Vec<&ActivityFact> = acts
        .iter()
        .filter(|a| a.sub_org.is_none_or(|id| !known.contains(&id)))
        .collect();
    if let Some(org) = b.own.as_ref().filter(|_| !own.is_empty()) {
        out.push(OrgStats {
            name: format!("{}（本级）", org.name),
            code: org.code.clone(),
            own: true,
            count: own.len() as u64,
            participants: idx.participants(&own),
        });
    }
    out
}

pub fn assemble(
    acts: &[ActivityFact],
    roster: &Roster,
    materials: &[MaterialFact],
    works: &[WorkFact],
    breakdown: &Breakdown,
) -> Activities {
    let idx = Index { roster };
    let all: Vec<&ActivityFact> = acts.iter().collect();
    let mut by_program_map: BTreeMap<&str, Vec<&ActivityFact>> = BTreeMap::new();
    for a in acts {
        if let Some(p) = a.programme.as_deref() {
            by_program_map.entry(p).or_default().push(a);
        }
    }
    // By activity once: a county-year has hundreds of programmes.
    let mut materials_of: HashMap<i64, Vec<&MaterialFact>> = HashMap::default();
    for m in materials {
        materials_of.entry(m.activity_id).or_default().push(m);
    }
    let mut works_of: HashMap<i64, u64> = HashMap::default();
    for w in works {
        *works_of.entry(w.activity_id).or_default() += w.count;
    }
    let mut by_program: Vec<ProgramStats> = by_program_map
        .into_iter()
        .map(|(name, group)| {
            let mut mats: BTreeMap<&str, i64> = BTreeMap::new();
            for m in group.iter().flat_map(|a| materials_of.get(&a.id)).flatten() {
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
                works: group.iter().filter_map(|a| works_of.get(&a.id)).sum(),
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
    let mut officers = Seen::new(roster.people_count());
    let mut chairs = Seen::new(roster.people_count());
    for a in acts.iter().filter(|a| a.kind == ActivityKind::Training) {
        for p in roster.of(a.id).map_or(&[][..], |r| &r.people[..]) {
            if p.officer {
                officers.insert(p.person);
            }
            if p.chair {
                chairs.insert(p.person);
            }
        }
    }
    let officers_trained = OfficersTrained {
        officers: officers.count,
        chairs: chairs.count,
    };
    let mut cats: BTreeMap<&str, u64> = BTreeMap::new();
    for w in works {
        *cats
            .entry(w.category.as_deref().unwrap_or("未分类"))
            .or_default() += w.count;
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
            count: works.iter().map(|w| w.count).sum(),
            by_category: cats
                .into_iter()
                .map(|(category, works)| CategoryCount {
                    category: category.into(),
                    works,
                })
                .collect(),
        },
        by_month: by_month(&idx, acts, &breakdown.months),
        by_org: by_org(&idx, acts, breakdown),
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
            start_date: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            sub_org: None,
        }
    }

    /// A roster of plain attendees: (activity, person key, unit).
    fn roster(lines: &[(i64, &str, &str)]) -> Roster {
        let mut r = Roster::default();
        for (a, key, unit) in lines {
            r.push(*a, key, Some(unit), false, false);
        }
        r
    }

    #[test]
    fn a_person_at_two_sessions_of_a_series_counts_once_and_units_are_distinct() {
        // Hand count: series 母亲讲堂 = sessions 1, 2; people a, b, c (a twice) = 3;
        // units 县财政局, 县教育局 (twice, once with spaces) = 2.
        let acts = [
            act(1, "母亲讲堂", ActivityKind::Lecture, None),
            act(2, "母亲讲堂", ActivityKind::Lecture, None),
        ];
        let roster = roster(&[
            (1, "a", "县财政局"),
            (1, "b", "县教育局"),
            (2, "a", "县财政局"),
            (2, "c", " 县教育局 "),
        ]);
        let s = assemble(&acts, &roster, &[], &[], &Breakdown::default());
        let p = &s.by_program[0];
        assert_eq!((p.count, p.participants, p.units), (2, 3, 2));
    }

    #[test]
    fn a_roster_never_lowers_the_head_count_and_named_people_count_once() {
        // 1: 23 came, 2 named (a, b) → 2 named + 21 unnamed.
        // 2: no roster, 190 reported → 190.
        // 3: 3 named (a again, c, d), nothing reported → 3 named, a counted once.
        // 4: 2 named (c, d), 1 reported: the roster is longer, nothing unnamed.
        // Group: distinct named a, b, c, d = 4, + 21 + 190 = 215.
        let acts = [
            act(1, "", ActivityKind::Lecture, Some(23)),
            act(2, "", ActivityKind::Lecture, Some(190)),
            act(3, "", ActivityKind::Lecture, None),
            act(4, "", ActivityKind::Lecture, Some(1)),
        ];
        let roster = roster(&[
            (1, "a", "x"),
            (1, "b", "x"),
            (3, "a", "x"),
            (3, "c", "x"),
            (3, "d", "x"),
            (4, "c", "x"),
            (4, "d", "x"),
        ]);
        assert_eq!(
            assemble(&acts, &roster, &[], &[], &Breakdown::default()).participants,
            215
        );
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
        let s = assemble(&acts, &Roster::default(), &mats, &[], &Breakdown::default());
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
        let mut roster = roster(&[(1, "d", "x")]);
        for (a, k) in [(1, "a"), (2, "a"), (2, "b"), (3, "c")] {
            roster.push(a, k, None, true, true);
        }
        let s = assemble(&acts, &roster, &[], &[], &Breakdown::default());
        assert_eq!(
            s.officers_trained,
            OfficersTrained {
                officers: 2,
                chairs: 2
            }
        );
    }

    #[test]
    fn activities_break_down_by_month_and_by_child_org_with_zeros_and_an_own_row() {
        // Hand count: 茅坪 (id 11) hosts 1 and 2 in March, 归州 (id 12) none,
        // the county itself hosts 3 in May; months Jan–May.
        let on = |m| NaiveDate::from_ymd_opt(2020, m, 10).unwrap();
        let mut acts = [
            act(1, "", ActivityKind::Lecture, Some(10)),
            act(2, "", ActivityKind::Lecture, Some(5)),
            act(3, "", ActivityKind::Lecture, Some(7)),
        ];
        for (a, (m, sub)) in acts
            .iter_mut()
            .zip([(3, Some(11)), (3, Some(11)), (5, None)])
        {
            a.start_date = on(m);
            a.sub_org = sub;
        }
        let b = Breakdown {
            months: Period::year(2020).months_until(on(5)),
            sub_orgs: vec![
                SubOrg {
                    id: 11,
                    code: "A".into(),
                    name: "茅坪镇妇联".into(),
                },
                SubOrg {
                    id: 12,
                    code: "B".into(),
                    name: "归州镇妇联".into(),
                },
            ],
            own: Some(OrgRef {
                code: "C".into(),
                name: "秭归县妇联".into(),
            }),
        };
        let s = assemble(&acts, &Roster::default(), &[], &[], &b);
        let months: Vec<(&str, u64, u64)> = s
            .by_month
            .iter()
            .map(|m| (m.month.as_str(), m.count, m.participants))
            .collect();
        assert_eq!(
            months,
            vec![
                ("2020-01", 0, 0),
                ("2020-02", 0, 0),
                ("2020-03", 2, 15),
                ("2020-04", 0, 0),
                ("2020-05", 1, 7)
            ]
        );
        let orgs: Vec<(&str, bool, u64)> = s
            .by_org
            .iter()
            .map(|o| (o.name.as_str(), o.own, o.count))
            .collect();
        assert_eq!(
            orgs,
            vec![
                ("茅坪镇妇联", false, 2),
                ("归州镇妇联", false, 0),
                ("秭归县妇联（本级）", true, 1)
            ]
        );
    }
}
