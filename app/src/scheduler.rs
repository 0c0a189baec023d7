//! The reservation scheduler: one loop per process that, every poll, claims
//! due runs from the [`RunQueue`], runs them, tells the shopper and records
//! the result. Any number of processes may share one database: claims are
//! atomic and leased, and each occurrence has one run row at most.
//!
//! - Ticks never overlap: one loop, and a tick that outlasts the poll period
//!   makes the next one skip (`MissedTickBehavior::Skip`).
//! - A run whose worker died is claimed again once its lease expires (the
//!   same run row, so it still runs once to completion).
//! - Catch-up after downtime: the latest missed occurrence runs once; older
//!   ones are stored as `missed` runs (see `Reservation::due`).
//! - Failures retry with capped, jittered exponential backoff; past the retry
//!   limit the reservation is `failed`.
//!
//! The same loop runs the scheduled price sync (`ttokjang_domain::pricesync::
//! jobs`) when it is given one: each poll, a due source's job is claimed (one
//! instance wins) and synced in a task of its own, so a long sync never
//! delays reservations; a poll while the previous sync task still runs starts
//! none.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use ttokjang_domain::metrics::Metrics;
use ttokjang_domain::ports::{
    ClaimedRun, Clock, Notifier, RandomSource, ReservationRunner, RunFinish, RunQueue,
};
use ttokjang_domain::pricesync::jobs::{JobRun, SyncJobs};
use ttokjang_domain::reservation::{ResultStatus, RetryPolicy, RunOutcome};
use ttokjang_domain::RepoError;

/// How the scheduler behaves; from `SCHEDULER_*` settings.
#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    pub poll: std::time::Duration,
    pub lease: chrono::Duration,
    /// Runs claimed per database round trip.
    pub batch: u32,
    /// Runs carried out at the same time.
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Who holds the leases this scheduler takes; unique per process.
    pub owner: String,
}

impl SchedulerSettings {
    pub fn new(owner: impl Into<String>) -> Self {
        Self {
            poll: std::time::Duration::from_secs(60),
            lease: chrono::Duration::minutes(5),
            batch: 50,
            concurrency: 8,
            retry: RetryPolicy::default(),
            owner: owner.into(),
        }
    }

    /// A run is cut off before its lease can expire under it.
    fn run_timeout(&self) -> std::time::Duration {
        let lease = self
            .lease
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(300));
        lease
            .saturating_sub(std::time::Duration::from_secs(30))
            .max(lease / 2)
    }
}

/// A lease owner for this process: host, pid and a random part.
/// `host` is `HOSTNAME` from the configuration; without it `/etc/hostname`.
pub fn lease_owner(host: Option<&str>, random: &dyn RandomSource) -> String {
    let host = host
        .map(str::to_owned)
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| {
            h.trim()
                .chars()
                .filter(char::is_ascii_graphic)
                .take(40)
                .collect::<String>()
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "ttokjang".to_owned());
    let id = random.uuid().simple().to_string();
    format!("{host}-{}-{}", std::process::id(), &id[..8])
}

/// The scheduler's liveness for `/readyz`.
#[derive(Debug)]
pub struct SchedulerHeartbeat {
    last: Mutex<Option<Instant>>,
    max_age_s: u64,
}

impl SchedulerHeartbeat {
    pub fn new(poll: std::time::Duration) -> Self {
        Self {
            last: Mutex::new(None),
            // Three missed polls, plus room for a long tick.
            max_age_s: poll.as_secs().saturating_mul(3).saturating_add(60),
        }
    }

    pub fn beat(&self) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    }
}

impl ttokjang_http::Heartbeat for SchedulerHeartbeat {
    fn age_s(&self) -> Option<u64> {
        self.last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map(|t| t.elapsed().as_secs())
    }

    fn max_age_s(&self) -> u64 {
        self.max_age_s
    }
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub claimed: u32,
    /// Finished and recorded.
    pub finished: u32,
    /// Finished but not recorded: the lease was lost to another scheduler.
    pub lost: u32,
    pub failed: u32,
    /// Occurrences skipped by the catch-up policy.
    pub missed: u32,
}

pub struct Scheduler {
    queue: Arc<dyn RunQueue>,
    runner: Arc<dyn ReservationRunner>,
    notifier: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    settings: SchedulerSettings,
    heartbeat: Arc<SchedulerHeartbeat>,
    /// Runs, outcomes and lag for `/metrics`, when a server is beside it.
    metrics: Option<Arc<dyn Metrics>>,
    /// The scheduled price sync, when a source is configured.
    price_sync: Option<Arc<SyncJobs>>,
}

/// A price sync task is cut off after this (its job lease is an hour); its
/// calls resume at the next run.
const PRICE_SYNC_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(55 * 60);

/// Stops the loop: the tick in progress finishes first.
pub struct SchedulerHandle {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SchedulerHandle {
    /// Asks the loop to stop after the tick in progress, without waiting.
    /// (Dropping the handle instead leaves the loop running, detached.)
    pub fn signal_stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Waits up to `grace` for the current tick; runs cut off then are claimed
    /// again by a scheduler once their lease expires.
    pub async fn stop(self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(grace, self.task).await.is_err() {
            tracing::warn!("scheduler did not stop in time; its leased runs will be retried");
        }
    }
}

impl Scheduler {
    pub fn new(
        queue: Arc<dyn RunQueue>,
        runner: Arc<dyn ReservationRunner>,
        notifier: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
        settings: SchedulerSettings,
    ) -> Self {
        let heartbeat = Arc::new(SchedulerHeartbeat::new(settings.poll));
        Self {
            queue,
            runner,
            notifier,
            clock,
            random,
            settings,
            heartbeat,
            metrics: None,
            price_sync: None,
        }
    }

    /// Also runs the scheduled price sync of these jobs.
    #[must_use]
    pub fn with_price_sync(mut self, jobs: Arc<SyncJobs>) -> Self {
        self.price_sync = Some(jobs);
        self
    }

    /// One pass of the scheduled price sync: every due source is synced
    /// (the loop runs this in a task of its own; tests call it directly).
    pub async fn tick_price_sync(&self, now: DateTime<Utc>) -> Result<Vec<JobRun>, RepoError> {
        let Some(jobs) = &self.price_sync else {
            return Ok(Vec::new());
        };
        run_price_sync(jobs, now).await
    }

    /// Reports runs, outcomes and lag to the server's metrics.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    pub fn heartbeat(&self) -> Arc<SchedulerHeartbeat> {
        self.heartbeat.clone()
    }

    pub fn settings(&self) -> &SchedulerSettings {
        &self.settings
    }

    /// One pass: claims everything due at `now` (in batches) and carries it
    /// out. The loop calls this every poll; tests call it with their own clock.
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<TickReport, RepoError> {
        self.heartbeat.beat();
        let mut report = TickReport::default();
        // Bounded: each batch moves its reservations past `now`, so the due
        // set shrinks; the bound only guards against a bug looping forever.
        for _ in 0..1000 {
            let claimed = self
                .queue
                .claim_due(
                    now,
                    self.settings.batch,
                    &self.settings.owner,
                    self.settings.lease,
                )
                .await?;
            let n = u32::try_from(claimed.len()).unwrap_or(u32::MAX);
            report.claimed += n;
            let results: Vec<Finished> = futures_util::stream::iter(claimed)
                .map(|c| self.carry_out(c))
                .buffer_unordered(self.settings.concurrency.max(1))
                .collect()
                .await;
            for r in results {
                report.missed += r.missed;
                match r.recorded {
                    Some(true) => report.finished += 1,
                    Some(false) => report.lost += 1,
                    None => {}
                }
                if r.status == ResultStatus::Failed {
                    report.failed += 1;
                }
            }
            self.heartbeat.beat();
            if n < self.settings.batch {
                break;
            }
        }
        if report.claimed > 0 {
            tracing::info!(
                claimed = report.claimed,
                finished = report.finished,
                failed = report.failed,
                lost = report.lost,
                missed = report.missed,
                "scheduler tick"
            );
        }
        Ok(report)
    }

    async fn carry_out(&self, c: ClaimedRun) -> Finished {
        let ClaimedRun {
            run,
            reservation,
            missed,
        } = c;
        let started = run.started_at.unwrap_or_else(|| self.clock.now());
        let lag_s = (started - run.scheduled_for).num_seconds().max(0);
        if let Some(m) = &self.metrics {
            #[allow(clippy::cast_precision_loss)]
            m.scheduler_lag_seconds(lag_s as f64);
        }
        tracing::info!(
            reservation = %reservation.id,
            run = %run.id,
            attempt = run.attempt,
            trigger = run.trigger.as_str(),
            lag_s,
            missed,
            "reservation run started"
        );
        if missed > 0 {
            tracing::warn!(reservation = %reservation.id, missed, "occurrences missed while down; ran the latest once");
        }
        let outcome = match tokio::time::timeout(
            self.settings.run_timeout(),
            self.runner.run(&reservation, run.scheduled_for),
        )
        .await
        {
            Ok(o) => o,
            Err(_) => RunOutcome::new(ResultStatus::Failed, "the run took too long"),
        };
        if let Err(e) = self
            .notifier
            .notify(reservation.user_id, &reservation, &run, &outcome)
            .await
        {
            tracing::warn!(reservation = %reservation.id, run = %run.id, error = %e, "notification failed");
        }
        let finished_at = self.clock.now();
        let progress = reservation.after_run(
            &run,
            outcome.status,
            finished_at,
            &self.settings.retry,
            self.jitter(),
        );
        let finish = RunFinish {
            status: outcome.status.into(),
            summary: outcome.summary.clone(),
            plan_request_id: outcome.plan_request_id,
            finished_at,
            progress,
        };
        let recorded = match self
            .queue
            .finish_run(run.id, &self.settings.owner, &finish)
            .await
        {
            Ok(true) => {
                if let Some(m) = &self.metrics {
                    m.scheduler_run(outcome.status.as_str());
                }
                let level_failed = outcome.status == ResultStatus::Failed;
                let next = finish.progress.next;
                if level_failed {
                    tracing::warn!(
                        reservation = %reservation.id,
                        run = %run.id,
                        attempt = run.attempt,
                        next_status = next.map(|n| n.status.as_str()),
                        next_run_at = ?next.and_then(|n| n.next_run_at),
                        "reservation run failed"
                    );
                } else {
                    tracing::info!(
                        reservation = %reservation.id,
                        run = %run.id,
                        status = outcome.status.as_str(),
                        duration_ms = (finished_at - started).num_milliseconds().max(0),
                        next_run_at = ?next.and_then(|n| n.next_run_at),
                        "reservation run finished"
                    );
                }
                Some(true)
            }
            Ok(false) => {
                tracing::warn!(reservation = %reservation.id, run = %run.id, "run finished after its lease was taken over; result dropped");
                Some(false)
            }
            Err(e) => {
                tracing::error!(reservation = %reservation.id, run = %run.id, error = %e, "recording a run failed; it is retried when its lease expires");
                None
            }
        };
        Finished {
            recorded,
            status: outcome.status,
            missed,
        }
    }

    /// In [0, 1), from the secret source (no extra dependency for a PRNG).
    fn jitter(&self) -> f64 {
        let b = self.random.secret_bytes();
        let mut n = [0u8; 4];
        n.copy_from_slice(&b[..4]);
        f64::from(u32::from_le_bytes(n)) / (f64::from(u32::MAX) + 1.0)
    }

    /// Starts a price sync pass unless the previous one still runs.
    fn poll_price_sync(&self, running: &mut Option<tokio::task::JoinHandle<()>>) {
        let Some(jobs) = self.price_sync.clone() else {
            return;
        };
        if running.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let now = self.clock.now();
        *running = Some(tokio::spawn(async move {
            match tokio::time::timeout(PRICE_SYNC_TIMEOUT, run_price_sync(&jobs, now)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "price sync failed"),
                Err(_) => {
                    tracing::warn!("price sync cut off after 55 min; it resumes at the next run")
                }
            }
        }));
    }

    /// Runs the loop until [`SchedulerHandle::stop`].
    pub fn spawn(self: Arc<Self>) -> SchedulerHandle {
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            let mut interval = tokio::time::interval(self.settings.poll);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            tracing::info!(
                owner = %self.settings.owner,
                poll_s = self.settings.poll.as_secs(),
                "scheduler started"
            );
            let mut detached = false;
            let mut price_sync: Option<tokio::task::JoinHandle<()>> = None;
            loop {
                tokio::select! {
                    _ = interval.tick() => {
                        self.poll_price_sync(&mut price_sync);
                        if let Err(e) = self.tick(self.clock.now()).await {
                            tracing::error!(error = %e, "scheduler tick failed");
                        }
                    }
                    changed = stopped.changed(), if !detached => match changed {
                        Ok(()) if *stopped.borrow() => break,
                        Ok(()) => {}
                        // The handle was dropped: keep running, detached.
                        Err(_) => detached = true,
                    },
                }
            }
            // A sync cut off here resumes elsewhere once its leases expire.
            if let Some(task) = price_sync {
                task.abort();
            }
            tracing::info!("scheduler stopped");
        });
        SchedulerHandle { stop, task }
    }
}

/// One price sync pass, logged.
async fn run_price_sync(jobs: &SyncJobs, now: DateTime<Utc>) -> Result<Vec<JobRun>, RepoError> {
    let runs = jobs.tick(now).await?;
    for run in &runs {
        let rows: u64 = run.days.iter().map(|(_, s)| s.rows).sum();
        let failures: usize = run.days.iter().map(|(_, s)| s.failures.len()).sum();
        let pending: usize = run.days.iter().map(|(_, s)| s.pending).sum();
        let days: Vec<String> = run
            .days
            .iter()
            .map(|(d, _)| ttokjang_domain::pricesync::format_day(*d))
            .collect();
        let level_warn = run.outcome != "ok";
        if level_warn {
            tracing::warn!(
                source = run.source.as_str(),
                outcome = %run.outcome,
                days = ?days,
                calls = run.calls_made(),
                rows,
                failures,
                pending,
                retry_at = ?run.retry_at,
                "price sync run ended early"
            );
        } else {
            tracing::info!(
                source = run.source.as_str(),
                outcome = %run.outcome,
                days = ?days,
                calls = run.calls_made(),
                rows,
                "price sync run finished"
            );
        }
    }
    Ok(runs)
}

struct Finished {
    recorded: Option<bool>,
    status: ResultStatus,
    missed: u32,
}
