//! The spec constants agree with the written contract: the project's own
//! copy, `docs/ledgers.md` (which carries the extensions made to v1).

use std::path::PathBuf;

use ledger::{ALL_SHEETS, spec_for};

fn contract_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/ledgers.md");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the contract {} can't be read: {e}", path.display()))
}

/// (sheet, key columns, [(column, required)]) per `## ` section.
type Section = (String, Vec<String>, Vec<(String, bool)>);

fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## ") {
            let name = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let key = rest
                .split_once("KEY ")
                .map(|(_, k)| k.split(" + ").map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            out.push((name, key, Vec::new()));
        } else if let (Some(sec), Some(row)) = (out.last_mut(), line.strip_prefix('|')) {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            if cells.len() < 2 || cells[0] == "column" || cells[0].starts_with("---") {
                continue;
            }
            let names: Vec<&str> = cells[0].split(", ").collect();
            for (i, n) in names.iter().enumerate() {
                // "yes / no" spans two columns; "yes, except the root" is a per-row rule.
                let required = match cells[1] {
                    "yes" => true,
                    "yes / no" => i == 0,
                    _ => false,
                };
                sec.2.push((n.to_string(), required));
            }
        }
    }
    out
}

#[test]
fn every_contract_sheet_and_column_is_in_the_spec_with_its_required_flag() {
    let text = contract_text();
    let secs = sections(&text);
    assert_eq!(
        secs.len(),
        ALL_SHEETS.len(),
        "sheet count differs from the contract"
    );
    for (name, key, cols) in &secs {
        let spec = spec_for(name).unwrap_or_else(|| panic!("sheet {name} missing from the spec"));
        assert_eq!(
            &spec.key.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            key,
            "{name}: key"
        );
        for (col, required) in cols {
            let c = spec
                .column(col)
                .unwrap_or_else(|| panic!("{name}: column {col} missing"));
            assert_eq!(c.required, *required, "{name}: required flag of {col}");
        }
    }
}
