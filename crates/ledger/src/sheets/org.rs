//! 组织 sheet.

use std::collections::HashMap;

use domain::foundation::org::{FIELDS, OrgDraft, OrgInput};
use domain::kinds::OrgKind;
use domain::orgcode::validate_org_code;

use crate::issue::{Issue, Report};
use crate::model::Sheet;
use crate::rows::{RowView, parse_records};
use crate::spec::ORG;

/// A checked row of the 组织 sheet: the org, checked as every door checks
/// it (`domain::foundation::org::OrgDraft`).
#[derive(Debug, Clone, PartialEq)]
pub struct OrgRow {
    /// Spreadsheet row number.
    pub line: usize,
    pub input: OrgInput,
}

/// Parses the 组织 sheet. A code whose parent row is in the same sheet is
/// checked against it (`validate_org_code`); other parents are the
/// importer's to check against the database.
pub fn parse_orgs(sheet: &Sheet, rep: &mut Report) -> Vec<OrgRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, _: &mut Report| OrgDraft {
        code: row.raw("组织编码"),
        name: row.raw("组织名称"),
        kind: row.raw("组织类型"),
        parent_code: row.raw("上级组织编码"),
        founded_on: row.raw_date("成立日期"),
        new_field_type: row.raw("新领域类型"),
    };
    let key = |o: &OrgInput| vec![o.code.clone()];
    let rows = parse_records(sheet, &ORG, rep, FIELDS, draft, |d| d.validate(today), key)
        .into_iter()
        .map(|(line, input)| OrgRow { line, input })
        .collect();
    check_codes(sheet, rows, rep)
}

/// Second pass: the code format depends on the parent's kind and code,
/// and the parent may be any row of the sheet.
fn check_codes(sheet: &Sheet, rows: Vec<OrgRow>, rep: &mut Report) -> Vec<OrgRow> {
    let kinds: HashMap<String, OrgKind> = rows
        .iter()
        .map(|o| (o.input.code.clone(), o.input.kind))
        .collect();
    rows.into_iter()
        .filter(|o| {
            let parent = match &o.input.parent_code {
                None => None,
                Some(p) => match kinds.get(p) {
                    Some(k) => Some((p.as_str(), *k)),
                    // Parent lives in the database: checked on import.
                    None => return true,
                },
            };
            match validate_org_code(&o.input.code, o.input.kind, parent) {
                Ok(()) => true,
                Err(msg) => {
                    rep.push_error(Issue::new(&sheet.name, o.line, Some("组织编码"), msg));
                    false
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};
    use chrono::NaiveDate;
    use domain::kinds::NewFieldType;

    const H: &[&str] = &[
        "组织编码",
        "组织名称",
        "组织类型",
        "上级组织编码",
        "成立日期",
        "新领域类型",
    ];

    #[test]
    fn a_county_tree_parses_with_dates_and_new_field_types() {
        let s = sheet(
            "组织",
            H,
            &[
                &["420527000000", "秭归县妇联", "县妇联", "", "", ""],
                &[
                    "420527101000",
                    "茅坪镇妇联",
                    "乡镇妇联",
                    "420527000000",
                    "2020/7/8",
                    "",
                ],
                &[
                    "MGXY-001",
                    "湖北慢工绣艺有限公司妇女委员会",
                    "新领域妇联",
                    "420527000000",
                    "",
                    "非公企业",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_orgs(&s, &mut rep);
        assert!(rep.is_ok(), "{:?}", rep.errors);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].input.parent_code, None);
        assert_eq!(
            rows[1].input.founded_on,
            NaiveDate::from_ymd_opt(2020, 7, 8)
        );
        assert_eq!(
            rows[2].input.new_field_type,
            Some(NewFieldType::PrivateEnterprise)
        );
        assert_eq!(rows[2].line, 4);
    }

    #[test]
    fn bad_rows_are_reported_with_their_row_and_left_out() {
        let s = sheet(
            "组织",
            H,
            &[
                &["420527000000", "秭归县妇联", "县妇联", "", "", ""],
                &[
                    "420527101000",
                    "茅坪镇妇联",
                    "妇女组织",
                    "420527000000",
                    "",
                    "",
                ],
                &["420527102000", "归州镇妇联", "乡镇妇联", "", "", ""],
                &["420527000000", "重复的县妇联", "县妇联", "", "", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_orgs(&s, &mut rep);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2]);
        let errs = errors(&rep);
        assert_eq!(errs[0].0, 3);
        assert_eq!(errs[0].1, "组织类型");
        assert!(errs[0].2.contains("县妇联、乡镇妇联"), "{}", errs[0].2);
        assert_eq!(
            errs[1],
            (
                4,
                "上级组织编码".into(),
                "上级组织编码不能为空（只有县妇联可以不填）".into()
            )
        );
        assert_eq!(errs[2], (5, "组织编码".into(), "与第2行重复".into()));
    }

    #[test]
    fn a_code_that_does_not_fit_its_parent_in_the_sheet_is_an_error() {
        let s = sheet(
            "组织",
            H,
            &[
                &["420527000000", "秭归县妇联", "县妇联", "", "", ""],
                &[
                    "420528101000",
                    "别县的镇妇联",
                    "乡镇妇联",
                    "420527000000",
                    "",
                    "",
                ],
                &[
                    "420527101000",
                    "茅坪镇妇联",
                    "乡镇妇联",
                    "999999000000",
                    "",
                    "",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_orgs(&s, &mut rep);
        // Row 4's parent is not in the sheet: left for the importer.
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(rep.errors.len(), 1);
        assert_eq!(
            (rep.errors[0].row, rep.errors[0].column.as_deref()),
            (3, Some("组织编码"))
        );
    }

    #[test]
    fn a_sheet_without_a_required_column_yields_no_rows() {
        let s = sheet(
            "组织",
            &["组织编码", "组织名称"],
            &[&["420527000000", "秭归县妇联"]],
        );
        let mut rep = Report::default();
        assert!(parse_orgs(&s, &mut rep).is_empty());
        assert_eq!(
            errors(&rep),
            [(1, "组织类型".into(), "缺少必填列「组织类型」".into())]
        );
    }
}
