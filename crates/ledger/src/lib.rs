//! The ledger workbook (台账) contract of `spec/ledgers.md`.
//!
//! Reading: [`read_path`] / [`read_bytes`] turn an `.xlsx`, `.csv`, folder or
//! `.zip` into a raw [`Workbook`]; a [`SheetReader`] matches a sheet against
//! its [`SheetSpec`] and gives typed [`RowView`]s; the parsers in [`sheets`]
//! turn foundation sheets into checked rows. Every problem becomes an
//! [`Issue`] (sheet, row, column, Chinese message) in a [`Report`].
//!
//! Writing: [`WorkbookWriter`], [`to_csv_bytes`] and [`template_xlsx`].

mod assemble;
pub mod header;
pub mod issue;
pub mod limits;
pub mod model;
pub mod plain;
pub mod read;
mod read_csv;
mod read_xlsx;
pub mod rows;
pub mod sheets;
pub mod spec;
mod unpack;
pub mod values;
pub mod write;

pub use header::normalize_header;
pub use issue::{Issue, Report};
pub use limits::Limits;
pub use model::{Cell, RawRow, Sheet, Workbook};
pub use plain::check_plain_text;
pub use read::{ReadError, Reader, read_bytes, read_path};
pub use rows::{KeyTracker, RowView, SheetReader};
pub use spec::{ALL_SHEETS, ColumnSpec, SheetSpec, spec_for};
pub use unpack::Usage;
pub use write::{OutCell, WorkbookWriter, template_xlsx, to_csv_bytes};
