//! The CJK font the PDF and the charts are set in, compiled into the binary so
//! a fresh machine without any Chinese system font still renders the review,
//! and every machine renders it the same way (no system font lookup).
//!
//! Noto Sans SC (SIL OFL 1.1), subset to GB2312 levels 1 and 2 plus common
//! punctuation: see `assets/fonts/README.md` for how the subset was made.

/// Family name as written in the font's `name` table; typst and usvg select
/// the font by it.
pub const FAMILY: &str = "Noto Sans SC";

pub const REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansSC-Regular-GB2312.ttf");
pub const BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansSC-Bold-GB2312.ttf");
