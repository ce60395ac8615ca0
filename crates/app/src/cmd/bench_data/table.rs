//! The nine sheets of a bench county under construction, as all-text rows
//! with the ledger contract's headers (docs/ledgers.md). The same rows become
//! a [`Sheet`] for the in-process import or a CSV file for `jinguo import`.

use ledger::{Cell, OutCell, RawRow, Sheet};

const ORGS: &[&str] = &[
    "组织编码",
    "组织名称",
    "组织类型",
    "上级组织编码",
    "成立日期",
    "新领域类型",
];
const VENUES: &[&str] = &[
    "阵地名称",
    "阵地类型",
    "所属组织编码",
    "挂牌日期",
    "等级",
    "等级级别",
];
const PEOPLE: &[&str] = &["姓名", "身份证号", "手机号", "所属组织编码", "标签"];
const OFFICERS: &[&str] = &[
    "姓名",
    "身份证号",
    "组织编码",
    "职务",
    "专兼挂",
    "任职开始",
    "任职结束",
];
const SURVEYS: &[&str] = &["组织编码", "日期", "调研人", "发现不足", "工作亮点"];
const ACTIVITIES: &[&str] = &[
    "活动编号",
    "活动名称",
    "品牌项目",
    "活动类型",
    "主办组织编码",
    "联合单位",
    "开始日期",
    "结束日期",
    "形式",
    "地点",
    "覆盖单位数",
    "参与人数",
    "发放材料",
    "简介",
    "照片",
    "照片说明",
];
const ROSTER: &[&str] = &["活动编号", "姓名", "身份证号", "单位"];
const WORKS: &[&str] = &["活动编号", "作品名称", "作者", "作品类别", "所属组织编码"];
const PUBLICITY: &[&str] = &[
    "标题",
    "发布平台",
    "发布日期",
    "发布组织编码",
    "栏目",
    "链接",
    "转载方",
    "活动编号",
];

/// One sheet under construction: headers and all-text rows.
pub(super) struct Table {
    pub name: &'static str,
    headers: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(name: &'static str, headers: &'static [&'static str]) -> Self {
        Table {
            name,
            headers,
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
        ledger::to_csv_bytes(self.headers, &rows)
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
            orgs: Table::new("组织", ORGS),
            venues: Table::new("阵地", VENUES),
            people: Table::new("人员", PEOPLE),
            officers: Table::new("干部", OFFICERS),
            surveys: Table::new("调研", SURVEYS),
            acts: Table::new("活动", ACTIVITIES),
            roster: Table::new("参与人员", ROSTER),
            works: Table::new("作品", WORKS),
            publicity: Table::new("宣传", PUBLICITY),
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
