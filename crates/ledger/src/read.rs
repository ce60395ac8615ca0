//! Reading ledger files: `.xlsx`, `.csv`, a folder of CSVs, or a `.zip`.

use std::io::Read;
use std::path::Path;

use crate::model::{RawRow, Sheet, Workbook};
use crate::read_csv::{decode_text, parse_csv};
use crate::read_xlsx::parse_xlsx;

/// Largest total size unpacked from one zip; guards against zip bombs.
const MAX_UNZIPPED: u64 = 1024 * 1024 * 1024;

/// Why a file could not be read at all (row problems are `Issue`s, not this).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// The file exists but cannot be opened or parsed.
    #[error("无法读取文件：{file}（{reason}）")]
    Unreadable {
        /// File name as given by the user.
        file: String,
        /// Chinese explanation.
        reason: String,
    },
    /// The file's extension is not one we read.
    #[error("不支持的文件类型：{file}（支持 .xlsx、.csv、.zip）")]
    Unsupported {
        /// File name as given by the user.
        file: String,
    },
}

impl ReadError {
    pub(crate) fn unreadable(file: &str, reason: impl Into<String>) -> Self {
        ReadError::Unreadable {
            file: file.to_string(),
            reason: reason.into(),
        }
    }
}

/// Reads a ledger from disk: an `.xlsx`, a `.csv` (one sheet named after the
/// file stem), a `.zip`, or a directory (each `*.csv` inside is a sheet).
pub fn read_path(path: &Path) -> Result<Workbook, ReadError> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return read_dir(path);
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::unreadable(&shown, e.to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(shown);
    read_bytes(&name, &bytes)
}

/// Reads an uploaded ledger; the kind is chosen by `file_name`'s extension.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<Workbook, ReadError> {
    match extension(file_name).as_str() {
        "xlsx" | "xlsm" | "xls" => Ok(Workbook {
            sheets: parse_xlsx(file_name, bytes)?,
            attachments: vec![],
        }),
        "csv" => Ok(Workbook {
            sheets: vec![parse_csv(file_name, &stem(file_name), bytes)?],
            attachments: vec![],
        }),
        "zip" => read_zip(file_name, bytes),
        _ => Err(ReadError::Unsupported {
            file: file_name.to_string(),
        }),
    }
}

fn read_dir(dir: &Path) -> Result<Workbook, ReadError> {
    let shown = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| ReadError::unreadable(&shown, e.to_string()))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| extension(&n.to_string_lossy()) == "csv")
        })
        .collect();
    // Directory order is arbitrary; sorted keeps reports stable.
    files.sort();
    let mut book = Workbook::default();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&f).map_err(|e| ReadError::unreadable(&name, e.to_string()))?;
        push_sheet(&mut book, parse_csv(&name, &stem(&name), &bytes)?, &shown)?;
    }
    if book.sheets.is_empty() {
        return Err(ReadError::unreadable(&shown, "文件夹中没有 .csv 文件"));
    }
    book.attachments = read_photos(dir)?;
    Ok(book)
}

/// Photos named in a sheet's 照片 column, found beside the CSVs or in a
/// direct subfolder (a 照片/ folder is common), as (relative path, bytes).
fn read_photos(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
    let is_photo = |p: &Path| {
        p.is_file()
            && p.file_name().is_some_and(|n| {
                matches!(
                    extension(&n.to_string_lossy()).as_str(),
                    "jpg" | "jpeg" | "png" | "webp"
                )
            })
    };
    let list = |d: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(d)
            .map(|es| es.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut found: Vec<std::path::PathBuf> = Vec::new();
    for p in list(dir) {
        if p.is_dir() {
            found.extend(list(&p).into_iter().filter(|q| is_photo(q)));
        } else if is_photo(&p) {
            found.push(p);
        }
    }
    found.sort();
    let mut out = Vec::with_capacity(found.len());
    for p in found {
        let rel = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(&p).map_err(|e| ReadError::unreadable(&rel, e.to_string()))?;
        out.push((rel, bytes));
    }
    Ok(out)
}

fn read_zip(file_name: &str, bytes: &[u8]) -> Result<Workbook, ReadError> {
    let bad = |e: zip::result::ZipError| {
        ReadError::unreadable(file_name, format!("不是有效的压缩包（{e}）"))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let mut book = Workbook::default();
    let mut budget = MAX_UNZIPPED;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(bad)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry_name(entry.name_raw());
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        // macOS archivers add resource-fork shadows that are not user files.
        if name.starts_with("__MACOSX/") || base.starts_with("._") || base.is_empty() {
            continue;
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut data)
            .map_err(|e| ReadError::unreadable(file_name, format!("无法解压「{name}」（{e}）")))?;
        if data.len() as u64 > budget {
            return Err(ReadError::unreadable(file_name, "压缩包解压后过大"));
        }
        budget -= data.len() as u64;
        match extension(&base).as_str() {
            "csv" => push_sheet(&mut book, parse_csv(&name, &stem(&base), &data)?, file_name)?,
            "xlsx" | "xlsm" | "xls" => {
                for sheet in parse_xlsx(&name, &data)? {
                    push_sheet(&mut book, sheet, file_name)?;
                }
            }
            _ => book.attachments.push((name, data)),
        }
    }
    Ok(book)
}

/// Zip entry names from Chinese Windows tools are often GBK without the
/// UTF-8 flag; decode them the same way as CSV text.
fn entry_name(raw: &[u8]) -> String {
    decode_text(raw).replace('\\', "/")
}

fn push_sheet(book: &mut Workbook, sheet: Sheet, file: &str) -> Result<(), ReadError> {
    if book.sheet(&sheet.name).is_some() {
        return Err(ReadError::unreadable(
            file,
            format!("工作表「{}」出现了不止一次", sheet.name),
        ));
    }
    book.sheets.push(sheet);
    Ok(())
}

/// Drops trailing fully-empty rows and builds the sheet.
pub(crate) fn finish_sheet(name: String, headers: Vec<String>, mut rows: Vec<RawRow>) -> Sheet {
    while rows.last().is_some_and(RawRow::is_empty) {
        rows.pop();
    }
    Sheet {
        name: name.trim().to_string(),
        headers,
        rows,
    }
}

fn extension(file_name: &str) -> String {
    Path::new(file_name.trim())
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    Path::new(base)
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_string())
        .unwrap_or_default()
}
