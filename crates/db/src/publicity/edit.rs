//! Changing one publicity item by id: the form may change the title or the
//! channel, which `upsert` keys on.

use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};

use super::{ItemInput, resolve_activity, set_reposts};
use crate::{
    Ctx, DbError, DbResult, audit::Change, entity::publicity_item, org::find_capturable_ref,
    time::now,
};

/// Changes item `id` (which the caller must be able to capture) to `input`.
pub async fn update(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    id: i64,
    input: &ItemInput,
) -> DbResult<publicity_item::Model> {
    ctx.require(Module::Publicity, Permission::Write)?;
    let (before, before_org, before_reposts) = super::get(c, ctx, id).await?;
    if !ctx.scope.can_capture_path(&before_org.path) {
        return Err(DbError::forbidden(format!(
            "无权修改「{}」的宣传稿件",
            before_org.name
        )));
    }
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let activity_id = resolve_activity(c, ctx, input.activity_code.as_deref()).await?;
    let title = input.title.trim();
    let channel = input.channel.trim();
    let clash = publicity_item::Entity::find()
        .filter(publicity_item::Column::Title.eq(title))
        .filter(publicity_item::Column::Channel.eq(channel))
        .filter(publicity_item::Column::Id.ne(id))
        .one(c)
        .await?;
    if clash.is_some() {
        return Err(DbError::invalid("title", "同一发布平台已有同名稿件"));
    }
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let mut am = before.clone().into_active_model();
    am.title = Set(title.into());
    am.channel = Set(channel.into());
    am.published_on = Set(input.published_on);
    am.org_id = Set(o.id);
    am.column_name = Set(clean(&input.column));
    am.link = Set(clean(&input.link));
    am.activity_id = Set(activity_id);
    am.updated_at = Set(now());
    let after = am.update(c).await?;
    set_reposts(c, id, &input.reposts).await?;
    let levels: Vec<String> = input
        .reposts
        .iter()
        .map(|(n, l)| format!("{}:{}", n.trim(), l.code()))
        .collect();
    Change::new(
        AuditAction::Update,
        AuditEntity::PublicityItem,
        id,
        format!("修改宣传稿件「{title}」"),
    )
    .org(o.id)
    .before(&serde_json::json!({
        "item": before,
        "reposts": before_reposts.iter().map(|r| format!("{}:{}", r.by_name, r.level)).collect::<Vec<_>>(),
    }))
    .after(&serde_json::json!({"item": after, "reposts": levels}))
    .write(c, ctx)
    .await?;
    Ok(after)
}
