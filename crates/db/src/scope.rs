//! The one place where a caller's org subtree becomes a SQL condition.
//! Every scoped finder filters with [`view_condition`] or [`capture_condition`].

use domain::access::Scope;
use sea_orm::{
    EntityTrait, RelationDef,
    sea_query::{Condition, Expr, ExprTrait, IntoColumnRef, LikeExpr, SimpleExpr},
};

use crate::entity::org;

fn roots_condition<C: IntoColumnRef + Clone>(roots: &[String], path_col: C) -> Condition {
    let mut any = Condition::any();
    for root in roots {
        // Paths hold only digits and '/', so no LIKE escaping is needed.
        any = any.add(Expr::col(path_col.clone()).like(format!("{root}%")));
    }
    if roots.is_empty() {
        // No roots: nothing is visible.
        any = any.add(Expr::val(1).eq(Expr::val(0)));
    }
    any
}

/// Rows whose org path lies under one of the caller's view (or capture) roots.
pub fn view_condition<C: IntoColumnRef + Clone>(scope: &Scope, path_col: C) -> Condition {
    if scope.operator {
        return Condition::all();
    }
    let mut roots = scope.view_roots.clone();
    roots.extend(scope.capture_roots.iter().cloned());
    roots_condition(&roots, path_col)
}

/// What a scoped read depends on, as text (cache keys): the same key means
/// the same rows visible.
pub fn key(scope: &Scope) -> String {
    let mut roots: Vec<&str> = scope
        .view_roots
        .iter()
        .chain(&scope.capture_roots)
        .map(String::as_str)
        .collect();
    roots.sort_unstable();
    roots.dedup();
    format!("{}|{roots:?}", scope.operator)
}

/// Rows the caller may change.
pub fn capture_condition<C: IntoColumnRef + Clone>(scope: &Scope, path_col: C) -> Condition {
    if scope.operator {
        return Condition::all();
    }
    roots_condition(&scope.capture_roots, path_col)
}

/// Join from a table holding `org_id` to `org`, so a scoped finder can filter on
/// `org.path`.
pub fn org_join<E: EntityTrait>(_from: E, org_id_col: E::Column) -> RelationDef {
    E::belongs_to(org::Entity)
        .from(org_id_col)
        .to(org::Column::Id)
        .into()
}

/// [`contains_text`], and on PostgreSQL first the rows holding every character
/// of `needle`, from the index of `search_text` characters (migration m0007):
/// the same rows, found without reading the whole table.
pub fn contains_text_on<C: sea_orm::ColumnTrait>(
    backend: sea_orm::DbBackend,
    col: C,
    needle: &str,
) -> Condition {
    let like = Condition::all().add(contains_text(col, needle));
    if backend != sea_orm::DbBackend::Postgres {
        return like;
    }
    // Written as the index is, so the planner matches the two.
    let held = Expr::cust_with_values(
        format!(
            "string_to_array(\"{}\".\"{}\", NULL) @> string_to_array($1, NULL)",
            col.entity_name(),
            col.as_str(),
        ),
        [needle],
    );
    like.add(held)
}

/// `col LIKE '%needle%'` with the user's `%`, `_` and `\` taken literally, so a
/// search for "%" finds a percent sign instead of every row.
pub fn contains_text<C: sea_orm::ColumnTrait>(col: C, needle: &str) -> SimpleExpr {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    // Qualified with its table: list queries join `org`, which has the same column names.
    Expr::col(col.as_column_ref()).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Accounts the caller may administer: every root of the account (at least
/// one) lies in the caller's capture subtrees. In SQL, so that a province's
/// thousands of accounts are filtered and paged by the database.
pub fn manageable_users_condition(scope: &Scope) -> Condition {
    use sea_orm::{ColumnTrait, sea_query::Query};

    use crate::entity::{app_user, user_root};
    if scope.operator {
        return Condition::all();
    }
    let with_root = Query::select()
        .column(user_root::Column::UserId)
        .from(user_root::Entity)
        .to_owned();
    let outside = Query::select()
        .column((user_root::Entity, user_root::Column::UserId))
        .from(user_root::Entity)
        .inner_join(
            org::Entity,
            Expr::col((org::Entity, org::Column::Id))
                .equals((user_root::Entity, user_root::Column::OrgId)),
        )
        .cond_where(capture_condition(scope, (org::Entity, org::Column::Path)).not())
        .to_owned();
    Condition::all()
        .add(app_user::Column::Id.in_subquery(with_root))
        .add(app_user::Column::Id.not_in_subquery(outside))
}
