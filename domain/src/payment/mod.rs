//! Payments (closed-beta sandbox): stored payment methods that are only ever
//! sandbox tokens, payment intents over an order, a per-user budget cap, and
//! the values of idempotent requests. No real card ever reaches this system:
//! anything that looks like one is refused at the edge ([`card`]).

pub mod card;
pub mod idempotency;
pub mod ports;
mod service;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::order::OrderId;
use crate::user::{InvalidValue, UserId};

pub use service::{BudgetPolicy, PaymentError, PaymentService, MAX_METHODS_PER_USER};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentMethodId(pub Uuid);

impl fmt::Display for PaymentMethodId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IntentId(pub Uuid);

impl fmt::Display for IntentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why the sandbox processor refused a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineCode {
    GenericDecline,
    InsufficientFunds,
    ExpiredCard,
}

impl DeclineCode {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineCode::GenericDecline => "generic_decline",
            DeclineCode::InsufficientFunds => "insufficient_funds",
            DeclineCode::ExpiredCard => "expired_card",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "generic_decline" => Some(DeclineCode::GenericDecline),
            "insufficient_funds" => Some(DeclineCode::InsufficientFunds),
            "expired_card" => Some(DeclineCode::ExpiredCard),
            _ => None,
        }
    }
}

/// A sandbox test card. These four tokens are the only "cards" accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SandboxCard {
    Ok,
    Declined,
    InsufficientFunds,
    Expired,
}

impl SandboxCard {
    pub const ALL: [SandboxCard; 4] = [
        SandboxCard::Ok,
        SandboxCard::Declined,
        SandboxCard::InsufficientFunds,
        SandboxCard::Expired,
    ];

    pub fn token(self) -> &'static str {
        match self {
            SandboxCard::Ok => "pm_card_ok",
            SandboxCard::Declined => "pm_card_declined",
            SandboxCard::InsufficientFunds => "pm_card_insufficient_funds",
            SandboxCard::Expired => "pm_card_expired",
        }
    }

    /// The token exactly (no trimming or case folding: tokens are identifiers).
    pub fn parse(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.token() == token)
    }

    /// Display brand and last four digits of the well-known test card behind
    /// each token (they identify nothing real).
    pub fn brand(self) -> &'static str {
        match self {
            SandboxCard::Ok => "Visa",
            SandboxCard::Declined => "Visa",
            SandboxCard::InsufficientFunds => "Mastercard",
            SandboxCard::Expired => "Amex",
        }
    }

    pub fn last4(self) -> &'static str {
        match self {
            SandboxCard::Ok => "4242",
            SandboxCard::Declined => "0002",
            SandboxCard::InsufficientFunds => "9995",
            SandboxCard::Expired => "0069",
        }
    }

    /// "Sandbox Visa •••• 4242".
    pub fn label(self) -> String {
        format!("Sandbox {} •••• {}", self.brand(), self.last4())
    }

    /// What the sandbox processor answers for a charge on this card.
    pub fn charge(self) -> Result<(), DeclineCode> {
        match self {
            SandboxCard::Ok => Ok(()),
            SandboxCard::Declined => Err(DeclineCode::GenericDecline),
            SandboxCard::InsufficientFunds => Err(DeclineCode::InsufficientFunds),
            SandboxCard::Expired => Err(DeclineCode::ExpiredCard),
        }
    }
}

/// A shopper's stored payment method: a sandbox token with display details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMethod {
    pub id: PaymentMethodId,
    pub user_id: UserId,
    pub card: SandboxCard,
    /// The shopper's nickname, or the card's own label.
    pub label: String,
    pub created_at: DateTime<Utc>,
}

impl PaymentMethod {
    pub const MAX_LABEL_CHARS: usize = 40;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntentStatus {
    RequiresConfirmation,
    Succeeded,
    Failed,
    Canceled,
}

impl IntentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentStatus::RequiresConfirmation => "requires_confirmation",
            IntentStatus::Succeeded => "succeeded",
            IntentStatus::Failed => "failed",
            IntentStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "requires_confirmation" => Some(IntentStatus::RequiresConfirmation),
            "succeeded" => Some(IntentStatus::Succeeded),
            "failed" => Some(IntentStatus::Failed),
            "canceled" => Some(IntentStatus::Canceled),
            _ => None,
        }
    }

    /// Only an intent waiting for confirmation may move, and only once: to
    /// `succeeded`, `failed` or `canceled`. Everything else is final.
    pub fn can_become(self, next: IntentStatus) -> bool {
        self == IntentStatus::RequiresConfirmation && next != IntentStatus::RequiresConfirmation
    }
}

/// A payment intent: the plan to charge one order's total once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIntent {
    pub id: IntentId,
    pub user_id: UserId,
    pub order_id: OrderId,
    pub amount_krw: i64,
    pub status: IntentStatus,
    /// The sandbox token charged (set on confirmation).
    pub card: Option<SandboxCard>,
    /// The stored payment method used, when one was named.
    pub payment_method_id: Option<PaymentMethodId>,
    pub decline_code: Option<DeclineCode>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a confirmation names what to charge: a stored method's id or a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodRef {
    Stored(PaymentMethodId),
    Token(SandboxCard),
}

impl MethodRef {
    /// A UUID names a stored method; otherwise it must be a sandbox token.
    /// Anything that looks like a card number is refused without echoing it.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let field = "payment_method";
        if card::contains_card_number(raw) {
            return Err(card_refused(field));
        }
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidValue::new(field, "is required"));
        }
        if let Ok(id) = Uuid::parse_str(s) {
            return Ok(MethodRef::Stored(PaymentMethodId(id)));
        }
        SandboxCard::parse(s)
            .map(MethodRef::Token)
            .ok_or_else(|| unknown_token(field))
    }
}

pub(crate) fn card_refused(field: &'static str) -> InvalidValue {
    InvalidValue::new(
        field,
        "looks like a real card number; this closed beta accepts only sandbox tokens (e.g. pm_card_ok) and never stores card numbers",
    )
}

pub(crate) fn unknown_token(field: &'static str) -> InvalidValue {
    InvalidValue::new(
        field,
        "must be a sandbox token: pm_card_ok, pm_card_declined, pm_card_insufficient_funds or pm_card_expired",
    )
}

/// What the sandbox processor said about one confirmation, to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmOutcome {
    pub card: SandboxCard,
    pub payment_method_id: Option<PaymentMethodId>,
    /// `Ok` when charged, else why it was declined.
    pub result: Result<(), DeclineCode>,
    /// The spending cap a successful charge must stay within, checked inside
    /// the recording transaction (so two concurrent confirmations cannot both
    /// pass a check made before either was recorded). `None`: no cap.
    pub budget: Option<BudgetLimit>,
}

/// The user's succeeded payments updated at or after `since`, plus this one,
/// must not exceed `cap_krw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetLimit {
    pub cap_krw: i64,
    pub since: DateTime<Utc>,
}

impl BudgetLimit {
    /// True when paying `amount_krw` on top of `spent_krw` stays within the cap.
    pub fn allows(&self, spent_krw: i64, amount_krw: i64) -> bool {
        spent_krw.saturating_add(amount_krw) <= self.cap_krw
    }
}

impl ConfirmOutcome {
    pub fn status(&self) -> IntentStatus {
        match self.result {
            Ok(()) => IntentStatus::Succeeded,
            Err(_) => IntentStatus::Failed,
        }
    }

    /// The intent as it is after this outcome was recorded at `now`.
    pub fn apply(&self, intent: &PaymentIntent, now: DateTime<Utc>) -> PaymentIntent {
        PaymentIntent {
            status: self.status(),
            card: Some(self.card),
            payment_method_id: self.payment_method_id,
            decline_code: self.result.err(),
            updated_at: now,
            ..intent.clone()
        }
    }
}

/// What recording a confirmation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Recorded; the intent as stored now (and the order is `paid` when it succeeded).
    Completed(PaymentIntent),
    /// The intent had already left `requires_confirmation`; nothing changed.
    NotPending(PaymentIntent),
    /// The order is already paid or cancelled; nothing changed.
    OrderNotPayable,
    /// The charge succeeded at the processor but would take the user over
    /// `outcome.budget`: nothing changed. `spent_krw` is what was already paid
    /// in the window.
    OverBudget { spent_krw: i64 },
    /// No such intent for this user.
    NotFound,
}
