//! CSV sheets: encoding detection and parsing.

use crate::model::{Cell, RawRow, Sheet};
use crate::read::{ReadError, finish_sheet};

/// Decodes CSV bytes: UTF-8 (BOM stripped) when valid, otherwise GB18030,
/// which covers GBK/GB2312 as saved by Chinese Excel and WPS.
pub(crate) fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            text.into_owned()
        }
    }
}

/// Parses one CSV file into a sheet named `sheet_name`.
pub(crate) fn parse_csv(
    file_name: &str,
    sheet_name: &str,
    bytes: &[u8],
) -> Result<Sheet, ReadError> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        // Hand-edited files often have ragged rows; missing cells read as empty.
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers = Vec::new();
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| ReadError::unreadable(file_name, format!("CSV 格式错误：{e}")))?;
        if index == 0 {
            headers = record
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect();
            continue;
        }
        // The spreadsheet row number: record 0 is the header on row 1.
        rows.push(RawRow {
            line: index + 1,
            cells: record.iter().map(Cell::text).collect(),
        });
    }
    Ok(finish_sheet(sheet_name.to_string(), headers, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_decoded_as_gb18030() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("妇联");
        assert_eq!(decode_text(&gbk), "妇联");
        assert_eq!(decode_text("\u{feff}妇联".as_bytes()), "妇联");
    }

    #[test]
    fn ragged_rows_and_blank_cells_read_as_empty() {
        let s = parse_csv("a.csv", "a", "x,y,z\n1,,\n2\n,,\n".as_bytes()).unwrap();
        assert_eq!(s.rows.len(), 2, "trailing empty row dropped");
        assert_eq!(
            s.rows[0].cells,
            vec![Cell::Text("1".into()), Cell::Empty, Cell::Empty]
        );
        assert_eq!(s.rows[1].line, 3);
    }
}
