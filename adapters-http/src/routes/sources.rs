//! `GET /api/v1/catalog/sources`: where the catalog's prices come from and how
//! fresh each source is (the price sync's state, docs/API.md "Catalog").
//! Signed-in like the rest of the catalog; it carries no key, URL or host.

use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use ttokjang_domain::pricesync::status::SourceReport;
use ttokjang_domain::pricesync::Source;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::state::ApiState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourcesDto {
    pub sources: Vec<SourceDto>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceDto {
    /// `chamgagyeok` (참가격, store prices) or `kamis` (KAMIS, regional
    /// produce prices).
    #[schema(example = "chamgagyeok")]
    pub id: &'static str,
    #[schema(example = "참가격")]
    pub name: &'static str,
    /// Its key is set on the server: the scheduler syncs it.
    pub configured: bool,
    pub schedule: ScheduleDto,
    /// When a call of the source last completed.
    pub last_success_at: Option<DateTime<Utc>>,
    /// The newest survey day stored.
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-20")]
    pub last_survey_day: Option<NaiveDate>,
    /// Price rows stored from the source.
    pub rows: u64,
    /// Calls planned but not made yet (the budget or a failure stopped them).
    pub calls_pending: u64,
    /// When the scheduler runs it next (a past time: at its next poll);
    /// `null` when the source is not configured.
    pub next_run_at: Option<DateTime<Utc>>,
    /// A run is under way.
    pub running: bool,
    /// How the last scheduled run ended: `ok`, `budget_spent`,
    /// `quota_exhausted`, `key_refused`, `failing`, `partial`, `error`.
    pub last_run_outcome: Option<String>,
    pub last_error: Option<SourceErrorDto>,
    /// Calls made today (Korea's day) against `daily_budget`.
    pub calls_today: u32,
    pub daily_budget: u32,
    /// Configured and no success within twice `expected_interval_s`.
    pub stale: bool,
    pub expected_interval_s: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleDto {
    pub every_days: u32,
    /// Time of day in Korea (Asia/Seoul), `HH:MM`.
    #[schema(example = "04:00")]
    pub at: String,
    #[schema(example = "Asia/Seoul")]
    pub time_zone: &'static str,
}

/// The last failed call and its typed outcome.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceErrorDto {
    pub at: DateTime<Utc>,
    /// The call's key, e.g. `chamgagyeok:prices:20261120:entp:0001`.
    pub call: String,
    /// `network`, `timeout`, `server_error`, `key_refused`,
    /// `quota_exhausted`, `malformed`, `unknown_id`, `bad_request`.
    #[schema(example = "timeout")]
    pub kind: String,
    pub message: String,
}

fn name(source: Source) -> &'static str {
    match source {
        Source::Chamgagyeok => "참가격",
        Source::Kamis => "KAMIS",
    }
}

impl From<SourceReport> for SourceDto {
    fn from(r: SourceReport) -> Self {
        let s = r.setup.source;
        Self {
            id: s.as_str(),
            name: name(s),
            configured: r.setup.configured,
            schedule: ScheduleDto {
                every_days: r.setup.schedule.every_days,
                at: r.setup.schedule.at.format("%H:%M").to_string(),
                time_zone: "Asia/Seoul",
            },
            last_success_at: r.status.last_success_at,
            last_survey_day: r.status.last_survey_day,
            rows: r.status.rows,
            calls_pending: r.status.calls_pending,
            next_run_at: r.next_run_at,
            running: r.running,
            last_run_outcome: r.job.and_then(|j| j.last_outcome),
            last_error: r.status.last_error.map(|e| SourceErrorDto {
                at: e.at,
                call: e.call,
                kind: e.kind,
                message: e.message,
            }),
            calls_today: r.calls_today,
            daily_budget: r.setup.daily_budget,
            stale: r.stale,
            expected_interval_s: r.expected_interval.num_seconds(),
        }
    }
}

/// Each price source's sync state.
#[utoipa::path(get, path = "/api/v1/catalog/sources", tag = "catalog", operation_id = "listPriceSources",
    responses((status = 200, description = "Every price source, configured or not, with its sync state", body = SourcesDto)))]
pub async fn sources(
    _user: AuthUser,
    state: web::Data<ApiState>,
) -> Result<HttpResponse, ApiError> {
    let reports = state.sources.list().await?;
    Ok(HttpResponse::Ok().json(SourcesDto {
        sources: reports.into_iter().map(SourceDto::from).collect(),
    }))
}
