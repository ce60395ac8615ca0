//! Field surveys (调研) of grassroots federations, keyed by (org, date).

use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbResult,
    audit::Change,
    entity::{org, survey},
    org::find_capturable_ref,
    scope::{org_join, view_condition},
    time::now,
};

pub use domain::foundation::survey::SurveyInput;

pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &SurveyInput,
) -> DbResult<(survey::Model, bool)> {
    ctx.require(Module::Org, Permission::Write)?;
    let o = find_capturable_ref(c, ctx, &input.org_code, "org_code").await?;
    let existing = survey::Entity::find()
        .filter(survey::Column::OrgId.eq(o.id))
        .filter(survey::Column::Date.eq(input.date))
        .one(c)
        .await?;
    let t = now();
    match existing {
        Some(before) => {
            let mut am = before.clone().into_active_model();
            am.surveyor = Set(input.surveyor.clone());
            am.shortcomings = Set(input.shortcomings.clone());
            am.highlights = Set(input.highlights.clone());
            am.updated_at = Set(t);
            let after = am.update(c).await?;
            if after
                != (survey::Model {
                    updated_at: after.updated_at,
                    ..before.clone()
                })
            {
                Change::new(
                    AuditAction::Update,
                    AuditEntity::Survey,
                    after.id,
                    format!("修改对「{}」的调研", o.name),
                )
                .org(o.id)
                .before(&before)
                .after(&after)
                .write(c, ctx)
                .await?;
            }
            Ok((after, false))
        }
        None => {
            let row = survey::ActiveModel {
                org_id: Set(o.id),
                date: Set(input.date),
                surveyor: Set(input.surveyor.clone()),
                shortcomings: Set(input.shortcomings.clone()),
                highlights: Set(input.highlights.clone()),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(c)
            .await?;
            Change::new(
                AuditAction::Create,
                AuditEntity::Survey,
                row.id,
                format!("登记对「{}」的调研", o.name),
            )
            .org(o.id)
            .after(&row)
            .write(c, ctx)
            .await?;
            Ok((row, true))
        }
    }
}

/// Surveys of an org's visible subtree, newest first.
pub async fn list_under(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
) -> DbResult<Vec<(survey::Model, org::Model)>> {
    ctx.require(Module::Org, Permission::Read)?;
    let rows = survey::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(survey::Entity, survey::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)))
        .filter(org::Column::Path.starts_with(&o.path))
        .select_also(org::Entity)
        .order_by_desc(survey::Column::Date)
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, o)| o.map(|o| (for_reader(ctx, s), o)))
        .collect())
}

/// A survey as `ctx` may read it: 调研人 are people, so aggregate-only
/// callers (上级查看) see the findings, not who made them.
pub(crate) fn for_reader(ctx: &Ctx, mut s: survey::Model) -> survey::Model {
    if !ctx.scope.sees_person_names() {
        s.surveyor = None;
    }
    s
}
