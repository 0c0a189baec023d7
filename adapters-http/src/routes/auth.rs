//! `/api/v1/auth/*`.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::auth::{IssuedSession, LoginError, RefreshError, RegisterError, Registration};
use ttokjang_domain::user::{Role, User};

use crate::error::ApiError;
use crate::guard::{bearer, AuthUser};
use crate::json::{optional_body, Json, Object};
use crate::jwt::TokenError;
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    #[schema(max_length = 254, example = "shopper@example.com")]
    email: String,
    /// 10 to 128 characters; not the e-mail's local part, not a common password.
    #[schema(min_length = 10, max_length = 128)]
    password: String,
    #[schema(min_length = 1, max_length = 40)]
    display_name: String,
    #[serde(default)]
    /// Required while the closed beta needs invites.
    invite_code: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    refresh_token: String,
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutBody {
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserDto {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            email: u.email.to_string(),
            display_name: u.display_name.as_str().to_owned(),
            role: u.role,
            created_at: u.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenPairDto {
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: i64,
    /// Opaque; rotated on every use.
    refresh_token: String,
    /// Seconds until the refresh token expires unused.
    refresh_expires_in: i64,
    user: UserDto,
}

/// Token answers must never be cached by browsers or proxies.
fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut b = super::no_store(status);
    b.insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
    b
}

fn token_pair(state: &ApiState, issued: &IssuedSession) -> Result<HttpResponse, ApiError> {
    let now = issued.issued_at;
    let access = state
        .tokens
        .issue(
            issued.user.id,
            issued.session.id,
            now,
            issued.access_expires_at,
        )
        .map_err(|e| {
            tracing::error!(error = %e, "signing an access token failed");
            ApiError::internal()
        })?;
    let body = TokenPairDto {
        access_token: access,
        token_type: "Bearer",
        expires_in: (issued.access_expires_at - now).num_seconds(),
        refresh_token: issued.refresh_token.expose().to_owned(),
        refresh_expires_in: (issued.session.idle_expires_at - now).num_seconds(),
        user: UserDto::from(&issued.user),
    };
    Ok(no_store(StatusCode::OK).json(body))
}

/// The client address used for throttling: the TCP peer, or the first
/// forwarded address when the operator says a trusted proxy sits in front.
pub(crate) fn client_address(req: &HttpRequest, trust_forwarded: bool) -> String {
    let info = req.connection_info();
    let addr = if trust_forwarded {
        info.realip_remote_addr().map(str::to_owned)
    } else {
        info.peer_addr().map(str::to_owned)
    };
    let addr = addr.unwrap_or_else(|| "unknown".to_owned());
    // Strip a port, keep IPv6 brackets' content.
    match addr.parse::<std::net::SocketAddr>() {
        Ok(sa) => sa.ip().to_string(),
        Err(_) => addr,
    }
}

/// Creates an account (closed beta: with an unused invite code unless invites are off).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", operation_id = "register",
    security(()), request_body = RegisterBody,
    responses(
        (status = 201, description = "The new account", body = UserDto),
        (status = 409, description = "CONFLICT: the e-mail is taken (told only to a caller with a usable invite, or when invites are off)", body = crate::openapi::ErrorResponse),
        (status = 422, description = "VALIDATION_FAILED; an unusable invite is reported before the e-mail is looked at", body = crate::openapi::ErrorResponse),
        (status = 429, description = "RATE_LIMITED (per client address and service-wide, every attempt counts), with Retry-After", body = crate::openapi::ErrorResponse),
    ))]
pub async fn register(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: Json<Object<RegisterBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let addr = client_address(&req, state.trust_forwarded);
    let registered = state
        .auth
        .register_from(
            Registration {
                email: b.email,
                password: b.password,
                display_name: b.display_name,
                invite_code: b.invite_code,
            },
            state.invites,
            Role::Shopper,
            &addr,
        )
        .await;
    if let Err(RegisterError::RateLimited { .. }) = &registered {
        state.metrics.rate_limited("register");
    }
    let user = registered?;
    tracing::info!(user_id = %user.id, "user registered");
    Ok(HttpResponse::Created().json(UserDto::from(&user)))
}

/// Signs in. Unknown e-mail and wrong password answer the same.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", operation_id = "login",
    security(()), request_body = LoginBody,
    responses(
        (status = 200, description = "A token pair", body = TokenPairDto),
        (status = 401, description = "INVALID_CREDENTIALS", body = crate::openapi::ErrorResponse),
        (status = 429, description = "RATE_LIMITED (per account and per address), with Retry-After", body = crate::openapi::ErrorResponse),
    ))]
pub async fn login(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: Json<Object<LoginBody>>,
) -> Result<HttpResponse, ApiError> {
    let addr = client_address(&req, state.trust_forwarded);
    let issued = match state.auth.login(&body.email, &body.password, &addr).await {
        Ok(i) => i,
        Err(e) => {
            tracing::info!(reason = %e, "login refused");
            match &e {
                LoginError::RateLimited { .. } => state.metrics.rate_limited("login"),
                LoginError::InvalidCredentials => state.metrics.login_failed("invalid_credentials"),
                LoginError::Hash(_) | LoginError::Repo(_) => state.metrics.login_failed("error"),
            }
            return Err(e.into());
        }
    };
    tracing::info!(user_id = %issued.user.id, session_id = %issued.session.id, "login");
    token_pair(&state, &issued)
}

/// Rotates the refresh token: answers a new pair; the old token is spent.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", operation_id = "refresh",
    security(()), request_body = RefreshBody,
    responses(
        (status = 200, description = "A new token pair", body = TokenPairDto),
        (status = 401, description = "UNAUTHENTICATED (unknown or expired token), REFRESH_TOKEN_REUSED (the session family is revoked)", body = crate::openapi::ErrorResponse),
    ))]
pub async fn refresh(
    state: web::Data<ApiState>,
    body: Json<Object<RefreshBody>>,
) -> Result<HttpResponse, ApiError> {
    let issued = match state.auth.refresh(&body.refresh_token).await {
        Ok(i) => i,
        Err(e) => {
            tracing::info!(reason = %e, "refresh refused");
            if matches!(e, RefreshError::Reused) {
                state.metrics.refresh_reused();
            }
            return Err(e.into());
        }
    };
    token_pair(&state, &issued)
}

/// Ends the session of the access token and/or of the refresh token given.
/// With a valid access token the refresh token is optional; with only a
/// refresh token (the access token has expired) that token's session ends.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", operation_id = "logout",
    security((), ("bearer" = [])),
    request_body(content = LogoutBody, description = "Optional (may be empty); needed when the access token has expired"),
    responses(
        (status = 204, description = "The session has ended; its access token no longer works"),
        (status = 401, description = "Neither a valid access token nor a refresh token of a live session", body = crate::openapi::ErrorResponse),
    ))]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: LogoutBody = optional_body(&req, &body)?.unwrap_or_default();
    let now = state.auth.now();
    let from_access = match bearer(&req) {
        Some(token) => match state.tokens.verify(token, now) {
            Ok(ids) => Some(ids),
            Err(TokenError::Expired) if body.refresh_token.is_some() => None,
            Err(TokenError::Expired) => return Err(ApiError::token_expired()),
            Err(TokenError::Invalid) => {
                return Err(ApiError::unauthenticated("the access token is not valid"))
            }
        },
        None => None,
    };
    match (from_access, body.refresh_token.as_deref()) {
        (Some((user_id, session_id)), refresh) => {
            state.auth.logout(user_id, session_id, refresh).await?;
            tracing::info!(%session_id, "logout");
        }
        (None, Some(refresh)) => state.auth.logout_with_refresh(refresh).await?,
        (None, None) => {
            return Err(ApiError::unauthenticated(
                "send the access token or the refresh token of the session to end",
            ))
        }
    }
    Ok(no_store(StatusCode::NO_CONTENT).finish())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", operation_id = "me",
    responses((status = 200, description = "The user of the access token", body = UserDto)))]
pub async fn me(user: AuthUser) -> HttpResponse {
    no_store(StatusCode::OK).json(UserDto::from(&user.user))
}
