//! Publicity (宣传): items published on a channel (公众号, 中国妇女报, 学习强国 …),
//! keyed by (title, channel), with the accounts that reposted them and their level.

pub mod bulk;
mod edit;
pub mod life;
mod query;

pub use edit::update;
pub use query::used_values;

use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    kinds::Level,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{org, publicity_item, repost},
    org::find_capturable_ref,
    scope::{org_join, view_condition},
    time::now,
};

/// A checked item (built only by `domain::publicity::ItemDraft::validate`);
/// this layer keeps what needs the database: the org, the activity, the key.
pub use domain::publicity::ItemInput;

/// Creates the item or updates the one with the same title and channel.
pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &ItemInput,
) -> DbResult<(publicity_item::Model, bool)> {
    ctx.require(Module::Publicity, Permission::Write)?;
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let activity_id = resolve_activity(c, ctx, input.activity_code.as_deref()).await?;
    let title = input.title.trim();
    let channel = input.channel.trim();
    let existing = publicity_item::Entity::find()
        .filter(publicity_item::Column::Title.eq(title))
        .filter(publicity_item::Column::Channel.eq(channel))
        .one(c)
        .await?;
    let t = now();
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let (row, created) = match existing {
        Some(before) => {
            let before_org = org::Entity::find_by_id(before.org_id)
                .one(c)
                .await?
                .ok_or(DbError::NotFound)?;
            if !ctx.scope.can_capture_path(&before_org.path) {
                return Err(DbError::invalid(
                    "title",
                    "同一平台已有同名稿件（属于其他组织）",
                ));
            }
            let mut am = before.clone().into_active_model();
            am.published_on = Set(input.published_on);
            am.org_id = Set(o.id);
            am.column_name = Set(clean(&input.column));
            am.link = Set(clean(&input.link));
            am.activity_id = Set(activity_id);
            am.updated_at = Set(t);
            let after = am.update(c).await?;
            Change::new(
                AuditAction::Update,
                AuditEntity::PublicityItem,
                after.id,
                format!("修改宣传稿件「{title}」"),
            )
            .org(o.id)
            .before(&before)
            .after(&after)
            .write(c, ctx)
            .await?;
            (after, false)
        }
        None => {
            let row = publicity_item::ActiveModel {
                title: Set(title.into()),
                channel: Set(channel.into()),
                published_on: Set(input.published_on),
                org_id: Set(o.id),
                column_name: Set(clean(&input.column)),
                link: Set(clean(&input.link)),
                activity_id: Set(activity_id),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(c)
            .await?;
            Change::new(
                AuditAction::Create,
                AuditEntity::PublicityItem,
                row.id,
                format!("登记宣传稿件「{title}」"),
            )
            .org(o.id)
            .after(&row)
            .write(c, ctx)
            .await?;
            (row, true)
        }
    };
    set_reposts(c, row.id, &input.reposts).await?;
    Ok((row, created))
}

/// The activity an item reports, by 活动编号 (it must be visible to the caller).
async fn resolve_activity(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    code: Option<&str>,
) -> DbResult<Option<i64>> {
    let Some(code) = code.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let refs = crate::activity::refs::ActivityRefs::load(c, &[code]).await?;
    if !ctx.scope.allows(
        domain::access::Module::Activity,
        domain::access::Permission::Read,
    ) {
        return Err(DbError::invalid(
            "activity_code",
            format!("活动编号「{code}」不存在"),
        ));
    }
    refs.seen(ctx, code).map(|(a, _)| Some(a.id))
}

/// Replaces an item's reposts.
async fn set_reposts(
    c: &DatabaseTransaction,
    item_id: i64,
    reposts: &[(String, Level)],
) -> DbResult<()> {
    repost::Entity::delete_many()
        .filter(repost::Column::ItemId.eq(item_id))
        .exec(c)
        .await?;
    for (name, level) in reposts {
        repost::ActiveModel {
            item_id: Set(item_id),
            by_name: Set(name.trim().into()),
            level: Set(level.code().into()),
            ..Default::default()
        }
        .insert(c)
        .await?;
    }
    Ok(())
}

pub async fn list(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: Option<&str>,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<(publicity_item::Model, Vec<repost::Model>)>, u64)> {
    ctx.require(Module::Publicity, Permission::Read)?;
    let mut q = publicity_item::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(publicity_item::Entity, publicity_item::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    if let Some(code) = org_code.map(str::trim).filter(|s| !s.is_empty()) {
        let root = crate::org::find_visible(c, ctx, code).await?;
        q = q.filter(org::Column::Path.starts_with(&root.path));
    }
    let total = q.clone().count(c).await?;
    let items = q
        .order_by_desc(publicity_item::Column::PublishedOn)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .all(c)
        .await?;
    Ok((
        items
            .into_iter()
            .map(|i| {
                let r = reposts
                    .iter()
                    .filter(|r| r.item_id == i.id)
                    .cloned()
                    .collect();
                (i, r)
            })
            .collect(),
        total,
    ))
}

/// An item with the org it belongs to and its reposts.
pub type ItemView = (publicity_item::Model, org::Model, Vec<repost::Model>);

/// Filters for [`search`].
#[derive(Debug, Default, Clone)]
pub struct PublicityQuery {
    /// An org code: that org and its subtree.
    pub org: Option<String>,
    /// Published on or after.
    pub from: Option<NaiveDate>,
    /// Published on or before.
    pub to: Option<NaiveDate>,
    pub channel: Option<String>,
    pub column: Option<String>,
}

fn some_text(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Items in the caller's scope matching the filters, newest first.
pub async fn search(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    query: &PublicityQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<ItemView>, u64)> {
    ctx.require(Module::Publicity, Permission::Read)?;
    let mut q = publicity_item::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(publicity_item::Entity, publicity_item::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    if let Some(code) = some_text(&query.org) {
        let root = crate::org::find_visible(c, ctx, code).await?;
        q = q.filter(org::Column::Path.starts_with(&root.path));
    }
    if let Some(f) = query.from {
        q = q.filter(publicity_item::Column::PublishedOn.gte(f));
    }
    if let Some(t) = query.to {
        q = q.filter(publicity_item::Column::PublishedOn.lte(t));
    }
    if let Some(ch) = some_text(&query.channel) {
        q = q.filter(publicity_item::Column::Channel.eq(ch));
    }
    if let Some(col) = some_text(&query.column) {
        q = q.filter(publicity_item::Column::ColumnName.eq(col));
    }
    let total = q.clone().count(c).await?;
    let rows: Vec<(publicity_item::Model, org::Model)> = q
        .select_also(org::Entity)
        .order_by_desc(publicity_item::Column::PublishedOn)
        .order_by_desc(publicity_item::Column::Id)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?
        .into_iter()
        .filter_map(|(i, o)| o.map(|o| (i, o)))
        .collect();
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.is_in(rows.iter().map(|(i, _)| i.id)))
        .order_by_asc(repost::Column::Id)
        .all(c)
        .await?;
    Ok((
        rows.into_iter()
            .map(|(i, o)| {
                let r = reposts
                    .iter()
                    .filter(|r| r.item_id == i.id)
                    .cloned()
                    .collect();
                (i, o, r)
            })
            .collect(),
        total,
    ))
}

/// One item the caller may see.
pub async fn get(c: &impl ConnectionTrait, ctx: &Ctx, id: i64) -> DbResult<ItemView> {
    ctx.require(Module::Publicity, Permission::Read)?;
    let (i, o) = publicity_item::Entity::find_by_id(id)
        .join(
            JoinType::InnerJoin,
            org_join(publicity_item::Entity, publicity_item::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .select_also(org::Entity)
        .one(c)
        .await?
        .and_then(|(i, o)| o.map(|o| (i, o)))
        .ok_or(DbError::NotFound)?;
    let reposts = repost::Entity::find()
        .filter(repost::Column::ItemId.eq(i.id))
        .order_by_asc(repost::Column::Id)
        .all(c)
        .await?;
    Ok((i, o, reposts))
}
