//! Mobile and landline telephone numbers.

use crate::search::half_width_char;

const MSG_FORMAT: &str = "手机号格式不正确（应为11位手机号或区号-座机号）";

/// A validated phone number: either an 11-digit mainland mobile number
/// (`13812345678`) or a landline in `区号-号码` form (`0717-1234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Normalises and validates. Spaces, dashes and brackets are dropped from
    /// mobile numbers, as is a `+86` / `0086` / `86` prefix in front of 11 digits.
    pub fn parse(input: &str) -> Result<Phone, String> {
        let cleaned: String = input
            .chars()
            .map(half_width_char)
            .filter(|c| !c.is_whitespace())
            .collect();
        let digits: String = cleaned
            .chars()
            .filter(|c| !matches!(c, '-' | '(' | ')'))
            .collect();
        let national = strip_country_code(&digits);
        if is_mobile(national) {
            return Ok(Phone(national.to_string()));
        }
        landline(&cleaned, &digits)
            .map(Phone)
            .ok_or_else(|| MSG_FORMAT.to_string())
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mobile: `138****5678`. Landline: area code kept, last 2 digits kept
    /// (`0717-*****67`).
    pub fn masked(&self) -> String {
        match self.0.split_once('-') {
            Some((area, local)) => {
                let keep = &local[local.len() - 2..];
                format!("{area}-{}{keep}", "*".repeat(local.len() - 2))
            }
            None => format!("{}****{}", &self.0[..3], &self.0[7..]),
        }
    }
}

fn strip_country_code(digits: &str) -> &str {
    for prefix in ["+86", "0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix)
            && rest.len() == 11
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return rest;
        }
    }
    digits
}

/// `^1[3-9]\d{9}$`
fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Landline: `0` + 2–3 digit area code + 7–8 digit local number. The area
/// code is taken from the user's separator if there is one; otherwise the
/// national plan decides (010 and 02x are the only 3-digit area codes).
fn landline(cleaned: &str, digits: &str) -> Option<String> {
    if !digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let separated = cleaned
        .trim_start_matches('(')
        .split_once(['-', ')'])
        .map(|(area, _)| area.len());
    let area_len = match separated {
        Some(len) => len,
        None if matches!(digits.as_bytes().get(1), Some(b'1' | b'2')) => 3,
        None => 4,
    };
    // A separator may appear only once (no extensions).
    let separators = cleaned
        .chars()
        .filter(|c| matches!(c, '-' | '(' | ')'))
        .count();
    let max_separators = if cleaned.starts_with('(') { 2 } else { 1 };
    if separators > max_separators || !(3..=4).contains(&area_len) || digits.len() <= area_len {
        return None;
    }
    let (area, local) = digits.split_at(area_len);
    if !(7..=8).contains(&local.len()) {
        return None;
    }
    Some(format!("{area}-{local}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Phone::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {e}"))
            .as_str()
            .to_string()
    }

    #[test]
    fn mobile_number_with_spaces_and_dashes_is_normalised() {
        assert_eq!(ok(" 138 1234 5678 "), "13812345678");
        assert_eq!(ok("138-1234-5678"), "13812345678");
        assert_eq!(ok("１３８１２３４５６７８"), "13812345678");
    }

    #[test]
    fn country_code_prefixes_are_removed() {
        assert_eq!(ok("+86 138 1234 5678"), "13812345678");
        assert_eq!(ok("008613812345678"), "13812345678");
        assert_eq!(ok("8613812345678"), "13812345678");
    }

    #[test]
    fn mobile_numbers_with_bad_prefix_or_length_are_rejected() {
        for bad in ["12812345678", "1381234567", "138123456789", "abc", ""] {
            assert_eq!(Phone::parse(bad), Err(MSG_FORMAT.to_string()), "{bad}");
        }
    }

    #[test]
    fn landline_is_kept_in_area_dash_number_form() {
        assert_eq!(ok("0717-1234567"), "0717-1234567");
        assert_eq!(ok("07171234567"), "0717-1234567");
        assert_eq!(ok("(0717)12345678"), "0717-12345678");
        assert_eq!(ok("010-12345678"), "010-12345678");
        assert_eq!(ok("02112345678"), "021-12345678");
    }

    #[test]
    fn landline_with_short_number_or_extension_is_rejected() {
        for bad in [
            "0717-12345",
            "0717-1234567-801",
            "07-1234567",
            "717-1234567",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masking_hides_the_middle_of_mobiles_and_the_body_of_landlines() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(
            Phone::parse("0717-1234567").unwrap().masked(),
            "0717-*****67"
        );
    }
}
