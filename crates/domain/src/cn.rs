//! Chinese figure style for reviews (see spec/review.md): measure words,
//! approximate counts (500余名), money in 万/亿 (6.4万元, 逾百万元), percentages,
//! Chinese numerals and dates inside a year (7月8日).

use chrono::{Datelike, NaiveDate};

/// Measure word (量词) that follows a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// 名 — people
    Ming,
    /// 户 — households
    Hu,
    /// 个 — units
    Ge,
    /// 期 — sessions
    Qi,
    /// 篇 — articles
    Pian,
    /// 件 — cases, works
    Jian,
    /// 批次 — batches
    Pici,
    /// 份 — copies
    Fen,
    /// 场次 — consultations, shows
    Changci,
    /// 人 — people (in 人次 style sentences)
    Ren,
    /// 例 — medical or legal cases
    Li,
    /// 次 — times
    Ci,
    /// 家 — enterprises, families
    Jia,
}

impl Measure {
    /// The measure word itself.
    pub fn word(self) -> &'static str {
        match self {
            Measure::Ming => "名",
            Measure::Hu => "户",
            Measure::Ge => "个",
            Measure::Qi => "期",
            Measure::Pian => "篇",
            Measure::Jian => "件",
            Measure::Pici => "批次",
            Measure::Fen => "份",
            Measure::Changci => "场次",
            Measure::Ren => "人",
            Measure::Li => "例",
            Measure::Ci => "次",
            Measure::Jia => "家",
        }
    }
}

// Below this, counts are always stated exactly (house style).
const APPROX_FROM: u64 = 20;

/// Exact count: `12期`, `8个`.
pub fn count(n: u64, m: Measure) -> String {
    format!("{n}{}", m.word())
}

/// Lower-bound count for n ≥ 20, rounded down to a round value plus 余:
/// 36 → 30余期, 95 → 90余名, 523 → 500余名, 1234 → 1200余名, 12345 → 1.2万余名.
/// A value that is already round is stated plainly (500 → 500名).
pub fn count_approx(n: u64, m: Measure) -> String {
    if n < APPROX_FROM {
        return count(n, m);
    }
    // Tens below 100, hundreds below 1000, two significant digits above.
    let step = if n < 1000 {
        if n < 100 { 10 } else { 100 }
    } else {
        magnitude(n) / 10
    };
    let round = n / step * step;
    let more = if round == n { "" } else { "余" };
    format!("{}{more}{}", big_number(round), m.word())
}

/// Upper-bound count with 近 ("nearly"), rounded up: 188 → 近190人,
/// 95 → 近100名, 1234 → 近1300名. Counts below 20 and values that are already
/// round are stated exactly.
pub fn count_near(n: u64, m: Measure) -> String {
    if n < APPROX_FROM {
        return count(n, m);
    }
    // Two significant digits (tens below 1000).
    let step = if n < 1000 { 10 } else { magnitude(n) / 10 };
    let round = n.div_ceil(step) * step;
    if round == n {
        return count(n, m);
    }
    format!("近{}{}", big_number(round), m.word())
}

/// Largest power of ten ≤ n (n ≥ 1).
fn magnitude(n: u64) -> u64 {
    10u64.pow(n.ilog10())
}

/// 12000 → "1.2万", 230000 → "23万", 999 → "999".
fn big_number(n: u64) -> String {
    if n >= 10_000 {
        format!("{}万", decimal(n, 10_000, 2))
    } else {
        n.to_string()
    }
}

/// `value / unit` rendered with at most `places` decimals (truncated), trailing
/// zeros removed.
fn decimal(value: u64, unit: u64, places: u32) -> String {
    let scale = 10u64.pow(places);
    let scaled = u128::from(value) * u128::from(scale) / u128::from(unit);
    let (whole, frac) = (scaled / u128::from(scale), scaled % u128::from(scale));
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:0width$}", width = places as usize);
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// Money in house style: `1000元`, `1234.5元`, `29万元`, `6.4万元`,
/// `1.25万元`, `1.2亿元` (at most two decimals of the unit, rounded half up).
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    const WAN_FEN: u64 = 1_000_000;
    const YI_FEN: u64 = 10_000_000_000;
    if abs < WAN_FEN {
        return format!("{sign}{}元", decimal(abs, 100, 2));
    }
    // Round to the displayed precision first, so 9999.999万 becomes 1亿.
    let hundred_yuan = abs / 10_000 + u64::from(abs % 10_000 >= 5_000);
    if hundred_yuan < 1_000_000 {
        return format!("{sign}{}万元", decimal(hundred_yuan, 100, 2));
    }
    let million_yuan = abs / (YI_FEN / 100) + u64::from(abs % (YI_FEN / 100) >= YI_FEN / 200);
    format!("{sign}{}亿元", decimal(million_yuan, 100, 2))
}

/// A lower-bound phrase for totals: `逾千万元` (≥ 1000万), `逾百万元`
/// (> 100万), `逾29万元` (≥ 1万, rounded down), `1.5亿元`/`逾1亿元` above 1亿;
/// otherwise as [`money`]. Exact round amounts are stated without 逾.
pub fn money_over(fen: i64) -> String {
    const WAN: i64 = 1_000_000; // fen
    if fen < WAN {
        return money(fen);
    }
    let over = |unit: i64| if fen % unit == 0 { "" } else { "逾" };
    match fen {
        f if f >= 10_000 * WAN => format!("{}{}亿元", over(10_000 * WAN), f / (10_000 * WAN)),
        f if f == 1_000 * WAN => "1000万元".to_string(),
        f if f > 1_000 * WAN => "逾千万元".to_string(),
        f if f > 100 * WAN => "逾百万元".to_string(),
        f => format!("{}{}万元", over(WAN), f / WAN),
    }
}

/// Percentage with at most one decimal, rounded half up: `100%`, `87.5%`;
/// a zero denominator gives `0%`.
pub fn percent(num: u64, den: u64) -> String {
    if den == 0 {
        return "0%".into();
    }
    let (num, den) = (u128::from(num), u128::from(den));
    let tenths = (num * 2000 + den) / (2 * den);
    match tenths % 10 {
        0 => format!("{}%", tenths / 10),
        d => format!("{}.{d}%", tenths / 10),
    }
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Chinese numeral: 1 → 一, 10 → 十, 11 → 十一, 21 → 二十一, 105 → 一百零五,
/// 10001 → 一万零一.
pub fn numeral(n: u32) -> String {
    if n == 0 {
        return DIGITS[0].into();
    }
    let groups = [
        (n / 100_000_000, "亿"),
        (n / 10_000 % 10_000, "万"),
        (n % 10_000, ""),
    ];
    let mut out = String::new();
    let mut gap = false;
    for (group, unit) in groups {
        if group == 0 {
            gap = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (gap || group < 1000) {
            out.push_str(DIGITS[0]);
        }
        out.push_str(&section(group));
        out.push_str(unit);
        gap = false;
    }
    // 一十 → 十 at the very start (十一, 十万), but not inside (一百一十).
    match out.strip_prefix("一十") {
        Some(rest) => format!("十{rest}"),
        None => out,
    }
}

/// Numeral for 1..=9999 without leading 零.
fn section(n: u32) -> String {
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    let mut out = String::new();
    let mut zero = false;
    for pos in (0..4).rev() {
        let d = (n / 10u32.pow(pos) % 10) as usize;
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push_str(DIGITS[0]);
            zero = false;
        }
        out.push_str(DIGITS[d]);
        out.push_str(UNITS[pos as usize]);
    }
    out
}

/// `7月8日`.
pub fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// `7月8日` when `d` is in `year`, else `2019年7月8日`.
pub fn date_in_year(d: NaiveDate, year: i32) -> String {
    if d.year() == year {
        month_day(d)
    } else {
        format!("{}年{}", d.year(), month_day(d))
    }
}

/// `9月21日`, `9月21日-23日`, `9月21日-10月2日`; across years both ends carry
/// the year (`2019年12月30日-2020年1月2日`).
pub fn day_range(from: NaiveDate, to: NaiveDate) -> String {
    if from == to {
        month_day(from)
    } else if from.year() != to.year() {
        format!(
            "{}年{}-{}年{}",
            from.year(),
            month_day(from),
            to.year(),
            month_day(to)
        )
    } else if from.month() == to.month() {
        format!("{}-{}日", month_day(from), to.day())
    } else {
        format!("{}-{}", month_day(from), month_day(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn exact_counts_carry_the_measure_word() {
        assert_eq!(count(12, Measure::Qi), "12期");
        assert_eq!(count(8, Measure::Ge), "8个");
        assert_eq!(count(10, Measure::Pici), "10批次");
    }

    #[test]
    fn approximate_counts_round_down_and_add_yu() {
        assert_eq!(count_approx(523, Measure::Ming), "500余名");
        assert_eq!(count_approx(117, Measure::Jian), "100余件");
        assert_eq!(count_approx(95, Measure::Ming), "90余名");
        assert_eq!(count_approx(1234, Measure::Ming), "1200余名");
        assert_eq!(count_approx(36, Measure::Qi), "30余期");
        assert_eq!(count_approx(12345, Measure::Ren), "1.2万余人");
    }

    #[test]
    fn approximate_counts_stay_exact_when_small_or_already_round() {
        assert_eq!(count_approx(19, Measure::Hu), "19户");
        assert_eq!(count_approx(500, Measure::Ming), "500名");
        assert_eq!(count_approx(20, Measure::Ming), "20名");
        assert_eq!(count_approx(230_000, Measure::Ren), "23万人");
    }

    #[test]
    fn near_counts_round_up_with_jin() {
        assert_eq!(count_near(188, Measure::Ren), "近190人");
        assert_eq!(count_near(95, Measure::Ming), "近100名");
        assert_eq!(count_near(1234, Measure::Ming), "近1300名");
        assert_eq!(count_near(190, Measure::Ren), "190人");
        assert_eq!(count_near(7, Measure::Ren), "7人");
    }

    #[test]
    fn money_below_ten_thousand_is_in_yuan() {
        assert_eq!(money(100_000), "1000元");
        assert_eq!(money(123_450), "1234.5元");
        assert_eq!(money(5), "0.05元");
        assert_eq!(money(-100_000), "-1000元");
    }

    #[test]
    fn money_from_ten_thousand_is_in_wan_and_yi() {
        assert_eq!(money(29_000_000), "29万元");
        assert_eq!(money(6_400_000), "6.4万元");
        assert_eq!(money(1_250_000), "1.25万元");
        assert_eq!(money(1_234_567), "1.23万元");
        assert_eq!(money(12_000_000_000), "1.2亿元");
        assert_eq!(money(9_999_999_999), "1亿元");
    }

    #[test]
    fn money_over_states_a_lower_bound() {
        assert_eq!(money_over(105_000_000), "逾百万元");
        assert_eq!(money_over(1_500_000_000), "逾千万元");
        assert_eq!(money_over(29_050_000), "逾29万元");
        assert_eq!(money_over(29_000_000), "29万元");
        assert_eq!(money_over(100_000_000), "100万元");
        assert_eq!(money_over(50_000), "500元");
        assert_eq!(money_over(25_000_000_000), "逾2亿元");
    }

    #[test]
    fn percentages_keep_at_most_one_decimal() {
        assert_eq!(percent(12, 12), "100%");
        assert_eq!(percent(7, 8), "87.5%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(5, 0), "0%");
    }

    #[test]
    fn chinese_numerals_follow_spoken_form() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1001, "一千零一"),
            (10_001, "一万零一"),
            (100_000, "十万"),
            (1_001_000, "一百万一千"),
            (100_001_000, "一亿零一千"),
            (0, "零"),
        ];
        for (n, text) in cases {
            assert_eq!(numeral(n), text, "{n}");
        }
    }

    #[test]
    fn dates_inside_the_year_omit_the_year() {
        assert_eq!(month_day(d(2020, 7, 8)), "7月8日");
        assert_eq!(date_in_year(d(2020, 7, 8), 2020), "7月8日");
        assert_eq!(date_in_year(d(2019, 7, 8), 2020), "2019年7月8日");
    }

    #[test]
    fn day_ranges_drop_repeated_month() {
        assert_eq!(day_range(d(2020, 9, 21), d(2020, 9, 21)), "9月21日");
        assert_eq!(day_range(d(2020, 9, 21), d(2020, 9, 23)), "9月21日-23日");
        assert_eq!(day_range(d(2020, 9, 21), d(2020, 10, 2)), "9月21日-10月2日");
        assert_eq!(
            day_range(d(2019, 12, 30), d(2020, 1, 2)),
            "2019年12月30日-2020年1月2日"
        );
    }
}
