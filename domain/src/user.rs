//! Users and the validated values they are made of.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// A user's stable identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub struct UserId(pub Uuid);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a value given by a client was refused. `field` names the input field.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{field}: {message}")]
pub struct InvalidValue {
    pub field: &'static str,
    pub message: String,
}

impl InvalidValue {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// An e-mail address, trimmed and lower-cased so that one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let field = "email";
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(InvalidValue::new(field, "is required"));
        }
        if s.len() > Self::MAX_LEN {
            return Err(InvalidValue::new(field, "is too long (at most 254 bytes)"));
        }
        if has_control(&s) || s.chars().any(char::is_whitespace) {
            return Err(InvalidValue::new(
                field,
                "must not contain spaces or control characters",
            ));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(InvalidValue::new(field, "must look like name@example.com"));
        };
        let domain_ok = !domain.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(InvalidValue::new(field, "must look like name@example.com"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to the shopper and to nobody else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let field = "display_name";
        let s = raw.trim();
        if s.is_empty() {
            return Err(InvalidValue::new(field, "is required"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(
                field,
                "is too long (at most 40 characters)",
            ));
        }
        if has_control(s) {
            return Err(InvalidValue::new(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A clear-text password that passed the policy. Never printed.
#[derive(Clone)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Passwords so common that attackers try them first.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "qwerty1234",
    "1q2w3e4r5t",
    "iloveyou12",
    "abcdefghij",
    "0123456789",
    "1111111111",
    "passw0rd12",
    "asdfghjkl1",
    "ttokjang123",
];

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    /// Checks the password policy: 10 to 128 characters, no control characters,
    /// not a single repeated character, not a well-known password, and not the
    /// account's own e-mail name.
    pub fn parse(raw: &str, email: Option<&EmailAddress>) -> Result<Self, InvalidValue> {
        let field = "password";
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(InvalidValue::new(field, "must be at least 10 characters"));
        }
        if n > Self::MAX_CHARS {
            return Err(InvalidValue::new(field, "must be at most 128 characters"));
        }
        if has_control(raw) {
            return Err(InvalidValue::new(
                field,
                "must not contain control characters",
            ));
        }
        let mut chars = raw.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(InvalidValue::new(
                field,
                "must not be one repeated character",
            ));
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(InvalidValue::new(field, "is too common"));
        }
        if let Some(email) = email {
            let local = email.as_str().split('@').next().unwrap_or_default();
            if local.chars().count() >= 4 && lower.contains(local) {
                return Err(InvalidValue::new(
                    field,
                    "must not contain your e-mail name",
                ));
            }
        }
        Ok(Self(raw.to_owned()))
    }

    /// For login only: any string is accepted as a *candidate* (policy is for new
    /// passwords), but absurd lengths are cut off before hashing.
    pub fn candidate(raw: &str) -> Result<Self, InvalidValue> {
        if raw.is_empty() {
            return Err(InvalidValue::new("password", "is required"));
        }
        if raw.len() > 1024 {
            return Err(InvalidValue::new("password", "is too long"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A password hash in PHC string format, as produced by the hasher port.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Shopper,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "shopper" => Some(Role::Shopper),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: EmailAddress,
    pub display_name: DisplayName,
    pub password_hash: PasswordHash,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// A closed-beta invite code: 6 to 64 characters of letters, digits and `-`/`_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

impl InviteCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let s = raw.trim();
        let ok = (6..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(InvalidValue::new(
                "invite_code",
                "must be 6 to 64 letters, digits, '-' or '_'",
            ));
        }
        Ok(Self(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub code: InviteCode,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub used_by: Option<UserId>,
    pub used_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_validated() {
        let e = EmailAddress::parse("  Kim@Example.COM ").expect("valid");
        assert_eq!(e.as_str(), "kim@example.com");
        for bad in [
            "",
            "kim",
            "kim@",
            "@example.com",
            "kim@example",
            "kim @example.com",
            "kim@exa mple.com",
            "a@b@c.com",
            "kim@.example.com",
            "kim@example..com",
            "kim@example.com.",
            "kim\u{0}@example.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(EmailAddress::parse(&long).is_err());
    }

    #[test]
    fn display_name_rules() {
        assert_eq!(
            DisplayName::parse(" 김똑장 ").expect("ok").as_str(),
            "김똑장"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"가".repeat(41)).is_err());
        assert!(DisplayName::parse(&"가".repeat(40)).is_ok());
        assert!(DisplayName::parse("a\nb").is_err());
    }

    #[test]
    fn password_policy() {
        let email = EmailAddress::parse("shopper@example.com").expect("ok");
        assert!(Password::parse("correct horse battery", Some(&email)).is_ok());
        assert!(Password::parse("short", None).is_err());
        assert!(Password::parse("aaaaaaaaaaaa", None).is_err());
        assert!(Password::parse("Password123", None).is_err());
        assert!(Password::parse("my-shopper-pass", Some(&email)).is_err());
        assert!(Password::parse(&"x1".repeat(65), None).is_err());
        assert!(Password::parse("tab\tinside-it", None).is_err());
        // Ten Korean characters are ten characters, not thirty bytes.
        assert!(Password::parse("똑똑한장보기비밀번호", None).is_ok());
    }

    #[test]
    fn password_debug_is_redacted() {
        let p = Password::parse("correct horse battery", None).expect("ok");
        assert!(!format!("{p:?}").contains("horse"));
        let h = PasswordHash("$argon2id$secret".into());
        assert!(!format!("{h:?}").contains("argon2"));
    }

    #[test]
    fn invite_code_rules() {
        assert_eq!(
            InviteCode::parse(" beta-2026 ").expect("ok").as_str(),
            "BETA-2026"
        );
        assert!(InviteCode::parse("abc").is_err());
        assert!(InviteCode::parse("has space").is_err());
        assert!(InviteCode::parse(&"a".repeat(65)).is_err());
    }
}
