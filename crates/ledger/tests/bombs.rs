//! The bombs of docs/security.md §1 read from disk, as `jinguo import` reads
//! them (`Reader::read_path`): each refused by its cap with its message, and
//! a real workbook still read.

use std::io::Write;

use ledger::{Limits, ReadError, Reader};

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn xlsx(sheet_data: &str) -> Vec<u8> {
    let rels = format!(
        r#"<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let book = format!(
        r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let book_rels = format!(
        r#"<Relationships xmlns="{REL}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(
        r#"<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    zip_of(&[
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", book.as_bytes()),
        ("xl/_rels/workbook.xml.rels", book_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

fn read_file(name: &str, bytes: &[u8]) -> Result<ledger::Workbook, ReadError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    Reader::new(Limits::default()).read_path(&path)
}

fn refused(r: Result<ledger::Workbook, ReadError>, parts: &[&str]) {
    let e = r.expect_err("refused");
    assert!(e.is_limit(), "{e}");
    let msg = e.to_string();
    for p in parts {
        assert!(msg.contains(p), "missing {p}: {msg}");
    }
}

#[test]
fn a_sparse_xlsx_read_from_disk_is_refused_and_a_dense_one_still_reads() {
    let sparse = xlsx(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
    );
    refused(
        read_file("稀疏.xlsx", &sparse),
        &["稀疏.xlsx 的工作表「人员」", "行数", "1048576"],
    );
    // Data starting in column B reads as starting in A (as calamine's ranges did).
    let ok = xlsx(
        r#"<row r="2"><c r="B2" t="inlineStr"><is><t>姓名</t></is></c></row><row r="4"><c r="B4" t="inlineStr"><is><t>王芳</t></is></c><c r="D4"><v>3</v></c></row>"#,
    );
    let wb = read_file("好.xlsx", &ok).unwrap();
    let s = wb.sheet("人员").unwrap();
    assert_eq!(s.headers, ["姓名"]);
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.rows[0].line, 4);
    assert_eq!(s.rows[0].cells[0], ledger::Cell::text("王芳"));
    assert_eq!(s.rows[0].cells[2], ledger::Cell::Number(3.0));
}

#[test]
fn two_million_rows_a_nested_zip_and_too_many_entries_are_refused_from_disk() {
    let mut csv = "姓名\n".to_string();
    csv.push_str(&"a\n".repeat(2_000_000));
    refused(
        read_file("人员.csv", csv.as_bytes()),
        &["「人员.csv」", "行数", "200001"],
    );
    let inner = zip_of(&[("a.csv", b"x\n1\n")]);
    refused(
        read_file("外.zip", &zip_of(&[("内.zip", &inner)])),
        &["嵌套层数", "内.zip"],
    );
    let names: Vec<String> = (0..5_001).map(|i| format!("照片/{i}.png")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    refused(
        read_file("多.zip", &zip_of(&entries)),
        &["文件个数", "5000", "5001"],
    );
}

#[test]
fn shared_string_references_are_charged_per_cell_not_once() {
    // One 30,000-character shared string referenced by 3,000 cells is 90 MB
    // of kept text: refused by the text budget while reading.
    let big = "字".repeat(10_000);
    let sst =
        format!(r#"<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>{big}</t></si></sst>"#);
    let mut rows =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row>"#);
    for r in 2..3_002 {
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    let sheet = xlsx(&rows);
    // Add the shared strings part to the same package.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(sheet)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        w.raw_copy_file(zip.by_index(i).unwrap()).unwrap();
    }
    w.start_file(
        "xl/sharedStrings.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(sst.as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    refused(
        read_file("引用.xlsx", &bytes),
        &["一次导入保留的文字量", "64.0 MB"],
    );
}
