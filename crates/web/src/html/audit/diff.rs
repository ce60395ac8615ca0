//! A change's before and after, as an auditor reads them: one line per field
//! that changed, named in Chinese, with values as words. Stored JSON is never
//! shown as it is: ciphertexts, blind indexes and search keys are internal,
//! and a raw dump is unreadable to the people who audit.

use serde_json::{Map, Value};

/// One field of a change.
pub struct DiffLine {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The lines of a change. A creation lists what was set, a deletion what was
/// there, an update what differs.
pub fn lines(before: Option<&str>, after: Option<&str>) -> Vec<DiffLine> {
    let before = before.map(object_of).unwrap_or_default();
    let after = after.map(object_of).unwrap_or_default();
    let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
    keys.sort_by_key(|k| field_rank(k));
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        if hidden(key) {
            continue;
        }
        let (b, a) = (before.get(key), after.get(key));
        if b == a {
            continue;
        }
        let (b, a) = (
            b.map(words).unwrap_or_default(),
            a.map(words).unwrap_or_default(),
        );
        if b == a {
            continue;
        }
        out.push(DiffLine {
            field: label(key),
            before: b,
            after: a,
        });
    }
    out
}

/// A stored JSON text as an object; anything else is one field, 值.
fn object_of(text: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => m,
        Ok(other) => Map::from_iter([("value".to_string(), other)]),
        Err(_) => Map::from_iter([("value".to_string(), Value::String(text.into()))]),
    }
}

/// Internal columns an auditor has no use for (and must not see decoded).
fn hidden(key: &str) -> bool {
    key.ends_with("_cipher")
        || key.ends_with("_index")
        || matches!(
            key,
            "search_text" | "password_hash" | "path" | "updated_at" | "id"
        )
}

/// A value in words: blank for nothing, 是/否, lists joined with 、.
fn words(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(words).collect::<Vec<_>>().join("、"),
        Value::Object(m) => m
            .iter()
            .filter(|(k, _)| !hidden(k))
            .map(|(k, v)| format!("{}：{}", label(k), words(v)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// Field names of the records audited so far, by their columns' Chinese
/// names (the ledger contract's where there is one).
const LABELS: &[(&str, &str)] = &[
    ("value", "值"),
    ("code", "编号"),
    ("name", "名称"),
    ("kind", "类型"),
    ("status", "状态"),
    ("org_id", "所属组织"),
    ("parent_id", "上级组织"),
    ("programme_id", "品牌项目"),
    ("activity_id", "活动"),
    ("person_id", "人员"),
    ("partners", "联合单位"),
    ("start_date", "开始日期"),
    ("end_date", "结束日期"),
    ("online", "线上"),
    ("place", "地点"),
    ("units_reached", "覆盖单位数"),
    ("head_count", "参与人数"),
    ("summary", "简介"),
    ("title", "标题"),
    ("channel", "发布平台"),
    ("published_on", "发布日期"),
    ("column", "栏目"),
    ("url", "链接"),
    ("sex", "性别"),
    ("birth_year", "出生年份"),
    ("id_masked", "身份证号（脱敏）"),
    ("phone_masked", "手机号（脱敏）"),
    ("bank_masked", "银行卡号（脱敏）"),
    ("new_field_type", "新领域类型"),
    ("depth", "层级"),
    ("founded_on", "成立日期"),
    ("closed_on", "撤销日期"),
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("role", "角色"),
    ("grants", "附加权限"),
    ("must_change_password", "须修改密码"),
    ("disabled", "已停用"),
    ("failed_logins", "连续登录失败次数"),
    ("locked_until", "暂缓登录至"),
    ("last_login_at", "上次登录时间"),
    ("last_login_ip", "上次登录IP"),
    ("password_changed_at", "密码修改时间"),
    ("created_at", "创建时间"),
    ("caption", "照片说明"),
    ("cover", "封面"),
    ("position", "顺序"),
    ("author", "作者"),
    ("category", "作品类别"),
    ("unit", "单位"),
    ("post", "职务"),
    ("tenure", "任职方式"),
    ("rating", "评定等级"),
    ("area_m2", "面积（平方米）"),
    ("topic", "调研主题"),
    ("score", "得分"),
    ("note", "备注"),
];

fn label(key: &str) -> String {
    LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_string(), |(_, l)| (*l).to_string())
}

/// Known fields first, in the table's order (名称 before 创建时间), then the rest.
fn field_rank(key: &str) -> (usize, String) {
    let rank = LABELS
        .iter()
        .position(|(k, _)| *k == key)
        .unwrap_or(LABELS.len());
    (rank, key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_shows_only_the_fields_that_changed_in_words() {
        let before = r#"{"id":7,"name":"讲座","head_count":20,"online":false,"search_text":"jz","updated_at":"x"}"#;
        let after = r#"{"id":7,"name":"讲座","head_count":23,"online":true,"search_text":"jz2","updated_at":"y"}"#;
        let l = lines(Some(before), Some(after));
        let shown: Vec<(&str, &str, &str)> = l
            .iter()
            .map(|d| (d.field.as_str(), d.before.as_str(), d.after.as_str()))
            .collect();
        assert_eq!(shown, [("线上", "否", "是"), ("参与人数", "20", "23")]);
    }

    #[test]
    fn ciphertexts_and_indexes_are_never_shown() {
        let after = r#"{"name":"王平","id_cipher":"q83…","id_index":"ab12","id_masked":"420527********002X"}"#;
        let l = lines(None, Some(after));
        assert!(
            l.iter()
                .all(|d| !d.after.contains("q83") && !d.after.contains("ab12"))
        );
        assert!(l.iter().any(|d| d.field == "身份证号（脱敏）"));
    }
}
