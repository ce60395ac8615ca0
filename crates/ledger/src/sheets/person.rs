//! 人员 sheet.

use domain::foundation::person::{FIELDS, PersonDraft, PersonInput};

use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{RowView, parse_records};
use crate::spec::PERSON;

/// A checked row of the 人员 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    /// Spreadsheet row number.
    pub line: usize,
    pub input: PersonInput,
}

/// Parses the 人员 sheet; KEY is 身份证号.
pub fn parse_people(sheet: &Sheet, rep: &mut Report) -> Vec<PersonRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, rep: &mut Report| PersonDraft {
        name: row.raw("姓名"),
        id_number: id_text(row, rep, "身份证号"),
        phone: row.raw("手机号"),
        org_code: row.raw("所属组织编码"),
        tags: row.list("标签"),
    };
    let key = |p: &PersonInput| vec![p.id_number.as_str().to_string()];
    parse_records(
        sheet,
        &PERSON,
        rep,
        FIELDS,
        draft,
        |d| d.validate(today),
        key,
    )
    .into_iter()
    .map(|(line, input)| PersonRow { line, input })
    .collect()
}

/// The text of a 身份证号 cell for a draft; a number Excel made of it (its
/// last digits are lost) is reported here, where the cell is known.
pub(crate) fn id_text(row: &RowView<'_>, rep: &mut Report, col: &str) -> String {
    row.id_number_text(rep, col).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cell;
    use crate::sheets::test_util::{errors, sheet};
    use domain::phone::Phone;

    const H: &[&str] = &["姓名", "身份证号", "手机号", "所属组织编码", "标签"];

    #[test]
    fn people_parse_with_canonical_ids_phones_and_tags() {
        let s = sheet(
            "人员",
            H,
            &[
                &[
                    "周雪梅",
                    "420527199001010021",
                    "138 1234 5678",
                    "420527101201",
                    "低保；绣娘、留守妇女",
                ],
                &["王芳", "420527198512030046", "", "420527101201", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_people(&s, &mut rep);
        assert!(rep.is_ok(), "{:?}", rep.errors);
        assert_eq!(rows[0].input.id_number.as_str(), "420527199001010021");
        assert_eq!(
            rows[0].input.phone.as_ref().map(Phone::as_str),
            Some("13812345678")
        );
        assert_eq!(rows[0].input.tags, ["低保", "留守妇女", "绣娘"]);
        assert_eq!((rows[1].line, rows[1].input.phone.is_none()), (3, true));
    }

    #[test]
    fn bad_checksum_bad_phone_missing_name_and_duplicate_id_are_row_errors() {
        let s = sheet(
            "人员",
            H,
            &[
                &["周雪梅", "420527199001010022", "", "420527101201", ""],
                &["王芳", "420527198512030046", "12345", "420527101201", ""],
                &["", "420527201006150031", "", "420527101201", ""],
                &["李娟", "420527197809090010", "", "420527101201", ""],
                &["李娟", "420527197809090010", "", "420527101201", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_people(&s, &mut rep);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [5]);
        let errs = errors(&rep);
        assert_eq!(errs[0], (2, "身份证号".into(), "身份证号校验位错误".into()));
        assert_eq!((errs[1].0, errs[1].1.as_str()), (3, "手机号"));
        assert_eq!(errs[2], (4, "姓名".into(), "姓名不能为空".into()));
        assert_eq!(errs[3], (6, "身份证号".into(), "与第5行重复".into()));
        assert_eq!(errs.len(), 4);
    }

    #[test]
    fn an_id_number_stored_as_an_excel_number_is_an_error_on_its_row() {
        let mut s = sheet(
            "人员",
            H,
            &[
                &["周雪梅", "420527199001010021", "", "420527101201", ""],
                &["王芳", "", "", "420527101201", ""],
            ],
        );
        s.rows[1].cells[1] = Cell::Number(4.20527198512030e17);
        let mut rep = Report::default();
        let rows = parse_people(&s, &mut rep);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rep.errors[0].to_string(),
            "工作表「人员」第3行「身份证号」列：身份证号被Excel存成了数字，精度已丢失，请把该列设为文本后重新填写"
        );
    }
}
