//! Organizations (组织): the federation tree, with history of moves, plus the
//! venues, officers, surveys and standardization checklist hung on it.

pub mod browse;
pub mod bulk;
pub mod checklist;
pub mod officer;
pub mod refs;
pub mod summary;
pub mod survey;
pub mod tree;
pub mod venue;
pub mod workbook;

use chrono::NaiveDate;
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Module, Permission},
    error::Invalid,
    kinds::OrgKind,
    orgcode::validate_org_code,
    search::normalize,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{org, org_tree_history},
    scope::{capture_condition, view_condition},
    time::now,
};

pub use domain::foundation::org::{OrgChange, OrgInput};

/// The first day of the tree: an org's original placement is valid "forever
/// before", so an as-of query on any past date finds it.
pub fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default()
}

/// Finds an org by code among those the caller may see.
pub async fn find_visible(c: &impl ConnectionTrait, ctx: &Ctx, code: &str) -> DbResult<org::Model> {
    ctx.require(Module::Org, Permission::Read)?;
    org::Entity::find()
        .filter(org::Column::Code.eq(code.trim()))
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Finds an org by id among those the caller may see.
pub async fn find_visible_id(c: &impl ConnectionTrait, ctx: &Ctx, id: i64) -> DbResult<org::Model> {
    org::Entity::find_by_id(id)
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Finds an org the caller may change (record against, edit, hang children under).
pub async fn find_capturable(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    code: &str,
) -> DbResult<org::Model> {
    let o = find_visible(c, ctx, code).await?;
    if !ctx.scope.can_capture_path(&o.path) {
        return Err(not_capturable(&o));
    }
    Ok(o)
}

/// The refusal for an org the caller may see but not record for (shared
/// with the batch lookups of [`refs`]).
pub(crate) fn not_capturable(o: &org::Model) -> DbError {
    DbError::forbidden(format!("无权在「{}」下录入或修改", o.name))
}

/// The field error for an org code that is unknown or out of reach.
pub(crate) fn unknown_ref(field: &str, code: &str) -> DbError {
    DbError::invalid(
        field,
        format!("组织编码「{}」不存在或无权录入", code.trim()),
    )
}

/// [`find_capturable`] for a reference typed by the user: an unknown or
/// unreachable code becomes a field error naming `field`.
pub async fn find_capturable_ref(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    code: &str,
    field: &str,
) -> DbResult<org::Model> {
    find_capturable(c, ctx, code).await.map_err(|e| match e {
        DbError::NotFound => unknown_ref(field, code),
        e => e,
    })
}

/// Unscoped lookup by code, for resolving references inside an already
/// authorized operation (e.g. a ledger row's parent code).
pub async fn find_by_code(c: &impl ConnectionTrait, code: &str) -> DbResult<Option<org::Model>> {
    Ok(org::Entity::find()
        .filter(org::Column::Code.eq(code.trim()))
        .one(c)
        .await?)
}

/// The row of a new org, its path left empty until its id is known.
fn new_row(
    input: &OrgInput,
    parent: Option<&org::Model>,
    t: chrono::DateTime<chrono::Utc>,
) -> org::ActiveModel {
    org::ActiveModel {
        code: Set(input.code.clone()),
        name: Set(input.name.clone()),
        kind: Set(input.kind.code().to_string()),
        new_field_type: Set(input.new_field_type.map(|n| n.code().to_string())),
        parent_id: Set(parent.map(|p| p.id)),
        path: Set(String::new()),
        depth: Set(parent.map_or(0, |p| p.depth + 1)),
        founded_on: Set(input.founded_on),
        closed_on: Set(None),
        search_text: Set(normalize(&format!("{} {}", input.name, input.code))),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
}

/// The tree path of org `id` under `parent` (a root's is `/id/`).
fn path_under(parent: Option<&org::Model>, id: i64) -> String {
    format!("{}{id}/", parent.map_or("/", |p| p.path.as_str()))
}

/// A new org's placement in the tree history, valid "forever before".
fn first_placement(o: &org::Model) -> org_tree_history::ActiveModel {
    org_tree_history::ActiveModel {
        org_id: Set(o.id),
        parent_id: Set(o.parent_id),
        path: Set(o.path.clone()),
        valid_from: Set(epoch()),
        valid_to: Set(None),
        ..Default::default()
    }
}

/// The audit row of a new org, holding it as stored.
fn created(o: &org::Model) -> Change {
    Change::new(
        AuditAction::Create,
        AuditEntity::Org,
        &o.code,
        format!("新建组织「{}」", o.name),
    )
    .org(o.id)
    .after(o)
}

/// The one check of an org that needs its parent: does its code fit the
/// parent's (the fields themselves were checked by `OrgDraft::validate`).
pub(crate) fn fits_parent(input: &OrgInput, parent: Option<&org::Model>) -> Result<(), Invalid> {
    let parent_key = parent.and_then(|p| OrgKind::from_code(&p.kind).map(|k| (p.code.as_str(), k)));
    let mut inv = Invalid::new();
    inv.check(
        "code",
        validate_org_code(&input.code, input.kind, parent_key),
    );
    inv.into_result()
}

/// Creates an org under `parent_code` (root orgs only by the operator).
pub async fn create(c: &DatabaseTransaction, ctx: &Ctx, input: &OrgInput) -> DbResult<org::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let parent = match input
        .parent_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(code) => Some(find_capturable(c, ctx, code).await.map_err(|e| match e {
            DbError::NotFound => {
                DbError::invalid("parent_code", format!("上级组织编码「{code}」不存在"))
            }
            e => e,
        })?),
        None if ctx.scope.operator => None,
        None => return Err(DbError::invalid("parent_code", "请选择上级组织")),
    };
    fits_parent(input, parent.as_ref())?;
    if find_by_code(c, &input.code).await?.is_some() {
        return Err(DbError::Invalid(Invalid::single(
            "code",
            format!("组织编码「{}」已存在", input.code),
        )));
    }
    let row = new_row(input, parent.as_ref(), now())
        .insert(c)
        .await
        .map_err(|e| DbError::from_write(e, "组织编码已存在"))?;
    let path = path_under(parent.as_ref(), row.id);
    let mut am = row.into_active_model();
    am.path = Set(path);
    let row = am.update(c).await?;
    first_placement(&row).insert(c).await?;
    created(&row).write(c, ctx).await?;
    Ok(row)
}

/// Updates name, founding date and new-field type of org `code`. Kind and
/// code are fixed once records hang on an org; moving is [`tree::move_org`].
pub async fn update(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    code: &str,
    change: &OrgChange,
) -> DbResult<org::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let before = find_capturable(c, ctx, code).await?;
    let mut am = before.clone().into_active_model();
    am.name = Set(change.name.clone());
    am.founded_on = Set(change.founded_on);
    if before.kind == OrgKind::NewField.code() {
        am.new_field_type = Set(change.new_field_type.map(|n| n.code().to_string()));
    }
    am.search_text = Set(normalize(&format!("{} {}", change.name, before.code)));
    am.updated_at = Set(now());
    let after = am.update(c).await?;
    if after
        != (org::Model {
            updated_at: after.updated_at,
            ..before.clone()
        })
    {
        Change::new(
            AuditAction::Update,
            AuditEntity::Org,
            &after.code,
            format!("修改组织「{}」", after.name),
        )
        .org(after.id)
        .before(&before)
        .after(&after)
        .write(c, ctx)
        .await?;
    }
    Ok(after)
}

/// Closes (撤销) an org. Its records stay; it no longer counts from that date.
pub async fn close(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    code: &str,
    on: NaiveDate,
) -> DbResult<org::Model> {
    ctx.require(Module::Org, Permission::Write)?;
    let before = find_capturable(c, ctx, code).await?;
    if before.parent_id.is_none() {
        return Err(DbError::Conflict("不能撤销根组织".into()));
    }
    let open_children = org::Entity::find()
        .filter(org::Column::ParentId.eq(before.id))
        .filter(org::Column::ClosedOn.is_null())
        .count(c)
        .await?;
    if open_children > 0 {
        return Err(DbError::Conflict(format!(
            "「{}」下还有{}个未撤销的下级组织，请先迁移或撤销它们",
            before.name, open_children
        )));
    }
    let mut am = before.clone().into_active_model();
    am.closed_on = Set(Some(on));
    am.updated_at = Set(now());
    let after = am.update(c).await?;
    Change::new(
        AuditAction::Close,
        AuditEntity::Org,
        &after.code,
        format!("撤销组织「{}」", after.name),
    )
    .org(after.id)
    .before(&before)
    .after(&after)
    .write(c, ctx)
    .await?;
    Ok(after)
}

/// Direct children of an org, visible to the caller, open ones first.
pub async fn children(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    parent_id: i64,
) -> DbResult<Vec<org::Model>> {
    Ok(org::Entity::find()
        .filter(org::Column::ParentId.eq(parent_id))
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .order_by_asc(org::Column::Code)
        .all(c)
        .await?)
}

/// Search and list visible orgs: by name or code fragment, optionally under one org.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct OrgQuery {
    pub q: Option<String>,
    pub under: Option<String>,
    pub kind: Option<String>,
    pub include_closed: bool,
}

pub async fn list(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    query: &OrgQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<org::Model>, u64)> {
    ctx.require(Module::Org, Permission::Read)?;
    let mut q = org::Entity::find().filter(view_condition(&ctx.scope, org::Column::Path));
    if let Some(text) = query.q.as_deref().map(normalize).filter(|s| !s.is_empty()) {
        q = q.filter(crate::scope::contains_text(org::Column::SearchText, &text));
    }
    if let Some(code) = query.under.as_deref().filter(|s| !s.trim().is_empty()) {
        let root = find_visible(c, ctx, code).await?;
        q = q.filter(org::Column::Path.starts_with(&root.path));
    }
    if let Some(kind) = query.kind.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(org::Column::Kind.eq(kind));
    }
    if !query.include_closed {
        q = q.filter(org::Column::ClosedOn.is_null());
    }
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_asc(org::Column::Depth)
        .order_by_asc(org::Column::Code)
        .offset((page.max(1) - 1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// Every org the caller may see, for the tree browser and pickers.
pub async fn all_visible(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<org::Model>> {
    ctx.require(Module::Org, Permission::Read)?;
    Ok(org::Entity::find()
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .order_by_asc(org::Column::Depth)
        .order_by_asc(org::Column::Code)
        .all(c)
        .await?)
}

/// [`all_visible`] through the database's cache (per scope and data
/// version): list pages offer them as a filter on every view.
pub async fn all_visible_cached(
    db: &crate::Db,
    ctx: &Ctx,
) -> DbResult<std::sync::Arc<Vec<org::Model>>> {
    ctx.require(Module::Org, Permission::Read)?;
    let c = &db.read;
    let version = crate::version::of(c, ctx).await?;
    db.caches
        .visible_orgs
        .get_or_compute(
            crate::scope::key(&ctx.scope),
            version,
            Vec::len,
            async || all_visible(c, ctx).await,
        )
        .await
}

/// Orgs the caller may record against (for form pickers).
pub async fn all_capturable(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<org::Model>> {
    Ok(org::Entity::find()
        .filter(capture_condition(&ctx.scope, org::Column::Path))
        .filter(org::Column::ClosedOn.is_null())
        .order_by_asc(org::Column::Depth)
        .order_by_asc(org::Column::Code)
        .all(c)
        .await?)
}

/// The chain of ancestors (root first) of an org, limited to what the caller sees.
pub async fn ancestors(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    o: &org::Model,
) -> DbResult<Vec<org::Model>> {
    let ids: Vec<i64> = o
        .path
        .split('/')
        .filter_map(|s| s.parse().ok())
        .filter(|id| *id != o.id)
        .collect();
    Ok(org::Entity::find()
        .filter(org::Column::Id.is_in(ids))
        .filter(view_condition(&ctx.scope, org::Column::Path))
        .order_by_asc(org::Column::Depth)
        .all(c)
        .await?)
}
