//! Mapping a sheet's headers onto its spec, and typed per-row access that
//! reports problems as located `Issue`s.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{Invalid, input::Field};

use crate::header::normalize_header;
use crate::issue::{Issue, Report};
use crate::model::{Cell, RawRow, Sheet};
use crate::spec::SheetSpec;
use crate::values;

/// The one loop of a sheet of one record kind: each row's cells make a
/// draft (`draft` may report a cell it alone can judge, such as a 身份证号
/// Excel stored as a number), the kind's `validate` checks it, its errors
/// go to the columns the kind's field table names, and the sheet's key
/// (`key` of the checked record) may not repeat. Yields the rows with no
/// problem, with their spreadsheet row numbers.
pub fn parse_records<D, I>(
    sheet: &Sheet,
    spec: &'static SheetSpec,
    rep: &mut Report,
    fields: &[Field],
    draft: impl Fn(&RowView<'_>, &mut Report) -> D,
    validate: impl Fn(D) -> Result<I, Invalid>,
    key: impl Fn(&I) -> Vec<String>,
) -> Vec<(usize, I)> {
    let reader = SheetReader::new(sheet, spec, rep);
    if !reader.ok() {
        return Vec::new();
    }
    let mut keys = KeyTracker::default();
    let mut out = Vec::new();
    for row in reader.rows() {
        let mark = rep.error_count();
        match validate(draft(&row, rep)) {
            Ok(input) => {
                if keys.check(rep, &row, key(&input)) && rep.error_count() == mark {
                    out.push((row.line(), input));
                }
            }
            Err(inv) => row.errors_of(rep, fields, &inv),
        }
    }
    out
}

/// A sheet matched against its spec.
pub struct SheetReader<'a> {
    sheet: &'a Sheet,
    spec: &'static SheetSpec,
    /// For each spec column, the index of the sheet column holding it.
    index: Vec<Option<usize>>,
    ok: bool,
}

impl<'a> SheetReader<'a> {
    /// Maps headers to spec columns. Reports an error per missing required
    /// column and per duplicated header, and a warning per unknown column.
    pub fn new(sheet: &'a Sheet, spec: &'static SheetSpec, report: &mut Report) -> Self {
        let mut index = vec![None; spec.columns.len()];
        let mut ok = true;
        for (pos, header) in sheet.headers.iter().enumerate() {
            let norm = normalize_header(header);
            if norm.is_empty() {
                // Excel often carries formatted but unnamed columns at the right.
                continue;
            }
            match spec
                .columns
                .iter()
                .position(|c| normalize_header(c.name) == norm)
            {
                Some(i) if index[i].is_some() => {
                    report.push_error(Issue::new(
                        &sheet.name,
                        1,
                        Some(header),
                        format!("列「{header}」重复"),
                    ));
                    ok = false;
                }
                Some(i) => index[i] = Some(pos),
                None => report.push_warning(Issue::new(
                    &sheet.name,
                    1,
                    Some(header),
                    format!("未知列「{header}」已忽略"),
                )),
            }
        }
        for (col, found) in spec.columns.iter().zip(&index) {
            if col.required && found.is_none() {
                report.push_error(Issue::new(
                    &sheet.name,
                    1,
                    Some(col.name),
                    format!("缺少必填列「{}」", col.name),
                ));
                ok = false;
            }
        }
        SheetReader {
            sheet,
            spec,
            index,
            ok,
        }
    }

    /// True when every required column is present (and none is duplicated);
    /// parsers read no rows otherwise.
    pub fn ok(&self) -> bool {
        self.ok
    }

    /// Whether the sheet has column `name` (for optional extension columns).
    pub fn has_column(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The sheet's name as in the file.
    pub fn sheet_name(&self) -> &str {
        &self.sheet.name
    }

    /// The spec this reader checks against.
    pub fn spec(&self) -> &'static SheetSpec {
        self.spec
    }

    /// Data rows, skipping fully-empty ones.
    pub fn rows(&self) -> impl Iterator<Item = RowView<'_>> {
        self.sheet
            .rows
            .iter()
            .filter(|r| !r.is_empty())
            .map(|row| RowView { reader: self, row })
    }

    fn position(&self, name: &str) -> Option<usize> {
        // Parsers name columns as the spec spells them, once per cell: the
        // exact name first, normalizing only a name spelled otherwise
        // (normalizing every spec column each time was 8% of an import's CPU).
        let i = self
            .spec
            .columns
            .iter()
            .position(|c| c.name == name)
            .or_else(|| {
                let norm = normalize_header(name);
                self.spec
                    .columns
                    .iter()
                    .position(|c| normalize_header(c.name) == norm)
            });
        debug_assert!(
            i.is_some(),
            "column {name} is not in the spec of {}",
            self.spec.name
        );
        i.and_then(|i| self.index[i])
    }
}

/// One data row with typed accessors. Accessors return `None` for an empty
/// cell; on a bad value they push an error for (sheet, row, column) and
/// return `None`. `required*` variants also report an empty cell.
pub struct RowView<'a> {
    reader: &'a SheetReader<'a>,
    row: &'a RawRow,
}

impl RowView<'_> {
    /// The spreadsheet row number (header = 1).
    pub fn line(&self) -> usize {
        self.row.line
    }

    /// The raw cell of column `col` (`Empty` when the column is absent).
    pub fn cell(&self, col: &str) -> &Cell {
        self.reader
            .position(col)
            .and_then(|i| self.row.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    /// Pushes an error about column `col` of this row.
    pub fn error(&self, rep: &mut Report, col: &str, message: impl Into<String>) {
        rep.push_error(Issue::new(
            self.reader.sheet_name(),
            self.line(),
            Some(col),
            message,
        ));
    }

    /// Pushes a warning about column `col` of this row.
    pub fn warning(&self, rep: &mut Report, col: &str, message: impl Into<String>) {
        rep.push_warning(Issue::new(
            self.reader.sheet_name(),
            self.line(),
            Some(col),
            message,
        ));
    }

    /// The text a record draft takes from column `col`: blank when empty.
    pub fn raw(&self, col: &str) -> String {
        self.text(col).unwrap_or_default()
    }

    /// The text a draft takes from a date column (an Excel serial becomes
    /// `YYYY-MM-DD`).
    pub fn raw_date(&self, col: &str) -> String {
        values::date_text(self.cell(col))
    }

    /// Reports a draft's field errors at their columns, each field named by
    /// the record kind's table (the contract's column names).
    /// A cell already reported on this row (a 身份证号 Excel stored as a
    /// number) is not reported twice.
    pub fn errors_of(&self, rep: &mut Report, fields: &[Field], invalid: &Invalid) {
        for e in &invalid.errors {
            let col = domain::input::label_of(fields, &e.field);
            let reported = rep
                .errors
                .iter()
                .rev()
                .take_while(|i| i.row == self.line() && i.sheet == self.reader.sheet_name())
                .any(|i| i.column.as_deref() == Some(col));
            if !reported {
                self.error(rep, col, e.message.clone());
            }
        }
    }

    /// Trimmed text; numbers print without `.0`, dates as `YYYY-MM-DD`.
    pub fn text(&self, col: &str) -> Option<String> {
        self.cell(col).as_text()
    }

    /// Text that must not be empty ("必填项为空").
    pub fn required(&self, rep: &mut Report, col: &str) -> Option<String> {
        let v = self.text(col);
        self.need(rep, col, v)
    }

    /// A date (date cell, Excel serial, or text the domain accepts).
    pub fn date(&self, rep: &mut Report, col: &str) -> Option<NaiveDate> {
        self.check(rep, col, values::date(self.cell(col)))
    }

    /// A date that must be present.
    pub fn required_date(&self, rep: &mut Report, col: &str) -> Option<NaiveDate> {
        let v = self.date(rep, col);
        self.need(rep, col, v)
    }

    /// An amount in yuan, returned in fen.
    pub fn amount(&self, rep: &mut Report, col: &str) -> Option<i64> {
        self.check(rep, col, values::amount(self.cell(col)))
    }

    /// An amount (fen) that must be present.
    pub fn required_amount(&self, rep: &mut Report, col: &str) -> Option<i64> {
        let v = self.amount(rep, col);
        self.need(rep, col, v)
    }

    /// A non-negative integer ("应为整数").
    pub fn int(&self, rep: &mut Report, col: &str) -> Option<i64> {
        self.check(rep, col, values::int(self.cell(col)))
    }

    /// A non-negative integer that must be present.
    pub fn required_int(&self, rep: &mut Report, col: &str) -> Option<i64> {
        let v = self.int(rep, col);
        self.need(rep, col, v)
    }

    /// 是/否.
    pub fn yes_no(&self, rep: &mut Report, col: &str) -> Option<bool> {
        self.check(rep, col, values::yes_no(self.cell(col)))
    }

    /// The raw 身份证号 text, rejecting a value Excel stored as a number
    /// (its digits are already lost). Checksum validation is the caller's.
    pub fn id_number_text(&self, rep: &mut Report, col: &str) -> Option<String> {
        self.check(rep, col, values::id_text(self.cell(col)))
    }

    /// A list cell split on `;` `；` `、` `,` `，`.
    pub fn list(&self, col: &str) -> Vec<String> {
        values::list(self.cell(col))
    }

    /// A list of `name:value` items; an item without a colon is an error.
    pub fn pairs(&self, rep: &mut Report, col: &str) -> Vec<(String, String)> {
        self.check(rep, col, values::pairs(self.cell(col)).map(Some))
            .unwrap_or_default()
    }

    /// A value from a fixed list of labels, e.g. `OrgKind::from_label`; the
    /// error lists the allowed labels.
    pub fn choice<T>(
        &self,
        rep: &mut Report,
        col: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let text = self.text(col)?;
        let v = parse(&text);
        if v.is_none() {
            self.error(
                rep,
                col,
                format!("「{text}」不是可选值，应为：{}", allowed.join("、")),
            );
        }
        v
    }

    /// Parses the text with a domain rule (`IdNumber::parse`, `Phone::parse`…),
    /// reporting the domain's message on failure.
    pub fn parsed<T>(
        &self,
        rep: &mut Report,
        col: &str,
        text: Option<String>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = text?;
        self.check(rep, col, parse(&text).map(Some))
    }

    fn check<T>(&self, rep: &mut Report, col: &str, v: Result<Option<T>, String>) -> Option<T> {
        v.unwrap_or_else(|msg| {
            self.error(rep, col, msg);
            None
        })
    }

    /// A [`choice`](Self::choice) that must be present.
    pub fn required_choice<T>(
        &self,
        rep: &mut Report,
        col: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let v = self.choice(rep, col, parse, allowed);
        self.need(rep, col, v)
    }

    /// Reports "必填项为空" when `v` is `None` because the cell is empty (a
    /// bad value was already reported by the accessor that produced `v`).
    pub fn require<T>(&self, rep: &mut Report, col: &str, v: Option<T>) -> Option<T> {
        self.need(rep, col, v)
    }

    fn need<T>(&self, rep: &mut Report, col: &str, v: Option<T>) -> Option<T> {
        if v.is_none() && matches!(self.cell(col), Cell::Empty) {
            self.error(rep, col, "必填项为空");
        }
        v
    }
}

/// Detects duplicate keys inside one sheet.
#[derive(Default)]
pub struct KeyTracker {
    seen: HashMap<Vec<String>, usize>,
}

impl KeyTracker {
    /// Records `key` for `row`; if an earlier row had it, reports
    /// "与第N行重复" on `row` (column = first key column) and returns false.
    pub fn check(&mut self, rep: &mut Report, row: &RowView<'_>, key: Vec<String>) -> bool {
        if let Some(first) = self.seen.get(&key) {
            let spec = row.reader.spec;
            let col = spec.key.first().copied().unwrap_or("");
            let msg = if spec.key.len() > 1 {
                format!("与第{first}行重复（{}相同）", spec.key.join("+"))
            } else {
                format!("与第{first}行重复")
            };
            row.error(rep, col, msg);
            return false;
        }
        self.seen.insert(key, row.line());
        true
    }
}
