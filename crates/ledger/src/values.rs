//! Cell → typed value conversions. Pure functions returning the user-facing
//! Chinese message on failure; `rows.rs` attaches sheet/row/column to it.
//! Value rules (dates, money) come from `domain` so forms and import agree.

use chrono::{Days, NaiveDate};

use crate::model::{Cell, format_number};

/// Message for an ID number that Excel turned into a number.
pub const ID_AS_NUMBER: &str = "身份证号被Excel存成了数字，精度已丢失，请把该列设为文本后重新填写";

/// Largest Excel date serial (9999-12-31).
const MAX_SERIAL: f64 = 2_958_465.0;

/// A date from a date cell, an Excel serial number, or text
/// (`2020-07-08`, `2020/7/8`, `2020年7月8日`, as `domain::date` accepts).
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => domain::date::in_range(*d).map(Some),
        Cell::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_SERIAL => {
            domain::date::in_range(from_serial(*n as u64)).map(Some)
        }
        // e.g. 20200708 typed as a number: let the text rules judge it.
        Cell::Number(n) => domain::date::parse_date(&format_number(*n)).map(Some),
        Cell::Text(s) => domain::date::parse_date(s).map(Some),
        Cell::Bool(_) => Err("应为日期，如 2020-07-08".to_string()),
    }
}

/// A date cell as the text a draft takes: an Excel date serial becomes
/// `YYYY-MM-DD` (the domain reads dates from text and knows no serials); any
/// other cell is its text, judged by the domain.
pub fn date_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && *n >= 1.0 && *n <= MAX_SERIAL => {
            from_serial(*n as u64).format("%Y-%m-%d").to_string()
        }
        other => other.as_text().unwrap_or_default(),
    }
}

/// Excel's 1900 date system, including its fictitious 1900-02-29 (serial 60).
fn from_serial(serial: u64) -> NaiveDate {
    let epoch = if serial >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    };
    epoch
        .and_then(|e| e.checked_add_days(Days::new(serial)))
        .unwrap_or(NaiveDate::MAX)
}

/// An amount in yuan → integer fen (`12.5`, `29万`, or a numeric cell).
pub fn amount(cell: &Cell) -> Result<Option<i64>, String> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        // Excel floats carry binary noise (0.1+0.2); round when it is only noise.
        Cell::Number(n) if ((n * 100.0).round() - n * 100.0).abs() < 1e-6 => format!("{n:.2}"),
        Cell::Number(n) => format!("{n}"),
        Cell::Text(s) => s.clone(),
        Cell::Date(_) | Cell::Bool(_) => return Err("应为金额（元）".to_string()),
    };
    domain::money::Fen::parse_yuan(&text).map(|f| Some(f.0))
}

/// A non-negative integer (`220`, `220.0`, `1,200`).
pub fn int(cell: &Cell) -> Result<Option<i64>, String> {
    let n = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => *n,
        Cell::Text(s) => s
            .replace([',', '，'], "")
            .trim()
            .parse::<f64>()
            .map_err(|_| "应为整数".to_string())?,
        Cell::Date(_) | Cell::Bool(_) => return Err("应为整数".to_string()),
    };
    if n.fract() != 0.0 || !n.is_finite() || n.abs() >= 9.0e15 {
        return Err("应为整数".to_string());
    }
    if n < 0.0 {
        return Err("不能为负数".to_string());
    }
    Ok(Some(n as i64))
}

/// 是/否 (also Y/N, true/false, 1/0, ✓/✗).
pub fn yes_no(cell: &Cell) -> Result<Option<bool>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Bool(b) => Ok(Some(*b)),
        Cell::Number(n) if *n == 1.0 => Ok(Some(true)),
        Cell::Number(n) if *n == 0.0 => Ok(Some(false)),
        Cell::Text(s) => match s.to_lowercase().as_str() {
            "是" | "y" | "yes" | "true" | "1" | "✓" | "√" => Ok(Some(true)),
            "否" | "n" | "no" | "false" | "0" | "✗" | "×" => Ok(Some(false)),
            _ => Err("应填「是」或「否」".to_string()),
        },
        _ => Err("应填「是」或「否」".to_string()),
    }
}

/// The raw text of a 身份证号 cell, refusing values Excel already mangled.
pub fn id_text(cell: &Cell) -> Result<Option<String>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Number(_) => Err(ID_AS_NUMBER.to_string()),
        // A CSV saved by Excel writes the mangled number as `4.20527E+17`.
        Cell::Text(s) if looks_scientific(s) => Err(ID_AS_NUMBER.to_string()),
        other => Ok(other.as_text()),
    }
}

fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

/// Splits a list cell on `;` `；` `、` `,` `，` (and line breaks), dropping blanks.
pub fn list(cell: &Cell) -> Vec<String> {
    cell.as_text()
        .map(|t| {
            t.split([';', '；', '、', ',', '，', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Splits a list of `name:value` (or `name：value`) items.
pub fn pairs(cell: &Cell) -> Result<Vec<(String, String)>, String> {
    list(cell)
        .into_iter()
        .map(|item| match item.split_once([':', '：']) {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                Ok((k.trim().to_string(), v.trim().to_string()))
            }
            _ => Err(format!("「{item}」应写成 名称:数量 的形式")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::text(s)
    }

    #[test]
    fn list_splits_on_every_separator_and_drops_blanks() {
        assert_eq!(
            list(&t("低保；残疾、绣娘,留守妇女， 单亲;;")),
            ["低保", "残疾", "绣娘", "留守妇女", "单亲"]
        );
        assert!(list(&Cell::Empty).is_empty());
    }

    #[test]
    fn pairs_accept_both_colons_and_reject_items_without_one() {
        assert_eq!(
            pairs(&t("倡议书:220；宣传册：30")).unwrap(),
            [
                ("倡议书".to_string(), "220".to_string()),
                ("宣传册".to_string(), "30".to_string())
            ]
        );
        assert_eq!(
            pairs(&t("倡议书:220;宣传册")).unwrap_err(),
            "「宣传册」应写成 名称:数量 的形式"
        );
    }

    #[test]
    fn id_numbers_stored_as_excel_numbers_are_rejected() {
        assert_eq!(
            id_text(&Cell::Number(4.20527e17)).unwrap_err(),
            ID_AS_NUMBER
        );
        assert_eq!(id_text(&t("4.20527E+17")).unwrap_err(), ID_AS_NUMBER);
        assert_eq!(
            id_text(&t("42052719900101002x")).unwrap().as_deref(),
            Some("42052719900101002x")
        );
    }

    #[test]
    fn excel_serial_numbers_are_dates() {
        let d = NaiveDate::from_ymd_opt(2020, 7, 8).unwrap();
        assert_eq!(date(&Cell::Number(44020.0)).unwrap(), Some(d));
        assert_eq!(date(&Cell::Date(d)).unwrap(), Some(d));
        assert_eq!(date(&Cell::Empty).unwrap(), None);
    }

    #[test]
    fn date_cells_outside_1900_to_2100_are_refused() {
        let year0 = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        assert!(
            date(&Cell::Date(year0))
                .unwrap_err()
                .contains("1900年至2100年")
        );
        assert!(
            date(&t("0000-01-01"))
                .unwrap_err()
                .contains("1900年至2100年")
        );
        // Serial 2,958,465 is 9999-12-31, a real Excel date but not ours.
        assert!(date(&Cell::Number(2_958_465.0)).is_err());
        // Serial 1 is 1900-01-01, the first day we take.
        assert_eq!(
            date(&Cell::Number(1.0)).unwrap(),
            NaiveDate::from_ymd_opt(1900, 1, 1)
        );
    }

    #[test]
    fn integers_accept_number_cells_and_reject_fractions_and_negatives() {
        assert_eq!(int(&Cell::Number(220.0)).unwrap(), Some(220));
        assert_eq!(int(&t("1,200")).unwrap(), Some(1200));
        assert_eq!(int(&t("2.5")).unwrap_err(), "应为整数");
        assert_eq!(int(&t("三")).unwrap_err(), "应为整数");
        assert_eq!(int(&t("-3")).unwrap_err(), "不能为负数");
    }

    #[test]
    fn yes_no_reads_chinese_and_excel_booleans() {
        assert_eq!(yes_no(&t("是")).unwrap(), Some(true));
        assert_eq!(yes_no(&Cell::Bool(false)).unwrap(), Some(false));
        assert!(yes_no(&t("也许")).is_err());
    }
}
