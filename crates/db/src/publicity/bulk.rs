//! Many publicity items at once (a ledger's 宣传 sheet): the same checks,
//! outcomes and audit rows as [`super::upsert`] row by row, with orgs,
//! activities and items on file looked up a few hundred at a time and new
//! items written in multi-row statements. Items already on file (an update)
//! and a title repeated within the file take the one-row path.

use domain::audit::{AuditAction, AuditEntity};
use std::collections::{HashMap, HashSet};

use domain::access::{Module, Permission};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};

use super::{ItemInput, check, upsert};
use crate::{
    Ctx, DbError, DbResult,
    activity::refs::ActivityRefs,
    audit::{Change, write_many},
    entity::{publicity_item, repost},
    org::refs::OrgRefs,
    time::now,
};

/// Per input: `Ok(true)` created, `Ok(false)` updated, or the row's error.
pub async fn upsert_many(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    inputs: &[ItemInput],
) -> DbResult<Vec<DbResult<bool>>> {
    if let Err(DbError::Forbidden(m)) = ctx.require(Module::Publicity, Permission::Write) {
        return Ok(inputs
            .iter()
            .map(|_| Err(DbError::Forbidden(m.clone())))
            .collect());
    }
    let orgs = {
        let codes: Vec<&str> = inputs.iter().map(|i| i.org_code.as_str()).collect();
        OrgRefs::load(c, &codes).await?
    };
    let acts = {
        let codes: Vec<&str> = inputs
            .iter()
            .filter_map(|i| i.activity_code.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        ActivityRefs::load(c, &codes).await?
    };
    let mut on_file: HashSet<(String, String)> = HashSet::new();
    let titles: Vec<String> = {
        let mut t: Vec<String> = inputs.iter().map(|i| i.title.trim().to_string()).collect();
        t.sort();
        t.dedup();
        t
    };
    for chunk in titles.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        for item in publicity_item::Entity::find()
            .filter(publicity_item::Column::Title.is_in(chunk.iter().cloned()))
            .all(c)
            .await?
        {
            on_file.insert((item.title, item.channel));
        }
    }

    let mut out: Vec<Option<DbResult<bool>>> = Vec::with_capacity(inputs.len());
    let mut later = Vec::new();
    let mut batch: HashSet<(String, String)> = HashSet::new();
    let mut new_rows = Vec::new();
    let t = now();
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    for (n, input) in inputs.iter().enumerate() {
        if let Err(inv) = check(input) {
            out.push(Some(Err(inv.into())));
            continue;
        }
        let o = match orgs.capturable(ctx, &input.org_code, "org_code") {
            Ok(o) => o,
            Err(e) => {
                out.push(Some(Err(e)));
                continue;
            }
        };
        let activity_id = match input
            .activity_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(code) => match acts.visible(ctx, code) {
                Some((a, _)) => Some(a.id),
                None => {
                    out.push(Some(Err(DbError::invalid(
                        "activity_code",
                        format!("活动编号「{code}」不存在"),
                    ))));
                    continue;
                }
            },
        };
        let key = (
            input.title.trim().to_string(),
            input.channel.trim().to_string(),
        );
        if on_file.contains(&key) || !batch.insert(key.clone()) {
            later.push(n);
            out.push(None);
            continue;
        }
        new_rows.push((
            n,
            publicity_item::ActiveModel {
                title: Set(key.0),
                channel: Set(key.1),
                published_on: Set(input.published_on),
                org_id: Set(o.id),
                column_name: Set(clean(&input.column)),
                link: Set(clean(&input.link)),
                activity_id: Set(activity_id),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            },
        ));
        out.push(Some(Ok(true)));
    }

    // RETURNING order is not promised: rows are matched back by their key.
    let line_of: HashMap<(String, String), usize> = new_rows
        .iter()
        .map(|(n, _)| {
            let i = &inputs[*n];
            (
                (i.title.trim().to_string(), i.channel.trim().to_string()),
                *n,
            )
        })
        .collect();
    let mut changes = Vec::with_capacity(new_rows.len());
    let mut reposts = Vec::new();
    let rows = new_rows.into_iter().map(|(_, am)| am);
    for row in crate::batch::insert_returning(c, crate::batch::Rows::Wide, rows).await? {
        let n = line_of[&(row.title.clone(), row.channel.clone())];
        reposts.extend(
            inputs[n]
                .reposts
                .iter()
                .map(|(name, level)| repost::ActiveModel {
                    item_id: Set(row.id),
                    by_name: Set(name.trim().into()),
                    level: Set(level.code().into()),
                    ..Default::default()
                }),
        );
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::PublicityItem,
                row.id,
                format!("登记宣传稿件「{}」", row.title),
            )
            .org(row.org_id)
            .after(&row),
        );
    }
    crate::batch::insert_all(c, crate::batch::Rows::Tiny, reposts).await?;
    write_many(c, ctx, changes).await?;
    for n in later {
        out[n] = Some(upsert(c, ctx, &inputs[n]).await.map(|(_, created)| created));
    }
    Ok(out.into_iter().map(|o| o.unwrap_or(Ok(false))).collect())
}
