//! Online malls' delivery terms as operator configuration, and the shopper's
//! delivery region they are priced for.
//!
//! A mall's terms (delivery fee, free-delivery threshold, minimum order, the
//! Jeju and island surcharges, the same-day and dawn delivery order cut-offs)
//! are not part of the engine or of the catalog: they live in the
//! `mall_terms` table ([`ports::MallTermsRepository`]), seeded at start with
//! the shipped defaults (app `malls.rs`, dated) and changed by the operator
//! with `ttokjang mall set`. A running server reads them on every online plan
//! request, so an edit applies to the next plan without a restart. A mall
//! with no row falls back to the terms its catalog row carries.

pub mod ports;
mod region;

use chrono::{DateTime, NaiveTime, Utc};

use crate::catalog::{MallTerms, StoreId};
use crate::user::InvalidValue;

pub use region::Region;

/// Largest fee, threshold, minimum order or surcharge (the catalog's bound).
pub const MAX_KRW: i64 = 10_000_000;

/// Where a mall's terms came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermsSource {
    /// The shipped defaults (their date is `as_of`).
    Default,
    /// Set by the operator.
    Operator,
    /// Not configured: the mall's catalog row (no surcharges, no date).
    Catalog,
}

impl TermsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Operator => "operator",
            Self::Catalog => "catalog",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "default" => Some(Self::Default),
            "operator" => Some(Self::Operator),
            "catalog" => Some(Self::Catalog),
            _ => None,
        }
    }
}

/// One mall's delivery terms, in 원 (validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryTerms {
    pub mall_id: StoreId,
    pub delivery_fee_krw: i64,
    /// `None`: delivery always costs the fee.
    pub free_delivery_threshold_krw: Option<i64>,
    pub min_order_krw: i64,
    /// Added once per order delivered to Jeju (never waived).
    pub jeju_surcharge_krw: i64,
    /// Added once per order delivered to an island or remote (도서산간) area.
    pub island_surcharge_krw: i64,
    /// Orders placed before this time (Korea) arrive the same day.
    pub same_day_cutoff: Option<NaiveTime>,
    /// Orders placed before this time (Korea) arrive before 7 a.m. next day.
    pub dawn_cutoff: Option<NaiveTime>,
    pub source: TermsSource,
    /// When these terms were checked (defaults) or set (operator).
    pub as_of: DateTime<Utc>,
}

impl DeliveryTerms {
    /// Checks every amount (0..=[`MAX_KRW`]; a threshold at least 1 원).
    pub fn validate(self) -> Result<Self, Vec<InvalidValue>> {
        let mut bad = Vec::new();
        let range = |field: &'static str, v: i64, lo: i64, bad: &mut Vec<InvalidValue>| {
            if !(lo..=MAX_KRW).contains(&v) {
                bad.push(InvalidValue::new(
                    field,
                    format!("must be {lo} to {MAX_KRW} KRW"),
                ));
            }
        };
        range("delivery_fee_krw", self.delivery_fee_krw, 0, &mut bad);
        if let Some(t) = self.free_delivery_threshold_krw {
            range("free_delivery_threshold_krw", t, 1, &mut bad);
        }
        range("min_order_krw", self.min_order_krw, 0, &mut bad);
        range("jeju_surcharge_krw", self.jeju_surcharge_krw, 0, &mut bad);
        range(
            "island_surcharge_krw",
            self.island_surcharge_krw,
            0,
            &mut bad,
        );
        if bad.is_empty() {
            Ok(self)
        } else {
            Err(bad)
        }
    }

    /// The surcharge for an order delivered to `region`.
    pub fn surcharge_krw(&self, region: Region) -> i64 {
        match region {
            Region::Mainland => 0,
            Region::Jeju => self.jeju_surcharge_krw,
            Region::Island => self.island_surcharge_krw,
        }
    }

    /// Terms read from a catalog row (no surcharges, no cut-offs, no date:
    /// `as_of` is the epoch): the fallback for a mall without configured
    /// terms.
    pub fn from_catalog(mall_id: StoreId, terms: &MallTerms) -> Self {
        Self {
            mall_id,
            delivery_fee_krw: terms.delivery_fee_krw(),
            free_delivery_threshold_krw: terms.free_delivery_threshold_krw(),
            min_order_krw: terms.min_order_krw(),
            jeju_surcharge_krw: 0,
            island_surcharge_krw: 0,
            same_day_cutoff: None,
            dawn_cutoff: None,
            source: TermsSource::Catalog,
            as_of: DateTime::UNIX_EPOCH,
        }
    }
}

/// A cut-off written `HH:MM` (24 h), or `none`/empty for no such delivery.
pub fn parse_cutoff(field: &'static str, raw: &str) -> Result<Option<NaiveTime>, InvalidValue> {
    let raw = raw.trim();
    if raw.is_empty() || raw.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    NaiveTime::parse_from_str(raw, "%H:%M")
        .map(Some)
        .map_err(|_| InvalidValue::new(field, "must be HH:MM (24 h) or none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms() -> DeliveryTerms {
        DeliveryTerms {
            mall_id: StoreId::parse("coupang").expect("id"),
            delivery_fee_krw: 3_000,
            free_delivery_threshold_krw: Some(19_800),
            min_order_krw: 0,
            jeju_surcharge_krw: 3_000,
            island_surcharge_krw: 5_000,
            same_day_cutoff: None,
            dawn_cutoff: parse_cutoff("dawn", "23:59").expect("time"),
            source: TermsSource::Default,
            as_of: DateTime::from_timestamp(0, 0).expect("t"),
        }
    }

    #[test]
    fn surcharges_by_region_and_bounds() {
        let t = terms().validate().expect("valid");
        assert_eq!(t.surcharge_krw(Region::Mainland), 0);
        assert_eq!(t.surcharge_krw(Region::Jeju), 3_000);
        assert_eq!(t.surcharge_krw(Region::Island), 5_000);
        let mut bad = terms();
        bad.delivery_fee_krw = -1;
        bad.free_delivery_threshold_krw = Some(0);
        bad.jeju_surcharge_krw = MAX_KRW + 1;
        let fields: Vec<_> = bad
            .validate()
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "delivery_fee_krw",
                "free_delivery_threshold_krw",
                "jeju_surcharge_krw"
            ]
        );
    }

    #[test]
    fn cutoffs_are_hh_mm_or_none() {
        assert_eq!(parse_cutoff("c", "none"), Ok(None));
        assert_eq!(parse_cutoff("c", ""), Ok(None));
        assert_eq!(
            parse_cutoff("c", "11:00"),
            Ok(NaiveTime::from_hms_opt(11, 0, 0))
        );
        assert!(parse_cutoff("c", "25:00").is_err());
        assert!(parse_cutoff("c", "11").is_err());
    }
}
