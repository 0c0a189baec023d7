//! The payment use cases: payment methods (sandbox tokens only), creating an
//! intent for an order (amount checked, budget capped), confirming it with the
//! sandbox processor, reading it.

use std::sync::Arc;

use chrono::Duration;
use thiserror::Error;
use uuid::Uuid;

use super::{
    card, card_refused, unknown_token, BudgetLimit, Completion, ConfirmOutcome, DeclineCode,
    IntentId, IntentStatus, MethodRef, PaymentIntent, PaymentMethod, PaymentMethodId, SandboxCard,
};
use crate::error::RepoError;
use crate::order::ports::OrderRepository;
use crate::order::{OrderId, OrderStatus};
use crate::payment::ports::{PaymentIntentRepository, PaymentMethodRepository};
use crate::system::{Clock, RandomSource};
use crate::text;
use crate::user::{InvalidValue, UserId};

/// A shopper keeps at most this many payment methods.
pub const MAX_METHODS_PER_USER: usize = 20;

/// The per-user spending cap: succeeded payments within a rolling window plus
/// the new amount must not exceed `cap_krw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetPolicy {
    pub cap_krw: i64,
    pub window: Duration,
}

impl Default for BudgetPolicy {
    fn default() -> Self {
        Self {
            cap_krw: 1_000_000,
            window: Duration::days(30),
        }
    }
}

impl BudgetPolicy {
    /// True when paying `amount_krw` on top of `spent_krw` stays within the cap.
    pub fn allows(&self, spent_krw: i64, amount_krw: i64) -> bool {
        spent_krw.saturating_add(amount_krw) <= self.cap_krw
    }

    pub fn window_days(&self) -> i64 {
        self.window.num_days()
    }
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PaymentError {
    #[error("invalid payment request: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    #[error("no such order")]
    OrderNotFound,
    #[error("the order is already paid or cancelled")]
    OrderNotPayable,
    #[error("budget cap exceeded")]
    BudgetCapExceeded {
        cap_krw: i64,
        spent_krw: i64,
        window_days: i64,
    },
    #[error("no such payment intent")]
    IntentNotFound,
    #[error("the payment intent is {} and cannot be confirmed", .0.as_str())]
    NotConfirmable(IntentStatus),
    #[error("the card was declined ({})", .code.as_str())]
    Declined {
        intent: Box<PaymentIntent>,
        code: DeclineCode,
    },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

fn invalid(v: InvalidValue) -> PaymentError {
    PaymentError::Invalid(vec![v])
}

pub struct PaymentService {
    methods: Arc<dyn PaymentMethodRepository>,
    intents: Arc<dyn PaymentIntentRepository>,
    orders: Arc<dyn OrderRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    budget: BudgetPolicy,
}

impl PaymentService {
    pub fn new(
        methods: Arc<dyn PaymentMethodRepository>,
        intents: Arc<dyn PaymentIntentRepository>,
        orders: Arc<dyn OrderRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
        budget: BudgetPolicy,
    ) -> Self {
        Self {
            methods,
            intents,
            orders,
            clock,
            random,
            budget,
        }
    }

    pub fn budget(&self) -> BudgetPolicy {
        self.budget
    }

    /// Stores a sandbox token as a payment method. A card number anywhere in
    /// the input is refused (and not repeated in the error).
    pub async fn add_method(
        &self,
        user: UserId,
        token: &str,
        label: Option<&str>,
    ) -> Result<PaymentMethod, PaymentError> {
        let mut p = Vec::new();
        if card::contains_card_number(token) {
            p.push(card_refused("token"));
        }
        if label.is_some_and(card::contains_card_number) {
            p.push(card_refused("label"));
        }
        if !p.is_empty() {
            return Err(PaymentError::Invalid(p));
        }
        let sandbox = SandboxCard::parse(token.trim()).ok_or_else(|| unknown_token("token"));
        let label = text::optional("label", label, PaymentMethod::MAX_LABEL_CHARS);
        let (sandbox, label) = match (sandbox, label) {
            (Ok(c), Ok(l)) => (c, l),
            (a, b) => {
                return Err(PaymentError::Invalid(
                    [a.err(), b.err()].into_iter().flatten().collect(),
                ))
            }
        };
        if self.methods.list(user).await?.len() >= MAX_METHODS_PER_USER {
            return Err(invalid(InvalidValue::new(
                "token",
                "a shopper keeps at most 20 payment methods; delete one first",
            )));
        }
        let method = PaymentMethod {
            id: PaymentMethodId(self.random.uuid()),
            user_id: user,
            card: sandbox,
            label: label.unwrap_or_else(|| sandbox.label()),
            created_at: crate::stored_instant(self.clock.now()),
        };
        self.methods.add(&method).await?;
        Ok(method)
    }

    pub async fn list_methods(&self, user: UserId) -> Result<Vec<PaymentMethod>, RepoError> {
        self.methods.list(user).await
    }

    /// `false` when the user has no such method.
    pub async fn remove_method(&self, user: UserId, id: Uuid) -> Result<bool, RepoError> {
        self.methods.delete(user, PaymentMethodId(id)).await
    }

    /// A new intent to pay the user's own order: the amount must equal the
    /// order's total, the order must be payable, and the budget cap must allow it.
    pub async fn create_intent(
        &self,
        user: UserId,
        order_id: Uuid,
        amount_krw: i64,
    ) -> Result<PaymentIntent, PaymentError> {
        if amount_krw <= 0 {
            return Err(invalid(InvalidValue::new(
                "amount_krw",
                "must be a positive whole number of 원",
            )));
        }
        let order = self
            .orders
            .find(user, OrderId(order_id))
            .await?
            .ok_or(PaymentError::OrderNotFound)?;
        if matches!(order.status, OrderStatus::Paid | OrderStatus::Cancelled) {
            return Err(PaymentError::OrderNotPayable);
        }
        if amount_krw != order.total_krw {
            return Err(invalid(InvalidValue::new(
                "amount_krw",
                format!("must equal the order's total_krw ({})", order.total_krw),
            )));
        }
        let now = crate::stored_instant(self.clock.now());
        self.check_budget(user, amount_krw, now).await?;
        let intent = PaymentIntent {
            id: IntentId(self.random.uuid()),
            user_id: user,
            order_id: order.id,
            amount_krw,
            status: IntentStatus::RequiresConfirmation,
            card: None,
            payment_method_id: None,
            decline_code: None,
            created_at: now,
            updated_at: now,
        };
        self.intents.create(&intent).await?;
        Ok(intent)
    }

    /// Charges the intent with a stored method (by id) or a sandbox token. A
    /// success marks the order paid in the same transaction; a decline fails
    /// the intent (final) and answers `Declined`.
    pub async fn confirm(
        &self,
        user: UserId,
        intent_id: Uuid,
        payment_method: &str,
    ) -> Result<PaymentIntent, PaymentError> {
        let method = MethodRef::parse(payment_method).map_err(invalid)?;
        let id = IntentId(intent_id);
        let intent = self
            .intents
            .find(user, id)
            .await?
            .ok_or(PaymentError::IntentNotFound)?;
        if intent.status != IntentStatus::RequiresConfirmation {
            return Err(PaymentError::NotConfirmable(intent.status));
        }
        let (card, payment_method_id) = match method {
            MethodRef::Token(c) => (c, None),
            MethodRef::Stored(pm) => {
                let m = self.methods.find(user, pm).await?.ok_or_else(|| {
                    invalid(InvalidValue::new(
                        "payment_method",
                        "no such payment method",
                    ))
                })?;
                (m.card, Some(m.id))
            }
        };
        let now = crate::stored_instant(self.clock.now());
        self.check_budget(user, intent.amount_krw, now).await?;
        let outcome = ConfirmOutcome {
            card,
            payment_method_id,
            result: card.charge(),
            budget: Some(BudgetLimit {
                cap_krw: self.budget.cap_krw,
                since: now - self.budget.window,
            }),
        };
        match self.intents.complete(user, id, &outcome, now).await? {
            Completion::Completed(i) => match i.decline_code {
                Some(code) if i.status == IntentStatus::Failed => Err(PaymentError::Declined {
                    intent: Box::new(i),
                    code,
                }),
                _ => Ok(i),
            },
            Completion::NotPending(i) => Err(PaymentError::NotConfirmable(i.status)),
            Completion::OrderNotPayable => Err(PaymentError::OrderNotPayable),
            Completion::OverBudget { spent_krw } => Err(PaymentError::BudgetCapExceeded {
                cap_krw: self.budget.cap_krw,
                spent_krw,
                window_days: self.budget.window_days(),
            }),
            Completion::NotFound => Err(PaymentError::IntentNotFound),
        }
    }

    /// The user's own intent; another user's is `None`.
    pub async fn get_intent(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<PaymentIntent>, RepoError> {
        self.intents.find(user, IntentId(id)).await
    }

    async fn check_budget(
        &self,
        user: UserId,
        amount_krw: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), PaymentError> {
        let spent = self
            .intents
            .succeeded_total_since(user, now - self.budget.window)
            .await?;
        if self.budget.allows(spent, amount_krw) {
            Ok(())
        } else {
            Err(PaymentError::BudgetCapExceeded {
                cap_krw: self.budget.cap_krw,
                spent_krw: spent,
                window_days: self.budget.window_days(),
            })
        }
    }
}
