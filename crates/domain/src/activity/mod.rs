//! Activities (活动): kinds, statuses, materials, and the attendance rule —
//! a roster counts distinct people and units; a head count is used only when
//! no roster exists.

mod area;
mod input;
pub mod records;

pub use area::AREA;
pub use input::{ActivityDraft, ActivityInput, Checked, FIELDS, MAX_COUNT};

/// Photos one upload may carry (the phone form, the activity page, the API):
/// what a phone's picker sends at once, and what one request's body bounds.
pub const PHOTOS_PER_UPLOAD: usize = 9;

/// Photos one activity may hold in all: a review shows a few, a multi-day
/// training a few dozen; more is an album, not a record.
pub const PHOTOS_PER_RECORD: usize = 60;

crate::labelled_enum! {
    /// 活动类型 of the ledger contract.
    pub enum ActivityKind {
        Propaganda("propaganda", "宣讲"),
        Lecture("lecture", "讲座"),
        Training("training", "培训"),
        Meeting("meeting", "会议"),
        Survey("survey", "调研"),
        Visit("visit", "走访"),
        Showcase("showcase", "展播"),
        Chorus("chorus", "合唱"),
        Collection("collection", "征集"),
        DonationCeremony("donation_ceremony", "捐赠仪式"),
        Other("other", "其他"),
    }
}

crate::labelled_enum! {
    /// Where an activity stands.
    pub enum ActivityStatus {
        Planned("planned", "计划"),
        Done("done", "已开展"),
        Cancelled("cancelled", "已取消"),
    }
}

crate::labelled_enum! {
    /// 形式: offline (default) or online.
    pub enum ActivityMode {
        Offline("offline", "线下"),
        Online("online", "线上"),
    }
}

/// A material handed out: `倡议书:220`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Material {
    pub name: String,
    pub quantity: i64,
}

/// Parses one `name:quantity` item (full-width colon accepted).
pub fn parse_material(item: &str) -> Result<Material, String> {
    let item = crate::search::half_width(item.trim());
    let (name, qty) = item
        .rsplit_once(':')
        .ok_or_else(|| format!("「{item}」应写成 名称:数量，例如 倡议书:220"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("「{item}」缺少材料名称"));
    }
    let quantity: i64 = qty
        .trim()
        .parse()
        .map_err(|_| format!("「{item}」的数量应为整数"))?;
    if quantity < 0 {
        return Err(format!("「{item}」的数量不能为负数"));
    }
    Ok(Material {
        name: name.to_string(),
        quantity,
    })
}

/// The participants figure of one activity. The head count (人数, as
/// reported) and the roster (名单, the people named) are separate facts:
/// naming some of those who came never lowers what was reported, so the
/// figure is the larger of the two (docs/statistics.md).
pub fn participants(roster_people: u64, head_count: Option<i64>) -> u64 {
    roster_people.max(head_count.unwrap_or(0).max(0) as u64)
}

/// Those counted beyond the names: what a group's figure adds for an
/// activity on top of its roster's distinct people.
pub fn unnamed(roster_people: u64, head_count: Option<i64>) -> u64 {
    (head_count.unwrap_or(0).max(0) as u64).saturating_sub(roster_people)
}

/// Key that makes one attendee one row: a registered person, else the keyed
/// index of her 身份证号, else name + unit as typed.
pub fn attendee_key(
    person_id: Option<i64>,
    id_index: Option<&str>,
    name: &str,
    unit: Option<&str>,
) -> String {
    match (person_id, id_index) {
        (Some(p), _) => format!("p:{p}"),
        (None, Some(i)) => format!("i:{i}"),
        (None, None) => format!(
            "n:{}|{}",
            crate::search::normalize(name),
            crate::search::normalize(unit.unwrap_or(""))
        ),
    }
}

/// What the statistics need of one activity's roster, kept beside it so a
/// county-year's figures read one row per activity instead of one per line:
/// its people (attendee keys) and its units (normalized, blanks left out),
/// each once, sorted. Stored one per line: neither a key nor a normalized
/// unit holds whitespace (`p:` ids, `i:` hex indexes, `n:` normalized text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterSummary {
    pub people: Vec<String>,
    pub units: Vec<String>,
}

impl RosterSummary {
    /// From roster lines `(person_key, unit as typed)`.
    pub fn of<'a>(lines: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> RosterSummary {
        let mut people = std::collections::BTreeSet::new();
        let mut units = std::collections::BTreeSet::new();
        for (key, unit) in lines {
            people.insert(key.to_string());
            if let Some(u) = unit.map(crate::search::normalize).filter(|u| !u.is_empty()) {
                units.insert(u);
            }
        }
        RosterSummary {
            people: people.into_iter().collect(),
            units: units.into_iter().collect(),
        }
    }

    /// The stored texts of `people` and `units`.
    pub fn encode(&self) -> (String, String) {
        (self.people.join("\n"), self.units.join("\n"))
    }

    /// The entries of a stored text.
    pub fn decode(text: &str) -> impl Iterator<Item = &str> {
        text.split('\n').filter(|l| !l.is_empty())
    }
}

/// The person id of an attendee key of a registered person (`p:42`).
pub fn person_of_key(key: &str) -> Option<i64> {
    key.strip_prefix("p:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_roster_summary_keeps_each_person_and_normalized_unit_once() {
        let s = RosterSummary::of([
            ("p:2", Some("县 妇联")),
            ("i:ab", Some("县妇联")),
            ("p:2", None),
            ("n:张丽|", Some("  ")),
            ("p:10", Some("ＸＸ公司")),
        ]);
        assert_eq!(s.people, ["i:ab", "n:张丽|", "p:10", "p:2"]);
        assert_eq!(s.units, ["xx公司", "县妇联"]);
        let (people, units) = s.encode();
        assert_eq!(RosterSummary::decode(&people).collect::<Vec<_>>(), s.people);
        assert_eq!(RosterSummary::decode(&units).collect::<Vec<_>>(), s.units);
        assert_eq!(RosterSummary::decode("").count(), 0);
    }

    #[test]
    fn only_a_registered_persons_key_names_a_person_id() {
        assert_eq!(
            person_of_key(&attendee_key(Some(42), None, "张丽", None)),
            Some(42)
        );
        assert_eq!(
            person_of_key(&attendee_key(None, Some("ab"), "张丽", None)),
            None
        );
        assert_eq!(person_of_key("n:p:1|"), None);
    }

    #[test]
    fn material_with_full_width_colon_parses() {
        assert_eq!(
            parse_material("倡议书：220").unwrap(),
            Material {
                name: "倡议书".into(),
                quantity: 220
            }
        );
    }

    #[test]
    fn material_without_quantity_is_rejected_in_chinese() {
        assert!(parse_material("倡议书").unwrap_err().contains("名称:数量"));
        assert!(parse_material("倡议书:很多").unwrap_err().contains("整数"));
    }

    #[test]
    fn roster_wins_over_head_count() {
        // 23 came, 2 were named: still 23; a roster longer than the count wins.
        assert_eq!(participants(2, Some(23)), 23);
        assert_eq!(participants(30, Some(23)), 30);
        assert_eq!(participants(3, None), 3);
        assert_eq!(participants(0, Some(190)), 190);
        assert_eq!(participants(0, None), 0);
        assert_eq!(participants(0, Some(-5)), 0);
        assert_eq!(unnamed(2, Some(23)), 21);
        assert_eq!(unnamed(30, Some(23)), 0);
    }

    #[test]
    fn attendee_key_prefers_person_then_id_then_name_and_unit() {
        assert_eq!(attendee_key(Some(7), Some("ab"), "王平", None), "p:7");
        assert_eq!(attendee_key(None, Some("ab"), "王平", None), "i:ab");
        assert_eq!(
            attendee_key(None, None, " 王 平", Some("县妇联")),
            "n:王平|县妇联"
        );
    }

    #[test]
    fn kinds_are_read_from_ledger_labels() {
        assert_eq!(
            ActivityKind::from_label("征集"),
            Some(ActivityKind::Collection)
        );
        assert_eq!(ActivityMode::from_label("线上"), Some(ActivityMode::Online));
    }
}
