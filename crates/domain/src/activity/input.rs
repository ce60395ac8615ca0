//! An activity as any door gives it. The form, the API and the 活动 sheet fill
//! an [`ActivityDraft`] with the text they received and call
//! [`ActivityDraft::validate`]; only that yields an [`ActivityInput`], which is
//! what the repository writes. So every door refuses the same values with the
//! same message, named by the ledger contract's column.

use chrono::NaiveDate;

use super::{ActivityKind, ActivityMode, ActivityStatus, Material, parse_material};
use crate::{
    Invalid,
    input::{Check, Field},
};

/// The largest head count, unit count or material quantity of one activity:
/// far above any county's, far below where sums could overflow.
pub const MAX_COUNT: i64 = 10_000_000;

const fn field(code: &'static str, label: &'static str) -> Field {
    Field { code, label }
}

/// The fields of an activity: form names and JSON keys, with the 活动 sheet's
/// column names (docs/ledgers.md).
pub const FIELDS: &[Field] = &[
    field("code", "活动编号"),
    field("name", "活动名称"),
    field("programme", "品牌项目"),
    field("kind", "活动类型"),
    field("org_code", "主办组织编码"),
    field("partners", "联合单位"),
    field("start_date", "开始日期"),
    field("end_date", "结束日期"),
    field("mode", "形式"),
    field("place", "地点"),
    field("units_reached", "覆盖单位数"),
    field("head_count", "参与人数"),
    field("materials", "发放材料"),
    field("summary", "简介"),
    field("status", "活动状态"),
];

/// What was typed, field by field, before any check. Lists (partners,
/// materials) are already split into items; [`crate::input::split_list`]
/// splits a typed box or cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityDraft {
    pub code: String,
    pub name: String,
    pub programme: String,
    /// Code (`lecture`) or label (`讲座`).
    pub kind: String,
    pub org_code: String,
    pub partners: Vec<String>,
    pub start_date: String,
    pub end_date: String,
    /// 线上/线下 or `online`/`offline`; blank is offline.
    pub mode: String,
    pub place: String,
    pub units_reached: String,
    pub head_count: String,
    /// `名称:数量` items.
    pub materials: Vec<String>,
    pub summary: String,
    /// Code or label; blank is 已开展 (work that happened).
    pub status: String,
}

/// Proof that an [`ActivityInput`] went through [`ActivityDraft::validate`]:
/// only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked(());

/// A checked activity, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityInput {
    /// The user's own unique key (活动编号) in its org; generated when absent.
    pub code: Option<String>,
    pub name: String,
    /// Programme name; found among the org's and its ancestors', or created.
    pub programme: Option<String>,
    pub kind: ActivityKind,
    pub org_code: String,
    pub partners: Vec<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub online: bool,
    pub place: Option<String>,
    pub units_reached: Option<i64>,
    pub head_count: Option<i64>,
    pub materials: Vec<Material>,
    pub summary: Option<String>,
    pub status: ActivityStatus,
    pub checked: Checked,
}

impl ActivityDraft {
    /// Every problem at once, or the checked input. `today` is Beijing's
    /// date: an activity held (已开展) can't start after it.
    pub fn validate(&self, today: NaiveDate) -> Result<ActivityInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let code = c.text("code", &self.code, 60);
        if code
            .as_deref()
            .is_some_and(|s| s.chars().any(char::is_whitespace))
        {
            c.fault("code", "不能含有空格");
        }
        let name = c.required("name", &self.name, 200);
        let programme = c.text("programme", &self.programme, 100);
        let kind = c.required_choice(
            "kind",
            &self.kind,
            kind_of,
            ActivityKind::ALL.iter().map(|v| v.label()),
        );
        let org_code = c.required("org_code", &self.org_code, 12);
        let partners = c.list("partners", &self.partners, 50, 100);
        let start_date = c.required_date("start_date", &self.start_date);
        let end_date = c.date("end_date", &self.end_date);
        let mode = c.choice(
            "mode",
            &self.mode,
            mode_of,
            ActivityMode::ALL.iter().map(|v| v.label()),
        );
        let place = c.text("place", &self.place, 100);
        let units_reached = c.count("units_reached", &self.units_reached, MAX_COUNT);
        let head_count = c.count("head_count", &self.head_count, MAX_COUNT);
        let materials = materials(&mut c, &self.materials);
        let summary = c.text("summary", &self.summary, 5000);
        let status = c
            .choice(
                "status",
                &self.status,
                status_of,
                ActivityStatus::ALL.iter().map(|v| v.label()),
            )
            .unwrap_or(ActivityStatus::Done);
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            c.push("end_date", "结束日期早于开始日期");
        }
        if status == ActivityStatus::Cancelled {
            // 取消 keeps a reason, who and when: it is a step of its own.
            c.push("status", "「已取消」请在活动页用「取消」登记，并写明原因");
        }
        if status == ActivityStatus::Done && start_date.is_some_and(|s| s > today) {
            c.push("start_date", "「已开展」的活动开始日期不能晚于今天");
        }
        c.finish()?;
        let (Some(name), Some(kind), Some(org_code), Some(start_date)) =
            (name, kind, org_code, start_date)
        else {
            unreachable!("a missing required field is an error above")
        };
        Ok(ActivityInput {
            code,
            name,
            programme,
            kind,
            org_code,
            partners,
            start_date,
            end_date,
            online: mode == Some(ActivityMode::Online),
            place,
            units_reached,
            head_count,
            materials,
            summary,
            status,
            checked: Checked(()),
        })
    }
}

impl ActivityInput {
    /// The draft this input came from, in canonical text (an edit form's
    /// starting values, a test's variation of a valid activity).
    pub fn to_draft(&self) -> ActivityDraft {
        ActivityDraft {
            code: self.code.clone().unwrap_or_default(),
            name: self.name.clone(),
            programme: self.programme.clone().unwrap_or_default(),
            kind: self.kind.code().into(),
            org_code: self.org_code.clone(),
            partners: self.partners.clone(),
            start_date: self.start_date.to_string(),
            end_date: self.end_date.map(|d| d.to_string()).unwrap_or_default(),
            mode: if self.online { "online" } else { "offline" }.into(),
            place: self.place.clone().unwrap_or_default(),
            units_reached: self
                .units_reached
                .map(|n| n.to_string())
                .unwrap_or_default(),
            head_count: self.head_count.map(|n| n.to_string()).unwrap_or_default(),
            materials: self
                .materials
                .iter()
                .map(|m| format!("{}:{}", m.name, m.quantity))
                .collect(),
            summary: self.summary.clone().unwrap_or_default(),
            status: self.status.code().into(),
        }
    }
}

fn kind_of(s: &str) -> Option<ActivityKind> {
    ActivityKind::from_code(s).or_else(|| ActivityKind::from_label(s))
}

fn mode_of(s: &str) -> Option<ActivityMode> {
    ActivityMode::from_code(s).or_else(|| ActivityMode::from_label(s))
}

fn status_of(s: &str) -> Option<ActivityStatus> {
    ActivityStatus::from_code(s).or_else(|| ActivityStatus::from_label(s))
}

fn materials(c: &mut Check, items: &[String]) -> Vec<Material> {
    let items: Vec<&str> = items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > 100 {
        c.fault("materials", "最多100项");
        return Vec::new();
    }
    let mut out: Vec<Material> = Vec::new();
    for item in items {
        match parse_material(item) {
            Ok(m) if out.iter().any(|x| x.name == m.name) => {
                c.push("materials", format!("材料「{}」重复", m.name));
            }
            Ok(m) if m.quantity > MAX_COUNT => c.push(
                "materials",
                format!("材料「{}」的数量应为0到1000万之间的整数", m.name),
            ),
            Ok(m) if m.name.chars().count() > 60 => {
                c.push("materials", "材料名称不能超过60个字");
            }
            Ok(m) => out.push(m),
            Err(e) => c.push("materials", e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 12, 31).unwrap()
    }

    fn draft() -> ActivityDraft {
        ActivityDraft {
            code: "2020-001".into(),
            name: "巾帼宣讲进万家".into(),
            kind: "宣讲".into(),
            org_code: "420527101000".into(),
            start_date: "2020/7/8".into(),
            head_count: "1,200".into(),
            materials: vec!["倡议书：220".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_draft_as_typed_becomes_a_checked_input() {
        let a = draft().validate(today()).unwrap();
        assert_eq!(a.kind, ActivityKind::Propaganda);
        assert_eq!(a.start_date, NaiveDate::from_ymd_opt(2020, 7, 8).unwrap());
        assert_eq!(a.head_count, Some(1200));
        assert_eq!(a.status, ActivityStatus::Done);
        assert!(!a.online);
        assert_eq!(a.materials[0].quantity, 220);
        assert_eq!(a.to_draft().validate(today()).unwrap(), a);
    }

    #[test]
    fn every_problem_is_named_by_its_column_at_once() {
        let d = ActivityDraft {
            name: " ".into(),
            kind: "演出".into(),
            start_date: "2020-13-01".into(),
            head_count: "-1".into(),
            mode: "半线上".into(),
            ..draft()
        };
        let inv = d.validate(today()).unwrap_err();
        assert_eq!(inv.message_for("name"), Some("活动名称不能为空"));
        assert!(
            inv.message_for("kind")
                .unwrap()
                .starts_with("活动类型「演出」无效，可选：宣讲")
        );
        assert!(
            inv.message_for("start_date")
                .unwrap()
                .starts_with("开始日期：")
        );
        assert_eq!(
            inv.message_for("head_count"),
            Some("参与人数应为0到1000万之间的整数")
        );
        assert!(inv.message_for("mode").unwrap().contains("线下"));
    }

    #[test]
    fn a_held_activity_cannot_start_after_today_but_a_planned_one_can() {
        let d = ActivityDraft {
            start_date: "2021-01-05".into(),
            ..draft()
        };
        assert!(
            d.validate(today())
                .unwrap_err()
                .message_for("start_date")
                .is_some()
        );
        let planned = ActivityDraft {
            status: "计划".into(),
            ..d
        };
        assert_eq!(
            planned.validate(today()).unwrap().status,
            ActivityStatus::Planned
        );
    }

    #[test]
    fn an_activity_is_not_cancelled_through_its_fields() {
        let d = ActivityDraft {
            status: "已取消".into(),
            ..draft()
        };
        assert!(
            d.validate(today())
                .unwrap_err()
                .message_for("status")
                .unwrap()
                .contains("原因")
        );
    }

    #[test]
    fn every_field_has_a_contract_column_name() {
        for f in FIELDS {
            assert!(!f.label.is_empty(), "{} has no label", f.code);
        }
        let mut codes: Vec<&str> = FIELDS.iter().map(|f| f.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FIELDS.len());
    }
}
