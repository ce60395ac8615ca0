//! Form helpers: field errors shown next to their field, input kept on error.

use std::collections::HashMap;

use db::{
    DbError,
    entity::org,
    sea_orm::{DatabaseTransaction, TransactionTrait},
};
use domain::Invalid;

use crate::{AppState, error::PageResult};

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

    /// Every (field, message), in field order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut all: Vec<(&str, &str)> = self
            .map
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        all.sort_unstable();
        all.into_iter()
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

/// A form body as name/value pairs: checkbox groups and multi-selects repeat
/// a name, which `Form<Struct>` (serde_urlencoded) cannot hold.
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The first value of `key`, trimmed ("" when absent).
    pub fn one(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    /// Every non-empty value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

/// Opens a transaction so a change and its audit row commit together.
pub async fn begin(state: &AppState) -> PageResult<DatabaseTransaction> {
    Ok(state.db.conn.begin().await.map_err(DbError::from)?)
}

pub async fn commit(txn: DatabaseTransaction) -> PageResult<()> {
    Ok(txn.commit().await.map_err(DbError::from)?)
}

/// An org in a picker, indented by depth so the tree reads in a flat list.
pub struct OrgOption {
    pub code: String,
    pub label: String,
}

pub fn org_options(orgs: &[org::Model]) -> Vec<OrgOption> {
    let top = orgs.iter().map(|o| o.depth).min().unwrap_or(0);
    orgs.iter()
        .map(|o| OrgOption {
            code: o.code.clone(),
            label: format!("{}{}", "　".repeat((o.depth - top).max(0) as usize), o.name),
        })
        .collect()
}

/// A multipart text field as read, refused (naming the field) when it holds
/// NUL or another control character: the one check of the input guard that
/// multipart bodies, read by their handlers, need too.
pub fn plain_text(field: &str, text: String) -> Result<String, DbError> {
    domain::text::check_plain(&text).map_err(|m| DbError::invalid(field, m))?;
    Ok(text)
}
