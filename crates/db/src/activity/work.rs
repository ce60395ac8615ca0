//! Works (作品) received by a 征集 activity, keyed by (activity, title, author).

use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::{
    Ctx, DbError, DbResult, audit::Change, entity::work, org::find_capturable_ref, time::now,
};

/// A checked work (`domain::activity::records::WorkDraft`).
pub use domain::activity::records::WorkInput;

/// Records a work (or updates its category/org). Returns true when new.
pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    activity_id: i64,
    input: &WorkInput,
) -> DbResult<bool> {
    Ok(upsert_row(c, ctx, activity_id, input).await?.1)
}

/// [`upsert`], returning the work too (the API answers with it).
pub async fn upsert_row(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    activity_id: i64,
    input: &WorkInput,
) -> DbResult<(work::Model, bool)> {
    let (a, o) = super::get_capturable(c, ctx, activity_id).await?;
    if a.kind != domain::activity::ActivityKind::Collection.code() {
        return Err(DbError::invalid(
            "activity",
            "作品只能登记在「征集」类活动下",
        ));
    }
    let (title, author) = (input.title.as_str(), input.author.as_str());
    let org_id = match input.org_code.as_deref() {
        Some(code) => Some(find_capturable_ref(c, ctx, code, "org_code").await?.id),
        None => None,
    };
    let category = input.category.clone();
    let existing = work::Entity::find()
        .filter(work::Column::ActivityId.eq(a.id))
        .filter(work::Column::Title.eq(title))
        .filter(work::Column::Author.eq(author))
        .one(c)
        .await?;
    if let Some(before) = existing {
        if before.category == category && before.org_id == org_id {
            return Ok((before, false));
        }
        let mut am: work::ActiveModel = before.clone().into();
        am.category = Set(category);
        am.org_id = Set(org_id);
        let after = am.update(c).await?;
        Change::new(
            AuditAction::Update,
            AuditEntity::Work,
            after.id,
            format!("「{}」修改作品「{title}」", a.name),
        )
        .org(o.id)
        .before(&before)
        .after(&after)
        .write(c, ctx)
        .await?;
        return Ok((after, false));
    }
    let row = work::ActiveModel {
        activity_id: Set(a.id),
        title: Set(title.into()),
        author: Set(author.into()),
        category: Set(category),
        org_id: Set(org_id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::Work,
        row.id,
        format!("「{}」收到作品「{title}」", a.name),
    )
    .org(o.id)
    .after(&row)
    .write(c, ctx)
    .await?;
    Ok((row, true))
}

pub async fn list(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    activity_id: i64,
) -> DbResult<Vec<work::Model>> {
    super::get(c, ctx, activity_id).await?;
    Ok(work::Entity::find()
        .filter(work::Column::ActivityId.eq(activity_id))
        .order_by_asc(work::Column::Id)
        .all(c)
        .await?)
}

/// One 作品 line of a ledger sheet: the activity it names by 活动编号.
pub struct WorkLine<'a> {
    pub activity_code: &'a str,
    pub input: WorkInput,
}

/// [`upsert`] for a whole sheet at once, with the same checks, outcomes and
/// audit rows; new works are inserted in multi-row statements. Works already
/// on file whose category or org changed take the one-row path.
pub async fn add_many(
    c: &sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    lines: &[WorkLine<'_>],
) -> DbResult<Vec<DbResult<bool>>> {
    use std::collections::{HashMap, HashSet};

    use super::refs::ActivityRefs;
    use crate::{audit::write_many, org::refs::OrgRefs};

    let acts = {
        let codes: Vec<&str> = lines.iter().map(|l| l.activity_code).collect();
        ActivityRefs::load(c, &codes).await?
    };
    let orgs = {
        let codes: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.input.org_code.as_deref())
            .collect();
        OrgRefs::load(c, &codes).await?
    };
    let ids = acts.ids();
    let mut on_file: HashMap<(i64, String, String), work::Model> = HashMap::new();
    for chunk in ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        for w in work::Entity::find()
            .filter(work::Column::ActivityId.is_in(chunk.iter().copied()))
            .all(c)
            .await?
        {
            on_file.insert((w.activity_id, w.title.clone(), w.author.clone()), w);
        }
    }

    let mut out: Vec<Option<DbResult<bool>>> = Vec::with_capacity(lines.len());
    let mut later = Vec::new();
    let mut new_rows = Vec::new();
    // Activity name and org id of each new work's activity, for its audit row.
    let mut named: HashMap<i64, (String, i64)> = HashMap::new();
    let mut batch: HashSet<(i64, String, String)> = HashSet::new();
    let t = now();
    for (n, l) in lines.iter().enumerate() {
        let (a, o) = match acts.capturable(ctx, l.activity_code) {
            Ok(found) => found,
            Err(e) => {
                out.push(Some(Err(e)));
                continue;
            }
        };
        if a.kind != domain::activity::ActivityKind::Collection.code() {
            out.push(Some(Err(DbError::invalid(
                "activity",
                "作品只能登记在「征集」类活动下",
            ))));
            continue;
        }
        let (title, author) = (l.input.title.as_str(), l.input.author.as_str());
        let org_id = match l.input.org_code.as_deref() {
            Some(code) => match orgs.capturable(ctx, code, "org_code") {
                Ok(o) => Some(o.id),
                Err(e) => {
                    out.push(Some(Err(e)));
                    continue;
                }
            },
            None => None,
        };
        let category = l
            .input
            .category
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        let key = (a.id, title.to_string(), author.to_string());
        if let Some(before) = on_file.get(&key) {
            if before.category == category && before.org_id == org_id {
                out.push(Some(Ok(false)));
            } else {
                later.push((n, a.id));
                out.push(None);
            }
            continue;
        }
        if !batch.insert(key) {
            later.push((n, a.id));
            out.push(None);
            continue;
        }
        named.insert(a.id, (a.name.clone(), o.id));
        new_rows.push(work::ActiveModel {
            activity_id: Set(a.id),
            title: Set(title.into()),
            author: Set(author.into()),
            category: Set(category),
            org_id: Set(org_id),
            created_at: Set(t),
            ..Default::default()
        });
        out.push(Some(Ok(true)));
    }

    let mut changes = Vec::with_capacity(new_rows.len());
    for row in crate::batch::insert_returning(c, crate::batch::Rows::Narrow, new_rows).await? {
        let (activity_name, org_id) = &named[&row.activity_id];
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::Work,
                row.id,
                format!("「{activity_name}」收到作品「{}」", row.title),
            )
            .org(*org_id)
            .after(&row),
        );
    }
    write_many(c, ctx, changes).await?;
    for (n, activity_id) in later {
        out[n] = Some(upsert(c, ctx, activity_id, &lines[n].input).await);
    }
    Ok(out.into_iter().map(|o| o.unwrap_or(Ok(false))).collect())
}
