//! A read-through cache in front of the catalog port.
//!
//! Plans read the same products, stores and offers over and over; the catalog
//! changes rarely (imports, sample loading). Answers are kept for `ttl` and
//! all of them are dropped when this process writes the catalog.
//!
//! Past `ttl` an answer is *stale*: the first request that meets it fetches
//! it again (like a miss), while the requests that meet it during that fetch
//! keep using the stale answer instead of all going to the database at once.
//! Past 2 × `ttl` an answer is not used at all. So an import run by another
//! process is seen once `ttl` (default 60 s) has passed and one refresh has
//! completed. A refresh that fails lets another request try after
//! [`REFRESH_GRACE`].
//!
//! Stores near a point come from an in-memory spatial index over every
//! offline store ([`StoreIndex`]), built from one look-up of the port and
//! kept like any other cached answer (TTL, stale-while-refresh, dropped on a
//! catalog write through this cache). So any point, not only one asked
//! before, is answered from memory (docs/ARCHITECTURE.md, "Store look-up").

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::{
    nearest, CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, Product, ProductId, Store,
    StoreId,
};
use ttokjang_domain::ports::CatalogRepository;
use ttokjang_domain::RepoError;

/// Entries per table before the oldest half is dropped.
const MAX_ENTRIES: usize = 20_000;

/// Cached (product, store) offer pairs before expired ones are dropped (and,
/// if that is not enough, all): ≈ 200 bytes each, so ≈ 50 MB at most. One
/// 30-line basket over the ≈ 4,700 stores within 30 km of central Seoul is
/// ≈ 140,000 pairs.
const MAX_OFFER_ENTRIES: usize = 250_000;

/// How long other requests wait on one refresh before another may try.
pub const REFRESH_GRACE: Duration = Duration::from_secs(5);

/// What to do with a cached answer of age `age`.
enum Freshness {
    Fresh,
    /// Stale but usable while someone refreshes it.
    Stale,
    Unusable,
}

fn freshness(age: Duration, ttl: Duration) -> Freshness {
    if age < ttl {
        Freshness::Fresh
    } else if age < ttl.saturating_mul(2) {
        Freshness::Stale
    } else {
        Freshness::Unusable
    }
}

/// Whether a refresh begun at `since` is still under way (as far as we know).
fn refreshing(since: Option<Instant>) -> bool {
    since.is_some_and(|t| t.elapsed() < REFRESH_GRACE)
}

struct Entry<V> {
    at: Instant,
    value: V,
    refresh_since: Option<Instant>,
}

struct Table<K, V> {
    entries: HashMap<K, Entry<V>>,
}

impl<K: Eq + Hash + Clone, V: Clone> Table<K, V> {
    fn new() -> Self {
        Self {
            entries: HashMap::new(),
        }
    }

    /// The cached answer, or `None` when the caller must fetch it (a miss,
    /// or the first caller to meet a stale answer, who becomes its refresher).
    fn get(&mut self, k: &K, ttl: Duration) -> Option<V> {
        let e = self.entries.get_mut(k)?;
        match freshness(e.at.elapsed(), ttl) {
            Freshness::Fresh => Some(e.value.clone()),
            Freshness::Stale if refreshing(e.refresh_since) => Some(e.value.clone()),
            Freshness::Stale => {
                e.refresh_since = Some(Instant::now());
                None
            }
            Freshness::Unusable => None,
        }
    }

    fn put(&mut self, k: K, v: V) {
        if self.entries.len() >= MAX_ENTRIES {
            let mut ages: Vec<Instant> = self.entries.values().map(|e| e.at).collect();
            ages.sort();
            let cut = ages[ages.len() / 2];
            self.entries.retain(|_, e| e.at > cut);
        }
        self.entries.insert(
            k,
            Entry {
                at: Instant::now(),
                value: v,
                refresh_since: None,
            },
        );
    }
}

/// Every offline store, sorted by latitude: a look-up binary-searches the
/// latitude band of the circle's bounding box, keeps the stores inside the
/// box's longitudes and within the radius (haversine), and orders them as the
/// port does (nearest first, ties by id) — the same rule as the stores' own
/// scan, so the answers are the same (`tests/contract/catalog.rs` checks it
/// against a brute-force scan on both backends).
pub struct StoreIndex {
    by_lat: Vec<(f64, f64, Store)>,
}

impl StoreIndex {
    pub fn new(stores: Vec<Store>) -> Self {
        let mut by_lat: Vec<(f64, f64, Store)> = stores
            .into_iter()
            .filter_map(|s| {
                let at = s.location()?;
                Some((at.lat(), at.lng(), s))
            })
            .collect();
        by_lat.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self { by_lat }
    }

    /// The stores within `radius_m` of `point`, nearest first (ties by id).
    pub fn near(&self, point: GeoPoint, radius_m: f64) -> Vec<NearbyStore> {
        let (lat0, lat1, lng0, lng1) = point.bounding_box(radius_m);
        let start = self.by_lat.partition_point(|e| e.0 < lat0);
        let inside: Vec<Store> = self.by_lat[start..]
            .iter()
            .take_while(|e| e.0 <= lat1)
            .filter(|e| (lng0..=lng1).contains(&e.1))
            .filter(|e| GeoPoint::new(e.0, e.1).is_ok_and(|at| point.distance_m(at) <= radius_m))
            .map(|e| e.2.clone())
            .collect();
        nearest(inside, point, radius_m)
    }
}

struct Tables {
    searches: Table<(String, usize, usize), Vec<Product>>,
    products: Table<String, Option<Product>>,
    stores: Table<(), Arc<StoreIndex>>,
    malls: Table<(), Vec<Store>>,
    offers: OfferTable,
}

/// One product's cached offers: store → (when fetched, the latest offer or
/// `None` when there is none), and whether a refresh is under way.
#[derive(Default)]
struct ProductOffers {
    by_store: HashMap<String, (Instant, Option<Offer>)>,
    refresh_since: Option<Instant>,
}

/// product → its offers. Keyed by product first so that a plan's look-ups
/// (every product of the basket × every candidate store) allocate nothing.
#[derive(Default)]
struct OfferTable {
    by_product: HashMap<String, ProductOffers>,
    entries: usize,
}

impl OfferTable {
    /// Appends the offers of `product` at `stores` (sorted) and answers
    /// `true`, or answers `false` when the caller must fetch them: some pair
    /// is not cached or unusable, or some is stale and nobody refreshes the
    /// product yet (the caller becomes its refresher).
    fn get(
        &mut self,
        product: &str,
        stores: &[&StoreId],
        now: Instant,
        ttl: Duration,
        out: &mut Vec<Offer>,
    ) -> bool {
        let Some(cached) = self.by_product.get_mut(product) else {
            return false;
        };
        let start = out.len();
        let mut stale = false;
        for s in stores {
            let Some((at, o)) = cached.by_store.get(s.as_str()) else {
                out.truncate(start);
                return false;
            };
            match freshness(now.saturating_duration_since(*at), ttl) {
                Freshness::Fresh => {}
                Freshness::Stale => stale = true,
                Freshness::Unusable => {
                    out.truncate(start);
                    return false;
                }
            }
            out.extend(o.iter().cloned());
        }
        if stale && !refreshing(cached.refresh_since) {
            cached.refresh_since = Some(now);
            out.truncate(start);
            return false;
        }
        true
    }

    fn put(&mut self, product: &str, store: &str, offer: Option<Offer>, ttl: Duration) {
        if self.entries >= MAX_OFFER_ENTRIES {
            // Drop what has expired; if that is not enough, start afresh.
            for cached in self.by_product.values_mut() {
                cached
                    .by_store
                    .retain(|_, (at, _)| at.elapsed() < ttl.saturating_mul(2));
            }
            self.by_product.retain(|_, c| !c.by_store.is_empty());
            self.entries = self.by_product.values().map(|c| c.by_store.len()).sum();
            if self.entries >= MAX_OFFER_ENTRIES {
                self.by_product.clear();
                self.entries = 0;
            }
        }
        let cached = self.by_product.entry(product.to_owned()).or_default();
        cached.refresh_since = None;
        let previous = cached
            .by_store
            .insert(store.to_owned(), (Instant::now(), offer));
        if previous.is_none() {
            self.entries += 1;
        }
    }
}

impl Tables {
    fn new() -> Self {
        Self {
            searches: Table::new(),
            products: Table::new(),
            stores: Table::new(),
            malls: Table::new(),
            offers: OfferTable::default(),
        }
    }
}

pub struct CachedCatalog {
    inner: Arc<dyn CatalogRepository>,
    ttl: Duration,
    tables: Mutex<Tables>,
}

impl CachedCatalog {
    pub fn new(inner: Arc<dyn CatalogRepository>, ttl: Duration) -> Self {
        Self {
            inner,
            ttl,
            tables: Mutex::new(Tables::new()),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl CachedCatalog {
    /// The spatial index of every offline store, from memory or built anew.
    async fn store_index(&self) -> Result<Arc<StoreIndex>, RepoError> {
        if let Some(hit) = self.tables().stores.get(&(), self.ttl) {
            return Ok(hit);
        }
        let index = Arc::new(StoreIndex::new(self.inner.list_offline_stores().await?));
        self.tables().stores.put((), index.clone());
        Ok(index)
    }
}

#[async_trait]
impl CatalogRepository for CachedCatalog {
    async fn search_products(
        &self,
        query: &ProductQuery,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Product>, RepoError> {
        let key = (query.as_str().to_owned(), offset, limit);
        if let Some(hit) = self.tables().searches.get(&key, self.ttl) {
            return Ok(hit);
        }
        let found = self.inner.search_products(query, offset, limit).await?;
        self.tables().searches.put(key, found.clone());
        Ok(found)
    }

    async fn get_products(&self, ids: &[ProductId]) -> Result<Vec<Product>, RepoError> {
        let (mut found, mut missing) = (Vec::new(), Vec::new());
        {
            let mut t = self.tables();
            for id in ids {
                match t.products.get(&id.as_str().to_owned(), self.ttl) {
                    Some(Some(p)) => found.push(p),
                    Some(None) => {}
                    None => missing.push(id.clone()),
                }
            }
        }
        if !missing.is_empty() {
            let fetched = self.inner.get_products(&missing).await?;
            let mut t = self.tables();
            for id in &missing {
                let p = fetched.iter().find(|p| p.id() == id).cloned();
                t.products.put(id.as_str().to_owned(), p.clone());
                found.extend(p);
            }
        }
        found.sort_by(|a, b| a.id().cmp(b.id()));
        found.dedup_by(|a, b| a.id() == b.id());
        Ok(found)
    }

    async fn list_stores_near(
        &self,
        point: GeoPoint,
        radius_m: f64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<NearbyStore>, RepoError> {
        Ok(self
            .store_index()
            .await?
            .near(point, radius_m)
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect())
    }

    async fn list_offline_stores(&self) -> Result<Vec<Store>, RepoError> {
        let mut all: Vec<Store> = self
            .store_index()
            .await?
            .by_lat
            .iter()
            .map(|e| e.2.clone())
            .collect();
        all.sort_by(|a, b| a.id().cmp(b.id()));
        Ok(all)
    }

    async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError> {
        if let Some(hit) = self.tables().malls.get(&(), self.ttl) {
            return Ok(hit);
        }
        let found = self.inner.list_online_malls().await?;
        self.tables().malls.put((), found.clone());
        Ok(found)
    }

    async fn offers_for(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
    ) -> Result<Vec<Offer>, RepoError> {
        // The port's order (by product, then store) falls out of sorted ids.
        let mut products: Vec<&ProductId> = product_ids.iter().collect();
        products.sort();
        products.dedup();
        let mut stores: Vec<&StoreId> = store_ids.iter().collect();
        stores.sort();
        stores.dedup();
        let mut found = Vec::new();
        let mut missing_products = Vec::new();
        {
            // One clock read for the whole look-up, not one per product.
            let now = Instant::now();
            let mut t = self.tables();
            for p in &products {
                if !t.offers.get(p.as_str(), &stores, now, self.ttl, &mut found) {
                    missing_products.push((*p).clone());
                }
            }
        }
        if !missing_products.is_empty() {
            let fetched = self.inner.offers_for(&missing_products, store_ids).await?;
            // At most one offer per pair (the port's rule): by pair, so that
            // caching a basket over thousands of stores stays linear.
            let by_pair: HashMap<(&str, &str), &Offer> = fetched
                .iter()
                .map(|o| ((o.product_id.as_str(), o.store_id.as_str()), o))
                .collect();
            let mut t = self.tables();
            for p in &missing_products {
                for s in &stores {
                    let o = by_pair.get(&(p.as_str(), s.as_str())).map(|o| (*o).clone());
                    t.offers.put(p.as_str(), s.as_str(), o, self.ttl);
                }
            }
            found.extend(fetched);
            found.sort_by(|a, b| {
                (a.product_id.as_str(), a.store_id.as_str())
                    .cmp(&(b.product_id.as_str(), b.store_id.as_str()))
            });
        }
        Ok(found)
    }

    /// Not cached: histories are read for one product's chart and the few
    /// lines of a plan.
    async fn price_history(
        &self,
        product: &ProductId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ttokjang_domain::catalog::PricePoint>, RepoError> {
        self.inner.price_history(product, since).await
    }

    async fn price_lows(
        &self,
        product_ids: &[ProductId],
        store_ids: &[StoreId],
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ttokjang_domain::catalog::PriceLow>, RepoError> {
        self.inner.price_lows(product_ids, store_ids, since).await
    }

    async fn upsert_catalog(&self, batch: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
        let counts = self.inner.upsert_catalog(batch).await;
        *self.tables() = Tables::new();
        counts
    }

    async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError> {
        self.inner.catalog_counts().await
    }

    async fn write_offers(&self, offers: &[Offer]) -> Result<(), RepoError> {
        let done = self.inner.write_offers(offers).await;
        *self.tables() = Tables::new();
        done
    }
}
