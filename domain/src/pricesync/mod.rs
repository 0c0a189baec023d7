//! Real prices in: syncing the public price feeds (참가격, KAMIS) into the
//! catalog within a daily call budget.
//!
//! A sync is a list of **calls** (one API request each), named by a stable
//! key (`chamgagyeok:prices:20261120:entp:0001`). The state of every call is
//! persisted by a [`ports::SyncStateRepository`] as it happens, so a sync
//! survives a kill at any point and never repeats a call it completed:
//!
//! 1. the reference calls (stores, products) of the survey day are enqueued;
//! 2. each pending call is **claimed** (atomically: not done, not held by a
//!    live lease, and the day's budget not spent — two instances never make
//!    the same call), made, and **completed** together with the prices it
//!    brought (one transaction), or marked failed (retried by a later run);
//! 3. the stores call enqueues one price call per store as it completes.
//!
//! Feeds are ports ([`ports::ChamgagyeokFeed`], [`ports::KamisFeed`]); the
//! adapters in the app speak HTTP/XML/JSON. [`service::PriceSync`] is the use
//! case.

pub mod feed;
pub mod jobs;
#[cfg(test)]
mod key_tests;
pub mod ports;
pub mod schedule;
pub mod service;
pub mod status;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};

/// A price source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// 참가격 (Korea Consumer Agency): offline store prices.
    Chamgagyeok,
    /// KAMIS: produce retail prices by region.
    Kamis,
}

impl Source {
    pub const ALL: [Source; 2] = [Source::Chamgagyeok, Source::Kamis];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Chamgagyeok => "chamgagyeok",
            Source::Kamis => "kamis",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "chamgagyeok" | "참가격" | "kca" => Some(Source::Chamgagyeok),
            "kamis" => Some(Source::Kamis),
            _ => None,
        }
    }

    /// How often a healthy sync of the source succeeds at least, in days:
    /// 참가격 surveys every other Friday (the spec says weekly), and each
    /// Friday's stores and products calls succeed either way; KAMIS daily.
    /// A source is stale when its last success is older than twice its
    /// expected interval (`status::expected_interval`).
    pub fn cadence_days(self) -> i64 {
        match self {
            Source::Chamgagyeok => 7,
            Source::Kamis => 1,
        }
    }

    /// The prefix of catalog ids this source creates.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Source::Chamgagyeok => crate::catalog::import::ID_PREFIX,
            Source::Kamis => "kamis-",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A survey day, written `YYYYMMDD` by the sources.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.len() != 8 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y%m%d").ok()
}

/// The latest 참가격 survey day on or before `today`: surveys are on Fridays.
pub fn latest_friday(today: NaiveDate) -> NaiveDate {
    let back =
        (today.weekday().num_days_from_monday() + 7 - Weekday::Fri.num_days_from_monday()) % 7;
    today - chrono::Duration::days(i64::from(back))
}

pub fn format_day(day: NaiveDate) -> String {
    day.format("%Y%m%d").to_string()
}

/// One API request of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Call {
    /// 참가격 `getStoreInfoSvc`, fetched once per survey day synced.
    Stores { day: NaiveDate },
    /// 참가격 `getProductInfoSvc`, once per survey day synced.
    Products { day: NaiveDate },
    /// 참가격 `getProductPriceInfoSvc` for one store.
    StorePrices { day: NaiveDate, entp_id: String },
    /// KAMIS daily retail prices of one region.
    KamisRegion { day: NaiveDate, county: String },
}

impl Call {
    pub fn source(&self) -> Source {
        match self {
            Call::Stores { .. } | Call::Products { .. } | Call::StorePrices { .. } => {
                Source::Chamgagyeok
            }
            Call::KamisRegion { .. } => Source::Kamis,
        }
    }

    pub fn day(&self) -> NaiveDate {
        match self {
            Call::Stores { day }
            | Call::Products { day }
            | Call::StorePrices { day, .. }
            | Call::KamisRegion { day, .. } => *day,
        }
    }

    /// The stable key the call's state is kept under.
    pub fn key(&self) -> String {
        let s = self.source().as_str();
        match self {
            Call::Stores { day } => format!("{s}:stores:{}", format_day(*day)),
            Call::Products { day } => format!("{s}:products:{}", format_day(*day)),
            Call::StorePrices { day, entp_id } => {
                format!("{s}:prices:{}:entp:{entp_id}", format_day(*day))
            }
            Call::KamisRegion { day, county } => {
                format!("{s}:retail:{}:county:{county}", format_day(*day))
            }
        }
    }

    /// Reads a key back ([`Call::key`]'s inverse).
    pub fn parse_key(key: &str) -> Option<Self> {
        let parts: Vec<&str> = key.split(':').collect();
        let day = |raw: &str| parse_day(raw);
        match parts.as_slice() {
            ["chamgagyeok", "stores", d] => Some(Call::Stores { day: day(d)? }),
            ["chamgagyeok", "products", d] => Some(Call::Products { day: day(d)? }),
            ["chamgagyeok", "prices", d, "entp", id] if !id.is_empty() => Some(Call::StorePrices {
                day: day(d)?,
                entp_id: (*id).to_owned(),
            }),
            ["kamis", "retail", d, "county", c] if !c.is_empty() => Some(Call::KamisRegion {
                day: day(d)?,
                county: (*c).to_owned(),
            }),
            _ => None,
        }
    }

    /// Reference calls run before the price calls of their day.
    pub fn order(&self) -> u8 {
        match self {
            Call::Stores { .. } => 0,
            Call::Products { .. } => 1,
            Call::StorePrices { .. } | Call::KamisRegion { .. } => 2,
        }
    }
}
