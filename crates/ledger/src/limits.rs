//! Caps on what one import may make the reader hold or unpack.
//!
//! Every cap is checked while reading, against the real data (bytes really
//! inflated, rows and columns really seen), never against what the file
//! declares (`<dimension>`, `uniqueCount`, a zip entry's stated size). The
//! defaults accept every real ledger with headroom: the largest sheet of a
//! synthetic county-year (`jinguo bench-data`) is 参与人员 with 61,924 lines
//! of 4 columns, the widest is 活动 with 16 columns, and the whole county is
//! 89,128 lines, about 5.4 MB of CSV. Each cap can be changed with an
//! environment variable (see [`Limits::from_env`] and docs/security.md).

/// The caps of one import. `Limits::default()` holds the documented defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows per sheet, by the row number (the header is row 1).
    pub max_rows: usize,
    /// Columns per sheet, by the column number (A = 1).
    pub max_cols: usize,
    /// Characters in one cell (Excel itself stops at 32,767).
    pub max_cell_chars: usize,
    /// Cells kept in memory for the whole import (empty cells inside a row
    /// count; trailing empty cells and empty rows are not kept).
    pub max_cells: usize,
    /// Bytes of cell text kept in memory for the whole import (a shared
    /// string referenced a million times counts a million times).
    pub max_text_bytes: usize,
    /// Unpacked bytes of `xl/sharedStrings.xml`.
    pub max_shared_strings_bytes: u64,
    /// Unpacked bytes of one zip entry (and of one plain CSV file).
    pub max_entry_bytes: u64,
    /// Unpacked bytes of all entries of one file together.
    pub max_total_bytes: u64,
    /// Unpacked ÷ packed size of one entry, checked once an entry has
    /// unpacked more than [`RATIO_FLOOR`] bytes (small entries may pack well).
    pub max_ratio: u64,
    /// Entries in one zip (an .xlsx is a zip too).
    pub max_entries: usize,
    /// Bytes of the photos (non-sheet files) of one zip, held in memory.
    pub max_attachment_bytes: u64,
}

/// Below this many unpacked bytes an entry's compression ratio is not checked.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

const MB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: 200_000,
            max_cols: 100,
            max_cell_chars: 32_767,
            max_cells: 2_000_000,
            max_text_bytes: 64 * MB as usize,
            max_shared_strings_bytes: 32 * MB,
            max_entry_bytes: 128 * MB,
            max_total_bytes: 256 * MB,
            max_ratio: 100,
            max_entries: 5_000,
            max_attachment_bytes: 64 * MB,
        }
    }
}

/// (environment variable, what it sets) for docs and `--help` texts.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("JINGUO_IMPORT_MAX_ROWS", "每个工作表的行数"),
    ("JINGUO_IMPORT_MAX_COLS", "每个工作表的列数"),
    ("JINGUO_IMPORT_MAX_CELL_CHARS", "每个单元格的字符数"),
    ("JINGUO_IMPORT_MAX_CELLS", "一次导入保留的单元格数"),
    ("JINGUO_IMPORT_MAX_TEXT_MB", "一次导入保留的文字量（MB）"),
    (
        "JINGUO_IMPORT_MAX_SHARED_STRINGS_MB",
        "共享字符串表解压后大小（MB）",
    ),
    (
        "JINGUO_IMPORT_MAX_ENTRY_MB",
        "压缩包中单个文件解压后大小（MB）",
    ),
    ("JINGUO_IMPORT_MAX_TOTAL_MB", "压缩包解压后总大小（MB）"),
    ("JINGUO_IMPORT_MAX_RATIO", "压缩比"),
    ("JINGUO_IMPORT_MAX_ENTRIES", "压缩包中的文件个数"),
    (
        "JINGUO_IMPORT_MAX_ATTACHMENTS_MB",
        "压缩包中照片总大小（MB）",
    ),
];

impl Limits {
    /// The defaults, each overridden by its `JINGUO_IMPORT_*` variable when
    /// set to a positive number. An unparsable value is an error (a typo must
    /// not silently fall back to the default).
    pub fn from_env() -> Result<Limits, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// As [`Limits::from_env`], reading variables through `get` (testable).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Limits, String> {
        let mut l = Limits::default();
        let num = |key: &str| -> Result<Option<u64>, String> {
            match get(key) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => match v.trim().parse::<u64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(format!("环境变量 {key} 应为正整数，实际为「{v}」")),
                },
            }
        };
        let set_usize = |slot: &mut usize, key: &str| -> Result<(), String> {
            if let Some(n) = num(key)? {
                *slot = n as usize;
            }
            Ok(())
        };
        set_usize(&mut l.max_rows, "JINGUO_IMPORT_MAX_ROWS")?;
        set_usize(&mut l.max_cols, "JINGUO_IMPORT_MAX_COLS")?;
        set_usize(&mut l.max_cell_chars, "JINGUO_IMPORT_MAX_CELL_CHARS")?;
        set_usize(&mut l.max_cells, "JINGUO_IMPORT_MAX_CELLS")?;
        set_usize(&mut l.max_entries, "JINGUO_IMPORT_MAX_ENTRIES")?;
        if let Some(n) = num("JINGUO_IMPORT_MAX_TEXT_MB")? {
            l.max_text_bytes = (n * MB) as usize;
        }
        let set_mb = |slot: &mut u64, key: &str| -> Result<(), String> {
            if let Some(n) = num(key)? {
                *slot = n * MB;
            }
            Ok(())
        };
        set_mb(
            &mut l.max_shared_strings_bytes,
            "JINGUO_IMPORT_MAX_SHARED_STRINGS_MB",
        )?;
        set_mb(&mut l.max_entry_bytes, "JINGUO_IMPORT_MAX_ENTRY_MB")?;
        set_mb(&mut l.max_total_bytes, "JINGUO_IMPORT_MAX_TOTAL_MB")?;
        set_mb(
            &mut l.max_attachment_bytes,
            "JINGUO_IMPORT_MAX_ATTACHMENTS_MB",
        )?;
        if let Some(n) = num("JINGUO_IMPORT_MAX_RATIO")? {
            l.max_ratio = n;
        }
        Ok(l)
    }

    /// Longest run of bytes without a `<` allowed in an XML part: one text
    /// node (a cell value, a shared string run) or one tag. A cell of
    /// `max_cell_chars` characters, each escaped (`&#x4E00;` is 8 bytes),
    /// fits; anything longer would make the XML parser buffer it whole.
    pub fn max_xml_run(&self) -> u64 {
        self.max_cell_chars as u64 * 8 + 4096
    }
}

/// Formats a byte count for messages: `256.0 MB`, `12.3 KB`, `900 字节`.
pub fn bytes_text(n: u64) -> String {
    if n >= MB {
        format!("{:.1} MB", n as f64 / MB as f64)
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} 字节")
    }
}

/// Column letters of a 1-based column number: 1 → A, 16384 → XFD.
pub fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults_and_a_typo_is_an_error() {
        let l = Limits::from_lookup(|k| match k {
            "JINGUO_IMPORT_MAX_ROWS" => Some("10".into()),
            "JINGUO_IMPORT_MAX_TOTAL_MB" => Some("3".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(l.max_rows, 10);
        assert_eq!(l.max_total_bytes, 3 * MB);
        assert_eq!(l.max_cols, Limits::default().max_cols);
        let e = Limits::from_lookup(|k| (k == "JINGUO_IMPORT_MAX_COLS").then(|| "1O".into()));
        assert!(e.unwrap_err().contains("JINGUO_IMPORT_MAX_COLS"));
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16384), "XFD");
    }
}
