//! Adds, removals and quantity changes of one turn: what is done at once,
//! what is proposed, and what is asked back.

use crate::basket::Basket;
use crate::chat::parse::ItemRequest;
use crate::text::{josa, Particle};
use crate::RepoError;

use super::matching::{LineMatch, ProductMatch};
use super::wording::{amount_text, names};
use super::{yes_no, ChatAction, QuickReply, RuleBasedAssistant};

/// What one turn builds up.
#[derive(Default)]
pub(super) struct Turn {
    pub(super) actions: Vec<ChatAction>,
    pub(super) pending: Vec<ChatAction>,
    pub(super) quick_replies: Vec<QuickReply>,
    pub(super) added: Vec<String>,
    pub(super) done: Vec<String>,
    pub(super) asks: Vec<String>,
}

impl RuleBasedAssistant {
    pub(super) async fn add(
        &self,
        items: Vec<ItemRequest>,
        en: bool,
        t: &mut Turn,
    ) -> Result<(), RepoError> {
        for item in items {
            match self.product_for(&item).await? {
                ProductMatch::One(p, quantity) => {
                    t.added.push(if en {
                        format!("{} ×{}", p.name(), quantity)
                    } else {
                        amount_text(p.name(), quantity, item.counter.as_deref())
                    });
                    t.actions.push(ChatAction::Add {
                        product_id: Some(p.id().as_str().to_owned()),
                        name: p.name().to_owned(),
                        quantity,
                    });
                }
                ProductMatch::Several(ps) => {
                    let q = item.quantity.max(1);
                    for p in &ps {
                        t.quick_replies.push(QuickReply::new(
                            p.name(),
                            if en {
                                format!("add {q} {}", p.name())
                            } else {
                                format!("{} {q}개 담아줘", p.name())
                            },
                        ));
                    }
                    t.asks.push(if en {
                        format!("Which '{}' do you mean: {}?", item.text, names(&ps))
                    } else {
                        format!(
                            "'{}' 어떤 상품을 말씀하시는 건가요? {} 중에서 골라 주세요.",
                            josa(&item.text, Particle::EunNeun),
                            names(&ps)
                        )
                    });
                }
                ProductMatch::None => {
                    // Not in the catalog: a free-text line, once confirmed.
                    let q = item.quantity.max(1);
                    t.pending.push(ChatAction::Add {
                        product_id: None,
                        name: item.text.clone(),
                        quantity: q,
                    });
                    t.quick_replies = yes_no(en);
                    t.asks.push(if en {
                        format!(
                            "I could not find '{}' in the catalog. Add it as a note line anyway?",
                            item.text
                        )
                    } else {
                        format!(
                            "'{}' 상품을 찾지 못했어요. 메모 항목으로 {q}개 담을까요?",
                            item.text
                        )
                    });
                }
            }
        }
        Ok(())
    }

    pub(super) async fn remove(
        &self,
        items: Vec<ItemRequest>,
        basket: &Basket,
        en: bool,
        t: &mut Turn,
    ) -> Result<(), RepoError> {
        for item in items {
            match self.line_for(&item.text, basket).await? {
                LineMatch::One(line) => {
                    let have = u32::try_from(line.quantity.get()).unwrap_or(1);
                    if item.explicit && !item.all && item.quantity < have {
                        let left = have - item.quantity;
                        t.done.push(if en {
                            format!("{} is now ×{left}.", line.name.as_str())
                        } else {
                            format!(
                                "{} {left}개로 줄였어요.",
                                josa(line.name.as_str(), Particle::EulReul)
                            )
                        });
                        t.actions.push(ChatAction::SetQuantity {
                            item_id: line.id.0.to_string(),
                            name: line.name.as_str().to_owned(),
                            quantity: left,
                        });
                    } else {
                        t.done.push(if en {
                            format!("Removed {}.", line.name.as_str())
                        } else {
                            format!("{} 뺐어요.", josa(line.name.as_str(), Particle::EulReul))
                        });
                        t.actions.push(ChatAction::Remove {
                            item_id: line.id.0.to_string(),
                            name: line.name.as_str().to_owned(),
                        });
                    }
                }
                LineMatch::Several(lines) => {
                    for l in lines.iter().take(3) {
                        t.quick_replies.push(QuickReply::new(
                            l.name.as_str(),
                            if en {
                                format!("remove {}", l.name.as_str())
                            } else {
                                format!("{} 빼줘", l.name.as_str())
                            },
                        ));
                    }
                    let list = lines
                        .iter()
                        .map(|l| l.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    t.asks.push(if en {
                        format!("Several lines match '{}': {list}. Which one?", item.text)
                    } else {
                        format!(
                            "'{}' 여러 개예요: {list}. 어떤 것을 뺄까요?",
                            josa(&item.text, Particle::IGa)
                        )
                    });
                }
                LineMatch::None => t.done.push(if en {
                    format!("There is no '{}' in your basket.", item.text)
                } else {
                    format!("장바구니에 '{}' 없어요.", josa(&item.text, Particle::IGa))
                }),
            }
        }
        Ok(())
    }

    pub(super) async fn set(
        &self,
        items: Vec<ItemRequest>,
        basket: &Basket,
        en: bool,
        t: &mut Turn,
    ) -> Result<(), RepoError> {
        for item in items {
            match self.line_for(&item.text, basket).await? {
                LineMatch::One(line) => {
                    let quantity = item.quantity.max(1);
                    t.done.push(if en {
                        format!("{} is now ×{quantity}.", line.name.as_str())
                    } else {
                        format!(
                            "{} {}개로 바꿨어요.",
                            josa(line.name.as_str(), Particle::EulReul),
                            quantity
                        )
                    });
                    t.actions.push(ChatAction::SetQuantity {
                        item_id: line.id.0.to_string(),
                        name: line.name.as_str().to_owned(),
                        quantity,
                    });
                }
                LineMatch::Several(lines) => {
                    let q = item.quantity.max(1);
                    for l in lines.iter().take(3) {
                        t.quick_replies.push(QuickReply::new(
                            l.name.as_str(),
                            format!("{} {q}개로 바꿔줘", l.name.as_str()),
                        ));
                    }
                    t.asks.push(if en {
                        format!("Several lines match '{}'. Which one?", item.text)
                    } else {
                        format!(
                            "'{}' 여러 개예요. 어떤 것을 바꿀까요?",
                            josa(&item.text, Particle::IGa)
                        )
                    });
                }
                // Not in the basket yet: "우유 4개로" means four of it.
                LineMatch::None => self.add(vec![item], en, t).await?,
            }
        }
        Ok(())
    }
}
