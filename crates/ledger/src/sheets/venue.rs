//! 阵地 sheet.

use chrono::NaiveDate;
use domain::kinds::{Level, VenueKind, VenueRating};

use super::labels;
use crate::issue::Report;
use crate::model::Sheet;
use crate::rows::{KeyTracker, SheetReader};
use crate::spec::VENUE;

/// A checked row of the 阵地 sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueRow {
    /// Spreadsheet row number.
    pub line: usize,
    /// 阵地名称 (KEY with org_code).
    pub name: String,
    /// 阵地类型.
    pub kind: VenueKind,
    /// 所属组织编码.
    pub org_code: String,
    /// 挂牌日期.
    pub opened_on: Option<NaiveDate>,
    /// 等级.
    pub rating: Option<VenueRating>,
    /// 等级级别 (县级/市级/省级), an optional extension column.
    pub rating_level: Option<Level>,
}

/// Parses the 阵地 sheet.
pub fn parse_venues(sheet: &Sheet, rep: &mut Report) -> Vec<VenueRow> {
    let reader = SheetReader::new(sheet, &VENUE, rep);
    if !reader.ok() {
        return Vec::new();
    }
    let kinds = labels(VenueKind::ALL, VenueKind::label);
    let ratings = labels(VenueRating::ALL, VenueRating::label);
    let levels = ["县级", "市级", "省级"];
    let mut keys = KeyTracker::default();
    let mut out = Vec::new();
    for row in reader.rows() {
        let mark = rep.error_count();
        let name = row.required(rep, "阵地名称");
        let kind = row.required_choice(rep, "阵地类型", VenueKind::from_label, &kinds);
        let org_code = row.required(rep, "所属组织编码");
        let opened_on = row.date(rep, "挂牌日期");
        let rating = row.choice(rep, "等级", VenueRating::from_label, &ratings);
        let rating_level = row.choice(rep, "等级级别", parse_level, &levels);
        if let (Some(n), Some(o)) = (&name, &org_code) {
            keys.check(rep, &row, vec![n.clone(), o.clone()]);
        }
        if rep.error_count() > mark {
            continue;
        }
        if let (Some(name), Some(kind), Some(org_code)) = (name, kind, org_code) {
            out.push(VenueRow {
                line: row.line(),
                name,
                kind,
                org_code,
                opened_on,
                rating,
                rating_level,
            });
        }
    }
    out
}

/// Venues are rated by county, city or province, never "nationally".
fn parse_level(s: &str) -> Option<Level> {
    Level::from_label(s).filter(|l| *l != Level::National)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::test_util::{errors, sheet};

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
        assert_eq!(rows[0].kind, VenueKind::WomensHome);
        assert_eq!(rows[0].rating, Some(VenueRating::Model));
        assert_eq!(rows[0].rating_level, Some(Level::City));
        assert_eq!(rows[0].opened_on, NaiveDate::from_ymd_opt(2020, 7, 8));
        assert_eq!((rows[1].line, rows[1].rating), (3, None));
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
