//! Turning loosely typed JSON fields into domain values, collecting one
//! Chinese error per field (named like the JSON key) so a client learns of
//! every problem at once. Request bodies take strings and validate here rather
//! than failing in serde, which could only say "invalid type".

use chrono::NaiveDate;
use domain::{date::parse_date, error::Invalid, idcard::IdNumber, input::Labelled};

use crate::error::ApiError;

#[derive(Default)]
pub struct Check(Invalid);

impl Check {
    pub fn new() -> Check {
        Check::default()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(field, message);
    }

    /// A non-empty trimmed string, or an error "请填写{what}".
    pub fn required(&mut self, field: &str, value: Option<&str>, what: &str) -> Option<String> {
        match value.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.to_string()),
            None => {
                self.push(field, format!("请填写{what}"));
                None
            }
        }
    }

    /// An optional ISO date (`2020-07-08`; the forms users type are accepted too).
    pub fn date(&mut self, field: &str, value: Option<&str>) -> Option<NaiveDate> {
        let text = value.map(str::trim).filter(|s| !s.is_empty())?;
        self.0.check(field, parse_date(text))
    }

    /// A required 身份证号.
    pub fn id_number(&mut self, field: &str, value: Option<&str>) -> Option<IdNumber> {
        let text = self.required(field, value, "身份证号")?;
        self.0.check(field, IdNumber::parse(&text))
    }

    /// An optional value of a labelled enum, given by its code or its Chinese
    /// label; an unknown value lists the accepted labels.
    pub fn pick<T: Labelled>(&mut self, field: &str, value: Option<&str>, what: &str) -> Option<T> {
        let text = value.map(str::trim).filter(|s| !s.is_empty())?;
        let v = T::parse(text);
        if v.is_none() {
            let options: Vec<&str> = T::ALL.iter().map(|v| v.label()).collect();
            self.push(
                field,
                format!("{what}「{text}」无效，可选：{}", options.join("、")),
            );
        }
        v
    }

    /// Ok when nothing was wrong, else a 422 `validation_failed`.
    pub fn finish(self) -> Result<(), ApiError> {
        self.0
            .into_result()
            .map_err(|inv| db::DbError::Invalid(inv).into())
    }
}
