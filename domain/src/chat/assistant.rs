//! The `ChatAssistant` port and its built-in rule-based adapter: it reads the
//! message with [`super::parse`], matches products through the catalog's names
//! and aliases, and matches basket lines for removals and changes. When a
//! match is not clear it asks back instead of guessing.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::parse::{parse, Intent, ItemRequest};
use crate::basket::{Basket, BasketItem};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::search::{match_rank, normalize, MatchRank, ProductQuery};
use crate::catalog::Product;
use crate::RepoError;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpretation {
    pub reply: String,
    pub actions: Vec<ChatAction>,
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

/// How a product phrase matched the catalog.
enum ProductMatch {
    One(Product),
    Several(Vec<Product>),
    None,
}

/// How a phrase matched the basket.
enum LineMatch<'a> {
    One(&'a BasketItem),
    Several(Vec<&'a BasketItem>),
    None,
}

fn english(message: &str) -> bool {
    !message
        .chars()
        .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

impl RuleBasedAssistant {
    pub fn new(catalog: Arc<dyn CatalogRepository>) -> Self {
        Self { catalog }
    }

    /// The product for `text`. A counter helps choose among equally good
    /// names: "계란 한 판" picks the product whose aliases say 판 (30 eggs).
    async fn product_for(
        &self,
        text: &str,
        counter: Option<&str>,
    ) -> Result<ProductMatch, RepoError> {
        let Ok(query) = ProductQuery::parse(text) else {
            return Ok(ProductMatch::None);
        };
        let hits = self.catalog.search_products(&query, 0, 5).await?;
        let ranked: Vec<(MatchRank, Product)> = hits
            .into_iter()
            .filter_map(|p| match_rank(&p, &query).map(|r| (r, p)))
            .collect();
        let Some((best, _)) = ranked.first() else {
            return Ok(ProductMatch::None);
        };
        let best = *best;
        if let Some(c) = counter.filter(|c| !matches!(*c, "개" | "구")) {
            let says_counter =
                |p: &Product| p.name().contains(c) || p.aliases().iter().any(|a| a.contains(c));
            if let Some((_, p)) = ranked
                .iter()
                .find(|(r, p)| *r != MatchRank::Fuzzy && says_counter(p))
            {
                return Ok(ProductMatch::One(p.clone()));
            }
        }
        // A clear name (exact, prefix or contained) is taken at its best hit;
        // typo-level matches are only taken when there is exactly one.
        if best != MatchRank::Fuzzy || ranked.len() == 1 {
            return Ok(ranked
                .into_iter()
                .next()
                .map_or(ProductMatch::None, |(_, p)| ProductMatch::One(p)));
        }
        Ok(ProductMatch::Several(
            ranked.into_iter().take(3).map(|(_, p)| p).collect(),
        ))
    }

    async fn line_for<'a>(
        &self,
        text: &str,
        basket: &'a Basket,
    ) -> Result<LineMatch<'a>, RepoError> {
        let want = normalize(text);
        if want.is_empty() {
            return Ok(LineMatch::None);
        }
        let by_name: Vec<&BasketItem> = basket
            .items()
            .iter()
            .filter(|i| normalize(i.name.as_str()).contains(&want))
            .collect();
        let found = if by_name.is_empty() {
            // "달걀" removes the line "계란 30구": go through the catalog's aliases.
            match self.product_for(text, None).await? {
                ProductMatch::One(p) => basket
                    .items()
                    .iter()
                    .filter(|i| {
                        i.product_id
                            .as_ref()
                            .is_some_and(|id| id.as_str() == p.id().as_str())
                    })
                    .collect(),
                _ => Vec::new(),
            }
        } else {
            by_name
        };
        Ok(match found.len() {
            0 => LineMatch::None,
            1 => LineMatch::One(found[0]),
            _ => LineMatch::Several(found),
        })
    }
}

fn names(products: &[Product]) -> String {
    products
        .iter()
        .map(|p| p.name().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn basket_summary(basket: &Basket, en: bool) -> String {
    if basket.is_empty() {
        return if en {
            "Your basket is empty.".into()
        } else {
            "장바구니가 비어 있어요.".into()
        };
    }
    let lines: Vec<String> = basket
        .items()
        .iter()
        .map(|i| format!("{} ×{}", i.name.as_str(), i.quantity.get()))
        .collect();
    if en {
        format!("In your basket: {}.", lines.join(", "))
    } else {
        format!("장바구니에 {}이(가) 있어요.", lines.join(", "))
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
        let mut actions = Vec::new();
        let mut done = Vec::new();
        let mut asks = Vec::new();
        match parse(message) {
            Intent::Clear => {
                actions.push(ChatAction::Clear);
                done.push(say("장바구니를 비웠어요.".into(), "I emptied your basket.".into()));
            }
            Intent::Show => {
                actions.push(ChatAction::Show);
                done.push(basket_summary(basket, en));
            }
            Intent::Plan { online } => {
                let mode = if online { "online" } else { "offline" };
                actions.push(ChatAction::Plan { mode: mode.into() });
                done.push(say(
                    format!("{} 장보기 플랜을 만들게요.", if online { "온라인" } else { "매장" }),
                    format!("Let me plan your {mode} shopping."),
                ));
            }
            Intent::Add(items) => {
                for ItemRequest { text, quantity, counter, .. } in items {
                    match self.product_for(&text, counter.as_deref()).await? {
                        ProductMatch::One(p) => {
                            let unit = counter.clone().unwrap_or_else(|| "개".into());
                            done.push(say(
                                format!("{} {}{}", p.name(), quantity, unit),
                                format!("{} ×{}", p.name(), quantity),
                            ));
                            actions.push(ChatAction::Add {
                                product_id: Some(p.id().as_str().to_owned()),
                                name: p.name().to_owned(),
                                quantity,
                            });
                        }
                        ProductMatch::Several(ps) => asks.push(say(
                            format!("'{text}'은(는) {} 중 어떤 상품인가요?", names(&ps)),
                            format!("Which '{text}' do you mean: {}?", names(&ps)),
                        )),
                        ProductMatch::None => asks.push(say(
                            format!("'{text}'에 맞는 상품을 찾지 못했어요. 이름을 조금 더 자세히 알려 주세요."),
                            format!("I could not find '{text}'. Could you name it more precisely?"),
                        )),
                    }
                }
                if !done.is_empty() {
                    let list = done.join(", ");
                    done = vec![say(format!("{list}을(를) 담았어요."), format!("Added {list}."))];
                }
            }
            Intent::Remove(items) | Intent::SetQuantity(items) if basket.is_empty() => {
                let _ = items;
                asks.push(say("장바구니가 비어 있어요.".into(), "Your basket is empty.".into()));
            }
            Intent::Remove(items) => {
                for ItemRequest { text, .. } in items {
                    match self.line_for(&text, basket).await? {
                        LineMatch::One(line) => {
                            done.push(say(
                                format!("{}을(를) 뺐어요.", line.name.as_str()),
                                format!("Removed {}.", line.name.as_str()),
                            ));
                            actions.push(ChatAction::Remove {
                                item_id: line.id.0.to_string(),
                                name: line.name.as_str().to_owned(),
                            });
                        }
                        LineMatch::Several(lines) => asks.push(say(
                            format!("'{text}'이(가) 여러 개예요: {}. 어떤 것을 뺄까요?", lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")),
                            format!("Several lines match '{text}': {}. Which one?", lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")),
                        )),
                        LineMatch::None => asks.push(say(
                            format!("장바구니에 '{text}'이(가) 없어요."),
                            format!("There is no '{text}' in your basket."),
                        )),
                    }
                }
            }
            Intent::SetQuantity(items) => {
                for ItemRequest { text, quantity, .. } in items {
                    match self.line_for(&text, basket).await? {
                        LineMatch::One(line) => {
                            done.push(say(
                                format!("{}을(를) {}개로 바꿨어요.", line.name.as_str(), quantity),
                                format!("{} is now ×{}.", line.name.as_str(), quantity),
                            ));
                            actions.push(ChatAction::SetQuantity {
                                item_id: line.id.0.to_string(),
                                name: line.name.as_str().to_owned(),
                                quantity,
                            });
                        }
                        LineMatch::Several(_) | LineMatch::None => asks.push(say(
                            format!("'{text}'을(를) 장바구니에서 하나로 찾지 못했어요."),
                            format!("I could not find exactly one '{text}' in your basket."),
                        )),
                    }
                }
            }
            Intent::Unknown => asks.push(say(
                "무엇을 도와드릴까요? 예: \"우유 2개랑 계란 한 판 담아줘\", \"우유 빼줘\", \"장바구니 보여줘\", \"최저가 플랜 짜줘\"".into(),
                "What can I do? e.g. \"add 2 milk\", \"remove milk\", \"show my basket\", \"plan my shopping\"".into(),
            )),
        }
        let mut reply = done.join(" ");
        if !asks.is_empty() {
            if !reply.is_empty() {
                reply.push(' ');
            }
            reply.push_str(&asks.join(" "));
        }
        Ok(Interpretation { reply, actions })
    }
}
