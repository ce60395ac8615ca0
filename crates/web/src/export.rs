//! "导出Excel" of a list as it is filtered (issue 20, the area kit): every
//! area's list links to its export with its own query string, the handler
//! reads the same filters, refuses more than [`MAX_ROWS`] rows with a Chinese
//! message, and answers one sheet with Chinese headers. Cells are written by
//! `ledger::write`, which turns formula-like text (`=` `+` `-` `@` TAB CR)
//! into quoted text cells, so an exported name never runs in Excel.

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
pub use ledger::write::OutCell;

use crate::error::{PageError, PageResult};

/// The most rows one export holds: a county's years of activities fit many
/// times over; beyond it the workbook (built in memory) is refused.
pub const MAX_ROWS: usize = 50_000;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Refuses an export of `count` rows over [`MAX_ROWS`], before any row is
/// read.
pub fn check_size(count: usize) -> PageResult<()> {
    if count > MAX_ROWS {
        return Err(PageError::bad_request(format!(
            "当前筛选共有{count}条，超过一次导出的上限{MAX_ROWS}条，请缩小筛选范围（如日期、组织）后再导出"
        )));
    }
    Ok(())
}

/// A text cell, empty when blank.
pub fn text(s: impl Into<String>) -> OutCell {
    let s = s.into();
    if s.is_empty() {
        OutCell::Empty
    } else {
        OutCell::Text(s)
    }
}

/// One sheet `sheet` with `headers` and `rows`, as a download named `name`
/// (Chinese, RFC 5987) with the ASCII `fallback` for old clients. Up to
/// [`MAX_ROWS`] rows take a while to pack: it runs off the async runtime.
pub async fn xlsx(
    name: &str,
    fallback: &str,
    sheet: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<OutCell>>,
) -> PageResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || {
        let mut w = ledger::write::WorkbookWriter::new();
        w.add_sheet(sheet, headers, &rows);
        w.to_xlsx_bytes()
    })
    .await
    .map_err(|e| PageError::internal(&format!("list export task: {e}")))?
    .map_err(|e| PageError::internal(&format!("list export: {e}")))?;
    Ok(attachment(bytes, name, fallback))
}

/// A download's `Content-Disposition`: the ASCII `fallback` for old clients,
/// and the real (Chinese) `name` as RFC 5987's `filename*` (UTF-8,
/// percent-encoded attr-chars), which every current browser prefers.
pub fn disposition(name: &str, fallback: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `attachment` with an ASCII fallback name and the real (Chinese) name
/// encoded per RFC 5987, which every current browser prefers.
fn attachment(bytes: Vec<u8>, name: &str, fallback: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CONTENT_DISPOSITION, disposition(name, fallback)),
            // A filtered list is the caller's own view: never kept by a proxy.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_over_the_bound_is_refused_in_chinese() {
        assert!(check_size(MAX_ROWS).is_ok());
        let e = check_size(MAX_ROWS + 1).unwrap_err();
        assert!(e.message.contains("50000"), "{}", e.message);
    }
}
