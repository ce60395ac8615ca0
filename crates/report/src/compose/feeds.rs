//! What each kind of feed finds in the statistics and the records, as
//! template figures plus the photos of the records behind it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use domain::{
    cn,
    review::{ActivityRecord, Records},
    stats::StatsDoc,
};

use super::template::{Figures, count, people, text};
use crate::{model::Photo, outline::Feed};

pub struct Found {
    pub figures: Figures,
    /// Candidate photos, best first (covers, then by date).
    pub photos: Vec<Photo>,
}

/// At most this many names are listed in a sentence.
const NAMES: usize = 3;

fn join_some(items: impl IntoIterator<Item = String>) -> String {
    let mut seen = Vec::new();
    for i in items {
        if !i.is_empty() && !seen.contains(&i) {
            seen.push(i);
        }
    }
    seen.truncate(NAMES);
    seen.join("、")
}

/// `9月21日-23日`, with the year only when outside the period's year.
fn dates(year: i32, from: NaiveDate, to: NaiveDate) -> String {
    use chrono::Datelike;
    if from.year() == year && to.year() == year {
        cn::day_range(from, to)
    } else {
        format!("{}年{}", from.year(), cn::day_range(from, to))
    }
}

/// Measure word for handed-out materials: printed matter by 份, else 个.
fn material_measure(name: &str) -> &'static str {
    const PRINTED: [&str; 8] = ["书", "单", "册", "卡", "资料", "手册", "报", "信"];
    if PRINTED.iter().any(|p| name.ends_with(p)) {
        "份"
    } else {
        "个"
    }
}

fn materials_text(list: &[(String, i64)]) -> String {
    list.iter()
        .filter(|(_, q)| *q > 0)
        .map(|(n, q)| format!("{n}{q}{}", material_measure(n)))
        .collect::<Vec<_>>()
        .join("、")
}

/// Host org name as a place: 滨湖社区妇联 → 滨湖社区.
fn place_of(org_name: &str) -> String {
    ["妇女委员会", "妇委会", "妇联"]
        .iter()
        .find_map(|s| org_name.strip_suffix(s))
        .unwrap_or(org_name)
        .to_string()
}

fn photos_of<'a>(acts: impl IntoIterator<Item = &'a ActivityRecord>) -> Vec<Photo> {
    let mut acts: Vec<&ActivityRecord> = acts.into_iter().collect();
    acts.sort_by_key(|a| (a.start_date, a.id));
    let mut all: Vec<(bool, usize, i64, Photo)> = Vec::new();
    for (i, a) in acts.iter().enumerate() {
        for p in &a.photos {
            all.push((
                !p.is_cover,
                i,
                p.id,
                Photo {
                    id: p.id,
                    caption: p.caption.clone().or_else(|| Some(a.name.clone())),
                    jpeg: Vec::new(),
                },
            ));
        }
    }
    all.sort_by_key(|(not_cover, i, id, _)| (*not_cover, *i, *id));
    all.into_iter().map(|(_, _, _, p)| p).collect()
}

fn year_of(stats: &StatsDoc) -> i32 {
    use chrono::Datelike;
    stats.period.from.year()
}

pub fn find(feed: &Feed, stats: &StatsDoc, records: &Records) -> Option<Found> {
    let year = year_of(stats);
    let mut f = Figures::new();
    let photos: Vec<Photo> = match feed {
        Feed::Activities {
            programme,
            kind,
            online,
            name_contains,
        } => {
            let acts: Vec<&ActivityRecord> = records
                .activities
                .iter()
                .filter(|a| {
                    programme
                        .as_ref()
                        .is_none_or(|p| a.programme.as_ref() == Some(p))
                })
                .filter(|a| kind.as_ref().is_none_or(|k| &a.kind == k))
                .filter(|a| online.is_none_or(|o| a.online == o))
                .filter(|a| {
                    name_contains.is_empty()
                        || name_contains.iter().any(|w| a.name.contains(w.as_str()))
                })
                .collect();
            if acts.is_empty() {
                return None;
            }
            let head_counted = acts.iter().all(|a| a.head_counted);
            // A whole programme: the statistics' distinct figures.
            let whole = (kind.is_none() && online.is_none() && name_contains.is_empty())
                .then(|| {
                    programme
                        .as_ref()
                        .and_then(|p| stats.activities.by_program.iter().find(|s| &s.program == p))
                })
                .flatten();
            let (participants, units, works, materials) = match whole {
                Some(s) => (
                    s.participants,
                    s.units,
                    s.works,
                    s.materials
                        .iter()
                        .map(|m| (m.name.clone(), m.quantity))
                        .collect(),
                ),
                None => {
                    let mut mats: BTreeMap<String, i64> = BTreeMap::new();
                    for (n, q) in acts.iter().flat_map(|a| &a.materials) {
                        *mats.entry(n.clone()).or_default() += q;
                    }
                    (
                        acts.iter().map(|a| a.participants).sum(),
                        acts.iter().map(|a| a.units).sum(),
                        acts.iter().map(|a| a.works.len() as u64).sum(),
                        mats.into_iter().collect::<Vec<_>>(),
                    )
                }
            };
            let mut cats: BTreeMap<String, u64> = BTreeMap::new();
            for c in acts.iter().flat_map(|a| &a.works).flatten() {
                *cats.entry(c.clone()).or_default() += 1;
            }
            let mut cats: Vec<(String, u64)> = cats.into_iter().collect();
            cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let from = acts
                .iter()
                .map(|a| a.start_date)
                .min()
                .unwrap_or(stats.period.from);
            let to = acts
                .iter()
                .map(|a| a.end_date.max(a.start_date))
                .max()
                .unwrap_or(from);
            let hosts: BTreeSet<&str> = acts.iter().map(|a| a.org_name.as_str()).collect();
            let label = programme
                .as_ref()
                .map(|p| format!("“{p}”"))
                .or_else(|| kind.clone())
                .unwrap_or_else(|| "各类".into());
            f.insert("count", count(acts.len() as u64, "期"));
            f.insert("participants", people(participants, head_counted));
            f.insert("units", count(units, "个"));
            f.insert("works", count(works, "件"));
            f.insert("materials", text(materials_text(&materials)));
            f.insert(
                "work_categories",
                text(join_some(cats.into_iter().map(|c| c.0))),
            );
            f.insert(
                "names",
                text(join_some(acts.iter().map(|a| a.name.clone()))),
            );
            f.insert(
                "places",
                text(join_some(acts.iter().map(|a| place_of(&a.org_name)))),
            );
            f.insert("orgs", count(hosts.len() as u64, "个"));
            f.insert(
                "partners",
                text(join_some(
                    acts.iter()
                        .filter_map(|a| a.partners.clone())
                        .flat_map(|p| {
                            p.split(['、', ';', '；', ',', '，'])
                                .map(|s| s.trim().to_string())
                                .collect::<Vec<_>>()
                        }),
                )),
            );
            f.insert("dates", text(dates(year, from, to)));
            f.insert("first_date", text(dates(year, from, from)));
            f.insert(
                "when",
                text(if acts.len() == 1 {
                    dates(year, from, to)
                } else {
                    String::new()
                }),
            );
            f.insert("label", text(label));
            photos_of(acts)
        }
        Feed::Column { column } => {
            let c = stats
                .publicity
                .by_column
                .iter()
                .find(|c| &c.column == column)?;
            if c.items == 0 {
                return None;
            }
            let items: Vec<_> = records
                .publicity
                .iter()
                .filter(|p| p.column.as_ref() == Some(column))
                .collect();
            let mut channels: BTreeMap<&str, usize> = BTreeMap::new();
            for i in &items {
                *channels.entry(i.channel.as_str()).or_default() += 1;
            }
            let channel = channels
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(c, _)| c.to_string())
                .unwrap_or_default();
            let reposts = c
                .reposted_by_level
                .iter()
                .filter(|l| l.items > 0)
                .map(|l| format!("{}级公众号转载{}篇", l.level, l.items))
                .collect::<Vec<_>>();
            f.insert("items", count(c.items, "篇"));
            f.insert("column", text(column.clone()));
            f.insert("channel", text(channel));
            f.insert(
                "reposts",
                text(if reposts.is_empty() {
                    String::new()
                } else {
                    format!("被{}", reposts.join("、"))
                }),
            );
            let linked: BTreeSet<i64> = items.iter().filter_map(|i| i.activity_id).collect();
            photos_of(records.activities.iter().filter(|a| linked.contains(&a.id)))
        }
        Feed::Channel { channel } => {
            let c = stats
                .publicity
                .by_channel
                .iter()
                .find(|c| &c.channel == channel)?;
            if c.items == 0 {
                return None;
            }
            f.insert("items", count(c.items, "篇"));
            f.insert("channel", text(channel.clone()));
            Vec::new()
        }
        Feed::NewOrgs { org_type }
        | Feed::NewVenues {
            venue_type: org_type,
        } => {
            let (rows, list) = match feed {
                Feed::NewOrgs { .. } => (&stats.organizations.new_by_type, &records.new_orgs),
                _ => (&stats.organizations.venues_new_by_type, &records.new_venues),
            };
            let n = rows
                .iter()
                .find(|r| &r.kind == org_type)
                .map_or(0, |r| r.count);
            if n == 0 {
                return None;
            }
            let mut founded: Vec<_> = list.iter().filter(|r| &r.kind == org_type).collect();
            founded.sort_by_key(|r| (r.date, r.name.clone()));
            f.insert("count", count(n, "个"));
            f.insert("type", text(org_type.clone()));
            f.insert(
                "names",
                text(join_some(founded.iter().map(|r| r.name.clone()))),
            );
            if let (Some(a), Some(b)) = (founded.first(), founded.last()) {
                f.insert("dates", text(dates(year, a.date, b.date)));
                f.insert(
                    "latest",
                    text(format!("{}，{}成立", dates(year, b.date, b.date), b.name)),
                );
            }
            Vec::new()
        }
        Feed::Surveys { org_type } => {
            let visits: Vec<_> = records
                .surveys
                .iter()
                .filter(|s| org_type.as_ref().is_none_or(|t| &s.org_kind == t))
                .collect();
            let (n, orgs) = match org_type {
                None => (
                    stats.organizations.surveys.count,
                    stats.organizations.surveys.orgs,
                ),
                Some(_) => (
                    visits.len() as u64,
                    visits
                        .iter()
                        .map(|s| s.org_id)
                        .collect::<BTreeSet<_>>()
                        .len() as u64,
                ),
            };
            if n == 0 {
                return None;
            }
            f.insert("count", count(n, "次"));
            f.insert("orgs", count(orgs, "个"));
            f.insert(
                "type",
                text(org_type.clone().unwrap_or_else(|| "基层妇联".into())),
            );
            if let (Some(a), Some(b)) = (
                visits.iter().map(|s| s.date).min(),
                visits.iter().map(|s| s.date).max(),
            ) {
                f.insert("dates", text(dates(year, a, b)));
            }
            Vec::new()
        }
        Feed::OfficersTrained => {
            let t = &stats.activities.officers_trained;
            if t.officers == 0 && t.chairs == 0 {
                return None;
            }
            let trainings: Vec<&ActivityRecord> = records
                .activities
                .iter()
                .filter(|a| a.kind == "培训" && a.officers > 0)
                .collect();
            // The dates of the course that trained the most chairs.
            if let Some(main) = trainings
                .iter()
                .max_by_key(|a| (a.chairs, a.officers, std::cmp::Reverse(a.id)))
            {
                f.insert(
                    "dates",
                    text(dates(
                        year,
                        main.start_date,
                        main.end_date.max(main.start_date),
                    )),
                );
                f.insert("names", text(main.name.clone()));
            }
            f.insert("officers", count(t.officers, "名"));
            f.insert("chairs", count(t.chairs, "名"));
            f.insert("count", count(trainings.len() as u64, "期"));
            photos_of(trainings)
        }
    };
    Some(Found { figures: f, photos })
}
