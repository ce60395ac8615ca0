//! Excel workbooks through calamine.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;

use crate::model::{Cell, RawRow, Sheet};
use crate::read::{ReadError, finish_sheet};

/// Reads every worksheet of an xlsx (or xls/ods) file held in memory.
pub(crate) fn parse_xlsx(file_name: &str, bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::unreadable(file_name, format!("不是有效的 Excel 文件（{e}）")))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            ReadError::unreadable(file_name, format!("无法读取工作表「{name}」（{e}）"))
        })?;
        // calamine trims leading empty rows/columns; keep real row numbers for messages.
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut headers = Vec::new();
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<Cell> = row.iter().map(to_cell).collect();
            if i == 0 {
                headers = cells
                    .iter()
                    .map(|c| c.as_text().unwrap_or_default())
                    .collect();
            } else {
                rows.push(RawRow {
                    line: first_row as usize + i + 1,
                    cells,
                });
            }
        }
        sheets.push(finish_sheet(name.clone(), headers, rows));
    }
    Ok(sheets)
}

fn to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::text(s),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), m.into(), d.into())
                .map(Cell::Date)
                .unwrap_or(Cell::Number(dt.as_f64()))
        }
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::text(s)),
        Data::DurationIso(s) => Cell::text(s),
        // An error cell (#N/A, #REF!) is shown to the user as written, so the
        // row parser reports it instead of treating it as blank.
        Data::Error(e) => Cell::Text(format!("{e}")),
    }
}
