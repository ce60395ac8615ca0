//! A person (人员) as typed.

use chrono::NaiveDate;

use super::field;
use crate::{
    Invalid,
    idcard::IdNumber,
    input::{Check, Checked, Field},
    phone::Phone,
};

/// The fields of a person, with the 人员 sheet's column names.
pub const FIELDS: &[Field] = &[
    field("name", "姓名"),
    field("id_number", "身份证号"),
    field("phone", "手机号"),
    field("org_code", "所属组织编码"),
    field("tags", "标签"),
];

/// At most this many tags of at most [`TAG_CHARS`] characters each.
pub const MAX_TAGS: usize = 20;
pub const TAG_CHARS: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDraft {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// Where she lives (village/community or higher).
    pub org_code: String,
    pub tags: Vec<String>,
}

/// A checked person: the 身份证号 canonical, the tags trimmed, sorted and
/// without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub id_number: IdNumber,
    pub phone: Option<Phone>,
    pub org_code: String,
    pub tags: Vec<String>,
    pub checked: Checked,
}

impl PersonDraft {
    /// `today` is Beijing's date: a birth date in a 身份证号 can't be after it.
    pub fn validate(&self, today: NaiveDate) -> Result<PersonInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let name = c.required("name", &self.name, 50);
        let id_number = c.id_number("id_number", &self.id_number, today);
        let phone = c.phone("phone", &self.phone);
        let org_code = c.required_key("org_code", &self.org_code, 40);
        let mut tags = c.list("tags", &self.tags, MAX_TAGS, TAG_CHARS);
        tags.sort();
        tags.dedup();
        c.finish()?;
        let (Some(name), Some(id_number), Some(org_code)) = (name, id_number, org_code) else {
            unreachable!("a missing required field is an error above")
        };
        Ok(PersonInput {
            name,
            id_number,
            phone,
            org_code,
            tags,
            checked: Checked(()),
        })
    }
}

/// What may change on a registered person, as typed; a blank field is
/// left as it is, except `phone` when `clear_phone` is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonChangeDraft {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub org_code: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// A checked change: `None` keeps the value; `phone: Some(None)` removes
/// the phone; `tags: Some(..)` replaces all tags. The 身份证号 never
/// changes: a wrong one means a different person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonChange {
    pub name: Option<String>,
    pub phone: Option<Option<Phone>>,
    pub org_code: Option<String>,
    pub tags: Option<Vec<String>>,
    pub checked: Checked,
}

impl PersonChangeDraft {
    pub fn validate(&self) -> Result<PersonChange, Invalid> {
        let mut c = Check::new(FIELDS);
        let name = self.name.as_deref().map(|n| c.required("name", n, 50));
        let phone = self.phone.as_deref().map(|p| c.phone("phone", p));
        let org_code = self
            .org_code
            .as_deref()
            .map(|o| c.required_key("org_code", o, 40));
        let tags = self.tags.as_deref().map(|t| {
            let mut t = c.list("tags", t, MAX_TAGS, TAG_CHARS);
            t.sort();
            t.dedup();
            t
        });
        c.finish()?;
        Ok(PersonChange {
            name: name.flatten(),
            phone,
            org_code: org_code.flatten(),
            tags,
            checked: Checked(()),
        })
    }
}

impl PersonChange {
    /// A change of the tags alone (the tag editor, the bulk tagger).
    pub fn tags_only(tags: Vec<String>) -> Result<PersonChange, Invalid> {
        PersonChangeDraft {
            tags: Some(tags),
            ..Default::default()
        }
        .validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
    }

    #[test]
    fn a_person_as_typed_is_canonical_once_checked() {
        let p = PersonDraft {
            name: " 王秀英 ".into(),
            id_number: "42052719800101014x".into(),
            phone: "+86 139 0000 0000".into(),
            org_code: "420527101201".into(),
            tags: vec!["绣娘".into(), " 低保".into(), "绣娘".into(), "".into()],
        };
        let p = p.validate(today()).unwrap();
        assert_eq!(p.name, "王秀英");
        assert_eq!(p.id_number.as_str(), "42052719800101014X");
        assert_eq!(p.phone.unwrap().as_str(), "13900000000");
        assert_eq!(p.tags, ["低保", "绣娘"]);
    }

    #[test]
    fn a_bad_id_number_or_phone_is_refused_with_the_domain_sentence() {
        let inv = PersonDraft {
            name: "王秀英".into(),
            id_number: "420527198001010028".into(),
            phone: "12345".into(),
            org_code: "420527101201".into(),
            ..Default::default()
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(inv.message_for("id_number"), Some("身份证号校验位错误"));
        assert!(
            inv.message_for("phone")
                .unwrap()
                .starts_with("手机号格式不正确")
        );
    }

    #[test]
    fn a_change_names_only_what_it_changes() {
        let ch = PersonChangeDraft {
            phone: Some(String::new()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!((ch.name, ch.phone, ch.tags), (None, Some(None), None));
        let inv = PersonChangeDraft {
            name: Some(" ".into()),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(inv.message_for("name"), Some("姓名不能为空"));
    }
}
