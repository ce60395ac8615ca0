//! The activity area's to-do: planned activities whose day has passed, to be
//! recorded as held (修改) or cancelled (取消).

use db::activity::{self, ActivityQuery};
use domain::{activity::ActivityStatus, area::Todo};

use crate::{AppState, auth::CurrentUser, error::PageResult};

pub async fn overdue(
    state: &AppState,
    cu: &CurrentUser,
    todo: &'static Todo,
) -> PageResult<(u64, String)> {
    let yesterday = domain::date::today_beijing().pred_opt().unwrap_or_default();
    let query = ActivityQuery {
        status: Some(ActivityStatus::Planned.code().into()),
        to: Some(yesterday),
        ..Default::default()
    };
    // The list's cached ids: the count costs what a page of the list costs.
    let (_, total) = activity::list(&state.db, &cu.ctx, &query, 1, 1).await?;
    Ok((total, format!("{}&to={yesterday}", todo.href)))
}
