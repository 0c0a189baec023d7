//! Rows as stored, and their conversion to and from domain values. A row that
//! does not make a valid domain value is `RepoError::Corrupt`, never a panic.
//! Corrupt messages name the column, never its content.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::catalog::{
    ClosingDays, GeoPoint, MallTerms, NewProduct, NewStore, NewStoreSite, Offer, OfflineFormat,
    OpeningHours, PriceKrw, PriceOrigin, Product, ProductId, Provenance, Store, StoreId, StoreKind,
    Unit,
};
use ttokjang_domain::pricesync::{format_day, parse_day};
use ttokjang_domain::session::{RevokeReason, Session, SessionId};
use ttokjang_domain::user::{
    DisplayName, EmailAddress, Invite, InviteCode, PasswordHash, Role, User, UserId,
};
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_id, from_db_time, to_db_id, to_db_time, Id, Instant};
use crate::error::corrupt;
use crate::schema::{
    current_offers, invites, offers, products, refresh_tokens, sessions, stores, users,
};

pub(crate) fn opt_time(
    column: &str,
    v: Option<Instant>,
) -> Result<Option<DateTime<Utc>>, RepoError> {
    v.map(|v| from_db_time(column, v)).transpose()
}

/// A text column holding a plan request's id (runs and notifications link to
/// one; the column stays text on both backends).
pub(crate) fn plan_request_ref(
    column: &str,
    v: Option<String>,
) -> Result<Option<uuid::Uuid>, RepoError> {
    v.map(|v| uuid::Uuid::parse_str(&v).map_err(|_| corrupt(column)))
        .transpose()
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, check_for_backend(crate::dialect::Db))]
pub(crate) struct UserRow {
    pub id: Id,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: Instant,
}

impl UserRow {
    pub fn from_domain(u: &User) -> Self {
        Self {
            id: to_db_id(u.id.0),
            email: u.email.as_str().to_owned(),
            display_name: u.display_name.as_str().to_owned(),
            password_hash: u.password_hash.0.clone(),
            role: u.role.as_str().to_owned(),
            created_at: to_db_time(u.created_at),
        }
    }

    pub fn into_domain(self) -> Result<User, RepoError> {
        Ok(User {
            id: UserId(from_db_id("users.id", &self.id)?),
            email: EmailAddress::parse(&self.email).map_err(|_| corrupt("users.email"))?,
            display_name: DisplayName::parse(&self.display_name)
                .map_err(|_| corrupt("users.display_name"))?,
            password_hash: PasswordHash(self.password_hash),
            role: Role::parse(&self.role).ok_or_else(|| corrupt("users.role"))?,
            created_at: from_db_time("users.created_at", self.created_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites, check_for_backend(crate::dialect::Db))]
pub(crate) struct InviteRow {
    pub code: String,
    pub created_at: Instant,
    pub expires_at: Option<Instant>,
    pub used_by: Option<Id>,
    pub used_at: Option<Instant>,
}

impl InviteRow {
    pub fn from_domain(i: &Invite) -> Self {
        Self {
            code: i.code.as_str().to_owned(),
            created_at: to_db_time(i.created_at),
            expires_at: i.expires_at.map(to_db_time),
            used_by: i.used_by.map(|u| to_db_id(u.0)),
            used_at: i.used_at.map(to_db_time),
        }
    }

    pub fn into_domain(self) -> Result<Invite, RepoError> {
        Ok(Invite {
            code: InviteCode::parse(&self.code).map_err(|_| corrupt("invites.code"))?,
            created_at: from_db_time("invites.created_at", self.created_at)?,
            expires_at: opt_time("invites.expires_at", self.expires_at)?,
            used_by: self
                .used_by
                .as_ref()
                .map(|u| from_db_id("invites.used_by", u).map(UserId))
                .transpose()?,
            used_at: opt_time("invites.used_at", self.used_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions, check_for_backend(crate::dialect::Db))]
pub(crate) struct SessionRow {
    pub id: Id,
    pub user_id: Id,
    pub created_at: Instant,
    pub last_refreshed_at: Instant,
    pub idle_expires_at: Instant,
    pub absolute_expires_at: Instant,
    pub revoked_at: Option<Instant>,
    pub revoke_reason: Option<String>,
}

impl SessionRow {
    pub fn from_domain(s: &Session) -> Self {
        Self {
            id: to_db_id(s.id.0),
            user_id: to_db_id(s.user_id.0),
            created_at: to_db_time(s.created_at),
            last_refreshed_at: to_db_time(s.last_refreshed_at),
            idle_expires_at: to_db_time(s.idle_expires_at),
            absolute_expires_at: to_db_time(s.absolute_expires_at),
            revoked_at: s.revoked_at.map(to_db_time),
            revoke_reason: s.revoke_reason.map(|r| r.as_str().to_owned()),
        }
    }

    pub fn into_domain(self) -> Result<Session, RepoError> {
        Ok(Session {
            id: SessionId(from_db_id("sessions.id", &self.id)?),
            user_id: UserId(from_db_id("sessions.user_id", &self.user_id)?),
            created_at: from_db_time("sessions.created_at", self.created_at)?,
            last_refreshed_at: from_db_time("sessions.last_refreshed_at", self.last_refreshed_at)?,
            idle_expires_at: from_db_time("sessions.idle_expires_at", self.idle_expires_at)?,
            absolute_expires_at: from_db_time(
                "sessions.absolute_expires_at",
                self.absolute_expires_at,
            )?,
            revoked_at: opt_time("sessions.revoked_at", self.revoked_at)?,
            revoke_reason: self
                .revoke_reason
                .as_deref()
                .map(|r| RevokeReason::parse(r).ok_or_else(|| corrupt("sessions.revoke_reason")))
                .transpose()?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens, check_for_backend(crate::dialect::Db))]
pub(crate) struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: Id,
    pub created_at: Instant,
    pub spent_at: Option<Instant>,
}

// --- catalog -----------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stores, check_for_backend(crate::dialect::Db))]
pub(crate) struct StoreRow {
    pub id: String,
    pub chain: String,
    pub name: String,
    pub kind: String,
    pub format: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub address: Option<String>,
    pub hours: Option<String>,
    pub closing_days: Option<String>,
    pub delivery_fee_krw: Option<i64>,
    pub free_delivery_threshold_krw: Option<i64>,
    pub min_order_krw: Option<i64>,
    pub checkout_url: Option<String>,
}

impl StoreRow {
    pub fn from_domain(s: &Store) -> Self {
        let mall = s.mall();
        Self {
            id: s.id().to_string(),
            chain: s.chain().to_owned(),
            name: s.name().to_owned(),
            kind: s.kind().as_str().to_owned(),
            format: s.format().to_owned(),
            lat: s.location().map(GeoPoint::lat),
            lng: s.location().map(GeoPoint::lng),
            address: s.address().map(str::to_owned),
            hours: s.hours().map(|h| h.to_string()),
            closing_days: s.closing().map(ToString::to_string),
            delivery_fee_krw: mall.map(MallTerms::delivery_fee_krw),
            free_delivery_threshold_krw: mall.and_then(MallTerms::free_delivery_threshold_krw),
            min_order_krw: mall.map(MallTerms::min_order_krw),
            checkout_url: mall.map(|m| m.checkout_url().to_owned()),
        }
    }

    pub fn into_domain(self) -> Result<Store, RepoError> {
        let site = match StoreKind::parse(&self.kind).ok_or_else(|| corrupt("stores.kind"))? {
            StoreKind::Offline => NewStoreSite::Offline {
                format: OfflineFormat::parse(&self.format)
                    .ok_or_else(|| corrupt("stores.format"))?,
                location: match (self.lat, self.lng) {
                    (Some(lat), Some(lng)) => {
                        GeoPoint::new(lat, lng).map_err(|_| corrupt("stores.lat/lng"))?
                    }
                    _ => return Err(corrupt("stores.lat/lng")),
                },
                address: self.address.ok_or_else(|| corrupt("stores.address"))?,
                hours: self
                    .hours
                    .as_deref()
                    .map(|h| OpeningHours::parse(h).ok_or_else(|| corrupt("stores.hours")))
                    .transpose()?,
                closing: self
                    .closing_days
                    .as_deref()
                    .map(|c| ClosingDays::parse(c).ok_or_else(|| corrupt("stores.closing_days")))
                    .transpose()?,
            },
            StoreKind::Online => NewStoreSite::Online(
                MallTerms::new(
                    self.delivery_fee_krw
                        .ok_or_else(|| corrupt("stores.delivery_fee_krw"))?,
                    self.free_delivery_threshold_krw,
                    self.min_order_krw
                        .ok_or_else(|| corrupt("stores.min_order_krw"))?,
                    self.checkout_url
                        .as_deref()
                        .ok_or_else(|| corrupt("stores.checkout_url"))?,
                )
                .map_err(|_| corrupt("stores (mall terms)"))?,
            ),
        };
        Store::new(NewStore {
            id: self.id,
            chain: self.chain,
            name: self.name,
            site,
        })
        .map_err(|e| corrupt(&format!("stores.{}", e.field)))
    }
}

/// Aliases are kept as one newline-separated text (they hold no control characters).
const ALIAS_SEPARATOR: char = '\n';

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = products, check_for_backend(crate::dialect::Db))]
pub(crate) struct ProductRow {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub aliases: String,
    pub category: String,
    pub unit: String,
    pub size: i64,
    pub barcode: Option<String>,
}

impl ProductRow {
    pub fn from_domain(p: &Product) -> Self {
        Self {
            id: p.id().to_string(),
            name: p.name().to_owned(),
            name_en: p.name_en().map(str::to_owned),
            aliases: p.aliases().join(&ALIAS_SEPARATOR.to_string()),
            category: p.category().to_owned(),
            unit: p.unit().as_str().to_owned(),
            size: i64::from(p.size()),
            barcode: p.barcode().map(str::to_owned),
        }
    }

    pub fn into_domain(self) -> Result<Product, RepoError> {
        Product::new(NewProduct {
            id: self.id,
            name: self.name,
            name_en: self.name_en,
            aliases: self
                .aliases
                .split(ALIAS_SEPARATOR)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            category: self.category,
            unit: Unit::parse(&self.unit).ok_or_else(|| corrupt("products.unit"))?,
            size: u32::try_from(self.size).map_err(|_| corrupt("products.size"))?,
            barcode: self.barcode,
        })
        .map_err(|e| corrupt(&format!("products.{}", e.field)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = offers, check_for_backend(crate::dialect::Db))]
pub(crate) struct OfferRow {
    pub store_id: String,
    pub product_id: String,
    pub observed_at: Instant,
    pub price_krw: i64,
    pub in_stock: bool,
    pub discounted: bool,
    pub flagged_outlier: bool,
    pub source: String,
}

impl OfferRow {
    pub fn from_domain(o: &Offer) -> Self {
        Self {
            store_id: o.store_id.to_string(),
            product_id: o.product_id.to_string(),
            observed_at: to_db_time(o.observed_at),
            price_krw: o.price.krw(),
            in_stock: o.in_stock,
            discounted: o.discounted,
            flagged_outlier: o.flagged_outlier,
            source: o.provenance.origin.as_str().to_owned(),
        }
    }
}

pub(crate) fn origin(column: &str, raw: &str) -> Result<PriceOrigin, RepoError> {
    PriceOrigin::parse(raw).ok_or_else(|| corrupt(column))
}

/// The current price of a (store, product): its latest observation with its
/// provenance (`current_offers`, what plans read).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = current_offers, check_for_backend(crate::dialect::Db))]
pub(crate) struct CurrentOfferRow {
    pub store_id: String,
    pub product_id: String,
    pub observed_at: Instant,
    pub price_krw: i64,
    pub in_stock: bool,
    pub discounted: bool,
    pub flagged_outlier: bool,
    pub source: String,
    pub fetched_at: Option<Instant>,
    pub discount_start: Option<String>,
    pub discount_end: Option<String>,
    pub plus_one: bool,
    pub previous_price_krw: Option<i64>,
}

impl CurrentOfferRow {
    pub fn from_domain(o: &Offer) -> Self {
        let p = &o.provenance;
        Self {
            store_id: o.store_id.to_string(),
            product_id: o.product_id.to_string(),
            observed_at: to_db_time(o.observed_at),
            price_krw: o.price.krw(),
            in_stock: o.in_stock,
            discounted: o.discounted,
            flagged_outlier: o.flagged_outlier,
            source: p.origin.as_str().to_owned(),
            fetched_at: p.fetched_at.map(to_db_time),
            discount_start: p.discount_period.map(|(a, _)| format_day(a)),
            discount_end: p.discount_period.map(|(_, b)| format_day(b)),
            plus_one: p.plus_one,
            previous_price_krw: p.previous_price.map(PriceKrw::krw),
        }
    }

    pub fn into_domain(self) -> Result<Offer, RepoError> {
        let c = "current_offers";
        let day = |v: Option<String>, col: &str| -> Result<Option<_>, RepoError> {
            v.map(|d| parse_day(&d).ok_or_else(|| corrupt(&format!("{c}.{col}"))))
                .transpose()
        };
        let discount_period = match (
            day(self.discount_start, "discount_start")?,
            day(self.discount_end, "discount_end")?,
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        Ok(Offer {
            store_id: StoreId::parse(&self.store_id)
                .map_err(|_| corrupt("current_offers.store_id"))?,
            product_id: ProductId::parse(&self.product_id)
                .map_err(|_| corrupt("current_offers.product_id"))?,
            price: PriceKrw::new(self.price_krw)
                .map_err(|_| corrupt("current_offers.price_krw"))?,
            observed_at: from_db_time("current_offers.observed_at", self.observed_at)?,
            in_stock: self.in_stock,
            discounted: self.discounted,
            flagged_outlier: self.flagged_outlier,
            provenance: Provenance {
                origin: origin("current_offers.source", &self.source)?,
                fetched_at: opt_time("current_offers.fetched_at", self.fetched_at)?,
                discount_period,
                plus_one: self.plus_one,
                previous_price: self
                    .previous_price_krw
                    .map(PriceKrw::new)
                    .transpose()
                    .map_err(|_| corrupt("current_offers.previous_price_krw"))?,
            },
        })
    }
}
