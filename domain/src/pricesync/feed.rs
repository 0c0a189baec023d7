//! What the feeds answer, already typed: rows the adapters could read, the
//! rows they could not (reported and skipped), and every way a call fails.

use chrono::NaiveDate;
use thiserror::Error;

use crate::catalog::pack::{Pack, UnitBasis};

/// A row of an answer that could not be read; the rest of the answer is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 0-based position of the row in the answer.
    pub index: usize,
    pub reason: String,
}

/// One answer: the rows read and the rows skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedPage<T> {
    pub rows: Vec<T>,
    pub bad: Vec<BadRow>,
}

impl<T> FeedPage<T> {
    pub fn new(rows: Vec<T>, bad: Vec<BadRow>) -> Self {
        Self { rows, bad }
    }
}

/// Why a call failed. Each is recorded in the source's sync status.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FeedError {
    /// The service could not be reached (DNS, connection refused, reset).
    #[error("network error: {0}")]
    Network(String),
    /// No answer within the deadline.
    #[error("timed out")]
    Timeout,
    /// The service answered 5xx.
    #[error("server error: HTTP {0}")]
    Server(u16),
    /// The key was refused (missing, wrong, not registered for the service).
    #[error("key refused: {0}")]
    KeyRefused(String),
    /// The day's call quota is used up on the provider's side.
    #[error("quota exhausted")]
    QuotaExhausted,
    /// The answer could not be read at all (not XML/JSON, wrong shape).
    #[error("malformed answer: {0}")]
    Malformed(String),
    /// The service does not know an id of the request (참가격 code `05`).
    #[error("unknown id: {0}")]
    UnknownId(String),
    /// The service refused a parameter (참가격 `01` bad date, KAMIS `200`).
    #[error("bad request: {0}")]
    BadRequest(String),
}

impl FeedError {
    /// A short stable name for metrics and the status endpoint.
    pub fn kind(&self) -> &'static str {
        match self {
            FeedError::Network(_) => "network",
            FeedError::Timeout => "timeout",
            FeedError::Server(_) => "server_error",
            FeedError::KeyRefused(_) => "key_refused",
            FeedError::QuotaExhausted => "quota_exhausted",
            FeedError::Malformed(_) => "malformed",
            FeedError::UnknownId(_) => "unknown_id",
            FeedError::BadRequest(_) => "bad_request",
        }
    }

    /// Errors after which no further call of this run can succeed.
    pub fn stops_the_run(&self) -> bool {
        matches!(self, FeedError::KeyRefused(_) | FeedError::QuotaExhausted)
    }

    /// Errors that are a final answer for the call: retrying it cannot give
    /// another (the call counts as done, with this outcome).
    pub fn is_final(&self) -> bool {
        matches!(self, FeedError::UnknownId(_) | FeedError::BadRequest(_))
    }
}

/// 참가격 store type (`entpTypeCode`).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedStore {
    pub entp_id: String,
    pub name: String,
    pub type_code: String,
    pub area_code: Option<String>,
    /// From `xMapCoord` — which holds the latitude, despite its name.
    pub lat: f64,
    /// From `yMapCoord` — the longitude.
    pub lng: f64,
    /// Road address when given, else the lot address.
    pub address: String,
}

/// A 참가격 product (`getProductInfoSvc`).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedProduct {
    pub good_id: String,
    pub name: String,
    pub category_code: Option<String>,
    /// `goodTotalCnt` + `goodTotalDivCode`.
    pub pack: Option<Pack>,
    /// `goodBaseCnt` + `goodUnitDivCode`.
    pub basis: Option<UnitBasis>,
}

/// One 참가격 price (`getProductPriceInfoSvc`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPrice {
    pub day: NaiveDate,
    pub entp_id: String,
    pub good_id: String,
    pub price_krw: i64,
    /// `goodDcYn`.
    pub discounted: bool,
    /// `goodDcStartDay`–`goodDcEndDay`, when given.
    pub discount_period: Option<(NaiveDate, NaiveDate)>,
    /// `plusoneYn` (1+1).
    pub plus_one: bool,
}

/// A code of `getStandardInfoSvc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardCode {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
}

/// `getStandardInfoSvc` classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardClass {
    /// `AL` categories.
    Categories,
    /// `UT` units.
    Units,
    /// `AR` regions.
    Regions,
    /// `BU` store types.
    StoreTypes,
}

impl StandardClass {
    pub fn code(self) -> &'static str {
        match self {
            StandardClass::Categories => "AL",
            StandardClass::Units => "UT",
            StandardClass::Regions => "AR",
            StandardClass::StoreTypes => "BU",
        }
    }
}

/// One KAMIS retail price (`dailyCountyList`, `product_cls_code` 01).
#[derive(Debug, Clone, PartialEq)]
pub struct KamisPrice {
    pub county: String,
    pub product_no: String,
    pub item_name: String,
    /// The unit the price is for ("1kg", "10개", "100g").
    pub unit: String,
    /// The pack the unit text names, when it names one.
    pub pack: Option<Pack>,
    pub day: NaiveDate,
    pub price_krw: i64,
}
