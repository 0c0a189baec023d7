//! `/api/v1/preferences`: GET answers the defaults until the shopper saves.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::preferences::{
    ChainName, PreferencesError, PreferencesInput, StoredPreferences,
};

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::state::ApiState;

/// A whole replacement; an absent (or null) field takes its default.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesBody {
    #[serde(default)]
    /// Stores per offline plan (default 3).
    #[schema(minimum = 1, maximum = 5)]
    max_stores: Option<i64>,
    /// Metres from the shopper (default 3000).
    #[serde(default)]
    #[schema(minimum = 100, maximum = 30000)]
    max_distance_m: Option<i64>,
    /// What a kilometre of route costs the shopper.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5000)]
    travel_cost_krw_per_km: Option<i64>,
    /// Chain names (at most 20, each up to 40 characters).
    #[serde(default)]
    #[schema(max_items = 20)]
    preferred_chains: Option<Vec<String>>,
    /// Chain names never planned; none may also be preferred.
    #[serde(default)]
    #[schema(max_items = 20)]
    excluded_chains: Option<Vec<String>>,
    #[serde(default)]
    #[schema(pattern = "^(offline|online)$")]
    default_mode: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(walk|transit|car)$")]
    travel_mode: Option<String>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 120)]
    max_travel_minutes: Option<i64>,
    /// What an hour of the shopper's time is worth, in 원 (default 10000);
    /// with `minutes_per_stop` it decides the `best_value` plan.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 200000)]
    value_of_time_krw_per_hour: Option<i64>,
    /// Minutes spent at each stop: check-out, parking (default 5).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 60)]
    minutes_per_stop: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PreferencesDto {
    max_stores: u8,
    max_distance_m: u32,
    travel_cost_krw_per_km: u32,
    preferred_chains: Vec<String>,
    excluded_chains: Vec<String>,
    default_mode: &'static str,
    travel_mode: &'static str,
    max_travel_minutes: u16,
    value_of_time_krw_per_hour: u32,
    minutes_per_stop: u16,
    /// `null` while the defaults apply.
    updated_at: Option<DateTime<Utc>>,
}

fn names(c: &[ChainName]) -> Vec<String> {
    c.iter().map(|c| c.as_str().to_owned()).collect()
}

impl From<&StoredPreferences> for PreferencesDto {
    fn from(s: &StoredPreferences) -> Self {
        let p = &s.preferences;
        Self {
            max_stores: p.max_stores,
            max_distance_m: p.max_distance_m,
            travel_cost_krw_per_km: p.travel_cost_krw_per_km,
            preferred_chains: names(&p.preferred_chains),
            excluded_chains: names(&p.excluded_chains),
            default_mode: p.default_mode.as_str(),
            travel_mode: p.travel_mode.as_str(),
            max_travel_minutes: p.max_travel_minutes,
            value_of_time_krw_per_hour: p.value_of_time_krw_per_hour,
            minutes_per_stop: p.minutes_per_stop,
            updated_at: s.updated_at,
        }
    }
}

impl From<PreferencesError> for ApiError {
    fn from(e: PreferencesError) -> Self {
        match e {
            PreferencesError::Invalid(v) => Self::from_invalid(v),
            PreferencesError::Repo(r) => r.into(),
        }
    }
}

fn ok(p: &StoredPreferences) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(PreferencesDto::from(p))
}

/// The preferences, or the defaults until the shopper saves.
#[utoipa::path(get, path = "/api/v1/preferences", tag = "shopper", operation_id = "getPreferences",
    responses((status = 200, description = "The preferences", body = PreferencesDto)))]
pub async fn get(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let p = state.user_data.preferences.get(user.user.id).await?;
    Ok(ok(&p))
}

/// Replaces the preferences; an absent or null field takes its default.
#[utoipa::path(put, path = "/api/v1/preferences", tag = "shopper", operation_id = "putPreferences",
    request_body = PreferencesBody,
    responses((status = 200, description = "The saved preferences", body = PreferencesDto)))]
pub async fn put(
    req: actix_web::HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // Raw bytes so that `[]` (serde's "struct as a sequence") is refused.
    let b: PreferencesBody = crate::json::required_body(&req, &body)?;
    let p = state
        .user_data
        .preferences
        .put(
            user.user.id,
            PreferencesInput {
                max_stores: b.max_stores,
                max_distance_m: b.max_distance_m,
                travel_cost_krw_per_km: b.travel_cost_krw_per_km,
                preferred_chains: b.preferred_chains,
                excluded_chains: b.excluded_chains,
                default_mode: b.default_mode,
                travel_mode: b.travel_mode,
                max_travel_minutes: b.max_travel_minutes,
                value_of_time_krw_per_hour: b.value_of_time_krw_per_hour,
                minutes_per_stop: b.minutes_per_stop,
            },
        )
        .await?;
    Ok(ok(&p))
}
