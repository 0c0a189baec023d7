use async_trait::async_trait;
use diesel::prelude::*;
use diesel::upsert::excluded;
use ttokjang_domain::catalog::search::{rank, ProductQuery};
use ttokjang_domain::catalog::{
    latest_offers, nearest, CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product,
    ProductId, Store, StoreId,
};
use ttokjang_domain::ports::CatalogRepository;
use ttokjang_domain::RepoError;

use crate::dialect::{in_batches, write_tx, Conn, DbStore};
use crate::error::Failure;
use crate::rows::{OfferRow, ProductRow, StoreRow};
use crate::schema::{offers, products, stores};

fn count(n: i64) -> Result<u64, Failure> {
    u64::try_from(n).map_err(|_| Failure::Repo(RepoError::Corrupt("negative count".into())))
}

fn counts(conn: &mut Conn) -> Result<CatalogCounts, Failure> {
    Ok(CatalogCounts {
        stores: count(stores::table.count().get_result(conn)?)?,
        products: count(products::table.count().get_result(conn)?)?,
        offers: count(offers::table.count().get_result(conn)?)?,
    })
}

/// A [`CatalogBatch`] as rows, built before the blocking closure (shared by
/// `upsert_catalog` and the price sync's `complete`).
pub(crate) struct CatalogRows {
    stores: Vec<StoreRow>,
    products: Vec<ProductRow>,
    offers: Vec<OfferRow>,
}

impl CatalogRows {
    pub(crate) fn of(batch: &CatalogBatch) -> Self {
        Self {
            stores: batch.stores.iter().map(StoreRow::from_domain).collect(),
            products: batch.products.iter().map(ProductRow::from_domain).collect(),
            offers: batch.offers.iter().map(OfferRow::from_domain).collect(),
        }
    }

    /// Upserts the rows inside the caller's transaction.
    pub(crate) fn write(&self, conn: &mut Conn) -> Result<(), Failure> {
        write_catalog(conn, &self.stores, &self.products, &self.offers)
    }
}

fn write_catalog(
    conn: &mut Conn,
    store_rows: &[StoreRow],
    product_rows: &[ProductRow],
    offer_rows: &[OfferRow],
) -> Result<(), Failure> {
    in_batches!(store_rows, |rows| {
        diesel::insert_into(stores::table)
            .values(rows)
            .on_conflict(stores::id)
            .do_update()
            .set((
                stores::chain.eq(excluded(stores::chain)),
                stores::name.eq(excluded(stores::name)),
                stores::kind.eq(excluded(stores::kind)),
                stores::format.eq(excluded(stores::format)),
                stores::lat.eq(excluded(stores::lat)),
                stores::lng.eq(excluded(stores::lng)),
                stores::address.eq(excluded(stores::address)),
                stores::hours.eq(excluded(stores::hours)),
                stores::delivery_fee_krw.eq(excluded(stores::delivery_fee_krw)),
                stores::free_delivery_threshold_krw
                    .eq(excluded(stores::free_delivery_threshold_krw)),
                stores::min_order_krw.eq(excluded(stores::min_order_krw)),
                stores::checkout_url.eq(excluded(stores::checkout_url)),
            ))
            .execute(conn)?;
    });
    in_batches!(product_rows, |rows| {
        diesel::insert_into(products::table)
            .values(rows)
            .on_conflict(products::id)
            .do_update()
            .set((
                products::name.eq(excluded(products::name)),
                products::name_en.eq(excluded(products::name_en)),
                products::aliases.eq(excluded(products::aliases)),
                products::category.eq(excluded(products::category)),
                products::unit.eq(excluded(products::unit)),
                products::size.eq(excluded(products::size)),
                products::barcode.eq(excluded(products::barcode)),
            ))
            .execute(conn)?;
    });
    in_batches!(offer_rows, |rows| {
        diesel::insert_into(offers::table)
            .values(rows)
            .on_conflict((offers::store_id, offers::product_id, offers::observed_at))
            .do_update()
            .set((
                offers::price_krw.eq(excluded(offers::price_krw)),
                offers::in_stock.eq(excluded(offers::in_stock)),
                offers::discounted.eq(excluded(offers::discounted)),
                offers::flagged_outlier.eq(excluded(offers::flagged_outlier)),
            ))
            .execute(conn)?;
    });
    Ok(())
}

#[async_trait]
impl CatalogRepository for DbStore {
    async fn search_products(
        &self,
        query: &ProductQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Product>, RepoError> {
        // The catalog is small (hundreds to a few thousand products): load it
        // and rank in the domain, which also does the fuzzy matching.
        let rows = self
            .run(|conn| Ok(products::table.select(ProductRow::as_select()).load(conn)?))
            .await?;
        let all = rows
            .into_iter()
            .map(ProductRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rank(all, query)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }

    async fn get_products(&self, ids: &[ProductId]) -> Result<Vec<Product>, RepoError> {
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let rows = self
            .run(move |conn| {
                Ok(products::table
                    .filter(products::id.eq_any(ids))
                    .order(products::id)
                    .select(ProductRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(ProductRow::into_domain).collect()
    }

    async fn list_stores_near(
        &self,
        point: GeoPoint,
        radius_m: f64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<NearbyStore>, RepoError> {
        let (lat0, lat1, lng0, lng1) = point.bounding_box(radius_m);
        let rows = self
            .run(move |conn| {
                Ok(stores::table
                    .filter(stores::kind.eq("offline"))
                    .filter(stores::lat.between(lat0, lat1))
                    .filter(stores::lng.between(lng0, lng1))
                    .select(StoreRow::as_select())
                    .load(conn)?)
            })
            .await?;
        let found = rows
            .into_iter()
            .map(StoreRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(nearest(found, point, radius_m)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }

    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError> {
        let rows = self
            .run(|conn| {
                Ok(stores::table
                    .filter(stores::kind.eq("online"))
                    .order(stores::id)
                    .select(StoreRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(StoreRow::into_domain).collect()
    }

    async fn offers_for(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
    ) -> Result<Vec<Offer>, RepoError> {
        if product_ids.is_empty() || store_ids.is_empty() {
            return Ok(Vec::new());
        }
        let pids: Vec<String> = product_ids.iter().map(ToString::to_string).collect();
        let sids: Vec<String> = store_ids.iter().map(ToString::to_string).collect();
        let rows = self
            .run(move |conn| {
                Ok(offers::table
                    .filter(offers::product_id.eq_any(pids))
                    .filter(offers::store_id.eq_any(sids))
                    .select(OfferRow::as_select())
                    .load(conn)?)
            })
            .await?;
        let all = rows
            .into_iter()
            .map(OfferRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(latest_offers(all))
    }

    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
        let rows = CatalogRows::of(batch);
        self.run(move |conn| {
            write_tx(conn, |conn| {
                rows.write(conn)?;
                counts(conn)
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError> {
        self.run(counts).await.map_err(Into::into)
    }

    async fn write_offers(&self, offers: &[Offer]) -> Result<(), RepoError> {
        let rows: Vec<OfferRow> = offers.iter().map(OfferRow::from_domain).collect();
        self.run(move |conn| write_tx(conn, |conn| write_catalog(conn, &[], &[], &rows)))
            .await
            .map_err(Into::into)
    }
}
