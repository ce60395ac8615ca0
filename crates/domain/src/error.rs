//! Validation errors collected per field, with Chinese messages for users.

use std::fmt;

/// One problem with one input field. `field` is the Chinese field name shown
/// to users (e.g. "身份证号"), `message` a complete Chinese sentence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Field name as shown to the user.
    pub field: String,
    /// What is wrong with it, in Simplified Chinese.
    pub message: String,
}

/// A set of field errors. Empty means "valid".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Invalid {
    /// The errors, in the order they were found.
    pub errors: Vec<FieldError>,
}

impl Invalid {
    /// An empty set of errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set holding exactly one error.
    pub fn single(field: &str, message: impl Into<String>) -> Invalid {
        let mut invalid = Invalid::new();
        invalid.push(field, message);
        invalid
    }

    /// Records an error for `field`.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// True when no error has been recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Records `Err(msg)` under `field` and returns the `Ok` value as an Option,
    /// so a form can be checked field by field and all problems reported at once.
    pub fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(value) => Some(value),
            Err(message) => {
                self.push(field, message);
                None
            }
        }
    }

    /// The first message recorded for `field`, if any (for form rendering).
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `Ok(())` when empty, otherwise `Err(self)`.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for Invalid {
    /// Renders as "字段：消息；字段：消息".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            write!(f, "{}：{}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_records_errors_and_passes_values_through() {
        let mut inv = Invalid::new();
        assert_eq!(inv.check("姓名", Ok::<_, String>(3)), Some(3));
        assert_eq!(
            inv.check::<i32>("手机号", Err("手机号格式不正确".into())),
            None
        );
        assert!(!inv.is_empty());
        assert_eq!(inv.message_for("手机号"), Some("手机号格式不正确"));
        assert_eq!(inv.message_for("姓名"), None);
    }

    #[test]
    fn display_joins_field_and_message_with_chinese_punctuation() {
        let mut inv = Invalid::single("姓名", "姓名为空");
        inv.push("金额", "金额格式不正确：abc");
        assert_eq!(inv.to_string(), "姓名：姓名为空；金额：金额格式不正确：abc");
    }

    #[test]
    fn empty_set_converts_to_ok_and_nonempty_to_err() {
        assert_eq!(Invalid::new().into_result(), Ok(()));
        let err = Invalid::single("x", "y").into_result().unwrap_err();
        assert_eq!(err.errors.len(), 1);
    }
}
