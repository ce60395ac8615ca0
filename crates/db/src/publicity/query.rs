//! The channels and columns already in use: the form offers them so one
//! account isn't typed three ways.

use domain::access::{Module, Permission};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
};

use crate::{
    Ctx, DbResult,
    entity::{org, publicity_item},
    scope::{org_join, view_condition},
};

/// Channels and columns of the items the caller sees, each sorted and unique.
pub async fn used_values(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
) -> DbResult<(Vec<String>, Vec<String>)> {
    ctx.require(Module::Publicity, Permission::Read)?;
    let base = || {
        publicity_item::Entity::find()
            .join(
                JoinType::InnerJoin,
                org_join(publicity_item::Entity, publicity_item::Column::OrgId),
            )
            .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
            .select_only()
    };
    let channels: Vec<String> = base()
        .column(publicity_item::Column::Channel)
        .distinct()
        .order_by_asc(publicity_item::Column::Channel)
        .into_tuple()
        .all(c)
        .await?;
    let columns: Vec<Option<String>> = base()
        .column(publicity_item::Column::ColumnName)
        .filter(publicity_item::Column::ColumnName.is_not_null())
        .distinct()
        .order_by_asc(publicity_item::Column::ColumnName)
        .into_tuple()
        .all(c)
        .await?;
    Ok((channels, columns.into_iter().flatten().collect()))
}
