//! Server-side sessions in our own table: the cookie holds a random token, the
//! table holds its SHA-256, so a leaked database can't be replayed as cookies.
//!
//! We don't use tower-sessions here: its cookie is `Secure` by default (login
//! silently fails over plain HTTP on a county intranet), and we need the idle
//! timeout, per-user revocation and audit in our own schema anyway.
//!
//! A session ends after [`SessionPolicy::idle`] without a request and, however
//! busy, [`SessionPolicy::absolute`] after it began.

use chrono::Duration;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::{
    DbResult,
    entity::{app_user, session},
    time::now,
};

pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends after this long without a request (default 30 minutes).
    pub idle: Duration,
    /// Ends this long after sign-in, however active (default 12 hours).
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(IDLE_MINUTES),
            absolute: Duration::hours(ABSOLUTE_HOURS),
        }
    }
}

impl SessionPolicy {
    fn expired(
        &self,
        created: chrono::DateTime<chrono::Utc>,
        seen: chrono::DateTime<chrono::Utc>,
        t: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        t - seen > self.idle || t - created > self.absolute
    }
}

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
    c: &DatabaseTransaction,
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

/// The session's user under the default [`SessionPolicy`].
pub async fn load(db: &crate::Db, token: &str) -> DbResult<Option<app_user::Model>> {
    Ok(load_with(db, token, &SessionPolicy::default())
        .await?
        .map(|(u, _)| u))
}

/// The session's user (and when the session began), if the token is valid and
/// the session neither idle past the timeout nor older than its lifetime.
/// Touches `last_seen_at` at most once a minute to keep writes low.
/// Reads through the read pool; only the rare touch or expiry writes.
pub async fn load_with(
    db: &crate::Db,
    token: &str,
    policy: &SessionPolicy,
) -> DbResult<Option<(app_user::Model, chrono::DateTime<chrono::Utc>)>> {
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
    // The two writes below are single statements of a reader's bookkeeping
    // (no audit row, no data version), outside any transaction on purpose.
    if policy.expired(s.created_at, s.last_seen_at, t) {
        session::Entity::delete_by_id(s.id).exec(&db.conn).await?;
        return Ok(None);
    }
    let created = s.created_at;
    if t - s.last_seen_at > Duration::seconds(60) {
        let mut am = s.into_active_model();
        am.last_seen_at = Set(t);
        am.update(&db.conn).await?;
    }
    Ok(user.filter(|u| !u.disabled).map(|u| (u, created)))
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
    created: chrono::DateTime<chrono::Utc>,
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
    load_cached_with(db, token, &SessionPolicy::default()).await
}

/// [`load_cached`] under `policy`. A cached answer is never older than the
/// session's lifetime: past it, the database is asked (and ends it).
pub async fn load_cached_with(
    db: &crate::Db,
    token: &str,
    policy: &SessionPolicy,
) -> DbResult<Option<SignedIn>> {
    let version = db.seen.current(&db.read).await?;
    let key = digest(token);
    let t = now();
    if let Some(hit) = db.caches.sessions.get(&key, version)
        && t - hit.at < Duration::seconds(RECHECK_SECONDS)
        && !policy.expired(hit.created, hit.at, t)
    {
        return Ok(Some(SignedIn {
            user: hit.user.clone(),
            scope: hit.scope.clone(),
            version,
        }));
    }
    let Some((user, created)) = load_with(db, token, policy).await? else {
        db.caches.sessions.remove(&key);
        return Ok(None);
    };
    let scope = super::load_scope(&db.read, &user).await?;
    let checked = Checked {
        user: user.clone(),
        scope: scope.clone(),
        at: t,
        created,
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
    db.write(async |tx| {
        session::Entity::delete_by_id(key.clone()).exec(tx).await?;
        crate::version::bump(tx).await
    })
    .await?;
    db.caches.sessions.remove(&key);
    Ok(())
}

pub async fn delete_for_user(c: &DatabaseTransaction, user_id: i64) -> DbResult<()> {
    delete_for_user_except(c, user_id, None).await?;
    Ok(())
}

/// Ends every session of a user but the one of `keep` (a session token);
/// returns how many ended. The caller's audited change moves the data
/// version, so no server answers the ended ones from its cache.
pub async fn delete_for_user_except(
    c: &DatabaseTransaction,
    user_id: i64,
    keep: Option<&str>,
) -> DbResult<u64> {
    let mut q = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(digest(k)));
    }
    Ok(q.exec(c).await?.rows_affected)
}
