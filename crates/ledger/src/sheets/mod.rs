//! Typed parsers for the foundation sheets (组织, 阵地, 人员, 干部, 调研).
//!
//! Each parser returns only the rows that passed every check; the problems
//! of the others are in the `Report`, located by sheet, row and column.
//! References to other sheets (组织编码) are checked later, against the
//! database, by the importer.

mod activity;
mod officer;
mod org;
mod person;
mod survey;
mod venue;

pub use activity::{
    ActivityRow, AttendanceRow, PublicityRow, WorkRow, parse_activities, parse_attendance,
    parse_publicity, parse_works,
};
pub use officer::{OfficerRow, parse_officers};
pub use org::{OrgRow, parse_orgs};
pub use person::{PersonRow, parse_people};
pub use survey::{SurveyRow, parse_surveys};
pub use venue::{VenueRow, parse_venues};

/// A checked row of a sheet: it knows the spreadsheet row it came from.
pub trait SheetRow {
    fn line(&self) -> usize;
}

macro_rules! sheet_rows {
    ($($t:ty),+) => {
        $(impl SheetRow for $t {
            fn line(&self) -> usize {
                self.line
            }
        })+
    };
}

sheet_rows!(
    ActivityRow,
    AttendanceRow,
    WorkRow,
    PublicityRow,
    OfficerRow,
    OrgRow,
    PersonRow,
    SurveyRow,
    VenueRow
);

#[cfg(test)]
pub(crate) mod test_util {
    use crate::model::{Cell, RawRow, Sheet};

    /// A sheet from CSV-like text cells; row 1 is the header.
    pub fn sheet(name: &str, headers: &[&str], rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow {
                    line: i + 2,
                    cells: r.iter().map(|c| Cell::text(c)).collect(),
                })
                .collect(),
        }
    }

    /// (row, column, message) of every error, for compact assertions.
    pub fn errors(rep: &crate::Report) -> Vec<(usize, String, String)> {
        rep.errors
            .iter()
            .map(|e| {
                (
                    e.row,
                    e.column.clone().unwrap_or_default(),
                    e.message.clone(),
                )
            })
            .collect()
    }
}
