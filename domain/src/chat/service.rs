//! The chat use case: one message in, the basket changed (all edits of the
//! turn in one transaction), the turn kept in the user's history.

use std::sync::Arc;

use thiserror::Error;

use uuid::Uuid;

use super::assistant::{AssistantError, ChatAction, ChatAssistant, Interpretation, QuickReply};
use super::history::{ChatMessage, Speaker, TurnRecord, UndoLine, UndoRecord, MAX_HISTORY};
use super::parse::answer;
use crate::basket::{Basket, BasketItemId};
use crate::basket::{BasketChange, BasketService, BasketUseError, ItemInput, ItemPatch};
use crate::chat::ports::ChatHistoryRepository;
use crate::planner::generate::PlanOverrides;
use crate::planner::runner::thousands;
use crate::planner::service::{Generated, PlanService, PlanningError};
use crate::planner::PlanMode;
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};
use crate::RepoError;

/// Longest message accepted.
pub const MAX_MESSAGE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTurn {
    /// The assistant message's id: what `undo` takes.
    pub turn_id: Uuid,
    pub reply: String,
    pub actions: Vec<ChatAction>,
    pub quick_replies: Vec<QuickReply>,
    /// Whether this turn changed the basket (and so can be undone).
    pub undoable: bool,
    /// The plan made for a plan request.
    pub plan: Option<ChatPlan>,
    pub basket: Basket,
}

#[derive(Debug, Error)]
pub enum UndoError {
    /// No such turn of this shopper's.
    #[error("no such chat turn")]
    NotFound,
    /// The turn changed nothing.
    #[error("this turn changed nothing")]
    NothingToUndo,
    /// The basket changed since the turn (or the turn was already undone).
    #[error("the basket changed since this turn")]
    Changed,
    #[error("invalid basket")]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Repo(#[from] RepoError),
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

/// A plan's label as the shopper reads it (the web app's `plan.label.*`).
fn label_ko(label: &str) -> &'static str {
    match label {
        "cheapest" => "최저가",
        "fewest_stops" => "최소 방문",
        "closest" => "가장 가까운",
        "best_value" => "시간까지 따진",
        _ => "추천",
    }
}

/// A plan run for the chat ("최저가 플랜 짜줘"), summed up inline.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChatPlan {
    pub plan_request_id: uuid::Uuid,
    /// `offline` or `online`.
    pub mode: String,
    /// The cheapest plan's total, in 원.
    pub total_krw: i64,
    /// How many plans were made.
    pub plans: usize,
    pub stops: usize,
    pub missing_items: usize,
    /// The web app's page of the plan: `/plans/{plan_request_id}`.
    pub link: String,
}

pub struct ChatService {
    assistant: Arc<dyn ChatAssistant>,
    planner: Option<Arc<PlanService>>,
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
            planner: None,
            baskets,
            history,
            clock,
            random,
        }
    }

    /// Lets plan requests ("제일 싼 데 어디야?") run the planner and answer
    /// with its summary; without it they only name the plan action.
    pub fn with_planner(mut self, plans: Arc<PlanService>) -> Self {
        self.planner = Some(plans);
        self
    }

    /// Runs the plan of the shopper's stored basket; the reply sentence and,
    /// when a plan was made, its summary.
    async fn run_plan(&self, user: UserId, mode: PlanMode) -> (String, Option<ChatPlan>) {
        let Some(plans) = &self.planner else {
            return (String::new(), None);
        };
        let where_ = match mode {
            PlanMode::Offline => "매장",
            PlanMode::Online => "온라인",
        };
        match plans
            .generate_for(user, mode, PlanOverrides::default())
            .await
        {
            Ok(Generated { answer, .. }) => {
                let Some(best) = answer.plans.first() else {
                    return ("플랜을 만들지 못했어요.".into(), None);
                };
                let missing = if best.missing_items.is_empty() {
                    String::new()
                } else {
                    format!(" 못 구한 상품이 {}개 있어요.", best.missing_items.len())
                };
                let places = if mode == PlanMode::Online {
                    format!("{}곳에서 주문", best.stops.len())
                } else {
                    format!("{}곳을 들르는", best.stops.len())
                };
                let reply = format!(
                    "{where_} 최저가는 {}원이에요({places} {} 플랜).{missing} 자세한 내용은 플랜 페이지에서 볼 수 있어요.",
                    thousands(best.total_krw),
                    label_ko(&best.label)
                );
                let plan = ChatPlan {
                    link: format!("/plans/{}", answer.plan_request_id),
                    plan_request_id: answer.plan_request_id,
                    mode: mode.as_str().to_owned(),
                    total_krw: best.total_krw,
                    plans: answer.plans.len(),
                    stops: best.stops.len(),
                    missing_items: best.missing_items.len(),
                };
                (reply, Some(plan))
            }
            Err(PlanningError::EmptyBasket) => (
                "장바구니가 비어 있어요. 먼저 상품을 담아 주세요.".into(),
                None,
            ),
            Err(PlanningError::NoPlanPossible { .. }) => (
                "지금은 장바구니의 상품을 살 수 있는 곳이 없어요.".into(),
                None,
            ),
            Err(
                PlanningError::ClarificationRequired { .. }
                | PlanningError::Invalid(_)
                | PlanningError::Override(_),
            ) => (
                "장바구니에 확인이 필요한 상품이 있어요. 장바구니에서 상품을 골라 주세요.".into(),
                None,
            ),
            Err(PlanningError::Defaults(_)) => (
                "장바구니를 읽지 못했어요. 잠시 후 다시 시도해 주세요.".into(),
                None,
            ),
            Err(PlanningError::Repo(_)) => (
                "플랜을 만들지 못했어요. 잠시 후 다시 시도해 주세요.".into(),
                None,
            ),
        }
    }

    pub async fn send(&self, user: UserId, message: &str) -> Result<ChatTurn, ChatError> {
        let message = check_message(message).map_err(|e| ChatError::Invalid(vec![e]))?;
        let basket = self.baskets.get(user).await?;
        let said = match answer(message) {
            Some(yes) => match self.last_pending(user).await? {
                Some(pending) if yes => Interpretation {
                    reply: describe(&pending),
                    actions: pending,
                    ..Interpretation::default()
                },
                Some(_) => Interpretation {
                    reply: "알겠어요. 그대로 둘게요.".into(),
                    ..Interpretation::default()
                },
                None => self.assistant.interpret(message, &basket).await?,
            },
            None => self.assistant.interpret(message, &basket).await?,
        };
        let changes: Vec<BasketChange> = said.actions.iter().filter_map(change_for).collect();
        let mut record = TurnRecord {
            actions: said.actions,
            pending: said.pending,
            quick_replies: said.quick_replies,
            undo: None,
        };
        let (basket, reply) = if changes.is_empty() {
            (basket, said.reply)
        } else {
            match self
                .baskets
                .apply(user, Some(basket.version), changes)
                .await
            {
                Ok(applied) => {
                    // The lines as they were just before this turn's edits.
                    let before = applied_before(&basket, &applied.basket);
                    record.undo = before.map(|before| UndoRecord {
                        version_after: applied.basket.version,
                        before,
                    });
                    (applied.basket, said.reply)
                }
                Err(BasketUseError::Invalid(problems)) => {
                    let why = problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join(", ");
                    record = TurnRecord::default();
                    (basket, format!("담지 못했어요: {why}"))
                }
                Err(BasketUseError::ItemNotFound | BasketUseError::Stale) => {
                    record = TurnRecord::default();
                    (
                        self.baskets.get(user).await?,
                        "그 사이 장바구니가 바뀌었어요. 다시 말씀해 주세요.".to_owned(),
                    )
                }
                Err(BasketUseError::Repo(e)) => return Err(e.into()),
            }
        };
        let mut reply = reply;
        let mut plan = None;
        if let Some(mode) = record.actions.iter().find_map(|a| match a {
            ChatAction::Plan { mode } => PlanMode::parse(mode),
            _ => None,
        }) {
            if self.planner.is_some() {
                let (said, made) = self.run_plan(user, mode).await;
                reply = said;
                plan = made;
            }
        }
        let now = self.clock.now();
        let turn_id = self.random.uuid();
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
                id: turn_id,
                user_id: user,
                speaker: Speaker::Assistant,
                text: reply.clone(),
                actions: record.to_stored(),
                created_at: now,
            },
        ];
        self.history.append(user, &turn, MAX_HISTORY).await?;
        Ok(ChatTurn {
            turn_id,
            reply,
            undoable: record.undo.is_some(),
            actions: record.actions,
            quick_replies: record.quick_replies,
            plan,
            basket,
        })
    }

    /// What the assistant's latest message proposed, if the shopper has not
    /// answered it yet.
    async fn last_pending(&self, user: UserId) -> Result<Option<Vec<ChatAction>>, RepoError> {
        let last = self.history.recent(user, 1).await?;
        Ok(last
            .into_iter()
            .next_back()
            .filter(|m| m.speaker == Speaker::Assistant)
            .map(|m| TurnRecord::from_stored(&m.actions).pending)
            .filter(|p| !p.is_empty()))
    }

    /// Undoes one turn of this shopper's: the basket goes back to what it was
    /// just before the turn, provided nothing changed it since.
    pub async fn undo(&self, user: UserId, turn_id: Uuid) -> Result<Basket, UndoError> {
        let messages = self.history.recent(user, MAX_HISTORY).await?;
        let message = messages
            .into_iter()
            .find(|m| m.id == turn_id && m.speaker == Speaker::Assistant)
            .ok_or(UndoError::NotFound)?;
        let undo = TurnRecord::from_stored(&message.actions)
            .undo
            .ok_or(UndoError::NothingToUndo)?;
        let lines = undo
            .before
            .into_iter()
            .map(|l| ItemInput {
                id: Some(l.id),
                product_id: l.product_id,
                name: l.name,
                quantity: l.quantity,
                unit: l.unit,
                note: l.note,
            })
            .collect();
        match self
            .baskets
            .apply(
                user,
                Some(undo.version_after),
                vec![BasketChange::Replace(lines)],
            )
            .await
        {
            Ok(applied) => Ok(applied.basket),
            Err(BasketUseError::Stale | BasketUseError::ItemNotFound) => Err(UndoError::Changed),
            Err(BasketUseError::Invalid(v)) => Err(UndoError::Invalid(v)),
            Err(BasketUseError::Repo(e)) => Err(e.into()),
        }
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

/// The lines of `before` to restore, when `after` differs from it.
fn applied_before(before: &Basket, after: &Basket) -> Option<Vec<UndoLine>> {
    (before.items() != after.items()).then(|| {
        before
            .items()
            .iter()
            .map(|i| UndoLine {
                id: i.id.0,
                product_id: i.product_id.as_ref().map(|p| p.as_str().to_owned()),
                name: i.name.as_str().to_owned(),
                quantity: i.quantity.get(),
                unit: i.unit.as_ref().map(|u| u.as_str().to_owned()),
                note: i.note.as_ref().map(|n| n.as_str().to_owned()),
            })
            .collect()
    })
}

/// The reply for a confirmed proposal.
fn describe(actions: &[ChatAction]) -> String {
    if actions.iter().any(|a| matches!(a, ChatAction::Clear)) {
        return "장바구니를 비웠어요.".into();
    }
    let added: Vec<String> = actions
        .iter()
        .filter_map(|a| match a {
            ChatAction::Add { name, quantity, .. } => Some(format!("{name} {quantity}개")),
            _ => None,
        })
        .collect();
    if added.is_empty() {
        "그렇게 할게요.".into()
    } else {
        format!("{} 담았어요.", added.join(", "))
    }
}
