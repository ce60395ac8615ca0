//! One form page for every form of the area: handlers describe their fields
//! (label, control, value, hint) and the template lays them out the same way,
//! with the error next to its field and the user's input kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use db::{DbError, entity::org};

use super::super::Layout;
use crate::{error::PageResult, form::FormErrors};

pub use crate::html::kit::form::{Control, Field, Opt};

/// A form page of the org area.
#[derive(Template, WebTemplate)]
#[template(path = "org/form.html")]
pub struct FormPage {
    pub layout: Layout,
    /// Breadcrumb trail (links), the last one being the org the form is about.
    pub crumbs: Vec<(String, String)>,
    pub heading: String,
    /// Read-only facts shown above the fields (`dt`, `dd`).
    pub facts: Vec<(&'static str, String)>,
    pub action: String,
    pub fields: Vec<Field>,
    pub general: Option<String>,
    pub submit: &'static str,
    pub cancel: String,
}

impl FormPage {
    /// Attaches `errors` to their fields; an error for a field the form does
    /// not show goes above the form so it is never lost.
    pub fn with_errors(mut self, errors: &FormErrors) -> FormPage {
        for f in &mut self.fields {
            f.error = errors.get(f.name).map(String::from);
        }
        self.general = errors.general.clone();
        self
    }

    /// 400 when the form carries errors, 200 otherwise.
    pub fn respond(self) -> Response {
        let bad = self.general.is_some() || self.fields.iter().any(|f| f.error.is_some());
        if bad {
            (StatusCode::BAD_REQUEST, self).into_response()
        } else {
            self.into_response()
        }
    }
}

/// Breadcrumbs for a form about `o`: its visible ancestors, then itself.
pub fn crumbs_of(ancestors: &[org::Model], o: &org::Model) -> Vec<(String, String)> {
    ancestors
        .iter()
        .chain(std::iter::once(o))
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect()
}

/// A repository error as form errors. Field errors naming a field of this form
/// stay next to it; others (e.g. a person's home org) are shown above the form.
/// Not-found and database faults become an error page.
pub fn form_errors(e: DbError, known: &[&str]) -> PageResult<FormErrors> {
    match e {
        DbError::Invalid(inv) => {
            let mut out = FormErrors::default();
            let mut other = Vec::new();
            for fe in inv.errors {
                if known.contains(&fe.field.as_str()) {
                    if !out.has(&fe.field) {
                        out.set(&fe.field, fe.message);
                    }
                } else {
                    other.push(fe.message);
                }
            }
            if !other.is_empty() {
                out.general = Some(other.join("；"));
            }
            Ok(out)
        }
        e => FormErrors::from_db(e),
    }
}

/// Parses an optional date field; a bad one is reported under `field`.
pub fn opt_date(
    errors: &mut FormErrors,
    field: &str,
    label: &str,
    value: &str,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    match domain::date::parse_date(v) {
        Ok(d) => Some(d),
        Err(m) => {
            errors.set(field, format!("{label}：{m}"));
            None
        }
    }
}

/// Parses a required date field.
pub fn req_date(
    errors: &mut FormErrors,
    field: &str,
    label: &str,
    value: &str,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.set(field, format!("请填写{label}"));
        return None;
    }
    opt_date(errors, field, label, value)
}

/// Today in Beijing as `YYYY-MM-DD`, the default of date fields.
pub fn today() -> String {
    db::time::today_beijing().to_string()
}
