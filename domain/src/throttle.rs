//! Throttling of failed logins (per account and per client address) and of
//! registrations (per client address and for the whole service).
//!
//! Counters are fixed windows kept behind the [`ThrottleRepository`] port, so
//! instances sharing a database share the counts: the 6th wrong password for
//! an account is refused whichever instance gets it. Keys are SHA-256 digests
//! of what they count (an e-mail, an address), so the table holds no personal
//! data in clear.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::error::RepoError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
    /// Registrations are counted (every attempt, before any work) per window.
    pub register_window: Duration,
    pub max_registrations_per_address: u32,
    pub max_registrations_global: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
            register_window: Duration::hours(1),
            max_registrations_per_address: 10,
            max_registrations_global: 300,
        }
    }
}

/// A counter's key: the hex SHA-256 of its kind and subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThrottleKey(String);

impl ThrottleKey {
    pub fn new(kind: &str, subject: &str) -> Self {
        let digest = Sha256::digest(format!("{kind}\u{0}{subject}").as_bytes());
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One counter's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started: DateTime<Utc>,
    pub count: u32,
}

/// Shared counters. Windows that started at or before `now - window` are over.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ThrottleRepository: Send + Sync {
    /// Atomically adds one to `key`'s window (starting a new window at `now`
    /// when there is none or it is over) and returns the window after it.
    async fn hit(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Window, RepoError>;
    /// The current window of `key`, if one is running at `now`.
    async fn current(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Option<Window>, RepoError>;
    async fn clear(&self, key: &ThrottleKey) -> Result<(), RepoError>;
    /// Drops windows that started before `before`.
    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError>;
}

/// Counters in one process's memory (unit tests, single-process tools).
#[derive(Debug, Default)]
pub struct MemoryThrottle {
    windows: Mutex<HashMap<ThrottleKey, Window>>,
}

#[async_trait]
impl ThrottleRepository for MemoryThrottle {
    async fn hit(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Window, RepoError> {
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let w = map.entry(key.clone()).or_insert(Window {
            started: now,
            count: 0,
        });
        if w.started + window <= now {
            *w = Window {
                started: now,
                count: 0,
            };
        }
        w.count = w.count.saturating_add(1);
        Ok(*w)
    }

    async fn current(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Option<Window>, RepoError> {
        let map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        Ok(map.get(key).copied().filter(|w| now < w.started + window))
    }

    async fn clear(&self, key: &ThrottleKey) -> Result<(), RepoError> {
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
        Ok(())
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let mut map = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.len();
        map.retain(|_, w| w.started >= before);
        Ok(u64::try_from(n - map.len()).unwrap_or(0))
    }
}

/// Seconds until `w` ends (at least 1) when it has reached `limit`.
fn over(w: Option<Window>, limit: u32, window: Duration, now: DateTime<Utc>) -> Option<u64> {
    let w = w?;
    let ends = w.started + window;
    (w.count >= limit && now < ends).then(|| {
        let secs = (ends - now).num_seconds().max(1);
        u64::try_from(secs).unwrap_or(1)
    })
}

/// The throttling rules over shared counters.
#[derive(Clone)]
pub struct Throttle {
    policy: ThrottlePolicy,
    store: Arc<dyn ThrottleRepository>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Throttle {
    pub fn new(policy: ThrottlePolicy, store: Arc<dyn ThrottleRepository>) -> Self {
        Self { policy, store }
    }

    /// In-memory counters (tests).
    pub fn in_memory(policy: ThrottlePolicy) -> Self {
        Self::new(policy, Arc::new(MemoryThrottle::default()))
    }

    pub fn policy(&self) -> &ThrottlePolicy {
        &self.policy
    }

    fn account_key(account: &str) -> ThrottleKey {
        ThrottleKey::new("login-account", account)
    }

    fn address_key(address: &str) -> ThrottleKey {
        ThrottleKey::new("login-address", address)
    }

    /// `Some(seconds)` to wait when either the account or the address used up
    /// its failures in the current window.
    pub async fn login_retry_after(
        &self,
        account: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, RepoError> {
        let p = &self.policy;
        let a = self
            .store
            .current(&Self::account_key(account), now, p.window)
            .await?;
        let i = self
            .store
            .current(&Self::address_key(address), now, p.window)
            .await?;
        Ok(over(a, p.max_failures_per_account, p.window, now).max(over(
            i,
            p.max_failures_per_address,
            p.window,
            now,
        )))
    }

    pub async fn login_failed(
        &self,
        account: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let w = self.policy.window;
        self.store.hit(&Self::account_key(account), now, w).await?;
        self.store.hit(&Self::address_key(address), now, w).await?;
        Ok(())
    }

    /// A successful login forgives the account's failures (not the address's).
    pub async fn login_succeeded(&self, account: &str) -> Result<(), RepoError> {
        self.store.clear(&Self::account_key(account)).await
    }

    /// Counts one registration attempt from `address`; `Some(seconds)` when the
    /// address or the whole service is over its limit (the attempt must stop).
    pub async fn registration_attempt(
        &self,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>, RepoError> {
        let p = &self.policy;
        let w = p.register_window;
        let by_address = self
            .store
            .hit(&ThrottleKey::new("register-address", address), now, w)
            .await?;
        if let Some(s) = over(
            Some(by_address),
            p.max_registrations_per_address.saturating_add(1),
            w,
            now,
        ) {
            return Ok(Some(s));
        }
        let global = self
            .store
            .hit(&ThrottleKey::new("register-global", ""), now, w)
            .await?;
        Ok(over(
            Some(global),
            p.max_registrations_global.saturating_add(1),
            w,
            now,
        ))
    }

    /// Drops windows that are over (housekeeping).
    pub async fn prune(&self, now: DateTime<Utc>) -> Result<u64, RepoError> {
        let longest = self.policy.window.max(self.policy.register_window);
        self.store.prune(now - longest).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).expect("valid")
    }

    fn th() -> Throttle {
        Throttle::in_memory(ThrottlePolicy::default())
    }

    #[tokio::test]
    async fn account_is_throttled_after_limit_until_window_ends() {
        let th = th();
        for i in 0..4 {
            th.login_failed("kim@example.com", "1.1.1.1", t(i))
                .await
                .expect("ok");
            assert_eq!(
                th.login_retry_after("kim@example.com", "1.1.1.1", t(i))
                    .await
                    .expect("ok"),
                None
            );
        }
        th.login_failed("kim@example.com", "1.1.1.1", t(4))
            .await
            .expect("ok");
        let retry = |a: &'static str, i: &'static str, s: i64| {
            let th = th.clone();
            async move { th.login_retry_after(a, i, t(s)).await.expect("ok") }
        };
        assert_eq!(retry("kim@example.com", "2.2.2.2", 10).await, Some(890));
        assert_eq!(retry("lee@example.com", "1.1.1.1", 10).await, None);
        assert_eq!(retry("kim@example.com", "1.1.1.1", 900).await, None);
    }

    #[tokio::test]
    async fn address_is_throttled_across_accounts() {
        let th = th();
        for i in 0..30 {
            th.login_failed(&format!("user{i}@example.com"), "9.9.9.9", t(0))
                .await
                .expect("ok");
        }
        let r = th
            .login_retry_after("new@example.com", "9.9.9.9", t(1))
            .await
            .expect("ok");
        assert!(r.is_some());
        let r = th
            .login_retry_after("new@example.com", "8.8.8.8", t(1))
            .await
            .expect("ok");
        assert!(r.is_none());
    }

    #[tokio::test]
    async fn success_forgives_account_failures() {
        let th = th();
        for _ in 0..5 {
            th.login_failed("kim@example.com", "1.1.1.1", t(0))
                .await
                .expect("ok");
        }
        th.login_succeeded("kim@example.com").await.expect("ok");
        let r = th
            .login_retry_after("kim@example.com", "1.1.1.1", t(1))
            .await
            .expect("ok");
        assert_eq!(r, None);
    }

    #[tokio::test]
    async fn registrations_are_limited_per_address_and_globally() {
        let policy = ThrottlePolicy {
            max_registrations_per_address: 3,
            max_registrations_global: 5,
            ..ThrottlePolicy::default()
        };
        let th = Throttle::in_memory(policy);
        for _ in 0..3 {
            let r = th.registration_attempt("1.1.1.1", t(0)).await.expect("ok");
            assert_eq!(r, None);
        }
        let r = th.registration_attempt("1.1.1.1", t(10)).await.expect("ok");
        assert_eq!(r, Some(3590));
        // Other addresses share the global budget: 3 counted so far.
        for addr in ["2.2.2.2", "3.3.3.3"] {
            let r = th.registration_attempt(addr, t(20)).await.expect("ok");
            assert_eq!(r, None, "{addr}");
        }
        let r = th.registration_attempt("4.4.4.4", t(20)).await.expect("ok");
        assert!(r.is_some());
        // A new window forgives.
        let r = th
            .registration_attempt("1.1.1.1", t(3600))
            .await
            .expect("ok");
        assert_eq!(r, None);
    }

    #[test]
    fn keys_are_digests_not_subjects() {
        let k = ThrottleKey::new("login-account", "kim@example.com");
        assert_eq!(k.as_str().len(), 64);
        assert!(!k.as_str().contains("kim"));
        assert_ne!(k, ThrottleKey::new("login-address", "kim@example.com"));
    }
}
