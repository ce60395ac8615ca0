//! Reading and writing ledger files end to end, through the public API.

use std::io::Write;

use chrono::NaiveDate;
use ledger::spec::{ACTIVITY, ORG, PERSON};
use ledger::{
    ALL_SHEETS, Cell, OutCell, ReadError, Report, SheetReader, WorkbookWriter, read_bytes,
    read_path,
};

const PEOPLE_CSV: &str = "姓名,身份证号,所属组织编码,标签\n周雪梅,420527199001010021,420527101201,低保；绣娘\n王芳 , 420527198512030046 ,420527101201,\n,,,\n";

fn assert_people(book: &ledger::Workbook) {
    let s = book.sheet("人员").expect("sheet named after the file stem");
    assert_eq!(s.headers, ["姓名", "身份证号", "所属组织编码", "标签"]);
    assert_eq!(s.rows.len(), 2, "trailing empty row dropped");
    assert_eq!(s.rows[0].line, 2);
    assert_eq!(s.rows[0].cells[0], Cell::Text("周雪梅".into()));
    assert_eq!(s.rows[0].cells[3], Cell::Text("低保；绣娘".into()));
    assert_eq!(
        s.rows[1].cells[1],
        Cell::Text("420527198512030046".into()),
        "cells are trimmed"
    );
    // Trailing empty cells are not kept (missing = empty).
    assert_eq!(s.rows[1].cells.get(3).unwrap_or(&Cell::Empty), &Cell::Empty);
}

#[test]
fn csv_in_utf8_with_bom_without_bom_and_gb18030_reads_the_same() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(PEOPLE_CSV.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(PEOPLE_CSV);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the GB18030 bytes must not pass as UTF-8"
    );
    for bytes in [bom.as_slice(), PEOPLE_CSV.as_bytes(), &gbk] {
        assert_people(&read_bytes("人员.csv", bytes).unwrap());
    }
}

#[test]
fn a_folder_of_csv_files_gives_one_sheet_per_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("人员.csv"), PEOPLE_CSV).unwrap();
    std::fs::write(
        dir.path().join("调研.csv"),
        "组织编码,日期\n420527101201,2020-09-03\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("readme.txt"), "not a sheet").unwrap();
    let book = read_path(dir.path()).unwrap();
    assert_eq!(book.sheets.len(), 2);
    assert_people(&book);
    assert_eq!(
        book.sheet("调研").unwrap().rows[0].cells[1],
        Cell::Text("2020-09-03".into())
    );
}

#[test]
fn a_zip_holds_csv_sheets_and_photos_as_attachments() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("台账/人员.csv", opts).unwrap();
        z.write_all(PEOPLE_CSV.as_bytes()).unwrap();
        z.start_file("台账/照片/活动1.jpg", opts).unwrap();
        z.write_all(b"\xFF\xD8jpeg").unwrap();
        z.finish().unwrap();
    }
    let book = read_bytes("2020台账.zip", buf.get_ref()).unwrap();
    assert_people(&book);
    assert_eq!(book.attachments.len(), 1);
    assert_eq!(book.attachment("活动1.jpg"), Some(&b"\xFF\xD8jpeg"[..]));
}

#[test]
fn unsupported_and_broken_files_give_chinese_errors() {
    let e = read_bytes("台账.docx", b"x").unwrap_err();
    assert_eq!(
        e.to_string(),
        "不支持的文件类型：台账.docx（支持 .xlsx、.csv、.zip）"
    );
    let e = read_bytes("台账.xlsx", b"not a zip").unwrap_err();
    assert!(matches!(e, ReadError::Unreadable { .. }));
    assert!(e.to_string().starts_with("无法读取文件：台账.xlsx"), "{e}");
}

#[test]
fn an_xlsx_written_by_the_writer_reads_back_with_the_same_cells() {
    let d = NaiveDate::from_ymd_opt(2020, 7, 8).unwrap();
    let rows = vec![
        vec![
            OutCell::Text("420527199001010021".into()),
            OutCell::Text("周雪梅".into()),
            OutCell::Date(d),
            OutCell::Money(29_000_000),
            OutCell::Int(220),
        ],
        vec![
            OutCell::Text("42052719780909001X".into()),
            OutCell::Empty,
            OutCell::Empty,
            OutCell::Money(1234),
            OutCell::Int(0),
        ],
    ];
    let mut w = WorkbookWriter::new();
    w.add_sheet("人员", &["身份证号", "姓名", "日期", "金额", "人数"], &rows);
    w.add_sheet("空表", &["组织编码"], &[]);
    let bytes = w.to_xlsx_bytes().unwrap();

    let book = read_bytes("导出.xlsx", &bytes).unwrap();
    assert_eq!(book.sheets.len(), 2);
    let s = book.sheet("人员").unwrap();
    assert_eq!(s.headers, ["身份证号", "姓名", "日期", "金额", "人数"]);
    assert_eq!(
        s.rows[0].cells,
        [
            Cell::Text("420527199001010021".into()),
            Cell::Text("周雪梅".into()),
            Cell::Date(d),
            Cell::Number(290000.0),
            Cell::Number(220.0)
        ]
    );
    assert_eq!(
        s.rows[1].cells[0],
        Cell::Text("42052719780909001X".into()),
        "IDs stay text"
    );
    assert_eq!(s.rows[1].cells[1], Cell::Empty);
    assert_eq!(s.rows[1].cells[3], Cell::Number(12.34));
    assert_eq!(s.rows[1].line, 3);
    assert!(book.sheet("空表").unwrap().rows.is_empty());
}

#[test]
fn the_writer_reports_an_invalid_sheet_name_instead_of_panicking() {
    let mut w = WorkbookWriter::new();
    w.add_sheet("人员[1]", &["姓名"], &[]);
    let e = w.to_xlsx_bytes().unwrap_err();
    assert!(e.contains("人员[1]"), "{e}");
}

#[test]
fn csv_export_has_a_bom_and_yuan_amounts() {
    let bytes = ledger::to_csv_bytes(
        &["身份证号", "金额", "日期"],
        &[vec![
            OutCell::Text("420527199001010021".into()),
            OutCell::Money(-150),
            OutCell::Date(NaiveDate::from_ymd_opt(2020, 1, 2).unwrap()),
        ]],
    );
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(
        text,
        "身份证号,金额,日期\n420527199001010021,-1.50,2020-01-02\n"
    );
}

#[test]
fn the_template_has_a_guide_sheet_and_every_contract_sheet_with_its_headers() {
    let bytes = ledger::template_xlsx(ALL_SHEETS).unwrap();
    let book = read_bytes("模板.xlsx", &bytes).unwrap();
    assert_eq!(book.sheets[0].name, "说明");
    assert_eq!(book.sheets.len(), ALL_SHEETS.len() + 1);
    let guide_rows: usize = ALL_SHEETS.iter().map(|s| s.columns.len()).sum();
    assert_eq!(book.sheets[0].rows.len(), guide_rows);
    for spec in ALL_SHEETS {
        let sheet = book.sheet(spec.name).unwrap();
        let mut rep = Report::default();
        let reader = SheetReader::new(sheet, spec, &mut rep);
        assert!(
            reader.ok() && rep.errors.is_empty() && rep.warnings.is_empty(),
            "{}: {rep:?}",
            spec.name
        );
        assert_eq!(reader.rows().count(), 0);
    }
}

#[test]
fn headers_match_despite_spaces_and_full_width_forms() {
    let csv =
        "组织编码 ,\u{3000}组织名称,组织类型,备注（内部）\n420527000000,秭归县妇联,县妇联,x\n";
    let book = read_bytes("组织.csv", csv.as_bytes()).unwrap();
    let mut rep = Report::default();
    let reader = SheetReader::new(book.sheet("组织").unwrap(), &ORG, &mut rep);
    assert!(reader.ok());
    assert!(rep.errors.is_empty());
    assert_eq!(rep.warnings.len(), 1);
    assert_eq!(
        rep.warnings[0].to_string(),
        "工作表「组织」第1行「备注（内部）」列：未知列「备注（内部）」已忽略"
    );
    let row = reader.rows().next().unwrap();
    assert_eq!(row.text("组织名称").as_deref(), Some("秭归县妇联"));
    assert_eq!(row.text("组织编码").as_deref(), Some("420527000000"));
}

#[test]
fn a_missing_required_column_fails_the_sheet_naming_sheet_and_column() {
    let book = read_bytes(
        "活动.csv",
        "活动编号,活动名称,主办组织编码,开始日期\nA1,讲座,420527000000,2020-07-08\n".as_bytes(),
    )
    .unwrap();
    let mut rep = Report::default();
    let reader = SheetReader::new(book.sheet("活动").unwrap(), &ACTIVITY, &mut rep);
    assert!(!reader.ok());
    assert_eq!(rep.errors.len(), 1);
    assert_eq!(
        (
            rep.errors[0].sheet.as_str(),
            rep.errors[0].column.as_deref()
        ),
        ("活动", Some("活动类型"))
    );
    assert_eq!(
        rep.errors[0].to_string(),
        "工作表「活动」第1行「活动类型」列：缺少必填列「活动类型」"
    );
}

#[test]
fn an_id_number_excel_stored_as_a_number_is_reported_on_its_row() {
    // Build an xlsx where the ID column holds a number, as Excel does when
    // the column was not formatted as text.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("人员").unwrap();
    for (c, h) in ["姓名", "身份证号", "所属组织编码"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "周雪梅").unwrap();
    ws.write_string(1, 1, "420527199001010021").unwrap();
    ws.write_number(1, 2, 420527101201.0).unwrap();
    ws.write_string(3, 0, "王芳").unwrap();
    ws.write_number(3, 1, 4.20527198512030e17).unwrap();
    ws.write_number(3, 2, 420527101201.0).unwrap();
    let book = read_bytes("台账.xlsx", &wb.save_to_buffer().unwrap()).unwrap();

    let mut rep = Report::default();
    let reader = SheetReader::new(book.sheet("人员").unwrap(), &PERSON, &mut rep);
    let rows: Vec<_> = reader.rows().collect();
    assert_eq!(rows.len(), 2, "the empty row 3 is skipped");
    assert_eq!(
        rows[0].id_number_text(&mut rep, "身份证号").as_deref(),
        Some("420527199001010021")
    );
    assert_eq!(
        rows[0].text("所属组织编码").as_deref(),
        Some("420527101201"),
        "no .0 on integral numbers"
    );
    assert_eq!(rows[1].id_number_text(&mut rep, "身份证号"), None);
    assert_eq!(
        rep.errors[0].to_string(),
        "工作表「人员」第4行「身份证号」列：身份证号被Excel存成了数字，精度已丢失，请把该列设为文本后重新填写"
    );
}

#[test]
fn typed_accessors_report_domain_messages_and_list_splitting_handles_mixed_separators() {
    let csv = "活动编号,活动名称,活动类型,主办组织编码,开始日期,联合单位,发放材料,参与人数,覆盖单位数\n\
               A1,讲座,讲座,420527000000,2020年7月8日,县纪委监委；县教育局、县卫健局,倡议书:220；宣传册：30,35,\n\
               A2,,讲座,420527000000,明天,a,倡议书,三十,2.5\n";
    let book = read_bytes("活动.csv", csv.as_bytes()).unwrap();
    let mut rep = Report::default();
    let reader = SheetReader::new(book.sheet("活动").unwrap(), &ACTIVITY, &mut rep);
    let rows: Vec<_> = reader.rows().collect();
    assert_eq!(
        rows[0].list("联合单位"),
        ["县纪委监委", "县教育局", "县卫健局"]
    );
    assert_eq!(
        rows[0].date(&mut rep, "开始日期"),
        NaiveDate::from_ymd_opt(2020, 7, 8)
    );
    assert_eq!(rows[0].pairs(&mut rep, "发放材料").len(), 2);
    assert_eq!(rows[0].int(&mut rep, "参与人数"), Some(35));
    assert_eq!(rows[0].int(&mut rep, "覆盖单位数"), None);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);

    assert_eq!(rows[1].required(&mut rep, "活动名称"), None);
    assert_eq!(rows[1].date(&mut rep, "开始日期"), None);
    assert!(rows[1].pairs(&mut rep, "发放材料").is_empty());
    assert_eq!(rows[1].int(&mut rep, "参与人数"), None);
    assert_eq!(rows[1].int(&mut rep, "覆盖单位数"), None);
    let located: Vec<_> = rep
        .errors
        .iter()
        .map(|e| (e.row, e.column.clone().unwrap()))
        .collect();
    let cols = ["活动名称", "开始日期", "发放材料", "参与人数", "覆盖单位数"];
    assert_eq!(
        located,
        cols.iter().map(|c| (3, c.to_string())).collect::<Vec<_>>()
    );
    assert_eq!(rep.errors[0].message, "必填项为空");
    assert_eq!(rep.errors[3].message, "应为整数");
}
