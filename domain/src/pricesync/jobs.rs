//! The scheduled price sync: on each scheduler poll, every configured source
//! whose job is due (`schedule` module) is claimed — one instance wins, the
//! others see it held or done — and synced with [`PriceSync`] within the day's
//! budget; the run records when the job should run again.
//!
//! - 참가격: the latest survey day (the latest Friday in Korea), then older
//!   survey days still holding pending calls (a budget spent yesterday
//!   resumes today), newest first.
//! - KAMIS: today's retail prices of the configured regions, then older days
//!   with pending calls.
//! - A spent budget or the provider's quota asks for a retry after midnight in
//!   Korea; transient failures (or calls left failed) for one in an hour; a
//!   refused key waits for the next slot (someone has to fix the key).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::feed::FeedError;
use super::ports::{ChamgagyeokFeed, KamisFeed, SyncJobRepository, SyncStateRepository};
use super::schedule::{next_seoul_midnight, SourceSchedule};
use super::service::{seoul_today, PriceSync, Stop, SyncConfig, SyncEvent, SyncSummary};
use super::{latest_friday, Call, Source};
use crate::metrics::Metrics;
use crate::ports::{CatalogRepository, Clock};
use crate::RepoError;

/// How long after transient failures a job is tried again.
pub const RETRY_AFTER_FAILURES: Duration = Duration::hours(1);
/// How long a job is leased to the instance running it. A run cut off (the
/// process died) is taken over once this has passed; its calls are leased
/// one by one, so none is made twice either way.
pub const JOB_LEASE: Duration = Duration::hours(1);

/// A feed the scheduler may sync: only sources whose key is configured get
/// one.
#[derive(Clone)]
pub enum ScheduledFeed {
    Chamgagyeok(Arc<dyn ChamgagyeokFeed>),
    Kamis {
        feed: Arc<dyn KamisFeed>,
        counties: Vec<String>,
    },
}

impl ScheduledFeed {
    pub fn source(&self) -> Source {
        match self {
            ScheduledFeed::Chamgagyeok(_) => Source::Chamgagyeok,
            ScheduledFeed::Kamis { .. } => Source::Kamis,
        }
    }
}

/// One configured source's job.
#[derive(Clone)]
pub struct SourceJob {
    pub feed: ScheduledFeed,
    pub schedule: SourceSchedule,
}

/// What one job run did.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRun {
    pub source: Source,
    pub slot: DateTime<Utc>,
    /// Each survey day synced, in order, with what its sync did.
    pub days: Vec<(NaiveDate, SyncSummary)>,
    pub outcome: String,
    pub retry_at: Option<DateTime<Utc>>,
    /// `false`: the job's lease was lost before the run was recorded.
    pub recorded: bool,
}

impl JobRun {
    pub fn calls_made(&self) -> u32 {
        self.days.iter().map(|(_, s)| s.calls_made).sum()
    }
}

/// The ports and settings of the scheduled sync.
pub struct SyncJobs {
    pub state: Arc<dyn SyncStateRepository>,
    pub catalog: Arc<dyn CatalogRepository>,
    pub jobs: Arc<dyn SyncJobRepository>,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<dyn Metrics>,
    pub sources: Vec<SourceJob>,
    /// Calls per source per day in Korea.
    pub daily_budget: u32,
    /// This instance's name in the leases.
    pub owner: String,
}

fn quiet(_: SyncEvent) {}

/// The outcome recorded for a run and when to run again before the next
/// slot.
fn verdict(
    days: &[(NaiveDate, SyncSummary)],
    now: DateTime<Utc>,
) -> (String, Option<DateTime<Utc>>) {
    let stopped = days.iter().find_map(|(_, s)| s.stopped.clone());
    match stopped {
        Some(Stop::BudgetSpent) => ("budget_spent".into(), Some(next_seoul_midnight(now))),
        Some(Stop::Fatal(FeedError::QuotaExhausted)) => {
            ("quota_exhausted".into(), Some(next_seoul_midnight(now)))
        }
        Some(Stop::Fatal(e)) => (e.kind().into(), None),
        Some(Stop::Failing) => ("failing".into(), Some(now + RETRY_AFTER_FAILURES)),
        None if days.iter().any(|(_, s)| s.pending > 0) => {
            ("partial".into(), Some(now + RETRY_AFTER_FAILURES))
        }
        None => ("ok".into(), None),
    }
}

impl SyncJobs {
    /// One poll: runs every due job of a configured source, one after the
    /// other. Jobs another instance holds or already ran are left alone.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Vec<JobRun>, RepoError> {
        let mut runs = Vec::new();
        for job in &self.sources {
            let source = job.feed.source();
            let slot = job.schedule.slot_at_or_before(now);
            let claimed = self
                .jobs
                .claim_job(source, slot, &self.owner, now, now + JOB_LEASE)
                .await?;
            if !claimed {
                continue;
            }
            let days = match self.sync(job, now).await {
                Ok(days) => days,
                Err(e) => {
                    // The store failed mid-run: let the job be retried.
                    let at = self.clock.now();
                    let _ = self
                        .jobs
                        .finish_job(
                            source,
                            &self.owner,
                            slot,
                            Some(at + RETRY_AFTER_FAILURES),
                            "error",
                            at,
                        )
                        .await;
                    return Err(e);
                }
            };
            let finished = self.clock.now();
            let (outcome, retry_at) = verdict(&days, finished);
            let recorded = self
                .jobs
                .finish_job(source, &self.owner, slot, retry_at, &outcome, finished)
                .await?;
            runs.push(JobRun {
                source,
                slot,
                days,
                outcome,
                retry_at,
                recorded,
            });
        }
        Ok(runs)
    }

    /// The survey days to sync: the current one, then older days with
    /// pending calls, newest first.
    async fn days(&self, source: Source, current: NaiveDate) -> Result<Vec<NaiveDate>, RepoError> {
        let older: BTreeSet<NaiveDate> = self
            .state
            .pending(source)
            .await?
            .iter()
            .filter_map(|k| Call::parse_key(k))
            .map(|c| c.day())
            .filter(|d| *d < current)
            .collect();
        Ok(std::iter::once(current)
            .chain(older.into_iter().rev())
            .collect())
    }

    async fn sync(
        &self,
        job: &SourceJob,
        now: DateTime<Utc>,
    ) -> Result<Vec<(NaiveDate, SyncSummary)>, RepoError> {
        let source = job.feed.source();
        let today = seoul_today(now);
        let current = match &job.feed {
            ScheduledFeed::Chamgagyeok(_) => latest_friday(today),
            ScheduledFeed::Kamis { .. } => today,
        };
        let mut config = SyncConfig::new(format!("{}-{}", self.owner, source.as_str()));
        config.daily_budget = self.daily_budget;
        let sync = PriceSync {
            state: self.state.as_ref(),
            catalog: self.catalog.as_ref(),
            clock: self.clock.as_ref(),
            config,
        };
        let mut out = Vec::new();
        for day in self.days(source, current).await? {
            let summary = match &job.feed {
                ScheduledFeed::Chamgagyeok(feed) => {
                    sync.chamgagyeok(feed.as_ref(), day, &quiet).await?
                }
                ScheduledFeed::Kamis { feed, counties } => {
                    // Older KAMIS days only finish their own pending calls.
                    let counties: &[String] = if day == current { counties } else { &[] };
                    sync.kamis(feed.as_ref(), day, counties, &quiet).await?
                }
            };
            self.metrics.price_sync_run(
                source.as_str(),
                u64::from(summary.calls_made),
                summary.rows,
            );
            for (_, e) in &summary.failures {
                self.metrics.price_sync_failure(source.as_str(), e.kind());
            }
            let stop = summary.stopped.is_some();
            out.push((day, summary));
            if stop {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(pending: usize, stopped: Option<Stop>) -> (NaiveDate, SyncSummary) {
        (
            NaiveDate::default(),
            SyncSummary {
                pending,
                stopped,
                ..SyncSummary::default()
            },
        )
    }

    #[test]
    fn the_verdict_says_when_to_run_again() {
        let now = DateTime::from_timestamp(1_764_000_000, 0).unwrap_or_default();
        assert_eq!(verdict(&[summary(0, None)], now), ("ok".into(), None));
        assert_eq!(
            verdict(
                &[summary(0, None), summary(3, Some(Stop::BudgetSpent))],
                now
            ),
            ("budget_spent".into(), Some(next_seoul_midnight(now)))
        );
        assert_eq!(
            verdict(
                &[summary(
                    1,
                    Some(Stop::Fatal(FeedError::KeyRefused("x".into())))
                )],
                now
            ),
            ("key_refused".into(), None)
        );
        assert_eq!(
            verdict(&[summary(2, Some(Stop::Failing))], now),
            ("failing".into(), Some(now + RETRY_AFTER_FAILURES))
        );
        assert_eq!(
            verdict(&[summary(2, None)], now),
            ("partial".into(), Some(now + RETRY_AFTER_FAILURES))
        );
    }
}
