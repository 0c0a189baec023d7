//! The `ChatAssistant` port and its built-in rule-based adapter: it reads the
//! message with [`super::parse`], matches products through the catalog's names
//! and aliases, and matches basket lines for removals and changes. When a
//! match is not clear it asks back instead of guessing.

mod edits;
mod matching;
mod wording;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::parse::{parse, Intent, ItemRequest};
use super::recipes::recipe;
use crate::basket::Basket;
use crate::catalog::ports::CatalogRepository;
use crate::text::{josa, Particle};
use crate::RepoError;
use edits::Turn;
use matching::{LineMatch, ProductMatch};
use wording::{basket_summary, english, listed};

/// What the assistant decided to do; the basket changes are applied together.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatAction {
    Add {
        product_id: Option<String>,
        name: String,
        quantity: u32,
    },
    Remove {
        item_id: String,
        name: String,
    },
    SetQuantity {
        item_id: String,
        name: String,
        quantity: u32,
    },
    Clear,
    Plan {
        mode: String,
    },
    Show,
}

/// A button under the reply: tapping it sends `message` as the next turn.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickReply {
    pub label: String,
    pub message: String,
}

impl QuickReply {
    pub fn new(label: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Interpretation {
    pub reply: String,
    /// Applied now, all together.
    pub actions: Vec<ChatAction>,
    /// Proposed: applied only when the shopper's next message confirms
    /// ("네"); a clear of the whole basket is always proposed, never done.
    pub pending: Vec<ChatAction>,
    pub quick_replies: Vec<QuickReply>,
}

/// The quick replies of a yes/no proposal.
pub fn yes_no(en: bool) -> Vec<QuickReply> {
    if en {
        vec![QuickReply::new("Yes", "yes"), QuickReply::new("No", "no")]
    } else {
        vec![
            QuickReply::new("네", "네"),
            QuickReply::new("아니요", "아니요"),
        ]
    }
}

#[derive(Debug, Error)]
pub enum AssistantError {
    #[error("the assistant is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ChatAssistant: Send + Sync {
    async fn interpret(
        &self,
        message: &str,
        basket: &Basket,
    ) -> Result<Interpretation, AssistantError>;
}

pub struct RuleBasedAssistant {
    catalog: Arc<dyn CatalogRepository>,
}

impl RuleBasedAssistant {
    pub fn new(catalog: Arc<dyn CatalogRepository>) -> Self {
        Self { catalog }
    }
}

#[async_trait]
impl ChatAssistant for RuleBasedAssistant {
    async fn interpret(
        &self,
        message: &str,
        basket: &Basket,
    ) -> Result<Interpretation, AssistantError> {
        let en = english(message);
        let say = |ko: String, en_text: String| if en { en_text } else { ko };
        let mut t = Turn::default();
        match parse(message) {
            Intent::Clear if basket.is_empty() => {
                t.done.push(say("장바구니가 이미 비어 있어요.".into(), "Your basket is already empty.".into()));
            }
            Intent::Clear => {
                // Never a destructive surprise: the shopper confirms first.
                t.pending.push(ChatAction::Clear);
                t.quick_replies = yes_no(en);
                t.asks.push(say(
                    format!("장바구니의 상품 {}개를 모두 뺄까요?", basket.items().len()),
                    format!("Remove all {} lines from your basket?", basket.items().len()),
                ));
            }
            Intent::Confirm | Intent::Cancel => t.done.push(say(
                "지금 확인할 제안이 없어요. 무엇을 도와드릴까요?".into(),
                "There is nothing to confirm right now. What can I do?".into(),
            )),
            Intent::Show => {
                t.actions.push(ChatAction::Show);
                t.done.push(basket_summary(basket, en));
            }
            Intent::Question => t.done.push(say(
                "장바구니는 그대로 두었어요. 가격이 궁금하시면 \"최저가 플랜 짜줘\"라고 말씀해 주세요.".into(),
                "I left your basket as it is. Ask \"plan my shopping\" to compare prices.".into(),
            )),
            Intent::Plan { online } => {
                let mode = if online { "online" } else { "offline" };
                t.actions.push(ChatAction::Plan { mode: mode.into() });
                t.done.push(say(
                    format!("{} 최저가 플랜을 짤게요.", if online { "온라인" } else { "매장" }),
                    format!("Let me plan your {mode} shopping."),
                ));
            }
            Intent::Recipe(dish) => match recipe(&dish) {
                Some(r) => {
                    let mut bundle = Turn::default();
                    let items = r
                        .ingredients
                        .iter()
                        .map(|i| ItemRequest {
                            text: (*i).to_owned(),
                            quantity: 1,
                            counter: None,
                            explicit: false,
                            all: false,
                            pieces: None,
                            amount: None,
                        })
                        .collect();
                    self.add(items, en, &mut bundle).await?;
                    let found: Vec<String> = bundle
                        .actions
                        .iter()
                        .filter_map(|a| match a {
                            ChatAction::Add { name, .. } => Some(name.clone()),
                            _ => None,
                        })
                        .collect();
                    if found.is_empty() {
                        t.done.push(say(format!("{} 재료를 찾지 못했어요.", r.name), format!("I found no ingredients for {}.", r.name)));
                    } else {
                        t.pending = bundle.actions;
                        t.quick_replies = yes_no(en);
                        t.asks.push(say(
                            format!("{} 재료로 {} 담을까요?", r.name, listed(&found, Particle::EulReul)),
                            format!("For {}: {}. Add them?", r.name, found.join(", ")),
                        ));
                    }
                }
                None => t.done.push(say(
                    format!("'{dish}' 요리의 재료 목록은 아직 없어요. 재료를 하나씩 말씀해 주세요."),
                    format!("I do not know the ingredients of '{dish}' yet."),
                )),
            },
            Intent::Add(items) => self.add(items, en, &mut t).await?,
            Intent::Multi(parts) => {
                for part in parts {
                    match part {
                        Intent::Add(items) => self.add(items, en, &mut t).await?,
                        Intent::Remove(items) => self.remove(items, basket, en, &mut t).await?,
                        Intent::SetQuantity(items) => self.set(items, basket, en, &mut t).await?,
                        Intent::Replace { from, to } => {
                            self.remove(vec![from], basket, en, &mut t).await?;
                            self.add(vec![to], en, &mut t).await?;
                        }
                        _ => {}
                    }
                }
            }
            Intent::Mention(items) => {
                // Only what clearly names a product is added; anything else
                // gets the help text, not a question.
                let mut known = Vec::new();
                for item in items {
                    if matches!(self.product_for(&item).await?, ProductMatch::One(..)) {
                        known.push(item);
                    }
                }
                if known.is_empty() {
                    t.done.push(say(
                        "무엇을 도와드릴까요? 예: \"우유 2개랑 계란 한 판 담아줘\", \"우유 빼줘\", \"장바구니 보여줘\", \"최저가 플랜 짜줘\"".into(),
                        "What can I do? e.g. \"add 2 milk\", \"remove milk\", \"show my basket\", \"plan my shopping\"".into(),
                    ));
                } else {
                    self.add(known, en, &mut t).await?;
                }
            }
            Intent::Remove(items) if basket.is_empty() => {
                let _ = items;
                t.done.push(say("장바구니가 비어 있어요.".into(), "Your basket is empty.".into()));
            }
            Intent::Remove(items) => self.remove(items, basket, en, &mut t).await?,
            Intent::SetQuantity(items) => self.set(items, basket, en, &mut t).await?,
            Intent::Replace { from, to } => {
                let line = match self.line_for(&from.text, basket).await? {
                    LineMatch::One(l) => Some(l),
                    _ => None,
                };
                let mut to = to;
                if let (Some(l), false) = (line, to.explicit) {
                    to.quantity = u32::try_from(l.quantity.get()).unwrap_or(1);
                }
                let mut swap = Turn::default();
                self.add(vec![to], en, &mut swap).await?;
                match (line, swap.actions.first().cloned()) {
                    (Some(l), Some(ChatAction::Add { name, .. })) => {
                        t.actions.push(ChatAction::Remove {
                            item_id: l.id.0.to_string(),
                            name: l.name.as_str().to_owned(),
                        });
                        t.actions.extend(swap.actions);
                        t.done.push(say(
                            format!(
                                "{} 빼고 {} 담았어요.",
                                josa(l.name.as_str(), Particle::EulReul),
                                josa(&name, Particle::EulReul)
                            ),
                            format!("Replaced {} with {name}.", l.name.as_str()),
                        ));
                    }
                    (None, Some(_)) => {
                        t.actions.extend(swap.actions);
                        t.added.extend(swap.added);
                    }
                    (_, None) => {
                        t.pending = swap.pending;
                        t.quick_replies = swap.quick_replies;
                        t.asks.extend(swap.asks);
                    }
                    (_, Some(_)) => {}
                }
            }
            Intent::Unknown => t.done.push(say(
                "무엇을 도와드릴까요? 예: \"우유 2개랑 계란 한 판 담아줘\", \"우유 빼줘\", \"장바구니 보여줘\", \"최저가 플랜 짜줘\"".into(),
                "What can I do? e.g. \"add 2 milk\", \"remove milk\", \"show my basket\", \"plan my shopping\"".into(),
            )),
        }
        let mut parts = Vec::new();
        if !t.added.is_empty() {
            parts.push(if en {
                format!("Added {}.", t.added.join(", "))
            } else {
                format!("{} 담았어요.", listed(&t.added, Particle::EulReul))
            });
        }
        parts.extend(t.done);
        parts.extend(t.asks);
        // One question at a time: a proposal's yes/no and candidate buttons
        // would mix, so a pending proposal keeps only its own buttons.
        Ok(Interpretation {
            reply: parts.join(" "),
            actions: t.actions,
            pending: t.pending,
            quick_replies: t.quick_replies.into_iter().take(3).collect(),
        })
    }
}
