//! Facts for an org's dashboard (看板): activities held in a period, counted by
//! direct child org, by month and by activity type.
//!
//! Unlike the statistics document (which uses the tree as it stood at the
//! period's end), the dashboard groups by today's tree: every figure links to
//! the activity list, which filters by today's tree, and a bar must list
//! exactly the activities it counts. Only activities that took place
//! (已开展) are counted, as in the statistics.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::{
    access::{Module, Permission},
    activity::{ActivityKind, ActivityStatus},
    date::Period,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde::Serialize;

use crate::{
    Ctx, DbResult,
    entity::{activity, org},
    scope::{org_join, view_condition},
};

/// Activities of one direct child org (and its subtree), or of the org itself
/// (`own` = true: recorded directly against the chosen org).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChildCount {
    pub code: String,
    pub name: String,
    pub own: bool,
    pub activities: u64,
}

/// Activities started in one calendar month (`month` = `2020-03`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MonthCount {
    pub month: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub activities: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KindCount {
    /// Stable code (`lecture`), as the activity list's `kind=` filter takes it.
    pub code: String,
    #[serde(rename = "type")]
    pub label: String,
    pub activities: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dashboard {
    pub org: domain::stats::OrgRef,
    pub period: domain::stats::PeriodRef,
    pub activities: u64,
    /// Direct child orgs in code order (zero counts included), then the org's own row if any.
    pub by_child: Vec<ChildCount>,
    /// Every month of the period that has begun, zero counts included.
    pub by_month: Vec<MonthCount>,
    /// Types in their canonical order, only those with activities.
    pub by_type: Vec<KindCount>,
}

/// The dashboard of `org_code` (visible to the caller) for the period.
pub async fn dashboard(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    p: Period,
) -> DbResult<Dashboard> {
    ctx.require(Module::Review, Permission::Read)?;
    let root = crate::org::find_visible(c, ctx, org_code).await?;
    // Month buckets in SQL: `substr(cast(.. as text),1,7)` is `2020-03` on
    // both SQLite and PostgreSQL (strftime/to_char exist on one only).
    let month = Expr::cust("substr(cast(activity.start_date as text), 1, 7)");
    let rows: Vec<(i64, String, String, i64)> = activity::Entity::find()
        .select_only()
        .column(activity::Column::OrgId)
        .column_as(month.clone(), "month")
        .column(activity::Column::Kind)
        .column_as(activity::Column::Id.count(), "n")
        .join(
            JoinType::InnerJoin,
            org_join(activity::Entity, activity::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .filter(org::Column::Path.starts_with(&root.path))
        .filter(activity::Column::StartDate.between(p.from, p.to))
        .filter(activity::Column::Status.eq(ActivityStatus::Done.code()))
        .group_by(activity::Column::OrgId)
        .group_by(month)
        .group_by(activity::Column::Kind)
        .into_tuple()
        .all(c)
        .await?;

    let children = org::Entity::find()
        .filter(org::Column::ParentId.eq(root.id))
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .order_by_asc(org::Column::Code)
        .all(c)
        .await?;
    // Which child each org of the subtree lies under, by path prefix.
    let org_ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let paths: HashMap<i64, String> = org::Entity::find()
        .filter(org::Column::Id.is_in(org_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|o| (o.id, o.path))
        .collect();
    let child_of = |org_id: i64| -> Option<usize> {
        let path = paths.get(&org_id)?;
        children.iter().position(|ch| path.starts_with(&ch.path))
    };

    let mut per_child = vec![0u64; children.len()];
    let mut own = 0u64;
    let mut per_month: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_kind: HashMap<String, u64> = HashMap::new();
    let mut total = 0u64;
    for (org_id, month, kind, n) in &rows {
        let n = (*n).max(0) as u64;
        total += n;
        match child_of(*org_id) {
            Some(i) => per_child[i] += n,
            None => own += n,
        }
        *per_month.entry(month.clone()).or_default() += n;
        *per_kind.entry(kind.clone()).or_default() += n;
    }

    let mut by_child: Vec<ChildCount> = children
        .iter()
        .zip(per_child)
        .map(|(ch, n)| ChildCount {
            code: ch.code.clone(),
            name: ch.name.clone(),
            own: false,
            activities: n,
        })
        .collect();
    if own > 0 || children.is_empty() {
        by_child.push(ChildCount {
            code: root.code.clone(),
            name: format!("{}（本级）", root.name),
            own: true,
            activities: own,
        });
    }
    let by_month = p
        .months_until(crate::time::today_beijing())
        .into_iter()
        .map(|Period { from, to }| {
            let key = from.format("%Y-%m").to_string();
            MonthCount {
                activities: per_month.get(&key).copied().unwrap_or(0),
                month: key,
                from,
                to,
            }
        })
        .collect();
    let by_type = ActivityKind::ALL
        .iter()
        .filter_map(|k| {
            per_kind
                .get(k.code())
                .filter(|n| **n > 0)
                .map(|n| KindCount {
                    code: k.code().into(),
                    label: k.label().into(),
                    activities: *n,
                })
        })
        .collect();
    Ok(Dashboard {
        org: domain::stats::OrgRef {
            code: root.code,
            name: root.name,
        },
        period: p.into(),
        activities: total,
        by_child,
        by_month,
        by_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The dashboard's month buckets as (first day, last day).
    fn months_of(p: Period, today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
        p.months_until(today)
            .into_iter()
            .map(|m| (m.from, m.to))
            .collect()
    }

    #[test]
    fn a_past_year_has_twelve_months_and_the_current_year_stops_at_today() {
        let past = months_of(Period::year(2020), d(2026, 5, 3));
        assert_eq!(past.len(), 12);
        assert_eq!(past[1], (d(2020, 2, 1), d(2020, 2, 29)));
        let now = months_of(Period::year(2026), d(2026, 5, 3));
        assert_eq!(now.len(), 5);
        assert_eq!(now[4], (d(2026, 5, 1), d(2026, 5, 31)));
    }

    #[test]
    fn a_range_is_cut_to_its_own_days_in_the_first_and_last_month() {
        let p = Period {
            from: d(2020, 3, 15),
            to: d(2020, 4, 10),
        };
        assert_eq!(
            months_of(p, d(2026, 1, 1)),
            vec![
                (d(2020, 3, 15), d(2020, 3, 31)),
                (d(2020, 4, 1), d(2020, 4, 10))
            ]
        );
    }
}
