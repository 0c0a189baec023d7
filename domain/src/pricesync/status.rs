//! Each price source's sync state as operators and shoppers see it
//! (`GET /catalog/sources`, the `/metrics` gauges): configured or not, last
//! success, last survey day, rows, next run, last error, today's calls.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::ports::{SourceStatus, SyncJobRepository, SyncStateRepository};
use super::schedule::{JobState, SourceSchedule};
use super::service::seoul_today;
use super::Source;
use crate::metrics::PriceSyncGauges;
use crate::ports::Clock;
use crate::RepoError;

/// How a source is set up in this deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceSetup {
    pub source: Source,
    /// Its key is set: the scheduler syncs it.
    pub configured: bool,
    pub schedule: SourceSchedule,
    pub daily_budget: u32,
}

/// One source's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    pub setup: SourceSetup,
    pub status: SourceStatus,
    pub job: Option<JobState>,
    /// `None` when the source is not configured (it never runs).
    pub next_run_at: Option<DateTime<Utc>>,
    /// A run holds the job's lease now.
    pub running: bool,
    /// Calls claimed today (Korea's day), against `setup.daily_budget`.
    pub calls_today: u32,
    /// Configured and no success within twice the expected interval.
    pub stale: bool,
    pub expected_interval: Duration,
}

impl SourceReport {
    pub fn gauges(&self) -> PriceSyncGauges {
        #[allow(clippy::cast_precision_loss)]
        PriceSyncGauges {
            last_success_s: self
                .status
                .last_success_at
                .map(|t| t.timestamp_millis() as f64 / 1000.0),
            expected_interval_s: self.expected_interval.num_seconds() as f64,
            budget_remaining: self.setup.daily_budget.saturating_sub(self.calls_today),
            rows: self.status.rows,
        }
    }
}

/// Reads the reports.
pub struct SourcesOverview {
    pub state: Arc<dyn SyncStateRepository>,
    pub jobs: Arc<dyn SyncJobRepository>,
    pub clock: Arc<dyn Clock>,
    pub setups: Vec<SourceSetup>,
}

/// The interval a source is expected to succeed within: its schedule, but
/// never less than how often it publishes (참가격 new survey days come weekly).
pub fn expected_interval(setup: &SourceSetup) -> Duration {
    setup
        .schedule
        .interval()
        .max(Duration::days(setup.source.cadence_days()))
}

impl SourcesOverview {
    pub async fn list(&self) -> Result<Vec<SourceReport>, RepoError> {
        let now = self.clock.now();
        let mut out = Vec::with_capacity(self.setups.len());
        for setup in &self.setups {
            let status = self.state.status(setup.source).await?;
            let job = self.jobs.job(setup.source).await?;
            let calls_today = self.state.calls_on(setup.source, seoul_today(now)).await?;
            let expected = expected_interval(setup);
            let next_run_at = setup.configured.then(|| {
                job.clone()
                    .unwrap_or_default()
                    .next_run(&setup.schedule, now)
            });
            let stale = setup.configured
                && status
                    .last_success_at
                    .is_none_or(|t| now - t > expected * 2);
            out.push(SourceReport {
                setup: *setup,
                running: job.as_ref().is_some_and(|j| j.running(now)),
                status,
                job,
                next_run_at,
                calls_today,
                stale,
                expected_interval: expected,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(source: Source, every_days: u32) -> SourceSetup {
        SourceSetup {
            source,
            configured: true,
            schedule: SourceSchedule {
                every_days,
                ..SourceSchedule::default()
            },
            daily_budget: 1_800,
        }
    }

    #[test]
    fn the_expected_interval_is_the_schedule_but_at_least_the_publication() {
        assert_eq!(
            expected_interval(&setup(Source::Kamis, 1)),
            Duration::days(1)
        );
        assert_eq!(
            expected_interval(&setup(Source::Kamis, 3)),
            Duration::days(3)
        );
        assert_eq!(
            expected_interval(&setup(Source::Chamgagyeok, 1)),
            Duration::days(7),
            "a new 참가격 survey day comes weekly"
        );
        assert_eq!(
            expected_interval(&setup(Source::Chamgagyeok, 14)),
            Duration::days(14)
        );
    }
}
