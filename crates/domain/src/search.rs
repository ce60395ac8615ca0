//! Text normalisation for search and for parsing user input typed with a
//! Chinese input method (which often produces full-width digits and letters).

/// Maps full-width ASCII (U+FF01–U+FF5E) to half-width and the ideographic
/// space U+3000 to an ordinary space; everything else is kept.
pub fn half_width(text: &str) -> String {
    text.chars().map(half_width_char).collect()
}

/// One-character version of [`half_width`].
pub fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// NFKC-lite used for `search_text` columns and for the LIKE needle:
/// full-width ASCII → half-width, lowercase, all whitespace removed.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(half_width_char)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_letters_and_digits_become_half_width_lowercase() {
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
    }

    #[test]
    fn all_whitespace_including_ideographic_space_is_removed() {
        assert_eq!(normalize(" 张\u{3000}小 梅\t\n"), "张小梅");
    }

    #[test]
    fn chinese_text_is_kept_unchanged() {
        assert_eq!(normalize("秭归县妇联Zigui"), "秭归县妇联zigui");
    }

    #[test]
    fn half_width_keeps_spaces_but_converts_full_width_punctuation() {
        assert_eq!(half_width("１，０００．５　元"), "1,000.5 元");
    }
}
