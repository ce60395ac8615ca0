//! An org (组织) as typed.

use chrono::NaiveDate;

use super::field;
use crate::{
    Invalid,
    input::{Check, Checked, Field},
    kinds::{NewFieldType, OrgKind},
};

/// The fields of an org, with the 组织 sheet's column names.
pub const FIELDS: &[Field] = &[
    field("code", "组织编码"),
    field("name", "组织名称"),
    field("kind", "组织类型"),
    field("parent_code", "上级组织编码"),
    field("founded_on", "成立日期"),
    field("new_field_type", "新领域类型"),
];

/// What was typed, field by field. Kinds are codes or labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgDraft {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Blank only for a 县妇联 (the root of a county's tree).
    pub parent_code: String,
    pub founded_on: String,
    /// Kept only for a 新领域妇联.
    pub new_field_type: String,
}

/// A checked org. Whether its code fits its parent's
/// (`orgcode::validate_org_code`) is judged where the parent is known: in
/// the sheet for a parent row of the same sheet, else by the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInput {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent_code: Option<String>,
    pub founded_on: Option<NaiveDate>,
    pub new_field_type: Option<NewFieldType>,
    pub checked: Checked,
}

impl OrgDraft {
    /// Every problem at once, or the checked org. `today` is Beijing's date:
    /// an org can't be founded after it.
    pub fn validate(&self, today: NaiveDate) -> Result<OrgInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let code = c.required_key("code", &self.code, 40);
        let name = c.required("name", &self.name, 100);
        let kind = c.required_pick::<OrgKind>("kind", &self.kind);
        let parent_code = c.key("parent_code", &self.parent_code, 40);
        let founded_on = c.past_date("founded_on", &self.founded_on, today);
        let new_field_type = c.pick::<NewFieldType>("new_field_type", &self.new_field_type);
        if parent_code.is_none()
            && c.is_clear("parent_code")
            && kind.is_some_and(|k| k != OrgKind::County)
        {
            c.fault("parent_code", "不能为空（只有县妇联可以不填）");
        }
        if parent_code.is_some() && parent_code == code {
            c.push("parent_code", "上级组织不能是本组织");
        }
        c.finish()?;
        let (Some(code), Some(name), Some(kind)) = (code, name, kind) else {
            unreachable!("a missing required field is an error above")
        };
        Ok(OrgInput {
            code,
            name,
            kind,
            parent_code,
            founded_on,
            new_field_type: new_field_type.filter(|_| kind == OrgKind::NewField),
            checked: Checked(()),
        })
    }
}

impl OrgInput {
    /// The draft this org came from, in canonical text.
    pub fn to_draft(&self) -> OrgDraft {
        OrgDraft {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.code().into(),
            parent_code: self.parent_code.clone().unwrap_or_default(),
            founded_on: self.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            new_field_type: self
                .new_field_type
                .map(|t| t.code().to_string())
                .unwrap_or_default(),
        }
    }
}

/// What may change on an org, as typed: its code and kind are fixed once
/// records hang on it, and moving is a step of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgChangeDraft {
    pub name: String,
    pub founded_on: String,
    pub new_field_type: String,
}

/// A checked change of an org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChange {
    pub name: String,
    pub founded_on: Option<NaiveDate>,
    /// Kept only when the org is a 新领域妇联.
    pub new_field_type: Option<NewFieldType>,
    pub checked: Checked,
}

impl OrgChangeDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<OrgChange, Invalid> {
        let mut c = Check::new(FIELDS);
        let name = c.required("name", &self.name, 100);
        let founded_on = c.past_date("founded_on", &self.founded_on, today);
        let new_field_type = c.pick::<NewFieldType>("new_field_type", &self.new_field_type);
        c.finish()?;
        let Some(name) = name else {
            unreachable!("a missing required field is an error above")
        };
        Ok(OrgChange {
            name,
            founded_on,
            new_field_type,
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

    fn draft() -> OrgDraft {
        OrgDraft {
            code: "420527101000".into(),
            name: "茅坪镇妇联".into(),
            kind: "乡镇妇联".into(),
            parent_code: "420527000000".into(),
            founded_on: "2020/7/8".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_org_as_typed_becomes_a_checked_input_and_back() {
        let o = draft().validate(today()).unwrap();
        assert_eq!(o.kind, OrgKind::Township);
        assert_eq!(o.founded_on, NaiveDate::from_ymd_opt(2020, 7, 8));
        assert_eq!(o.to_draft().validate(today()).unwrap(), o);
    }

    #[test]
    fn only_a_county_federation_may_leave_the_parent_blank() {
        let inv = OrgDraft {
            parent_code: " ".into(),
            ..draft()
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(
            inv.message_for("parent_code"),
            Some("上级组织编码不能为空（只有县妇联可以不填）")
        );
        let root = OrgDraft {
            code: "420527000000".into(),
            kind: "county".into(),
            parent_code: String::new(),
            ..draft()
        };
        assert_eq!(root.validate(today()).unwrap().parent_code, None);
    }

    #[test]
    fn every_problem_is_named_by_its_column() {
        let inv = OrgDraft {
            code: "4205 27".into(),
            name: String::new(),
            kind: "妇女组织".into(),
            founded_on: "2021-01-01".into(),
            ..draft()
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(inv.message_for("code"), Some("组织编码不能含有空格"));
        assert_eq!(inv.message_for("name"), Some("组织名称不能为空"));
        assert!(
            inv.message_for("kind")
                .unwrap()
                .starts_with("组织类型「妇女组织」无效，可选：县妇联")
        );
        assert_eq!(inv.message_for("founded_on"), Some("成立日期不能晚于今天"));
    }

    #[test]
    fn a_new_field_type_is_kept_only_for_a_new_field_federation() {
        let d = OrgDraft {
            new_field_type: "非公企业".into(),
            ..draft()
        };
        assert_eq!(d.validate(today()).unwrap().new_field_type, None);
        let d = OrgDraft {
            kind: "新领域妇联".into(),
            code: "MGXY-001".into(),
            ..d
        };
        assert_eq!(
            d.validate(today()).unwrap().new_field_type,
            Some(NewFieldType::PrivateEnterprise)
        );
    }
}
