use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::upsert::excluded;
use ttokjang_domain::catalog::search::{rank, ProductQuery};
use ttokjang_domain::catalog::{
    lows_of, nearest, CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, PriceKrw,
    PriceLow, PricePoint, Product, ProductId, Store, StoreId,
};
use ttokjang_domain::ports::CatalogRepository;
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_time, in_batches, to_db_time, write_tx, Conn, DbStore};
use crate::error::{corrupt, Failure};
use crate::rows::{origin, CurrentOfferRow, OfferRow, ProductRow, StoreRow};
use crate::schema::{current_offers, offers, products, stores};

diesel::define_sql_function! {
    /// SQL `COALESCE` of two nullable texts (the same on both databases).
    fn coalesce(
        x: diesel::sql_types::Nullable<diesel::sql_types::Text>,
        y: diesel::sql_types::Nullable<diesel::sql_types::Text>
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

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
    /// The offers as current prices, in generations: a (store, product)
    /// observed k times in the batch has its k-th observation (by time) in
    /// generation k, so each statement names a pair once and the batch is
    /// applied in time order.
    current: Vec<Vec<CurrentOfferRow>>,
}

fn generations(offers: &[Offer]) -> Vec<Vec<CurrentOfferRow>> {
    let mut sorted: Vec<&Offer> = offers.iter().collect();
    sorted.sort_by_key(|o| o.observed_at);
    let mut seen: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    let mut gens: Vec<Vec<CurrentOfferRow>> = Vec::new();
    for o in sorted {
        let n = seen
            .entry((o.store_id.as_str(), o.product_id.as_str()))
            .or_insert(0);
        if gens.len() <= *n {
            gens.push(Vec::new());
        }
        gens[*n].push(CurrentOfferRow::from_domain(o));
        *n += 1;
    }
    gens
}

impl CatalogRows {
    pub(crate) fn of(batch: &CatalogBatch) -> Self {
        Self {
            stores: batch.stores.iter().map(StoreRow::from_domain).collect(),
            products: batch.products.iter().map(ProductRow::from_domain).collect(),
            offers: batch.offers.iter().map(OfferRow::from_domain).collect(),
            current: generations(&batch.offers),
        }
    }

    /// Upserts the rows inside the caller's transaction.
    pub(crate) fn write(&self, conn: &mut Conn) -> Result<(), Failure> {
        write_catalog(conn, &self.stores, &self.products, &self.offers)?;
        for generation in &self.current {
            write_current(conn, generation)?;
        }
        Ok(())
    }
}

/// Upserts current prices: an observation replaces the current one only when
/// it is not older (an older survey arriving later is kept in the history
/// only); a newer one keeps the replaced price as `previous_price_krw`.
fn write_current(conn: &mut Conn, rows: &[CurrentOfferRow]) -> Result<(), Failure> {
    use current_offers::dsl as c;
    in_batches!(rows, |rows| {
        let upsert = diesel::insert_into(current_offers::table)
            .values(rows)
            .on_conflict((c::store_id, c::product_id))
            .do_update()
            .set((
                c::previous_price_krw.eq(case_when(
                    excluded(c::observed_at).gt(c::observed_at),
                    c::price_krw.nullable(),
                )
                .otherwise(c::previous_price_krw)),
                c::observed_at.eq(excluded(c::observed_at)),
                c::price_krw.eq(excluded(c::price_krw)),
                c::in_stock.eq(excluded(c::in_stock)),
                c::discounted.eq(excluded(c::discounted)),
                c::flagged_outlier.eq(excluded(c::flagged_outlier)),
                c::source.eq(excluded(c::source)),
                c::fetched_at.eq(excluded(c::fetched_at)),
                c::discount_start.eq(excluded(c::discount_start)),
                c::discount_end.eq(excluded(c::discount_end)),
                c::plus_one.eq(excluded(c::plus_one)),
            ));
        // ON CONFLICT … DO UPDATE … WHERE: never replace a newer observation.
        diesel::query_dsl::methods::FilterDsl::filter(
            upsert,
            excluded(c::observed_at).ge(c::observed_at),
        )
        .execute(conn)?;
    });
    Ok(())
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
                // An import that does not know the hours or closing days
                // (참가격, most CSVs) keeps the ones already stored.
                stores::hours.eq(coalesce(excluded(stores::hours), stores::hours)),
                stores::closing_days.eq(coalesce(
                    excluded(stores::closing_days),
                    stores::closing_days,
                )),
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
                offers::source.eq(excluded(offers::source)),
            ))
            .execute(conn)?;
    });
    Ok(())
}

impl DbStore {
    /// Every store of this kind (`offline` or `online`), by id.
    async fn stores_of_kind(&self, kind: &'static str) -> Result<Vec<Store>, RepoError> {
        let rows = self
            .run(move |conn| {
                Ok(stores::table
                    .filter(stores::kind.eq(kind))
                    .order(stores::id)
                    .select(StoreRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(StoreRow::into_domain).collect()
    }
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

    async fn list_offline_stores(&self) -> Result<Vec<Store>, RepoError> {
        self.stores_of_kind("offline").await
    }

    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError> {
        self.stores_of_kind("online").await
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
                Ok(current_offers::table
                    .filter(current_offers::product_id.eq_any(pids))
                    .filter(current_offers::store_id.eq_any(sids))
                    .order((current_offers::product_id, current_offers::store_id))
                    .select(CurrentOfferRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(CurrentOfferRow::into_domain).collect()
    }

    async fn price_history(
        &self,
        product: &ProductId,
        since: DateTime<Utc>,
    ) -> Result<Vec<PricePoint>, RepoError> {
        let (product, since) = (product.to_string(), to_db_time(since));
        let rows = self
            .run(move |conn| {
                Ok(offers::table
                    .filter(offers::product_id.eq(product))
                    .filter(offers::observed_at.ge(since))
                    .order((offers::store_id, offers::observed_at))
                    .select(OfferRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(PricePoint {
                    store_id: StoreId::parse(&r.store_id)
                        .map_err(|_| corrupt("offers.store_id"))?,
                    price: PriceKrw::new(r.price_krw).map_err(|_| corrupt("offers.price_krw"))?,
                    observed_at: from_db_time("offers.observed_at", r.observed_at)?,
                    discounted: r.discounted,
                    origin: origin("offers.source", &r.source)?,
                })
            })
            .collect()
    }

    async fn price_lows(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
        since: DateTime<Utc>,
    ) -> Result<Vec<PriceLow>, RepoError> {
        if product_ids.is_empty() || store_ids.is_empty() {
            return Ok(Vec::new());
        }
        let pids: Vec<String> = product_ids.iter().map(ToString::to_string).collect();
        let sids: Vec<String> = store_ids.iter().map(ToString::to_string).collect();
        let since = to_db_time(since);
        let rows: Vec<(String, String, i64)> = self
            .run(move |conn| {
                Ok(offers::table
                    .filter(offers::product_id.eq_any(pids))
                    .filter(offers::store_id.eq_any(sids))
                    .filter(offers::observed_at.ge(since))
                    .select((offers::product_id, offers::store_id, offers::price_krw))
                    .load(conn)?)
            })
            .await?;
        let points = rows
            .into_iter()
            .map(|(p, s, krw)| {
                Ok((
                    ProductId::parse(&p).map_err(|_| corrupt("offers.product_id"))?,
                    StoreId::parse(&s).map_err(|_| corrupt("offers.store_id"))?,
                    PriceKrw::new(krw).map_err(|_| corrupt("offers.price_krw"))?,
                ))
            })
            .collect::<Result<Vec<_>, RepoError>>()?;
        Ok(lows_of(points))
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
        // History and current prices alike (the same path as upsert_catalog).
        let rows = CatalogRows {
            stores: Vec::new(),
            products: Vec::new(),
            offers: offers.iter().map(OfferRow::from_domain).collect(),
            current: generations(offers),
        };
        self.run(move |conn| write_tx(conn, |conn| rows.write(conn)))
            .await
            .map_err(Into::into)
    }
}
