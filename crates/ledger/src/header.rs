//! Header (and sheet name) normalization.

/// Normalizes a header so that what users type matches the contract's names:
/// trims, removes all whitespace (including the ideographic space), maps
/// full-width brackets `（）【】` to `()[]` and the full-width colon to `:`.
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '【' => '[',
            '】' => ']',
            '：' => ':',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_brackets_and_spaces_normalize_to_half_width() {
        assert_eq!(normalize_header(" 金额（元） "), "金额(元)");
        assert_eq!(normalize_header("金额(元)"), "金额(元)");
        assert_eq!(normalize_header("【备注】：说明"), "[备注]:说明");
        assert_eq!(normalize_header("组织\u{3000}编码"), "组织编码");
    }
}
