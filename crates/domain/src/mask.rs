//! Masking of personal information for lists, exports and public notices
//! (PIPL: show the minimum; plaintext only with the 查看敏感信息 permission).

use crate::phone::Phone;

/// 张小梅 → 张*梅, 王平 → 王*, 欧阳小梅 → 欧**梅, a single character → `*`.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// A child's name in rosters and exports: the surname (first character)
/// and one star, `王小红` → `王*`, whatever the name's length.
pub fn mask_child_name(name: &str) -> String {
    match name.trim().chars().next() {
        Some(first) => format!("{first}*"),
        None => String::new(),
    }
}

/// Identity number: the region code (first 6) and the check character kept
/// (`420527***********X`), like [`crate::idcard::IdNumber::masked`]. The birth
/// date and sequence stay hidden, so with the birth year and sex shown beside
/// it at least ~16,000 numbers remain possible (docs/security.md §2). Works on
/// unvalidated text too, so a bad value never leaks in full.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    let (head, tail) = match n {
        15.. => (6, 1),
        5..=14 => (0, 1),
        _ => (0, 0),
    };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// Rewrites every identity-number mask of the old form (first 6, 8 stars,
/// last 4: `420527********002X`) found in `text` to the current one
/// (`420527***********X`); `None` when there is none. The old form hid only
/// the birth date, so kept beside a birth year it leaves ~365 candidates:
/// the migration to the current masks rewrites the copies stored in audit
/// rows with this.
pub fn remask_legacy_ids(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let is_digit = |c: u8| c.is_ascii_digit();
    let at = |i: usize| -> bool {
        i + 18 <= b.len()
            && b[i..i + 6].iter().all(|c| is_digit(*c))
            && b[i + 6..i + 14].iter().all(|c| *c == b'*')
            && b[i + 14..i + 17].iter().all(|c| is_digit(*c))
            && (is_digit(b[i + 17]) || b[i + 17] == b'X')
            // Not the tail of a longer run of digits or stars.
            && (i == 0 || !(is_digit(b[i - 1]) || b[i - 1] == b'*'))
    };
    let mut out = Vec::with_capacity(b.len());
    let (mut i, mut changed) = (0, false);
    while i < b.len() {
        if at(i) {
            out.extend_from_slice(&b[i..i + 6]);
            out.extend_from_slice(b"***********");
            out.push(b[i + 17]);
            i += 18;
            changed = true;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Only ASCII was replaced by ASCII, so the bytes are still UTF-8.
    changed.then(|| String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// Phone: `138****5678`, landline `0717-*****67`; unparseable text keeps at
/// most its first 3 and last 4 characters.
pub fn mask_phone(p: &str) -> String {
    if let Ok(phone) = Phone::parse(p) {
        return phone.masked();
    }
    let chars: Vec<char> = p.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    if n < 8 {
        return "*".repeat(n);
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[n - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 7))
}

/// Bank card: only the last 4 digits, `****1234`.
pub fn mask_bank_card(c: &str) -> String {
    let chars: Vec<char> = c.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let n = chars.len();
    if n <= 4 {
        return "****".into();
    }
    let tail: String = chars[n - 4..].iter().collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_first_and_last_character_only() {
        assert_eq!(mask_name("张小梅"), "张*梅");
        assert_eq!(mask_name("王平"), "王*");
        assert_eq!(mask_name("欧阳小梅"), "欧**梅");
        assert_eq!(mask_name("梅"), "*");
        assert_eq!(mask_name("  "), "");
    }

    #[test]
    fn id_numbers_keep_the_region_and_the_check_character_only() {
        assert_eq!(mask_id("42052719850315002X"), "420527***********X");
        assert_eq!(mask_id("420527850315002"), "420527********2");
        assert_eq!(mask_id("4205271985031"), "************1");
        assert_eq!(mask_id("12345"), "****5");
        assert_eq!(mask_id("123"), "***");
    }

    #[test]
    fn legacy_id_masks_in_text_are_rewritten_and_others_left_alone() {
        let json = r#"{"id_masked":"420527********002X","n":"王*","x":"1420527********0021"}"#;
        assert_eq!(
            remask_legacy_ids(json).as_deref(),
            Some(r#"{"id_masked":"420527***********X","n":"王*","x":"1420527********0021"}"#)
        );
        assert_eq!(remask_legacy_ids("登记人员「张*梅」"), None);
        assert_eq!(remask_legacy_ids("420527***********X"), None);
    }

    #[test]
    fn a_child_is_shown_by_surname_and_one_star() {
        assert_eq!(mask_child_name("王小红"), "王*");
        assert_eq!(mask_child_name("欧阳小梅"), "欧*");
        assert_eq!(mask_child_name(" 梅 "), "梅*");
        assert_eq!(mask_child_name(""), "");
    }

    #[test]
    fn phones_are_masked_whether_or_not_they_parse() {
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("0717-1234567"), "0717-*****67");
        assert_eq!(mask_phone("999123456789"), "999*****6789");
        assert_eq!(mask_phone("12345"), "*****");
    }

    #[test]
    fn bank_cards_show_only_the_last_four_digits() {
        assert_eq!(mask_bank_card("6222 0212 3456 1234"), "****1234");
        assert_eq!(mask_bank_card("123"), "****");
    }
}
