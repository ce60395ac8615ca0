//! Pages of the `users` area (账号管理): accounts an admin may manage, new
//! accounts with a one-time initial password, password resets, lock/unlock.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use db::{
    account::{self, NewUser, UserQuery},
    time::now,
};
use domain::access::{Module, Permission, Role};
use serde::Deserialize;

use crate::form::{FormPairs, OrgOption, begin, commit, org_options};
use crate::org_choices::{OrgChoices, visible_org_choices};

use super::{Layout, Pager, page_of, query_string};
use crate::{
    AppState,
    auth::{CurrentUser, PageUser},
    error::{PageError, PageResult},
    form::FormErrors,
};

const PER_PAGE: u64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users))
        .route("/users/new", get(new_user_page).post(create_user))
        .route("/users/{username}/reset-password", post(reset_password))
        .route("/users/{username}/lock", post(lock_user))
        .route("/users/{username}/unlock", post(unlock_user))
}

fn beijing(t: chrono::DateTime<chrono::Utc>) -> String {
    domain::date::beijing(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// One row of the list, formatted for the page.
struct UserLine {
    username: String,
    display_name: String,
    role: String,
    capture: String,
    view: String,
    last_login: String,
    disabled: bool,
    locked_until: Option<String>,
    must_change: bool,
    is_self: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<UserLine>,
    q: String,
    org: String,
    orgs: std::sync::Arc<OrgChoices>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    org: Option<String>,
    page: Option<String>,
    ok: Option<String>,
}

async fn list_users(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Query(lq): Query<ListQuery>,
) -> PageResult<ListPage> {
    let page = page_of(lq.page.as_deref().and_then(|p| p.parse().ok()));
    let query = UserQuery {
        q: lq.q.clone(),
        org: lq.org.clone(),
    };
    let (rows, total) =
        account::list_user_rows(&state.db.conn, &cu.ctx, &query, page, PER_PAGE).await?;
    let t = now();
    let names = |orgs: &[db::entity::org::Model]| {
        orgs.iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows = rows
        .into_iter()
        .map(|r| UserLine {
            is_self: r.user.id == cu.user.id,
            role: Role::from_code(&r.user.role)
                .map_or_else(|| r.user.role.clone(), |r| r.label().to_string()),
            capture: names(&r.capture_orgs),
            view: names(&r.view_orgs),
            last_login: r
                .user
                .last_login_at
                .map_or_else(|| "从未登录".into(), beijing),
            locked_until: r.login_paused_until.filter(|u| *u > t).map(beijing),
            disabled: r.user.disabled,
            must_change: r.user.must_change_password,
            username: r.user.username,
            display_name: r.user.display_name,
        })
        .collect();
    // Fixed messages by code, so a crafted link can't put words on the page.
    let flash = match lq.ok.as_deref() {
        Some("locked") => Some("账号已停用，其登录会话已全部退出".to_string()),
        Some("unlocked") => Some("账号已启用".to_string()),
        _ => None,
    };
    let base = query_string(&[("q", lq.q.as_deref()), ("org", lq.org.as_deref())]);
    Ok(ListPage {
        layout: Layout::new(&cu, "账号管理", "users").flash(flash),
        rows,
        q: lq.q.unwrap_or_default(),
        org: lq.org.unwrap_or_default(),
        orgs: visible_org_choices(&state, &cu).await?,
        pager: Pager::new(page, PER_PAGE, total, base),
    })
}

/// What the admin typed, kept when the form comes back with errors.
#[derive(Default)]
struct UserForm {
    username: String,
    display_name: String,
    role: String,
    capture_roots: Vec<String>,
    view_roots: Vec<String>,
}

impl UserForm {
    fn is_role(&self, code: &str) -> bool {
        self.role == code
    }

    fn has_capture(&self, code: &str) -> bool {
        self.capture_roots.iter().any(|c| c == code)
    }

    fn has_view(&self, code: &str) -> bool {
        self.view_roots.iter().any(|c| c == code)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users/new.html")]
struct NewPage {
    layout: Layout,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    orgs: Vec<OrgOption>,
    errors: FormErrors,
}

async fn new_page(
    state: &AppState,
    cu: &CurrentUser,
    form: UserForm,
    errors: FormErrors,
) -> PageResult<NewPage> {
    cu.ctx.require(Module::Users, Permission::Admin)?;
    let orgs = db::org::all_capturable(&state.db.conn, &cu.ctx).await?;
    Ok(NewPage {
        layout: Layout::new(cu, "新建账号", "users"),
        form,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        orgs: org_options(&orgs),
        errors,
    })
}

async fn new_user_page(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
) -> PageResult<NewPage> {
    new_page(&state, &cu, UserForm::default(), FormErrors::default()).await
}

/// Shows a password exactly once (new account or reset).
#[derive(Template, WebTemplate)]
#[template(path = "users/password.html")]
struct PasswordPage {
    layout: Layout,
    heading: &'static str,
    username: String,
    display_name: String,
    password: String,
}

async fn create_user(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = FormPairs(pairs);
    let form = UserForm {
        username: f.one("username"),
        display_name: f.one("display_name"),
        role: f.one("role"),
        capture_roots: f.all("capture_roots"),
        view_roots: f.all("view_roots"),
    };
    let Some(role) = Role::from_code(&form.role) else {
        let mut e = FormErrors::default();
        e.set("role", "请选择角色");
        let page = new_page(&state, &cu, form, e).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    let input = NewUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role,
        // Generated by the repository and handed over once on the next page.
        password: None,
        view_roots: form.view_roots.clone(),
        capture_roots: form.capture_roots.clone(),
    };
    let txn = begin(&state).await?;
    match account::create_user(&txn, &cu.ctx, &input).await {
        Ok((user, password)) => {
            commit(txn).await?;
            Ok(PasswordPage {
                layout: Layout::new(&cu, "账号已创建", "users"),
                heading: "账号已创建",
                username: user.username,
                display_name: user.display_name,
                password,
            }
            .into_response())
        }
        Err(e) => {
            drop(txn);
            let page = new_page(&state, &cu, form, FormErrors::from_db(e)?).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
    }
}

async fn reset_password(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(username): Path<String>,
) -> PageResult<PasswordPage> {
    let txn = begin(&state).await?;
    let user = account::find_manageable(&txn, &cu.ctx, &username).await?;
    let password = account::reset_password(&txn, &cu.ctx, &username).await?;
    commit(txn).await?;
    Ok(PasswordPage {
        layout: Layout::new(&cu, "密码已重置", "users"),
        heading: "密码已重置",
        username: user.username,
        display_name: user.display_name,
        password,
    })
}

async fn set_disabled(
    state: &AppState,
    cu: &CurrentUser,
    username: &str,
    disabled: bool,
) -> PageResult<Redirect> {
    if disabled && username.trim().eq_ignore_ascii_case(&cu.user.username) {
        return Err(PageError::bad_request("不能停用自己的账号"));
    }
    let txn = begin(state).await?;
    account::set_disabled(&txn, &cu.ctx, username, disabled).await?;
    commit(txn).await?;
    Ok(Redirect::to(if disabled {
        "/users?ok=locked"
    } else {
        "/users?ok=unlocked"
    }))
}

async fn lock_user(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(username): Path<String>,
) -> PageResult<Redirect> {
    set_disabled(&state, &cu, &username, true).await
}

async fn unlock_user(
    State(state): State<AppState>,
    PageUser(cu): PageUser,
    Path(username): Path<String>,
) -> PageResult<Redirect> {
    set_disabled(&state, &cu, &username, false).await
}
