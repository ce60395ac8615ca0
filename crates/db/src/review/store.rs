//! Saved review choices: an org's outline (reused next year) and its draft
//! per period. The JSON belongs to the `report` crate (`Outline`, `Edits`);
//! here it is only checked to be JSON, scoped and audited. Reading needs
//! 统计盘点 read, saving needs 统计盘点 write on an org the caller may change.
//! An org without an outline of its own uses its nearest ancestor's
//! ([`outline_in_use`]): a county's outline serves its townships and villages.

use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{org, review_draft, review_outline},
    org::{find_capturable, find_visible},
    time::now,
};

/// Longest JSON accepted (an outline is a few kilobytes).
const MAX_JSON: usize = 256 * 1024;

fn check_json(json: &str) -> DbResult<serde_json::Value> {
    if json.len() > MAX_JSON {
        return Err(DbError::invalid("json", "内容过长"));
    }
    serde_json::from_str(json)
        .map_err(|e| DbError::invalid("json", format!("不是有效的 JSON：{e}")))
}

/// The saved outline of the org, if any.
pub async fn load_outline(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
) -> DbResult<Option<String>> {
    ctx.require(Module::Review, Permission::Read)?;
    let o = find_visible(c, ctx, org_code).await?;
    Ok(review_outline::Entity::find()
        .filter(review_outline::Column::OrgId.eq(o.id))
        .one(c)
        .await?
        .map(|r| r.json))
}

/// The outline an org's reviews use, and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineInUse {
    pub json: String,
    /// The org that saved it: the org itself or one of its ancestors.
    pub org_code: String,
    pub org_name: String,
    /// True when the org saved it itself.
    pub own: bool,
}

/// The org's own saved outline, else its nearest ancestor's (today's tree),
/// else None: the default outline. Naming the ancestor reveals nothing
/// outside the caller's reach — it is above an org the caller sees, and its
/// outline is what the caller's review is written after.
pub async fn outline_in_use(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
) -> DbResult<Option<OutlineInUse>> {
    ctx.require(Module::Review, Permission::Read)?;
    let o = find_visible(c, ctx, org_code).await?;
    // The path lists the org's ancestors root first, then the org itself.
    let chain: Vec<i64> = o.path.split('/').filter_map(|s| s.parse().ok()).collect();
    let saved = review_outline::Entity::find()
        .filter(review_outline::Column::OrgId.is_in(chain.iter().copied()))
        .all(c)
        .await?;
    let Some(nearest) = chain
        .iter()
        .rev()
        .find_map(|id| saved.iter().find(|r| r.org_id == *id))
    else {
        return Ok(None);
    };
    let owner = if nearest.org_id == o.id {
        o.clone()
    } else {
        match org::Entity::find_by_id(nearest.org_id).one(c).await? {
            Some(owner) => owner,
            None => return Ok(None),
        }
    };
    Ok(Some(OutlineInUse {
        json: nearest.json.clone(),
        own: owner.id == o.id,
        org_code: owner.code,
        org_name: owner.name,
    }))
}

/// Saves (replaces) the org's outline.
pub async fn save_outline(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    org_code: &str,
    json: &str,
) -> DbResult<()> {
    ctx.require(Module::Review, Permission::Write)?;
    let value = check_json(json)?;
    let o = find_capturable(c, ctx, org_code).await?;
    let old = review_outline::Entity::find()
        .filter(review_outline::Column::OrgId.eq(o.id))
        .one(c)
        .await?;
    let before = old
        .as_ref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.json).ok());
    let row = match old {
        Some(r) => {
            let mut m: review_outline::ActiveModel = r.into();
            m.json = Set(json.to_string());
            m.updated_at = Set(now());
            m.update(c).await?
        }
        None => {
            review_outline::ActiveModel {
                org_id: Set(o.id),
                json: Set(json.to_string()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(c)
            .await?
        }
    };
    let mut change = Change::new(
        AuditAction::SaveReviewOutline,
        AuditEntity::ReviewOutline,
        row.id,
        format!("保存「{}」的盘点提纲", o.name),
    )
    .org(o.id)
    .after(&value);
    if let Some(b) = before {
        change = change.before(&b);
    }
    change.write(c, ctx).await
}

/// The saved draft of the org for a period (its canonical text, e.g. "2020").
pub async fn load_draft(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    org_code: &str,
    period: &str,
) -> DbResult<Option<String>> {
    ctx.require(Module::Review, Permission::Read)?;
    let o = find_visible(c, ctx, org_code).await?;
    Ok(review_draft::Entity::find()
        .filter(review_draft::Column::OrgId.eq(o.id))
        .filter(review_draft::Column::Period.eq(period.trim()))
        .one(c)
        .await?
        .map(|r| r.json))
}

/// Saves (replaces) the org's draft for a period.
pub async fn save_draft(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    org_code: &str,
    period: &str,
    json: &str,
) -> DbResult<()> {
    ctx.require(Module::Review, Permission::Write)?;
    let period = period.trim();
    domain::date::Period::parse(period).map_err(|e| DbError::invalid("period", e))?;
    let value = check_json(json)?;
    let o = find_capturable(c, ctx, org_code).await?;
    let old = review_draft::Entity::find()
        .filter(review_draft::Column::OrgId.eq(o.id))
        .filter(review_draft::Column::Period.eq(period))
        .one(c)
        .await?;
    let before = old
        .as_ref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.json).ok());
    let row = match old {
        Some(r) => {
            let mut m: review_draft::ActiveModel = r.into();
            m.json = Set(json.to_string());
            m.updated_at = Set(now());
            m.update(c).await?
        }
        None => {
            review_draft::ActiveModel {
                org_id: Set(o.id),
                period: Set(period.to_string()),
                json: Set(json.to_string()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(c)
            .await?
        }
    };
    let mut change = Change::new(
        AuditAction::SaveReviewDraft,
        AuditEntity::ReviewDraft,
        row.id,
        format!("保存「{}」{period}盘点草稿", o.name),
    )
    .org(o.id)
    .after(&value);
    if let Some(b) = before {
        change = change.before(&b);
    }
    change.write(c, ctx).await
}
