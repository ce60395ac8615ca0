//! Plain records behind a year-end review (see `spec/review.md`): what the
//! database loads for an org subtree and a period so the composer can name
//! activities, date them, and show their photos. Figures themselves come from
//! the statistics document; these records add the words and pictures, plus a
//! few per-record counts the statistics don't break down.
//!
//! No names of relief recipients or case parties ever appear here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A stored photo of an activity (the bytes are loaded by the caller).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhotoRecord {
    pub id: i64,
    pub caption: Option<String>,
    pub is_cover: bool,
}

/// An activity that took place in the period (status done, start date inside).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ActivityRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub programme: Option<String>,
    /// Activity type label, e.g. 培训.
    pub kind: String,
    /// Host org name, e.g. 滨湖社区妇联.
    pub org_name: String,
    /// Host org type label, e.g. 乡镇妇联.
    pub org_kind: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub online: bool,
    pub place: Option<String>,
    pub partners: Option<String>,
    /// Distinct people on the roster, else the recorded head count.
    pub participants: u64,
    /// True when `participants` comes from a head count (no roster).
    pub head_counted: bool,
    /// Distinct roster units, else 覆盖单位数.
    pub units: u64,
    /// Roster entries holding an officer post / a chair post on the day.
    pub officers: u64,
    pub chairs: u64,
    /// Materials handed out: (name, quantity).
    pub materials: Vec<(String, i64)>,
    /// Category of each work received (None when uncategorised).
    pub works: Vec<Option<String>>,
    pub photos: Vec<PhotoRecord>,
}

/// A publicity item published in the period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublicityRecord {
    pub id: i64,
    pub title: String,
    pub channel: String,
    pub column: Option<String>,
    pub published_on: NaiveDate,
    /// Levels (省, 市 …) that reposted it, each once.
    pub reposted_levels: Vec<String>,
    pub activity_id: Option<i64>,
}

/// A survey visit in the period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SurveyRecord {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub date: NaiveDate,
}

/// An org founded, or a venue opened, in the period.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FoundingRecord {
    pub name: String,
    /// Org type or venue type label (新领域妇联, 妇女之家 …).
    pub kind: String,
    pub date: NaiveDate,
}

/// Everything the composer reads besides the statistics document.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Records {
    pub activities: Vec<ActivityRecord>,
    pub publicity: Vec<PublicityRecord>,
    pub surveys: Vec<SurveyRecord>,
    pub new_orgs: Vec<FoundingRecord>,
    pub new_venues: Vec<FoundingRecord>,
}
