//! The nine sheets of a bench county under construction, as all-text rows
//! with the ledger contract's headers (docs/ledgers.md). The same rows become
//! a [`Sheet`] for the in-process import or a CSV file for `jinguo import`.

use ledger::{Cell, OutCell, RawRow, Sheet, SheetSpec, spec};

/// One sheet under construction: headers and all-text rows.
pub(super) struct Table {
    pub name: &'static str,
    headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(spec: &'static SheetSpec) -> Self {
        Table {
            name: spec.name,
            headers: spec.headers(),
            rows: Vec::new(),
        }
    }

    /// Appends a row, one cell per header.
    pub fn row(&mut self, cells: &[&str]) {
        debug_assert_eq!(cells.len(), self.headers.len(), "sheet {}", self.name);
        self.rows
            .push(cells.iter().map(|c| c.to_string()).collect());
    }

    pub fn to_sheet(&self) -> Sheet {
        Sheet {
            name: self.name.into(),
            headers: self.headers.iter().map(|h| h.to_string()).collect(),
            rows: self
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| RawRow {
                    line: i + 2,
                    cells: r.iter().map(|c| Cell::text(c)).collect(),
                })
                .collect(),
        }
    }

    pub fn to_csv(&self) -> Vec<u8> {
        let rows: Vec<Vec<OutCell>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| OutCell::Text(c.clone())).collect())
            .collect();
        ledger::to_csv_bytes(&self.headers, &rows)
    }
}

/// Every sheet of one county's workbook.
pub(super) struct Tables {
    pub orgs: Table,
    pub venues: Table,
    pub people: Table,
    pub officers: Table,
    pub surveys: Table,
    pub acts: Table,
    pub roster: Table,
    pub works: Table,
    pub publicity: Table,
}

impl Tables {
    pub fn new() -> Self {
        Tables {
            orgs: Table::new(&spec::ORG),
            venues: Table::new(&spec::VENUE),
            people: Table::new(&spec::PERSON),
            officers: Table::new(&spec::OFFICER),
            surveys: Table::new(&spec::SURVEY),
            acts: Table::new(&spec::ACTIVITY),
            roster: Table::new(&spec::ATTENDANCE),
            works: Table::new(&spec::WORK),
            publicity: Table::new(&spec::PUBLICITY),
        }
    }

    /// The sheets in the ledger's order: a sheet comes after the ones its
    /// rows refer to (orgs before people, activities before rosters).
    pub fn into_vec(self) -> Vec<Table> {
        vec![
            self.orgs,
            self.venues,
            self.people,
            self.officers,
            self.surveys,
            self.acts,
            self.roster,
            self.works,
            self.publicity,
        ]
    }
}
