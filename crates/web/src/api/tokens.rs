//! The caller's own API tokens: listed, created (plaintext shown once) and
//! revoked. Tokens are stored hashed and act with their user's scope.

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use db::{account::token, entity::api_token};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    ReadErrors, WriteErrors, begin, commit,
    extract::{ApiJson, ApiPath},
    input::Check,
};
use crate::{
    AppState,
    auth::ApiUser,
    error::{ApiError, ApiResult},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A token as listed: never the secret or its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    /// 用途
    pub name: String,
    /// 令牌开头几位，便于辨认
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// 吊销时间（有效令牌为空）
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<api_token::Model> for TokenDto {
    fn from(t: api_token::Model) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// 我的API令牌
#[utoipa::path(
    get,
    path = "/api/v1/users/me/tokens",
    tag = "users",
    responses((status = 200, description = "令牌列表", body = Vec<TokenDto>), ReadErrors)
)]
pub async fn list_tokens(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
) -> ApiResult<Json<Vec<TokenDto>>> {
    let rows = token::list_own(&state.db.conn, &cu.ctx).await?;
    Ok(Json(rows.into_iter().map(TokenDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenCreate {
    /// 用途（不超过50个字），如「市妇联数据对接」
    #[schema(required = true, example = "市妇联数据对接")]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub token: TokenDto,
    /// 令牌明文（jg_开头），只返回这一次，请妥善保存
    pub secret: String,
}

/// 创建API令牌（须以登录会话调用，不能用令牌创建令牌）
#[utoipa::path(
    post,
    path = "/api/v1/users/me/tokens",
    tag = "users",
    request_body = TokenCreate,
    responses((status = 201, description = "已创建", body = TokenCreated), WriteErrors)
)]
pub async fn create_token(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenCreate>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    // A leaked token must not be able to mint successors that outlive its
    // revocation, so only a signed-in person creates tokens.
    if cu.via_token {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "不能用API令牌创建新令牌，请登录后在「我的账号」中创建",
        ));
    }
    let mut check = Check::new();
    let name = check.required("name", body.name.as_deref(), "令牌用途");
    check.finish()?;
    let tx = begin(&state).await?;
    let (row, secret) = token::create(&tx, &cu.ctx, &name.unwrap_or_default()).await?;
    commit(tx).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token: row.into(),
            secret,
        }),
    ))
}

/// 吊销API令牌（自己的；账号管理员也可吊销其管辖账号的令牌）
#[utoipa::path(
    delete,
    path = "/api/v1/users/me/tokens/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "令牌id")),
    responses((status = 204, description = "已吊销"), WriteErrors)
)]
pub async fn revoke_token(
    ApiUser(cu): ApiUser,
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    let tx = begin(&state).await?;
    token::revoke(&tx, &cu.ctx, id).await?;
    commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}
