//! Access tokens: JWT, HS256 pinned, short-lived, bound to a server-side session.

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use ttokjang_domain::session::SessionId;
use ttokjang_domain::user::UserId;

/// The `typ` claim of an access token; refresh tokens are opaque and never JWTs.
const ACCESS_TYP: &str = "access";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
    pub typ: String,
    /// Not issued by us; honoured when present (a token is not valid before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token expired")]
    Expired,
    #[error("token invalid")]
    Invalid,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("JWT_SECRET must be at least 32 bytes (it is {0})")]
    TooShort(usize),
    #[error("JWT leeway must be between 0 and 30 seconds")]
    Leeway,
}

/// Signs and checks access tokens. The secret never leaves this struct.
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    leeway_s: u64,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl AccessTokens {
    pub const MIN_SECRET_BYTES: usize = 32;

    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        leeway_s: u64,
    ) -> Result<Self, KeyError> {
        if secret.len() < Self::MIN_SECRET_BYTES {
            return Err(KeyError::TooShort(secret.len()));
        }
        if leeway_s > 30 {
            return Err(KeyError::Leeway);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = leeway_s;
        validation.validate_exp = true;
        validation.validate_nbf = false;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "iat"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway_s,
        })
    }

    pub fn issue(
        &self,
        user: UserId,
        session: SessionId,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            sub: user.0.to_string(),
            sid: session.0.to_string(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: Uuid::new_v4().to_string(),
            typ: ACCESS_TYP.to_owned(),
            nbf: None,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Checks signature, algorithm, `exp`, `iss`, `aud`, `typ`, that `iat` is
    /// not in the future and, when present, that `nbf` has passed. `now` comes from the clock port so tests can move it;
    /// jsonwebtoken checks `exp` against the system clock as well.
    pub fn verify(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<(UserId, SessionId), TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let c = data.claims;
        if data.header.alg != Algorithm::HS256 || c.typ != ACCESS_TYP {
            return Err(TokenError::Invalid);
        }
        let leeway = i64::try_from(self.leeway_s).unwrap_or(30);
        if c.exp + leeway <= now.timestamp() {
            return Err(TokenError::Expired);
        }
        if c.iat > now.timestamp() + leeway {
            return Err(TokenError::Invalid);
        }
        if c.nbf.is_some_and(|nbf| nbf > now.timestamp() + leeway) {
            return Err(TokenError::Invalid);
        }
        let user = Uuid::parse_str(&c.sub).map_err(|_| TokenError::Invalid)?;
        let session = Uuid::parse_str(&c.sid).map_err(|_| TokenError::Invalid)?;
        Ok((UserId(user), SessionId(session)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64_like::b64;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";

    mod base64_like {
        /// Minimal base64url (no padding) for forging test tokens.
        pub fn b64(input: &[u8]) -> String {
            const T: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in input.chunks(3) {
                let b = [
                    chunk[0],
                    *chunk.get(1).unwrap_or(&0),
                    *chunk.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                let chars = chunk.len() + 1;
                for i in 0..chars {
                    out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        }
    }

    fn keys() -> AccessTokens {
        AccessTokens::new(SECRET, "ttokjang", "ttokjang-web", 30).expect("keys")
    }

    fn now() -> DateTime<Utc> {
        Utc::now()
    }

    fn ids() -> (UserId, SessionId) {
        (UserId(Uuid::from_u128(1)), SessionId(Uuid::from_u128(2)))
    }

    #[test]
    fn short_secret_and_big_leeway_are_refused() {
        assert_eq!(
            AccessTokens::new(b"too short", "i", "a", 30).err(),
            Some(KeyError::TooShort(9))
        );
        assert_eq!(
            AccessTokens::new(SECRET, "i", "a", 31).err(),
            Some(KeyError::Leeway)
        );
    }

    #[test]
    fn round_trip() {
        let k = keys();
        let (u, s) = ids();
        let t = k
            .issue(u, s, now(), now() + chrono::Duration::seconds(900))
            .expect("issue");
        assert_eq!(k.verify(&t, now()), Ok((u, s)));
    }

    #[test]
    fn expired_is_told_apart() {
        let k = keys();
        let (u, s) = ids();
        let past = now() - chrono::Duration::seconds(3600);
        let t = k
            .issue(u, s, past, past + chrono::Duration::seconds(900))
            .expect("issue");
        assert_eq!(k.verify(&t, now()), Err(TokenError::Expired));
        // The injected clock is honoured too, within leeway.
        let t = k
            .issue(u, s, now(), now() + chrono::Duration::seconds(900))
            .expect("issue");
        assert_eq!(
            k.verify(&t, now() + chrono::Duration::seconds(931)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn wrong_issuer_audience_secret_or_typ_is_invalid() {
        let (u, s) = ids();
        let exp = now() + chrono::Duration::seconds(900);
        let other_iss = AccessTokens::new(SECRET, "evil", "ttokjang-web", 30).expect("k");
        let other_aud = AccessTokens::new(SECRET, "ttokjang", "other", 30).expect("k");
        let other_key = AccessTokens::new(
            b"another-secret-another-secret-32b!",
            "ttokjang",
            "ttokjang-web",
            30,
        )
        .expect("k");
        for k in [other_iss, other_aud, other_key] {
            let t = k.issue(u, s, now(), exp).expect("issue");
            assert_eq!(keys().verify(&t, now()), Err(TokenError::Invalid));
        }
        let claims = serde_json::json!({"sub": u.0.to_string(), "sid": s.0.to_string(),
            "iat": now().timestamp(), "exp": exp.timestamp(), "iss": "ttokjang",
            "aud": "ttokjang-web", "jti": "x", "typ": "refresh"});
        let t = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .expect("encode");
        assert_eq!(keys().verify(&t, now()), Err(TokenError::Invalid));
    }

    #[test]
    fn alg_none_and_hs512_are_refused() {
        let (u, s) = ids();
        let exp = now() + chrono::Duration::seconds(900);
        let claims = serde_json::json!({"sub": u.0.to_string(), "sid": s.0.to_string(),
            "iat": now().timestamp(), "exp": exp.timestamp(), "iss": "ttokjang",
            "aud": "ttokjang-web", "jti": "x", "typ": "access"});
        let body = b64(claims.to_string().as_bytes());
        let none = format!("{}.{}.", b64(br#"{"alg":"none","typ":"JWT"}"#), body);
        assert_eq!(keys().verify(&none, now()), Err(TokenError::Invalid));
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .expect("encode");
        assert_eq!(keys().verify(&hs512, now()), Err(TokenError::Invalid));
    }

    #[test]
    fn future_iat_is_refused() {
        let k = keys();
        let (u, s) = ids();
        let later = now() + chrono::Duration::seconds(120);
        let t = k
            .issue(u, s, later, later + chrono::Duration::seconds(900))
            .expect("issue");
        assert_eq!(k.verify(&t, now()), Err(TokenError::Invalid));
    }

    #[test]
    fn future_nbf_is_refused_past_nbf_accepted() {
        let (u, s) = ids();
        let claims = |nbf: i64| {
            serde_json::json!({"sub": u.0.to_string(), "sid": s.0.to_string(),
                "iat": now().timestamp(), "exp": now().timestamp() + 900, "iss": "ttokjang",
                "aud": "ttokjang-web", "jti": "x", "typ": "access", "nbf": nbf})
        };
        let sign = |c: serde_json::Value| {
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &c,
                &EncodingKey::from_secret(SECRET),
            )
            .expect("encode")
        };
        let future = sign(claims(now().timestamp() + 3600));
        assert_eq!(keys().verify(&future, now()), Err(TokenError::Invalid));
        let past = sign(claims(now().timestamp() - 60));
        assert_eq!(keys().verify(&past, now()), Ok((u, s)));
    }
}
