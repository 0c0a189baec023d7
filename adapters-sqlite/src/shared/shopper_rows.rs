//! Rows of the shopper's own data (basket, preferences, profile, orders) and
//! their conversion to and from domain values. As in `rows.rs`: a row that
//! does not make a valid domain value is `RepoError::Corrupt`, never a panic,
//! and messages name the column, never its content.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::basket::{
    Basket, BasketItem, BasketItemId, ItemName, ItemNote, ItemUnit, ProductRef, Quantity,
};
use ttokjang_domain::order::{
    ExternalRef, Order, OrderId, OrderLine, OrderParts, OrderSource, OrderStatus, StoreName,
};
use ttokjang_domain::preferences::{Preferences, PreferencesInput, StoredPreferences};
use ttokjang_domain::profile::{Address, Location, PhoneNumber, Profile};
use ttokjang_domain::user::{DisplayName, UserId};
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_id, from_db_time, to_db_id, to_db_time, Id, Instant};
use crate::error::corrupt;
use crate::schema::{basket_items, baskets, order_lines, orders, preferences, profiles};

fn int(column: &str, v: i64) -> Result<i32, RepoError> {
    i32::try_from(v).map_err(|_| corrupt(column))
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = baskets, check_for_backend(crate::dialect::Db))]
pub(crate) struct BasketRow {
    pub user_id: Id,
    pub version: i64,
    pub updated_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = basket_items, check_for_backend(crate::dialect::Db))]
pub(crate) struct BasketItemRow {
    pub user_id: Id,
    pub id: Id,
    pub position: i32,
    pub product_id: Option<String>,
    pub name: String,
    pub quantity: i32,
    pub unit: Option<String>,
    pub note: Option<String>,
}

impl BasketItemRow {
    pub fn from_domain(user: UserId, position: usize, i: &BasketItem) -> Result<Self, RepoError> {
        Ok(Self {
            user_id: to_db_id(user.0),
            id: to_db_id(i.id.0),
            position: i32::try_from(position).map_err(|_| corrupt("basket_items.position"))?,
            product_id: i.product_id.as_ref().map(|p| p.as_str().to_owned()),
            name: i.name.as_str().to_owned(),
            quantity: int("basket_items.quantity", i.quantity.get())?,
            unit: i.unit.as_ref().map(|u| u.as_str().to_owned()),
            note: i.note.as_ref().map(|n| n.as_str().to_owned()),
        })
    }

    fn into_domain(self) -> Result<BasketItem, RepoError> {
        let c = |col: &'static str| move |_| corrupt(col);
        Ok(BasketItem {
            id: BasketItemId(from_db_id("basket_items.id", &self.id)?),
            product_id: self
                .product_id
                .as_deref()
                .map(ProductRef::parse)
                .transpose()
                .map_err(c("basket_items.product_id"))?,
            name: ItemName::parse(&self.name).map_err(c("basket_items.name"))?,
            quantity: Quantity::new(i64::from(self.quantity))
                .map_err(c("basket_items.quantity"))?,
            unit: ItemUnit::parse(self.unit.as_deref()).map_err(c("basket_items.unit"))?,
            note: ItemNote::parse(self.note.as_deref()).map_err(c("basket_items.note"))?,
        })
    }
}

/// A stored basket from its head row (absent: never stored) and lines.
pub(crate) fn basket(
    user: UserId,
    head: Option<BasketRow>,
    items: Vec<BasketItemRow>,
) -> Result<Basket, RepoError> {
    let Some(head) = head else {
        return Ok(Basket::empty(user));
    };
    let items = items
        .into_iter()
        .map(BasketItemRow::into_domain)
        .collect::<Result<Vec<_>, _>>()?;
    Basket::new(
        user,
        items,
        Some(from_db_time("baskets.updated_at", head.updated_at)?),
        head.version,
    )
    .map_err(|_| corrupt("basket_items"))
}

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = preferences, primary_key(user_id), check_for_backend(crate::dialect::Db))]
pub(crate) struct PreferencesRow {
    pub user_id: Id,
    pub max_stores: i32,
    pub max_distance_m: i32,
    pub travel_cost_krw_per_km: i32,
    pub preferred_chains: String,
    pub excluded_chains: String,
    pub default_mode: String,
    pub travel_mode: String,
    pub max_travel_minutes: i32,
    pub updated_at: Instant,
    pub value_of_time_krw_per_hour: i32,
    pub minutes_per_stop: i32,
}

/// Chain names hold no control characters, so a newline separates them.
fn join(chains: &[ttokjang_domain::preferences::ChainName]) -> String {
    chains
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn split(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split('\n').map(str::to_owned).collect()
    }
}

impl PreferencesRow {
    pub fn from_domain(user: UserId, p: &Preferences, now: DateTime<Utc>) -> Self {
        Self {
            user_id: to_db_id(user.0),
            max_stores: i32::from(p.max_stores),
            max_distance_m: i32::try_from(p.max_distance_m).unwrap_or(i32::MAX),
            travel_cost_krw_per_km: i32::try_from(p.travel_cost_krw_per_km).unwrap_or(i32::MAX),
            preferred_chains: join(&p.preferred_chains),
            excluded_chains: join(&p.excluded_chains),
            default_mode: p.default_mode.as_str().to_owned(),
            travel_mode: p.travel_mode.as_str().to_owned(),
            max_travel_minutes: i32::from(p.max_travel_minutes),
            updated_at: to_db_time(now),
            value_of_time_krw_per_hour: i32::try_from(p.value_of_time_krw_per_hour)
                .unwrap_or(i32::MAX),
            minutes_per_stop: i32::from(p.minutes_per_stop),
        }
    }

    pub fn into_domain(self) -> Result<StoredPreferences, RepoError> {
        let preferences = Preferences::restore(PreferencesInput {
            max_stores: Some(i64::from(self.max_stores)),
            max_distance_m: Some(i64::from(self.max_distance_m)),
            travel_cost_krw_per_km: Some(i64::from(self.travel_cost_krw_per_km)),
            preferred_chains: Some(split(&self.preferred_chains)),
            excluded_chains: Some(split(&self.excluded_chains)),
            default_mode: Some(self.default_mode),
            travel_mode: Some(self.travel_mode),
            max_travel_minutes: Some(i64::from(self.max_travel_minutes)),
            value_of_time_krw_per_hour: Some(i64::from(self.value_of_time_krw_per_hour)),
            minutes_per_stop: Some(i64::from(self.minutes_per_stop)),
        })?;
        Ok(StoredPreferences {
            preferences,
            updated_at: Some(from_db_time("preferences.updated_at", self.updated_at)?),
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = profiles, primary_key(user_id), treat_none_as_null = true, check_for_backend(crate::dialect::Db))]
pub(crate) struct ProfileRow {
    pub user_id: Id,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub updated_at: Instant,
}

impl ProfileRow {
    pub fn from_domain(user: UserId, p: &Profile, now: DateTime<Utc>) -> Self {
        Self {
            user_id: to_db_id(user.0),
            phone: p.phone.as_ref().map(|x| x.as_str().to_owned()),
            address: p.address.as_ref().map(|x| x.as_str().to_owned()),
            lat: p.location.map(Location::lat),
            lng: p.location.map(Location::lng),
            updated_at: to_db_time(now),
        }
    }
}

/// The profile from the account's display name and the profile row, if any.
pub(crate) fn profile(display_name: &str, row: Option<ProfileRow>) -> Result<Profile, RepoError> {
    let display_name =
        DisplayName::parse(display_name).map_err(|_| corrupt("users.display_name"))?;
    let Some(row) = row else {
        return Ok(Profile {
            display_name,
            phone: None,
            address: None,
            location: None,
            updated_at: None,
        });
    };
    let location = match (row.lat, row.lng) {
        (Some(lat), Some(lng)) => {
            Some(Location::new(lat, lng).map_err(|_| corrupt("profiles.lat"))?)
        }
        (None, None) => None,
        _ => return Err(corrupt("profiles.lng")),
    };
    Ok(Profile {
        display_name,
        phone: row
            .phone
            .as_deref()
            .map(PhoneNumber::parse)
            .transpose()
            .map_err(|_| corrupt("profiles.phone"))?,
        address: Address::parse(row.address.as_deref()).map_err(|_| corrupt("profiles.address"))?,
        location,
        updated_at: Some(from_db_time("profiles.updated_at", row.updated_at)?),
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = orders, check_for_backend(crate::dialect::Db))]
pub(crate) struct OrderRow {
    pub id: Id,
    pub user_id: Id,
    pub source: String,
    pub plan_request_id: Option<String>,
    pub plan_id: Option<String>,
    pub status: String,
    pub goods_krw: i64,
    pub fees_krw: i64,
    pub total_krw: i64,
    pub created_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = order_lines, check_for_backend(crate::dialect::Db))]
pub(crate) struct OrderLineRow {
    pub order_id: Id,
    pub position: i32,
    pub name: String,
    pub product_id: Option<String>,
    pub store_id: Option<String>,
    pub store_name: Option<String>,
    pub quantity: i32,
    pub unit_price_krw: i64,
    pub subtotal_krw: i64,
    pub checked: bool,
}

/// An order as its head row and its lines in order.
pub(crate) fn order_rows(o: &Order) -> Result<(OrderRow, Vec<OrderLineRow>), RepoError> {
    let head = OrderRow {
        id: to_db_id(o.id.0),
        user_id: to_db_id(o.user_id.0),
        source: o.source.as_str().to_owned(),
        plan_request_id: o.plan_request_id.as_ref().map(|r| r.as_str().to_owned()),
        plan_id: o.plan_id.as_ref().map(|r| r.as_str().to_owned()),
        status: o.status.as_str().to_owned(),
        goods_krw: o.goods_krw,
        fees_krw: o.fees_krw,
        total_krw: o.total_krw,
        created_at: to_db_time(o.created_at),
    };
    let lines = o
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            Ok(OrderLineRow {
                order_id: head.id.clone(),
                position: i32::try_from(n).map_err(|_| corrupt("order_lines.position"))?,
                name: l.name.as_str().to_owned(),
                product_id: l.product_id.as_ref().map(|p| p.as_str().to_owned()),
                store_id: l.store_id.as_ref().map(|s| s.as_str().to_owned()),
                store_name: l.store_name.as_ref().map(|s| s.as_str().to_owned()),
                quantity: int("order_lines.quantity", l.quantity.get())?,
                unit_price_krw: l.unit_price_krw,
                subtotal_krw: l.subtotal_krw,
                checked: l.checked,
            })
        })
        .collect::<Result<Vec<_>, RepoError>>()?;
    Ok((head, lines))
}

fn order_line(row: OrderLineRow) -> Result<OrderLine, RepoError> {
    let c = |col: &'static str| move |_| corrupt(col);
    Ok(OrderLine {
        name: ItemName::parse(&row.name).map_err(c("order_lines.name"))?,
        product_id: row
            .product_id
            .as_deref()
            .map(ProductRef::parse)
            .transpose()
            .map_err(c("order_lines.product_id"))?,
        store_id: row
            .store_id
            .as_deref()
            .map(|s| ExternalRef::parse("store_id", s))
            .transpose()
            .map_err(c("order_lines.store_id"))?,
        store_name: StoreName::parse(row.store_name.as_deref())
            .map_err(c("order_lines.store_name"))?,
        quantity: Quantity::new(i64::from(row.quantity)).map_err(c("order_lines.quantity"))?,
        unit_price_krw: row.unit_price_krw,
        subtotal_krw: row.subtotal_krw,
        checked: row.checked,
    })
}

/// An order from its head row and its lines (sorted by position).
pub(crate) fn order(head: OrderRow, mut lines: Vec<OrderLineRow>) -> Result<Order, RepoError> {
    lines.sort_by_key(|l| l.position);
    let reference = |col: &'static str, v: Option<String>| {
        v.as_deref()
            .map(|s| ExternalRef::parse(col, s))
            .transpose()
            .map_err(|_| corrupt(col))
    };
    Order::restore(OrderParts {
        id: OrderId(from_db_id("orders.id", &head.id)?),
        user_id: UserId(from_db_id("orders.user_id", &head.user_id)?),
        source: OrderSource::parse(&head.source).ok_or_else(|| corrupt("orders.source"))?,
        plan_request_id: reference("orders.plan_request_id", head.plan_request_id)?,
        plan_id: reference("orders.plan_id", head.plan_id)?,
        status: OrderStatus::parse(&head.status).ok_or_else(|| corrupt("orders.status"))?,
        lines: lines
            .into_iter()
            .map(order_line)
            .collect::<Result<Vec<_>, _>>()?,
        goods_krw: head.goods_krw,
        fees_krw: head.fees_krw,
        total_krw: head.total_krw,
        created_at: from_db_time("orders.created_at", head.created_at)?,
    })
}
