//! Accounts: login with lockout, the forced first password change, sessions
//! and API tokens.

mod common;

use db::{
    Db,
    account::{self, LoginError, NewUser, session, throttle::ThrottlePolicy, token},
    entity::{api_token, app_user, audit_log, login_throttle},
    sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter},
    testing::{self, MAOPING, TestDb},
};
use domain::access::Role;

async fn user_row(db: &Db, username: &str) -> app_user::Model {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&db.conn)
        .await
        .unwrap()
        .expect("user exists")
}

async fn failed_login_rows(db: &Db, username: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("login_failed"))
        .filter(audit_log::Column::EntityId.eq(username))
        .count(&db.conn)
        .await
        .unwrap()
}

async fn login(db: &Db, user: &str, pw: &str) -> Result<i64, LoginError> {
    account::authenticate(db, user, pw, Some("10.0.0.8".into()))
        .await
        .expect("no db error")
        .map(|(u, _)| u.id)
}

async fn throttle_failures(db: &Db, key: &str) -> Option<i32> {
    login_throttle::Entity::find_by_id(key.to_string())
        .one(&db.conn)
        .await
        .unwrap()
        .map(|r| r.failures)
}

#[tokio::test]
async fn five_wrong_passwords_delay_the_account_even_against_the_right_one_until_the_delay_ends() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let (name, pw) = testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let policy = ThrottlePolicy::default();

    let mut results = Vec::new();
    for _ in 0..policy.account_free {
        results.push(login(db, &name, "Wrong#Pass2020").await);
    }
    let with_right_password = login(db, &name, &pw).await;

    assert!(
        results[..4]
            .iter()
            .all(|r| *r == Err(LoginError::BadCredentials)),
        "{results:?}"
    );
    assert!(
        matches!(results[4], Err(LoginError::Throttled { .. })),
        "{:?}",
        results[4]
    );
    assert!(matches!(
        with_right_password,
        Err(LoginError::Throttled { .. })
    ));
    assert_eq!(failed_login_rows(db, "mp").await, 6);
    assert_eq!(user_row(db, "mp").await.last_login_at, None);
    // Past the delay (30 s by default) the right password signs in: no hard lock.
    let later = chrono::Utc::now() + policy.base + chrono::Duration::seconds(1);
    let ok = account::authenticate_with(db, &policy, &name, &pw, Some("10.0.0.8".into()), later)
        .await
        .unwrap();
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test]
async fn a_right_password_before_the_fifth_failure_resets_the_counter() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let (name, pw) = testing::user(db, "mp", Role::TownshipChair, MAOPING).await;

    for _ in 0..4 {
        assert_eq!(
            login(db, &name, "Wrong#Pass2020").await,
            Err(LoginError::BadCredentials)
        );
    }
    assert_eq!(throttle_failures(db, "account:mp").await, Some(4));
    let ok = login(db, &name, &pw).await;
    assert_eq!(ok, Ok(user_row(db, "mp").await.id));
    let after_success = user_row(db, "mp").await;
    assert_eq!(throttle_failures(db, "account:mp").await, None);
    assert_eq!(after_success.last_login_ip.as_deref(), Some("10.0.0.8"));

    // Four more failures are again below the limit.
    for _ in 0..4 {
        assert_eq!(
            login(db, &name, "Wrong#Pass2020").await,
            Err(LoginError::BadCredentials)
        );
    }
    assert_eq!(login(db, &name, &pw).await, Ok(after_success.id));
    assert_eq!(failed_login_rows(db, "mp").await, 8);
}

#[tokio::test]
async fn an_unknown_username_is_bad_credentials_and_audited() {
    let t = TestDb::new().await;
    let db = &t.db;

    assert_eq!(
        login(db, "nobody", "Jinguo#2020test").await,
        Err(LoginError::BadCredentials)
    );
    assert_eq!(failed_login_rows(db, "nobody").await, 1);
}

#[tokio::test]
async fn a_new_user_must_change_her_password_and_the_policy_applies() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    let (created, pw) = db
        .write(async |tx| {
            account::create_user(
                tx,
                &testing::operator(),
                &NewUser {
                    username: "Mp".into(),
                    display_name: "茅坪镇妇联主席".into(),
                    role: Role::TownshipChair,
                    password: None,
                    view_roots: vec![MAOPING.into()],
                    capture_roots: vec![MAOPING.into()],
                },
            )
            .await
        })
        .await
        .expect("create user");
    let name = created.username.clone();
    assert_eq!(name, "mp");
    let ctx = testing::ctx_of(db, &name).await;
    let id = created.id;
    assert!(user_row(db, &name).await.must_change_password);
    assert_eq!(login(db, &name, &pw).await, Ok(id));

    let weak = db
        .write(async |tx| account::change_password(tx, &ctx, id, &pw, "abc12345", None).await)
        .await;
    assert_eq!(common::invalid_fields(weak), ["new_password"]);
    let wrong_old = db
        .write(async |tx| {
            account::change_password(tx, &ctx, id, "Not#TheOld1", "Str0ng#Pass2021", None).await
        })
        .await;
    assert_eq!(common::invalid_fields(wrong_old), ["old_password"]);
    assert!(user_row(db, &name).await.must_change_password);

    db.write(async |tx| account::change_password(tx, &ctx, id, &pw, "Str0ng#Pass2021", None).await)
        .await
        .expect("strong password accepted");

    let stored = user_row(db, &name).await;
    assert!(!stored.must_change_password);
    assert!(stored.password_changed_at.is_some());
    assert_eq!(login(db, &name, "Str0ng#Pass2021").await, Ok(id));
    assert_eq!(login(db, &name, &pw).await, Err(LoginError::BadCredentials));
    assert_eq!(
        common::audit_rows(db, "change_password", "user", &name)
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_session_loads_its_user_until_it_is_deleted() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let id = user_row(db, "mp").await.id;

    let tok = db
        .write(async |tx| {
            session::create(tx, id, Some("10.0.0.8".into()), Some("Mozilla/5.0".into())).await
        })
        .await
        .unwrap();
    let loaded = session::load(db, &tok).await.unwrap();
    assert_eq!(loaded.map(|u| u.username).as_deref(), Some("mp"));
    assert_eq!(session::load(db, "not-a-session").await.unwrap(), None);

    session::delete(db, &tok).await.unwrap();

    assert_eq!(session::load(db, &tok).await.unwrap(), None);
    assert_eq!(
        db::entity::session::Entity::find()
            .count(&db.conn)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_disabled_users_sessions_end() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let id = user_row(db, "mp").await.id;
    let tok = db
        .write(async |tx| session::create(tx, id, None, None).await)
        .await
        .unwrap();

    db.write(async |tx| account::set_disabled(tx, &testing::operator(), "mp", true).await)
        .await
        .unwrap();

    assert_eq!(session::load(db, &tok).await.unwrap(), None);
    assert_eq!(
        login(db, "mp", "Jinguo#2020test").await,
        Err(LoginError::Disabled)
    );
}

#[tokio::test]
async fn an_api_token_authenticates_its_user_until_revoked_and_is_stored_hashed() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    let ctx = testing::ctx_of(db, "mp").await;

    let (row, plaintext) = db
        .write(async |tx| token::create(tx, &ctx, "市妇联数据对接").await)
        .await
        .unwrap();

    let stored = api_token::Entity::find_by_id(row.id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.token_hash, plaintext);
    assert!(!stored.token_hash.contains(&plaintext[3..]));
    assert!(plaintext.starts_with(&stored.prefix));
    let user = token::authenticate(db, &plaintext).await.unwrap();
    assert_eq!(user.map(|u| u.id), ctx.user_id());
    assert_eq!(
        token::authenticate(db, &stored.token_hash).await.unwrap(),
        None
    );

    db.write(async |tx| token::revoke(tx, &ctx, row.id).await)
        .await
        .unwrap();

    assert_eq!(token::authenticate(db, &plaintext).await.unwrap(), None);
    let revoked = api_token::Entity::find_by_id(row.id)
        .one(&db.conn)
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        common::audit_rows(db, "revoke", "api_token", &row.id.to_string())
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn another_township_chair_cannot_revoke_a_token() {
    let t = TestDb::new().await;
    let db = &t.db;
    testing::county(db).await;
    testing::user(db, "mp", Role::TownshipChair, MAOPING).await;
    testing::user(db, "gz", Role::TownshipChair, testing::GUIZHOU).await;
    let (mp, gz) = (
        testing::ctx_of(db, "mp").await,
        testing::ctx_of(db, "gz").await,
    );
    let (row, plaintext) = db
        .write(async |tx| token::create(tx, &mp, "对接").await)
        .await
        .unwrap();

    let r = db
        .write(async |tx| token::revoke(tx, &gz, row.id).await)
        .await;

    // Not even told the token exists.
    assert!(matches!(r, Err(db::DbError::NotFound)), "{r:?}");
    assert!(token::authenticate(db, &plaintext).await.unwrap().is_some());
}

#[tokio::test]
async fn the_account_list_pages_only_accounts_wholly_inside_the_admins_subtree() {
    use testing::{COUNTY, GUIZHOU, MAOPING_VILLAGE};
    let t = TestDb::new().await;
    testing::county(&t.db).await;
    testing::user(&t.db, "mp_admin", Role::CountyAdmin, MAOPING).await;
    testing::user(&t.db, "mp_village", Role::VillageChair, MAOPING_VILLAGE).await;
    testing::user(&t.db, "mp_chair", Role::TownshipChair, MAOPING).await;
    testing::user(&t.db, "gz_chair", Role::TownshipChair, GUIZHOU).await;
    testing::user(&t.db, "county_staff", Role::CountyStaff, COUNTY).await;
    let ctx = testing::ctx_of(&t.db, "mp_admin").await;
    let names = |rows: Vec<(app_user::Model, domain::access::Scope)>| {
        rows.into_iter()
            .map(|(u, _)| u.username)
            .collect::<Vec<_>>()
    };

    let (first, total) =
        account::page_users(&t.db.conn, &ctx, &account::UserQuery::default(), 1, 2)
            .await
            .unwrap();
    assert_eq!(total, 3);
    assert_eq!(names(first), ["mp_admin", "mp_chair"]);
    let (second, _) = account::page_users(&t.db.conn, &ctx, &account::UserQuery::default(), 2, 2)
        .await
        .unwrap();
    assert_eq!(names(second), ["mp_village"]);

    let in_village = account::UserQuery {
        q: None,
        org: Some(MAOPING_VILLAGE.into()),
    };
    let (rows, total) = account::page_users(&t.db.conn, &ctx, &in_village, 1, 50)
        .await
        .unwrap();
    assert_eq!((names(rows), total), (vec!["mp_village".to_string()], 1));

    let by_name = account::UserQuery {
        q: Some("CHAIR".into()),
        org: None,
    };
    let (rows, _) = account::page_users(&t.db.conn, &ctx, &by_name, 1, 50)
        .await
        .unwrap();
    assert_eq!(names(rows), ["mp_chair"]);
}

#[tokio::test]
async fn forgotten_throttle_rows_are_pruned_by_the_next_failure() {
    let t = TestDb::new().await;
    let db = &t.db;
    let policy = ThrottlePolicy::default();
    let now = chrono::Utc::now();
    for name in ["old1", "old2"] {
        login(db, name, "Wrong#Pass2020").await.unwrap_err();
    }
    assert!(throttle_failures(db, "account:old1").await.is_some());

    let later = now + policy.forget_after + chrono::Duration::minutes(1);
    account::authenticate_with(db, &policy, "new", "Wrong#Pass2020", None, later)
        .await
        .unwrap()
        .unwrap_err();

    assert_eq!(throttle_failures(db, "account:old1").await, None);
    assert_eq!(throttle_failures(db, "account:old2").await, None);
    assert_eq!(throttle_failures(db, "account:new").await, Some(1));
}
