//! `/api/v1/chat` and `/api/v1/chat/history`.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ttokjang_domain::chat::service::ChatError;

use super::basket::BasketDto;
use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::state::ApiState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatBody {
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[serde(default)]
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
struct MessageDto {
    id: String,
    role: &'static str,
    text: String,
    actions: Value,
    created_at: DateTime<Utc>,
}

impl From<ChatError> for ApiError {
    fn from(e: ChatError) -> Self {
        match e {
            ChatError::Invalid(v) => ApiError::from_invalid(v),
            ChatError::Assistant(a) => {
                tracing::warn!(error = %a, "chat assistant failed");
                ApiError::unavailable("the assistant is not available right now")
            }
            ChatError::Repo(r) => r.into(),
        }
    }
}

pub async fn send(
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Json<ChatBody>,
) -> Result<HttpResponse, ApiError> {
    let turn = state.chat.send(user.user.id, &body.message).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "reply": turn.reply,
        "actions": turn.actions,
        "basket": BasketDto::from(&turn.basket),
    })))
}

pub async fn history(
    user: AuthUser,
    state: web::Data<ApiState>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = match query.limit {
        None => 50,
        Some(n) if (1..=200).contains(&n) => usize::try_from(n).unwrap_or(50),
        Some(_) => return Err(ApiError::validation([("limit", "must be 1 to 200")])),
    };
    let items: Vec<MessageDto> = state
        .chat
        .history(user.user.id, limit)
        .await?
        .into_iter()
        .map(|m| MessageDto {
            id: m.id.to_string(),
            role: m.speaker.as_str(),
            text: m.text,
            actions: serde_json::from_str(&m.actions).unwrap_or(Value::Array(Vec::new())),
            created_at: m.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "next_cursor": null })))
}

pub async fn clear(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    state.chat.clear(user.user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
