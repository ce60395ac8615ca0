//! API tokens for other systems: shown once, stored hashed, revocable, and
//! scoped exactly like their user.

use domain::access::{Module, Permission};
use domain::audit::{AuditAction, AuditEntity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};

use super::session::random_token;
use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{api_token, app_user},
    time::now,
};

const PREFIX: &str = "jg_";

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a token for the caller herself; returns the plaintext once.
pub async fn create(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    name: &str,
) -> DbResult<(api_token::Model, String)> {
    let user_id = ctx
        .user_id()
        .ok_or_else(|| DbError::forbidden("令牌只能由登录用户为自己创建"))?;
    if name.trim().is_empty() || name.chars().count() > 50 {
        return Err(DbError::invalid("name", "请填写令牌用途（不超过50个字）"));
    }
    let token = random_token(PREFIX);
    let row = api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.trim().into()),
        token_hash: Set(digest(&token)),
        prefix: Set(token.chars().take(10).collect()),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::ApiToken,
        row.id,
        format!("创建API令牌「{}」", row.name),
    )
    .write(c, ctx)
    .await?;
    Ok((row, token))
}

pub async fn list_own(c: &impl ConnectionTrait, ctx: &Ctx) -> DbResult<Vec<api_token::Model>> {
    let Some(user_id) = ctx.user_id() else {
        return Ok(Vec::new());
    };
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(c)
        .await?)
}

/// Revokes one of the caller's tokens (an admin of the user may revoke too).
pub async fn revoke(c: &DatabaseTransaction, ctx: &Ctx, id: i64) -> DbResult<()> {
    let row = api_token::Entity::find_by_id(id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if ctx.user_id() != Some(row.user_id) {
        let owner = app_user::Entity::find_by_id(row.user_id)
            .one(c)
            .await?
            .ok_or(DbError::NotFound)?;
        // Someone else's token: only her administrator may revoke it, and others
        // are not told that the id exists.
        ctx.require(Module::Users, Permission::Admin)
            .map_err(|_| DbError::NotFound)?;
        super::find_manageable(c, ctx, &owner.username).await?;
    }
    let mut am = row.into_active_model();
    am.revoked_at = Set(Some(now()));
    let row = am.update(c).await?;
    Change::new(
        AuditAction::Revoke,
        AuditEntity::ApiToken,
        row.id,
        format!("吊销API令牌「{}」", row.name),
    )
    .write(c, ctx)
    .await?;
    Ok(())
}

/// Revokes every live token of a user (a password change or reset); returns
/// how many. The caller's audit row says so.
pub async fn revoke_all_for_user(c: &DatabaseTransaction, user_id: i64) -> DbResult<u64> {
    let res = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(now())),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected)
}

/// The user behind a bearer token, if it is valid and not revoked (read
/// through the read pool; the once-a-minute touch writes).
pub async fn authenticate(db: &crate::Db, token: &str) -> DbResult<Option<app_user::Model>> {
    let c = &db.read;
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let user_id = row.user_id;
    let t = now();
    if row
        .last_used_at
        .is_none_or(|u| t - u > chrono::Duration::seconds(60))
    {
        // A reader's bookkeeping: one statement, no audit row, no version.
        let mut am = row.into_active_model();
        am.last_used_at = Set(Some(t));
        am.update(&db.conn).await?;
    }
    Ok(app_user::Entity::find_by_id(user_id)
        .one(c)
        .await?
        .filter(|u| !u.disabled))
}
