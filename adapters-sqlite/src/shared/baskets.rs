use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::basket::Basket;
use ttokjang_domain::ports::{BasketRepository, SaveBasketError};
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;

use crate::dialect::{read_tx, to_db_id, to_db_time, write_tx, DbStore};
use crate::schema::{basket_items, baskets};
use crate::shopper_rows::{basket, BasketItemRow, BasketRow};

#[async_trait]
impl BasketRepository for DbStore {
    async fn get(&self, user: UserId) -> Result<Basket, RepoError> {
        let uid = to_db_id(user.0);
        let (head, items) = self
            .run(move |conn| {
                // One read transaction: the head and the lines of one version.
                read_tx(conn, |conn| {
                    let head = baskets::table
                        .find(&uid)
                        .select(BasketRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    let items = basket_items::table
                        .filter(basket_items::user_id.eq(&uid))
                        .order(basket_items::position.asc())
                        .select(BasketItemRow::as_select())
                        .load(conn)?;
                    Ok((head, items))
                })
            })
            .await?;
        basket(user, head, items)
    }

    async fn save(
        &self,
        b: &Basket,
        expected_version: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Basket, SaveBasketError> {
        let user = b.user_id;
        let uid = to_db_id(user.0);
        let rows = b
            .items()
            .iter()
            .enumerate()
            .map(|(n, i)| BasketItemRow::from_domain(user, n, i))
            .collect::<Result<Vec<_>, _>>()?;
        let stamp = to_db_time(now);
        let written = rows.clone();
        let version = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let head = BasketRow {
                        user_id: uid.clone(),
                        version: 1,
                        updated_at: stamp,
                    };
                    // The compare-and-set: only one writer per version gets a row back.
                    let version: Option<i64> = match expected_version {
                        Some(0) => diesel::insert_into(baskets::table)
                            .values(&head)
                            .on_conflict_do_nothing()
                            .returning(baskets::version)
                            .get_result(conn)
                            .optional()?,
                        Some(v) => {
                            diesel::update(baskets::table.find(&uid).filter(baskets::version.eq(v)))
                                .set((
                                    baskets::version.eq(baskets::version + 1),
                                    baskets::updated_at.eq(stamp),
                                ))
                                .returning(baskets::version)
                                .get_result(conn)
                                .optional()?
                        }
                        None => Some(
                            diesel::insert_into(baskets::table)
                                .values(&head)
                                .on_conflict(baskets::user_id)
                                .do_update()
                                .set((
                                    baskets::version.eq(baskets::version + 1),
                                    baskets::updated_at.eq(stamp),
                                ))
                                .returning(baskets::version)
                                .get_result(conn)?,
                        ),
                    };
                    let Some(version) = version else {
                        return Ok(None);
                    };
                    diesel::delete(basket_items::table.filter(basket_items::user_id.eq(&uid)))
                        .execute(conn)?;
                    if !written.is_empty() {
                        diesel::insert_into(basket_items::table)
                            .values(&written)
                            .execute(conn)?;
                    }
                    Ok(Some(version))
                })
            })
            .await
            .map_err(|f| SaveBasketError::Repo(f.into()))?
            .ok_or(SaveBasketError::Stale)?;
        let head = BasketRow {
            user_id: to_db_id(user.0),
            version,
            updated_at: stamp,
        };
        Ok(basket(user, Some(head), rows)?)
    }
}
