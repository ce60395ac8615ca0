//! Import issues (errors and warnings) located by sheet, row and column.

use std::fmt;

use serde::Serialize;

/// One problem found in a ledger file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Sheet name as in the file (empty for a file-level issue).
    pub sheet: String,
    /// Spreadsheet row number (header = 1); 0 = the whole sheet or file.
    pub row: usize,
    /// Column header, when the issue is about one column.
    pub column: Option<String>,
    /// Chinese message for the user.
    pub message: String,
}

impl Issue {
    /// Builds an issue.
    pub fn new(sheet: &str, row: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Issue {
            sheet: sheet.to_string(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for Issue {
    // e.g. 工作表「人员」第5行「身份证号」列：身份证号校验位错误
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut located = false;
        if !self.sheet.is_empty() {
            write!(f, "工作表「{}」", self.sheet)?;
            located = true;
        }
        if self.row > 0 {
            write!(f, "第{}行", self.row)?;
            located = true;
        }
        if let Some(c) = &self.column {
            write!(f, "「{c}」列")?;
            located = true;
        }
        if located {
            f.write_str("：")?;
        }
        f.write_str(&self.message)
    }
}

/// Errors and warnings collected while reading a file.
#[derive(Default, Debug, Clone, Serialize)]
pub struct Report {
    /// Problems that block the import.
    pub errors: Vec<Issue>,
    /// Problems reported but not blocking (e.g. unknown columns).
    pub warnings: Vec<Issue>,
}

impl Report {
    /// True when there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Adds an error.
    pub fn push_error(&mut self, issue: Issue) {
        self.errors.push(issue);
    }

    /// Adds a warning.
    pub fn push_warning(&mut self, issue: Issue) {
        self.warnings.push(issue);
    }

    /// Appends all issues of `other`.
    pub fn merge(&mut self, other: Report) {
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }

    /// Number of errors so far; parsers compare it before and after a row to
    /// know whether that row failed.
    pub fn error_count(&self) -> usize {
        self.errors.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_display_names_sheet_row_and_column() {
        let i = Issue::new("人员", 5, Some("身份证号"), "身份证号校验位错误");
        assert_eq!(
            i.to_string(),
            "工作表「人员」第5行「身份证号」列：身份证号校验位错误"
        );
    }

    #[test]
    fn issue_display_omits_absent_parts() {
        let i = Issue::new("人员", 0, None, "缺少必填列「姓名」");
        assert_eq!(i.to_string(), "工作表「人员」：缺少必填列「姓名」");
        let i = Issue::new("", 0, None, "文件为空");
        assert_eq!(i.to_string(), "文件为空");
    }

    #[test]
    fn report_is_ok_with_warnings_only_and_merges() {
        let mut a = Report::default();
        a.push_warning(Issue::new("活动", 1, Some("备注"), "未知列「备注」已忽略"));
        assert!(a.is_ok());
        let mut b = Report::default();
        b.push_error(Issue::new("活动", 2, Some("活动名称"), "必填项为空"));
        a.merge(b);
        assert!(!a.is_ok());
        assert_eq!((a.errors.len(), a.warnings.len()), (1, 1));
    }
}
