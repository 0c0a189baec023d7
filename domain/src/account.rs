//! The account lifecycle: password change, the operator's password reset,
//! deletion (erasure of personal data) and what an export needs.
//!
//! Deletion keeps orders and payment records for accounting, attached to an
//! anonymised account: its e-mail becomes `deleted-<random>@deleted.invalid`,
//! its name `탈퇴한 회원`, its password a hash of random bytes nobody knows;
//! every other row about the shopper (profile with phone and address,
//! basket, preferences, chat, payment methods, reservations, notifications,
//! plan requests, idempotency keys, sessions, reset codes) is deleted in the
//! same transaction.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::auth::ports::{HashError, PasswordHasher, UserRepository};
use crate::error::RepoError;
use crate::notification::ports::NotificationRepository;
use crate::notification::Notification;
use crate::session::{Session, SessionId};
use crate::system::{Clock, RandomSource};
use crate::throttle::Throttle;
use crate::user::{DisplayName, EmailAddress, InvalidValue, Password, PasswordHash, User, UserId};

/// How long an operator's reset code stays usable.
pub const RESET_CODE_TTL: Duration = Duration::hours(1);

/// What an erased account keeps in place of the shopper's identity.
#[derive(Debug, Clone)]
pub struct Tombstone {
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password_hash: PasswordHash,
}

/// The SHA-256 (hex) of a one-time reset code; only this is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetCodeHash(pub String);

impl ResetCodeHash {
    pub fn of(code: &str) -> Self {
        let digest = Sha256::digest(code.trim().as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// Atomically: sets the user's password hash and ends every session of
    /// the user except `keep`. Returns how many sessions ended.
    async fn set_password(
        &self,
        user: UserId,
        hash: &PasswordHash,
        keep: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError>;
    /// Stores a reset code's hash for the user (replacing an earlier one).
    async fn save_reset(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Whether the user has this reset code, unexpired at `now`.
    async fn reset_pending(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// Atomically: spends the reset code (only if still there and unexpired),
    /// sets the password and ends every session. `false` when the code was
    /// not there (spent meanwhile).
    async fn use_reset(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        hash: &PasswordHash,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// Atomically: deletes every row of the shopper's personal data and
    /// replaces the account's identity by `tombstone` (orders and payment
    /// records stay, attached to it). `now` ends the sessions.
    async fn erase(
        &self,
        user: UserId,
        tombstone: &Tombstone,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError>;
    /// Every session of the user, newest first (for the export).
    async fn sessions(&self, user: UserId) -> Result<Vec<Session>, RepoError>;
}

#[derive(Debug, Error)]
pub enum AccountError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<InvalidValue>),
    /// Wrong current password, or an unknown/expired reset code (or e-mail).
    #[error("credentials not accepted")]
    Refused(InvalidValue),
    #[error("too many attempts; retry after {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error("no such account")]
    UnknownAccount,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub struct AccountService {
    users: Arc<dyn UserRepository>,
    accounts: Arc<dyn AccountRepository>,
    notifications: Arc<dyn NotificationRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    throttle: Throttle,
}

/// Random text from the secret source, in an alphabet without look-alikes.
fn readable(random: &dyn RandomSource, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random
        .secret_bytes()
        .iter()
        .take(len)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

impl AccountService {
    pub fn new(
        users: Arc<dyn UserRepository>,
        accounts: Arc<dyn AccountRepository>,
        notifications: Arc<dyn NotificationRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
        throttle: Throttle,
    ) -> Self {
        Self {
            users,
            accounts,
            notifications,
            hasher,
            clock,
            random,
            throttle,
        }
    }

    /// Checks `password` against the user's, counted like a login attempt
    /// (5 wrong per account per window, then 429), so a stolen access token
    /// cannot be used to guess the password.
    async fn confirm_password(
        &self,
        user: &User,
        field: &'static str,
        password: &str,
        client_address: &str,
    ) -> Result<Password, AccountError> {
        let now = self.clock.now();
        let account = user.email.as_str();
        if let Some(retry_after_s) = self
            .throttle
            .login_retry_after(account, client_address, now)
            .await?
        {
            return Err(AccountError::RateLimited { retry_after_s });
        }
        let refused = || AccountError::Refused(InvalidValue::new(field, "is not correct"));
        let Ok(candidate) = Password::candidate(password) else {
            self.throttle
                .login_failed(account, client_address, now)
                .await?;
            return Err(refused());
        };
        if !self.hasher.verify(&candidate, &user.password_hash).await? {
            self.throttle
                .login_failed(account, client_address, now)
                .await?;
            return Err(refused());
        }
        Ok(candidate)
    }

    /// Changes the password: the current one is required, the new one must
    /// pass the password policy and differ from it. Every other session of
    /// the user ends; the one making the change stays. The inbox gets a note.
    pub async fn change_password(
        &self,
        user: &User,
        session: SessionId,
        current: &str,
        new: &str,
        client_address: &str,
    ) -> Result<u64, AccountError> {
        let new = Password::parse(new, Some(&user.email)).map_err(|mut e| {
            e.field = "new_password";
            AccountError::Invalid(vec![e])
        })?;
        let current = self
            .confirm_password(user, "current_password", current, client_address)
            .await?;
        if current.expose() == new.expose() {
            return Err(AccountError::Invalid(vec![InvalidValue::new(
                "new_password",
                "must differ from the current password",
            )]));
        }
        let hash = self.hasher.hash(&new).await?;
        let now = self.clock.now();
        let ended = self
            .accounts
            .set_password(user.id, &hash, Some(session), now)
            .await?;
        self.note(
            user.id,
            "비밀번호가 변경되었습니다",
            "계정의 비밀번호가 변경되었고 다른 기기의 로그인은 모두 종료되었습니다. 직접 변경하지 않았다면 운영자에게 알려 주세요.",
            now,
        )
        .await;
        Ok(ended)
    }

    async fn note(&self, user: UserId, title: &str, body: &str, now: DateTime<Utc>) {
        let n = Notification {
            id: self.random.uuid(),
            user_id: user,
            reservation_id: None,
            run_id: None,
            title: title.to_owned(),
            body: body.to_owned(),
            created_at: now,
            plan_request_id: None,
            read_at: None,
        };
        // The change itself is done; a lost note must not undo or fail it.
        if let Err(e) = self.notifications.add(&n).await {
            let _ = e;
        }
    }

    /// The operator's reset: a one-time code (valid [`RESET_CODE_TTL`]) for
    /// the account of `email`. Only its hash is stored.
    pub async fn issue_reset(&self, email: &str) -> Result<(User, String), AccountError> {
        let email = EmailAddress::parse(email).map_err(|e| AccountError::Invalid(vec![e]))?;
        let user = self
            .users
            .find_by_email(&email)
            .await?
            .ok_or(AccountError::UnknownAccount)?;
        let code = format!(
            "{}-{}-{}",
            readable(self.random.as_ref(), 5),
            readable(self.random.as_ref(), 5),
            readable(self.random.as_ref(), 5)
        );
        let now = self.clock.now();
        self.accounts
            .save_reset(user.id, &ResetCodeHash::of(&code), now + RESET_CODE_TTL)
            .await?;
        Ok((user, code))
    }

    /// Sets a new password with an operator's reset code. Unknown e-mail,
    /// wrong code and expired code answer alike and count as failed logins.
    /// Every session of the account ends.
    pub async fn reset_password(
        &self,
        email: &str,
        code: &str,
        new: &str,
        client_address: &str,
    ) -> Result<(), AccountError> {
        let now = self.clock.now();
        let account = email.trim().to_lowercase();
        if let Some(retry_after_s) = self
            .throttle
            .login_retry_after(&account, client_address, now)
            .await?
        {
            return Err(AccountError::RateLimited { retry_after_s });
        }
        let parsed = EmailAddress::parse(email).ok();
        let new = Password::parse(new, parsed.as_ref()).map_err(|mut e| {
            e.field = "new_password";
            AccountError::Invalid(vec![e])
        })?;
        let refused = || AccountError::Refused(InvalidValue::new("code", "is unknown or expired"));
        let user = match &parsed {
            Some(e) => self.users.find_by_email(e).await?,
            None => None,
        };
        let code = ResetCodeHash::of(code);
        let pending = match &user {
            Some(u) => self.accounts.reset_pending(u.id, &code, now).await?,
            None => false,
        };
        let (Some(user), true) = (user, pending) else {
            self.throttle
                .login_failed(&account, client_address, now)
                .await?;
            return Err(refused());
        };
        let hash = self.hasher.hash(&new).await?;
        if !self.accounts.use_reset(user.id, &code, &hash, now).await? {
            return Err(refused());
        }
        self.throttle.login_succeeded(&account).await?;
        self.note(
            user.id,
            "비밀번호가 재설정되었습니다",
            "운영자가 발급한 코드로 비밀번호가 재설정되었고 모든 기기의 로그인이 종료되었습니다.",
            now,
        )
        .await;
        Ok(())
    }

    /// Deletes the account (the password is asked again): personal data is
    /// erased, orders stay anonymised. See the module's comment.
    pub async fn delete(
        &self,
        user: &User,
        password: &str,
        client_address: &str,
    ) -> Result<(), AccountError> {
        self.confirm_password(user, "password", password, client_address)
            .await?;
        let secret: String = self
            .random
            .secret_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let unusable = Password::candidate(&secret).map_err(|e| AccountError::Invalid(vec![e]))?;
        let email = EmailAddress::parse(&format!(
            "deleted-{}@deleted.invalid",
            self.random.uuid().simple()
        ))
        .map_err(|e| AccountError::Invalid(vec![e]))?;
        let display_name =
            DisplayName::parse("탈퇴한 회원").map_err(|e| AccountError::Invalid(vec![e]))?;
        let tombstone = Tombstone {
            email,
            display_name,
            password_hash: self.hasher.hash(&unusable).await?,
        };
        self.accounts
            .erase(user.id, &tombstone, self.clock.now())
            .await?;
        Ok(())
    }

    /// The user's sessions (for the export).
    pub async fn sessions(&self, user: UserId) -> Result<Vec<Session>, RepoError> {
        self.accounts.sessions(user).await
    }
}
