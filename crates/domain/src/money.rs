//! Money amounts, held as integer fen (分) so sums are exact.

use std::fmt;

use crate::search::half_width_char;

/// An amount of money in fen (1 元 = 100 分).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Fen(pub i64);

impl Fen {
    /// Parses an amount in yuan as users type it: `290000`, `290,000`,
    /// `1000.5`, `￥1000`, `1000元`, `29万`, `6.4万元`, full-width digits.
    /// Negative amounts and fractions of a fen are rejected.
    pub fn parse_yuan(input: &str) -> Result<Fen, String> {
        let cleaned: String = input
            .chars()
            .map(half_width_char)
            .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
            .collect();
        if cleaned.is_empty() {
            return Err("金额格式不正确：未填写".into());
        }
        let s = cleaned.trim_start_matches(['￥', '¥']);
        let s = s.strip_prefix("RMB").unwrap_or(s);
        let s = s.strip_suffix('元').unwrap_or(s);
        let (number, scale) = match s.strip_suffix('万') {
            Some(rest) => (rest, 4),
            None => (s, 0),
        };
        if number.starts_with('-') {
            return Err("金额格式不正确：不能为负数".into());
        }
        decimal_to_fen(number, scale)
            .map(Fen)
            .map_err(|reason| format!("金额格式不正确：{reason}（“{}”）", input.trim()))
    }

    /// The amount in yuan, for JSON output (at most 2 decimals by construction).
    pub fn yuan(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Converts a yuan amount read as a number (e.g. from a spreadsheet cell).
    /// Rejects NaN, infinities, negatives and more than 2 decimals.
    pub fn from_yuan_f64(y: f64) -> Result<Fen, String> {
        if !y.is_finite() {
            return Err("金额格式不正确：不是有效数字".into());
        }
        if y == 0.0 {
            // Also covers -0.0, whose text form would start with '-'.
            return Ok(Fen(0));
        }
        if y < 0.0 {
            return Err("金额格式不正确：不能为负数".into());
        }
        // Display for f64 prints the shortest decimal that round-trips, so
        // 1000.1 stays "1000.1" and can be checked exactly as text.
        decimal_to_fen(&format!("{y}"), 0)
            .map(Fen)
            .map_err(|r| format!("金额格式不正确：{r}"))
    }
}

/// Converts unsigned decimal text times 10^`scale` yuan into fen.
fn decimal_to_fen(text: &str, scale: u32) -> Result<i64, &'static str> {
    let (int_part, frac_part) = text.split_once('.').unwrap_or((text, ""));
    let frac_part = frac_part.trim_end_matches('0');
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty() || !is_digits(int_part) || !is_digits(frac_part)
    {
        return Err("不是有效数字");
    }
    let exponent = 2 + scale; // fen per yuan, times 万 if present
    if frac_part.len() > exponent as usize {
        return Err("最多精确到分（两位小数）");
    }
    let too_big = "金额过大";
    let int_value: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| too_big)?
    };
    let frac_value: i64 = if frac_part.is_empty() {
        0
    } else {
        frac_part.parse().map_err(|_| too_big)?
    };
    let frac_scale = 10_i64.pow(exponent - frac_part.len() as u32);
    int_value
        .checked_mul(10_i64.pow(exponent))
        .and_then(|v| v.checked_add(frac_value * frac_scale))
        .ok_or(too_big)
}

impl fmt::Display for Fen {
    /// Yuan with exactly two decimals: `1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(s: &str) -> i64 {
        Fen::parse_yuan(s).unwrap_or_else(|e| panic!("{s}: {e}")).0
    }

    #[test]
    fn plain_and_grouped_amounts_parse_to_fen() {
        assert_eq!(fen("290000"), 29_000_000);
        assert_eq!(fen("290,000"), 29_000_000);
        assert_eq!(fen("1000.5"), 100_050);
        assert_eq!(fen("0.05"), 5);
        assert_eq!(fen(".5"), 50);
    }

    #[test]
    fn currency_signs_and_units_are_understood() {
        assert_eq!(fen("￥1000"), 100_000);
        assert_eq!(fen("1000元"), 100_000);
        assert_eq!(fen("29万"), 29_000_000);
        assert_eq!(fen("6.4万"), 6_400_000);
        assert_eq!(fen("29万元"), 29_000_000);
        assert_eq!(fen("１，０００．５元"), 100_050);
        assert_eq!(fen("1.234567万"), 1_234_567);
    }

    #[test]
    fn negative_fractional_fen_and_garbage_are_rejected() {
        for bad in [
            "-5",
            "1.234",
            "1.2345678万",
            "abc",
            "12元5角",
            "",
            "1.2.3",
            ".",
        ] {
            let err = Fen::parse_yuan(bad).unwrap_err();
            assert!(err.starts_with("金额格式不正确："), "{bad}: {err}");
        }
        assert!(Fen::parse_yuan("-5").unwrap_err().contains("负数"));
    }

    #[test]
    fn trailing_zero_decimals_are_not_extra_precision() {
        assert_eq!(fen("12.500"), 1250);
    }

    #[test]
    fn huge_amounts_report_overflow_instead_of_panicking() {
        assert!(
            Fen::parse_yuan("99999999999999999999")
                .unwrap_err()
                .contains("金额过大")
        );
    }

    #[test]
    fn float_input_is_accepted_only_with_two_decimals_or_fewer() {
        assert_eq!(Fen::from_yuan_f64(1000.1), Ok(Fen(100_010)));
        assert_eq!(Fen::from_yuan_f64(0.07), Ok(Fen(7)));
        assert_eq!(Fen::from_yuan_f64(290000.0), Ok(Fen(29_000_000)));
        assert!(Fen::from_yuan_f64(0.125).is_err());
        assert!(Fen::from_yuan_f64(f64::NAN).is_err());
        assert!(Fen::from_yuan_f64(-1.0).is_err());
    }

    #[test]
    fn display_always_shows_two_decimals() {
        assert_eq!(Fen(123_450).to_string(), "1234.50");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(-1230).to_string(), "-12.30");
        assert_eq!(Fen(29_000_000).yuan(), 290000.0);
    }
}
