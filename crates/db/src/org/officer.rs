//! Officers (干部): a person holding a post in an org for a term.

use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    input::Checked,
    kinds::{Post, Tenure},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbResult,
    audit::Change,
    entity::{officer, org, person},
    scope::{org_join, view_condition},
    time::now,
};

/// A checked post (`domain::foundation::officer::OfficerDraft::validate`)
/// with its person and org found: what [`upsert`] writes.
#[derive(Debug, Clone)]
pub struct OfficerInput {
    pub person_id: i64,
    pub org: org::Model,
    pub post: Post,
    pub tenure: Option<Tenure>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    _checked: Checked,
}

impl OfficerInput {
    pub fn of(
        input: &domain::foundation::officer::OfficerInput,
        person_id: i64,
        org: org::Model,
    ) -> Self {
        OfficerInput {
            person_id,
            org,
            post: input.post,
            tenure: input.tenure,
            term_start: input.term_start,
            term_end: input.term_end,
            _checked: input.checked,
        }
    }
}

/// The row of a post not on file yet.
fn new_row(input: &OfficerInput, at: chrono::DateTime<chrono::Utc>) -> officer::ActiveModel {
    officer::ActiveModel {
        person_id: Set(input.person_id),
        org_id: Set(input.org.id),
        post: Set(input.post.code().into()),
        tenure: Set(input.tenure.map(|x| x.code().into())),
        term_start: Set(input.term_start),
        term_end: Set(input.term_end),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
}

/// The (person, org, post) triples on file among these people.
pub(crate) async fn posts_of(
    c: &impl ConnectionTrait,
    person_ids: &[i64],
) -> DbResult<std::collections::HashSet<(i64, i64, String)>> {
    let mut found = std::collections::HashSet::new();
    for chunk in person_ids.chunks(crate::batch::size(c, crate::batch::Rows::Keys)) {
        let rows: Vec<(i64, i64, String)> = officer::Entity::find()
            .select_only()
            .column(officer::Column::PersonId)
            .column(officer::Column::OrgId)
            .column(officer::Column::Post)
            .filter(officer::Column::PersonId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Registers posts none of which is on file (a ledger import: the caller
/// checked each org's capture scope, the terms and [`posts_of`]), in
/// multi-row statements, with the audit rows [`upsert`] writes.
pub(crate) async fn create_many(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    inputs: &[OfficerInput],
) -> DbResult<()> {
    ctx.require(Module::Org, Permission::Write)?;
    let t = now();
    let orgs: std::collections::HashMap<i64, &org::Model> =
        inputs.iter().map(|i| (i.org.id, &i.org)).collect();
    let mut changes = Vec::with_capacity(inputs.len());
    let rows: Vec<_> = inputs.iter().map(|input| new_row(input, t)).collect();
    for row in crate::batch::insert_returning(c, crate::batch::Rows::Narrow, rows).await? {
        let label = Post::from_code(&row.post).map_or("", |p| p.label());
        changes.push(
            Change::new(
                AuditAction::Create,
                AuditEntity::Officer,
                row.id,
                format!("登记「{}」{label}", orgs[&row.org_id].name),
            )
            .org(row.org_id)
            .after(&row),
        );
    }
    crate::audit::write_many(c, ctx, changes).await
}

/// Creates the post, or updates the same (person, org, post).
/// The caller has already checked capture scope on `input.org`.
pub async fn upsert(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &OfficerInput,
) -> DbResult<(officer::Model, bool)> {
    ctx.require(Module::Org, Permission::Write)?;
    let existing = officer::Entity::find()
        .filter(officer::Column::PersonId.eq(input.person_id))
        .filter(officer::Column::OrgId.eq(input.org.id))
        .filter(officer::Column::Post.eq(input.post.code()))
        .one(c)
        .await?;
    let t = now();
    match existing {
        Some(before) => {
            let mut am = before.clone().into_active_model();
            am.tenure = Set(input.tenure.map(|x| x.code().into()));
            am.term_start = Set(input.term_start);
            am.term_end = Set(input.term_end);
            am.updated_at = Set(t);
            let after = am.update(c).await?;
            if after
                != (officer::Model {
                    updated_at: after.updated_at,
                    ..before.clone()
                })
            {
                Change::new(
                    AuditAction::Update,
                    AuditEntity::Officer,
                    after.id,
                    format!("修改「{}」{}任职", input.org.name, input.post.label()),
                )
                .org(input.org.id)
                .before(&before)
                .after(&after)
                .write(c, ctx)
                .await?;
            }
            Ok((after, false))
        }
        None => {
            let row = new_row(input, t).insert(c).await?;
            Change::new(
                AuditAction::Create,
                AuditEntity::Officer,
                row.id,
                format!("登记「{}」{}", input.org.name, input.post.label()),
            )
            .org(input.org.id)
            .after(&row)
            .write(c, ctx)
            .await?;
            Ok((row, true))
        }
    }
}

/// An officer row with the person's display fields (never the plaintext ID).
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfficerView {
    pub id: i64,
    pub person_id: i64,
    pub name: String,
    pub id_masked: String,
    pub org_code: String,
    pub org_name: String,
    pub post: String,
    pub tenure: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
}

/// Officers of one org (or its visible subtree).
pub async fn list_for_org(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
    subtree: bool,
) -> DbResult<Vec<OfficerView>> {
    ctx.require(Module::Org, Permission::Read)?;
    let mut q = officer::Entity::find()
        .join(
            JoinType::InnerJoin,
            org_join(officer::Entity, officer::Column::OrgId),
        )
        .filter(view_condition(&ctx.scope, (org::Entity, org::Column::Path)));
    q = if subtree {
        q.filter(org::Column::Path.starts_with(&o.path))
    } else {
        q.filter(officer::Column::OrgId.eq(o.id))
    };
    let rows = q
        .select_also(org::Entity)
        .order_by_asc(officer::Column::OrgId)
        .order_by_asc(officer::Column::Post)
        .order_by_asc(officer::Column::Id)
        .all(c)
        .await?;
    let person_ids: Vec<i64> = rows.iter().map(|(x, _)| x.person_id).collect();
    let people: std::collections::HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    // Aggregate-only callers (上级查看) see the posts, not who holds them.
    let named = ctx.scope.sees_person_names();
    Ok(rows
        .into_iter()
        .filter_map(|(x, o)| o.map(|o| (x, o)))
        .map(|(x, o)| {
            let p = people.get(&x.person_id).filter(|_| named);
            OfficerView {
                id: x.id,
                person_id: x.person_id,
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                id_masked: p.map(|p| p.id_masked.clone()).unwrap_or_default(),
                org_code: o.code,
                org_name: o.name,
                post: domain::kinds::Post::from_code(&x.post)
                    .map_or(x.post.clone(), |p| p.label().into()),
                tenure: x
                    .tenure
                    .as_deref()
                    .and_then(Tenure::from_code)
                    .map(|t| t.label().into()),
                term_start: x.term_start,
                term_end: x.term_end,
            }
        })
        .collect())
}
