//! Which records feed which part and highlight of the review. A county saves
//! its outline and reuses it next year; [`Outline::default`] works with no
//! configuration.
//!
//! Each section names a [`Feed`] (the records behind it) and a sentence
//! template. Placeholders are `{figure}`; `{figure@量词}` sets the measure
//! word, a trailing `~` states the figure approximately (30余期) and `!`
//! exactly. Text in `[` `]` is dropped when a figure inside it is zero or
//! missing; a sentence (up to 。) with a zero figure outside brackets is
//! dropped; a section whose feed finds no records is left out, and so are a
//! highlight and a part left without sections. Figures: see
//! [`crate::compose`].

use serde::{Deserialize, Serialize};

mod default;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outline {
    /// Title template; `{period}` and `{org}` are filled in.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub preface: Option<String>,
    #[serde(default)]
    pub closing: Option<String>,
    /// e.g. "（来源：屈乡巾帼）"; default names the org.
    #[serde(default)]
    pub source_line: Option<String>,
    pub parts: Vec<PartOutline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PartOutline {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub intro: Option<String>,
    pub highlights: Vec<HighlightOutline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HighlightOutline {
    pub key: String,
    /// "强 · 理论武装".
    pub motto: String,
    pub sections: Vec<SectionOutline>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SectionOutline {
    pub heading: String,
    /// A fixed paragraph introducing the section (e.g. what 巾帼微学堂 is),
    /// printed only when the section has records.
    #[serde(default)]
    pub about: Option<String>,
    pub feed: Feed,
    /// Sentence template; the feed's default wording when absent.
    #[serde(default)]
    pub text: Option<String>,
}

/// The records behind a section.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "feed", rename_all = "snake_case")]
pub enum Feed {
    /// Activities matching every given condition. With only `programme` set,
    /// people and units are the distinct figures of the statistics document.
    Activities {
        #[serde(default)]
        programme: Option<String>,
        /// Activity type label, e.g. 培训.
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        online: Option<bool>,
        /// Any of these words in the activity name.
        #[serde(default)]
        name_contains: Vec<String>,
    },
    /// Publicity items of a column (栏目), with reposts by level.
    Column { column: String },
    /// Publicity items of a channel (发布平台).
    Channel { channel: String },
    /// Orgs of a type founded in the period.
    NewOrgs { org_type: String },
    /// Venues of a type opened in the period.
    NewVenues { venue_type: String },
    /// Survey visits, optionally only to orgs of a type.
    Surveys {
        #[serde(default)]
        org_type: Option<String>,
    },
    /// Officers and chairs on the rosters of trainings.
    OfficersTrained,
}

impl Outline {
    /// Every highlight key, in outline order.
    pub fn highlight_keys(&self) -> Vec<&str> {
        self.parts
            .iter()
            .flat_map(|p| p.highlights.iter().map(|h| h.key.as_str()))
            .collect()
    }

    /// Parses a saved outline, with a Chinese message on failure.
    pub fn from_json(s: &str) -> Result<Outline, String> {
        serde_json::from_str(s).map_err(|e| format!("盘点提纲格式有误：{e}"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
