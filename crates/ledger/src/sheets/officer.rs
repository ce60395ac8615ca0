//! 干部 sheet.

use chrono::NaiveDate;
use domain::idcard::IdNumber;
use domain::kinds::{Post, Tenure};

use super::labels;
use super::person::required_id;
use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{KeyTracker, SheetReader};
use crate::spec::OFFICER;

/// A checked row of the 干部 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficerRow {
    /// Spreadsheet row number.
    pub line: usize,
    /// 姓名 (the person is created if absent).
    pub name: String,
    /// 身份证号.
    pub id_number: IdNumber,
    /// 组织编码.
    pub org_code: String,
    /// 职务.
    pub post: Post,
    /// 专兼挂.
    pub tenure: Option<Tenure>,
    /// 任职开始.
    pub term_start: Option<NaiveDate>,
    /// 任职结束 (None = in office).
    pub term_end: Option<NaiveDate>,
}

/// Parses the 干部 sheet; KEY is 身份证号 + 组织编码 + 职务.
pub fn parse_officers(sheet: &Sheet, rep: &mut Report) -> Vec<OfficerRow> {
    let reader = SheetReader::new(sheet, &OFFICER, rep);
    if !reader.ok() {
        return Vec::new();
    }
    let posts = labels(Post::ALL, Post::label);
    let tenures = labels(Tenure::ALL, Tenure::label);
    let mut keys = KeyTracker::default();
    let mut out = Vec::new();
    for row in reader.rows() {
        let mark = rep.error_count();
        let name = row.required(rep, "姓名");
        let id_number = required_id(&row, rep, "身份证号");
        let org_code = row.required(rep, "组织编码");
        let post = row.required_choice(rep, "职务", Post::from_label, &posts);
        let tenure = row.choice(rep, "专兼挂", Tenure::from_label, &tenures);
        let term_start = row.date(rep, "任职开始");
        let term_end = row.date(rep, "任职结束");
        if let (Some(s), Some(e)) = (term_start, term_end)
            && e < s
        {
            row.error(rep, "任职结束", "任职结束早于任职开始");
        }
        if let (Some(id), Some(org), Some(post)) = (&id_number, &org_code, post) {
            keys.check(
                rep,
                &row,
                vec![
                    id.as_str().to_string(),
                    org.clone(),
                    post.code().to_string(),
                ],
            );
        }
        if rep.error_count() > mark {
            continue;
        }
        if let (Some(name), Some(id_number), Some(org_code), Some(post)) =
            (name, id_number, org_code, post)
        {
            out.push(OfficerRow {
                line: row.line(),
                name,
                id_number,
                org_code,
                post,
                tenure,
                term_start,
                term_end,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};

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
            (rows[0].post, rows[0].tenure),
            (Post::Chair, Some(Tenure::FullTime))
        );
        assert_eq!(rows[0].term_start, NaiveDate::from_ymd_opt(2018, 1, 5));
        assert_eq!((rows[1].line, rows[1].post), (3, Post::ExecutiveMember));
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
