//! What hangs on an activity, as typed: a roster line (参与人员) and a work
//! a 征集 activity received (作品). The activity's page, the API and the
//! ledger build these drafts and call the same `validate`.

use chrono::NaiveDate;

use crate::{
    Invalid,
    idcard::IdNumber,
    input::{Check, Checked, Field},
};

const fn field(code: &'static str, label: &'static str) -> Field {
    Field { code, label }
}

/// The fields of a roster line, with the 参与人员 sheet's column names.
pub const ATTENDEE_FIELDS: &[Field] = &[
    field("activity_code", "活动编号"),
    field("name", "姓名"),
    field("id_number", "身份证号"),
    field("unit", "单位"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttendeeDraft {
    /// The ledger's reference to the activity (the page and the API name it
    /// by its id instead, and leave this blank).
    pub activity_code: String,
    pub name: String,
    pub id_number: String,
    pub unit: String,
}

/// A checked roster line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeInput {
    pub activity_code: Option<String>,
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub unit: Option<String>,
    pub checked: Checked,
}

impl AttendeeDraft {
    /// A line typed on the activity's page or sent to the API: the
    /// 身份证号 may be left out (a name alone is a roster entry).
    pub fn validate(&self, today: NaiveDate) -> Result<AttendeeInput, Invalid> {
        self.check(today, false)
    }

    /// A line of the 参与人员 sheet: 活动编号 and 身份证号 are its key.
    pub fn validate_keyed(&self, today: NaiveDate) -> Result<AttendeeInput, Invalid> {
        self.check(today, true)
    }

    fn check(&self, today: NaiveDate, keyed: bool) -> Result<AttendeeInput, Invalid> {
        let mut c = Check::new(ATTENDEE_FIELDS);
        let activity_code = if keyed {
            c.required_key("activity_code", &self.activity_code, 60)
        } else {
            c.key("activity_code", &self.activity_code, 60)
        };
        let name = c.required("name", &self.name, 50);
        let id_number = if keyed || !self.id_number.trim().is_empty() {
            c.id_number("id_number", &self.id_number, today)
        } else {
            None
        };
        let unit = c.text("unit", &self.unit, 100);
        c.finish()?;
        let Some(name) = name else {
            unreachable!("a missing required field is an error above")
        };
        Ok(AttendeeInput {
            activity_code,
            name,
            id_number,
            unit,
            checked: Checked(()),
        })
    }
}

/// The fields of a work, with the 作品 sheet's column names.
pub const WORK_FIELDS: &[Field] = &[
    field("activity_code", "活动编号"),
    field("title", "作品名称"),
    field("author", "作者"),
    field("category", "作品类别"),
    field("org_code", "所属组织编码"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkDraft {
    /// The ledger's reference to the activity (blank at the other doors).
    pub activity_code: String,
    pub title: String,
    pub author: String,
    pub category: String,
    pub org_code: String,
}

/// A checked work; (activity, title, author) is its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkInput {
    pub activity_code: Option<String>,
    pub title: String,
    pub author: String,
    pub category: Option<String>,
    pub org_code: Option<String>,
    pub checked: Checked,
}

impl WorkDraft {
    /// `keyed`: a line of the 作品 sheet, which names its activity.
    pub fn validate(&self, keyed: bool) -> Result<WorkInput, Invalid> {
        let mut c = Check::new(WORK_FIELDS);
        let activity_code = if keyed {
            c.required_key("activity_code", &self.activity_code, 60)
        } else {
            c.key("activity_code", &self.activity_code, 60)
        };
        let title = c.required("title", &self.title, 200);
        let author = c.required("author", &self.author, 100);
        let category = c.text("category", &self.category, 100);
        let org_code = c.key("org_code", &self.org_code, 40);
        c.finish()?;
        let (Some(title), Some(author)) = (title, author) else {
            unreachable!("a missing required field is an error above")
        };
        Ok(WorkInput {
            activity_code,
            title,
            author,
            category,
            org_code,
            checked: Checked(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
    }

    #[test]
    fn a_roster_line_needs_its_id_number_only_in_the_sheet() {
        let d = AttendeeDraft {
            name: "向秀英".into(),
            ..Default::default()
        };
        assert_eq!(d.validate(today()).unwrap().id_number, None);
        let inv = d.validate_keyed(today()).unwrap_err();
        assert_eq!(inv.message_for("activity_code"), Some("活动编号不能为空"));
        assert_eq!(inv.message_for("id_number"), Some("身份证号不能为空"));
        let bad = AttendeeDraft {
            id_number: "420527198001010036".into(),
            ..d
        };
        assert_eq!(
            bad.validate(today()).unwrap_err().message_for("id_number"),
            Some("身份证号校验位错误")
        );
    }

    #[test]
    fn a_work_needs_its_title_and_author() {
        let inv = WorkDraft {
            title: " ".into(),
            ..Default::default()
        }
        .validate(false)
        .unwrap_err();
        assert_eq!(inv.message_for("title"), Some("作品名称不能为空"));
        assert_eq!(inv.message_for("author"), Some("作者不能为空"));
    }
}
