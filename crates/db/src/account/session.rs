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

/// A signed-in request's user and scope, and the data version it reads at.
pub struct SignedIn {
    pub user: app_user::Model,
    pub scope: domain::access::Scope,
    pub version: i64,
}

/// A session as last checked against the database.
pub struct Checked {
    user: app_user::Model,
    scope: domain::access::Scope,
    at: chrono::DateTime<chrono::Utc>,
}

/// How long a checked session answers without asking the database again
/// (the once-a-minute touch of `last_seen_at` happens on that visit).
const RECHECK_SECONDS: i64 = 60;

/// [`load`] and the user's scope, kept per session and data version: every
/// request needs them, and they change only with an audited change (role,
/// roots, password, disabling: the version moves and the next request reads
/// the database) or a sign-out (which moves it too). At most once a minute a
/// session is checked against the database anyway, for the idle timeout.
pub async fn load_cached(db: &crate::Db, token: &str) -> DbResult<Option<SignedIn>> {
    let version = db.seen.current(&db.read).await?;
    let key = digest(token);
    let t = now();
    if let Some(hit) = db.caches.sessions.get(&key, version)
        && t - hit.at < Duration::seconds(RECHECK_SECONDS)
    {
        return Ok(Some(SignedIn {
            user: hit.user.clone(),
            scope: hit.scope.clone(),
            version,
        }));
    }
    let Some(user) = load(db, token).await? else {
        db.caches.sessions.remove(&key);
        return Ok(None);
    };
    let scope = super::load_scope(&db.read, &user).await?;
    let checked = Checked {
        user: user.clone(),
        scope: scope.clone(),
        at: t,
    };
    db.caches
        .sessions
        .put(key, version, std::sync::Arc::new(checked), 1);
    Ok(Some(SignedIn {
        user,
        scope,
        version,
    }))
}

/// Signs a session out: its row goes and the data version moves, so no
/// server (this one or another on the same database) answers it from a cache.
pub async fn delete(db: &crate::Db, token: &str) -> DbResult<()> {
    let key = digest(token);
    session::Entity::delete_by_id(key.clone())
        .exec(&db.conn)
        .await?;
    crate::version::bump(&db.conn).await?;
    db.caches.sessions.remove(&key);
    Ok(())
}

pub async fn delete_for_user(c: &impl ConnectionTrait, user_id: i64) -> DbResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(c)
        .await?;
    Ok(())
}
