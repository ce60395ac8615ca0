//! The review as a document, independent of any output format.

use serde::{Deserialize, Serialize};

/// A photo shown under a highlight: the image bytes (JPEG) and its caption
/// (rendered as 图丨caption).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Photo {
    /// The photo's id in the platform (to let users pick and order photos).
    pub id: i64,
    pub caption: Option<String>,
    #[serde(skip)]
    pub jpeg: Vec<u8>,
}

/// A chart drawn from figures of the statistics document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Chart {
    pub title: String,
    pub kind: ChartKind,
    /// (label, value) pairs in display order.
    pub data: Vec<(String, f64)>,
    /// Unit shown on the axis, e.g. 期, 人.
    pub unit: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    Bar,
    Line,
    Pie,
}

/// 看点 NN: a highlight of a part.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Highlight {
    /// Stable key from the outline (to reorder or pick photos in the UI).
    pub key: String,
    /// 看点 number within the whole review: 1 → "01".
    pub number: u32,
    /// The motto line, e.g. "强 · 理论武装".
    pub motto: String,
    /// Sub-sections, each a heading and paragraphs, e.g. "巾帼微学堂".
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    pub heading: String,
    /// Sentences in the register of official Chinese writing, figures included.
    pub paragraphs: Vec<String>,
    pub photos: Vec<Photo>,
    pub charts: Vec<Chart>,
}

/// 一、二、三 … : a part of 主要工作.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Part {
    pub key: String,
    /// "一", "二" …
    pub numeral: String,
    pub title: String,
    pub intro: Option<String>,
    pub highlights: Vec<Highlight>,
}

/// An honour received (丰收硕果), with its photo if any.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Honour {
    pub text: String,
    pub photo: Option<Photo>,
}

/// The whole review.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Review {
    pub title: String,
    pub org_name: String,
    pub org_code: String,
    /// e.g. "2020年".
    pub period_label: String,
    pub preface: Vec<String>,
    /// 数据一览: charts of the whole period (activities by sub-org, by month,
    /// by type), each left out when it has nothing to show.
    #[serde(default)]
    pub charts: Vec<Chart>,
    /// 丰收硕果: empty when no honours were recorded (then the block is left out).
    pub honours: Vec<Honour>,
    /// 主要工作.
    pub parts: Vec<Part>,
    pub closing: Vec<String>,
    /// e.g. "（来源：屈乡巾帼）".
    pub source_line: Option<String>,
}
