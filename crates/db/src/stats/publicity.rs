//! The facts of `publicity`: items published in the period by the subtree,
//! and their reposts.

use domain::{date::Period, kinds::Level, stats::publicity as pubs};
use sea_orm::{
    ConnectionTrait,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use crate::{
    DbResult,
    entity::{publicity_item, repost},
    rows::fetch_all,
};

#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct ItemRow {
    id: i64,
    channel: String,
    column_name: Option<String>,
}

#[derive(sea_orm::FromQueryResult, serde::Deserialize)]
struct RepostRow {
    item_id: i64,
    level: String,
}

pub(super) async fn load(
    c: &impl ConnectionTrait,
    sub: &SelectStatement,
    p: Period,
) -> DbResult<(Vec<pubs::ItemFact>, Vec<pubs::RepostFact>)> {
    let in_period = Query::select()
        .from(publicity_item::Entity)
        .and_where(Expr::col(publicity_item::Column::OrgId).in_subquery(sub.clone()))
        .and_where(Expr::col(publicity_item::Column::PublishedOn).between(p.from, p.to))
        // A cancelled item (取消, kept with its reason) is not counted.
        .and_where(
            Expr::col((publicity_item::Entity, publicity_item::Column::Id))
                .not_in_subquery(crate::publicity::life::cancelled_ids()),
        )
        .to_owned();
    let i = |col: publicity_item::Column| Expr::col((publicity_item::Entity, col));
    let items: Vec<ItemRow> = fetch_all(
        c,
        &[
            ("id", i(publicity_item::Column::Id)),
            ("channel", i(publicity_item::Column::Channel)),
            ("column_name", i(publicity_item::Column::ColumnName)),
        ],
        in_period.clone(),
    )
    .await?;
    // A subquery, not a list: a province-year has more items than bind parameters.
    let ids = in_period
        .clone()
        .column((publicity_item::Entity, publicity_item::Column::Id))
        .to_owned();
    let r = |col: repost::Column| Expr::col((repost::Entity, col));
    let reposts: Vec<RepostRow> = fetch_all(
        c,
        &[
            ("item_id", r(repost::Column::ItemId)),
            ("level", r(repost::Column::Level)),
        ],
        Query::select()
            .from(repost::Entity)
            .and_where(Expr::col(repost::Column::ItemId).in_subquery(ids))
            .to_owned(),
    )
    .await?;
    let items = items
        .into_iter()
        .map(|r| pubs::ItemFact {
            id: r.id,
            channel: r.channel,
            column: r.column_name,
        })
        .collect();
    let reposts = reposts
        .into_iter()
        .filter_map(|r| {
            Level::from_code(&r.level).map(|level| pubs::RepostFact {
                item_id: r.item_id,
                level,
            })
        })
        .collect();
    Ok((items, reposts))
}
