//! The home page's 待办: each area declares its to-dos (`domain::area`) and
//! registers here how one is counted for the caller's scope. A to-do is shown
//! only to those holding its right, and only when something is pending.

use std::{future::Future, pin::Pin};

use domain::area::Todo;

use crate::{AppState, auth::CurrentUser, error::PageResult};

/// One pending item: "{count}{label}", linking to where it is done.
pub struct TodoLine {
    pub count: u64,
    pub label: &'static str,
    pub href: String,
}

type Counted<'a> = Pin<Box<dyn Future<Output = PageResult<(u64, String)>> + Send + 'a>>;
/// Counts a to-do for the caller: (how many, the link to them).
pub type Counter = for<'a> fn(&'a AppState, &'a CurrentUser, &'static Todo) -> Counted<'a>;

/// Every to-do's counter, by key: one line per area.
pub const COUNTERS: &[(&str, Counter)] = &[("activity_overdue", |s, cu, t| {
    Box::pin(super::activity::todo::overdue(s, cu, t))
})];

/// The caller's pending to-dos, in the areas' order.
pub async fn pending(state: &AppState, cu: &CurrentUser) -> PageResult<Vec<TodoLine>> {
    let mut out = Vec::new();
    for t in domain::area::todos() {
        if !cu.ctx.scope.allows(t.module, t.permission) {
            continue;
        }
        let Some((_, count)) = COUNTERS.iter().find(|(k, _)| *k == t.key) else {
            continue;
        };
        let (n, href) = count(state, cu, t).await?;
        if n > 0 {
            out.push(TodoLine {
                count: n,
                label: t.label,
                href,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_declared_to_do_has_a_counter() {
        for t in domain::area::todos() {
            assert!(
                super::COUNTERS.iter().any(|(k, _)| *k == t.key),
                "to-do {} is counted nowhere",
                t.key
            );
        }
    }
}
