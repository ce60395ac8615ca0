//! Roster summaries (`roster_summary`): each activity's people and units,
//! once each, rewritten in the same transaction as every change to its
//! roster. The statistics read one row per activity from here instead of
//! every roster line: a county-year's ~60,000 lines took most of its time.

use std::collections::HashMap;

use domain::activity::RosterSummary;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};

use crate::{
    DbResult,
    batch::{Rows, size},
    entity::{attendance, roster_summary},
};

/// Writes the summaries (replacing those of the same activities).
///
/// These three take any connection because the migration that adds the
/// table ([`rebuild_all`]) runs them on the migrator's; every other caller is
/// a writer and passes its transaction.
pub(crate) async fn write(
    c: &impl ConnectionTrait,
    summaries: impl IntoIterator<Item = (i64, RosterSummary)>,
) -> DbResult<()> {
    let rows: Vec<roster_summary::ActiveModel> = summaries
        .into_iter()
        .map(|(activity_id, s)| {
            let (people, units) = s.encode();
            roster_summary::ActiveModel {
                activity_id: Set(activity_id),
                people: Set(people),
                units: Set(units),
            }
        })
        .collect();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(size(c, Rows::Narrow)).collect();
        roster_summary::Entity::insert_many(chunk)
            .on_conflict(
                OnConflict::column(roster_summary::Column::ActivityId)
                    .update_columns([
                        roster_summary::Column::People,
                        roster_summary::Column::Units,
                    ])
                    .to_owned(),
            )
            .exec(c)
            .await?;
    }
    Ok(())
}

/// Recomputes the summaries of `activity_ids` from their roster lines.
pub(crate) async fn refresh(c: &impl ConnectionTrait, activity_ids: &[i64]) -> DbResult<()> {
    for chunk in activity_ids.chunks(size(c, Rows::Keys)) {
        let lines: Vec<(i64, String, Option<String>)> = attendance::Entity::find()
            .select_only()
            .column(attendance::Column::ActivityId)
            .column(attendance::Column::PersonKey)
            .column(attendance::Column::Unit)
            .filter(attendance::Column::ActivityId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        let mut of: HashMap<i64, Vec<(&str, Option<&str>)>> = HashMap::new();
        for (a, key, unit) in &lines {
            of.entry(*a).or_default().push((key, unit.as_deref()));
        }
        write(c, of.into_iter().map(|(a, l)| (a, RosterSummary::of(l)))).await?;
    }
    Ok(())
}

/// Recomputes every activity's summary (the migration that adds the table,
/// and after a change to how units are normalized).
pub(crate) async fn rebuild_all(c: &impl ConnectionTrait) -> DbResult<()> {
    let ids: Vec<i64> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::ActivityId)
        .distinct()
        .order_by_asc(attendance::Column::ActivityId)
        .into_tuple()
        .all(c)
        .await?;
    refresh(c, &ids).await
}
