//! Dates as users write them, and reporting periods.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

use crate::cn;
use crate::search::half_width_char;

const MSG_DATE: &str = "日期格式不正确（例：2020-07-08）";
const MSG_PERIOD: &str = "统计期间格式不正确（例：2020、2020Q4、2020-07、2020-03-01..2020-06-30）";

/// The first and last years any date of the platform may fall in: a federation's
/// records, a person's birth and an officer's term all lie well inside, and a
/// year 0 typed by mistake would later break the exports.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2100;

/// `d` itself when its year lies in [`FIRST_YEAR`]..=[`LAST_YEAR`], else the
/// Chinese message every door (form, API, ledger) shows.
pub fn in_range(d: NaiveDate) -> Result<NaiveDate, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "日期超出范围：{}（应在{FIRST_YEAR}年至{LAST_YEAR}年之间）",
            d.format("%Y-%m-%d")
        ))
    }
}

/// Beijing time's offset from UTC: Asia/Shanghai keeps +08:00 all year.
pub const BEIJING_OFFSET_HOURS: i64 = 8;

/// An instant as a Beijing wall-clock time.
pub fn beijing(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.naive_utc() + Duration::hours(BEIJING_OFFSET_HOURS)
}

/// Today's date in Beijing: every "today" of the platform (a date not in the
/// future, a default form date, an age) is this one, whatever the server's zone.
pub fn today_beijing() -> NaiveDate {
    beijing(Utc::now()).date()
}

/// The instant a Beijing day begins, in UTC.
pub fn beijing_midnight_utc(d: NaiveDate) -> DateTime<Utc> {
    let local = d.and_time(chrono::NaiveTime::MIN);
    local
        .checked_sub_signed(Duration::hours(BEIJING_OFFSET_HOURS))
        .unwrap_or(local)
        .and_utc()
}

/// Parses `2020-07-08`, `2020/7/8`, `2020.7.8`, `2020年7月8日`, `20200708`.
/// A trailing time (`2020-07-08 00:00:00`, as spreadsheets export) is ignored.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let text: String = input.trim().chars().map(half_width_char).collect();
    let date_part = match text.split_once([' ', 'T']) {
        Some((date, time)) if time.contains(':') => date,
        _ => text.as_str(),
    };
    in_range(parse_date_only(date_part).ok_or_else(|| MSG_DATE.to_string())?)
}

fn parse_date_only(s: &str) -> Option<NaiveDate> {
    let unified: String = s
        .trim()
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            c => c,
        })
        .collect();
    let is_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = unified.split('-').collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (*y, *m, *d),
        [all] if all.len() == 8 => (&all[..4], &all[4..6], &all[6..]),
        _ => return None,
    };
    if !(is_digits(y) && is_digits(m) && is_digits(d)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// An inclusive date range used for statistics and reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

/// The shape of a period, recovered from its bounds.
enum Shape {
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
    /// A run of whole calendar months (other than the above).
    Months(u32),
    Days,
}

impl Period {
    /// Parses `2020`, `2020Q4`, `2020-07` (or `2020年7月`), or `from..to` with
    /// two dates in any form accepted by [`parse_date`].
    pub fn parse(s: &str) -> Result<Period, String> {
        let text: String = s
            .chars()
            .map(half_width_char)
            .filter(|c| !c.is_whitespace())
            .collect();
        Self::parse_compact(&text).ok_or_else(|| MSG_PERIOD.to_string())
    }

    fn parse_compact(text: &str) -> Option<Period> {
        if let Some((a, b)) = text.split_once("..") {
            let (from, to) = (parse_date(a).ok()?, parse_date(b).ok()?);
            return (from <= to).then_some(Period { from, to });
        }
        let text = text.strip_suffix('年').unwrap_or(text);
        let year_of = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())?
                .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        };
        if let Some(y) = year_of(text) {
            return Some(Period::year(y));
        }
        if let Some((y, q)) = text.split_once(['Q', 'q']) {
            let y = year_of(y.trim_end_matches('-'))?;
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return month_span(y, (q - 1) * 3 + 1, 3);
        }
        let text = text.strip_suffix('月').unwrap_or(text);
        let (y, m) = text.split_once(['-', '/', '.', '年'])?;
        let m: u32 = (m.len() <= 2)
            .then(|| m.parse().ok())?
            .filter(|m| (1..=12).contains(m))?;
        month_span(year_of(y)?, m, 1)
    }

    /// The calendar year `y`. Years outside chrono's range are clamped.
    pub fn year(y: i32) -> Period {
        let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX);
        Period { from, to }
    }

    /// True when `d` falls inside the period (both ends inclusive).
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// The period of the same kind just before this one: previous year,
    /// quarter or month; for a run of whole months the same number of months
    /// before; otherwise the range of equal length ending the day before.
    pub fn previous(&self) -> Period {
        // Saturating arithmetic: only absurd hand-built periods reach chrono's limits.
        let day_before = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
        let months = match self.shape() {
            Shape::Year(_) => 12,
            Shape::Quarter(..) => 3,
            Shape::Month(..) => 1,
            Shape::Months(n) => n,
            Shape::Days => {
                let from = day_before.checked_sub_signed(self.to - self.from);
                return Period {
                    from: from.unwrap_or(NaiveDate::MIN),
                    to: day_before,
                };
            }
        };
        let from = self.from.checked_sub_months(Months::new(months));
        Period {
            from: from.unwrap_or(NaiveDate::MIN),
            to: day_before,
        }
    }

    /// Chinese label: `2020年`, `2020年第四季度`, `2020年7月`, `2020年3月1日至6月30日`.
    pub fn label(&self) -> String {
        match self.shape() {
            Shape::Year(y) => format!("{y}年"),
            Shape::Quarter(y, q) => format!("{y}年第{}季度", cn::numeral(q)),
            Shape::Month(y, m) => format!("{y}年{m}月"),
            Shape::Months(_) | Shape::Days if self.from == self.to => {
                format!("{}年{}", self.from.year(), cn::month_day(self.from))
            }
            Shape::Months(_) | Shape::Days => format!(
                "{}年{}至{}",
                self.from.year(),
                cn::month_day(self.from),
                cn::date_in_year(self.to, self.from.year())
            ),
        }
    }

    /// UTC instants bounding the period in Beijing time (UTC+8, no DST):
    /// `[from 00:00 +08:00, to+1 00:00 +08:00)`.
    pub fn utc_bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let end = self.to.succ_opt().unwrap_or(NaiveDate::MAX);
        (beijing_midnight_utc(self.from), beijing_midnight_utc(end))
    }

    /// The calendar months of the period (the first and last cut to the
    /// period's own days), up to `until` when the period runs past it ("the
    /// year so far"); a period not begun by `until` still has its first month.
    pub fn months_until(&self, until: NaiveDate) -> Vec<Period> {
        let last = self.to.min(until.max(self.from));
        let mut out = Vec::new();
        let mut m = self.from.with_day(1).unwrap_or(self.from);
        while m <= last {
            let end = m
                .checked_add_months(Months::new(1))
                .and_then(|n| n.pred_opt())
                .unwrap_or(NaiveDate::MAX);
            out.push(Period {
                from: m.max(self.from),
                to: end.min(self.to),
            });
            match end.succ_opt() {
                Some(n) => m = n,
                None => break,
            }
        }
        out
    }

    fn shape(&self) -> Shape {
        let (from, to) = (self.from, self.to);
        let whole_months = from.day() == 1 && to.succ_opt().is_none_or(|next| next.day() == 1);
        if !whole_months {
            return Shape::Days;
        }
        let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32 + 1;
        match months {
            12 if from.month() == 1 => Shape::Year(from.year()),
            3 if from.month() % 3 == 1 => Shape::Quarter(from.year(), from.month().div_ceil(3)),
            1 => Shape::Month(from.year(), from.month()),
            n => Shape::Months(n.unsigned_abs()),
        }
    }
}

/// `count` whole months starting at the first of (`y`, `m`).
fn month_span(y: i32, m: u32, count: u32) -> Option<Period> {
    let from = NaiveDate::from_ymd_opt(y, m, 1)?;
    let to = (from + Months::new(count)).pred_opt()?;
    Some(Period { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_of_a_past_year_are_twelve_and_the_current_year_stops_at_today() {
        let past = Period::year(2020).months_until(d(2026, 5, 3));
        assert_eq!(past.len(), 12);
        assert_eq!((past[1].from, past[1].to), (d(2020, 2, 1), d(2020, 2, 29)));
        let now = Period::year(2026).months_until(d(2026, 5, 3));
        assert_eq!(now.len(), 5);
        assert_eq!(now[4].to, d(2026, 5, 31));
        let range = Period {
            from: d(2020, 3, 15),
            to: d(2020, 4, 10),
        };
        let cut = range.months_until(d(2026, 1, 1));
        assert_eq!(
            cut.iter().map(|m| (m.from, m.to)).collect::<Vec<_>>(),
            vec![
                (d(2020, 3, 15), d(2020, 3, 31)),
                (d(2020, 4, 1), d(2020, 4, 10))
            ]
        );
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn common_date_spellings_parse_to_the_same_day() {
        for s in [
            "2020-07-08",
            "2020/7/8",
            "2020.7.8",
            "2020年7月8日",
            "20200708",
            " 2020-07-08 00:00:00 ",
            "２０２０－０７－０８",
        ] {
            assert_eq!(parse_date(s), Ok(d(2020, 7, 8)), "{s}");
        }
    }

    #[test]
    fn dates_outside_1900_to_2100_are_refused_with_the_range() {
        for text in ["0000-01-01", "1899-12-31", "2101-01-01", "9999-12-31"] {
            let e = parse_date(text).unwrap_err();
            assert!(e.contains("1900年至2100年"), "{text}: {e}");
        }
        assert_eq!(parse_date("1900-01-01"), Ok(d(1900, 1, 1)));
        assert_eq!(parse_date("2100-12-31"), Ok(d(2100, 12, 31)));
        assert!(Period::parse("0000").is_err());
        assert!(Period::parse("2101Q1").is_err());
        assert!(Period::parse("2020-01-01..2101-01-01").is_err());
    }

    #[test]
    fn impossible_or_malformed_dates_are_rejected() {
        for s in [
            "2019-02-29",
            "2020-13-01",
            "20-7-8",
            "2020-7",
            "abc",
            "",
            "2020-007-08",
        ] {
            assert_eq!(parse_date(s), Err(MSG_DATE.to_string()), "{s}");
        }
    }

    #[test]
    fn periods_parse_years_quarters_months_and_ranges() {
        assert_eq!(
            p("2020"),
            Period {
                from: d(2020, 1, 1),
                to: d(2020, 12, 31)
            }
        );
        assert_eq!(
            p("2020Q4"),
            Period {
                from: d(2020, 10, 1),
                to: d(2020, 12, 31)
            }
        );
        assert_eq!(
            p("2020-07"),
            Period {
                from: d(2020, 7, 1),
                to: d(2020, 7, 31)
            }
        );
        assert_eq!(
            p("2020年2月"),
            Period {
                from: d(2020, 2, 1),
                to: d(2020, 2, 29)
            }
        );
        assert_eq!(
            p("2020-03-01..2020-06-30"),
            Period {
                from: d(2020, 3, 1),
                to: d(2020, 6, 30)
            }
        );
    }

    #[test]
    fn reversed_ranges_and_bad_quarters_are_rejected() {
        for s in ["2020-06-30..2020-03-01", "2020Q5", "2020-13", "20", "今年"] {
            assert!(Period::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn previous_period_has_the_same_kind() {
        assert_eq!(p("2020").previous(), p("2019"));
        assert_eq!(p("2020Q1").previous(), p("2019Q4"));
        assert_eq!(p("2020-03").previous(), p("2020-02"));
        assert_eq!(
            p("2020-03-01..2020-06-30").previous(),
            p("2019-11-01..2020-02-29")
        );
        assert_eq!(
            p("2020-03-10..2020-03-19").previous(),
            p("2020-02-29..2020-03-09")
        );
    }

    #[test]
    fn labels_follow_chinese_house_style() {
        assert_eq!(p("2020").label(), "2020年");
        assert_eq!(p("2020Q4").label(), "2020年第四季度");
        assert_eq!(p("2020-07").label(), "2020年7月");
        assert_eq!(p("2020-03-01..2020-06-30").label(), "2020年3月1日至6月30日");
        assert_eq!(
            p("2019-12-01..2020-01-31").label(),
            "2019年12月1日至2020年1月31日"
        );
        assert_eq!(p("2020-03-05..2020-03-05").label(), "2020年3月5日");
    }

    #[test]
    fn contains_includes_both_ends() {
        let q = p("2020Q4");
        assert!(q.contains(d(2020, 10, 1)) && q.contains(d(2020, 12, 31)));
        assert!(!q.contains(d(2021, 1, 1)) && !q.contains(d(2020, 9, 30)));
    }

    #[test]
    fn utc_bounds_start_at_beijing_midnight() {
        let (start, end) = p("2020").utc_bounds();
        assert_eq!(start.to_rfc3339(), "2019-12-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2020-12-31T16:00:00+00:00");
    }
}
