//! Year-over-year: the statistics of the previous equal period
//! ([`crate::date::Period::previous`]) and the change of every numeric figure.
//! Works on the JSON form so every section, present and future, is compared
//! without listing its fields: numbers are subtracted, objects recurse, and
//! lists of labelled rows (`{"type": "村妇联", "count": 3}`) are matched by label.

use serde_json::{Map, Value};

use super::StatsDoc;

/// Fields that name a row in a list (first match wins).
const LABELS: &[&str] = &[
    "type",
    "program",
    "channel",
    "column",
    "level",
    "post",
    "category",
    "name",
    "title",
    "code",
    "enterprise",
    "target",
    "source",
    "indicator",
];

/// The current document as JSON with `"previous"` (the whole previous
/// document) and `"change"` (current − previous for numeric figures) added.
pub fn compare(current: &StatsDoc, previous: &StatsDoc) -> Value {
    let cur = serde_json::to_value(current).unwrap_or(Value::Null);
    let prev = serde_json::to_value(previous).unwrap_or(Value::Null);
    let mut change = diff(&cur, &prev).unwrap_or(Value::Object(Map::new()));
    if let Value::Object(m) = &mut change {
        // Identity and period aren't figures.
        m.remove("org");
        m.remove("period");
    }
    let mut out = cur;
    if let Value::Object(m) = &mut out {
        m.insert("previous".into(), prev);
        m.insert("change".into(), change);
    }
    out
}

fn label_of(row: &Map<String, Value>) -> Option<(&'static str, String)> {
    LABELS.iter().find_map(|k| match row.get(*k) {
        Some(Value::String(s)) => Some((*k, s.clone())),
        _ => None,
    })
}

/// The change from `prev` to `cur`; None when there is nothing numeric to say.
/// A figure missing on one side counts as 0 there.
pub fn diff(cur: &Value, prev: &Value) -> Option<Value> {
    match (cur, prev) {
        (Value::Number(_), _) | (Value::Null, Value::Number(_)) => {
            let (a, b) = (num(cur), num(prev));
            Some(number(a - b))
        }
        (Value::Object(a), _) => {
            let empty = Map::new();
            let b = prev.as_object().unwrap_or(&empty);
            let mut out = Map::new();
            for (k, v) in a {
                if let Some(d) = diff(v, b.get(k).unwrap_or(&Value::Null)) {
                    out.insert(k.clone(), d);
                }
            }
            for (k, v) in b {
                if !a.contains_key(k)
                    && let Some(d) = diff(&Value::Null, v)
                {
                    out.insert(k.clone(), d);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        (Value::Array(a), _) => {
            let empty = Vec::new();
            let b = prev.as_array().unwrap_or(&empty);
            rows(a, b)
        }
        // Present only before: its change is minus its figures.
        (Value::Null, Value::Object(_)) => Some(neg(prev)),
        (Value::Null, Value::Array(b)) => rows(&[], b),
        _ => None,
    }
}

fn rows(a: &[Value], b: &[Value]) -> Option<Value> {
    let labelled = |v: &Value| v.as_object().and_then(label_of);
    if a.iter().chain(b).any(|v| labelled(v).is_none()) {
        return None;
    }
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for row in a {
        let (key, label) = labelled(row)?;
        let before = b
            .iter()
            .find(|r| labelled(r).is_some_and(|(_, l)| l == label))
            .unwrap_or(&Value::Null);
        if let Some(Value::Object(mut d)) = diff(row, before) {
            d.insert(key.into(), Value::String(label.clone()));
            out.push(Value::Object(d));
        }
        seen.push(label);
    }
    for row in b {
        let (key, label) = labelled(row)?;
        if seen.contains(&label) {
            continue;
        }
        if let Value::Object(mut d) = neg(row) {
            d.insert(key.into(), Value::String(label));
            out.push(Value::Object(d));
        }
    }
    (!out.is_empty()).then_some(Value::Array(out))
}

/// Minus every figure of `v` (a row or section present only before).
fn neg(v: &Value) -> Value {
    match v {
        Value::Number(_) => number(-num(v)),
        Value::Object(m) => Value::Object(
            m.iter()
                .filter_map(|(k, v)| match v {
                    Value::String(_) | Value::Bool(_) | Value::Null => None,
                    _ => Some((k.clone(), neg(v))),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(neg).collect()),
        _ => v.clone(),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// Integers stay integers; money keeps at most two decimals.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::from(x as i64)
    } else {
        Value::from((x * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_subtract_and_rows_match_by_label() {
        let cur = json!({"count": 12, "by_type": [{"type": "培训", "count": 48}, {"type": "合唱", "count": 3}],
                         "amount": 6.4, "org": {"name": "x"}});
        let prev = json!({"count": 10, "by_type": [{"type": "培训", "count": 40}, {"type": "展播", "count": 2}],
                          "amount": 4.1});
        let d = diff(&cur, &prev).unwrap();
        assert_eq!(d["count"], json!(2));
        assert_eq!(d["amount"], json!(2.3));
        assert_eq!(
            d["by_type"],
            json!([{"type": "培训", "count": 8}, {"type": "合唱", "count": 3}, {"type": "展播", "count": -2}])
        );
        assert!(d.get("org").is_none());
    }

    #[test]
    fn unchanged_figures_give_zero() {
        let d = diff(&json!({"a": {"b": 5}}), &json!({"a": {"b": 5}})).unwrap();
        assert_eq!(d, json!({"a": {"b": 0}}));
    }
}
