//! Composing a [`Review`] from the statistics document and the records, after
//! an [`Outline`], with the user's [`Edits`] (title, preface, closing, order of
//! highlights, chosen photos). Every figure comes from the statistics or the
//! records; a section without records is left out, never printed as zero.
//! The 数据一览 charts come from the statistics document alone.
//!
//! Figures a template may use, by feed (default measure word in brackets):
//! - activities: `count` (期), `participants` (名; 近/余 by the head-count
//!   rule), `units` (个), `works` (件), `materials` (倡议书220份), `work_categories`,
//!   `names`, `places`, `orgs` (个, distinct hosts), `partners`, `dates`,
//!   `first_date`, `when` (the date of a single activity, else the period), `label`;
//! - column: `items` (篇), `channel`, `column`, `reposts` (被省级公众号转载1篇、…);
//! - channel: `items`, `channel`;
//! - new orgs / venues: `count` (个), `type`, `names`, `dates`, `latest`;
//! - surveys: `count` (次), `orgs` (个), `type`, `dates`;
//! - officers trained: `chairs`, `officers` (名), `count` (期), `dates`, `names`;
//! - everywhere: `period` (2020年), `org` (秭归县妇联).

mod charts;
mod feeds;
pub mod template;

use std::collections::BTreeMap;

use domain::{cn, date::Period, review::Records, stats::StatsDoc};
use serde::{Deserialize, Serialize};

use self::template::{Fig, Figures, fill, text};
use crate::{
    model::{Highlight, Part, Photo, Review, Section},
    outline::{Feed, Outline, SectionOutline},
};

/// Photos per section when the user hasn't chosen.
pub const DEFAULT_PHOTOS: usize = 2;

/// The user's editorial choices for one org and period (saved as a draft).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Edits {
    #[serde(default)]
    pub title: Option<String>,
    /// Paragraphs separated by new lines.
    #[serde(default)]
    pub preface: Option<String>,
    #[serde(default)]
    pub closing: Option<String>,
    /// Highlight keys in the wanted order (within each part); others follow
    /// in outline order.
    #[serde(default)]
    pub highlight_order: Vec<String>,
    /// Chosen photo ids per highlight key, in display order. An empty list
    /// shows no photos; a highlight not listed gets the best photos.
    #[serde(default)]
    pub photos: BTreeMap<String, Vec<i64>>,
}

fn editorial(template: &str, base: &Figures) -> Vec<String> {
    fill(template, base)
}

fn section(
    so: &SectionOutline,
    stats: &StatsDoc,
    records: &Records,
    base: &Figures,
    chosen: Option<&Vec<i64>>,
) -> Option<Section> {
    let found = feeds::find(&so.feed, stats, records)?;
    let mut figs = base.clone();
    for (k, v) in found.figures {
        match (k, &v) {
            // Several records have no single date: say the period.
            ("when", Fig::Text(s)) if s.is_empty() => {}
            _ => {
                figs.insert(k, v);
            }
        }
    }
    let template = so.text.clone().unwrap_or_else(|| default_text(&so.feed));
    let mut paragraphs = Vec::new();
    if let Some(about) = &so.about {
        if !so.heading.is_empty() {
            paragraphs.push(format!("[关于“{}”]", so.heading));
        }
        paragraphs.extend(about.lines().map(str::to_string));
    }
    let sentences = fill(&template, &figs);
    if sentences.is_empty() {
        return None;
    }
    paragraphs.extend(sentences);
    let photos: Vec<Photo> = match chosen {
        Some(ids) => ids
            .iter()
            .filter_map(|id| found.photos.iter().find(|p| p.id == *id).cloned())
            .collect(),
        None => found.photos.into_iter().take(DEFAULT_PHOTOS).collect(),
    };
    Some(Section {
        heading: so.heading.clone(),
        paragraphs,
        photos,
        charts: Vec::new(),
    })
}

/// The wording used when an outline section has no template.
pub fn default_text(feed: &Feed) -> String {
    match feed {
        Feed::Activities { .. } => {
            "{period}，共开展{label}活动{count@期}[，覆盖{units@个}单位][，参与{participants@人}]。"
        }
        Feed::Column { .. } => "{period}，{channel}刊发“{column}”{items@篇}[，{reposts}]。",
        Feed::Channel { .. } => "{period}，{channel}刊发稿件{items@篇}。",
        Feed::NewOrgs { .. } => "{period}，新成立{type}{count@个}[，{names}等相继成立]。",
        Feed::NewVenues { .. } => "{period}，新建{type}{count@个}。",
        Feed::Surveys { .. } => "[{dates}，]对{orgs@个}{type}开展调研{count@次}。",
        Feed::OfficersTrained => {
            "[{dates}，]组织{chairs@名}妇联主席开展培训[，参训妇联干部{officers@名}]。"
        }
    }
    .into()
}

/// Composes the review. `stats` and `records` must cover the same org and period.
pub fn compose(stats: &StatsDoc, records: &Records, outline: &Outline, edits: &Edits) -> Review {
    let period = Period {
        from: stats.period.from,
        to: stats.period.to,
    };
    let period_label = period.label();
    let mut base = Figures::new();
    base.insert("period", text(period_label.clone()));
    base.insert("org", text(stats.org.name.clone()));
    base.insert("when", text(period_label.clone()));

    let mut number = 0u32;
    let mut parts = Vec::new();
    for po in &outline.parts {
        let mut order: Vec<&crate::outline::HighlightOutline> = po.highlights.iter().collect();
        order.sort_by_key(|h| {
            edits
                .highlight_order
                .iter()
                .position(|k| k == &h.key)
                .unwrap_or(usize::MAX)
        });
        let mut highlights = Vec::new();
        for ho in order {
            let chosen = edits.photos.get(&ho.key);
            let sections: Vec<Section> = ho
                .sections
                .iter()
                .filter_map(|so| section(so, stats, records, &base, chosen))
                .collect();
            if sections.is_empty() {
                continue;
            }
            number += 1;
            highlights.push(Highlight {
                key: ho.key.clone(),
                number,
                motto: ho.motto.clone(),
                sections,
            });
        }
        if highlights.is_empty() {
            continue;
        }
        parts.push(Part {
            key: po.key.clone(),
            numeral: cn::numeral(parts.len() as u32 + 1),
            title: po.title.clone(),
            intro: po
                .intro
                .as_deref()
                .map(|t| editorial(t, &base).join(""))
                .filter(|s| !s.is_empty()),
            highlights,
        });
    }

    let title = edits
        .title
        .clone()
        .or_else(|| {
            outline
                .title
                .as_deref()
                .map(|t| editorial(t, &base).join(""))
        })
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("{}{}工作盘点", stats.org.name, period_label));
    let paras = |edit: &Option<String>, outl: &Option<String>| -> Vec<String> {
        match edit {
            Some(t) => t
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            None => outl
                .as_deref()
                .map(|t| editorial(t, &base))
                .unwrap_or_default(),
        }
    };
    Review {
        title,
        org_name: stats.org.name.clone(),
        org_code: stats.org.code.clone(),
        period_label,
        preface: paras(&edits.preface, &outline.preface),
        charts: charts::charts(stats),
        // 丰收硕果 needs an honours area the platform doesn't have yet: the
        // block is left out, never shown empty or as zero.
        honours: Vec::new(),
        parts,
        closing: paras(&edits.closing, &outline.closing),
        source_line: Some(
            outline
                .source_line
                .clone()
                .unwrap_or_else(|| format!("（来源：{}）", stats.org.name)),
        ),
    }
}

impl Review {
    /// Every photo of the review (to fill in their bytes).
    pub fn photos_mut(&mut self) -> impl Iterator<Item = &mut Photo> {
        self.honours
            .iter_mut()
            .filter_map(|h| h.photo.as_mut())
            .chain(
                self.parts
                    .iter_mut()
                    .flat_map(|p| &mut p.highlights)
                    .flat_map(|h| &mut h.sections)
                    .flat_map(|s| &mut s.photos),
            )
    }

    /// Fills photo bytes with `load(id)`; photos it can't load are dropped.
    pub fn load_photos(&mut self, mut load: impl FnMut(i64) -> Option<Vec<u8>>) {
        for p in self.photos_mut() {
            if let Some(b) = load(p.id) {
                p.jpeg = b;
            }
        }
        for s in self
            .parts
            .iter_mut()
            .flat_map(|p| &mut p.highlights)
            .flat_map(|h| &mut h.sections)
        {
            s.photos.retain(|p| !p.jpeg.is_empty());
        }
        for h in &mut self.honours {
            if h.photo.as_ref().is_some_and(|p| p.jpeg.is_empty()) {
                h.photo = None;
            }
        }
    }
}
