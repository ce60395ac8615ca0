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

/// Identity number: first 6 and last 4 kept (`420527********123X`). Works on
/// unvalidated text too, so a bad value never leaks in full.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().filter(|c| !c.is_whitespace()).collect();
    let n = chars.len();
    let (head, tail) = match n {
        11.. => (6, 4),
        5..=10 => (0, 4),
        _ => (0, 0),
    };
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(n - head - tail));
    out.extend(&chars[n - tail..]);
    out
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
    fn id_numbers_keep_first_six_and_last_four() {
        assert_eq!(mask_id("42052719850315002X"), "420527********002X");
        assert_eq!(mask_id("420527850315002"), "420527*****5002");
        assert_eq!(mask_id("12345"), "*2345");
        assert_eq!(mask_id("123"), "***");
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
