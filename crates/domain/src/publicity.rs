//! Publicity (宣传) as any door gives it: an item published on a channel,
//! keyed by title and channel, with the accounts that reposted it. The form,
//! the API and the 宣传 sheet build an [`ItemDraft`]; [`ItemDraft::validate`]
//! is the one check and the only way to an [`ItemInput`].

use chrono::NaiveDate;

use crate::{
    Invalid,
    input::{Check, Field},
    kinds::Level,
};

const fn field(code: &'static str, label: &'static str) -> Field {
    Field { code, label }
}

/// The fields of a publicity item, with the 宣传 sheet's column names.
pub const FIELDS: &[Field] = &[
    field("title", "标题"),
    field("channel", "发布平台"),
    field("published_on", "发布日期"),
    field("org_code", "发布组织编码"),
    field("column", "栏目"),
    field("link", "链接"),
    field("reposts", "转载方"),
    field("activity_code", "活动编号"),
];

/// What was typed, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemDraft {
    pub title: String,
    pub channel: String,
    pub published_on: String,
    pub org_code: String,
    pub column: String,
    pub link: String,
    pub activity_code: String,
    /// (account, level as code or label), blank rows dropped.
    pub reposts: Vec<(String, String)>,
}

/// Proof of [`ItemDraft::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked(());

/// A checked publicity item, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInput {
    pub title: String,
    pub channel: String,
    pub published_on: NaiveDate,
    pub org_code: String,
    pub column: Option<String>,
    pub link: Option<String>,
    /// The activity it reports (by 活动编号).
    pub activity_code: Option<String>,
    pub reposts: Vec<(String, Level)>,
    pub checked: Checked,
}

impl ItemDraft {
    /// Every problem at once, or the checked input.
    pub fn validate(&self) -> Result<ItemInput, Invalid> {
        let mut c = Check::new(FIELDS);
        let title = c.required("title", &self.title, 300);
        let channel = c.required("channel", &self.channel, 100);
        let published_on = c.required_date("published_on", &self.published_on);
        let org_code = c.required("org_code", &self.org_code, 12);
        let column = c.text("column", &self.column, 100);
        let link = c.text("link", &self.link, 2000);
        if link
            .as_deref()
            .is_some_and(|l| !(l.starts_with("http://") || l.starts_with("https://")))
        {
            c.push("link", "链接应以 http:// 或 https:// 开头");
        }
        let activity_code = c.text("activity_code", &self.activity_code, 60);
        let reposts = reposts(&mut c, &self.reposts);
        c.finish()?;
        let (Some(title), Some(channel), Some(published_on), Some(org_code)) =
            (title, channel, published_on, org_code)
        else {
            unreachable!("a missing required field is an error above")
        };
        Ok(ItemInput {
            title,
            channel,
            published_on,
            org_code,
            column,
            link,
            activity_code,
            reposts,
            checked: Checked(()),
        })
    }
}

fn reposts(c: &mut Check, rows: &[(String, String)]) -> Vec<(String, Level)> {
    let rows: Vec<(&str, &str)> = rows
        .iter()
        .map(|(n, l)| (n.trim(), l.trim()))
        .filter(|(n, l)| !(n.is_empty() && l.is_empty()))
        .collect();
    if rows.len() > 100 {
        c.fault("reposts", "最多100个");
        return Vec::new();
    }
    let levels: Vec<&str> = Level::ALL.iter().map(|l| l.label()).collect();
    let mut out: Vec<(String, Level)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (name, level) in rows {
        if name.is_empty() || name.chars().count() > 100 {
            c.push("reposts", "转载方名称不能为空且不超过100个字");
        } else if !seen.insert(name) {
            c.push("reposts", format!("转载方「{name}」重复"));
        } else if let Err(why) = crate::text::check_plain(name) {
            c.fault("reposts", why);
        } else if level.is_empty() {
            c.push("reposts", format!("请选择「{name}」的级别"));
        } else {
            match Level::from_code(level).or_else(|| Level::from_label(level)) {
                Some(l) => out.push((name.to_string(), l)),
                None => c.push(
                    "reposts",
                    format!("「{name}」的级别「{level}」应为：{}", levels.join("、")),
                ),
            }
        }
    }
    out
}

/// The publicity area's descriptor (see [`crate::area`]).
pub const AREA: crate::area::Area = crate::area::Area {
    key: "publicity",
    label: "宣传",
    sheets: &["宣传"],
    menu: &[crate::area::Menu {
        key: "publicity",
        href: "/publicity",
        label: "宣传",
        needs: &[(
            crate::access::Module::Publicity,
            crate::access::Permission::Read,
        )],
    }],
    audit_entities: &[crate::audit::AuditEntity::PublicityItem],
    todos: &[],
    stats_section: Some("publicity"),
    exports: &[crate::area::Menu {
        key: "publicity",
        href: "/publicity/export",
        label: "导出宣传列表",
        needs: &[
            (
                crate::access::Module::Publicity,
                crate::access::Permission::Read,
            ),
            (
                crate::access::Module::Publicity,
                crate::access::Permission::Export,
            ),
        ],
    }],
};

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ItemDraft {
        ItemDraft {
            title: "抗疫故事一".into(),
            channel: "屈乡巾帼公众号".into(),
            published_on: "2020-02-10".into(),
            org_code: "420527000000".into(),
            reposts: vec![
                ("湖北省妇联公众号".into(), "省".into()),
                ("宜昌市妇联公众号".into(), "city".into()),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn reposts_take_a_level_by_label_or_code() {
        let i = draft().validate().unwrap();
        assert_eq!(i.reposts[0].1, Level::Province);
        assert_eq!(i.reposts[1].1, Level::City);
        assert_eq!(i.link, None);
    }

    #[test]
    fn every_problem_is_named_by_its_column() {
        let d = ItemDraft {
            title: "".into(),
            link: "ftp://x".into(),
            reposts: vec![("某号".into(), "村".into()), ("某号".into(), "县".into())],
            ..draft()
        };
        let inv = d.validate().unwrap_err();
        assert_eq!(inv.message_for("title"), Some("标题不能为空"));
        assert_eq!(
            inv.message_for("link"),
            Some("链接应以 http:// 或 https:// 开头")
        );
        let reposts: Vec<&str> = inv
            .errors
            .iter()
            .filter(|e| e.field == "reposts")
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(reposts.len(), 2, "{reposts:?}");
        assert!(reposts[0].starts_with("「某号」的级别「村」应为："));
        assert_eq!(reposts[1], "转载方「某号」重复");
    }
}
