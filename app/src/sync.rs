//! `ttokjang sync prices [--source chamgagyeok|kamis] [--day YYYYMMDD]`: runs
//! the price sync by hand, with a progress bar on a terminal and a summary.
//!
//! Feeds are configured from the environment only (`.env.example`, read once
//! into `Config::price_feeds`); keys are masked wherever they are shown.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use ttokjang_domain::ports::{CatalogRepository, Clock, SyncStateRepository};
use ttokjang_domain::pricesync::jobs::{ScheduledFeed, SourceJob};
use ttokjang_domain::pricesync::schedule::SourceSchedule;
use ttokjang_domain::pricesync::service::{PriceSync, Stop, SyncConfig, SyncEvent, SyncSummary};
use ttokjang_domain::pricesync::status::SourceSetup;
use ttokjang_domain::pricesync::{format_day, Source};

use crate::pricefeeds::chamgagyeok::Chamgagyeok;
use crate::pricefeeds::kamis::Kamis;
use crate::pricefeeds::{mask, FeedConfig};

/// The feeds' settings, parsed at start with the rest of the configuration
/// (`crate::config::prices::feeds`).
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub chamgagyeok: FeedConfig,
    pub kamis: FeedConfig,
    pub kamis_counties: Vec<String>,
    pub daily_budget: u32,
    /// `PRICE_SYNC_SCHEDULED`: the scheduler syncs the configured sources.
    pub scheduled: bool,
    /// `PRICE_SYNC_CHAMGAGYEOK_EVERY_DAYS` / `_AT`.
    pub chamgagyeok_schedule: SourceSchedule,
    /// `PRICE_SYNC_KAMIS_EVERY_DAYS` / `_AT`.
    pub kamis_schedule: SourceSchedule,
}

impl SyncSettings {
    /// Each source's setup, for `GET /catalog/sources` and `/metrics`.
    pub fn setups(&self) -> Vec<SourceSetup> {
        vec![
            SourceSetup {
                source: Source::Chamgagyeok,
                configured: !self.chamgagyeok.key.is_empty(),
                schedule: self.chamgagyeok_schedule,
                daily_budget: self.daily_budget,
            },
            SourceSetup {
                source: Source::Kamis,
                configured: !self.kamis.key.is_empty(),
                schedule: self.kamis_schedule,
                daily_budget: self.daily_budget,
            },
        ]
    }

    /// The scheduled jobs: one per source whose key is set.
    pub fn jobs(&self) -> Result<Vec<SourceJob>, String> {
        let mut jobs = Vec::new();
        if !self.chamgagyeok.key.is_empty() {
            let feed = Chamgagyeok::new(self.chamgagyeok.clone()).map_err(|e| e.to_string())?;
            jobs.push(SourceJob {
                feed: ScheduledFeed::Chamgagyeok(Arc::new(feed)),
                schedule: self.chamgagyeok_schedule,
            });
        }
        if !self.kamis.key.is_empty() {
            let feed = Kamis::new(self.kamis.clone()).map_err(|e| e.to_string())?;
            jobs.push(SourceJob {
                feed: ScheduledFeed::Kamis {
                    feed: Arc::new(feed),
                    counties: self.kamis_counties.clone(),
                },
                schedule: self.kamis_schedule,
            });
        }
        Ok(jobs)
    }
}

pub use ttokjang_domain::pricesync::latest_friday;

/// The summary printed after a run.
pub fn render(source: Source, day: NaiveDate, s: &SyncSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "sync prices {source} {}", format_day(day));
    let _ = writeln!(
        out,
        "calls made:   {} ({} completed, {} skipped: done before or held by another instance)",
        s.calls_made, s.completed, s.skipped
    );
    let _ = writeln!(out, "rows stored:  {}", s.rows);
    let _ = writeln!(out, "empty days:   {}", s.empty_days);
    let _ = writeln!(out, "bad rows:     {} (skipped)", s.bad_rows.len());
    for (key, b) in s.bad_rows.iter().take(20) {
        let _ = writeln!(out, "  {key} row {}: {}", b.index, b.reason);
    }
    let _ = writeln!(out, "failures:     {}", s.failures.len());
    for (key, e) in s.failures.iter().take(20) {
        let _ = writeln!(out, "  {key}: {e}");
    }
    let _ = write!(out, "pending:      {}", s.pending);
    match &s.stopped {
        Some(Stop::BudgetSpent) => {
            let _ = write!(
                out,
                "\nstopped:      daily budget spent; the rest resumes tomorrow"
            );
        }
        Some(Stop::Fatal(e)) => {
            let _ = write!(out, "\nstopped:      {e}");
        }
        Some(Stop::Failing) => {
            let _ = write!(
                out,
                "\nstopped:      too many failures in a row; retried next run"
            );
        }
        None => {}
    }
    out
}

/// Runs one source's sync for `day` (default: the latest survey day).
pub async fn run(
    settings: &SyncSettings,
    state: &dyn SyncStateRepository,
    catalog: &dyn CatalogRepository,
    clock: &dyn Clock,
    source: Source,
    day: Option<NaiveDate>,
) -> Result<String, String> {
    let today = (clock.now() + chrono::Duration::hours(9)).date_naive();
    let holder = format!(
        "cli-{}-{}",
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    let mut config = SyncConfig::new(holder);
    config.daily_budget = settings.daily_budget;
    let sync = PriceSync {
        state,
        catalog,
        clock,
        config,
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |e: SyncEvent| match e {
        SyncEvent::Planned(n) => bar.set_length(bar.position() + n as u64),
        SyncEvent::Step { key, outcome } => {
            bar.inc(1);
            bar.set_message(format!("{key} {outcome}"));
        }
    };
    let (day, summary) = match source {
        Source::Chamgagyeok => {
            if settings.chamgagyeok.key.is_empty() {
                return Err("CHAMGAGYEOK_SERVICE_KEY is not set".into());
            }
            tracing::info!(base_url = %settings.chamgagyeok.base_url, key = %mask(&settings.chamgagyeok.key), "sync 참가격");
            let feed = Chamgagyeok::new(settings.chamgagyeok.clone()).map_err(|e| e.to_string())?;
            let day = day.unwrap_or_else(|| latest_friday(today));
            (day, sync.chamgagyeok(&feed, day, &progress).await)
        }
        Source::Kamis => {
            if settings.kamis.key.is_empty() {
                return Err("KAMIS_CERT_KEY is not set".into());
            }
            tracing::info!(base_url = %settings.kamis.base_url, key = %mask(&settings.kamis.key), "sync KAMIS");
            let feed = Kamis::new(settings.kamis.clone()).map_err(|e| e.to_string())?;
            let day = day.unwrap_or(today);
            (
                day,
                sync.kamis(&feed, day, &settings.kamis_counties, &progress)
                    .await,
            )
        }
    };
    bar.finish_and_clear();
    let summary = summary.map_err(|e| e.to_string())?;
    Ok(render(source, day, &summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_survey_day_is_the_latest_friday() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        assert_eq!(latest_friday(d(11, 20)), d(11, 20), "a Friday");
        assert_eq!(latest_friday(d(11, 23)), d(11, 20), "the Monday after");
        assert_eq!(latest_friday(d(11, 19)), d(11, 13), "the Thursday before");
    }
}
