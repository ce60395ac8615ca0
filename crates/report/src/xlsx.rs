//! The statistics document as a workbook: one sheet per section (概况, 组织,
//! 活动, 宣传 …), each a series of small tables with a title, a header row
//! whose column names carry their units (数量（个）), and the rows.

use domain::stats::StatsDoc;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    bold: Format,
    title: Format,
}

impl Sheet<'_> {
    /// A table: title, header row, rows; then a blank line.
    fn table(
        &mut self,
        title: &str,
        headers: &[&str],
        rows: &[Vec<Cell>],
    ) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(self.row, 0, title, &self.title)?;
        self.row += 1;
        for (c, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, c as u16, *h, &self.bold)?;
        }
        self.row += 1;
        for r in rows {
            for (c, cell) in r.iter().enumerate() {
                match cell {
                    // Formula-like text (an org or programme name starting
                    // with = + - @ TAB CR) stays text: Excel's quote prefix,
                    // as in the ledger export.
                    Cell::Text(s) if formula_like(s) => self.ws.write_string_with_format(
                        self.row,
                        c as u16,
                        s,
                        &Format::new().set_quote_prefix(),
                    )?,
                    Cell::Text(s) => self.ws.write_string(self.row, c as u16, s)?,
                    Cell::Num(n) => self.ws.write_number(self.row, c as u16, *n)?,
                };
            }
            self.row += 1;
        }
        if rows.is_empty() {
            self.ws.write_string(self.row, 0, "（无）")?;
            self.row += 1;
        }
        self.row += 1;
        Ok(())
    }
}

/// Text a spreadsheet could run as a formula (see `ledger::write`).
fn formula_like(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

enum Cell {
    Text(String),
    Num(f64),
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn n(v: impl Into<f64>) -> Cell {
    Cell::Num(v.into())
}

fn u(v: u64) -> Cell {
    Cell::Num(v as f64)
}

fn sheet<'a>(wb: &'a mut Workbook, name: &str) -> Result<Sheet<'a>, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.set_column_width(0, 28)?;
    for c in 1..8 {
        ws.set_column_width(c, 16)?;
    }
    Ok(Sheet {
        ws,
        row: 0,
        bold: Format::new().set_bold(),
        title: Format::new().set_bold().set_font_size(13),
    })
}

fn type_rows(rows: &[domain::stats::TypeCount]) -> Vec<Vec<Cell>> {
    rows.iter().map(|r| vec![t(&r.kind), u(r.count)]).collect()
}

const LEVELS: [&str; 4] = ["国家", "省", "市", "县"];

fn build(s: &StatsDoc) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    {
        let mut sh = sheet(&mut wb, "概况")?;
        sh.table(
            "统计范围",
            &["项目", "内容"],
            &[
                vec![t("组织"), t(format!("{}（{}）", s.org.name, s.org.code))],
                vec![t("起始日期"), t(s.period.from.to_string())],
                vec![t("截止日期"), t(s.period.to.to_string())],
            ],
        )?;
    }
    {
        let o = &s.organizations;
        let mut sh = sheet(&mut wb, "组织")?;
        sh.table(
            "组织总数（期末）",
            &["组织类型", "数量（个）"],
            &type_rows(&o.total_by_type),
        )?;
        sh.table(
            "新成立组织",
            &["组织类型", "数量（个）"],
            &type_rows(&o.new_by_type),
        )?;
        sh.table(
            "阵地总数（期末）",
            &["阵地类型", "数量（个）"],
            &type_rows(&o.venues_total_by_type),
        )?;
        sh.table(
            "新建阵地",
            &["阵地类型", "数量（个）"],
            &type_rows(&o.venues_new_by_type),
        )?;
        let mut posts: Vec<Vec<Cell>> = o
            .officers
            .by_post
            .iter()
            .map(|p| vec![t(&p.post), u(p.count)])
            .collect();
        posts.push(vec![t("合计（去重）"), u(o.officers.total)]);
        sh.table("在任干部（期末）", &["职务", "人数（名）"], &posts)?;
        sh.table(
            "调研",
            &["调研次数（次）", "调研组织数（个）"],
            &[vec![u(o.surveys.count), u(o.surveys.orgs)]],
        )?;
    }
    {
        let a = &s.activities;
        let mut sh = sheet(&mut wb, "活动")?;
        sh.table(
            "活动总体",
            &[
                "活动数（期）",
                "参与人数（人）",
                "覆盖单位（个）",
                "线上活动（期）",
                "线上参与（人）",
            ],
            &[vec![
                u(a.count),
                u(a.participants),
                u(a.units),
                u(a.online.count),
                u(a.online.participants),
            ]],
        )?;
        let rows: Vec<Vec<Cell>> = a
            .by_program
            .iter()
            .map(|p| {
                vec![
                    t(&p.program),
                    u(p.count),
                    u(p.units),
                    u(p.participants),
                    u(p.works),
                    t(p.materials
                        .iter()
                        .map(|m| format!("{}:{}", m.name, m.quantity))
                        .collect::<Vec<_>>()
                        .join("；")),
                ]
            })
            .collect();
        sh.table(
            "按品牌项目",
            &[
                "品牌项目",
                "活动数（期）",
                "覆盖单位（个）",
                "参与人数（人）",
                "作品（件）",
                "发放材料（名称:数量）",
            ],
            &rows,
        )?;
        let rows: Vec<Vec<Cell>> = a
            .by_type
            .iter()
            .map(|k| vec![t(&k.kind), u(k.count), u(k.participants)])
            .collect();
        sh.table(
            "按活动类型",
            &["活动类型", "活动数（期）", "参与人数（人）"],
            &rows,
        )?;
        sh.table(
            "干部培训",
            &["参训干部（名）", "其中妇联主席（名）"],
            &[vec![
                u(a.officers_trained.officers),
                u(a.officers_trained.chairs),
            ]],
        )?;
        let rows: Vec<Vec<Cell>> = a
            .works
            .by_category
            .iter()
            .map(|c| vec![t(&c.category), u(c.works)])
            .collect();
        sh.table("征集作品", &["作品类别", "作品数（件）"], &rows)?;
    }
    {
        let p = &s.publicity;
        let mut sh = sheet(&mut wb, "宣传")?;
        sh.table("宣传总体", &["稿件数（篇）"], &[vec![u(p.items)]])?;
        let rows: Vec<Vec<Cell>> = p
            .by_channel
            .iter()
            .map(|c| vec![t(&c.channel), u(c.items)])
            .collect();
        sh.table("按发布平台", &["发布平台", "稿件数（篇）"], &rows)?;
        let mut headers = vec!["栏目".to_string(), "稿件数（篇）".to_string()];
        headers.extend(LEVELS.iter().map(|l| format!("{l}级转载（篇）")));
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<Cell>> = p
            .by_column
            .iter()
            .map(|c| {
                let mut r = vec![t(&c.column), u(c.items)];
                r.extend(LEVELS.iter().map(|l| {
                    n(c.reposted_by_level
                        .iter()
                        .find(|x| x.level == *l)
                        .map_or(0.0, |x| x.items as f64))
                }));
                r
            })
            .collect();
        sh.table("按栏目", &headers, &rows)?;
        let rows: Vec<Vec<Cell>> = p
            .reposted_by_level
            .iter()
            .map(|l| vec![t(format!("{}级", l.level)), u(l.items)])
            .collect();
        sh.table("被上级转载（去重）", &["层级", "被转载稿件（篇）"], &rows)?;
    }
    wb.save_to_buffer()
}

pub fn render(stats: &StatsDoc) -> Result<Vec<u8>, String> {
    build(stats).map_err(|e| format!("生成 Excel 工作簿失败：{e}"))
}
