//! The payment stores (sandbox): methods, intents and idempotency keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::error::RepoError;
use crate::order::OrderId;
use crate::payment::idempotency::{Claim, IdempotencyKey, RequestHash, StoredResponse};
use crate::payment::{
    Completion, ConfirmOutcome, IntentId, PaymentIntent, PaymentMethod, PaymentMethodId,
};
use crate::user::UserId;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PaymentMethodRepository: Send + Sync {
    async fn add(&self, method: &PaymentMethod) -> Result<(), RepoError>;
    /// The user's methods, oldest first.
    async fn list(&self, user: UserId) -> Result<Vec<PaymentMethod>, RepoError>;
    /// The user's method with that id; another user's is `None`.
    async fn find(
        &self,
        user: UserId,
        id: PaymentMethodId,
    ) -> Result<Option<PaymentMethod>, RepoError>;
    /// `false` when the user has no method with that id.
    async fn delete(&self, user: UserId, id: PaymentMethodId) -> Result<bool, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PaymentIntentRepository: Send + Sync {
    async fn create(&self, intent: &PaymentIntent) -> Result<(), RepoError>;
    /// The user's intent with that id; another user's is `None`.
    async fn find(&self, user: UserId, id: IntentId) -> Result<Option<PaymentIntent>, RepoError>;
    /// The user's intents for one order, oldest first.
    async fn list_for_order(
        &self,
        user: UserId,
        order: OrderId,
    ) -> Result<Vec<PaymentIntent>, RepoError>;
    /// Σ `amount_krw` of the user's succeeded intents whose `updated_at` is at
    /// or after `since`.
    async fn succeeded_total_since(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<i64, RepoError>;
    /// Atomically (one transaction): moves the user's intent from
    /// `requires_confirmation` to the outcome's status (a conditional update,
    /// so of concurrent confirmations exactly one wins and a charge can never
    /// be recorded twice) and, when it succeeded, the intent's order to `paid`
    /// — only if the order is neither paid nor cancelled, else nothing changes
    /// (`OrderNotPayable`).
    async fn complete(
        &self,
        user: UserId,
        id: IntentId,
        outcome: &ConfirmOutcome,
        now: DateTime<Utc>,
    ) -> Result<Completion, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait IdempotencyRepository: Send + Sync {
    /// Atomically claims `(user, key)` for a request with fingerprint
    /// `request`: inserts it if new (`New`); takes over a claim that has no
    /// answer and was made before `now - lock_timeout` by the same request
    /// (`New`: its first runner died); otherwise reports what is there —
    /// `Mismatch` (another request), `Replay` (answered) or `InProgress`.
    /// Of concurrent claims of one key exactly one gets `New`.
    async fn claim(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        request: &RequestHash,
        now: DateTime<Utc>,
        lock_timeout: chrono::Duration,
    ) -> Result<Claim, RepoError>;
    /// Stores the answer of a claimed key (the first answer stored wins).
    async fn finish(
        &self,
        user: UserId,
        key: &IdempotencyKey,
        response: &StoredResponse,
    ) -> Result<(), RepoError>;
    /// Gives up an unanswered claim (after a transient failure) so that a
    /// retry with the same key runs again. Answered keys are kept.
    async fn release(&self, user: UserId, key: &IdempotencyKey) -> Result<(), RepoError>;
    /// Deletes keys first claimed before `before`; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}
