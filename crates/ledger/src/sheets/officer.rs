//! 干部 sheet.

use domain::foundation::officer::{FIELDS, OfficerDraft, OfficerInput};

use super::person::id_text;
use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{RowView, parse_records};
use crate::spec::OFFICER;

/// A checked row of the 干部 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficerRow {
    /// Spreadsheet row number.
    pub line: usize,
    pub input: OfficerInput,
}

/// Parses the 干部 sheet; KEY is 身份证号 + 组织编码 + 职务.
pub fn parse_officers(sheet: &Sheet, rep: &mut Report) -> Vec<OfficerRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, rep: &mut Report| OfficerDraft {
        name: row.raw("姓名"),
        id_number: id_text(row, rep, "身份证号"),
        phone: String::new(),
        org_code: row.raw("组织编码"),
        post: row.raw("职务"),
        tenure: row.raw("专兼挂"),
        term_start: row.raw_date("任职开始"),
        term_end: row.raw_date("任职结束"),
    };
    let key = |o: &OfficerInput| {
        vec![
            o.id_number.as_str().to_string(),
            o.org_code.clone(),
            o.post.code().to_string(),
        ]
    };
    parse_records(
        sheet,
        &OFFICER,
        rep,
        FIELDS,
        draft,
        |d| d.validate(today),
        key,
    )
    .into_iter()
    .map(|(line, input)| OfficerRow { line, input })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};
    use chrono::NaiveDate;
    use domain::kinds::{Post, Tenure};

    const H: &[&str] = &[
        "姓名",
        "身份证号",
        "组织编码",
        "职务",
        "专兼挂",
        "任职开始",
        "任职结束",
    ];

    #[test]
    fn officers_parse_with_post_tenure_and_term() {
        let s = sheet(
            "干部",
            H,
            &[
                &[
                    "周雪梅",
                    "420527199001010021",
                    "420527101000",
                    "主席",
                    "专职",
                    "2018-01-05",
                    "",
                ],
                &[
                    "周雪梅",
                    "420527199001010021",
                    "420527101201",
                    "执委",
                    "兼职",
                    "",
                    "",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_officers(&s, &mut rep);
        assert!(rep.is_ok(), "{:?}", rep.errors);
        assert_eq!(
            (rows[0].input.post, rows[0].input.tenure),
            (Post::Chair, Some(Tenure::FullTime))
        );
        assert_eq!(
            rows[0].input.term_start,
            NaiveDate::from_ymd_opt(2018, 1, 5)
        );
        assert_eq!(
            (rows[1].line, rows[1].input.post),
            (3, Post::ExecutiveMember)
        );
    }

    #[test]
    fn a_term_ending_before_it_starts_an_unknown_post_and_a_duplicate_are_errors() {
        let s = sheet(
            "干部",
            H,
            &[
                &[
                    "周雪梅",
                    "420527199001010021",
                    "420527101000",
                    "主席",
                    "",
                    "2020-01-01",
                    "2019-12-31",
                ],
                &[
                    "王芳",
                    "420527198512030046",
                    "420527101000",
                    "书记",
                    "",
                    "",
                    "",
                ],
                &[
                    "李娟",
                    "420527197809090010",
                    "420527101000",
                    "委员",
                    "",
                    "",
                    "",
                ],
                &[
                    "李娟",
                    "420527197809090010",
                    "420527101000",
                    "委员",
                    "",
                    "",
                    "",
                ],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_officers(&s, &mut rep);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4]);
        let errs = errors(&rep);
        assert_eq!(
            errs[0],
            (2, "任职结束".into(), "任职结束早于任职开始".into())
        );
        assert_eq!((errs[1].0, errs[1].1.as_str()), (3, "职务"));
        assert!(
            errs[1].2.contains("主席、副主席、执委、委员"),
            "{}",
            errs[1].2
        );
        assert_eq!(
            errs[2],
            (
                5,
                "身份证号".into(),
                "与第4行重复（身份证号+组织编码+职务相同）".into()
            )
        );
    }
}
