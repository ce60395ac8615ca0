//! The area descriptors (`domain::area`) hold against what the layers below
//! the pages really do: every declared sheet is in the ledger contract, has
//! an importer and is written by the exporter; nothing imports a sheet no area
//! declares; every declared statistics section is in the statistics document.

mod common;

use std::collections::BTreeSet;

use db::{
    import::{export::export_workbook, importers},
    stats::stats,
    testing::{self, TestDb},
};
use domain::date::Period;

fn declared() -> BTreeSet<&'static str> {
    domain::area::sheets().collect()
}

#[test]
fn every_declared_sheet_is_in_the_contract_and_has_exactly_one_importer() {
    let imported: Vec<&str> = importers().iter().map(|i| i.sheet()).collect();
    let set: BTreeSet<&str> = imported.iter().copied().collect();
    assert_eq!(
        set.len(),
        imported.len(),
        "a sheet with two importers: {imported:?}"
    );
    assert_eq!(set, declared(), "importers and declared sheets differ");
    for s in declared() {
        assert!(ledger::spec_for(s).is_some(), "{s} is not a contract sheet");
    }
    // Applied in the contract's order: each sheet after those it refers to.
    let order: Vec<usize> = imported
        .iter()
        .map(|s| {
            ledger::ALL_SHEETS
                .iter()
                .position(|c| c.name == *s)
                .unwrap()
        })
        .collect();
    assert!(order.is_sorted(), "{imported:?}");
}

#[tokio::test]
async fn the_exporter_writes_every_declared_sheet_and_the_statistics_hold_every_declared_section() {
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    let op = testing::operator();
    let bytes = export_workbook(&t.db, &op, testing::COUNTY, "测试：领域声明")
        .await
        .expect("export");
    let wb = ledger::read_bytes("县.xlsx", &bytes).expect("the export reads back");
    let written: BTreeSet<&str> = wb
        .sheets
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| ledger::spec_for(n).is_some())
        .collect();
    assert_eq!(written, declared(), "exported and declared sheets differ");

    let doc = stats(&t.db.conn, &op, testing::COUNTY, Period::year(2020))
        .await
        .expect("stats");
    let json = serde_json::to_value(&doc).unwrap();
    for a in domain::area::AREAS {
        if let Some(section) = a.stats_section {
            assert!(
                json.get(section).is_some(),
                "{}: no section {section}",
                a.key
            );
        }
    }
}
