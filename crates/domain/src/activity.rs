//! Activities (活动): kinds, statuses, materials, and the attendance rule —
//! a roster counts distinct people and units; a head count is used only when
//! no roster exists.

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

/// The participants figure of one activity: the roster when there is one,
/// else the head count, else nothing.
pub fn participants(roster_people: u64, head_count: Option<i64>) -> u64 {
    if roster_people > 0 {
        roster_people
    } else {
        head_count.unwrap_or(0).max(0) as u64
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(participants(3, Some(190)), 3);
        assert_eq!(participants(0, Some(190)), 190);
        assert_eq!(participants(0, None), 0);
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
