//! Production adapters of the small ports: wall clock, OS randomness, argon2id.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::Argon2;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ttokjang_domain::ports::{Clock, HashError, PasswordHasher, RandomSource};
use ttokjang_domain::user::{Password, PasswordHash};
use uuid::Uuid;

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The operating system's CSPRNG. If it ever fails the process cannot issue
/// secrets safely, so it aborts rather than hand out weak ones.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn uuid(&self) -> Uuid {
        Uuid::new_v4()
    }

    fn secret_bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        if let Err(e) = getrandom::fill(&mut b) {
            tracing::error!(error = %e, "the OS random source failed");
            std::process::abort();
        }
        b
    }
}

/// argon2id with the crate's default (OWASP-recommended) parameters. Hashing
/// runs on the blocking pool so it never stalls an HTTP worker.
pub struct Argon2Hasher {
    /// A real hash of a random password, verified against when an account does
    /// not exist, so that "unknown e-mail" costs the same as "wrong password".
    dummy: PasswordHash,
}

impl Argon2Hasher {
    pub fn new() -> Result<Self, HashError> {
        let random = OsRandom.secret_bytes();
        let filler: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let dummy = hash_blocking(&filler)?;
        Ok(Self { dummy })
    }
}

fn hash_blocking(password: &str) -> Result<PasswordHash, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

fn verify_blocking(password: &str, hash: &str) -> Result<bool, HashError> {
    let parsed =
        PhcHash::new(hash).map_err(|e| HashError(format!("stored hash unreadable: {e}")))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HashError> + Send + 'static,
) -> Result<T, HashError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| HashError(format!("hashing task failed: {e}")))?
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let p = password.expose().to_owned();
        blocking(move || hash_blocking(&p)).await
    }

    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError> {
        let p = password.expose().to_owned();
        let h = hash.0.clone();
        blocking(move || verify_blocking(&p, &h)).await
    }

    async fn verify_dummy(&self, password: &Password) {
        let _ = self.verify(password, &self.dummy).await;
    }
}

pub fn shared_hasher() -> Result<Arc<Argon2Hasher>, HashError> {
    Argon2Hasher::new().map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2_round_trip_and_salted() {
        let h = Argon2Hasher::new().expect("hasher");
        let p = Password::parse("correct horse battery", None).expect("ok");
        let a = h.hash(&p).await.expect("hash");
        let b = h.hash(&p).await.expect("hash");
        assert!(a.0.starts_with("$argon2id$"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(h.verify(&p, &a).await.expect("verify"));
        let wrong = Password::candidate("wrong password").expect("ok");
        assert!(!h.verify(&wrong, &a).await.expect("verify"));
        assert!(h.verify(&p, &PasswordHash("garbage".into())).await.is_err());
    }
}
