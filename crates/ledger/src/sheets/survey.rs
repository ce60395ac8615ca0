//! 调研 sheet.

use domain::foundation::survey::{FIELDS, SurveyDraft, SurveyInput};

use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{RowView, parse_records};
use crate::spec::SURVEY;

/// A checked row of the 调研 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyRow {
    /// Spreadsheet row number.
    pub line: usize,
    pub input: SurveyInput,
}

/// Parses the 调研 sheet; KEY is 组织编码 + 日期.
pub fn parse_surveys(sheet: &Sheet, rep: &mut Report) -> Vec<SurveyRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, _: &mut Report| SurveyDraft {
        org_code: row.raw("组织编码"),
        date: row.raw_date("日期"),
        surveyor: row.raw("调研人"),
        shortcomings: row.raw("发现不足"),
        highlights: row.raw("工作亮点"),
    };
    let key = |s: &SurveyInput| vec![s.org_code.clone(), s.date.to_string()];
    parse_records(
        sheet,
        &SURVEY,
        rep,
        FIELDS,
        draft,
        |d| d.validate(today),
        key,
    )
    .into_iter()
    .map(|(line, input)| SurveyRow { line, input })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cell;
    use crate::sheets::test_util::{errors, sheet};
    use chrono::NaiveDate;

    const H: &[&str] = &["组织编码", "日期", "调研人", "发现不足", "工作亮点"];

    #[test]
    fn surveys_parse_text_and_excel_dates() {
        let mut s = sheet(
            "调研",
            H,
            &[
                &[
                    "420527101201",
                    "2020/9/3",
                    "县妇联 张主席",
                    "活动记录不全",
                    "绣娘合作社",
                ],
                &["420527101202", "", "", "", ""],
            ],
        );
        s.rows[1].cells[1] = Cell::Date(NaiveDate::from_ymd_opt(2020, 9, 4).unwrap());
        let mut rep = Report::default();
        let rows = parse_surveys(&s, &mut rep);
        assert!(rep.is_ok(), "{:?}", rep.errors);
        assert_eq!(
            rows[0].input.date,
            NaiveDate::from_ymd_opt(2020, 9, 3).unwrap()
        );
        assert_eq!(rows[0].input.shortcomings.as_deref(), Some("活动记录不全"));
        assert_eq!((rows[1].line, rows[1].input.surveyor.clone()), (3, None));
    }

    #[test]
    fn missing_date_and_same_org_on_same_day_are_errors() {
        let s = sheet(
            "调研",
            H,
            &[
                &["420527101201", "", "", "", ""],
                &["420527101201", "2020-09-03", "", "", ""],
                &["420527101201", "2020年9月3日", "", "", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_surveys(&s, &mut rep);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3]);
        assert_eq!(
            errors(&rep),
            [
                (2, "日期".into(), "日期不能为空（例：2020-07-08）".into()),
                (
                    4,
                    "组织编码".into(),
                    "与第3行重复（组织编码+日期相同）".into()
                )
            ]
        );
    }
}
