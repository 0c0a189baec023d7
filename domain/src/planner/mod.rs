//! Plan requests: what a shopper asked to plan and the plans it got, kept so a
//! plan can be selected until the request expires.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod context;
pub mod freshness;
pub mod generate;
pub mod history;
pub mod listing;
pub mod ports;
pub mod prices;
mod render;
pub mod routing;
pub mod runner;
mod select;
pub mod service;
mod sources;
pub mod substitutes;
pub mod view;

use crate::user::UserId;

/// Where the shopping happens.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanMode {
    Offline,
    Online,
}

impl PlanMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanMode::Offline => "offline",
            PlanMode::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "offline" => Some(Self::Offline),
            "online" => Some(Self::Online),
            _ => None,
        }
    }
}

/// A plan request as stored. `payload` is the generated answer (plans and
/// meta) as JSON: storage keeps it opaque, the planner reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlanRequest {
    pub id: Uuid,
    pub user_id: UserId,
    pub mode: PlanMode,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl StoredPlanRequest {
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}
