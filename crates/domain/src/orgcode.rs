//! Organisation codes. Territorial organisations use the 12-digit
//! 统计用区划代码 of their division; other organisations get a short free code.

use crate::kinds::OrgKind;

// GB/T 2260 province-level codes (incl. 71 台湾, 81 香港, 82 澳门).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// Validates an organisation code for its kind and, optionally, its parent's
/// `(code, kind)`. The error is a Chinese message naming 组织编码.
pub fn validate_org_code(
    code: &str,
    kind: OrgKind,
    parent: Option<(&str, OrgKind)>,
) -> Result<(), String> {
    if code.is_empty() {
        return Err("组织编码为空".into());
    }
    if kind.is_territorial() {
        check_division_code(code, kind)?;
        match parent {
            Some((parent_code, parent_kind)) => check_parent(code, kind, parent_code, parent_kind),
            None => Ok(()),
        }
    } else {
        check_free_code(code)
    }
}

/// Number formed by the 1-based inclusive digit range `from..=to`.
fn digits(code: &str, from: usize, to: usize) -> u32 {
    code.get(from - 1..to)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn check_division_code(code: &str, kind: OrgKind) -> Result<(), String> {
    let label = kind.label();
    if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{label}的组织编码应为12位数字（统计用区划代码）"));
    }
    let province = digits(code, 1, 2);
    if !PROVINCES.iter().any(|p| u32::from(*p) == province) {
        return Err(format!("组织编码前2位（{province:02}）不是有效的省级代码"));
    }
    let prefecture = digits(code, 3, 4);
    if !((1..=70).contains(&prefecture) || prefecture == 90) {
        return Err(format!(
            "组织编码第3-4位（{prefecture:02}）不是有效的地级代码"
        ));
    }
    let county = digits(code, 5, 6);
    if county == 0 {
        return Err("组织编码第5-6位不能为00（应为县级代码）".into());
    }
    let town = digits(code, 7, 9);
    let village = digits(code, 10, 12);
    match kind {
        OrgKind::County if town != 0 || village != 0 => {
            Err(format!("{label}的组织编码后6位应为000000"))
        }
        OrgKind::Township if !(100..=599).contains(&town) || village != 0 => Err(format!(
            "{label}的组织编码第7-9位应在100-599之间，后3位应为000"
        )),
        OrgKind::Subdistrict if !(1..=99).contains(&town) || village != 0 => Err(format!(
            "{label}的组织编码第7-9位应在001-099之间，后3位应为000"
        )),
        OrgKind::Village if town == 0 || !(200..=599).contains(&village) => Err(format!(
            "{label}的组织编码第7-9位不能为000，后3位应在200-599之间"
        )),
        OrgKind::Community
            if town == 0 || !((1..=199).contains(&village) || (400..=599).contains(&village)) =>
        {
            Err(format!(
                "{label}的组织编码第7-9位不能为000，后3位应在001-199或400-599之间"
            ))
        }
        _ => Ok(()),
    }
}

fn check_parent(
    code: &str,
    kind: OrgKind,
    parent_code: &str,
    parent_kind: OrgKind,
) -> Result<(), String> {
    let shared = |n: usize| code.get(..n) == parent_code.get(..n);
    match kind {
        // A county may sit under the city/province federation (non-territorial
        // here) or be a root; nothing to compare.
        OrgKind::County => Ok(()),
        OrgKind::Township | OrgKind::Subdistrict => match parent_kind {
            OrgKind::County if shared(6) => Ok(()),
            OrgKind::County => Err(format!(
                "组织编码前6位应与上级县妇联的编码（{}）一致",
                parent_code.get(..6).unwrap_or(parent_code)
            )),
            _ => Err("乡镇/街道妇联的上级应为县妇联".into()),
        },
        OrgKind::Village | OrgKind::Community => match parent_kind {
            OrgKind::Township | OrgKind::Subdistrict if shared(9) => Ok(()),
            OrgKind::Township | OrgKind::Subdistrict => Err(format!(
                "组织编码前9位应与上级乡镇/街道妇联的编码（{}）一致",
                parent_code.get(..9).unwrap_or(parent_code)
            )),
            _ => Err("村/社区妇联的上级应为乡镇/街道妇联".into()),
        },
        _ => Ok(()),
    }
}

fn check_free_code(code: &str) -> Result<(), String> {
    let ok_chars = code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok_chars || code.len() > 40 {
        return Err("组织编码应为1-40位英文字母、数字、“-”或“_”".into());
    }
    if code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit()) {
        return Err("组织编码不能是12位纯数字（该格式留给乡镇、村等区划单位），请另取编码".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrgKind::*;

    #[test]
    fn zigui_county_township_and_village_codes_are_accepted() {
        assert_eq!(validate_org_code("420527000000", County, None), Ok(()));
        assert_eq!(
            validate_org_code("420527101000", Township, Some(("420527000000", County))),
            Ok(())
        );
        assert_eq!(
            validate_org_code("420527102000", Township, Some(("420527000000", County))),
            Ok(())
        );
        assert_eq!(
            validate_org_code("420527101201", Village, Some(("420527101000", Township))),
            Ok(())
        );
        assert_eq!(
            validate_org_code(
                "420527001001",
                Community,
                Some(("420527001000", Subdistrict))
            ),
            Ok(())
        );
    }

    #[test]
    fn village_under_a_different_township_is_a_prefix_error() {
        let err = validate_org_code("420527102201", Village, Some(("420527101000", Township)));
        assert!(err.is_err_and(|e| e.contains("前9位") && e.contains("420527101")));
    }

    #[test]
    fn township_under_another_county_is_a_prefix_error() {
        let err = validate_org_code("420526101000", Township, Some(("420527000000", County)));
        assert!(err.is_err_and(|e| e.contains("前6位")));
    }

    #[test]
    fn township_shaped_code_is_rejected_as_a_village() {
        let err = validate_org_code("420527101000", Village, None);
        assert!(err.is_err_and(|e| e.contains("组织编码") && e.contains("200-599")));
    }

    #[test]
    fn unknown_province_is_rejected() {
        let err = validate_org_code("990527000000", County, None);
        assert!(err.is_err_and(|e| e.contains("省级")));
    }

    #[test]
    fn prefecture_and_county_digits_are_range_checked() {
        assert!(validate_org_code("427127000000", County, None).is_err());
        assert!(validate_org_code("429004000000", County, None).is_ok());
        assert!(validate_org_code("420500000000", County, None).is_err());
        assert!(validate_org_code("420527101001", County, None).is_err());
    }

    #[test]
    fn subdistrict_and_community_ranges_are_enforced() {
        assert!(validate_org_code("420502001000", Subdistrict, None).is_ok());
        assert!(validate_org_code("420502101000", Subdistrict, None).is_err());
        assert!(validate_org_code("420502001201", Community, None).is_err());
        assert!(validate_org_code("420502001401", Community, None).is_ok());
        assert!(validate_org_code("420527000201", Village, None).is_err());
    }

    #[test]
    fn territorial_org_under_wrong_kind_of_parent_is_rejected() {
        assert_eq!(
            validate_org_code("420527101201", Village, Some(("ZG-NF-01", NewField))),
            Err("村/社区妇联的上级应为乡镇/街道妇联".to_string())
        );
        assert!(
            validate_org_code("420527101000", Township, Some(("420527101201", Village))).is_err()
        );
        assert_eq!(
            validate_org_code("420527000000", County, Some(("YC", Institution))),
            Ok(())
        );
    }

    #[test]
    fn non_territorial_codes_are_short_ascii_and_never_twelve_digits() {
        assert_eq!(
            validate_org_code("ZG-NF_01", NewField, Some(("420527000000", County))),
            Ok(())
        );
        assert!(
            validate_org_code("420527101000", NewField, None).is_err_and(|e| e.contains("12位"))
        );
        assert!(validate_org_code("新领域1", NewField, None).is_err());
        assert!(validate_org_code(&"A".repeat(41), GroupMember, None).is_err());
        assert!(validate_org_code("", Institution, None).is_err_and(|e| e.contains("组织编码")));
    }

    #[test]
    fn malformed_territorial_code_names_the_field() {
        let err = validate_org_code("42052710100", Township, None);
        assert!(err.is_err_and(|e| e.contains("组织编码") && e.contains("12位")));
    }
}
