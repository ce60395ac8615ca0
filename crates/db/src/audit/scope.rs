//! Which audit rows a reader may see: the same subtrees as the records they
//! describe. An auditor rooted in a township reads her township's trail, not
//! the county's.
//!
//! - A change row with an org is visible when that org is in view.
//! - A row about an account (`user`, no org) follows the account: visible when
//!   one of its roots is in view.
//! - Any other row without an org (a workbook import, a token) follows the
//!   account that wrote it.
//! - What no account wrote and no in-view account is about (the CLI
//!   operator, a sign-in under an unknown name) is for readers holding a
//!   top-level org, who see the whole tree anyway.
//! - A plaintext view (access log) follows its record: a person by the org she
//!   belongs to, a ledger export by the org exported; others by the reader.

use domain::access::Scope;
use sea_orm::{
    ColumnTrait,
    sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement},
};

use crate::{
    entity::{access_log, app_user, audit_log, org, person, user_root},
    scope::view_condition,
};

/// Ids of the orgs in view.
fn orgs_in_view(scope: &Scope) -> SelectStatement {
    Query::select()
        .column((org::Entity, org::Column::Id))
        .from(org::Entity)
        .cond_where(view_condition(scope, (org::Entity, org::Column::Path)))
        .to_owned()
}

/// Ids of the accounts holding a root in view.
fn accounts_in_view(scope: &Scope) -> SelectStatement {
    Query::select()
        .column((user_root::Entity, user_root::Column::UserId))
        .from(user_root::Entity)
        .cond_where(user_root::Column::OrgId.in_subquery(orgs_in_view(scope)))
        .to_owned()
}

/// Login names of the accounts holding a root in view.
fn usernames_in_view(scope: &Scope) -> SelectStatement {
    Query::select()
        .column((app_user::Entity, app_user::Column::Username))
        .from(app_user::Entity)
        .cond_where(app_user::Column::Id.in_subquery(accounts_in_view(scope)))
        .to_owned()
}

/// True when one of the reader's roots is a top-level org (`/1/`): she sees
/// the whole tree, so rows tied to no org and no account are hers too.
pub fn holds_whole_tree(scope: &Scope) -> bool {
    scope.operator
        || scope
            .view_roots
            .iter()
            .chain(&scope.capture_roots)
            .any(|r| {
                let r = r.trim_matches('/');
                !r.is_empty() && !r.contains('/')
            })
}

/// The change rows (`audit_log`) the reader may see.
pub fn changes(scope: &Scope) -> Condition {
    use audit_log::Column as A;
    if scope.operator {
        return Condition::all();
    }
    let mut any = Condition::any()
        .add(A::OrgId.in_subquery(orgs_in_view(scope)))
        .add(
            Condition::all()
                .add(A::OrgId.is_null())
                .add(A::Entity.eq("user"))
                .add(A::EntityId.in_subquery(usernames_in_view(scope))),
        )
        .add(
            Condition::all()
                .add(A::OrgId.is_null())
                .add(A::Entity.ne("user"))
                .add(A::ActorId.in_subquery(accounts_in_view(scope))),
        );
    if holds_whole_tree(scope) {
        any = any.add(
            Condition::all()
                .add(A::OrgId.is_null())
                .add(A::ActorId.is_null()),
        );
    }
    any
}

/// The plaintext-view rows (`access_log`) the reader may see.
pub fn views(scope: &Scope) -> Condition {
    use access_log::Column as V;
    if scope.operator {
        return Condition::all();
    }
    // entity_id is text; compared as text on both backends.
    let people_in_view = Query::select()
        .expr(Expr::col((person::Entity, person::Column::Id)).cast_as("TEXT"))
        .from(person::Entity)
        .cond_where(person::Column::OrgId.in_subquery(orgs_in_view(scope)))
        .to_owned();
    let codes_in_view = Query::select()
        .column((org::Entity, org::Column::Code))
        .from(org::Entity)
        .cond_where(view_condition(scope, (org::Entity, org::Column::Path)))
        .to_owned();
    let mut any = Condition::any()
        .add(
            Condition::all()
                .add(V::Entity.eq("person"))
                .add(V::EntityId.in_subquery(people_in_view)),
        )
        .add(
            Condition::all()
                .add(V::Entity.eq("ledger_export"))
                .add(V::EntityId.in_subquery(codes_in_view)),
        )
        .add(
            Condition::all()
                .add(V::Entity.is_not_in(["person", "ledger_export"]))
                .add(V::ActorId.in_subquery(accounts_in_view(scope))),
        );
    if holds_whole_tree(scope) {
        any = any.add(
            Condition::all()
                .add(V::Entity.is_not_in(["person", "ledger_export"]))
                .add(V::ActorId.is_null()),
        );
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(roots: &[&str]) -> Scope {
        Scope {
            user_id: Some(1),
            username: "a".into(),
            grants: Default::default(),
            view_roots: roots.iter().map(|r| r.to_string()).collect(),
            capture_roots: Vec::new(),
            operator: false,
        }
    }

    #[test]
    fn only_a_top_level_root_holds_the_whole_tree() {
        assert!(holds_whole_tree(&scope(&["/1/"])));
        assert!(!holds_whole_tree(&scope(&["/1/5/"])));
        assert!(!holds_whole_tree(&scope(&[])));
        assert!(holds_whole_tree(&Scope::operator()));
    }
}
