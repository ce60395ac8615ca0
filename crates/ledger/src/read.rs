//! Reading ledger files: `.xlsx`, `.csv`, a folder of CSVs, or a `.zip`.
//!
//! Everything is read streaming under the caps of [`Limits`]; a [`Reader`]
//! carries one import's [`Usage`] across all its files, so several files of
//! one upload share one budget.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::limits::{Limits, bytes_text};
use crate::model::{Sheet, Workbook};
use crate::read_csv::{decode_text, parse_csv};
use crate::read_xlsx::parse_xlsx;
use crate::unpack::{Part, Usage, check_declared_entries, scan};

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
    /// A cap of [`Limits`] was hit while reading; nothing was imported.
    #[error(
        "「{file}」超出导入限制：{what}上限为 {limit}，实际{found}。未导入任何数据；请拆分文件或删去多余的行、列后重新导入。"
    )]
    Limit {
        /// The file, and the part or sheet inside it.
        file: String,
        /// Which cap (Chinese).
        what: String,
        /// The cap's value.
        limit: String,
        /// What was found.
        found: String,
    },
}

impl ReadError {
    pub(crate) fn unreadable(file: &str, reason: impl Into<String>) -> Self {
        ReadError::Unreadable {
            file: file.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn limit(
        file: &str,
        what: &str,
        limit: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        ReadError::Limit {
            file: file.to_string(),
            what: what.to_string(),
            limit: limit.into(),
            found: found.into(),
        }
    }

    /// True when a cap of [`Limits`] refused the file.
    pub fn is_limit(&self) -> bool {
        matches!(self, ReadError::Limit { .. })
    }
}

/// Reads a ledger from disk under the default [`Limits`].
pub fn read_path(path: &Path) -> Result<Workbook, ReadError> {
    Reader::new(Limits::default()).read_path(path)
}

/// Reads an uploaded ledger under the default [`Limits`]; the kind is chosen
/// by `file_name`'s extension.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<Workbook, ReadError> {
    Reader::new(Limits::default()).read_bytes(file_name, bytes)
}

/// Reads the files of one import under one set of caps and one budget.
pub struct Reader {
    limits: Limits,
    used: Usage,
}

impl Reader {
    /// A reader with nothing used yet.
    pub fn new(limits: Limits) -> Reader {
        Reader {
            limits,
            used: Usage::default(),
        }
    }

    /// What has been used so far.
    pub fn usage(&self) -> &Usage {
        &self.used
    }

    /// Reads an `.xlsx`, a `.csv` (one sheet named after the file stem), a
    /// `.zip`, or a directory (each `*.csv` inside is a sheet), from disk
    /// without loading it whole.
    pub fn read_path(&mut self, path: &Path) -> Result<Workbook, ReadError> {
        let shown = path.display().to_string();
        if path.is_dir() {
            return self.read_dir(path);
        }
        let file = File::open(path).map_err(|e| ReadError::unreadable(&shown, e.to_string()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(shown);
        self.read_source(&name, BufReader::new(file))
    }

    /// Reads an uploaded file held in memory.
    pub fn read_bytes(&mut self, file_name: &str, bytes: &[u8]) -> Result<Workbook, ReadError> {
        self.read_source(file_name, std::io::Cursor::new(bytes))
    }

    fn read_source<R: Read + Seek>(
        &mut self,
        file_name: &str,
        src: R,
    ) -> Result<Workbook, ReadError> {
        match extension(file_name).as_str() {
            "xlsx" | "xlsm" => Ok(Workbook {
                sheets: parse_xlsx(file_name, src, &self.limits, &mut self.used)?,
                attachments: vec![],
            }),
            // The legacy binary format has no streaming reader: its cells are
            // always laid out in a full grid first, which cannot be bounded.
            "xls" | "et" => Err(ReadError::unreadable(
                file_name,
                "不支持旧版 Excel 97-2003 格式（.xls），请在 Excel 或 WPS 中另存为 .xlsx 后上传",
            )),
            "csv" => Ok(Workbook {
                sheets: vec![self.csv_file(file_name, &stem(file_name), src)?],
                attachments: vec![],
            }),
            "zip" => self.read_zip(file_name, src),
            _ => Err(ReadError::Unsupported {
                file: file_name.to_string(),
            }),
        }
    }

    /// A plain CSV: scanned once (size, encoding), then parsed.
    fn csv_file<R: Read + Seek>(
        &mut self,
        label: &str,
        sheet: &str,
        mut src: R,
    ) -> Result<Sheet, ReadError> {
        let info = scan(
            &mut src,
            label,
            Part::Csv,
            None,
            &self.limits,
            &mut self.used,
        )?;
        src.seek(SeekFrom::Start(0))
            .map_err(|e| ReadError::unreadable(label, e.to_string()))?;
        parse_csv(label, sheet, src, info.utf8, &self.limits, &mut self.used)
    }

    fn read_dir(&mut self, dir: &Path) -> Result<Workbook, ReadError> {
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
            let file = File::open(&f).map_err(|e| ReadError::unreadable(&name, e.to_string()))?;
            let sheet = self.csv_file(&name, &stem(&name), BufReader::new(file))?;
            push_sheet(&mut book, sheet, &shown)?;
        }
        if book.sheets.is_empty() {
            return Err(ReadError::unreadable(&shown, "文件夹中没有 .csv 文件"));
        }
        book.attachments = self.read_photos(dir)?;
        Ok(book)
    }

    /// Photos named in a sheet's 照片 column, found beside the CSVs or in a
    /// direct subfolder (a 照片/ folder is common), as (relative path, bytes).
    fn read_photos(&mut self, dir: &Path) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
        let list = |d: &Path| -> Vec<std::path::PathBuf> {
            std::fs::read_dir(d)
                .map(|es| es.filter_map(Result::ok).map(|e| e.path()).collect())
                .unwrap_or_default()
        };
        let is_photo = |p: &Path| {
            p.is_file()
                && p.file_name()
                    .is_some_and(|n| is_photo_name(&n.to_string_lossy()))
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
            let file = File::open(&p).map_err(|e| ReadError::unreadable(&rel, e.to_string()))?;
            let bytes = self.take_photo(&rel, file)?;
            out.push((rel, bytes));
        }
        Ok(out)
    }

    /// Reads one photo into memory, charged to the photo budget.
    fn take_photo(&mut self, label: &str, src: impl Read) -> Result<Vec<u8>, ReadError> {
        let room = self
            .limits
            .max_attachment_bytes
            .saturating_sub(self.used.attachments)
            .min(self.limits.max_entry_bytes);
        let mut data = Vec::new();
        src.take(room + 1)
            .read_to_end(&mut data)
            .map_err(|e| ReadError::unreadable(label, format!("读取失败（{e}）")))?;
        if data.len() as u64 > room {
            return Err(ReadError::limit(
                label,
                "一次导入的照片总大小",
                bytes_text(self.limits.max_attachment_bytes),
                format!(
                    "超过 {}",
                    bytes_text(self.used.attachments + data.len() as u64)
                ),
            ));
        }
        self.used.attachments += data.len() as u64;
        Ok(data)
    }

    /// A zip of CSV sheets (or one .xlsx) and photos. First pass: every entry
    /// is inflated to nowhere and counted; a zip inside is refused. Second
    /// pass: sheets are parsed streaming, photos kept.
    fn read_zip<R: Read + Seek>(
        &mut self,
        file_name: &str,
        mut src: R,
    ) -> Result<Workbook, ReadError> {
        let bad = |e: zip::result::ZipError| {
            ReadError::unreadable(file_name, format!("不是有效的压缩包（{e}）"))
        };
        check_declared_entries(&mut src, file_name, &self.limits)?;
        let mut archive = zip::ZipArchive::new(src).map_err(bad)?;
        if archive.len() > self.limits.max_entries {
            return Err(ReadError::limit(
                file_name,
                "压缩包中的文件个数",
                self.limits.max_entries.to_string(),
                archive.len().to_string(),
            ));
        }
        let mut plan: Vec<(usize, String, Kind)> = Vec::new();
        for i in 0..archive.len() {
            let entry = archive.by_index(i).map_err(bad)?;
            if entry.is_dir() {
                continue;
            }
            let name = entry_name(entry.name_raw());
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            // macOS archivers add resource-fork shadows that are not user files.
            if name.starts_with("__MACOSX/") || base.starts_with("._") || base.is_empty() {
                continue;
            }
            let ext = extension(&base);
            let label = format!("{file_name} 中的「{name}」");
            if matches!(
                ext.as_str(),
                "zip" | "rar" | "7z" | "gz" | "tgz" | "tar" | "bz2" | "xz" | "jar"
            ) {
                return Err(nested(file_name, &name));
            }
            let kind = match ext.as_str() {
                "csv" => Kind::Csv,
                "xlsx" | "xlsm" => Kind::Xlsx,
                "xls" | "et" => {
                    return Err(ReadError::unreadable(
                        &label,
                        "不支持旧版 Excel 97-2003 格式（.xls），请另存为 .xlsx",
                    ));
                }
                _ if is_photo_name(&base) => Kind::Photo,
                // Anything else is neither a sheet nor a photo a sheet can name.
                _ => continue,
            };
            let part = if kind == Kind::Csv {
                Part::Csv
            } else {
                Part::Opaque
            };
            let packed = entry.compressed_size();
            let info = scan(
                entry,
                &label,
                part,
                Some(packed),
                &self.limits,
                &mut self.used,
            )?;
            // A photo that is really a zip is a nested archive under another name.
            if info.zip_magic && kind == Kind::Photo {
                return Err(nested(file_name, &name));
            }
            let kind = if kind == Kind::Csv && !info.utf8 {
                Kind::CsvGb
            } else {
                kind
            };
            plan.push((i, name, kind));
        }
        let mut book = Workbook::default();
        for (i, name, kind) in plan {
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            let label = format!("{file_name} 中的「{name}」");
            let cap = self.limits.max_entry_bytes;
            let entry = archive.by_index(i).map_err(bad)?;
            match kind {
                Kind::Csv | Kind::CsvGb => {
                    let sheet = parse_csv(
                        &label,
                        &stem(&base),
                        entry.take(cap),
                        kind == Kind::Csv,
                        &self.limits,
                        &mut self.used,
                    )?;
                    push_sheet(&mut book, sheet, file_name)?;
                }
                Kind::Xlsx => {
                    // One level only, and bounded: its own entries are walked
                    // under the same caps and the same budget.
                    let mut data = Vec::new();
                    entry
                        .take(cap)
                        .read_to_end(&mut data)
                        .map_err(|e| ReadError::unreadable(&label, format!("解压失败（{e}）")))?;
                    let sheets = parse_xlsx(
                        &label,
                        std::io::Cursor::new(data),
                        &self.limits,
                        &mut self.used,
                    )?;
                    for sheet in sheets {
                        push_sheet(&mut book, sheet, file_name)?;
                    }
                }
                Kind::Photo => {
                    let bytes = self.take_photo(&label, entry)?;
                    book.attachments.push((name, bytes));
                }
            }
        }
        Ok(book)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    CsvGb,
    Xlsx,
    Photo,
}

fn nested(file_name: &str, entry: &str) -> ReadError {
    ReadError::limit(
        file_name,
        "压缩包的嵌套层数",
        "1 层（压缩包中不能再有压缩包）",
        format!("「{entry}」又是一个压缩包；请解压后直接上传其中的文件"),
    )
}

fn is_photo_name(name: &str) -> bool {
    matches!(extension(name).as_str(), "jpg" | "jpeg" | "png" | "webp")
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
