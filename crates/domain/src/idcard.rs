//! Resident identity card numbers (居民身份证号码, GB 11643-1999).

use chrono::{Datelike, NaiveDate};

use crate::search::half_width_char;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";
// Real cards exist for people born in the 1880s (see the GB test vectors), so
// the lower bound is generous rather than 1900.
const EARLIEST_BIRTH_YEAR: i32 = 1850;

const MSG_EMPTY: &str = "身份证号为空";
const MSG_EXCEL: &str = "身份证号被Excel存成了数字，精度已丢失，请把该列设为文本后重新填写";
const MSG_LENGTH: &str = "身份证号应为18位（或15位旧号）";
const MSG_CHARS: &str = "身份证号含有非法字符";
const MSG_DATE: &str = "身份证号出生日期无效";
const MSG_CHECK: &str = "身份证号校验位错误";
const MSG_ADDRESS: &str = "身份证号前6位地址码无效";

/// A validated identity number in canonical form: 18 characters, the check
/// character an uppercase `X` when it is ten. Legacy 15-digit numbers are
/// converted on parse.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Sex as encoded in the identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    /// "男" or "女".
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    /// "M" or "F", as stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    /// Inverse of [`Sex::code`] (case-insensitive, trimmed).
    pub fn from_code(code: &str) -> Option<Sex> {
        match code.trim() {
            "M" | "m" => Some(Sex::Male),
            "F" | "f" => Some(Sex::Female),
            _ => None,
        }
    }

    /// Inverse of [`Sex::label`] (trimmed).
    pub fn from_label(label: &str) -> Option<Sex> {
        match label.trim() {
            "男" => Some(Sex::Male),
            "女" => Some(Sex::Female),
            _ => None,
        }
    }
}

impl IdNumber {
    /// Parses and validates, judging the birth date against today in Beijing.
    pub fn parse(input: &str) -> Result<IdNumber, String> {
        Self::parse_as_of(input, crate::date::today_beijing())
    }

    /// Parses and validates; a birth date after `today` is rejected.
    pub fn parse_as_of(input: &str, today: NaiveDate) -> Result<IdNumber, String> {
        let cleaned: String = input
            .chars()
            .map(half_width_char)
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == 'x' { 'X' } else { c })
            .collect();
        if cleaned.is_empty() {
            return Err(MSG_EMPTY.into());
        }
        // Excel turns long digit strings into floats ("4.20527E+17"); the last
        // digits are gone for good, so say so instead of "illegal character".
        let upper = cleaned.to_ascii_uppercase();
        if upper.contains('.') || upper.contains("E+") {
            return Err(MSG_EXCEL.into());
        }
        if !cleaned.chars().all(|c| c.is_ascii_digit() || c == 'X') {
            return Err(MSG_CHARS.into());
        }
        let body: String = match cleaned.len() {
            18 => cleaned[..17].to_string(),
            // Legacy numbers: YYMMDD always means 19YY.
            15 => format!("{}19{}", &cleaned[..6], &cleaned[6..]),
            _ => return Err(MSG_LENGTH.into()),
        };
        if body.contains('X') || (cleaned.len() == 15 && cleaned.contains('X')) {
            return Err(MSG_CHARS.into());
        }
        if body.starts_with('0') {
            return Err(MSG_ADDRESS.into());
        }
        let birth = birth_date_of(&body).ok_or_else(|| MSG_DATE.to_string())?;
        if birth.year() < EARLIEST_BIRTH_YEAR || birth > today {
            return Err(MSG_DATE.into());
        }
        let check = check_char(&body);
        if cleaned.len() == 18 && cleaned.as_bytes()[17] != check {
            return Err(MSG_CHECK.into());
        }
        let mut canonical = body;
        canonical.push(check as char);
        Ok(IdNumber(canonical))
    }

    /// The canonical 18-character form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Sex from the 17th digit: odd is male, even is female.
    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes()[16] - b'0';
        if digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Birth date from digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // The date was validated in parse_as_of, so this cannot fail.
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// Age in whole years on day `d` (0 if `d` is before the birth date).
    pub fn age_on(&self, d: NaiveDate) -> u32 {
        let birth = self.birth_date();
        d.years_since(birth).unwrap_or(0)
    }

    /// The region code and the check character with 11 stars between:
    /// `420527***********X`. The old mask (first 6 and last 4) hid exactly the
    /// birth date, which pages showed beside it; this one, with the birth year
    /// and sex that pages show, leaves ≥ 10,000 candidates (see
    /// [`candidates_for_mask`] and docs/security.md §2).
    pub fn masked(&self) -> String {
        format!("{}***********{}", &self.0[..6], &self.0[17..])
    }

    /// Year of birth from digits 7–10.
    pub fn birth_year(&self) -> i32 {
        self.birth_date().year()
    }
}

/// Age counted by calendar year only (`today`'s year minus the birth year):
/// what a page may show without a logged reveal, since it tells nothing
/// beyond the birth year. Within a year it is the exact age or one more.
pub fn age_by_year(birth_year: i32, today: NaiveDate) -> u32 {
    (today.year() - birth_year).max(0) as u32
}

/// True when someone born in `birth_year` is, or may still be, under 18
/// today. Judged by the year alone, so the day a name stops being masked
/// never gives the birthday away: in the year of her 18th birthday a person
/// still counts as a child (on the safe side) until the next 1 January.
pub fn may_be_minor(birth_year: i32, today: NaiveDate) -> bool {
    today.year() - birth_year <= 18
}

/// How many valid 18-character numbers fit a mask (`*` = unknown) given the
/// birth year and sex that are shown beside it: every date of that year,
/// every sequence number of that sex, checked against the mask's visible
/// characters and the check character. A birth date outside the mask's
/// visible digits is not assumed known. Used by the tests that hold masks to
/// the ≥ 10,000 rule.
pub fn candidates_for_mask(mask: &str, birth_year: i32, sex: Sex) -> u64 {
    let m: Vec<u8> = mask.bytes().collect();
    if m.len() != 18 {
        return 0;
    }
    let fits = |i: usize, c: u8| m[i] == b'*' || m[i] == c;
    let region = &m[..6];
    if region.iter().any(|c| !c.is_ascii_digit()) {
        // An unknown region is far more than 10,000 on its own.
        return u64::MAX;
    }
    let year = format!("{birth_year:04}");
    if !year.bytes().enumerate().all(|(i, c)| fits(6 + i, c)) {
        return 0;
    }
    let mut n = 0;
    let mut d = match NaiveDate::from_ymd_opt(birth_year, 1, 1) {
        Some(d) => d,
        None => return 0,
    };
    while d.year() == birth_year {
        let md = d.format("%m%d").to_string();
        if md.bytes().enumerate().all(|(i, c)| fits(10 + i, c)) {
            for seq in 0..1000u32 {
                let s = format!("{seq:03}");
                let odd = (seq % 10) % 2 == 1;
                if odd != (sex == Sex::Male) {
                    continue;
                }
                if !s.bytes().enumerate().all(|(i, c)| fits(14 + i, c)) {
                    continue;
                }
                let mut body = String::with_capacity(18);
                body.push_str(std::str::from_utf8(region).unwrap_or_default());
                body.push_str(&year);
                body.push_str(&md);
                body.push_str(&s);
                if fits(17, check_char(&body)) {
                    n += 1;
                }
            }
        }
        d = match d.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    n
}

/// Birth date encoded at positions 7–14 of an 17- or 18-digit string.
fn birth_date_of(digits: &str) -> Option<NaiveDate> {
    let year = digits.get(6..10)?.parse().ok()?;
    let month = digits.get(10..12)?.parse().ok()?;
    let day = digits.get(12..14)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// ISO 7064 MOD 11-2 check character over the first 17 digits.
/// The GB 11643 check character of a 17-digit body, or None when `body` is
/// not 17 ASCII digits.
pub fn check_char_of(body: &str) -> Option<char> {
    (body.len() == 17 && body.bytes().all(|b| b.is_ascii_digit())).then(|| check_char(body) as char)
}

/// A full 18-character number from its 17-digit body (test fixtures, synthetic
/// data); panics on a body that isn't 17 digits, which is a caller's bug.
pub fn with_check_char(body: &str) -> String {
    let check = check_char_of(body).expect("a 17-digit identity number body");
    format!("{body}{check}")
}

fn check_char(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_character_comes_from_the_seventeen_digit_body_only() {
        assert_eq!(check_char_of("11010519491231002"), Some('X'));
        assert_eq!(with_check_char("42052719850315002"), "42052719850315002X");
        assert_eq!(check_char_of("4205271985031500"), None);
        assert_eq!(check_char_of("4205271985031500A"), None);
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
    }

    fn parse(s: &str) -> Result<IdNumber, String> {
        IdNumber::parse_as_of(s, today())
    }

    #[test]
    fn published_test_vectors_are_valid_with_the_right_sex() {
        let cases = [
            ("11010519491231002X", Sex::Female),
            ("440524188001010014", Sex::Male),
            ("42052719850315002X", Sex::Female),
            ("420527199001010013", Sex::Male),
        ];
        for (input, sex) in cases {
            let id = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(id.as_str(), input);
            assert_eq!(id.sex(), sex, "{input}");
        }
    }

    #[test]
    fn birth_date_and_age_come_from_the_number() {
        let id = parse("42052719850315002X").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1985, 3, 15).unwrap()
        );
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2020, 3, 14).unwrap()), 34);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2020, 3, 15).unwrap()), 35);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()), 0);
    }

    #[test]
    fn lowercase_x_and_spaces_are_normalised() {
        let id = parse(" 420527 19850315 002x ").unwrap();
        assert_eq!(id.as_str(), "42052719850315002X");
    }

    #[test]
    fn legacy_fifteen_digit_number_converts_to_canonical_eighteen() {
        assert_eq!(
            parse("420527850315002").unwrap().as_str(),
            "42052719850315002X"
        );
        assert_eq!(
            parse("110105491231002").unwrap().as_str(),
            "11010519491231002X"
        );
        // Hand-checked: Σ aᵢWᵢ over 42052719900101001 is 196; 196 mod 11 = 9 → "10X98765432"[9] = '3'.
        assert_eq!(
            parse("420527900101001").unwrap().as_str(),
            "420527199001010013"
        );
    }

    #[test]
    fn id_number_with_wrong_check_digit_is_rejected() {
        assert_eq!(parse("420527199001010014"), Err(MSG_CHECK.to_string()));
        assert_eq!(parse("110105194912310021"), Err(MSG_CHECK.to_string()));
    }

    #[test]
    fn impossible_birth_date_is_rejected() {
        // 1999-02-30 does not exist; the check char is recomputed so only the date is wrong.
        let body = "42052719990230002";
        let input = format!("{body}{}", check_char(body) as char);
        assert_eq!(parse(&input), Err(MSG_DATE.to_string()));
    }

    #[test]
    fn birth_date_in_the_future_or_before_1850_is_rejected() {
        for body in ["42052720210102002", "42052718491231002"] {
            let input = format!("{body}{}", check_char(body) as char);
            assert_eq!(parse(&input), Err(MSG_DATE.to_string()), "{input}");
        }
    }

    #[test]
    fn excel_scientific_notation_gets_a_specific_message() {
        for input in [
            "4.20527E+17",
            "4.20527199001010E+17",
            "420527199001010000.0",
            "4.2e+17",
        ] {
            assert_eq!(parse(input), Err(MSG_EXCEL.to_string()), "{input}");
        }
    }

    #[test]
    fn wrong_length_illegal_chars_and_empty_input_have_their_own_messages() {
        assert_eq!(parse("4205271990"), Err(MSG_LENGTH.to_string()));
        assert_eq!(parse("42052719900101001A"), Err(MSG_CHARS.to_string()));
        assert_eq!(parse("4205271990X1010013"), Err(MSG_CHARS.to_string()));
        assert_eq!(parse("   "), Err(MSG_EMPTY.to_string()));
    }

    #[test]
    fn address_code_starting_with_zero_is_rejected() {
        let body = "02052719900101001";
        let input = format!("{body}{}", check_char(body) as char);
        assert_eq!(parse(&input), Err(MSG_ADDRESS.to_string()));
    }

    #[test]
    fn masked_form_keeps_the_region_and_the_check_character() {
        assert_eq!(
            parse("42052719850315002X").unwrap().masked(),
            "420527***********X"
        );
    }

    #[test]
    fn the_mask_with_birth_year_and_sex_leaves_ten_thousand_candidates() {
        // Every check character, both sexes, a leap year and a common one.
        for (input, year) in [
            ("42052719850315002X", 1985),
            ("420527199001010013", 1990),
            ("110105200002290021", 2000),
        ] {
            let id = parse(&fix_check(input)).unwrap();
            let n = candidates_for_mask(&id.masked(), year, id.sex());
            assert!(n >= 10_000, "{input}: {n}");
        }
        for check in "0123456789X".bytes() {
            let mask = format!("420527***********{}", check as char);
            for sex in [Sex::Male, Sex::Female] {
                let n = candidates_for_mask(&mask, 1985, sex);
                assert!(n >= 10_000, "{mask} {sex:?}: {n}");
            }
        }
        // The old mask beside a shown birth date: one candidate.
        let old = "42052719850315002X";
        assert_eq!(candidates_for_mask(old, 1985, Sex::Female), 1);
    }

    #[test]
    fn age_and_childhood_are_judged_by_the_birth_year_alone() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(age_by_year(1985, d), 41);
        assert!(may_be_minor(2008, d));
        assert!(!may_be_minor(2007, d));
        assert!(may_be_minor(2020, d));
    }

    fn fix_check(s: &str) -> String {
        let body = &s[..17];
        format!("{body}{}", check_char(body) as char)
    }

    #[test]
    fn sex_codes_and_labels_round_trip() {
        assert_eq!(Sex::from_code(Sex::Female.code()), Some(Sex::Female));
        assert_eq!(Sex::from_label("男"), Some(Sex::Male));
        assert_eq!(Sex::Male.label(), "男");
        assert_eq!(Sex::from_code("X"), None);
    }
}
