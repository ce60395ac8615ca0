//! Building a [`Sheet`] from cells as a reader streams them, under the caps.
//!
//! Cells arrive one at a time with their position. The row and column caps
//! are checked on the position before anything is kept, so a cell at
//! XFD1048576 costs nothing; empty cells are never stored, trailing empty
//! cells of a row are not padded, and empty rows are not materialized. What
//! is kept (cells, their text) is charged to the import's [`Usage`].

use crate::limits::{Limits, column_letters};
use crate::model::{Cell, RawRow, Sheet};
use crate::read::ReadError;
use crate::unpack::Usage;

pub(crate) struct Assembler<'a> {
    /// Names the sheet in messages: `台账.xlsx 的工作表「人员」`.
    label: String,
    limits: &'a Limits,
    /// The first row holding anything: (row index, cells).
    header: Option<(usize, Vec<Cell>)>,
    rows: Vec<RawRow>,
    /// The row being filled: (row index, cells so far).
    current: Option<(usize, Vec<Cell>)>,
    /// Smallest column holding a value (xlsx sheets are shifted to it, as
    /// calamine's ranges were).
    min_col: usize,
}

impl<'a> Assembler<'a> {
    pub fn new(label: String, limits: &'a Limits) -> Self {
        Assembler {
            label,
            limits,
            header: None,
            rows: Vec::new(),
            current: None,
            min_col: usize::MAX,
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// Adds the cell at 0-based (`row`, `col`). Rows must come in order and
    /// cells in order within a row, as every spreadsheet program writes them.
    pub fn push(
        &mut self,
        row: usize,
        col: usize,
        cell: Cell,
        used: &mut Usage,
    ) -> Result<(), ReadError> {
        if row >= self.limits.max_rows {
            return Err(ReadError::limit(
                &self.label,
                "每个工作表的行数",
                self.limits.max_rows.to_string(),
                format!("有第 {} 行", row + 1),
            ));
        }
        if col >= self.limits.max_cols {
            return Err(ReadError::limit(
                &self.label,
                "每个工作表的列数",
                self.limits.max_cols.to_string(),
                format!(
                    "第 {} 行有第 {} 列（{} 列）",
                    row + 1,
                    col + 1,
                    column_letters(col + 1)
                ),
            ));
        }
        let text_len = match &cell {
            Cell::Empty => return Ok(()),
            Cell::Text(s) => {
                let chars = s.chars().count();
                if chars > self.limits.max_cell_chars {
                    return Err(ReadError::limit(
                        &self.label,
                        "单个单元格的字符数",
                        self.limits.max_cell_chars.to_string(),
                        format!(
                            "{}{} 单元格有 {chars} 个字符",
                            column_letters(col + 1),
                            row + 1
                        ),
                    ));
                }
                s.len()
            }
            _ => 0,
        };
        match &self.current {
            Some((r, _)) if *r == row => {}
            Some((r, _)) if *r > row => return Err(self.out_of_order(row, col)),
            _ => self.flush(),
        }
        let (_, cells) = self.current.get_or_insert_with(|| (row, Vec::new()));
        if col < cells.len() {
            return Err(ReadError::unreadable(
                &self.label,
                format!(
                    "单元格 {}{} 出现了不止一次或顺序错乱",
                    column_letters(col + 1),
                    row + 1
                ),
            ));
        }
        let added = col + 1 - cells.len();
        cells.resize(col, Cell::Empty);
        cells.push(cell);
        self.min_col = self.min_col.min(col);
        used.cells += added;
        used.text += text_len;
        if used.cells > self.limits.max_cells {
            return Err(ReadError::limit(
                &self.label,
                "一次导入保留的单元格数",
                self.limits.max_cells.to_string(),
                format!("读到第 {} 行时已超过 {}", row + 1, used.cells - 1),
            ));
        }
        if used.text > self.limits.max_text_bytes {
            return Err(ReadError::limit(
                &self.label,
                "一次导入保留的文字量",
                crate::limits::bytes_text(self.limits.max_text_bytes as u64),
                format!(
                    "读到第 {} 行时已超过 {}",
                    row + 1,
                    crate::limits::bytes_text(used.text as u64)
                ),
            ));
        }
        Ok(())
    }

    fn out_of_order(&self, row: usize, col: usize) -> ReadError {
        ReadError::unreadable(
            &self.label,
            format!(
                "单元格 {}{} 出现在后面的行之后（行的顺序错乱）",
                column_letters(col + 1),
                row + 1
            ),
        )
    }

    fn flush(&mut self) {
        if let Some((row, cells)) = self.current.take() {
            if self.header.is_none() {
                self.header = Some((row, cells));
            } else {
                self.rows.push(RawRow {
                    line: row + 1,
                    cells,
                });
            }
        }
    }

    /// The sheet; `shift` drops the columns left of the first used one.
    pub fn finish(mut self, name: &str, shift: bool) -> Sheet {
        self.flush();
        let skip = if shift && self.min_col != usize::MAX {
            self.min_col
        } else {
            0
        };
        let drop_front = |cells: &mut Vec<Cell>| {
            let n = skip.min(cells.len());
            cells.drain(..n);
        };
        let headers = match self.header {
            Some((_, mut cells)) => {
                drop_front(&mut cells);
                cells
                    .iter()
                    .map(|c| {
                        c.as_text()
                            .unwrap_or_default()
                            .trim_start_matches('\u{feff}')
                            .trim()
                            .to_string()
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        if skip > 0 {
            for r in &mut self.rows {
                drop_front(&mut r.cells);
            }
        }
        Sheet {
            name: name.trim().to_string(),
            headers,
            rows: self.rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_far_cell_is_refused_by_its_position_before_anything_is_kept() {
        let limits = Limits::default();
        let mut used = Usage::default();
        let mut a = Assembler::new("a.xlsx 的工作表「Sheet1」".into(), &limits);
        a.push(0, 0, Cell::text("姓名"), &mut used).unwrap();
        let e = a
            .push(1_048_575, 16_383, Cell::text("x"), &mut used)
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("每个工作表的行数") && msg.contains("1048576"),
            "{msg}"
        );
        assert_eq!(used.cells, 1);
    }

    #[test]
    fn empty_rows_and_trailing_blanks_are_not_kept() {
        let limits = Limits::default();
        let mut used = Usage::default();
        let mut a = Assembler::new("t".into(), &limits);
        a.push(0, 0, Cell::text("a"), &mut used).unwrap();
        a.push(0, 1, Cell::text("b"), &mut used).unwrap();
        a.push(1, 0, Cell::Empty, &mut used).unwrap();
        a.push(1, 1, Cell::Empty, &mut used).unwrap();
        a.push(2, 1, Cell::text("x"), &mut used).unwrap();
        a.push(2, 5, Cell::Empty, &mut used).unwrap();
        let s = a.finish("t", false);
        assert_eq!(s.headers, ["a", "b"]);
        assert_eq!(s.rows.len(), 1);
        assert_eq!(s.rows[0].line, 3);
        assert_eq!(s.rows[0].cells, [Cell::Empty, Cell::text("x")]);
        assert_eq!(used.cells, 4);
    }
}
