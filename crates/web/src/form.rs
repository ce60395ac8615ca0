//! Form helpers: field errors shown next to their field, input kept on error.

use std::collections::HashMap;

use db::DbError;
use domain::Invalid;

/// Field → Chinese message, for templates (`errors.get("name")`).
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    map: HashMap<String, String>,
    /// An error not tied to one field (shown above the form).
    pub general: Option<String>,
}

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.map.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty() && self.general.is_none()
    }

    pub fn set(&mut self, field: &str, message: impl Into<String>) {
        self.map.insert(field.into(), message.into());
    }

    pub fn general(message: impl Into<String>) -> Self {
        FormErrors {
            map: HashMap::new(),
            general: Some(message.into()),
        }
    }

    /// A repository error as form errors; `Err` when it isn't about the input
    /// (not found, database fault) and should become an error page.
    pub fn from_db(e: DbError) -> Result<FormErrors, crate::error::PageError> {
        match e {
            DbError::Invalid(inv) => Ok(FormErrors::from(inv)),
            DbError::Conflict(m) | DbError::Forbidden(m) => Ok(FormErrors::general(m)),
            e => Err(e.into()),
        }
    }
}

impl From<Invalid> for FormErrors {
    fn from(inv: Invalid) -> Self {
        let mut f = FormErrors::default();
        for e in inv.errors {
            f.map.entry(e.field).or_insert(e.message);
        }
        f
    }
}

/// Empty form strings become None.
pub fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}
