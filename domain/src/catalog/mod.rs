//! The catalog: products, stores (shops and online malls) and the prices
//! observed for a product at a store (offers).
//!
//! Every value is built through a validating constructor, so a `Product`,
//! `Store` or `Offer` that exists is valid. Drafts (`NewProduct`, `NewStore`,
//! `NewOffer`) carry raw inputs from imports, sample data and database rows.

mod geo;
pub mod identity;
pub mod import;
pub mod nearby;
pub mod outlier;
pub mod pack;
pub mod ports;
pub mod search;

use std::fmt;

use chrono::{DateTime, NaiveTime, Utc};

use crate::user::InvalidValue;

pub use geo::GeoPoint;

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A short human text: trimmed, non-empty, at most `max` characters, no
/// control characters.
fn label(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidValue> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(InvalidValue::new(field, "is required"));
    }
    if s.chars().count() > max {
        return Err(InvalidValue::new(
            field,
            format!("is too long (at most {max} characters)"),
        ));
    }
    if has_control(s) {
        return Err(InvalidValue::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(s.to_owned())
}

/// An identifier: 1–64 characters of ASCII letters, digits, `-`, `_`, `.`, `:`.
fn identifier(field: &'static str, raw: &str) -> Result<String, InvalidValue> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 {
        return Err(InvalidValue::new(field, "must be 1 to 64 characters"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return Err(InvalidValue::new(
            field,
            "may hold only letters, digits, '-', '_', '.' and ':'",
        ));
    }
    Ok(s.to_owned())
}

macro_rules! text_id {
    ($name:ident, $field:literal) => {
        /// Shared text: ids are cloned into every offer, plan and view, so a
        /// clone is a reference count, not an allocation.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                identifier($field, raw).map(|s| Self(s.into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id!(ProductId, "product_id");
text_id!(StoreId, "store_id");

/// How a product's size is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Grams.
    G,
    /// Millilitres.
    Ml,
    /// Pieces (eggs, packs, heads of cabbage…).
    Ea,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::G => "G",
            Unit::Ml => "ML",
            Unit::Ea => "EA",
        }
    }

    /// Accepts `G`, `ML`, `EA` in any case.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "G" => Some(Unit::G),
            "ML" => Some(Unit::Ml),
            "EA" => Some(Unit::Ea),
            _ => None,
        }
    }
}

/// A product as the shopper names it: "서울우유 1L" (ML, 1000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    id: ProductId,
    name: String,
    name_en: Option<String>,
    aliases: Vec<String>,
    category: String,
    unit: Unit,
    size: u32,
    barcode: Option<String>,
}

/// The raw parts of a [`Product`].
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub aliases: Vec<String>,
    pub category: String,
    pub unit: Unit,
    pub size: u32,
    pub barcode: Option<String>,
}

impl Product {
    pub const MAX_ALIASES: usize = 20;

    pub fn new(p: NewProduct) -> Result<Self, InvalidValue> {
        let name_en = p
            .name_en
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| label("name_en", s, 100))
            .transpose()?;
        let mut aliases: Vec<String> = Vec::new();
        for a in &p.aliases {
            let a = label("aliases", a, 60)?;
            if !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        if aliases.len() > Self::MAX_ALIASES {
            return Err(InvalidValue::new("aliases", "at most 20 aliases"));
        }
        if p.size == 0 {
            return Err(InvalidValue::new("size", "must be positive"));
        }
        let barcode = p
            .barcode
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|b| {
                if (8..=14).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_digit()) {
                    Ok(b.to_owned())
                } else {
                    Err(InvalidValue::new("barcode", "must be 8 to 14 digits"))
                }
            })
            .transpose()?;
        Ok(Self {
            id: ProductId::parse(&p.id)?,
            name: label("name", &p.name, 100)?,
            name_en,
            aliases,
            category: label("category", &p.category, 40)?,
            unit: p.unit,
            size: p.size,
            barcode,
        })
    }

    pub fn id(&self) -> &ProductId {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn name_en(&self) -> Option<&str> {
        self.name_en.as_deref()
    }
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }
    pub fn category(&self) -> &str {
        &self.category
    }
    pub fn unit(&self) -> Unit {
        self.unit
    }
    pub fn size(&self) -> u32 {
        self.size
    }
    /// The pack this product is sold in (its unit and size).
    pub fn pack(&self) -> pack::Pack {
        pack::Pack {
            unit: self.unit,
            quantity: self.size,
        }
    }
    /// `price` of one pack on the legal unit-price basis (per 100 g,
    /// 100 ml or 1 piece).
    pub fn unit_price(&self, price: PriceKrw) -> Option<pack::UnitPrice> {
        pack::UnitPrice::of(price.krw(), self.pack(), None)
    }
    pub fn barcode(&self) -> Option<&str> {
        self.barcode.as_deref()
    }
}

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
    /// `"24h"` or `"HH:MM-HH:MM"`.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        if s.eq_ignore_ascii_case("24h") {
            return Some(OpeningHours::Always);
        }
        let (a, b) = s.split_once('-')?;
        let opens = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let closes = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
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
            } => StoreSite::Offline {
                format,
                location,
                address: label("address", &address, 200)?,
                hours,
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
    pub fn mall(&self) -> Option<&MallTerms> {
        match &self.site {
            StoreSite::Online(t) => Some(t),
            StoreSite::Offline { .. } => None,
        }
    }
}

/// A price in 원: positive and below 100,000,000 (no grocery costs more).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PriceKrw(i64);

impl PriceKrw {
    pub const MAX: i64 = 100_000_000;

    pub fn new(krw: i64) -> Result<Self, InvalidValue> {
        if krw <= 0 {
            return Err(InvalidValue::new("price", "must be positive"));
        }
        if krw >= Self::MAX {
            return Err(InvalidValue::new("price", "is implausibly high"));
        }
        Ok(Self(krw))
    }

    pub fn krw(self) -> i64 {
        self.0
    }
}

/// A price observed for a product at a store at one instant. Outliers are
/// flagged by [`outlier::flag_outliers`], never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub store_id: StoreId,
    pub product_id: ProductId,
    pub price: PriceKrw,
    pub observed_at: DateTime<Utc>,
    pub in_stock: bool,
    pub discounted: bool,
    pub flagged_outlier: bool,
}

/// Stores, products and offers written together by
/// [`ports::CatalogRepository::upsert_catalog`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogBatch {
    pub stores: Vec<Store>,
    pub products: Vec<Product>,
    pub offers: Vec<Offer>,
}

/// How many rows the catalog holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogCounts {
    pub stores: u64,
    pub products: u64,
    pub offers: u64,
}

/// A store found near a point, with its distance.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyStore {
    pub store: Store,
    pub distance_m: f64,
}

/// The offline stores within `radius_m` of `point`, nearest first (ties by
/// id). Storage pre-filters with [`GeoPoint::bounding_box`] and calls this.
pub fn nearest(stores: Vec<Store>, point: GeoPoint, radius_m: f64) -> Vec<NearbyStore> {
    let mut near: Vec<NearbyStore> = stores
        .into_iter()
        .filter_map(|store| {
            let distance_m = point.distance_m(store.location()?);
            (distance_m <= radius_m).then_some(NearbyStore { store, distance_m })
        })
        .collect();
    near.sort_by(|a, b| {
        a.distance_m
            .total_cmp(&b.distance_m)
            .then_with(|| a.store.id().cmp(b.store.id()))
    });
    near
}

/// The latest offer of each (store, product) pair, ordered by product then
/// store.
pub fn latest_offers(offers: Vec<Offer>) -> Vec<Offer> {
    let mut latest: std::collections::BTreeMap<(ProductId, StoreId), Offer> =
        std::collections::BTreeMap::new();
    for o in offers {
        let key = (o.product_id.clone(), o.store_id.clone());
        match latest.get(&key) {
            Some(have) if have.observed_at >= o.observed_at => {}
            _ => {
                latest.insert(key, o);
            }
        }
    }
    latest.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, name: &str) -> NewProduct {
        NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: Some("Milk".into()),
            aliases: vec!["우유".into(), "우유".into(), "milk".into()],
            category: "dairy".into(),
            unit: Unit::Ml,
            size: 1000,
            barcode: None,
        }
    }

    #[test]
    fn product_is_validated_and_aliases_deduplicated() {
        let p = Product::new(product("p1", " 서울우유 1L ")).expect("valid");
        assert_eq!(p.name(), "서울우유 1L");
        assert_eq!(p.aliases(), ["우유", "milk"]);
        assert!(Product::new(product("", "x")).is_err());
        assert!(Product::new(product("a b", "x")).is_err());
        assert!(Product::new(product("p1", "  ")).is_err());
        let mut zero = product("p1", "x");
        zero.size = 0;
        assert!(Product::new(zero).is_err());
        let mut bad_barcode = product("p1", "x");
        bad_barcode.barcode = Some("12ab".into());
        assert!(Product::new(bad_barcode).is_err());
    }

    #[test]
    fn prices_must_be_positive() {
        assert!(PriceKrw::new(0).is_err());
        assert!(PriceKrw::new(-10).is_err());
        assert!(PriceKrw::new(PriceKrw::MAX).is_err());
        assert_eq!(PriceKrw::new(2_980).map(PriceKrw::krw), Ok(2_980));
    }

    #[test]
    fn mall_terms_check_url_and_fees() {
        let t = MallTerms::new(3_000, Some(19_800), 0, "https://www.coupang.com/vp/cart")
            .expect("valid");
        assert_eq!(t.delivery_fee_for(19_799), 3_000);
        assert_eq!(t.delivery_fee_for(19_800), 0);
        for bad in [
            "http://www.coupang.com/",
            "https://user@www.coupang.com/",
            "https://www.coupang.com:8443/",
            "https:\\\\evil.com",
            "javascript:alert(1)",
            "https://",
        ] {
            assert!(MallTerms::new(0, None, 0, bad).is_err(), "{bad}");
        }
        assert!(MallTerms::new(-1, None, 0, "https://a.kr/").is_err());
        assert!(MallTerms::new(0, Some(0), 0, "https://a.kr/").is_err());
    }

    #[test]
    fn opening_hours_round_trip() {
        for s in ["24h", "10:00-23:00", "22:00-02:00"] {
            assert_eq!(
                OpeningHours::parse(s).map(|h| h.to_string()).as_deref(),
                Some(s)
            );
        }
        assert_eq!(OpeningHours::parse("10:00-10:00"), None);
        assert_eq!(OpeningHours::parse("25:00-10:00"), None);
    }

    fn shop(id: &str, lat: f64, lng: f64) -> Store {
        Store::new(NewStore {
            id: id.into(),
            chain: "CU".into(),
            name: format!("CU {id}"),
            site: NewStoreSite::Offline {
                format: OfflineFormat::Convenience,
                location: GeoPoint::new(lat, lng).expect("point"),
                address: "서울".into(),
                hours: Some(OpeningHours::Always),
            },
        })
        .expect("store")
    }

    #[test]
    fn nearest_filters_by_radius_and_sorts_by_distance() {
        let here = GeoPoint::new(37.4985, 127.0292).expect("here");
        let stores = vec![
            shop("far", 37.5200, 127.0292),
            shop("b", 37.5000, 127.0292),
            shop("a", 37.4990, 127.0292),
        ];
        let near = nearest(stores, here, 1000.0);
        let ids: Vec<&str> = near.iter().map(|n| n.store.id().as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(near[0].distance_m < near[1].distance_m);
    }

    #[test]
    fn latest_offer_wins() {
        let at = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap_or_default();
        let offer = |store: &str, krw: i64, t: i64| Offer {
            store_id: StoreId::parse(store).expect("s"),
            product_id: ProductId::parse("milk").expect("p"),
            price: PriceKrw::new(krw).expect("price"),
            observed_at: at(t),
            in_stock: true,
            discounted: false,
            flagged_outlier: false,
        };
        let got = latest_offers(vec![offer("b", 1, 0), offer("a", 2, 5), offer("a", 3, 9)]);
        let prices: Vec<i64> = got.iter().map(|o| o.price.krw()).collect();
        assert_eq!(prices, [3, 1]);
    }

    #[test]
    fn store_kind_follows_its_site() {
        let s = Store::new(NewStore {
            id: "mall-1".into(),
            chain: "쿠팡".into(),
            name: "쿠팡 로켓프레시".into(),
            site: NewStoreSite::Online(
                MallTerms::new(3_000, None, 0, "https://www.coupang.com/").expect("terms"),
            ),
        })
        .expect("store");
        assert_eq!(s.kind(), StoreKind::Online);
        assert_eq!(s.format(), "online_mall");
        assert_eq!(s.location(), None);
    }
}
