//! The price sync use case: plans the calls of a survey day, makes each one
//! at most once within the daily budget, and stores what they bring.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::feed::{BadRow, FeedError, FeedPrice, FeedProduct, FeedStore, KamisPrice};
use super::ports::{
    CallResult, ChamgagyeokFeed, Claim, KamisFeed, PriceRecord, SyncStateRepository,
};
use super::{format_day, Call, Source};
use crate::catalog::import::seoul_midnight;
use crate::catalog::pack::Pack;
use crate::catalog::{
    GeoPoint, NewProduct, NewStore, NewStoreSite, Offer, OfflineFormat, PriceKrw, PriceOrigin,
    Product, ProductId, Provenance, Store, StoreId,
};
use crate::ports::{CatalogRepository, Clock};
use crate::RepoError;

/// The default daily budget: 1,800 of the 2,000-call development quota.
pub const DEFAULT_DAILY_BUDGET: u32 = 1_800;
/// Transient failures (network, timeout, 5xx) in a row that end a run.
pub const MAX_FAILURES_IN_A_ROW: u32 = 3;

/// How a run is limited.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Calls per source per day (Asia/Seoul), counted across runs and
    /// instances.
    pub daily_budget: u32,
    /// How long a claimed call is reserved for its holder.
    pub lease: Duration,
    /// This process's name in the leases (unique per instance and run).
    pub holder: String,
}

impl SyncConfig {
    pub fn new(holder: impl Into<String>) -> Self {
        Self {
            daily_budget: DEFAULT_DAILY_BUDGET,
            lease: Duration::minutes(5),
            holder: holder.into(),
        }
    }
}

/// Why a run ended before every call was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The day's budget is spent; the rest waits for tomorrow's.
    BudgetSpent,
    /// The key was refused or the provider's quota is used up.
    Fatal(FeedError),
    /// Too many transient failures in a row.
    Failing,
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncSummary {
    /// Calls made by this run (each counted against the budget).
    pub calls_made: u32,
    pub completed: u32,
    /// Calls skipped because they were done before, or held by another
    /// instance.
    pub skipped: u32,
    pub rows: u64,
    pub bad_rows: Vec<(String, BadRow)>,
    pub failures: Vec<(String, FeedError)>,
    pub empty_days: u32,
    /// Calls still pending after the run.
    pub pending: usize,
    pub stopped: Option<Stop>,
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// Calls known to be pending (grows as the stores call enqueues more).
    Planned(usize),
    /// One call handled (made, skipped or failed).
    Step { key: String, outcome: String },
}

/// The use case over the ports.
pub struct PriceSync<'a> {
    pub state: &'a dyn SyncStateRepository,
    pub catalog: &'a dyn CatalogRepository,
    pub clock: &'a dyn Clock,
    pub config: SyncConfig,
}

/// The day in Korea at `now` (the day a budget is counted on).
pub fn seoul_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Seoul).date_naive()
}

/// What a call brought, before it is stored.
enum Fetched {
    Stores(super::feed::FeedPage<FeedStore>),
    Products(super::feed::FeedPage<FeedProduct>),
    Prices(super::feed::FeedPage<FeedPrice>),
    Kamis(super::feed::FeedPage<KamisPrice>),
}

impl PriceSync<'_> {
    /// Syncs one 참가격 survey day: stores, products, then every store's
    /// prices, as far as the budget goes.
    pub async fn chamgagyeok(
        &self,
        feed: &dyn ChamgagyeokFeed,
        day: NaiveDate,
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> Result<SyncSummary, RepoError> {
        let now = self.clock.now();
        let seed = [Call::Stores { day }.key(), Call::Products { day }.key()];
        self.state.enqueue(Source::Chamgagyeok, &seed, now).await?;
        self.run(Source::Chamgagyeok, day, progress, |call| async move {
            match call {
                Call::Stores { .. } => feed.stores().await.map(Fetched::Stores),
                Call::Products { .. } => feed.products().await.map(Fetched::Products),
                Call::StorePrices { day, entp_id } => {
                    feed.store_prices(day, &entp_id).await.map(Fetched::Prices)
                }
                Call::KamisRegion { .. } => Err(FeedError::BadRequest("not a 참가격 call".into())),
            }
        })
        .await
    }

    /// Syncs KAMIS retail prices of `counties` for `day` (the day of the
    /// run; KAMIS answers its latest survey).
    pub async fn kamis(
        &self,
        feed: &dyn KamisFeed,
        day: NaiveDate,
        counties: &[String],
        progress: &(dyn Fn(SyncEvent) + Sync),
    ) -> Result<SyncSummary, RepoError> {
        let now = self.clock.now();
        let seed: Vec<String> = counties
            .iter()
            .map(|c| {
                Call::KamisRegion {
                    day,
                    county: c.clone(),
                }
                .key()
            })
            .collect();
        self.state.enqueue(Source::Kamis, &seed, now).await?;
        self.run(Source::Kamis, day, progress, |call| async move {
            match call {
                Call::KamisRegion { county, .. } => {
                    feed.region_retail(&county).await.map(Fetched::Kamis)
                }
                _ => Err(FeedError::BadRequest("not a KAMIS call".into())),
            }
        })
        .await
    }

    async fn run<F, Fut>(
        &self,
        source: Source,
        day: NaiveDate,
        progress: &(dyn Fn(SyncEvent) + Sync),
        make: F,
    ) -> Result<SyncSummary, RepoError>
    where
        F: Fn(Call) -> Fut,
        Fut: std::future::Future<Output = Result<Fetched, FeedError>>,
    {
        let mut summary = SyncSummary::default();
        let mut tried: HashSet<String> = HashSet::new();
        let mut failing = 0u32;
        'outer: loop {
            let open: Vec<Call> = self
                .state
                .pending(source)
                .await?
                .iter()
                .filter_map(|k| Call::parse_key(k))
                .filter(|c| c.day() == day)
                .collect();
            // Price rows need the day's stores and products stored first:
            // while a reference call is open (here or in another instance),
            // only reference calls are made.
            let refs_open = open.iter().any(|c| c.order() < 2);
            let mut pending: Vec<Call> = open
                .into_iter()
                .filter(|c| !tried.contains(&c.key()))
                .filter(|c| !refs_open || c.order() < 2)
                .collect();
            if pending.is_empty() {
                break;
            }
            pending.sort_by(|a, b| a.order().cmp(&b.order()).then_with(|| a.cmp(b)));
            progress(SyncEvent::Planned(pending.len()));
            for call in pending {
                let key = call.key();
                tried.insert(key.clone());
                let now = self.clock.now();
                let claim = self
                    .state
                    .claim(
                        source,
                        &key,
                        &self.config.holder,
                        now,
                        now + self.config.lease,
                        seoul_today(now),
                        self.config.daily_budget,
                    )
                    .await?;
                match claim {
                    Claim::Claimed => {}
                    Claim::AlreadyDone | Claim::Held => {
                        summary.skipped += 1;
                        progress(SyncEvent::Step {
                            key,
                            outcome: "skipped".into(),
                        });
                        continue;
                    }
                    Claim::BudgetSpent => {
                        summary.stopped = Some(Stop::BudgetSpent);
                        break 'outer;
                    }
                }
                summary.calls_made += 1;
                let answer = make(call.clone()).await;
                let fetched_at = self.clock.now();
                match answer {
                    Ok(fetched) => {
                        failing = 0;
                        let (result, bad) = self.to_result(&call, fetched, fetched_at).await?;
                        summary
                            .bad_rows
                            .extend(bad.into_iter().map(|b| (key.clone(), b)));
                        summary.rows += u64::from(result.rows);
                        if result.outcome == "empty_day" {
                            summary.empty_days += 1;
                        }
                        let outcome = result.outcome.clone();
                        self.state
                            .complete(source, &self.config.holder, &result, fetched_at)
                            .await?;
                        summary.completed += 1;
                        progress(SyncEvent::Step { key, outcome });
                        if !result.follow_ups.is_empty() {
                            // New calls: plan again.
                            continue 'outer;
                        }
                    }
                    Err(e) => {
                        self.state
                            .fail(source, &key, &self.config.holder, &e, fetched_at)
                            .await?;
                        progress(SyncEvent::Step {
                            key: key.clone(),
                            outcome: e.kind().into(),
                        });
                        summary.failures.push((key, e.clone()));
                        if e.stops_the_run() {
                            summary.stopped = Some(Stop::Fatal(e));
                            break 'outer;
                        }
                        if !e.is_final() {
                            failing += 1;
                            if failing >= MAX_FAILURES_IN_A_ROW {
                                summary.stopped = Some(Stop::Failing);
                                break 'outer;
                            }
                        }
                    }
                }
            }
        }
        summary.pending = self
            .state
            .pending(source)
            .await?
            .iter()
            .filter_map(|k| Call::parse_key(k))
            .filter(|c| c.day() == day)
            .count();
        Ok(summary)
    }

    async fn to_result(
        &self,
        call: &Call,
        fetched: Fetched,
        fetched_at: DateTime<Utc>,
    ) -> Result<(CallResult, Vec<BadRow>), RepoError> {
        let mut result = CallResult {
            key: call.key(),
            outcome: "ok".into(),
            ..CallResult::default()
        };
        let mut bad: Vec<BadRow> = Vec::new();
        match fetched {
            Fetched::Stores(page) => {
                bad.extend(page.bad);
                for (i, s) in page.rows.iter().enumerate() {
                    match store_of(s) {
                        Ok(store) => {
                            result.follow_ups.push(
                                Call::StorePrices {
                                    day: call.day(),
                                    entp_id: s.entp_id.clone(),
                                }
                                .key(),
                            );
                            result.batch.stores.push(store);
                        }
                        Err(reason) => bad.push(BadRow { index: i, reason }),
                    }
                }
            }
            Fetched::Products(page) => {
                bad.extend(page.bad);
                for (i, p) in page.rows.iter().enumerate() {
                    match product_of(p) {
                        Ok(product) => result.batch.products.push(product),
                        Err(reason) => bad.push(BadRow { index: i, reason }),
                    }
                }
            }
            Fetched::Prices(page) => {
                bad.extend(page.bad);
                let Call::StorePrices { day, entp_id } = call else {
                    return Ok((result, bad));
                };
                let ids: Vec<ProductId> = page
                    .rows
                    .iter()
                    .filter_map(|r| ProductId::parse(&kca_id(&r.good_id)).ok())
                    .collect();
                let known: HashSet<ProductId> = self
                    .catalog
                    .get_products(&ids)
                    .await?
                    .into_iter()
                    .map(|p| p.id().clone())
                    .collect();
                let mut seen = HashSet::new();
                for (i, r) in page.rows.iter().enumerate() {
                    match price_of(r, *day, entp_id, &known, fetched_at) {
                        Ok((offer, record)) => {
                            if seen.insert(offer.product_id.clone()) {
                                result.batch.offers.push(offer);
                                result.records.push(record);
                            } else {
                                bad.push(BadRow {
                                    index: i,
                                    reason: format!("goodId {} twice in one answer", r.good_id),
                                });
                            }
                        }
                        Err(reason) => bad.push(BadRow { index: i, reason }),
                    }
                }
                if page.rows.is_empty() && bad.is_empty() {
                    result.outcome = "empty_day".into();
                }
            }
            Fetched::Kamis(page) => {
                bad.extend(page.bad);
                let mut seen = HashSet::new();
                for (i, k) in page.rows.iter().enumerate() {
                    match kamis_of(k, fetched_at) {
                        Ok((product, record)) => {
                            if !seen.insert(product.id().clone()) {
                                bad.push(BadRow {
                                    index: i,
                                    reason: format!("productno {} twice", k.product_no),
                                });
                                continue;
                            }
                            result.batch.products.push(product);
                            result.records.push(record);
                        }
                        Err(reason) => bad.push(BadRow { index: i, reason }),
                    }
                }
                if page.rows.is_empty() && bad.is_empty() {
                    result.outcome = "empty_day".into();
                }
            }
        }
        result.rows = u32::try_from(
            result.batch.stores.len() + result.batch.products.len() + result.records.len(),
        )
        .unwrap_or(u32::MAX);
        result.bad_rows = u32::try_from(bad.len()).unwrap_or(u32::MAX);
        result.follow_ups.sort();
        result.follow_ups.dedup();
        // Bad rows ride along in the outcome text for the summary.
        if !bad.is_empty() {
            result.outcome = format!("{} ({} bad rows)", result.outcome, bad.len());
        }
        Ok((result, bad))
    }
}

/// The catalog id of a 참가격 product or store.
pub fn kca_id(source_id: &str) -> String {
    format!("{}{}", Source::Chamgagyeok.id_prefix(), source_id.trim())
}

fn store_format(code: &str) -> Option<OfflineFormat> {
    match code.trim().to_ascii_uppercase().as_str() {
        "LM" => Some(OfflineFormat::LargeMart),
        "SM" => Some(OfflineFormat::Supermarket),
        "DP" => Some(OfflineFormat::Department),
        "CS" => Some(OfflineFormat::Convenience),
        "TM" | "MF" => Some(OfflineFormat::TraditionalMarket),
        _ => None,
    }
}

fn store_of(s: &FeedStore) -> Result<Store, String> {
    let format = store_format(&s.type_code).ok_or_else(|| {
        format!(
            "store {}: unknown entpTypeCode {:?}",
            s.entp_id, s.type_code
        )
    })?;
    let location = GeoPoint::new(s.lat, s.lng)
        .map_err(|e| format!("store {}: bad coordinate: {e}", s.entp_id))?;
    let chain = s.name.split_whitespace().next().unwrap_or("").to_owned();
    Store::new(NewStore {
        id: kca_id(&s.entp_id),
        chain,
        name: s.name.clone(),
        site: NewStoreSite::Offline {
            format,
            location,
            address: s.address.clone(),
            hours: None,
            closing: None,
        },
    })
    .map_err(|e| format!("store {}: {e}", s.entp_id))
}

fn product_of(p: &FeedProduct) -> Result<Product, String> {
    let pack = p
        .pack
        .or_else(|| Pack::parse(&p.name))
        .ok_or_else(|| format!("product {}: no pack size (goodTotalCnt)", p.good_id))?;
    Product::new(NewProduct {
        id: kca_id(&p.good_id),
        name: p.name.clone(),
        name_en: None,
        aliases: Vec::new(),
        category: crate::catalog::import::CATEGORY.to_owned(),
        unit: pack.unit,
        size: pack.quantity,
        barcode: None,
    })
    .map_err(|e| format!("product {}: {e}", p.good_id))
}

fn price_of(
    r: &FeedPrice,
    day: NaiveDate,
    entp_id: &str,
    known: &HashSet<ProductId>,
    fetched_at: DateTime<Utc>,
) -> Result<(Offer, PriceRecord), String> {
    if r.day != day {
        return Err(format!(
            "goodInspectDay {} is not the day asked ({})",
            format_day(r.day),
            format_day(day)
        ));
    }
    if r.entp_id.trim() != entp_id {
        return Err(format!("entpId {} is not the store asked", r.entp_id));
    }
    let product_id = ProductId::parse(&kca_id(&r.good_id))
        .map_err(|e| format!("goodId {:?}: {e}", r.good_id))?;
    if !known.contains(&product_id) {
        return Err(format!("unknown goodId {}", r.good_id));
    }
    let store_id = StoreId::parse(&kca_id(entp_id)).map_err(|e| format!("entpId: {e}"))?;
    let price = PriceKrw::new(r.price_krw).map_err(|e| format!("goodPrice: {e}"))?;
    let offer = Offer {
        store_id: store_id.clone(),
        product_id: product_id.clone(),
        price,
        observed_at: seoul_midnight(day),
        in_stock: true,
        discounted: r.discounted,
        flagged_outlier: false,
        provenance: Provenance {
            origin: PriceOrigin::Chamgagyeok,
            fetched_at: Some(fetched_at),
            discount_period: r.discount_period,
            plus_one: r.plus_one,
            previous_price: None,
        },
    };
    let record = PriceRecord {
        source: Source::Chamgagyeok,
        store_id: Some(store_id),
        place: entp_id.to_owned(),
        product_id,
        price,
        survey_day: day,
        fetched_at,
        discounted: r.discounted,
        discount_period: r.discount_period,
        plus_one: r.plus_one,
    };
    Ok((offer, record))
}

fn kamis_of(k: &KamisPrice, fetched_at: DateTime<Utc>) -> Result<(Product, PriceRecord), String> {
    let pack = k.pack.or_else(|| Pack::parse(&k.unit)).ok_or_else(|| {
        format!(
            "productno {}: unit {:?} names no size",
            k.product_no, k.unit
        )
    })?;
    let product = Product::new(NewProduct {
        id: format!("{}{}", Source::Kamis.id_prefix(), k.product_no.trim()),
        name: format!("{} {}", k.item_name.trim(), k.unit.trim()),
        name_en: None,
        aliases: vec![k.item_name.trim().to_owned()],
        category: "KAMIS".into(),
        unit: pack.unit,
        size: pack.quantity,
        barcode: None,
    })
    .map_err(|e| format!("productno {}: {e}", k.product_no))?;
    let price = PriceKrw::new(k.price_krw).map_err(|e| format!("price: {e}"))?;
    let record = PriceRecord {
        source: Source::Kamis,
        store_id: None,
        place: format!("county:{}", k.county),
        product_id: product.id().clone(),
        price,
        survey_day: k.day,
        fetched_at,
        discounted: false,
        discount_period: None,
        plus_one: false,
    };
    Ok((product, record))
}
