//! Key counts of the caller's scope for the home page.

use chrono::Datelike;
use domain::kinds::OrgKind;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::{
    Ctx, DbResult,
    entity::{officer, org, survey, venue},
    scope::{org_join, view_condition},
    time::today_beijing,
};

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScopeSummary {
    /// The orgs at the top of the caller's scope.
    pub roots: Vec<org::Model>,
    /// Open orgs by kind label, in the kinds' order.
    pub orgs_by_kind: Vec<(String, i64)>,
    pub venues: u64,
    pub officers: u64,
    pub people: u64,
    pub surveys_this_year: u64,
}

/// [`scope_summary`] through the database's cache (per scope, year and data
/// version): the home page shows it on every view.
pub async fn scope_summary_cached(
    db: &crate::Db,
    ctx: &Ctx,
) -> DbResult<std::sync::Arc<ScopeSummary>> {
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    let key = format!(
        "{}|{}",
        crate::scope::key(&ctx.scope),
        today_beijing().year()
    );
    db.caches
        .summaries
        .get_or_compute(key, version, |_| 1, async || scope_summary(c, ctx).await)
        .await
}

pub async fn scope_summary(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<ScopeSummary> {
    let path = (org::Entity, org::Column::Path);
    let mut roots: Vec<org::Model> = if ctx.scope.operator {
        org::Entity::find()
            .filter(org::Column::ParentId.is_null())
            .all(c)
            .await?
    } else {
        let paths: Vec<String> = ctx
            .scope
            .view_roots
            .iter()
            .chain(ctx.scope.capture_roots.iter())
            .cloned()
            .collect();
        org::Entity::find()
            .filter(org::Column::Path.is_in(paths))
            .all(c)
            .await?
    };
    roots.sort_by_key(|o| (o.depth, o.code.clone()));
    roots.dedup_by_key(|o| o.id);
    let by_kind: Vec<(String, i64)> = org::Entity::find()
        .select_only()
        .column(org::Column::Kind)
        .column_as(org::Column::Id.count(), "n")
        .filter(view_condition(&ctx.scope, path))
        .filter(org::Column::ClosedOn.is_null())
        .group_by(org::Column::Kind)
        .into_tuple()
        .all(c)
        .await?;
    let orgs_by_kind = OrgKind::ALL
        .iter()
        .filter_map(|k| {
            by_kind
                .iter()
                .find(|(code, _)| code == k.code())
                .map(|(_, n)| (k.label().to_string(), *n))
        })
        .collect();
    let venues = venue::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(venue::Entity, venue::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .filter(venue::Column::ClosedOn.is_null())
        .count(c)
        .await?;
    let officers = officer::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(officer::Entity, officer::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .count(c)
        .await?;
    let year = today_beijing().year();
    let surveys_this_year = survey::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(survey::Entity, survey::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .filter(survey::Column::Date.gte(chrono::NaiveDate::from_ymd_opt(year, 1, 1)))
        .count(c)
        .await?;
    let people = crate::people::count_visible(c, ctx).await?;
    Ok(ScopeSummary {
        roots,
        orgs_by_kind,
        venues,
        officers,
        people,
        surveys_this_year,
    })
}
