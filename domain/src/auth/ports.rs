//! What sign-up, sign-in and sessions need: password hashing and the user,
//! invite and session stores.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::error::RepoError;
use crate::session::{RefreshTokenHash, RevokeReason, Session, SessionId};
use crate::user::{EmailAddress, Invite, InviteCode, Password, PasswordHash, User, UserId};

#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

/// Slow, salted password hashing (argon2id in production).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;
    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError>;
    /// Spends the same work as `verify` against a hash of no account, so that an
    /// unknown e-mail takes as long as a wrong password.
    async fn verify_dummy(&self, password: &Password);
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CreateUserError {
    #[error("e-mail already registered")]
    EmailTaken,
    #[error("invite code unknown, used or expired")]
    InviteInvalid,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Atomically: spends `invite` (when given; it must exist, be unused and not
    /// expired at `now`) and inserts `user`. Either both happen or neither.
    async fn create(
        &self,
        user: &User,
        invite: Option<InviteCode>,
        now: DateTime<Utc>,
    ) -> Result<(), CreateUserError>;
    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError>;
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError>;
    async fn count(&self) -> Result<u64, RepoError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait InviteRepository: Send + Sync {
    /// Stores a new invite; `Conflict` if the code exists.
    async fn create(&self, invite: &Invite) -> Result<(), RepoError>;
    async fn find(&self, code: &InviteCode) -> Result<Option<Invite>, RepoError>;
}

/// A session found by one of its refresh tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshLookup {
    pub session: Session,
    /// True when this token was already rotated away: presenting it is reuse.
    pub spent: bool,
}

/// What an attempt to rotate a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The presented token is now spent and `next` is the live one.
    Rotated(Session),
    /// Someone spent the presented token first (a concurrent refresh or a thief).
    AlreadySpent,
    /// No such token.
    Unknown,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new session with its first refresh token.
    async fn create(&self, session: &Session, refresh: &RefreshTokenHash) -> Result<(), RepoError>;
    async fn find(&self, id: SessionId) -> Result<Option<Session>, RepoError>;
    /// The session with its user, in one look-up: every signed-in request
    /// asks this (the access check), so it is one statement, not two.
    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, RepoError>;
    async fn find_by_refresh(
        &self,
        refresh: &RefreshTokenHash,
    ) -> Result<Option<RefreshLookup>, RepoError>;
    /// Atomically: marks `presented` spent *only if it is not spent yet* (a
    /// conditional update, so of concurrent callers exactly one wins), stores
    /// `next` as the session's live token and moves the idle expiry.
    async fn rotate(
        &self,
        presented: &RefreshTokenHash,
        next: &RefreshTokenHash,
        now: DateTime<Utc>,
        idle_expires_at: DateTime<Utc>,
    ) -> Result<Rotation, RepoError>;
    /// Ends the session (the whole refresh family). Revoking twice keeps the first reason.
    async fn revoke(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        reason: RevokeReason,
    ) -> Result<(), RepoError>;
    /// Deletes sessions that ended before `before`; returns how many.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}
