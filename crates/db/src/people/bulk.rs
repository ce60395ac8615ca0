//! The 人员 sheet registered in bulk: [`super::upsert`]'s checks, outcomes and
//! audit rows, with a few multi-row statements per few hundred new people
//! instead of six round trips each (a county has ~20,000 women on file).

use domain::audit::{AuditAction, AuditEntity};
use std::collections::{HashMap, HashSet};

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use domain::{mask::mask_name, search::normalize};

use super::{PersonInput, clean_tags, redacted, upsert};
use crate::{
    Ctx, Db, DbError, DbResult,
    audit::{Change, write_many},
    entity::{org, person, person_tag},
    org::refs::OrgRefs,
    time::now,
};

/// Registers or updates each input, in order, as [`upsert`] would. People
/// already on file (and a 身份证号 repeated in the batch) take the one-row path;
/// new people are inserted together. With `write` false nothing is written
/// (the import already failed; the lines are only checked).
pub async fn upsert_many(
    c: &sea_orm::DatabaseTransaction,
    db: &Db,
    ctx: &Ctx,
    inputs: &[PersonInput],
    write: bool,
) -> DbResult<Vec<DbResult<bool>>> {
    if let Err(DbError::Forbidden(m)) = ctx.require(Module::People, Permission::Write) {
        return Ok(inputs
            .iter()
            .map(|_| Err(DbError::Forbidden(m.clone())))
            .collect());
    }
    let orgs = {
        let codes: Vec<&str> = inputs.iter().map(|i| i.org_code.as_str()).collect();
        OrgRefs::load(c, &codes).await?
    };
    let indexes: Vec<String> = inputs
        .iter()
        .map(|i| db.keys.blind_index("id_number", i.id_number.as_str()))
        .collect();
    // People on file, with the path of the org that holds them.
    let mut on_file: HashMap<String, i64> = HashMap::new();
    let wanted: Vec<String> = indexes
        .iter()
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in wanted.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let found: Vec<(String, i64)> = person::Entity::find()
            .select_only()
            .column(person::Column::IdIndex)
            .column(person::Column::OrgId)
            .filter(person::Column::IdIndex.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c)
            .await?;
        on_file.extend(found);
    }
    let holder_ids: Vec<i64> = on_file
        .values()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut holder_path: HashMap<i64, String> = HashMap::new();
    for chunk in holder_ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let found: Vec<(i64, String)> = org::Entity::find()
            .select_only()
            .column(org::Column::Id)
            .column(org::Column::Path)
            .filter(org::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        holder_path.extend(found);
    }

    let mut out: Vec<Option<DbResult<bool>>> = Vec::with_capacity(inputs.len());
    // Lines for the one-row path, run after the batch so that a repeated
    // 身份证号 updates the person its first line registered.
    let mut later: Vec<usize> = Vec::new();
    let mut new_people: Vec<(usize, person::ActiveModel)> = Vec::new();
    let mut batch: HashSet<String> = HashSet::new();
    let t = now();
    for (n, (input, index)) in inputs.iter().zip(&indexes).enumerate() {
        let name = input.name.as_str();
        let home = match orgs.capturable(ctx, &input.org_code, "org_code") {
            Ok(o) => o,
            Err(e) => {
                out.push(Some(Err(e)));
                continue;
            }
        };
        if let Some(holder) = on_file.get(index) {
            let reachable = holder_path
                .get(holder)
                .is_some_and(|p| ctx.scope.can_capture_path(p));
            if !reachable {
                out.push(Some(Err(DbError::Conflict(
                    "该身份证号已在其他组织登记，请联系上级妇联核实".into(),
                ))));
                continue;
            }
        }
        if on_file.contains_key(index) || !batch.insert(index.clone()) {
            later.push(n);
            out.push(None);
            continue;
        }
        let id = &input.id_number;
        new_people.push((
            n,
            person::ActiveModel {
                name: Set(name.to_string()),
                id_cipher: Set(db.keys.encrypt(id.as_str())),
                id_index: Set(index.clone()),
                id_masked: Set(id.masked()),
                sex: Set(id.sex().code().to_string()),
                birth_year: Set(id.birth_year()),
                phone_cipher: Set(input.phone.as_ref().map(|p| db.keys.encrypt(p.as_str()))),
                phone_index: Set(input
                    .phone
                    .as_ref()
                    .map(|p| db.keys.blind_index("phone", p.as_str()))),
                phone_masked: Set(input.phone.as_ref().map(|p| p.masked())),
                bank_cipher: Set(None),
                bank_masked: Set(None),
                org_id: Set(home.id),
                search_text: Set(normalize(name)),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            },
        ));
        out.push(Some(Ok(true)));
    }
    if !write {
        // Unwritten, a repeated line would have updated the first: same outcome.
        return Ok(out.into_iter().map(|o| o.unwrap_or(Ok(false))).collect());
    }

    let tags_of: HashMap<usize, Vec<String>> = new_people
        .iter()
        .map(|(n, _)| (*n, clean_tags(&inputs[*n].tags)))
        .collect();
    let mut changes = Vec::with_capacity(new_people.len());
    let mut tags = Vec::new();
    // RETURNING order is not promised: match rows to lines by blind index.
    let line_of: HashMap<String, usize> = new_people
        .iter()
        .map(|(n, _)| (indexes[*n].clone(), *n))
        .collect();
    let models = new_people.into_iter().map(|(_, m)| m);
    let inserted = crate::batch::insert_returning(c, crate::batch::Rows::Wide, models)
        .await
        .map_err(|e| DbError::from_write(e, "该身份证号已登记"))?;
    for row in inserted {
        let n = line_of[&row.id_index];
        tags.extend(tags_of[&n].iter().map(|tag| person_tag::ActiveModel {
            person_id: Set(row.id),
            tag: Set(tag.clone()),
        }));
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::Person,
                row.id,
                format!("登记人员「{}」", mask_name(&row.name)),
            )
            .org(row.org_id)
            .after(&redacted(&row)),
        );
    }
    crate::batch::insert_all(c, crate::batch::Rows::Tiny, tags).await?;
    write_many(c, ctx, changes).await?;

    for n in later {
        out[n] = Some(
            upsert(c, db, ctx, &inputs[n])
                .await
                .map(|(_, created)| created),
        );
    }
    Ok(out.into_iter().map(|o| o.unwrap_or(Ok(false))).collect())
}
