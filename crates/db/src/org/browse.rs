//! Reading the tree for people: the top of the caller's scope, child counts for
//! a lazily opened tree, an org's recent work (activities included), a page of
//! its subtree's surveys, and the programmes (品牌项目) hanging on the tree.
//! All scoped by [`view_condition`].

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::access::{Module, Permission};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::{
    Ctx, DbResult,
    entity::{activity, org, programme, survey, venue},
    scope::{org_join, view_condition},
};

/// The orgs at the top of the caller's scope (a root nested under another
/// root is dropped: it shows up inside the outer one).
pub async fn visible_roots(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<org::Model>> {
    ctx.require(Module::Org, Permission::Read)?;
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
            .chain(&ctx.scope.capture_roots)
            .cloned()
            .collect();
        org::Entity::find()
            .filter(org::Column::Path.is_in(paths))
            .all(c)
            .await?
    };
    roots.sort_by(|a, b| (a.depth, &a.code).cmp(&(b.depth, &b.code)));
    roots.dedup_by_key(|o| o.id);
    let paths: Vec<String> = roots.iter().map(|o| o.path.clone()).collect();
    roots.retain(|o| {
        !paths
            .iter()
            .any(|p| p != &o.path && o.path.starts_with(p.as_str()))
    });
    Ok(roots)
}

/// How many orgs the caller sees (decides between a full and a lazy tree).
pub async fn count_visible(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<u64> {
    ctx.require(Module::Org, Permission::Read)?;
    Ok(org::Entity::find()
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .count(c)
        .await?)
}

/// Number of visible direct children of each of `parent_ids`.
pub async fn child_counts(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    parent_ids: &[i64],
) -> DbResult<HashMap<i64, u64>> {
    if parent_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i64>, i64)> = org::Entity::find()
        .select_only()
        .column(org::Column::ParentId)
        .column_as(org::Column::Id.count(), "n")
        .filter(org::Column::ParentId.is_in(parent_ids.iter().copied()))
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .group_by(org::Column::ParentId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(p, n)| p.map(|p| (p, n.max(0) as u64)))
        .collect())
}

/// One line of an org's "近期工作".
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecentItem {
    pub date: NaiveDate,
    /// 活动 / 调研 / 新建组织 / 阵地启用
    pub what: &'static str,
    pub text: String,
    pub org_code: String,
    /// Where the line leads: the activity, or the org.
    pub href: String,
}

/// The latest activities (for callers who read activities), surveys, newly
/// founded orgs and opened venues in the visible subtree of `o`, newest
/// first, at most `limit` lines.
pub async fn recent_work(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
    limit: u64,
) -> DbResult<Vec<RecentItem>> {
    ctx.require(Module::Org, Permission::Read)?;
    let path = (org::Entity, org::Column::Path);
    let surveys = survey::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(survey::Entity, survey::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .filter(org::Column::Path.starts_with(&o.path))
        .select_also(org::Entity)
        .order_by_desc(survey::Column::Date)
        .limit(limit)
        .all(c)
        .await?;
    let founded = org::Entity::find()
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .filter(org::Column::Path.starts_with(&o.path))
        .filter(org::Column::Id.ne(o.id))
        .filter(org::Column::FoundedOn.is_not_null())
        .order_by_desc(org::Column::FoundedOn)
        .limit(limit)
        .all(c)
        .await?;
    let venues = venue::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(venue::Entity, venue::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .filter(org::Column::Path.starts_with(&o.path))
        .filter(venue::Column::OpenedOn.is_not_null())
        .select_also(org::Entity)
        .order_by_desc(venue::Column::OpenedOn)
        .limit(limit)
        .all(c)
        .await?;
    // A user without activity access still sees the org page, minus activities.
    let activities = if ctx.scope.allows(Module::Activity, Permission::Read) {
        activity::Entity::find()
            .join(
                JoinType::InnerJoin,
                org_join(activity::Entity, activity::Column::OrgId),
            )
            .filter(view_condition(&ctx.scope, path))
            .filter(org::Column::Path.starts_with(&o.path))
            .select_also(org::Entity)
            .order_by_desc(activity::Column::StartDate)
            .order_by_desc(activity::Column::Id)
            .limit(limit)
            .all(c)
            .await?
    } else {
        Vec::new()
    };
    let org_href = |code: &str| format!("/orgs/{code}");
    let mut out: Vec<RecentItem> = Vec::new();
    for (a, ao) in activities {
        let Some(ao) = ao else { continue };
        out.push(RecentItem {
            date: a.start_date,
            what: "活动",
            text: if ao.id == o.id {
                a.name
            } else {
                format!("{}：{}", ao.name, a.name)
            },
            href: format!("/activities/{}", a.id),
            org_code: ao.code,
        });
    }
    for (s, so) in surveys {
        let Some(so) = so else { continue };
        out.push(RecentItem {
            date: s.date,
            what: "调研",
            text: format!("调研{}", so.name),
            href: org_href(&so.code),
            org_code: so.code,
        });
    }
    for f in founded {
        let Some(date) = f.founded_on else { continue };
        out.push(RecentItem {
            date,
            what: "新建组织",
            text: format!("成立{}", f.name),
            href: org_href(&f.code),
            org_code: f.code,
        });
    }
    for (v, vo) in venues {
        let (Some(date), Some(vo)) = (v.opened_on, vo) else {
            continue;
        };
        out.push(RecentItem {
            date,
            what: "阵地启用",
            text: format!("{}「{}」启用", vo.name, v.name),
            href: org_href(&vo.code),
            org_code: vo.code,
        });
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.date));
    out.truncate(limit as usize);
    Ok(out)
}

/// One page of the surveys in the visible subtree of `o`, newest first.
pub async fn surveys_page(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<(survey::Model, org::Model)>, u64)> {
    ctx.require(Module::Org, Permission::Read)?;
    let q = survey::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(survey::Entity, survey::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .filter(org::Column::Path.starts_with(&o.path));
    let total = q.clone().count(c).await?;
    let rows = q
        .select_also(org::Entity)
        .order_by_desc(survey::Column::Date)
        .order_by_desc(survey::Column::Id)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((
        rows.into_iter()
            .filter_map(|(s, o)| o.map(|o| (super::survey::for_reader(ctx, s), o)))
            .collect(),
        total,
    ))
}

/// A programme (品牌项目) as its list shows it.
#[derive(Debug, Clone)]
pub struct ProgrammeRow {
    pub programme: programme::Model,
    pub owner: org::Model,
    /// Activities under it that the caller sees.
    pub activities: u64,
}

/// Programmes the caller sees: owned by an org in her scope, or by an
/// ancestor of her scope (those she records under), by owner then name.
// Lives here rather than in `activity::programme` only because that file was
// being changed by another piece of work at the time; it reads the tree too.
pub async fn programmes(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<ProgrammeRow>> {
    ctx.require(Module::Activity, Permission::Read)?;
    let path = (org::Entity, org::Column::Path);
    let ancestors: Vec<i64> = ctx
        .scope
        .view_roots
        .iter()
        .chain(&ctx.scope.capture_roots)
        .flat_map(|p| p.split('/').filter_map(|s| s.parse::<i64>().ok()))
        .collect();
    let rows = programme::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(programme::Entity, programme::Column::OwnerOrgId),
        )
        .filter(
            Condition::any()
                .add(view_condition(&ctx.scope, path))
                .add(programme::Column::OwnerOrgId.is_in(ancestors)),
        )
        .select_also(org::Entity)
        .order_by_asc(org::Column::Depth)
        .order_by_asc(org::Column::Code)
        .order_by_asc(programme::Column::Name)
        .all(c)
        .await?;
    let counts: Vec<(Option<i64>, i64)> = activity::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(activity::Entity, activity::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, path))
        .filter(activity::Column::ProgrammeId.is_not_null())
        .select_only()
        .column(activity::Column::ProgrammeId)
        .column_as(activity::Column::Id.count(), "n")
        .group_by(activity::Column::ProgrammeId)
        .into_tuple()
        .all(c)
        .await?;
    let counts: HashMap<i64, u64> = counts
        .into_iter()
        .filter_map(|(p, n)| p.map(|p| (p, n.max(0) as u64)))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(p, o)| {
            o.map(|owner| ProgrammeRow {
                activities: counts.get(&p.id).copied().unwrap_or(0),
                programme: p,
                owner,
            })
        })
        .collect())
}
