//! Excel workbooks: the zip is walked and bounded first, then calamine's
//! streaming cell reader feeds an [`Assembler`]. No calamine `Range` is ever
//! built (it is sized from the cells' extent, so two cells at A1 and
//! XFD1048576 asked for 549,755,813,888 bytes) and `<dimension>` is ignored.

use std::io::{Read, Seek, SeekFrom};

use calamine::{DataRef, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;

use crate::assemble::Assembler;
use crate::limits::Limits;
use crate::model::{Cell, Sheet};
use crate::read::ReadError;
use crate::unpack::{Part, Usage, scan};

/// Reads every worksheet of an xlsx. `file_name` names it in messages.
pub(crate) fn parse_xlsx<R: Read + Seek>(
    file_name: &str,
    mut src: R,
    limits: &Limits,
    used: &mut Usage,
) -> Result<Vec<Sheet>, ReadError> {
    walk(file_name, &mut src, limits, used)?;
    src.seek(SeekFrom::Start(0))
        .map_err(|e| ReadError::unreadable(file_name, e.to_string()))?;
    let mut book: Xlsx<R> = Xlsx::new(src)
        .map_err(|e| ReadError::unreadable(file_name, format!("不是有效的 Excel 文件（{e}）")))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let label = format!("{file_name} 的工作表「{name}」");
        let mut cells = match book.worksheet_cells_reader(&name) {
            Ok(r) => r,
            // A chart sheet has no cells; calamine skips it the same way.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => {
                return Err(ReadError::unreadable(
                    file_name,
                    format!("无法读取工作表「{name}」（{e}）"),
                ));
            }
        };
        let mut asm = Assembler::new(label, limits);
        loop {
            let next = cells.next_cell().map_err(|e| {
                ReadError::unreadable(asm.label(), format!("工作表内容无法解析（{e}）"))
            })?;
            let Some(cell) = next else { break };
            let (row, col) = cell.get_position();
            asm.push(row as usize, col as usize, to_cell(cell.get_value()), used)?;
        }
        sheets.push(asm.finish(&name, true));
    }
    Ok(sheets)
}

/// Inflates every entry once, counting real bytes against the caps.
fn walk<R: Read + Seek>(
    file_name: &str,
    src: &mut R,
    limits: &Limits,
    used: &mut Usage,
) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(src)
        .map_err(|e| ReadError::unreadable(file_name, format!("不是有效的 Excel 文件（{e}）")))?;
    if zip.len() > limits.max_entries {
        return Err(ReadError::limit(
            file_name,
            "压缩包中的文件个数",
            limits.max_entries.to_string(),
            zip.len().to_string(),
        ));
    }
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| {
            ReadError::unreadable(file_name, format!("不是有效的 Excel 文件（{e}）"))
        })?;
        if entry.is_dir() {
            continue;
        }
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let lower = name.to_lowercase();
        let part = if lower.ends_with("sharedstrings.xml") {
            Part::SharedStrings
        } else if lower.ends_with(".xml") || lower.ends_with(".rels") {
            Part::Xml
        } else {
            Part::Opaque
        };
        let packed = entry.compressed_size();
        scan(
            entry,
            &format!("{file_name} 中的「{name}」"),
            part,
            Some(packed),
            limits,
            used,
        )?;
    }
    Ok(())
}

fn to_cell(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DurationIso(s) => Cell::text(s),
        DataRef::SharedString(s) => Cell::text(s),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), m.into(), d.into())
                .map(Cell::Date)
                .unwrap_or(Cell::Number(dt.as_f64()))
        }
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => s
            .get(..10)
            .and_then(|p| NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::text(s)),
        // An error cell (#N/A, #REF!) is shown to the user as written, so the
        // row parser reports it instead of treating it as blank.
        DataRef::Error(e) => Cell::Text(format!("{e}")),
    }
}
