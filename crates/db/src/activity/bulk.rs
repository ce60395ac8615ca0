//! The 活动 sheet registered in bulk: [`super::upsert`]'s checks, outcomes and
//! audit rows, with multi-row statements for new activities (a county-year
//! has ~5,000) instead of ten round trips each.

use domain::audit::{AuditAction, AuditEntity};
use std::collections::{HashMap, HashSet};

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::{ActivityInput, clean, fill, programme, upsert};
use crate::{
    Ctx, DbError, DbResult,
    audit::{Change, write_many},
    entity::{activity, activity_material},
    org::refs::OrgRefs,
    time::now,
};

/// One input's outcome once known: its activity id (none in a dry run) and
/// whether it was new.
type Outcome = Option<DbResult<(Option<i64>, bool)>>;

/// Registers or updates each input (all carry a 活动编号), in order, as
/// [`upsert`] would; returns each line's activity id and whether it was new.
/// Activities already on file (and a code repeated in the batch) take the
/// one-row path. With `write` false nothing is written and ids are `None`.
pub async fn upsert_many(
    c: &sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    inputs: &[ActivityInput],
    write: bool,
) -> DbResult<Vec<DbResult<(Option<i64>, bool)>>> {
    if let Err(DbError::Forbidden(m)) = ctx.require(Module::Activity, Permission::Write) {
        return Ok(inputs
            .iter()
            .map(|_| Err(DbError::Forbidden(m.clone())))
            .collect());
    }
    let code_of = |i: &ActivityInput| i.code.as_deref().map(str::trim).unwrap_or("").to_string();
    let orgs = {
        let codes: Vec<&str> = inputs.iter().map(|i| i.org_code.as_str()).collect();
        OrgRefs::load(c, &codes).await?
    };
    let codes: Vec<String> = inputs
        .iter()
        .map(code_of)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // The key is (org, code): another org's activity of the same code is
    // another activity.
    let mut on_file: HashSet<(i64, String)> = HashSet::new();
    for chunk in codes.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let found: Vec<(i64, String)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::OrgId)
            .column(activity::Column::Code)
            .filter(activity::Column::Code.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(c)
            .await?;
        on_file.extend(found);
    }

    let mut out: Vec<Outcome> = Vec::with_capacity(inputs.len());
    let mut later = Vec::new();
    let mut batch: HashSet<(i64, String)> = HashSet::new();
    let mut named = Vec::new();
    let mut new_rows: Vec<(usize, activity::ActiveModel)> = Vec::new();
    let t = now();
    for (n, input) in inputs.iter().enumerate() {
        let code = code_of(input);
        if code.is_empty() {
            out.push(Some(Err(DbError::invalid("code", "活动编号不能为空"))));
            continue;
        }
        let o = match orgs.capturable(ctx, &input.org_code, "org_code") {
            Ok(o) => o,
            Err(e) => {
                out.push(Some(Err(e)));
                continue;
            }
        };
        let key = (o.id, code.clone());
        if on_file.contains(&key) || !batch.insert(key) {
            later.push(n);
            out.push(None);
            continue;
        }
        let mut am = activity::ActiveModel {
            code: Set(code),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        };
        fill(&mut am, input, o.id, None, input.name.trim());
        if let Some(name) = clean(&input.programme) {
            named.push((n, o, name));
        }
        new_rows.push((n, am));
        out.push(Some(Ok((None, true))));
    }
    // Programmes named by the new rows, found or created all at once; a row
    // whose programme can't be had is that row's error.
    let wanted: Vec<_> = named
        .iter()
        .map(|(n, o, name)| (*o, name.clone(), inputs[*n].kind))
        .collect();
    let programmes = programme::resolve_many(c, ctx, &wanted).await?;
    let programme_of: HashMap<usize, &Result<i64, _>> = named
        .into_iter()
        .map(|(n, o, name)| (n, &programmes[&(o.id, name.trim().to_string())]))
        .collect();
    new_rows.retain_mut(|(n, am)| match programme_of.get(n) {
        Some(Ok(id)) => {
            am.programme_id = Set(Some(*id));
            true
        }
        Some(Err(e)) => {
            out[*n] = Some(Err((*e).clone().into()));
            false
        }
        None => true,
    });
    if !write {
        return Ok(out
            .into_iter()
            .map(|o| o.unwrap_or(Ok((None, false))))
            .collect());
    }

    let line_of: HashMap<(i64, String), usize> = new_rows
        .iter()
        .filter_map(|(n, am)| match &am.org_id {
            sea_orm::ActiveValue::Set(org) => Some(((*org, code_of(&inputs[*n])), *n)),
            _ => None,
        })
        .collect();
    let mut changes = Vec::with_capacity(new_rows.len());
    let mut materials = Vec::new();
    let rows = new_rows.into_iter().map(|(_, am)| am);
    let inserted = crate::batch::insert_returning(c, crate::batch::Rows::Wide, rows)
        .await
        .map_err(|e| DbError::from_write(e, "本组织已有该活动编号的活动"))?;
    // RETURNING order is not promised: match rows to lines by org and code.
    for row in inserted {
        let n = line_of[&(row.org_id, row.code.clone())];
        materials.extend(
            inputs[n]
                .materials
                .iter()
                .map(|m| activity_material::ActiveModel {
                    activity_id: Set(row.id),
                    name: Set(m.name.clone()),
                    quantity: Set(m.quantity),
                    ..Default::default()
                }),
        );
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::Activity,
                row.id,
                format!("登记活动「{}」", row.name),
            )
            .org(row.org_id)
            .after(&row),
        );
        out[n] = Some(Ok((Some(row.id), true)));
    }
    crate::batch::insert_all(c, crate::batch::Rows::Tiny, materials).await?;
    write_many(c, ctx, changes).await?;

    for n in later {
        out[n] = Some(
            upsert(c, ctx, &inputs[n])
                .await
                .map(|(row, created)| (Some(row.id), created)),
        );
    }
    Ok(out
        .into_iter()
        .map(|o| o.unwrap_or(Ok((None, false))))
        .collect())
}
