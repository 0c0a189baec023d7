//! Stores: shops at a place with their format and hours, and online malls
//! with their delivery terms.

use std::fmt;

use chrono::NaiveTime;

use crate::user::InvalidValue;

use super::hours::{ClosingDays, Visiting};
use super::label;
use super::{GeoPoint, StoreId};

/// Whether a store is a place to walk to or a mall that delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKind {
    Offline,
    Online,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Offline => "offline",
            StoreKind::Online => "online",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "offline" => Some(StoreKind::Offline),
            "online" => Some(StoreKind::Online),
            _ => None,
        }
    }
}

/// The kind of shop a shopper walks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfflineFormat {
    LargeMart,
    Supermarket,
    Convenience,
    TraditionalMarket,
    Department,
}

impl OfflineFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            OfflineFormat::LargeMart => "large_mart",
            OfflineFormat::Supermarket => "supermarket",
            OfflineFormat::Convenience => "convenience",
            OfflineFormat::TraditionalMarket => "traditional_market",
            OfflineFormat::Department => "department",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "large_mart" => Some(OfflineFormat::LargeMart),
            "supermarket" => Some(OfflineFormat::Supermarket),
            "convenience" => Some(OfflineFormat::Convenience),
            "traditional_market" => Some(OfflineFormat::TraditionalMarket),
            "department" => Some(OfflineFormat::Department),
            _ => None,
        }
    }
}

/// The format name of every online mall.
pub const ONLINE_MALL_FORMAT: &str = "online_mall";

/// When a shop is open, in local time (Asia/Seoul).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpeningHours {
    /// Open around the clock (most convenience stores).
    Always,
    /// Daily from `opens` to `closes`; `closes` before `opens` means past midnight.
    Daily { opens: NaiveTime, closes: NaiveTime },
}

impl OpeningHours {
    /// `"24h"` or `"HH:MM-HH:MM"` (`24:00` is midnight: `10:00-24:00`
    /// closes at midnight and reads back as `10:00-00:00`).
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        if s.eq_ignore_ascii_case("24h") {
            return Some(OpeningHours::Always);
        }
        let (a, b) = s.split_once('-')?;
        let opens = super::hours::parse_clock(a)?;
        let closes = super::hours::parse_clock(b)?;
        (opens != closes).then_some(OpeningHours::Daily { opens, closes })
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpeningHours::Always => f.write_str("24h"),
            OpeningHours::Daily { opens, closes } => {
                write!(f, "{}-{}", opens.format("%H:%M"), closes.format("%H:%M"))
            }
        }
    }
}

/// An online mall's terms of delivery, in 원.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MallTerms {
    delivery_fee_krw: i64,
    free_delivery_threshold_krw: Option<i64>,
    min_order_krw: i64,
    checkout_url: String,
}

impl MallTerms {
    /// `checkout_url` must be an absolute `https://` URL without user-info,
    /// port or whitespace; the redirect allowlist is checked where URLs are
    /// handed out.
    pub fn new(
        delivery_fee_krw: i64,
        free_delivery_threshold_krw: Option<i64>,
        min_order_krw: i64,
        checkout_url: &str,
    ) -> Result<Self, InvalidValue> {
        const MAX_KRW: i64 = 10_000_000;
        if !(0..=MAX_KRW).contains(&delivery_fee_krw) {
            return Err(InvalidValue::new(
                "delivery_fee_krw",
                "must be 0 to 10,000,000",
            ));
        }
        if free_delivery_threshold_krw.is_some_and(|t| !(1..=MAX_KRW).contains(&t)) {
            return Err(InvalidValue::new(
                "free_delivery_threshold_krw",
                "must be 1 to 10,000,000",
            ));
        }
        if !(0..=MAX_KRW).contains(&min_order_krw) {
            return Err(InvalidValue::new(
                "min_order_krw",
                "must be 0 to 10,000,000",
            ));
        }
        let url = checkout_url.trim();
        let host_part = url.strip_prefix("https://").unwrap_or("");
        let host = host_part.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if url.len() > 500 || !host_ok || url.chars().any(|c| c.is_whitespace() || c == '\\') {
            return Err(InvalidValue::new(
                "checkout_url",
                "must be an absolute https URL without user-info or port",
            ));
        }
        Ok(Self {
            delivery_fee_krw,
            free_delivery_threshold_krw,
            min_order_krw,
            checkout_url: url.to_owned(),
        })
    }

    pub fn delivery_fee_krw(&self) -> i64 {
        self.delivery_fee_krw
    }
    /// `None`: delivery always costs the fee.
    pub fn free_delivery_threshold_krw(&self) -> Option<i64> {
        self.free_delivery_threshold_krw
    }
    pub fn min_order_krw(&self) -> i64 {
        self.min_order_krw
    }
    pub fn checkout_url(&self) -> &str {
        &self.checkout_url
    }
    /// The delivery fee for an order of goods worth `goods_krw`.
    pub fn delivery_fee_for(&self, goods_krw: i64) -> i64 {
        match self.free_delivery_threshold_krw {
            Some(t) if goods_krw >= t => 0,
            _ => self.delivery_fee_krw,
        }
    }
}

/// Where and how a store sells: a shop at a place, or a mall that delivers.
/// Kind, format and location can therefore never disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreSite {
    Offline {
        format: OfflineFormat,
        location: GeoPoint,
        address: String,
        hours: Option<OpeningHours>,
        /// `None`: unknown (see [`Store::visiting`]).
        closing: Option<ClosingDays>,
    },
    Online(MallTerms),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    id: StoreId,
    chain: String,
    name: String,
    site: StoreSite,
}

/// The raw parts of a [`Store`]; the site's parts are validated already.
#[derive(Debug, Clone)]
pub struct NewStore {
    pub id: String,
    pub chain: String,
    pub name: String,
    pub site: NewStoreSite,
}

#[derive(Debug, Clone)]
pub enum NewStoreSite {
    Offline {
        format: OfflineFormat,
        location: GeoPoint,
        address: String,
        hours: Option<OpeningHours>,
        /// `None`: unknown; large marts then close on the statutory default.
        closing: Option<ClosingDays>,
    },
    Online(MallTerms),
}

impl Store {
    pub fn new(s: NewStore) -> Result<Self, InvalidValue> {
        let site = match s.site {
            NewStoreSite::Offline {
                format,
                location,
                address,
                hours,
                closing,
            } => StoreSite::Offline {
                format,
                location,
                address: label("address", &address, 200)?,
                hours,
                closing,
            },
            NewStoreSite::Online(terms) => StoreSite::Online(terms),
        };
        Ok(Self {
            id: StoreId::parse(&s.id)?,
            chain: label("chain", &s.chain, 40)?,
            name: label("name", &s.name, 100)?,
            site,
        })
    }

    pub fn id(&self) -> &StoreId {
        &self.id
    }
    pub fn chain(&self) -> &str {
        &self.chain
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn site(&self) -> &StoreSite {
        &self.site
    }
    pub fn kind(&self) -> StoreKind {
        match self.site {
            StoreSite::Offline { .. } => StoreKind::Offline,
            StoreSite::Online(_) => StoreKind::Online,
        }
    }
    /// `large_mart`, `supermarket`, `convenience`, `traditional_market`,
    /// `department` or `online_mall`.
    pub fn format(&self) -> &'static str {
        match &self.site {
            StoreSite::Offline { format, .. } => format.as_str(),
            StoreSite::Online(_) => ONLINE_MALL_FORMAT,
        }
    }
    pub fn location(&self) -> Option<GeoPoint> {
        match &self.site {
            StoreSite::Offline { location, .. } => Some(*location),
            StoreSite::Online(_) => None,
        }
    }
    pub fn address(&self) -> Option<&str> {
        match &self.site {
            StoreSite::Offline { address, .. } => Some(address),
            StoreSite::Online(_) => None,
        }
    }
    pub fn hours(&self) -> Option<OpeningHours> {
        match &self.site {
            StoreSite::Offline { hours, .. } => *hours,
            StoreSite::Online(_) => None,
        }
    }
    /// The store's own closing days as stored (`None`: unknown).
    pub fn closing(&self) -> Option<&ClosingDays> {
        match &self.site {
            StoreSite::Offline { closing, .. } => closing.as_ref(),
            StoreSite::Online(_) => None,
        }
    }
    /// When the store can be visited: its hours (unknown = open) and its
    /// closing days — its own rule, else for a large mart the statutory
    /// 2nd and 4th Sunday, else none.
    pub fn visiting(&self) -> Visiting {
        let closing = match (self.closing(), &self.site) {
            (Some(c), _) => c.clone(),
            (
                None,
                StoreSite::Offline {
                    format: OfflineFormat::LargeMart,
                    ..
                },
            ) => ClosingDays::second_and_fourth_sunday(),
            (None, _) => ClosingDays::none(),
        };
        Visiting {
            hours: self.hours(),
            closing,
        }
    }
    pub fn mall(&self) -> Option<&MallTerms> {
        match &self.site {
            StoreSite::Online(t) => Some(t),
            StoreSite::Offline { .. } => None,
        }
    }
}
