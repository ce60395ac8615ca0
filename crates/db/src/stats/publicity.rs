//! The facts of `publicity`: items published in the period by the subtree,
//! and their reposts.

use domain::{date::Period, kinds::Level, stats::publicity as pubs};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::{
    DbResult,
    entity::{publicity_item, repost},
};

pub(super) async fn load(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    p: Period,
) -> DbResult<(Vec<pubs::ItemFact>, Vec<pubs::RepostFact>)> {
    let items_q = Query::select()
        .column(publicity_item::Column::Id)
        .from(publicity_item::Entity)
        .and_where(Expr::col(publicity_item::Column::OrgId).in_subquery(sub.clone()))
        .and_where(Expr::col(publicity_item::Column::PublishedOn).between(p.from, p.to))
        .to_owned();
    let items: Vec<(i64, String, Option<String>)> = publicity_item::Entity::find()
        .select_only()
        .column(publicity_item::Column::Id)
        .column(publicity_item::Column::Channel)
        .column(publicity_item::Column::ColumnName)
        .filter(publicity_item::Column::Id.in_subquery(items_q.clone()))
        .into_tuple()
        .all(c)
        .await?;
    // Subquery again: a province-year can have more items than bind parameters.
    let reposts: Vec<(i64, String)> = repost::Entity::find()
        .filter(repost::Column::ItemId.in_subquery(items_q))
        .select_only()
        .column(repost::Column::ItemId)
        .column(repost::Column::Level)
        .into_tuple()
        .all(c)
        .await?;
    let items = items
        .into_iter()
        .map(|(id, channel, column)| pubs::ItemFact {
            id,
            channel,
            column,
        })
        .collect();
    let reposts = reposts
        .into_iter()
        .filter_map(|(item_id, level)| {
            Level::from_code(&level).map(|level| pubs::RepostFact { item_id, level })
        })
        .collect();
    Ok((items, reposts))
}
