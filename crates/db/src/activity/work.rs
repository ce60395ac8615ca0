//! Works (作品) received by a 征集 activity, keyed by (activity, title, author).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::{
    Ctx, DbError, DbResult, audit::Change, entity::work, org::find_capturable_ref, time::now,
};

#[derive(Debug, Clone)]
pub struct WorkInput {
    pub title: String,
    pub author: String,
    pub category: Option<String>,
    pub org_code: Option<String>,
}

/// Records a work (or updates its category/org). Returns true when new.
pub async fn upsert(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    activity_id: i64,
    input: &WorkInput,
) -> DbResult<bool> {
    Ok(upsert_row(c, ctx, activity_id, input).await?.1)
}

/// [`upsert`], returning the work too (the API answers with it).
pub async fn upsert_row(
    c: &impl ConnectionTrait,
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
    let title = input.title.trim();
    let author = input.author.trim();
    if title.is_empty() || author.is_empty() {
        return Err(DbError::invalid("title", "作品名称和作者不能为空"));
    }
    let org_id = match input
        .org_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(find_capturable_ref(c, ctx, code, "org_code").await?.id),
        None => None,
    };
    let category = input
        .category
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
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
            "update",
            "work",
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
        "create",
        "work",
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
