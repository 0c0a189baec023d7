use std::collections::HashMap;

use async_trait::async_trait;
use diesel::prelude::*;
use ttokjang_domain::order::{LineCheck, Order, OrderCursor, OrderId};
use ttokjang_domain::ports::{CreatedOrder, OrderRepository};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{locked, to_db_id, to_db_time, write_tx, Conn, DbStore, Id};
use crate::error::Failure;
use crate::schema::{order_lines, orders};
use crate::shopper_rows::{order, order_rows, OrderLineRow, OrderRow};

fn lines_of(conn: &mut Conn, ids: &[Id]) -> QueryResult<HashMap<Id, Vec<OrderLineRow>>> {
    let rows = order_lines::table
        .filter(order_lines::order_id.eq_any(ids))
        .order((order_lines::order_id, order_lines::position))
        .select(OrderLineRow::as_select())
        .load(conn)?;
    let mut by_order: HashMap<Id, Vec<OrderLineRow>> = HashMap::new();
    for r in rows {
        by_order.entry(r.order_id.clone()).or_default().push(r);
    }
    Ok(by_order)
}

/// The positions to tick and to untick; of several changes of one line the
/// last counts.
fn split_checks(checks: &[LineCheck]) -> (Vec<i32>, Vec<i32>) {
    let last: std::collections::BTreeMap<u32, bool> =
        checks.iter().map(|c| (c.line, c.checked)).collect();
    let (mut ticked, mut unticked) = (Vec::new(), Vec::new());
    for (line, checked) in last {
        let Ok(position) = i32::try_from(line) else {
            continue;
        };
        if checked {
            ticked.push(position);
        } else {
            unticked.push(position);
        }
    }
    (ticked, unticked)
}

fn assemble(
    heads: Vec<OrderRow>,
    mut lines: HashMap<Id, Vec<OrderLineRow>>,
) -> Result<Vec<Order>, RepoError> {
    heads
        .into_iter()
        .map(|h| {
            let l = lines.remove(&h.id).unwrap_or_default();
            order(h, l)
        })
        .collect()
}

#[async_trait]
impl OrderRepository for DbStore {
    async fn create(&self, o: &Order) -> Result<CreatedOrder, RepoError> {
        let (head, lines) = order_rows(o)?;
        let (found, created) = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    // Idempotent per (user, plan request): the unique key decides.
                    let inserted = diesel::insert_into(orders::table)
                        .values(&head)
                        .on_conflict((orders::user_id, orders::plan_request_id))
                        .do_nothing()
                        .execute(conn)?;
                    if inserted == 1 {
                        diesel::insert_into(order_lines::table)
                            .values(&lines)
                            .execute(conn)?;
                        return Ok(((head, lines), true));
                    }
                    let existing: OrderRow = orders::table
                        .filter(orders::user_id.eq(&head.user_id))
                        .filter(orders::plan_request_id.eq(&head.plan_request_id))
                        .select(OrderRow::as_select())
                        .get_result(conn)?;
                    let l = lines_of(conn, std::slice::from_ref(&existing.id))?
                        .remove(&existing.id)
                        .unwrap_or_default();
                    Ok(((existing, l), false))
                })
            })
            .await?;
        Ok(CreatedOrder {
            order: order(found.0, found.1)?,
            created,
        })
    }

    async fn find(&self, user: UserId, order_id: OrderId) -> Result<Option<Order>, RepoError> {
        let (uid, oid) = (to_db_id(user.0), to_db_id(order_id.0));
        let found = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    let head: Option<OrderRow> = orders::table
                        .find(&oid)
                        .filter(orders::user_id.eq(&uid))
                        .select(OrderRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    let Some(head) = head else {
                        return Ok(None);
                    };
                    let lines = lines_of(conn, std::slice::from_ref(&head.id))?;
                    Ok(Some((head, lines)))
                })
            })
            .await?;
        match found {
            None => Ok(None),
            Some((head, lines)) => Ok(assemble(vec![head], lines)?.pop()),
        }
    }

    async fn set_checked(
        &self,
        user: UserId,
        order_id: OrderId,
        checks: &[LineCheck],
    ) -> Result<Option<Order>, RepoError> {
        let (uid, oid) = (to_db_id(user.0), to_db_id(order_id.0));
        let (ticked, unticked) = split_checks(checks);
        let found = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let head: Option<OrderRow> = locked!(orders::table
                        .find(&oid)
                        .filter(orders::user_id.eq(&uid))
                        .select(OrderRow::as_select()))
                    .get_result(conn)
                    .optional()?;
                    let Some(head) = head else {
                        return Ok(None);
                    };
                    for (positions, checked) in [(&ticked, true), (&unticked, false)] {
                        if positions.is_empty() {
                            continue;
                        }
                        diesel::update(
                            order_lines::table
                                .filter(order_lines::order_id.eq(&head.id))
                                .filter(order_lines::position.eq_any(positions)),
                        )
                        .set(order_lines::checked.eq(checked))
                        .execute(conn)?;
                    }
                    let lines = lines_of(conn, std::slice::from_ref(&head.id))?;
                    Ok(Some((head, lines)))
                })
            })
            .await?;
        match found {
            None => Ok(None),
            Some((head, lines)) => Ok(assemble(vec![head], lines)?.pop()),
        }
    }

    async fn list(
        &self,
        user: UserId,
        after: Option<OrderCursor>,
        limit: u32,
    ) -> Result<Vec<Order>, RepoError> {
        let uid = to_db_id(user.0);
        let after = after.map(|c| (to_db_time(c.created_at), to_db_id(c.id.0)));
        let (heads, lines) = self
            .run(move |conn| {
                conn.transaction::<_, Failure, _>(|conn| {
                    let mut q = orders::table
                        .filter(orders::user_id.eq(&uid))
                        .select(OrderRow::as_select())
                        .order((orders::created_at.desc(), orders::id.desc()))
                        .limit(i64::from(limit))
                        .into_boxed();
                    if let Some((t, oid)) = after {
                        q = q.filter(
                            orders::created_at
                                .lt(t)
                                .or(orders::created_at.eq(t).and(orders::id.lt(oid))),
                        );
                    }
                    let heads: Vec<OrderRow> = q.load(conn)?;
                    let ids: Vec<Id> = heads.iter().map(|h| h.id.clone()).collect();
                    let lines = lines_of(conn, &ids)?;
                    Ok((heads, lines))
                })
            })
            .await?;
        assemble(heads, lines)
    }
}
