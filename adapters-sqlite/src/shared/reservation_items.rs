//! A reservation's own item list (`planned_items`) in `reservation_items`,
//! one row per line by position. No rows: the reservation plans the live
//! basket. Always written inside the transaction that writes the reservation
//! (create, update), so a reservation is never seen with half a list.

use std::collections::HashMap;

use diesel::prelude::*;
use ttokjang_domain::reservation::items::from_stored;
use ttokjang_domain::reservation::{PlannedItem, Reservation};

use crate::dialect::{Conn, Id};
use crate::error::{corrupt, Failure};
use crate::schema::reservation_items;
use crate::shared::reservations::ReservationRow;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = reservation_items, check_for_backend(crate::dialect::Db))]
struct ItemRow {
    reservation_id: Id,
    position: i32,
    product_id: Option<String>,
    name: String,
    quantity: i32,
}

impl ItemRow {
    fn into_domain(self) -> Result<PlannedItem, Failure> {
        from_stored(
            self.product_id.as_deref(),
            &self.name,
            i64::from(self.quantity),
        )
        .ok_or_else(|| corrupt("reservation_items").into())
    }
}

/// Replaces the reservation's lines with `items` (none for `None`). Call it
/// inside the transaction that writes the reservation.
pub(crate) fn write_items(
    conn: &mut Conn,
    reservation: &Id,
    items: Option<&[PlannedItem]>,
) -> Result<(), Failure> {
    use reservation_items::dsl as i;
    diesel::delete(reservation_items::table.filter(i::reservation_id.eq(reservation)))
        .execute(conn)?;
    let rows: Vec<ItemRow> = items
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(n, item)| ItemRow {
            reservation_id: reservation.clone(),
            position: i32::try_from(n).unwrap_or(i32::MAX),
            product_id: item.product_id.as_ref().map(|p| p.as_str().to_owned()),
            name: item.name.as_str().to_owned(),
            quantity: i32::try_from(item.quantity.get()).unwrap_or(i32::MAX),
        })
        .collect();
    // One row per statement: SQLite's diesel backend cannot batch inserts.
    for row in &rows {
        diesel::insert_into(reservation_items::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The stored lines of these reservations, in position order; a reservation
/// without lines is absent from the map.
pub(crate) fn load_items(
    conn: &mut Conn,
    reservations: &[Id],
) -> Result<HashMap<Id, Vec<PlannedItem>>, Failure> {
    use reservation_items::dsl as i;
    let mut out: HashMap<Id, Vec<PlannedItem>> = HashMap::new();
    if reservations.is_empty() {
        return Ok(out);
    }
    let rows: Vec<ItemRow> = reservation_items::table
        .filter(i::reservation_id.eq_any(reservations.to_vec()))
        .order((i::reservation_id.asc(), i::position.asc()))
        .select(ItemRow::as_select())
        .load(conn)?;
    for row in rows {
        let id = row.reservation_id.clone();
        out.entry(id).or_default().push(row.into_domain()?);
    }
    Ok(out)
}

/// Reservation rows as domain values, each with its own lines.
pub(crate) fn with_items(
    conn: &mut Conn,
    rows: Vec<ReservationRow>,
) -> Result<Vec<Reservation>, Failure> {
    let ids: Vec<Id> = rows.iter().map(|r| r.id.clone()).collect();
    let mut items = load_items(conn, &ids)?;
    rows.into_iter()
        .map(|row| {
            let lines = items.remove(&row.id);
            let mut r = row.into_domain()?;
            r.planned_items = lines;
            Ok(r)
        })
        .collect()
}
