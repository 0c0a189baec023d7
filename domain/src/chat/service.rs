//! The chat use case: one message in, the basket changed (all edits of the
//! turn in one transaction), the turn kept in the user's history.

use std::sync::Arc;

use thiserror::Error;

use super::assistant::{AssistantError, ChatAction, ChatAssistant};
use super::history::{ChatMessage, Speaker, MAX_HISTORY};
use crate::basket::{Basket, BasketItemId};
use crate::basket::{BasketChange, BasketService, BasketUseError, ItemInput, ItemPatch};
use crate::chat::ports::ChatHistoryRepository;
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};
use crate::RepoError;

/// Longest message accepted.
pub const MAX_MESSAGE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTurn {
    pub reply: String,
    pub actions: Vec<ChatAction>,
    pub basket: Basket,
}

#[derive(Debug, Error)]
pub enum ChatError {
    #[error("invalid message")]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Assistant(#[from] AssistantError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub struct ChatService {
    assistant: Arc<dyn ChatAssistant>,
    baskets: Arc<BasketService>,
    history: Arc<dyn ChatHistoryRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
}

fn check_message(raw: &str) -> Result<&str, InvalidValue> {
    let m = raw.trim();
    if m.is_empty() {
        return Err(InvalidValue::new("message", "is required"));
    }
    if m.chars().count() > MAX_MESSAGE_CHARS {
        return Err(InvalidValue::new(
            "message",
            "is too long (at most 500 characters)",
        ));
    }
    if m.chars().any(|c| c.is_control() && c != '\n') {
        return Err(InvalidValue::new(
            "message",
            "must not contain control characters",
        ));
    }
    Ok(m)
}

impl ChatService {
    pub fn new(
        assistant: Arc<dyn ChatAssistant>,
        baskets: Arc<BasketService>,
        history: Arc<dyn ChatHistoryRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            assistant,
            baskets,
            history,
            clock,
            random,
        }
    }

    pub async fn send(&self, user: UserId, message: &str) -> Result<ChatTurn, ChatError> {
        let message = check_message(message).map_err(|e| ChatError::Invalid(vec![e]))?;
        let basket = self.baskets.get(user).await?;
        let said = self.assistant.interpret(message, &basket).await?;
        let changes: Vec<BasketChange> = said.actions.iter().filter_map(change_for).collect();
        let (basket, reply, actions) = if changes.is_empty() {
            (basket, said.reply, said.actions)
        } else {
            match self.baskets.apply(user, None, changes).await {
                Ok(applied) => (applied.basket, said.reply, said.actions),
                Err(BasketUseError::Invalid(problems)) => {
                    let why = problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join(", ");
                    (basket, format!("담지 못했어요: {why}"), Vec::new())
                }
                Err(BasketUseError::ItemNotFound | BasketUseError::Stale) => (
                    self.baskets.get(user).await?,
                    "그 사이 장바구니가 바뀌었어요. 다시 말씀해 주세요.".to_owned(),
                    Vec::new(),
                ),
                Err(BasketUseError::Repo(e)) => return Err(e.into()),
            }
        };
        let now = self.clock.now();
        let actions_json = serde_json::to_string(&actions).unwrap_or_else(|_| "[]".into());
        let turn = [
            ChatMessage {
                id: self.random.uuid(),
                user_id: user,
                speaker: Speaker::User,
                text: message.to_owned(),
                actions: "[]".into(),
                created_at: now,
            },
            ChatMessage {
                id: self.random.uuid(),
                user_id: user,
                speaker: Speaker::Assistant,
                text: reply.clone(),
                actions: actions_json,
                created_at: now,
            },
        ];
        self.history.append(user, &turn, MAX_HISTORY).await?;
        Ok(ChatTurn {
            reply,
            actions,
            basket,
        })
    }

    pub async fn history(&self, user: UserId, limit: usize) -> Result<Vec<ChatMessage>, RepoError> {
        self.history.recent(user, limit.min(MAX_HISTORY)).await
    }

    pub async fn clear(&self, user: UserId) -> Result<u64, RepoError> {
        self.history.clear(user).await
    }
}

fn change_for(action: &ChatAction) -> Option<BasketChange> {
    match action {
        ChatAction::Add {
            product_id,
            name,
            quantity,
        } => Some(BasketChange::Add(ItemInput {
            id: None,
            product_id: product_id.clone(),
            name: name.clone(),
            quantity: i64::from(*quantity),
            unit: None,
            note: None,
        })),
        ChatAction::Remove { item_id, .. } => uuid::Uuid::parse_str(item_id)
            .ok()
            .map(|id| BasketChange::Remove(BasketItemId(id))),
        ChatAction::SetQuantity {
            item_id, quantity, ..
        } => uuid::Uuid::parse_str(item_id).ok().map(|id| {
            BasketChange::Update(
                BasketItemId(id),
                ItemPatch {
                    quantity: Some(i64::from(*quantity)),
                    unit: None,
                    note: None,
                },
            )
        }),
        ChatAction::Clear => Some(BasketChange::Clear),
        ChatAction::Plan { .. } | ChatAction::Show => None,
    }
}
