//! An activity on file as the form's values, for users who record for its
//! org: 404 when she can't see it, 403 when she only reads it. The form
//! itself, and its one write path, are [`super::form`]'s.

use db::activity;
use domain::activity::ActivityStatus;

use super::form::ActivityForm;
use crate::{
    AppState,
    auth::CurrentUser,
    error::{PageError, PageResult},
};

/// What the form keeps of an activity on file.
pub struct Existing {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The status its draft carries (see [`editable`]).
    pub status: ActivityStatus,
}

pub fn parse_id(s: &str) -> PageResult<i64> {
    s.parse().map_err(|_| PageError::not_found())
}

/// The activity if the caller may change it, with its form values.
pub async fn editable(
    state: &AppState,
    cu: &CurrentUser,
    id: i64,
) -> PageResult<(Existing, ActivityForm)> {
    let c = &state.db.conn;
    // Seeing it first: another township's activity is "not found", not "forbidden".
    let (a, o, p) = activity::get(c, &cu.ctx, id).await?;
    activity::get_capturable(c, &cu.ctx, id).await?;
    let materials = activity::materials(c, id).await?;
    let form = ActivityForm {
        name: a.name.clone(),
        kind: a.kind.clone(),
        programme: p.map(|p| p.name).unwrap_or_default(),
        org_code: o.code.clone(),
        start_date: a.start_date.to_string(),
        end_date: if a.end_date > a.start_date {
            a.end_date.to_string()
        } else {
            String::new()
        },
        online: a.online,
        place: a.place.clone().unwrap_or_default(),
        partners: a.partners.clone().unwrap_or_default(),
        units_reached: a.units_reached.map(|n| n.to_string()).unwrap_or_default(),
        head_count: a.head_count.map(|n| n.to_string()).unwrap_or_default(),
        materials: materials
            .iter()
            .map(|m| format!("{}:{}", m.name, m.quantity))
            .collect::<Vec<_>>()
            .join("；"),
        summary: a.summary.clone().unwrap_or_default(),
        caption: String::new(),
    };
    // A cancelled activity's fields can still be corrected; it stays
    // cancelled (the repository keeps that status until 恢复).
    let status = match ActivityStatus::from_code(&a.status) {
        Some(ActivityStatus::Cancelled) => ActivityStatus::Planned,
        Some(s) => s,
        None => ActivityStatus::Done,
    };
    Ok((
        Existing {
            id,
            code: a.code,
            name: a.name,
            status,
        },
        form,
    ))
}
