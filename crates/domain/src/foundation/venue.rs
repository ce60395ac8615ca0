//! A venue (阵地) as typed.

use chrono::NaiveDate;

use super::field;
use crate::{
    Invalid,
    input::{Check, Checked, Field},
    kinds::{Level, VenueKind, VenueRating},
};

/// The fields of a venue, with the 阵地 sheet's column names.
pub const FIELDS: &[Field] = &[
    field("name", "阵地名称"),
    field("kind", "阵地类型"),
    field("org_code", "所属组织编码"),
    field("opened_on", "挂牌日期"),
    field("rating", "等级"),
    field("rating_level", "等级级别"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VenueDraft {
    pub name: String,
    pub kind: String,
    pub org_code: String,
    pub opened_on: String,
    pub rating: String,
    /// 县级, 市级 or 省级 (a venue is never rated nationally).
    pub rating_level: String,
}

/// A checked venue; (org, name) is its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenueInput {
    pub name: String,
    pub kind: VenueKind,
    pub org_code: String,
    pub opened_on: Option<NaiveDate>,
    pub rating: Option<VenueRating>,
    pub rating_level: Option<Level>,
    pub checked: Checked,
}

impl VenueDraft {
    pub fn validate(&self, today: NaiveDate) -> Result<VenueInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let name = c.required("name", &self.name, 100);
        let kind = c.required_pick::<VenueKind>("kind", &self.kind);
        let org_code = c.required_key("org_code", &self.org_code, 40);
        let opened_on = c.past_date("opened_on", &self.opened_on, today);
        let rating = c.pick::<VenueRating>("rating", &self.rating);
        let rating_level = c.choice(
            "rating_level",
            &self.rating_level,
            |s| crate::input::Labelled::parse(s).filter(|l| *l != Level::National),
            ["县级", "市级", "省级"].into_iter(),
        );
        c.finish()?;
        let (Some(name), Some(kind), Some(org_code)) = (name, kind, org_code) else {
            unreachable!("a missing required field is an error above")
        };
        Ok(VenueInput {
            name,
            kind,
            org_code,
            opened_on,
            rating,
            rating_level,
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
    fn a_venue_is_rated_by_county_city_or_province_never_nationally() {
        let d = VenueDraft {
            name: "茅坪村妇女之家".into(),
            kind: "妇女之家".into(),
            org_code: "420527101201".into(),
            rating: "示范".into(),
            rating_level: "市级".into(),
            ..Default::default()
        };
        let v = d.validate(today()).unwrap();
        assert_eq!(
            (v.rating, v.rating_level),
            (Some(VenueRating::Model), Some(Level::City))
        );
        let inv = VenueDraft {
            rating_level: "国家级".into(),
            ..d
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(
            inv.message_for("rating_level"),
            Some("等级级别「国家级」无效，可选：县级、市级、省级")
        );
    }

    #[test]
    fn a_venue_without_name_or_kind_is_refused_naming_both() {
        let inv = VenueDraft {
            org_code: "420527101201".into(),
            ..Default::default()
        }
        .validate(today())
        .unwrap_err();
        assert_eq!(inv.message_for("name"), Some("阵地名称不能为空"));
        assert_eq!(inv.message_for("kind"), Some("请选择阵地类型"));
    }
}
