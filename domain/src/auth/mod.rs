//! The auth use cases: register, login, refresh, logout and authenticate.

pub mod ports;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::error::RepoError;
use crate::session::{RefreshToken, RevokeReason, Session, SessionId, SessionPolicy, SessionState};
use crate::system::{Clock, RandomSource};
use crate::throttle::LoginThrottle;
use crate::user::{
    DisplayName, EmailAddress, InvalidValue, InviteCode, Password, Role, User, UserId,
};
use ports::{
    CreateUserError, HashError, PasswordHasher, Rotation, SessionRepository, UserRepository,
};

/// Whether registering needs an invite code (closed beta) or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitePolicy {
    Required,
    Optional,
}

#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub invite_code: Option<String>,
}

#[derive(Debug, Error)]
pub enum RegisterError {
    #[error("invalid input: {}", describe(.0))]
    Invalid(Vec<InvalidValue>),
    #[error("e-mail already registered")]
    EmailTaken,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

fn describe(problems: &[InvalidValue]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Error)]
pub enum LoginError {
    /// Unknown e-mail and wrong password alike.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("too many failed logins; retry after {retry_after_s} s")]
    RateLimited { retry_after_s: u64 },
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Error)]
pub enum RefreshError {
    #[error("refresh token unknown or session ended")]
    Unauthenticated,
    #[error("session expired")]
    Expired,
    /// An already-rotated token was presented: the whole session was revoked.
    #[error("refresh token reused; session revoked")]
    Reused,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

#[derive(Debug, Error)]
pub enum AuthError {
    #[error("session unknown or ended")]
    Unauthenticated,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// A freshly opened or refreshed session, with the one copy of its refresh token.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub user: User,
    pub session: Session,
    pub refresh_token: RefreshToken,
    /// The instant of issue (the clock's), for `iat` and relative lifetimes.
    pub issued_at: DateTime<Utc>,
    pub access_expires_at: DateTime<Utc>,
}

pub struct AuthService {
    users: Arc<dyn UserRepository>,
    sessions: Arc<dyn SessionRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    throttle: LoginThrottle,
    policy: SessionPolicy,
}

impl AuthService {
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
        throttle: LoginThrottle,
        policy: SessionPolicy,
    ) -> Self {
        Self {
            users,
            sessions,
            hasher,
            clock,
            random,
            throttle,
            policy,
        }
    }

    pub fn policy(&self) -> &SessionPolicy {
        &self.policy
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Creates an account. Every field is checked and all problems are reported
    /// together; the invite (when needed) is spent in the same transaction as the
    /// user is inserted.
    pub async fn register(
        &self,
        input: Registration,
        invites: InvitePolicy,
        role: Role,
    ) -> Result<User, RegisterError> {
        let mut problems = Vec::new();
        let email = EmailAddress::parse(&input.email)
            .map_err(|e| problems.push(e))
            .ok();
        let password = Password::parse(&input.password, email.as_ref())
            .map_err(|e| problems.push(e))
            .ok();
        let display_name = DisplayName::parse(&input.display_name)
            .map_err(|e| problems.push(e))
            .ok();
        let invite = match (input.invite_code.as_deref(), invites) {
            (Some(raw), _) if !raw.trim().is_empty() => {
                InviteCode::parse(raw).map_err(|e| problems.push(e)).ok()
            }
            (_, InvitePolicy::Required) => {
                problems.push(InvalidValue::new(
                    "invite_code",
                    "is required during the closed beta",
                ));
                None
            }
            (_, InvitePolicy::Optional) => None,
        };
        let (Some(email), Some(password), Some(display_name)) = (email, password, display_name)
        else {
            return Err(RegisterError::Invalid(problems));
        };
        if !problems.is_empty() {
            return Err(RegisterError::Invalid(problems));
        }
        let now = self.clock.now();
        let user = User {
            id: UserId(self.random.uuid()),
            email,
            display_name,
            password_hash: self.hasher.hash(&password).await?,
            role,
            created_at: now,
        };
        match self.users.create(&user, invite, now).await {
            Ok(()) => Ok(user),
            Err(CreateUserError::EmailTaken) => Err(RegisterError::EmailTaken),
            Err(CreateUserError::InviteInvalid) => {
                Err(RegisterError::Invalid(vec![InvalidValue::new(
                    "invite_code",
                    "is unknown, already used or expired",
                )]))
            }
            Err(CreateUserError::Repo(e)) => Err(e.into()),
        }
    }

    /// Checks credentials and opens a session. Unknown e-mail, malformed e-mail
    /// and wrong password give the same error after the same hashing work.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client_address: &str,
    ) -> Result<IssuedSession, LoginError> {
        let now = self.clock.now();
        let account = email.trim().to_lowercase();
        if let Some(retry_after_s) = self.throttle.retry_after(&account, client_address, now) {
            return Err(LoginError::RateLimited { retry_after_s });
        }
        let Ok(candidate) = Password::candidate(password) else {
            self.throttle.record_failure(&account, client_address, now);
            return Err(LoginError::InvalidCredentials);
        };
        let user = match EmailAddress::parse(email) {
            Ok(email) => self.users.find_by_email(&email).await?,
            Err(_) => None,
        };
        let verified = match &user {
            Some(u) => self.hasher.verify(&candidate, &u.password_hash).await?,
            None => {
                self.hasher.verify_dummy(&candidate).await;
                false
            }
        };
        let (Some(user), true) = (user, verified) else {
            self.throttle.record_failure(&account, client_address, now);
            return Err(LoginError::InvalidCredentials);
        };
        self.throttle.record_success(&account);
        let session = Session::start(SessionId(self.random.uuid()), user.id, now, &self.policy);
        let refresh_token = RefreshToken::from_random(self.random.secret_bytes());
        self.sessions
            .create(&session, &refresh_token.hash())
            .await?;
        Ok(IssuedSession {
            user,
            session,
            refresh_token,
            issued_at: now,
            access_expires_at: now + self.policy.access_ttl,
        })
    }

    /// Spends a refresh token and hands out the next one. Presenting a token that
    /// was already spent revokes the whole session: either the client is confused
    /// or the token was stolen, and only the session's end is safe for both.
    pub async fn refresh(&self, presented: &str) -> Result<IssuedSession, RefreshError> {
        let presented = RefreshToken::presented(presented).ok_or(RefreshError::Unauthenticated)?;
        let presented_hash = presented.hash();
        let now = self.clock.now();
        let found = self
            .sessions
            .find_by_refresh(&presented_hash)
            .await?
            .ok_or(RefreshError::Unauthenticated)?;
        let session = found.session;
        if found.spent {
            self.sessions
                .revoke(session.id, now, RevokeReason::RefreshTokenReused)
                .await?;
            return Err(match session.state_at(now) {
                SessionState::Active => RefreshError::Reused,
                SessionState::Revoked => match session.revoke_reason {
                    Some(RevokeReason::RefreshTokenReused) => RefreshError::Reused,
                    _ => RefreshError::Unauthenticated,
                },
                _ => RefreshError::Expired,
            });
        }
        match session.state_at(now) {
            SessionState::Active => {}
            SessionState::Revoked => return Err(RefreshError::Unauthenticated),
            SessionState::IdleExpired | SessionState::AbsoluteExpired => {
                return Err(RefreshError::Expired)
            }
        }
        let next = RefreshToken::from_random(self.random.secret_bytes());
        let idle = session.next_idle_expiry(now, &self.policy);
        let session = match self
            .sessions
            .rotate(&presented_hash, &next.hash(), now, idle)
            .await?
        {
            Rotation::Rotated(s) => s,
            Rotation::AlreadySpent => {
                self.sessions
                    .revoke(session.id, now, RevokeReason::RefreshTokenReused)
                    .await?;
                return Err(RefreshError::Reused);
            }
            Rotation::Unknown => return Err(RefreshError::Unauthenticated),
        };
        let user = self
            .users
            .find_by_id(session.user_id)
            .await?
            .ok_or(RefreshError::Unauthenticated)?;
        Ok(IssuedSession {
            user,
            session,
            refresh_token: next,
            issued_at: now,
            access_expires_at: now + self.policy.access_ttl,
        })
    }

    /// The user behind an access token, if its session still accepts access.
    pub async fn authenticate(
        &self,
        user_id: UserId,
        session_id: SessionId,
    ) -> Result<User, AuthError> {
        let now = self.clock.now();
        let (session, user) = self
            .sessions
            .find_with_user(session_id)
            .await?
            .ok_or(AuthError::Unauthenticated)?;
        if session.user_id != user_id || !session.accepts_access_at(now) {
            return Err(AuthError::Unauthenticated);
        }
        Ok(user)
    }

    /// Ends the caller's session at once. A refresh token given along is ended
    /// too when it belongs to the same user (a client that holds two sessions).
    pub async fn logout(
        &self,
        user_id: UserId,
        session_id: SessionId,
        refresh_token: Option<&str>,
    ) -> Result<(), RepoError> {
        let now = self.clock.now();
        self.sessions
            .revoke(session_id, now, RevokeReason::Logout)
            .await?;
        if let Some(other) = refresh_token.and_then(RefreshToken::presented) {
            if let Some(found) = self.sessions.find_by_refresh(&other.hash()).await? {
                if found.session.user_id == user_id {
                    self.sessions
                        .revoke(found.session.id, now, RevokeReason::Logout)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Logout with only a refresh token (the access token has expired): ends the
    /// session the token belongs to. Unknown tokens are ignored, so logout never
    /// tells whether a token existed.
    pub async fn logout_with_refresh(&self, refresh_token: &str) -> Result<(), RepoError> {
        let now = self.clock.now();
        if let Some(token) = RefreshToken::presented(refresh_token) {
            if let Some(found) = self.sessions.find_by_refresh(&token.hash()).await? {
                self.sessions
                    .revoke(found.session.id, now, RevokeReason::Logout)
                    .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
