//! One way to check a record as typed, whichever door it came through: the
//! HTML form, the JSON API or a ledger row all fill a record kind's draft
//! with the text they were given and call its `validate`, which uses a
//! [`Check`] over the kind's [`Field`] table. So a bad value gets the same
//! Chinese message everywhere, and the message names the field by the ledger
//! contract's column name.

use chrono::NaiveDate;

use crate::Invalid;

/// One field of a record kind: its code (form name, JSON key, the `field` of
/// an error) and its Chinese name (the ledger contract's column, the label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub code: &'static str,
    pub label: &'static str,
}

/// The Chinese name of field `code` in `fields` (the code itself when the
/// table doesn't hold it, which a test of each table rules out).
pub fn label_of(fields: &[Field], code: &str) -> &'static str {
    fields
        .iter()
        .find(|f| f.code == code)
        .map_or("", |f| f.label)
}

/// The code of the field whose Chinese name is `label`.
pub fn code_of(fields: &[Field], label: &str) -> Option<&'static str> {
    fields.iter().find(|f| f.label == label).map(|f| f.code)
}

/// A kind or status made by `labelled_enum!`: what [`Check::pick`] needs to
/// read one from its code or its Chinese label, and to list the labels.
pub trait Labelled: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
    fn from_label(label: &str) -> Option<Self>;

    /// The variant given by its code or its label.
    fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::from_code(t).or_else(|| Self::from_label(t))
    }
}

/// Proof that a checked input went through its draft's `validate`: only
/// this crate can make one, so a writer taking the input can't be handed
/// values that skipped the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked(pub(crate) ());

/// Collects every problem of one draft, field by field.
pub struct Check {
    fields: &'static [Field],
    invalid: Invalid,
}

impl Check {
    pub fn new(fields: &'static [Field]) -> Check {
        Check {
            fields,
            invalid: Invalid::new(),
        }
    }

    fn label(&self, code: &str) -> &'static str {
        label_of(self.fields, code)
    }

    /// Records a problem of `code`; `message` is a whole sentence.
    pub fn push(&mut self, code: &str, message: impl Into<String>) {
        self.invalid.push(code, message);
    }

    /// Records a problem of `code` as "{its name}{what}" (`不能为空` …).
    pub fn fault(&mut self, code: &str, what: impl std::fmt::Display) {
        let label = self.label(code);
        self.invalid.push(code, format!("{label}{what}"));
    }

    /// True while nothing is wrong with `code`.
    pub fn is_clear(&self, code: &str) -> bool {
        self.invalid.message_for(code).is_none()
    }

    /// Optional text: trimmed, None when blank; refused when longer than
    /// `max` characters or when it holds control characters.
    pub fn text(&mut self, code: &str, raw: &str, max: usize) -> Option<String> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        if let Err(why) = crate::text::check_plain(t) {
            self.fault(code, why);
            return None;
        }
        if t.chars().count() > max {
            self.fault(code, format!("不能超过{max}个字"));
            return None;
        }
        Some(t.to_string())
    }

    /// Text that must be given.
    pub fn required(&mut self, code: &str, raw: &str, max: usize) -> Option<String> {
        if raw.trim().is_empty() {
            self.fault(code, "不能为空");
            return None;
        }
        self.text(code, raw, max)
    }

    /// An optional date, in any form `domain::date` reads, within 1900–2100.
    pub fn date(&mut self, code: &str, raw: &str) -> Option<NaiveDate> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        match crate::date::parse_date(t) {
            Ok(d) => Some(d),
            Err(why) => {
                self.fault(code, format!("：{why}"));
                None
            }
        }
    }

    /// A date that must be given.
    pub fn required_date(&mut self, code: &str, raw: &str) -> Option<NaiveDate> {
        if raw.trim().is_empty() {
            self.fault(code, "不能为空（例：2020-07-08）");
            return None;
        }
        self.date(code, raw)
    }

    /// An optional whole number in `0..=max` (`1,200` and `220.0` read as
    /// spreadsheets write them).
    pub fn count(&mut self, code: &str, raw: &str, max: i64) -> Option<i64> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        match parse_count(t) {
            Some(n) if (0..=max).contains(&n) => Some(n),
            _ => {
                self.fault(code, format!("应为0到{}之间的整数", bound_text(max)));
                None
            }
        }
    }

    /// An optional value of a labelled enum given by its code or its Chinese
    /// label; an unknown value lists the labels accepted.
    pub fn choice<T: Copy>(
        &mut self,
        code: &str,
        raw: &str,
        parse: impl Fn(&str) -> Option<T>,
        labels: impl Iterator<Item = &'static str>,
    ) -> Option<T> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        match parse(t) {
            Some(v) => Some(v),
            None => {
                let options: Vec<&str> = labels.collect();
                self.fault(code, format!("「{t}」无效，可选：{}", options.join("、")));
                None
            }
        }
    }

    /// A choice that must be made.
    pub fn required_choice<T: Copy>(
        &mut self,
        code: &str,
        raw: &str,
        parse: impl Fn(&str) -> Option<T>,
        labels: impl Iterator<Item = &'static str>,
    ) -> Option<T> {
        if raw.trim().is_empty() {
            let label = self.label(code);
            self.push(code, format!("请选择{label}"));
            return None;
        }
        self.choice(code, raw, parse, labels)
    }

    /// An optional value of labelled enum `T`, by code or label.
    pub fn pick<T: Labelled>(&mut self, code: &str, raw: &str) -> Option<T> {
        self.choice(code, raw, T::parse, T::ALL.iter().map(|v| v.label()))
    }

    /// A value of `T` that must be chosen.
    pub fn required_pick<T: Labelled>(&mut self, code: &str, raw: &str) -> Option<T> {
        self.required_choice(code, raw, T::parse, T::ALL.iter().map(|v| v.label()))
    }

    /// A 身份证号 that must be given and must pass every check of
    /// [`crate::idcard::IdNumber::parse_as_of`].
    pub fn id_number(
        &mut self,
        code: &str,
        raw: &str,
        today: NaiveDate,
    ) -> Option<crate::idcard::IdNumber> {
        if raw.trim().is_empty() {
            self.fault(code, "不能为空");
            return None;
        }
        match crate::idcard::IdNumber::parse_as_of(raw, today) {
            Ok(id) => Some(id),
            Err(why) => {
                self.push(code, why);
                None
            }
        }
    }

    /// An optional phone number (mobile or landline).
    pub fn phone(&mut self, code: &str, raw: &str) -> Option<crate::phone::Phone> {
        if raw.trim().is_empty() {
            return None;
        }
        match crate::phone::Phone::parse(raw) {
            Ok(p) => Some(p),
            Err(why) => {
                self.push(code, why);
                None
            }
        }
    }

    /// An optional date that can't be after `today` (a founding, an opening).
    pub fn past_date(&mut self, code: &str, raw: &str, today: NaiveDate) -> Option<NaiveDate> {
        let d = self.date(code, raw)?;
        if d > today {
            self.fault(code, "不能晚于今天");
            return None;
        }
        Some(d)
    }

    /// A code typed by a user (an org code, an activity number): no spaces
    /// inside.
    pub fn key(&mut self, code: &str, raw: &str, max: usize) -> Option<String> {
        let t = self.text(code, raw, max)?;
        if t.chars().any(char::is_whitespace) {
            self.fault(code, "不能含有空格");
            return None;
        }
        Some(t)
    }

    /// A code that must be given.
    pub fn required_key(&mut self, code: &str, raw: &str, max: usize) -> Option<String> {
        if raw.trim().is_empty() {
            self.fault(code, "不能为空");
            return None;
        }
        self.key(code, raw, max)
    }

    /// A list of short texts: blanks dropped, at most `max_items` of at most
    /// `max_chars` characters each.
    pub fn list(
        &mut self,
        code: &str,
        items: &[String],
        max_items: usize,
        max_chars: usize,
    ) -> Vec<String> {
        let items: Vec<String> = items
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if items.len() > max_items || items.iter().any(|s| s.chars().count() > max_chars) {
            self.fault(
                code,
                format!("最多{max_items}项，每项不超过{max_chars}个字"),
            );
            return Vec::new();
        }
        for s in &items {
            if let Err(why) = crate::text::check_plain(s) {
                self.fault(code, why);
                return Vec::new();
            }
        }
        items
    }

    /// Ok when nothing was wrong.
    pub fn finish(self) -> Result<(), Invalid> {
        self.invalid.into_result()
    }
}

/// Splits a typed list on `;` `；` `、` `,` `，` and line breaks (how people
/// write several partners or materials in one box or cell).
pub fn split_list(text: &str) -> Vec<String> {
    text.split([';', '；', '、', ',', '，', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A bound as a message says it: `1000万`, `500`.
fn bound_text(n: i64) -> String {
    if n >= 10_000 && n % 10_000 == 0 {
        format!("{}万", n / 10_000)
    } else {
        n.to_string()
    }
}

/// A whole number as people and spreadsheets write it: `1200`, `1,200`,
/// `1，200`, `220.0`.
fn parse_count(t: &str) -> Option<i64> {
    let t: String = t
        .chars()
        .map(crate::search::half_width_char)
        .filter(|c| *c != ',')
        .collect();
    let t = match t.split_once('.') {
        Some((whole, frac)) if !frac.is_empty() && frac.chars().all(|c| c == '0') => {
            whole.to_string()
        }
        Some(_) => return None,
        None => t,
    };
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        Field {
            code: "name",
            label: "活动名称",
        },
        Field {
            code: "head_count",
            label: "参与人数",
        },
    ];

    #[test]
    fn messages_name_the_field_by_its_contract_column() {
        let mut c = Check::new(FIELDS);
        assert_eq!(c.required("name", "  ", 10), None);
        assert_eq!(c.count("head_count", "-3", 100), None);
        let inv = c.finish().unwrap_err();
        assert_eq!(inv.message_for("name"), Some("活动名称不能为空"));
        assert_eq!(
            inv.message_for("head_count"),
            Some("参与人数应为0到100之间的整数")
        );
    }

    #[test]
    fn counts_are_read_as_spreadsheets_write_them() {
        let mut c = Check::new(FIELDS);
        assert_eq!(c.count("head_count", "1,200", 10_000), Some(1200));
        assert_eq!(c.count("head_count", "220.0", 10_000), Some(220));
        assert_eq!(c.count("head_count", "２２", 10_000), Some(22));
        assert_eq!(c.count("head_count", "2.5", 10_000), None);
        assert_eq!(c.count("head_count", "abc", 10_000), None);
    }

    #[test]
    fn text_is_trimmed_bounded_and_plain() {
        let mut c = Check::new(FIELDS);
        assert_eq!(c.text("name", " 讲座 ", 10), Some("讲座".into()));
        assert_eq!(c.text("name", "", 10), None);
        assert!(c.is_clear("name"));
        assert_eq!(c.text("name", "讲\u{0}座", 10), None);
        assert!(!c.is_clear("name"));
        assert!(c.finish().unwrap_err().errors[0].message.contains("U+0000"));
    }
}
