//! 阵地 sheet.

use domain::foundation::venue::{FIELDS, VenueDraft, VenueInput};

use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{RowView, parse_records};
use crate::spec::VENUE;

/// A checked row of the 阵地 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueRow {
    /// Spreadsheet row number.
    pub line: usize,
    pub input: VenueInput,
}

/// Parses the 阵地 sheet; KEY is 阵地名称 + 所属组织编码.
pub fn parse_venues(sheet: &Sheet, rep: &mut Report) -> Vec<VenueRow> {
    let today = domain::date::today_beijing();
    let draft = |row: &RowView<'_>, _: &mut Report| VenueDraft {
        name: row.raw("阵地名称"),
        kind: row.raw("阵地类型"),
        org_code: row.raw("所属组织编码"),
        opened_on: row.raw_date("挂牌日期"),
        rating: row.raw("等级"),
        rating_level: row.raw("等级级别"),
    };
    let key = |v: &VenueInput| vec![v.name.clone(), v.org_code.clone()];
    parse_records(
        sheet,
        &VENUE,
        rep,
        FIELDS,
        draft,
        |d| d.validate(today),
        key,
    )
    .into_iter()
    .map(|(line, input)| VenueRow { line, input })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};
    use chrono::NaiveDate;
    use domain::kinds::{Level, VenueKind, VenueRating};

    const H: &[&str] = &[
        "阵地名称",
        "阵地类型",
        "所属组织编码",
        "挂牌日期",
        "等级",
        "等级级别",
    ];

    #[test]
    fn venues_parse_with_rating_and_level() {
        let s = sheet(
            "阵地",
            H,
            &[
                &[
                    "茅坪镇妇女之家",
                    "妇女之家",
                    "420527101000",
                    "2020年7月8日",
                    "示范",
                    "市级",
                ],
                &["月亮包儿童之家", "儿童之家", "420527101201", "", "", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_venues(&s, &mut rep);
        assert!(rep.is_ok(), "{:?}", rep.errors);
        assert_eq!(rows[0].input.kind, VenueKind::WomensHome);
        assert_eq!(rows[0].input.rating, Some(VenueRating::Model));
        assert_eq!(rows[0].input.rating_level, Some(Level::City));
        assert_eq!(rows[0].input.opened_on, NaiveDate::from_ymd_opt(2020, 7, 8));
        assert_eq!((rows[1].line, rows[1].input.rating), (3, None));
    }

    #[test]
    fn bad_kind_bad_date_and_duplicate_key_are_reported() {
        let s = sheet(
            "阵地",
            &H[..4],
            &[
                &["茅坪镇妇女之家", "妇女中心", "420527101000", ""],
                &["屈原镇妇女之家", "妇女之家", "420527102000", "去年"],
                &["归州镇妇女之家", "妇女之家", "420527103000", ""],
                &["归州镇妇女之家", "妇女之家", "420527103000", ""],
            ],
        );
        let mut rep = Report::default();
        let rows = parse_venues(&s, &mut rep);
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4]);
        let errs = errors(&rep);
        assert_eq!((errs[0].0, errs[0].1.as_str()), (2, "阵地类型"));
        assert_eq!((errs[1].0, errs[1].1.as_str()), (3, "挂牌日期"));
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(
            errs[2],
            (
                5,
                "阵地名称".into(),
                "与第4行重复（阵地名称+所属组织编码相同）".into()
            )
        );
    }
}
