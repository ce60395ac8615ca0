//! One form page for every form of the area: handlers describe their fields
//! (label, control, value, hint) and the template lays them out the same way,
//! with the error next to its field and the user's input kept.

use chrono::NaiveDate;
use db::entity::org;

use crate::form::FormErrors;

pub use crate::html::kit::form::{Field, Opt};

pub use crate::html::kit::form::FormPage;

/// The trail of a form of the org area: 组织, then these orgs (code, name).
pub fn trail(orgs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once(("/orgs".to_string(), "组织".to_string()))
        .chain(
            orgs.into_iter()
                .map(|(code, name)| (format!("/orgs/{code}"), name)),
        )
        .collect()
}

/// Breadcrumbs for a form about `o`: its visible ancestors, then itself.
pub fn crumbs_of(ancestors: &[org::Model], o: &org::Model) -> Vec<(String, String)> {
    trail(
        ancestors
            .iter()
            .chain(std::iter::once(o))
            .map(|a| (a.code.clone(), a.name.clone())),
    )
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
