//! A field survey (调研) of an org, as typed.

use chrono::NaiveDate;

use super::field;
use crate::{
    Invalid,
    input::{Check, Checked, Field},
};

/// The fields of a survey, with the 调研 sheet's column names.
pub const FIELDS: &[Field] = &[
    field("org_code", "组织编码"),
    field("date", "日期"),
    field("surveyor", "调研人"),
    field("shortcomings", "发现不足"),
    field("highlights", "工作亮点"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyDraft {
    pub org_code: String,
    pub date: String,
    pub surveyor: String,
    pub shortcomings: String,
    pub highlights: String,
}

/// A checked survey; (org, date) is its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyInput {
    pub org_code: String,
    pub date: NaiveDate,
    pub surveyor: Option<String>,
    pub shortcomings: Option<String>,
    pub highlights: Option<String>,
    pub checked: Checked,
}

impl SurveyDraft {
    /// A survey has happened: its date can't be after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<SurveyInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let org_code = c.required_key("org_code", &self.org_code, 40);
        let date = c.required_date("date", &self.date);
        if date.is_some_and(|d| d > today) {
            c.fault("date", "不能晚于今天");
        }
        let surveyor = c.text("surveyor", &self.surveyor, 100);
        let shortcomings = c.text("shortcomings", &self.shortcomings, 5000);
        let highlights = c.text("highlights", &self.highlights, 5000);
        c.finish()?;
        let (Some(org_code), Some(date)) = (org_code, date) else {
            unreachable!("a missing required field is an error above")
        };
        Ok(SurveyInput {
            org_code,
            date,
            surveyor,
            shortcomings,
            highlights,
            checked: Checked(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_survey_needs_its_org_and_a_date_not_after_today() {
        let today = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
        let inv = SurveyDraft {
            date: "2021-01-02".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap_err();
        assert_eq!(inv.message_for("org_code"), Some("组织编码不能为空"));
        assert_eq!(inv.message_for("date"), Some("日期不能晚于今天"));
        let s = SurveyDraft {
            org_code: "420527101000".into(),
            date: "2020年7月8日".into(),
            highlights: " 阵地活跃 ".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(s.highlights.as_deref(), Some("阵地活跃"));
        assert_eq!(s.surveyor, None);
    }
}
