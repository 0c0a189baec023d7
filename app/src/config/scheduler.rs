//! `SCHEDULER_*`: the reservation scheduler.

use super::env::{err, Env};
use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    pub enabled: bool,
    pub poll_s: u64,
    pub max_retries: u32,
    pub lease_s: i64,
    pub retry_base_s: i64,
    pub retry_cap_s: i64,
    /// `HOSTNAME`: the first part of this instance's lease owner name
    /// (`None`: `/etc/hostname`, else `ttokjang`).
    pub host: Option<String>,
}

pub(crate) fn scheduler(env: &Env<'_>) -> Result<SchedulerConfig, ConfigError> {
    let c = SchedulerConfig {
        enabled: env.bool("SCHEDULER_ENABLED", true)?,
        poll_s: env.int("SCHEDULER_POLL_S", 60, 1, 3600)?,
        max_retries: env.int("SCHEDULER_MAX_RETRIES", 3, 0, 10)?,
        lease_s: env.int("SCHEDULER_LEASE_S", 300, 30, 3600)?,
        retry_base_s: env.int("SCHEDULER_RETRY_BASE_S", 300, 1, 86_400)?,
        retry_cap_s: env.int("SCHEDULER_RETRY_CAP_S", 3600, 1, 86_400)?,
        host: env.get("HOSTNAME").map(|h| h.trim().to_owned()),
    };
    if c.retry_cap_s < c.retry_base_s {
        return Err(err(
            "SCHEDULER_RETRY_CAP_S",
            "must not be shorter than SCHEDULER_RETRY_BASE_S",
        ));
    }
    Ok(c)
}
