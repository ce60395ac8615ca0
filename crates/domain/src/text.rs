//! What a stored text may hold. NUL and other control characters break
//! exports, PostgreSQL refuses NUL outright, and U+FFFD means bytes that were
//! not text (invalid UTF-8, or a CSV in an encoding we could not read).

/// Ok when `s` holds only printable text plus TAB, LF and CR; otherwise the
/// Chinese reason, naming the character found.
pub fn check_plain(s: &str) -> Result<(), String> {
    match s.chars().find(|&c| is_forbidden(c)) {
        None => Ok(()),
        Some('\u{FFFD}') => Err("含有无法识别的字符（�），请检查文件或输入的编码".to_string()),
        Some(c) => Err(format!("含有不允许的控制字符（U+{:04X}）", c as u32)),
    }
}

fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFD}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_control_characters_are_refused_and_named() {
        assert_eq!(
            check_plain("张\u{0}梅").unwrap_err(),
            "含有不允许的控制字符（U+0000）"
        );
        assert!(check_plain("a\u{1b}[31m").unwrap_err().contains("U+001B"));
        assert!(
            check_plain("bad \u{FFFD} bytes")
                .unwrap_err()
                .contains("编码")
        );
    }

    #[test]
    fn ordinary_text_with_tabs_and_line_breaks_passes() {
        assert!(check_plain("巾帼微学堂\t第1期\r\n茅坪镇").is_ok());
        assert!(check_plain("").is_ok());
    }
}
