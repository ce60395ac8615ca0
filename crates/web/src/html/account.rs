//! Login, logout, password change, and the user's own account page (last
//! login, API tokens).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::{account, entity::api_token};
use serde::Deserialize;

use super::Layout;
use crate::{
    AppState,
    auth::{
        COOKIE, ClientIp, PageUser, clear_cookie, cookie_value, is_https, safe_next, session_cookie,
    },
    error::PageResult,
    form::FormErrors,
};

pub fn router() -> axum::Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        error: None,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult<Response> {
    let next = safe_next(f.next.as_deref());
    let page = |error: String| LoginPage {
        error: Some(error),
        next: next.clone(),
        username: f.username.clone(),
    };
    // Throttled per username and per address in the database (no hard lock,
    // no sleeping here): see `db::account::throttle`.
    let outcome = account::authenticate_with(
        &state.db,
        &state.security.throttle,
        &f.username,
        &f.password,
        ip.clone(),
        db::time::now(),
    )
    .await?;
    match outcome {
        Err(e) => {
            let status = match e {
                account::LoginError::Throttled { .. } => axum::http::StatusCode::TOO_MANY_REQUESTS,
                _ => axum::http::StatusCode::UNAUTHORIZED,
            };
            Ok((status, page(e.message())).into_response())
        }
        Ok((user, last)) => {
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(String::from);
            let token = state
                .db
                .write(async |tx| account::session::create(tx, user.id, ip, ua).await)
                .await?;
            let to = if user.must_change_password {
                "/account/password".to_string()
            } else if last.at.is_some() {
                // Show the previous login on the home page once.
                format!(
                    "{}{}last=1",
                    next,
                    if next.contains('?') { "&" } else { "?" }
                )
            } else {
                next
            };
            let cookie = session_cookie(&token, is_https(&headers, state.config.trust_proxy));
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response())
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> PageResult<Response> {
    if let Some(token) = cookie_value(&headers, COOKIE) {
        account::session::delete(&state.db, &token).await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    must_change: bool,
    errors: FormErrors,
}

async fn password_page(PageUser(cu): PageUser) -> PasswordPage {
    PasswordPage {
        must_change: cu.user.must_change_password,
        layout: Layout::new(&cu, "修改密码", "account"),
        errors: FormErrors::default(),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    old_password: String,
    new_password: String,
    confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> PageResult<Response> {
    let again = |errors: FormErrors| PasswordPage {
        must_change: cu.user.must_change_password,
        layout: Layout::new(&cu, "修改密码", "account"),
        errors,
    };
    if f.new_password != f.confirm {
        let mut e = FormErrors::default();
        e.set("confirm", "两次输入的新密码不一致");
        return Ok((axum::http::StatusCode::BAD_REQUEST, again(e)).into_response());
    }
    match state
        .db
        .write(async |tx| {
            account::change_password(
                tx,
                &cu.ctx,
                cu.user.id,
                &f.old_password,
                &f.new_password,
                // This session stays; every other one and every API token ends.
                cookie_value(&headers, COOKIE).as_deref(),
            )
            .await
        })
        .await
    {
        Ok(()) => Ok(Redirect::to("/?changed=1").into_response()),
        Err(e) => Ok((
            axum::http::StatusCode::BAD_REQUEST,
            again(FormErrors::from_db(e)?),
        )
            .into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    this_login: String,
    last_login: String,
    last_ip: String,
    tokens: Vec<api_token::Model>,
    new_token: Option<String>,
    errors: FormErrors,
}

fn beijing(t: chrono::DateTime<chrono::Utc>) -> String {
    domain::date::beijing(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn account_view(
    state: &AppState,
    cu: &crate::auth::CurrentUser,
    new_token: Option<String>,
    errors: FormErrors,
) -> PageResult<AccountPage> {
    // The account row holds this session's login; the one before is in the audit trail.
    let previous = account::previous_login(&state.db.conn, &cu.user.username).await?;
    Ok(AccountPage {
        layout: Layout::new(cu, "我的账号", "account"),
        username: cu.user.username.clone(),
        this_login: cu
            .user
            .last_login_at
            .map(beijing)
            .unwrap_or_else(|| "—".into()),
        last_login: previous
            .as_ref()
            .map(|(at, _)| beijing(*at))
            .unwrap_or_else(|| "—（首次登录）".into()),
        last_ip: previous
            .and_then(|(_, ip)| ip)
            .unwrap_or_else(|| "—".into()),
        tokens: account::token::list_own(&state.db.conn, &cu.ctx).await?,
        new_token,
        errors,
    })
}

async fn account_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
) -> PageResult<AccountPage> {
    account_view(&state, &cu, None, FormErrors::default()).await
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(f): Form<TokenForm>,
) -> PageResult<AccountPage> {
    match state
        .db
        .write(async |tx| account::token::create(tx, &cu.ctx, &f.name).await)
        .await
    {
        Ok((_, token)) => account_view(&state, &cu, Some(token), FormErrors::default()).await,
        Err(e) => account_view(&state, &cu, None, FormErrors::from_db(e)?).await,
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> PageResult<Redirect> {
    state
        .db
        .write(async |tx| account::token::revoke(tx, &cu.ctx, id).await)
        .await?;
    Ok(Redirect::to("/account"))
}
