//! Text a workbook must not carry: NUL and other control characters, and
//! U+FFFD where bytes could not be decoded. Checked over every cell before an
//! import touches the database (PostgreSQL refuses NUL outright, and a value
//! that reached a lookup would turn a row error into a failed import).

use crate::issue::{Issue, Report};
use crate::model::{Cell, Workbook};

/// One error per offending cell or header, by sheet, row and column.
pub fn check_plain_text(wb: &Workbook) -> Report {
    let mut rep = Report::default();
    for sheet in &wb.sheets {
        for (i, h) in sheet.headers.iter().enumerate() {
            if let Err(m) = domain::text::check_plain(h) {
                rep.push_error(Issue::new(
                    &sheet.name,
                    1,
                    Some(&format!("第{}列", i + 1)),
                    m,
                ));
            }
        }
        for row in &sheet.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                if let Cell::Text(t) = cell
                    && let Err(m) = domain::text::check_plain(t)
                {
                    let col = sheet
                        .headers
                        .get(i)
                        .filter(|h| !h.is_empty())
                        .cloned()
                        .unwrap_or_else(|| format!("第{}列", i + 1));
                    rep.push_error(Issue::new(&sheet.name, row.line, Some(&col), m));
                }
            }
        }
    }
    rep
}
