//! Writing ledger workbooks (export and blank templates) and CSV.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

use crate::spec::SheetSpec;

/// A value to write into an exported cell.
#[derive(Debug, Clone, PartialEq)]
pub enum OutCell {
    /// Blank cell.
    Empty,
    /// Always written as a string, so 身份证号 and codes stay text.
    Text(String),
    /// An integer count.
    Int(i64),
    /// Integer fen, written as a yuan number formatted `0.00`.
    Money(i64),
    /// A date cell shown as `yyyy-mm-dd`.
    Date(NaiveDate),
}

impl OutCell {
    /// Text for CSV and for column-width estimation.
    fn display(&self) -> String {
        match self {
            OutCell::Empty => String::new(),
            OutCell::Text(s) => s.clone(),
            OutCell::Int(i) => i.to_string(),
            OutCell::Money(f) => yuan_text(*f),
            OutCell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        fen.unsigned_abs() / 100,
        fen.unsigned_abs() % 100
    )
}

/// Display width: CJK and other wide characters count 2, others 1.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Column width in Excel units: widest cell + 2 padding, capped at 60.
fn column_width<'a>(texts: impl Iterator<Item = &'a str>) -> f64 {
    let widest = texts.map(display_width).max().unwrap_or(0);
    (widest + 2).min(60) as f64
}

/// True for text a spreadsheet could take for a formula or a command
/// (CSV/formula injection): it starts with `=`, `+`, `-`, `@`, a TAB or a CR.
pub fn is_formula_like(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

/// The text of a CSV cell: formula-like text gets a leading apostrophe, which
/// spreadsheets show as text and never evaluate. (Numbers are written as
/// numbers, so a negative amount keeps its sign.)
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if is_formula_like(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Builds an xlsx workbook sheet by sheet.
pub struct WorkbookWriter {
    book: Workbook,
    error: Option<String>,
}

impl Default for WorkbookWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl WorkbookWriter {
    /// An empty workbook.
    pub fn new() -> Self {
        WorkbookWriter {
            book: Workbook::new(),
            error: None,
        }
    }

    /// Adds a sheet with a bold, filled, frozen header row and computed
    /// column widths. Errors surface from `to_xlsx_bytes`.
    pub fn add_sheet(&mut self, name: &str, headers: &[&str], rows: &[Vec<OutCell>]) {
        if self.error.is_some() {
            return;
        }
        let sheet = self.book.add_worksheet();
        if let Err(e) = write_sheet(sheet, name, headers, rows) {
            self.error = Some(format!("无法写入工作表「{name}」：{e}"));
        }
    }

    /// Serializes the workbook.
    pub fn to_xlsx_bytes(mut self) -> Result<Vec<u8>, String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.book
            .save_to_buffer()
            .map_err(|e| format!("无法生成 Excel 文件：{e}"))
    }

    fn raw_sheet(&mut self) -> &mut Worksheet {
        self.book.add_worksheet()
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
}

fn write_sheet(
    ws: &mut Worksheet,
    name: &str,
    headers: &[&str],
    rows: &[Vec<OutCell>],
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let head = header_format();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let money = Format::new().set_num_format("0.00");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Formula-like text is a string cell with Excel's quote prefix: shown and
    // kept as text even when the cell is edited, and its value unchanged, so
    // the file re-imports into exactly what was exported.
    let quoted = Format::new().set_quote_prefix();
    for (r, row) in rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                OutCell::Empty => {}
                OutCell::Text(s) if is_formula_like(s) => {
                    ws.write_string_with_format(r, c, s, &quoted)?;
                }
                OutCell::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                OutCell::Int(i) => {
                    ws.write_number(r, c, *i as f64)?;
                }
                OutCell::Money(f) => {
                    ws.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                }
                OutCell::Date(d) => {
                    let x =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_date_with_format(r, c, &x, &date)?;
                }
            }
        }
    }
    let displayed: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(OutCell::display).collect())
        .collect();
    for (c, h) in headers.iter().enumerate() {
        let cells = displayed
            .iter()
            .filter_map(|r| r.get(c))
            .map(String::as_str);
        // Header cells are bold; one extra unit keeps them from clipping.
        let width = column_width(cells)
            .max(display_width(h) as f64 + 3.0)
            .min(60.0);
        ws.set_column_width(c as u16, width)?;
    }
    Ok(())
}

/// CSV bytes, UTF-8 with a BOM so Excel opens Chinese text correctly.
/// Formula-like text cells are neutralised with [`csv_text`].
pub fn to_csv_bytes(headers: &[&str], rows: &[Vec<OutCell>]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = w.write_record(headers);
        for row in rows {
            let _ = w.write_record(row.iter().map(|cell| match cell {
                OutCell::Text(s) => csv_text(s).into_owned(),
                other => other.display(),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// A blank template: a first sheet「说明」describing every column, then one
/// sheet per spec whose header row marks required columns in red and carries
/// each column's help as a note. Every column is preformatted as text so
/// 身份证号 typed in it is not turned into a number by Excel.
pub fn template_xlsx(specs: &[&SheetSpec]) -> Result<Vec<u8>, String> {
    let mut w = WorkbookWriter::new();
    let mut guide = Vec::new();
    for s in specs {
        for c in s.columns {
            guide.push(vec![
                OutCell::Text(s.name.to_string()),
                OutCell::Text(c.name.to_string()),
                OutCell::Text(if c.required { "是" } else { "否" }.to_string()),
                OutCell::Text(if s.key.contains(&c.name) { "是" } else { "" }.to_string()),
                OutCell::Text(c.help.to_string()),
            ]);
        }
    }
    w.add_sheet(
        "说明",
        &["工作表", "列名", "必填", "匹配键", "说明"],
        &guide,
    );
    for s in specs {
        let ws = w.raw_sheet();
        if let Err(e) = write_template_sheet(ws, s) {
            return Err(format!("无法写入工作表「{}」：{e}", s.name));
        }
    }
    w.to_xlsx_bytes()
}

fn write_template_sheet(ws: &mut Worksheet, spec: &SheetSpec) -> Result<(), XlsxError> {
    ws.set_name(spec.name)?;
    let normal = header_format();
    let required = header_format().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format("@");
    for (c, col) in spec.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(
            0,
            c,
            col.name,
            if col.required { &required } else { &normal },
        )?;
        let help = match (col.required, col.help.is_empty()) {
            (true, true) => "必填".to_string(),
            (true, false) => format!("必填。{}", col.help),
            (false, true) => "选填".to_string(),
            (false, false) => format!("选填。{}", col.help),
        };
        ws.insert_note(0, c, &Note::new(help).add_author_prefix(false))?;
        let width = column_width([col.name, col.help].into_iter())
            .clamp(display_width(col.name) as f64 + 3.0, 30.0);
        ws.set_column_format(c, &text)?;
        ws.set_column_width(c, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod neutralising {
    use super::*;

    #[test]
    fn formula_like_text_is_caught_and_csv_gets_an_apostrophe() {
        for s in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"] {
            assert!(is_formula_like(s), "{s:?}");
            assert_eq!(csv_text(s), format!("'{s}"));
        }
        for s in ["", "张三", "1-2", "a=b", " =x"] {
            assert!(!is_formula_like(s), "{s:?}");
            assert_eq!(csv_text(s), s);
        }
    }
}
