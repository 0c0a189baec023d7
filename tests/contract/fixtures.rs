//! Values the contract tests are built from.

use chrono::{DateTime, Duration, Utc};
use ttokjang_domain::session::{RefreshToken, Session, SessionId, SessionPolicy};
use ttokjang_domain::user::{
    DisplayName, EmailAddress, Invite, InviteCode, PasswordHash, Role, User, UserId,
};
use uuid::Uuid;

pub use ttokjang_tests::t0;

pub fn email(raw: &str) -> EmailAddress {
    EmailAddress::parse(raw).expect("valid e-mail")
}

pub fn user(raw_email: &str, at: DateTime<Utc>) -> User {
    User {
        id: UserId(Uuid::new_v4()),
        email: email(raw_email),
        display_name: DisplayName::parse("김똑장 Kim").expect("valid name"),
        password_hash: PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        role: Role::Shopper,
        created_at: at,
    }
}

pub fn code(raw: &str) -> InviteCode {
    InviteCode::parse(raw).expect("valid invite code")
}

pub fn invite(raw: &str, at: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> Invite {
    Invite {
        code: code(raw),
        created_at: at,
        expires_at,
        used_by: None,
        used_at: None,
    }
}

pub fn session_for(user: &User, at: DateTime<Utc>) -> Session {
    Session::start(
        SessionId(Uuid::new_v4()),
        user.id,
        at,
        &SessionPolicy::default(),
    )
}

pub fn token() -> RefreshToken {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    RefreshToken::from_random(bytes)
}

pub fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

/// A user stored in `b`, for tests of data that belongs to a user.
pub async fn stored_user(b: &crate::Backend, raw_email: &str) -> User {
    let u = user(raw_email, t0());
    b.users.create(&u, None, t0()).await.expect("create user");
    u
}
