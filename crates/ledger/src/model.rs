//! The raw, untyped shape of a ledger workbook as read from a file.

use chrono::NaiveDate;

use crate::header::normalize_header;

/// A whole ledger file: its sheets plus any other files that came with it in a zip.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workbook {
    /// Sheets in file order (not dependency order).
    pub sheets: Vec<Sheet>,
    /// Non-sheet entries of a zip upload (e.g. photos): (path inside the zip, bytes).
    pub attachments: Vec<(String, Vec<u8>)>,
}

impl Workbook {
    /// The sheet whose name equals `name` after header normalization
    /// (so `人员 ` and `人员`, or full- and half-width brackets, match).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        let wanted = normalize_header(name);
        self.sheets
            .iter()
            .find(|s| normalize_header(&s.name) == wanted)
    }

    /// The attachment whose file name (last path component) equals `name`.
    pub fn attachment(&self, name: &str) -> Option<&[u8]> {
        let wanted = name.trim();
        self.attachments
            .iter()
            .find(|(n, _)| n == wanted || n.rsplit('/').next() == Some(wanted))
            .map(|(_, b)| b.as_slice())
    }
}

/// One sheet: header row (row 1) and data rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// The sheet name as it appears in the file (or the CSV file's stem).
    pub name: String,
    /// Header texts as written (trimmed), in column order.
    pub headers: Vec<String>,
    /// Data rows, trailing fully-empty rows removed.
    pub rows: Vec<RawRow>,
}

/// One data row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    /// The spreadsheet row number users see: header = 1, first data row = 2.
    pub line: usize,
    /// Cells in column order; may be shorter than the header (missing = empty).
    pub cells: Vec<Cell>,
}

impl RawRow {
    /// True when every cell is empty.
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| matches!(c, Cell::Empty))
    }
}

/// One cell value.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cell {
    /// Nothing (or only whitespace).
    #[default]
    Empty,
    /// Text, trimmed.
    Text(String),
    /// A numeric cell (xlsx only; CSV cells are always text).
    Number(f64),
    /// A cell Excel stores as a date.
    Date(NaiveDate),
    /// A boolean cell.
    Bool(bool),
}

impl Cell {
    /// A text cell from raw text: trimmed, and `Empty` when nothing is left.
    pub fn text(s: &str) -> Cell {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.to_string())
        }
    }

    /// The cell as display text, or `None` when empty. Integral numbers print
    /// without `.0` (Excel stores `220` as 220.0), dates as `YYYY-MM-DD`.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) => Some(s.clone()),
            Cell::Number(n) => Some(format_number(*n)),
            Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
        }
    }
}

/// Formats a number the way a user typed it: `220` not `220.0`, `0.3` not
/// `0.30000000000000004` (Excel shows at most 15 significant digits).
pub(crate) fn format_number(n: f64) -> String {
    // Beyond 2^53 an f64 no longer holds every integer, so print it as is.
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        return format!("{}", n as i64);
    }
    if !n.is_finite() || n.abs() >= 9.0e15 || n.abs() < 1e-6 {
        return format!("{n}");
    }
    let digits_before = (n.abs().log10().floor() as i32 + 1).max(1);
    let decimals = (15 - digits_before).max(0) as usize;
    let s = format!("{n:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_excel_shows_them() {
        assert_eq!(
            Cell::Number(420527101201.0).as_text().as_deref(),
            Some("420527101201")
        );
        assert_eq!(Cell::Number(0.1 + 0.2).as_text().as_deref(), Some("0.3"));
        assert_eq!(Cell::Number(12.5).as_text().as_deref(), Some("12.5"));
        assert_eq!(Cell::Number(-3.25).as_text().as_deref(), Some("-3.25"));
    }

    #[test]
    fn sheets_are_found_by_normalized_name() {
        let book = Workbook {
            sheets: vec![Sheet {
                name: " 人员 ".into(),
                ..Sheet::default()
            }],
            attachments: vec![("照片/a.jpg".into(), vec![1])],
        };
        assert!(book.sheet("人员").is_some());
        assert!(book.sheet("干部").is_none());
        assert_eq!(book.attachment("a.jpg"), Some(&[1u8][..]));
    }
}
