//! Server-side sessions in our own table: the cookie holds a random token, the
//! table holds its SHA-256, so a leaked database can't be replayed as cookies.
//!
//! We don't use tower-sessions here: its cookie is `Secure` by default (login
//! silently fails over plain HTTP on a county intranet), and we need the idle
//! timeout, per-user revocation and audit in our own schema anyway.

use chrono::Duration;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::{
    DbResult,
    entity::{app_user, session},
    time::now,
};

pub const IDLE_MINUTES: i64 = 30;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_token(prefix: &str) -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    format!("{prefix}{}", hex::encode(b))
}

/// Starts a session; returns the token for the cookie.
pub async fn create(
    c: &impl ConnectionTrait,
    user_id: i64,
    ip: Option<String>,
    user_agent: Option<String>,
) -> DbResult<String> {
    let token = random_token("");
    let t = now();
    session::ActiveModel {
        id: Set(digest(&token)),
        user_id: Set(user_id),
        created_at: Set(t),
        last_seen_at: Set(t),
        ip: Set(ip),
        user_agent: Set(user_agent.map(|u| u.chars().take(200).collect())),
    }
    .insert(c)
    .await?;
    Ok(token)
}

/// The session's user, if the token is valid and not idle past the timeout.
/// Touches `last_seen_at` at most once a minute to keep writes low.
/// Reads through the read pool; only the rare touch or expiry writes.
pub async fn load(db: &crate::Db, token: &str) -> DbResult<Option<app_user::Model>> {
    let c = &db.read;
    // Session and user in one query: this runs on every request.
    let found = session::Entity::find_by_id(digest(token))
        .join(
            sea_orm::JoinType::InnerJoin,
            session::Entity::belongs_to(app_user::Entity)
                .from(session::Column::UserId)
                .to(app_user::Column::Id)
                .into(),
        )
        .select_also(app_user::Entity)
        .one(c)
        .await?;
    let Some((s, user)) = found else {
        return Ok(None);
    };
    let t = now();
    if t - s.last_seen_at > Duration::minutes(IDLE_MINUTES) {
        session::Entity::delete_by_id(s.id).exec(&db.conn).await?;
        return Ok(None);
    }
    if t - s.last_seen_at > Duration::seconds(60) {
        let mut am = s.into_active_model();
        am.last_seen_at = Set(t);
        am.update(&db.conn).await?;
    }
    Ok(user.filter(|u| !u.disabled))
}

pub async fn delete(c: &impl ConnectionTrait, token: &str) -> DbResult<()> {
    session::Entity::delete_by_id(digest(token)).exec(c).await?;
    Ok(())
}

pub async fn delete_for_user(c: &impl ConnectionTrait, user_id: i64) -> DbResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}
