//! An officer's post (干部) as typed: who (found or registered by 身份证号),
//! where, which post, for which term.

use chrono::NaiveDate;

use super::field;
use crate::{
    Invalid,
    idcard::IdNumber,
    input::{Check, Checked, Field},
    kinds::{Post, Tenure},
    phone::Phone,
};

/// The fields of a post, with the 干部 sheet's column names (手机号 is the
/// form's and the API's; the sheet leaves it blank).
pub const FIELDS: &[Field] = &[
    field("name", "姓名"),
    field("id_number", "身份证号"),
    field("phone", "手机号"),
    field("org_code", "组织编码"),
    field("post", "职务"),
    field("tenure", "专兼挂"),
    field("term_start", "任职开始"),
    field("term_end", "任职结束"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficerDraft {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub org_code: String,
    pub post: String,
    pub tenure: String,
    pub term_start: String,
    /// Blank while in office.
    pub term_end: String,
}

/// A checked post; (person, org, post) is its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerInput {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Option<Phone>,
    pub org_code: String,
    pub post: Post,
    pub tenure: Option<Tenure>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub checked: Checked,
}

impl OfficerDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<OfficerInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let name = c.required("name", &self.name, 50);
        let id_number = c.id_number("id_number", &self.id_number, today);
        let phone = c.phone("phone", &self.phone);
        let org_code = c.required_key("org_code", &self.org_code, 40);
        let post = c.required_pick::<Post>("post", &self.post);
        let tenure = c.pick::<Tenure>("tenure", &self.tenure);
        let term_start = c.date("term_start", &self.term_start);
        let term_end = c.date("term_end", &self.term_end);
        if let (Some(s), Some(e)) = (term_start, term_end)
            && e < s
        {
            c.push("term_end", "任职结束早于任职开始");
        }
        c.finish()?;
        let (Some(name), Some(id_number), Some(org_code), Some(post)) =
            (name, id_number, org_code, post)
        else {
            unreachable!("a missing required field is an error above")
        };
        Ok(OfficerInput {
            name,
            id_number,
            phone,
            org_code,
            post,
            tenure,
            term_start,
            term_end,
            checked: Checked(()),
        })
    }
}

impl OfficerInput {
    /// The person this post names, checked as a person is (home org given by
    /// the caller: a new person is filed where she takes the post).
    pub fn person(&self, home_org_code: &str) -> super::person::PersonInput {
        super::person::PersonInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            phone: self.phone.clone(),
            org_code: home_org_code.to_string(),
            tags: Vec::new(),
            checked: self.checked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_that_ends_before_it_starts_is_refused_at_its_end() {
        let today = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
        let d = OfficerDraft {
            name: "李华".into(),
            id_number: "42052719800101014X".into(),
            org_code: "420527101201".into(),
            post: "主席".into(),
            term_start: "2020-01-01".into(),
            term_end: "2019-12-31".into(),
            ..Default::default()
        };
        let inv = d.clone().validate(today).unwrap_err();
        assert_eq!(inv.message_for("term_end"), Some("任职结束早于任职开始"));
        let ok = OfficerDraft {
            term_end: String::new(),
            tenure: "兼职".into(),
            ..d
        }
        .validate(today)
        .unwrap();
        assert_eq!((ok.post, ok.tenure), (Post::Chair, Some(Tenure::PartTime)));
    }
}
