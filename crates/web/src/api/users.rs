//! API of the `users` area: who am I, and account administration
//! (`users:admin`, limited to accounts inside the admin's own subtree).

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use db::{
    Ctx,
    account::{self, NewUser},
    entity::app_user,
    sea_orm::ConnectionTrait,
};
use domain::access::{Role, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ListResponse, OrgCodes, PageParams, ReadErrors, WriteErrors, begin, commit,
    extract::{ApiJson, ApiQuery},
    input::Check,
};
use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
}

/// The org codes behind materialised root paths (`/1/5/` → the code of org 5).
async fn root_codes(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    codes: &mut OrgCodes,
    paths: &[String],
) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for path in paths {
        let id = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| s.parse::<i64>().ok());
        if let Some(id) = id
            && let Some(code) = codes.code(c, ctx, id).await?
        {
            out.push(code);
        }
    }
    Ok(out)
}

fn role_label(code: &str) -> String {
    Role::from_code(code).map_or_else(|| code.to_string(), |r| r.label().into())
}

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub username: String,
    pub display_name: String,
    /// 角色（中文）
    pub role: String,
    pub role_code: String,
    /// 有效权限，如 `org:read,org:write,people:read`
    pub grants: String,
    /// 系统管理员（不受组织范围限制）
    pub operator: bool,
    /// 可查看的组织（编码，含下级）
    pub view_roots: Vec<String>,
    /// 可录入的组织（编码，含下级）
    pub capture_roots: Vec<String>,
    /// 本次调用经API令牌认证
    pub via_token: bool,
}

/// 当前用户
#[utoipa::path(
    get,
    path = "/api/v1/users/me",
    tag = "users",
    responses((status = 200, description = "当前用户", body = MeDto), ReadErrors)
)]
pub async fn me(ApiUser(cu): ApiUser, State(state): State<AppState>) -> ApiResult<Json<MeDto>> {
    let c = &state.db.conn;
    let mut codes = OrgCodes::default();
    let scope = &cu.ctx.scope;
    Ok(Json(MeDto {
        username: cu.user.username.clone(),
        display_name: cu.user.display_name.clone(),
        role: role_label(&cu.user.role),
        role_code: cu.user.role.clone(),
        grants: scope.grants.to_text(),
        operator: scope.operator,
        view_roots: root_codes(c, &cu.ctx, &mut codes, &scope.view_roots).await?,
        capture_roots: root_codes(c, &cu.ctx, &mut codes, &scope.capture_roots).await?,
        via_token: cu.via_token,
    }))
}

/// An account as an administrator sees it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_code: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub view_roots: Vec<String>,
    pub capture_roots: Vec<String>,
}

async fn user_dto(
    c: &impl ConnectionTrait,
    ctx: &Ctx,
    codes: &mut OrgCodes,
    u: app_user::Model,
    s: &Scope,
) -> ApiResult<UserDto> {
    Ok(UserDto {
        role: role_label(&u.role),
        role_code: u.role,
        username: u.username,
        display_name: u.display_name,
        disabled: u.disabled,
        must_change_password: u.must_change_password,
        last_login_at: u.last_login_at,
        view_roots: root_codes(c, ctx, codes, &s.view_roots).await?,
        capture_roots: root_codes(c, ctx, codes, &s.capture_roots).await?,
    })
}

/// 账号列表（需「账号·管理」权限；只列调用者范围内的账号）
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(PageParams),
    responses((status = 200, description = "账号列表", body = ListResponse<UserDto>), ReadErrors)
)]
pub async fn list_users(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListResponse<UserDto>>> {
    let (page, per_page) = p.resolve()?;
    let c = &state.db.conn;
    let (rows, total) =
        account::page_users(c, &cu.ctx, &account::UserQuery::default(), page, per_page).await?;
    let mut codes = OrgCodes::default();
    let mut items = Vec::with_capacity(rows.len());
    for (u, s) in rows {
        items.push(user_dto(c, &cu.ctx, &mut codes, u, &s).await?);
    }
    Ok(Json(ListResponse {
        items,
        total,
        page,
        per_page,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UserCreate {
    /// 用户名：2-32位字母、数字、下划线、点或连字符
    #[schema(required = true, example = "maoping_chair")]
    pub username: Option<String>,
    #[schema(required = true, example = "茅坪镇妇联主席")]
    pub display_name: Option<String>,
    /// 角色：中文名或代码
    #[schema(required = true, example = "乡镇妇联主席")]
    pub role: Option<String>,
    /// 可查看的组织编码（含下级）
    #[serde(default)]
    pub view_roots: Vec<String>,
    /// 可录入的组织编码（含下级）
    #[serde(default)]
    pub capture_roots: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserCreated {
    pub user: UserDto,
    /// 初始密码，只返回这一次；首次登录须修改
    pub password: String,
}

/// 新建账号（需「账号·管理」权限），返回一次性初始密码
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = UserCreate,
    responses((status = 201, description = "已新建", body = UserCreated), WriteErrors)
)]
pub async fn create_user(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<UserCreate>,
) -> ApiResult<(StatusCode, Json<UserCreated>)> {
    let mut check = Check::new();
    let username = check.required("username", body.username.as_deref(), "用户名");
    let display_name = check.required("display_name", body.display_name.as_deref(), "姓名");
    let role_text = check.required("role", body.role.as_deref(), "角色");
    let role = check.pick::<Role>("role", role_text.as_deref(), "角色");
    check.finish()?;
    let (Some(username), Some(display_name), Some(role)) = (username, display_name, role) else {
        return Err(ApiError::bad_request("请求内容有误"));
    };
    let input = NewUser {
        username,
        display_name,
        role,
        password: None,
        view_roots: body.view_roots,
        capture_roots: body.capture_roots,
    };
    let tx = begin(&state).await?;
    let (user, password) = account::create_user(&tx, &cu.ctx, &input).await?;
    let scope = account::load_scope(&tx, &user).await?;
    commit(tx).await?;
    let mut codes = OrgCodes::default();
    let user = user_dto(&state.db.conn, &cu.ctx, &mut codes, user, &scope).await?;
    Ok((StatusCode::CREATED, Json(UserCreated { user, password })))
}
