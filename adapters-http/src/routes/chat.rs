//! `/api/v1/chat` and `/api/v1/chat/history`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::chat::assistant::{ChatAction, QuickReply};
use ttokjang_domain::chat::history::TurnRecord;
use ttokjang_domain::chat::service::{ChatError, ChatPlan, UndoError};
use uuid::Uuid;

use super::basket::BasketDto;
use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::Object;
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatBody {
    /// Korean or English, e.g. "우유 2개랑 계란 한 판 담아줘".
    #[schema(min_length = 1, max_length = 500)]
    message: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// 1 to 200 (default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ChatMessage)]
pub struct MessageDto {
    id: String,
    /// `user` or `assistant`.
    #[schema(value_type = String)]
    role: &'static str,
    text: String,
    /// What the assistant did for this message (`[]` for the shopper's own).
    actions: Vec<ChatAction>,
    /// Buttons offered under an assistant message (empty otherwise).
    quick_replies: Vec<QuickReply>,
    /// Whether `POST /api/v1/chat/turns/{id}/undo` can take this turn back.
    undoable: bool,
    created_at: DateTime<Utc>,
}

/// The assistant's answer and the basket after its edits.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChatReply {
    /// The assistant message's id; `POST /api/v1/chat/turns/{turn_id}/undo`
    /// takes the turn back.
    turn_id: Uuid,
    reply: String,
    actions: Vec<ChatAction>,
    /// Buttons to show under the reply: tapping one sends its `message`.
    quick_replies: Vec<QuickReply>,
    /// Whether this turn changed the basket (and can be undone).
    undoable: bool,
    /// For a plan request: the cheapest plan, summed up, and its page.
    plan: Option<ChatPlan>,
    basket: BasketDto,
}

/// The history, oldest first (one page: at most `limit` messages, newest kept).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChatHistory {
    items: Vec<MessageDto>,
    /// Always `null`: the history is one page.
    next_cursor: Option<String>,
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

/// Edits the basket by chat: adds, removes, sets quantities, or asks back.
#[utoipa::path(post, path = "/api/v1/chat", tag = "chat", operation_id = "chat",
    request_body = ChatBody,
    responses((status = 200, description = "The reply, the actions taken and the basket", body = ChatReply)))]
pub async fn send(
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Json<Object<ChatBody>>,
) -> Result<HttpResponse, ApiError> {
    let turn = state.chat.send(user.user.id, &body.message).await?;
    Ok(HttpResponse::Ok().json(ChatReply {
        turn_id: turn.turn_id,
        reply: turn.reply,
        actions: turn.actions,
        quick_replies: turn.quick_replies,
        undoable: turn.undoable,
        plan: turn.plan,
        basket: BasketDto::from(&turn.basket),
    }))
}

impl From<UndoError> for ApiError {
    fn from(e: UndoError) -> Self {
        match e {
            UndoError::NotFound => ApiError::not_found("no such chat turn"),
            UndoError::NothingToUndo => ApiError::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "this chat turn changed nothing, so there is nothing to undo",
            ),
            UndoError::Changed => ApiError::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "the basket changed since this chat turn (or it was already undone)",
            ),
            UndoError::Invalid(v) => ApiError::from_invalid(v),
            UndoError::Repo(r) => r.into(),
        }
    }
}

/// Takes back one chat turn's edits: the basket returns to what it was just
/// before that turn. Only the shopper's own turns (404 otherwise); 409 when
/// the basket changed since (another edit, or the turn was already undone).
#[utoipa::path(post, path = "/api/v1/chat/turns/{id}/undo", tag = "chat", operation_id = "undoChatTurn",
    params(("id" = uuid::Uuid, Path, description = "The turn's `turn_id`")),
    responses(
        (status = 200, description = "The basket after the undo", body = BasketDto),
        (status = 404, description = "No such turn of this shopper's", body = crate::openapi::ErrorResponse),
        (status = 409, description = "The basket changed since the turn", body = crate::openapi::ErrorResponse)))]
pub async fn undo(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let basket = state.chat.undo(user.user.id, id.into_inner()).await?;
    Ok(super::basket::answer(StatusCode::OK, &basket).json(BasketDto::from(&basket)))
}

/// This shopper's chat history.
#[utoipa::path(get, path = "/api/v1/chat/history", tag = "chat", operation_id = "chatHistory",
    params(HistoryQuery),
    responses((status = 200, description = "The messages", body = ChatHistory)))]
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
        .map(|m| {
            let record = TurnRecord::from_stored(&m.actions);
            MessageDto {
                id: m.id.to_string(),
                role: m.speaker.as_str(),
                text: m.text,
                actions: record.actions,
                quick_replies: record.quick_replies,
                undoable: record.undo.is_some(),
                created_at: m.created_at,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(ChatHistory {
        items,
        next_cursor: None,
    }))
}

/// Forgets this shopper's chat history.
#[utoipa::path(delete, path = "/api/v1/chat/history", tag = "chat", operation_id = "clearChatHistory",
    responses((status = 204, description = "Cleared")))]
pub async fn clear(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    state.chat.clear(user.user.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
