//! The account lifecycle: `POST /users/me/password`, `DELETE /users/me`,
//! `GET /users/me/export` and `POST /auth/password-reset`.

use super::no_store;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ttokjang_domain::account::AccountError;
use ttokjang_domain::chat::history::TurnRecord;
use ttokjang_domain::page::PageRequest;

use super::auth::{client_address, UserDto};
use super::basket::BasketDto;
use super::chat::MessageDto;
use super::orders::OrderDto;
use super::payments::MethodDto;
use super::preferences::PreferencesDto;
use super::profile::ProfileDto;
use super::reservations::{NotificationDto, ReservationDto};
use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::{Json, Object};
use crate::state::ApiState;

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(v) => Self::from_invalid(v),
            AccountError::Refused(v) => Self::from_invalid(vec![v]),
            AccountError::RateLimited { retry_after_s } => Self::rate_limited(retry_after_s),
            AccountError::UnknownAccount => Self::not_found("no such account"),
            AccountError::Hash(h) => {
                tracing::error!(error = %h, "password hashing failed");
                Self::internal()
            }
            AccountError::Repo(r) => r.into(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeBody {
    current_password: String,
    /// 10 to 128 characters; not the e-mail's local part, not a common password.
    #[schema(min_length = 10, max_length = 128)]
    new_password: String,
}

/// Changes the password. The current password is required; every other
/// session of the account ends (this one stays); the inbox gets a note.
#[utoipa::path(post, path = "/api/v1/users/me/password", tag = "account", operation_id = "changePassword",
    request_body = PasswordChangeBody,
    responses(
        (status = 204, description = "Changed; other sessions have ended"),
        (status = 422, description = "VALIDATION_FAILED: `current_password` is not correct, or `new_password` breaks the policy", body = crate::openapi::ErrorResponse),
        (status = 429, description = "RATE_LIMITED: too many wrong passwords (counted with failed logins), with Retry-After", body = crate::openapi::ErrorResponse),
    ))]
pub async fn change_password(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: Json<Object<PasswordChangeBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let addr = client_address(&req, state.trust_forwarded);
    let ended = state
        .accounts
        .change_password(
            &user.user,
            user.session_id,
            &b.current_password,
            &b.new_password,
            &addr,
        )
        .await?;
    tracing::info!(user_id = %user.user.id, sessions_ended = ended, "password changed");
    Ok(no_store(StatusCode::NO_CONTENT).finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountBody {
    /// The account's password, asked again.
    password: String,
}

/// Deletes the account: personal data is erased; orders and payment records
/// stay for accounting, attached to an anonymised account (see docs/API.md).
#[utoipa::path(delete, path = "/api/v1/users/me", tag = "account", operation_id = "deleteAccount",
    request_body = DeleteAccountBody,
    responses(
        (status = 204, description = "Deleted; every session has ended"),
        (status = 422, description = "VALIDATION_FAILED: `password` is not correct", body = crate::openapi::ErrorResponse),
        (status = 429, description = "RATE_LIMITED, with Retry-After", body = crate::openapi::ErrorResponse),
    ))]
pub async fn delete_account(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: Json<Object<DeleteAccountBody>>,
) -> Result<HttpResponse, ApiError> {
    let addr = client_address(&req, state.trust_forwarded);
    state
        .accounts
        .delete(&user.user, &body.password, &addr)
        .await?;
    tracing::info!(user_id = %user.user.id, "account deleted");
    Ok(no_store(StatusCode::NO_CONTENT).finish())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetBody {
    email: String,
    /// The one-time code from `ttokjang user reset-password`.
    code: String,
    #[schema(min_length = 10, max_length = 128)]
    new_password: String,
}

/// Sets a new password with an operator's one-time code. Unknown e-mail,
/// wrong and expired code answer alike (and count as failed logins).
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", operation_id = "resetPassword",
    security(()), request_body = PasswordResetBody,
    responses(
        (status = 204, description = "The password is set; every session of the account has ended"),
        (status = 422, description = "VALIDATION_FAILED: `code` is unknown or expired, or `new_password` breaks the policy", body = crate::openapi::ErrorResponse),
        (status = 429, description = "RATE_LIMITED, with Retry-After", body = crate::openapi::ErrorResponse),
    ))]
pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: Json<Object<PasswordResetBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let addr = client_address(&req, state.trust_forwarded);
    state
        .accounts
        .reset_password(&b.email, &b.code, &b.new_password, &addr)
        .await?;
    Ok(no_store(StatusCode::NO_CONTENT).finish())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionDto {
    id: String,
    created_at: DateTime<Utc>,
    last_refreshed_at: DateTime<Utc>,
    idle_expires_at: DateTime<Utc>,
    absolute_expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    revoke_reason: Option<&'static str>,
}

/// Everything held about the shopper.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportDto {
    exported_at: DateTime<Utc>,
    user: UserDto,
    #[schema(value_type = Object)]
    profile: Value,
    #[schema(value_type = Object)]
    preferences: Value,
    #[schema(value_type = Object)]
    basket: Value,
    #[schema(value_type = Vec<Object>)]
    orders: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    payment_methods: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    reservations: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    notifications: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    chat: Vec<Value>,
    sessions: Vec<SessionDto>,
}

fn json<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Pages through a cursor-paginated list to its end.
const EXPORT_PAGE: u32 = 100;

/// Everything the service holds about the shopper, as JSON.
#[utoipa::path(get, path = "/api/v1/users/me/export", tag = "account", operation_id = "exportAccount",
    responses((status = 200, description = "The shopper's data", body = ExportDto)))]
pub async fn export(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let id = user.user.id;
    let profile = state.user_data.profile.get(id).await?;
    let preferences = state.user_data.preferences.get(id).await?;
    let basket = state.user_data.basket.get(id).await?;
    let mut orders = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = state
            .user_data
            .orders
            .list(id, Some(i64::from(EXPORT_PAGE)), cursor.as_deref())
            .await?;
        orders.extend(page.items.iter().map(|o| json(OrderDto::from(o))));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut reservations = Vec::new();
    let mut page = PageRequest {
        limit: EXPORT_PAGE,
        after: None,
    };
    loop {
        let got = state.reservations.list(id, &page).await?;
        reservations.extend(got.items.iter().map(|r| json(ReservationDto::from(r))));
        match got.next_cursor {
            Some(c) => page.after = Some(c),
            None => break,
        }
    }
    let mut notifications = Vec::new();
    let mut page = PageRequest {
        limit: EXPORT_PAGE,
        after: None,
    };
    loop {
        let got = state.notifications.list(id, &page).await?;
        notifications.extend(
            got.items
                .into_iter()
                .map(|n| json(NotificationDto::from(n))),
        );
        match got.next_cursor {
            Some(c) => page.after = Some(c),
            None => break,
        }
    }
    let payment_methods = state
        .payments
        .service
        .list_methods(id)
        .await?
        .iter()
        .map(|m| json(MethodDto::from(m)))
        .collect();
    let chat = state
        .chat
        .history(id, 10_000)
        .await?
        .into_iter()
        .map(|m| {
            let record = TurnRecord::from_stored(&m.actions);
            json(MessageDto {
                id: m.id.to_string(),
                role: m.speaker.as_str(),
                text: m.text,
                actions: record.actions,
                quick_replies: record.quick_replies,
                undoable: record.undo.is_some(),
                created_at: m.created_at,
            })
        })
        .collect();
    let sessions = state
        .accounts
        .sessions(id)
        .await?
        .into_iter()
        .map(|s| SessionDto {
            id: s.id.0.to_string(),
            created_at: s.created_at,
            last_refreshed_at: s.last_refreshed_at,
            idle_expires_at: s.idle_expires_at,
            absolute_expires_at: s.absolute_expires_at,
            revoked_at: s.revoked_at,
            revoke_reason: s.revoke_reason.map(|r| r.as_str()),
        })
        .collect();
    let body = ExportDto {
        exported_at: state.auth.now(),
        user: UserDto::from(&user.user),
        profile: json(ProfileDto::from(&profile)),
        preferences: json(PreferencesDto::from(&preferences)),
        basket: json(BasketDto::from(&basket)),
        orders,
        payment_methods,
        reservations,
        notifications,
        chat,
        sessions,
    };
    Ok(no_store(StatusCode::OK)
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"ttokjang-export.json\""),
        ))
        .json(body))
}
