//! New orgs of a ledger written a few statements at a time: the 组织 sheet of
//! a county names ~200 orgs, and creating them one by one took ~10 round
//! trips each (lookups, savepoint, insert, path, history, audit).

use domain::access::{Module, Permission};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    sea_query::{CaseStatement, Expr},
};

use super::{
    OrgInput, created as created_change, first_placement, fits_parent, new_row, path_under,
};
use crate::{
    Ctx, DbResult,
    batch::{self, Rows},
    entity::org,
    time::now,
};

/// Whether [`super::create`] would accept `input` under `parent` (already
/// looked up): the caller may write, may record under the parent, and the
/// fields pass the same checks. Rows that pass can go in [`create_many`];
/// the others take the one-row path, which names their error.
pub fn creatable(ctx: &Ctx, input: &OrgInput, parent: &org::Model) -> bool {
    ctx.scope.allows(Module::Org, Permission::Read)
        && ctx.scope.allows(Module::Org, Permission::Write)
        && ctx.scope.can_view_path(&parent.path)
        && ctx.scope.can_capture_path(&parent.path)
        && fits_parent(input, Some(parent)).is_ok()
}

/// Creates orgs whose codes are not on file, each under its parent (on file,
/// and [`creatable`] checked): the same rows, history and audit as
/// [`super::create`] for each, in a few statements for them all.
pub async fn create_many(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    new: &[(OrgInput, &org::Model)],
) -> DbResult<Vec<org::Model>> {
    ctx.require(Module::Org, Permission::Write)?;
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let t = now();
    let parents: std::collections::HashMap<i64, &org::Model> =
        new.iter().map(|(_, p)| (p.id, *p)).collect();
    let rows: Vec<org::ActiveModel> = new
        .iter()
        .map(|(input, parent)| new_row(input, Some(parent), t))
        .collect();
    // The path holds the org's own id, known once the row is in.
    let mut created = batch::insert_returning(c, Rows::Wide, rows).await?;
    for o in &mut created {
        o.path = path_under(o.parent_id.and_then(|p| parents.get(&p).copied()), o.id);
    }
    for chunk in created.chunks(batch::size(c, Rows::Narrow)) {
        let mut paths = CaseStatement::new();
        for o in chunk {
            paths = paths.case(org::Column::Id.eq(o.id), o.path.clone());
        }
        org::Entity::update_many()
            .col_expr(
                org::Column::Path,
                paths.finally(Expr::col(org::Column::Path)).into(),
            )
            .filter(org::Column::Id.is_in(chunk.iter().map(|o| o.id)))
            .exec(c)
            .await?;
    }
    batch::insert_all(c, Rows::Narrow, created.iter().map(first_placement)).await?;
    let changes = created.iter().map(created_change).collect();
    crate::audit::write_many(c, ctx, changes).await?;
    Ok(created)
}
