//! Throttling of failed logins, per account and per client address.
//!
//! State lives in memory of one instance: a fixed window per key. Several
//! instances each enforce their own window, which bounds an attacker to
//! `instances × limit` guesses per window — documented in the runbook.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_address: 30,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: DateTime<Utc>,
    failures: u32,
}

/// Keys are kept bounded: when the table grows past this, ended windows go.
const MAX_KEYS: usize = 50_000;

#[derive(Debug, Default)]
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    windows: Mutex<HashMap<String, Window>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self {
            policy,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn account_key(account: &str) -> String {
        format!("a:{account}")
    }

    fn address_key(address: &str) -> String {
        format!("i:{address}")
    }

    /// `Some(seconds)` to wait when either the account or the address used up
    /// its failures in the current window.
    pub fn retry_after(&self, account: &str, address: &str, now: DateTime<Utc>) -> Option<u64> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let check = |key: String, limit: u32| -> Option<u64> {
            let w = windows.get(&key)?;
            let ends = w.started + self.policy.window;
            (w.failures >= limit && now < ends).then(|| {
                let secs = (ends - now).num_seconds().max(1);
                u64::try_from(secs).unwrap_or(1)
            })
        };
        let a = check(
            Self::account_key(account),
            self.policy.max_failures_per_account,
        );
        let i = check(
            Self::address_key(address),
            self.policy.max_failures_per_address,
        );
        a.max(i)
    }

    pub fn record_failure(&self, account: &str, address: &str, now: DateTime<Utc>) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= MAX_KEYS {
            let window = self.policy.window;
            windows.retain(|_, w| now < w.started + window);
        }
        for key in [Self::account_key(account), Self::address_key(address)] {
            let w = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= w.started + self.policy.window {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// A successful login forgives the account's failures (not the address's).
    pub fn record_success(&self, account: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&Self::account_key(account));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).expect("valid")
    }

    #[test]
    fn account_is_throttled_after_limit_until_window_ends() {
        let th = LoginThrottle::new(ThrottlePolicy::default());
        for i in 0..4 {
            th.record_failure("kim@example.com", "1.1.1.1", t(i));
            assert_eq!(th.retry_after("kim@example.com", "1.1.1.1", t(i)), None);
        }
        th.record_failure("kim@example.com", "1.1.1.1", t(4));
        assert_eq!(
            th.retry_after("kim@example.com", "2.2.2.2", t(10)),
            Some(890)
        );
        assert_eq!(th.retry_after("lee@example.com", "1.1.1.1", t(10)), None);
        assert_eq!(th.retry_after("kim@example.com", "1.1.1.1", t(900)), None);
    }

    #[test]
    fn address_is_throttled_across_accounts() {
        let th = LoginThrottle::new(ThrottlePolicy::default());
        for i in 0..30 {
            th.record_failure(&format!("user{i}@example.com"), "9.9.9.9", t(0));
        }
        assert!(th.retry_after("new@example.com", "9.9.9.9", t(1)).is_some());
        assert!(th.retry_after("new@example.com", "8.8.8.8", t(1)).is_none());
    }

    #[test]
    fn success_forgives_account_failures() {
        let th = LoginThrottle::new(ThrottlePolicy::default());
        for _ in 0..5 {
            th.record_failure("kim@example.com", "1.1.1.1", t(0));
        }
        th.record_success("kim@example.com");
        assert_eq!(th.retry_after("kim@example.com", "1.1.1.1", t(1)), None);
    }
}
