//! Sessions: one login on one device, carrying a family of rotating refresh tokens.

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::user::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub Uuid);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How long things live. Defaults follow the product brief: access 15 min,
/// refresh 30 days of idleness, and a session never outlives 90 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub access_ttl: Duration,
    pub refresh_idle_ttl: Duration,
    pub absolute_ttl: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            access_ttl: Duration::seconds(900),
            refresh_idle_ttl: Duration::days(30),
            absolute_ttl: Duration::days(90),
        }
    }
}

/// Why a session ended early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    Logout,
    RefreshTokenReused,
    Admin,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Logout => "logout",
            RevokeReason::RefreshTokenReused => "refresh_token_reused",
            RevokeReason::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "logout" => Some(Self::Logout),
            "refresh_token_reused" => Some(Self::RefreshTokenReused),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_refreshed_at: DateTime<Utc>,
    /// The current refresh token stops working after this instant unless used.
    pub idle_expires_at: DateTime<Utc>,
    /// The session ends here whatever happens.
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<RevokeReason>,
}

/// The state of a session at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    Revoked,
    IdleExpired,
    AbsoluteExpired,
}

impl Session {
    pub fn start(
        id: SessionId,
        user_id: UserId,
        now: DateTime<Utc>,
        policy: &SessionPolicy,
    ) -> Self {
        let absolute = now + policy.absolute_ttl;
        Self {
            id,
            user_id,
            created_at: now,
            last_refreshed_at: now,
            idle_expires_at: (now + policy.refresh_idle_ttl).min(absolute),
            absolute_expires_at: absolute,
            revoked_at: None,
            revoke_reason: None,
        }
    }

    pub fn state_at(&self, now: DateTime<Utc>) -> SessionState {
        if self.revoked_at.is_some() {
            SessionState::Revoked
        } else if now >= self.absolute_expires_at {
            SessionState::AbsoluteExpired
        } else if now >= self.idle_expires_at {
            SessionState::IdleExpired
        } else {
            SessionState::Active
        }
    }

    /// Access tokens are only honoured while the session is not revoked and not
    /// past its absolute end. Idle expiry concerns the refresh token only: an
    /// access token is shorter-lived than any idle window.
    pub fn accepts_access_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.absolute_expires_at
    }

    /// The idle expiry that a refresh at `now` grants, never past the absolute end.
    pub fn next_idle_expiry(&self, now: DateTime<Utc>, policy: &SessionPolicy) -> DateTime<Utc> {
        (now + policy.refresh_idle_ttl).min(self.absolute_expires_at)
    }
}

/// An opaque refresh token as handed to the client: 32 random bytes, base64url.
/// Only its hash is ever stored.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

impl RefreshToken {
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts a token presented by a client if it has the right shape.
    pub fn presented(raw: &str) -> Option<Self> {
        let ok = raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> RefreshTokenHash {
        let digest = Sha256::digest(self.0.as_bytes());
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        RefreshTokenHash(hex)
    }
}

/// SHA-256 of a refresh token, lower-case hex. Safe to store and to log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RefreshTokenHash(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
    }

    fn session() -> Session {
        Session::start(
            SessionId(Uuid::nil()),
            UserId(Uuid::nil()),
            t0(),
            &SessionPolicy::default(),
        )
    }

    #[test]
    fn new_session_is_active_until_idle_expiry() {
        let s = session();
        assert_eq!(s.state_at(t0()), SessionState::Active);
        assert_eq!(
            s.state_at(t0() + Duration::days(30) - Duration::seconds(1)),
            SessionState::Active
        );
        assert_eq!(
            s.state_at(t0() + Duration::days(30)),
            SessionState::IdleExpired
        );
    }

    #[test]
    fn absolute_expiry_caps_idle_extension() {
        let s = session();
        let p = SessionPolicy::default();
        let late = t0() + Duration::days(80);
        assert_eq!(s.next_idle_expiry(late, &p), s.absolute_expires_at);
        let mut s2 = s.clone();
        s2.idle_expires_at = s.absolute_expires_at;
        assert_eq!(
            s2.state_at(t0() + Duration::days(90)),
            SessionState::AbsoluteExpired
        );
        assert!(!s2.accepts_access_at(t0() + Duration::days(90)));
    }

    #[test]
    fn revoked_session_refuses_everything() {
        let mut s = session();
        s.revoked_at = Some(t0());
        assert_eq!(s.state_at(t0()), SessionState::Revoked);
        assert!(!s.accepts_access_at(t0()));
    }

    #[test]
    fn refresh_token_shape_and_hash() {
        let t = RefreshToken::from_random([7u8; 32]);
        assert_eq!(t.expose().len(), 43);
        assert!(RefreshToken::presented(t.expose()).is_some());
        assert!(RefreshToken::presented("short").is_none());
        assert!(RefreshToken::presented(&format!("{}=", &t.expose()[..42])).is_none());
        let h = t.hash();
        assert_eq!(h.0.len(), 64);
        assert_eq!(h, RefreshToken::from_random([7u8; 32]).hash());
        assert_ne!(h, RefreshToken::from_random([8u8; 32]).hash());
        assert!(!format!("{t:?}").contains(t.expose()));
    }
}
