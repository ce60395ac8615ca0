//! Small helpers shared by the db integration tests (each test file is its own
//! crate and uses only some of them).
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};
use db::{
    Db, DbError,
    entity::{audit_log, org},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
};
use ledger::{Cell, RawRow, Sheet, Workbook};

/// A valid 18-digit 身份证号 for 秭归 (420527) born on `birth`, with the
/// three-digit sequence `seq` (even = female); the check character is computed.
pub fn id_number(birth: NaiveDate, seq: u32) -> String {
    domain::idcard::with_check_char(&format!(
        "420527{:04}{:02}{:02}{:03}",
        birth.year(),
        birth.month(),
        birth.day(),
        seq
    ))
}

/// The same number with a wrong check character.
pub fn with_wrong_check(id: &str) -> String {
    let last = id.as_bytes()[17];
    let wrong = if last == b'1' { '2' } else { '1' };
    format!("{}{wrong}", &id[..17])
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A sheet from text cells; row 1 is the header, data rows start at line 2.
pub fn sheet(name: &str, headers: &[&str], rows: &[&[&str]]) -> Sheet {
    Sheet {
        name: name.into(),
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

pub fn workbook(sheets: Vec<Sheet>) -> Workbook {
    Workbook {
        sheets,
        attachments: Vec::new(),
    }
}

pub const ORG_HEADERS: &[&str] = &[
    "组织编码",
    "组织名称",
    "组织类型",
    "上级组织编码",
    "成立日期",
    "新领域类型",
];
pub const PERSON_HEADERS: &[&str] = &["姓名", "身份证号", "手机号", "所属组织编码", "标签"];
pub const OFFICER_HEADERS: &[&str] = &[
    "姓名",
    "身份证号",
    "组织编码",
    "职务",
    "专兼挂",
    "任职开始",
    "任职结束",
];

/// The org with `code`, read straight from the table (unscoped).
pub async fn org_row(db: &Db, code: &str) -> org::Model {
    org::Entity::find()
        .filter(org::Column::Code.eq(code))
        .one(&db.conn)
        .await
        .expect("query org")
        .unwrap_or_else(|| panic!("org {code} exists"))
}

pub async fn org_exists(db: &Db, code: &str) -> bool {
    org::Entity::find()
        .filter(org::Column::Code.eq(code))
        .count(&db.conn)
        .await
        .expect("count")
        > 0
}

/// Audit rows with `action` on `entity` / `entity_id`.
pub async fn audit_rows(
    db: &Db,
    action: &str,
    entity: &str,
    entity_id: &str,
) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .all(&db.conn)
        .await
        .expect("query audit_log")
}

/// The field names of a validation error (panics on any other outcome).
pub fn invalid_fields<T: std::fmt::Debug>(r: Result<T, DbError>) -> Vec<String> {
    match r {
        Err(DbError::Invalid(inv)) => inv.errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}
