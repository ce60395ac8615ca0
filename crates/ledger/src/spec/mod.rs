//! The sheets and columns of the ledger contract (`spec/ledgers.md`), as data.
//!
//! Names here are the contract: never rename or drop one, only add.

use crate::header::normalize_header;

mod activity;
mod foundation;
mod services;

pub use activity::{ACTIVITY, ATTENDANCE, CAMPAIGN, HONOUR, NOMINATION, PUBLICITY, WORK};
pub use foundation::{OFFICER, ORG, PERSON, SURVEY, VENUE};
pub use services::{
    CARE_VISIT, COURTYARD, DISTRIBUTION, DONATION, FUND, ORDER, ORDER_ALLOCATION, PARTNER_FIGURE,
    RELIEF_GRANT, RELIEF_PROGRAMME, RIGHTS_CASE,
};

/// One column of a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Header text exactly as in the contract.
    pub name: &'static str,
    /// A sheet without this column fails. (Per-row rules such as
    /// "上级组织编码 except the root" are checked by the row parsers.)
    pub required: bool,
    /// Short Chinese help shown in the template's 说明 sheet and header notes.
    pub help: &'static str,
}

/// One sheet of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetSpec {
    /// Sheet name (also the CSV file stem).
    pub name: &'static str,
    /// Columns whose values identify a row for re-import (KEY).
    pub key: &'static [&'static str],
    /// All known columns, in the template's order.
    pub columns: &'static [ColumnSpec],
}

impl SheetSpec {
    /// The headers of the sheet as the template, the exporter and the bench
    /// data write them: every column, in the contract's order.
    pub fn headers(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// The column named `name` (normalized comparison).
    pub fn column(&self, name: &str) -> Option<&'static ColumnSpec> {
        let n = normalize_header(name);
        self.columns.iter().find(|c| normalize_header(c.name) == n)
    }
}

const fn req(name: &'static str, help: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: true,
        help,
    }
}

const fn opt(name: &'static str, help: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        required: false,
        help,
    }
}

/// Every sheet, in import (dependency) order.
pub const ALL_SHEETS: &[&SheetSpec] = &[
    &ORG,
    &VENUE,
    &PERSON,
    &OFFICER,
    &ACTIVITY,
    &ATTENDANCE,
    &WORK,
    &PUBLICITY,
    &CAMPAIGN,
    &NOMINATION,
    &HONOUR,
    &RELIEF_PROGRAMME,
    &RELIEF_GRANT,
    &FUND,
    &DONATION,
    &DISTRIBUTION,
    &CARE_VISIT,
    &RIGHTS_CASE,
    &PARTNER_FIGURE,
    &ORDER,
    &ORDER_ALLOCATION,
    &COURTYARD,
    &SURVEY,
];

/// The spec of the sheet named `name` (normalized comparison).
pub fn spec_for(name: &str) -> Option<&'static SheetSpec> {
    let n = normalize_header(name);
    ALL_SHEETS.iter().copied().find(|s| s.name == n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sheet_has_unique_columns_and_its_keys_are_columns() {
        assert_eq!(ALL_SHEETS.len(), 23);
        for s in ALL_SHEETS {
            for k in s.key {
                assert!(s.column(k).is_some(), "{}: key {k} is not a column", s.name);
            }
            let mut names: Vec<_> = s.columns.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(
                names.len(),
                s.columns.len(),
                "{} has a duplicate column",
                s.name
            );
        }
    }

    #[test]
    fn dependency_order_puts_foundations_first_and_parents_before_children() {
        let pos = |n: &str| ALL_SHEETS.iter().position(|s| s.name == n).unwrap();
        assert_eq!(
            ALL_SHEETS[..4].iter().map(|s| s.name).collect::<Vec<_>>(),
            ["组织", "阵地", "人员", "干部"]
        );
        for (a, b) in [
            ("活动", "参与人员"),
            ("活动", "作品"),
            ("评选", "推选"),
            ("救助项目", "救助对象"),
            ("捐赠", "物资发放"),
            ("订单", "订单分配"),
        ] {
            assert!(pos(a) < pos(b), "{a} must come before {b}");
        }
    }

    #[test]
    fn spec_for_finds_sheets_ignoring_spaces() {
        assert_eq!(spec_for(" 人员 ").map(|s| s.name), Some("人员"));
        assert!(spec_for("不存在").is_none());
        assert!(ORG.column("上级组织编码").is_some_and(|c| !c.required));
        assert!(RIGHTS_CASE.column("当事人姓名").is_some_and(|c| c.required));
        assert!(RIGHTS_CASE.column("身份证号").is_some_and(|c| !c.required));
    }
}
