//! Accounts: users with a role, module grants and org roots; login with
//! throttling (no hard lock); sessions in the database; API tokens.

pub mod password;
pub mod session;
pub mod throttle;
pub mod token;

use chrono::{DateTime, Utc};
use domain::audit::{AuditAction, AuditEntity};
use domain::{
    access::{Grants, Module, Permission, Role, Scope},
    error::Invalid,
    password::{check_password_policy, generate_password},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    Ctx, DbError, DbResult,
    audit::Change,
    entity::{app_user, org, user_root},
    time::now,
};

/// Grant text marking the system administrator.
pub const SUPERUSER: &str = "superuser";

/// A new account as an admin (or the CLI) creates it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// None = generate one. Either way the account must change it at its
    /// first login (see [`create_user`]).
    pub password: Option<String>,
    pub view_roots: Vec<String>,
    pub capture_roots: Vec<String>,
}

/// How an account comes into being.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Handed to a person: the password policy applies and the first login
    /// must change the password.
    HandedOut,
    /// Published with seeded data (`jinguo demo`, benchmark data, test
    /// fixtures): the password is known to everyone who reads the seed, so no
    /// policy applies to it and no change is forced. Operator only.
    Seeded,
}

fn valid_username(u: &str) -> bool {
    (2..=32).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Creates an account; returns it with the initial password (to hand over
/// once). The password, given or generated, passes the policy and must be
/// changed at the account's first login.
pub async fn create_user(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &NewUser,
) -> DbResult<(app_user::Model, String)> {
    insert_user(c, ctx, input, Origin::HandedOut).await
}

/// Creates an account of seeded data whose password is published with it
/// (`jinguo demo`'s "Jinguo@2020", benchmark data, test fixtures): skips the
/// password policy and the forced change, explicitly. Only the operator (the
/// command line) may; no web route calls this.
pub async fn create_seeded_user(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &NewUser,
) -> DbResult<(app_user::Model, String)> {
    if !ctx.scope.operator {
        return Err(DbError::forbidden("只有命令行可以创建示范数据的账号"));
    }
    insert_user(c, ctx, input, Origin::Seeded).await
}

async fn insert_user(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    input: &NewUser,
    origin: Origin,
) -> DbResult<(app_user::Model, String)> {
    ctx.require(Module::Users, Permission::Admin)?;
    let mut inv = Invalid::new();
    let username = input.username.trim().to_lowercase();
    if !valid_username(&username) {
        inv.push("username", "用户名应为2-32位字母、数字、下划线、点或连字符");
    }
    if input.display_name.trim().is_empty() {
        inv.push("display_name", "姓名不能为空");
    }
    let password = match &input.password {
        Some(p) => {
            if origin == Origin::HandedOut {
                inv.check("password", check_password_policy(p, &username));
            }
            p.clone()
        }
        None => generate_password(),
    };
    if input.view_roots.is_empty() && input.capture_roots.is_empty() {
        inv.push("roots", "请至少选择一个可查看或可录入的组织");
    }
    inv.into_result()?;
    let mut roots = Vec::new();
    for (kind, codes) in [
        ("view", &input.view_roots),
        ("capture", &input.capture_roots),
    ] {
        for code in codes {
            // An admin can only hand out what she can reach herself.
            let o = crate::org::find_capturable(c, ctx, code)
                .await
                .map_err(|e| match e {
                    DbError::NotFound => {
                        DbError::invalid("roots", format!("组织编码「{code}」不存在或无权授予"))
                    }
                    e => e,
                })?;
            roots.push((kind, o.id));
        }
    }
    if app_user::Entity::find()
        .filter(app_user::Column::Username.eq(&username))
        .count(c)
        .await?
        > 0
    {
        return Err(DbError::invalid(
            "username",
            format!("用户名「{username}」已被使用"),
        ));
    }
    let t = now();
    let user = app_user::ActiveModel {
        username: Set(username.clone()),
        display_name: Set(input.display_name.trim().into()),
        password_hash: Set(password::hash(password.clone()).await),
        role: Set(input.role.code().into()),
        grants: Set(String::new()),
        must_change_password: Set(origin == Origin::HandedOut),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        last_login_ip: Set(None),
        password_changed_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await
    .map_err(|e| DbError::from_write(e, "用户名已被使用"))?;
    for (kind, org_id) in roots {
        user_root::ActiveModel {
            user_id: Set(user.id),
            org_id: Set(org_id),
            kind: Set(kind.into()),
        }
        .insert(c)
        .await
        .map_err(|e| DbError::from_write(e, "组织重复"))?;
    }
    let seeded = if origin == Origin::Seeded {
        "，示范数据账号，密码随数据公开"
    } else {
        ""
    };
    Change::new(AuditAction::Create, AuditEntity::User, &user.username, format!("新建账号「{}」（{}）{seeded}", user.username, input.role.label()))
        .after(&serde_json::json!({"username": user.username, "role": user.role, "display_name": user.display_name, "must_change_password": user.must_change_password}))
        .write(c, ctx)
        .await?;
    Ok((user, password))
}

/// The scope a signed-in user acts with: role grants plus extra grants, and the
/// current paths of her org roots.
pub async fn load_scope(c: &impl ConnectionTrait, user: &app_user::Model) -> DbResult<Scope> {
    let mut grants = Role::from_code(&user.role)
        .map(Role::default_grants)
        .unwrap_or_default();
    grants = grants.union(&Grants::from_text(&user.grants));
    // One query for the roots and their paths: this runs on every request.
    let roots: Vec<(String, String)> = user_root::Entity::find()
        .select_only()
        .column(user_root::Column::Kind)
        .column(org::Column::Path)
        .join(
            sea_orm::JoinType::InnerJoin,
            crate::scope::org_join(user_root::Entity, user_root::Column::OrgId),
        )
        .filter(user_root::Column::UserId.eq(user.id))
        .order_by_asc(user_root::Column::OrgId)
        .into_tuple()
        .all(c)
        .await?;
    let paths_of = |kind: &str| -> Vec<String> {
        roots
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, p)| p.clone())
            .collect()
    };
    Ok(Scope {
        // The system administrator created at first start (before any org exists)
        // acts with the operator's authority, like the CLI.
        operator: user.grants.split(',').any(|g| g.trim() == SUPERUSER),
        user_id: Some(user.id),
        username: user.username.clone(),
        grants,
        view_roots: paths_of("view"),
        capture_roots: paths_of("capture"),
    })
}

/// Why a login was refused. Shown in Chinese; none of them tells a stranger
/// whether a username exists: unknown and wrong are the same answer, every
/// username tried is throttled alike, and "disabled" needs the right password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    BadCredentials,
    /// Too many failures for this username or from this address: attempts are
    /// refused until then.
    Throttled {
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    Disabled,
}

impl LoginError {
    pub fn message(&self) -> String {
        match self {
            LoginError::BadCredentials => "用户名或密码错误".into(),
            LoginError::Throttled { until, now } => format!(
                "登录失败次数过多，请{}后再试",
                throttle::wait_text(*until, *now)
            ),
            LoginError::Disabled => "账号已停用，请联系管理员".into(),
        }
    }
}

/// The previous login, shown after signing in.
#[derive(Debug, Clone)]
pub struct LastLogin {
    pub at: Option<DateTime<Utc>>,
    pub ip: Option<String>,
}

/// Checks a password under the default throttle, now.
pub async fn authenticate(
    db: &crate::Db,
    username: &str,
    pw: &str,
    ip: Option<String>,
) -> DbResult<Result<(app_user::Model, LastLogin), LoginError>> {
    authenticate_with(
        db,
        &throttle::ThrottlePolicy::default(),
        username,
        pw,
        ip,
        now(),
    )
    .await
}

/// Checks a password at time `t`: refused without checking while the username
/// or the address is delayed; a failure counts against both and may start a
/// (logged) delay; a success clears the username's count.
///
/// The account and the delays are read on the writer's connection (so the
/// latest failure counts) and the password is checked outside any
/// transaction: a hash takes tens of ms, and on SQLite a transaction holds
/// the one writer connection. Each outcome's bookkeeping (the count, the
/// account's last login, the audit rows) is then written in one transaction.
pub async fn authenticate_with(
    db: &crate::Db,
    policy: &throttle::ThrottlePolicy,
    username: &str,
    pw: &str,
    ip: Option<String>,
    t: DateTime<Utc>,
) -> DbResult<Result<(app_user::Model, LastLogin), LoginError>> {
    use throttle::Key;
    let c = &db.conn;
    let username: String = username.trim().to_lowercase().chars().take(64).collect();
    let anon = Ctx::new(
        Scope {
            user_id: None,
            username: username.clone(),
            grants: Grants::default(),
            view_roots: Vec::new(),
            capture_roots: Vec::new(),
            operator: false,
        },
        ip.clone(),
    );
    let mut keys = vec![Key::account(&username)];
    keys.extend(ip.as_deref().map(Key::ip));
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(&username))
        .one(c)
        .await?;
    // The owner signing in from the address of her last sign-in isn't held up
    // by a delay that failures elsewhere put on her username (so a stranger
    // can't keep her out by failing every 15 minutes); her address's own
    // count still applies. Anyone else, and any unknown username, is checked
    // under both keys alike.
    let from_home = ip.is_some()
        && user
            .as_ref()
            .is_some_and(|u| u.last_login_ip.is_some() && u.last_login_ip == ip);
    let checked: &[Key] = if from_home { &keys[1..] } else { &keys };
    if let Some(until) = throttle::blocked_until(c, checked, t).await? {
        db.write(async |tx| {
            Change::new(
                AuditAction::LoginFailed,
                AuditEntity::User,
                &username,
                "登录失败：失败次数过多，暂停登录中",
            )
            .write(tx, &anon)
            .await
        })
        .await?;
        return Ok(Err(LoginError::Throttled { until, now: t }));
    }
    let verified = match &user {
        Some(u) => password::verify(pw.to_string(), u.password_hash.clone()).await,
        None => {
            // As slow as a real check: the time doesn't tell either.
            password::dummy_verify(pw.to_string()).await;
            false
        }
    };
    let user = match user {
        Some(u) if verified => u,
        other => {
            return db
                .write(async |tx| {
                    let counted = throttle::record_failure(tx, policy, &keys, t).await?;
                    let why = if other.is_some() {
                        let n = counted
                            .iter()
                            .find(|f| matches!(f.key, Key::Account(_)))
                            .map_or(1, |f| f.failures);
                        format!("登录失败：密码错误（第{n}次）")
                    } else {
                        "登录失败：用户名不存在".to_string()
                    };
                    Change::new(AuditAction::LoginFailed, AuditEntity::User, &username, why)
                        .write(tx, &anon)
                        .await?;
                    let mut latest = None;
                    for (d, until) in counted
                        .iter()
                        .filter_map(|f| f.until.map(|until| (f, until)))
                    {
                        let wait = throttle::wait_text(until, t);
                        tracing::warn!(key = ?d.key, failures = d.failures, %wait, "login throttled");
                        Change::new(
                            AuditAction::LoginThrottled,
                            AuditEntity::User,
                            &username,
                            format!(
                                "登录失败次数过多：{}已连续失败{}次，暂停登录{wait}",
                                d.key.label(),
                                d.failures
                            ),
                        )
                        .write(tx, &anon)
                        .await?;
                        if !(from_home && matches!(d.key, Key::Account(_))) {
                            latest = latest.max(Some(until));
                        }
                    }
                    Ok(Err(match latest {
                        Some(until) => LoginError::Throttled { until, now: t },
                        None => LoginError::BadCredentials,
                    }))
                })
                .await;
        }
    };
    if user.disabled {
        db.write(async |tx| {
            Change::new(
                AuditAction::LoginFailed,
                AuditEntity::User,
                &username,
                "登录失败：账号已停用",
            )
            .write(tx, &anon)
            .await
        })
        .await?;
        return Ok(Err(LoginError::Disabled));
    }
    db.write(async move |tx| {
        throttle::clear(tx, &Key::account(&username)).await?;
        let last = LastLogin {
            at: user.last_login_at,
            ip: user.last_login_ip.clone(),
        };
        let mut am = user.into_active_model();
        am.last_login_at = Set(Some(t));
        am.last_login_ip = Set(ip.clone());
        let user = am.update(tx).await?;
        let ctx = Ctx::new(
            Scope {
                user_id: Some(user.id),
                ..anon.scope
            },
            ip,
        );
        Change::new(
            AuditAction::Login,
            AuditEntity::User,
            &user.username,
            "登录成功",
        )
        .write(tx, &ctx)
        .await?;
        Ok(Ok((user, last)))
    })
    .await
}

/// What a password change or reset ended, for its audit row.
fn revoked_text(sessions: u64, tokens: u64, others: bool) -> String {
    let which = if others { "其他" } else { "全部" };
    format!("，已退出{which}{sessions}个登录会话，吊销{tokens}个API令牌")
}

/// The user changes her own password (also the forced first-login change).
/// Every other session of hers ends and every API token of hers is revoked:
/// whoever had the old password (or a token made with it) is out. `keep` is
/// the session token of the request making the change, which stays.
pub async fn change_password(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    user_id: i64,
    old: &str,
    new: &str,
    keep: Option<&str>,
) -> DbResult<()> {
    let user = app_user::Entity::find_by_id(user_id)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if !password::verify(old.to_string(), user.password_hash.clone()).await {
        return Err(DbError::invalid("old_password", "原密码不正确"));
    }
    if old == new {
        return Err(DbError::invalid("new_password", "新密码不能与原密码相同"));
    }
    check_password_policy(new, &user.username).map_err(|m| DbError::invalid("new_password", m))?;
    let mut am = user.into_active_model();
    am.password_hash = Set(password::hash(new.to_string()).await);
    am.must_change_password = Set(false);
    am.password_changed_at = Set(Some(now()));
    am.updated_at = Set(now());
    let user = am.update(c).await?;
    let sessions = session::delete_for_user_except(c, user.id, keep).await?;
    let tokens = token::revoke_all_for_user(c, user.id).await?;
    Change::new(
        AuditAction::ChangePassword,
        AuditEntity::User,
        &user.username,
        format!("修改密码{}", revoked_text(sessions, tokens, true)),
    )
    .after(&serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens}))
    .write(c, ctx)
    .await?;
    Ok(())
}

/// Admin action: a new temporary password (returned once, to be changed at
/// the next login); ends every session and revokes every API token of the
/// account, and lifts its login delay.
pub async fn reset_password(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    username: &str,
) -> DbResult<String> {
    let user = find_manageable(c, ctx, username).await?;
    let pw = generate_password();
    let mut am = user.into_active_model();
    am.password_hash = Set(password::hash(pw.clone()).await);
    am.must_change_password = Set(true);
    am.failed_logins = Set(0);
    am.locked_until = Set(None);
    am.updated_at = Set(now());
    let user = am.update(c).await?;
    let sessions = session::delete_for_user_except(c, user.id, None).await?;
    let tokens = token::revoke_all_for_user(c, user.id).await?;
    throttle::clear(c, &throttle::Key::account(&user.username)).await?;
    Change::new(
        AuditAction::ResetPassword,
        AuditEntity::User,
        &user.username,
        format!("重置密码{}", revoked_text(sessions, tokens, false)),
    )
    .after(&serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens}))
    .write(c, ctx)
    .await?;
    Ok(pw)
}

/// Admin action: disable (lock) or re-enable an account. Disabling ends its sessions.
pub async fn set_disabled(
    c: &DatabaseTransaction,
    ctx: &Ctx,
    username: &str,
    disabled: bool,
) -> DbResult<()> {
    let user = find_manageable(c, ctx, username).await?;
    let mut am = user.into_active_model();
    am.disabled = Set(disabled);
    am.locked_until = Set(None);
    am.failed_logins = Set(0);
    am.updated_at = Set(now());
    let user = am.update(c).await?;
    if disabled {
        session::delete_for_user(c, user.id).await?;
    } else {
        // 启用/解锁 also lifts a login delay of the account.
        throttle::clear(c, &throttle::Key::account(&user.username)).await?;
    }
    let what = if disabled {
        "停用账号"
    } else {
        "启用账号"
    };
    Change::new(
        if disabled {
            AuditAction::Lock
        } else {
            AuditAction::Unlock
        },
        AuditEntity::User,
        &user.username,
        what,
    )
    .write(c, ctx)
    .await?;
    Ok(())
}

/// A user the caller may administer: the operator, or an admin whose capture
/// roots cover all of the user's roots.
pub async fn find_manageable(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    username: &str,
) -> DbResult<app_user::Model> {
    ctx.require(Module::Users, Permission::Admin)?;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username.trim().to_lowercase()))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)?;
    if ctx.scope.operator {
        return Ok(user);
    }
    let scope = load_scope(c, &user).await?;
    let all_roots = scope.view_roots.iter().chain(scope.capture_roots.iter());
    let mut any = false;
    for r in all_roots {
        any = true;
        if !ctx.scope.can_capture_path(r) {
            return Err(DbError::NotFound);
        }
    }
    if !any {
        return Err(DbError::NotFound);
    }
    Ok(user)
}

/// Users the caller may administer.
pub async fn list_users(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
) -> DbResult<Vec<(app_user::Model, Scope)>> {
    let (rows, _) = page_users(c, ctx, &UserQuery::default(), 1, i64::MAX as u64).await?;
    Ok(rows)
}

/// One page of the users the caller may administer, filtered in the database;
/// returns the page (with each account's scope) and the total.
pub async fn page_users(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    query: &UserQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<(app_user::Model, Scope)>, u64)> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    ctx.require(Module::Users, Permission::Admin)?;
    let mut find =
        app_user::Entity::find().filter(crate::scope::manageable_users_condition(&ctx.scope));
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        find = find.filter(
            sea_orm::Condition::any()
                .add(crate::scope::contains_text(
                    app_user::Column::Username,
                    &q.to_lowercase(),
                ))
                .add(crate::scope::contains_text(
                    app_user::Column::DisplayName,
                    q,
                )),
        );
    }
    if let Some(code) = query
        .org
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let path = crate::org::find_visible(c, ctx, code).await?.path;
        let rooted_there = Query::select()
            .column((user_root::Entity, user_root::Column::UserId))
            .from(user_root::Entity)
            .inner_join(
                org::Entity,
                Expr::col((org::Entity, org::Column::Id))
                    .equals((user_root::Entity, user_root::Column::OrgId)),
            )
            .and_where(Expr::col((org::Entity, org::Column::Path)).like(format!("{path}%")))
            .to_owned();
        find = find.filter(app_user::Column::Id.in_subquery(rooted_there));
    }
    let total = find.clone().count(c).await?;
    let users = find
        .order_by_asc(app_user::Column::Username)
        .offset(Ord::max(page, 1).saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        let s = load_scope(c, &u).await?;
        out.push((u, s));
    }
    Ok((out, total))
}

pub async fn count_users(c: &impl ConnectionTrait) -> DbResult<u64> {
    Ok(app_user::Entity::find().count(c).await?)
}

pub async fn find_by_id(c: &impl ConnectionTrait, id: i64) -> DbResult<Option<app_user::Model>> {
    Ok(app_user::Entity::find_by_id(id).one(c).await?)
}

/// First start on an empty database: creates the system administrator with a
/// generated password (printed once by the caller). Returns None when any
/// account already exists.
pub async fn bootstrap_admin(c: &DatabaseTransaction) -> DbResult<Option<(String, String)>> {
    if count_users(c).await? > 0 {
        return Ok(None);
    }
    let pw = generate_password();
    let t = now();
    app_user::ActiveModel {
        username: Set("admin".into()),
        display_name: Set("系统管理员".into()),
        password_hash: Set(password::hash(pw.clone()).await),
        role: Set(Role::CountyAdmin.code().into()),
        grants: Set(SUPERUSER.into()),
        must_change_password: Set(true),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        last_login_at: Set(None),
        last_login_ip: Set(None),
        password_changed_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(c)
    .await?;
    Change::new(
        AuditAction::Create,
        AuditEntity::User,
        "admin",
        "首次启动：创建系统管理员",
    )
    .write(c, &Ctx::operator())
    .await?;
    Ok(Some(("admin".into(), pw)))
}

/// One account as the admin list shows it: the user with her roots as orgs.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: app_user::Model,
    pub capture_orgs: Vec<org::Model>,
    pub view_orgs: Vec<org::Model>,
    /// Until when login attempts under this username are refused, if now.
    pub login_paused_until: Option<DateTime<Utc>>,
}

/// Filters of the admin list.
#[derive(Debug, Default, Clone)]
pub struct UserQuery {
    /// A fragment of the username or the person's name.
    pub q: Option<String>,
    /// Org code: accounts with a root in that org's subtree.
    pub org: Option<String>,
}

/// Users the caller may administer, filtered and paged, with their roots as
/// orgs; returns the page and the total.
pub async fn list_user_rows(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    query: &UserQuery,
    page: u64,
    per_page: u64,
) -> DbResult<(Vec<UserRow>, u64)> {
    let (page_rows, total) = page_users(c, ctx, query, page, per_page).await?;
    let paths: Vec<String> = page_rows
        .iter()
        .flat_map(|(_, s)| s.view_roots.iter().chain(s.capture_roots.iter()).cloned())
        .collect();
    let orgs = org::Entity::find()
        .filter(org::Column::Path.is_in(paths))
        .all(c)
        .await?;
    let by_path = |roots: &[String]| -> Vec<org::Model> {
        roots
            .iter()
            .filter_map(|r| orgs.iter().find(|o| &o.path == r).cloned())
            .collect()
    };
    let t = now();
    let keys: Vec<String> = page_rows
        .iter()
        .map(|(u, _)| format!("account:{}", u.username))
        .collect();
    let paused = crate::entity::login_throttle::Entity::find()
        .filter(crate::entity::login_throttle::Column::Key.is_in(keys))
        .filter(crate::entity::login_throttle::Column::BlockedUntil.gt(t))
        .all(c)
        .await?;
    let rows = page_rows
        .into_iter()
        .map(|(user, s)| UserRow {
            capture_orgs: by_path(&s.capture_roots),
            view_orgs: by_path(&s.view_roots),
            login_paused_until: paused
                .iter()
                .find(|p| p.key == format!("account:{}", user.username))
                .and_then(|p| p.blocked_until),
            user,
        })
        .collect();
    Ok((rows, total))
}

/// The sign-in before the current one (time and IP), from the audit trail: the
/// account row only holds the latest, which is the current session's.
pub async fn previous_login(
    c: &impl ConnectionTrait,
    username: &str,
) -> DbResult<Option<(chrono::DateTime<Utc>, Option<String>)>> {
    use sea_orm::QuerySelect;

    use crate::entity::audit_log;
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("user"))
        .filter(audit_log::Column::EntityId.eq(username))
        .filter(audit_log::Column::Action.eq("login"))
        .order_by_desc(audit_log::Column::Id)
        .limit(2)
        .all(c)
        .await?;
    Ok(rows.into_iter().nth(1).map(|r| (r.at, r.ip)))
}
