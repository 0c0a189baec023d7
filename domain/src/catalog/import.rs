//! Reading price rows in the shape of the public 참가격 data (Korea Consumer
//! Agency): one row per store × product × inspection day.
//!
//! Columns (header required, any order, extra columns ignored):
//! `store_id, store_name, store_type (LM|SM|TM|DP), address, lat, lng,
//! product_id, product_name, unit (G|ML|EA), size, inspection_day
//! (YYYY-MM-DD), price, discount (Y|N)`.
//!
//! Every row is validated; bad rows are reported with their file, line number
//! and reasons and left out. Ids get a `kca-` prefix so imported data never
//! collides with other sources. An offer is keyed by (store, product,
//! inspection day at 00:00 Asia/Seoul), so importing the same file again
//! changes nothing.
//!
//! Files of any size are read as a stream in two passes (the reading itself,
//! with the `csv` crate, is the app's — `app/src/import.rs`):
//!
//! 1. [`Survey`] sees every row of every file of the import: it reports bad
//!    rows, collects the stores and products (few: thousands, not millions),
//!    counts each product's prices in a [`PriceSketch`] (exact medians in
//!    memory proportional to the distinct prices, not to the rows) and keeps an
//!    8-byte hash of each offer key to find repeated keys.
//! 2. [`Emitter`] sees the rows again and turns each good one into an offer:
//!    product ids rewritten to the catalog's (one product identity), outliers
//!    flagged against the medians of the **whole data set** (every file), a
//!    repeated (store, product, day) rejected as a duplicate of its first line
//!    (only keys whose hash repeated are held in full).
//!
//! Memory is bounded by the batch size, the stores and products, the distinct
//! prices and 8 bytes per row (the key hashes: 48 MB at 6 M rows).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use thiserror::Error;

use super::outlier::{is_outlier, PriceSketch};
use super::{
    CatalogBatch, GeoPoint, NewProduct, NewStore, NewStoreSite, Offer, OfflineFormat, PriceKrw,
    Product, ProductId, Store, StoreId, Unit,
};

pub const COLUMNS: [&str; 13] = [
    "store_id",
    "store_name",
    "store_type",
    "address",
    "lat",
    "lng",
    "product_id",
    "product_name",
    "unit",
    "size",
    "inspection_day",
    "price",
    "discount",
];

/// The prefix of every id that comes from this import.
pub const ID_PREFIX: &str = "kca-";
/// The category given to imported products (the source has none we keep).
pub const CATEGORY: &str = "참가격";

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the header lacks column(s): {0}")]
    MissingColumns(String),
}

/// A row left out: its file (as the caller names it), 1-based line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// At most this many rejections are kept in detail (the rest are counted):
/// a file of millions of bad rows must not fill memory with reasons.
pub const MAX_REJECTIONS_KEPT: usize = 1_000;

/// Rejected rows: the first [`MAX_REJECTIONS_KEPT`] in detail, all counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rejections {
    pub kept: Vec<Rejection>,
    pub total: u64,
}

impl Rejections {
    pub fn push(&mut self, file: &str, line: u64, reason: String) {
        self.total += 1;
        if self.kept.len() < MAX_REJECTIONS_KEPT {
            self.kept.push(Rejection {
                file: file.to_owned(),
                line,
                reason,
            });
        }
    }
}

type OfferKey = (StoreId, ProductId, DateTime<Utc>);

fn key_of(o: &Offer) -> OfferKey {
    (o.store_id.clone(), o.product_id.clone(), o.observed_at)
}

/// A fixed hash of an offer key (SipHash with zero keys: the same in both
/// passes and across runs).
#[allow(deprecated)]
fn key_hash(o: &Offer) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::SipHasher::new();
    o.store_id.as_str().hash(&mut h);
    o.product_id.as_str().hash(&mut h);
    o.observed_at.timestamp().hash(&mut h);
    h.finish()
}

/// Pass 1 of a streaming import: sees every row of every file once.
#[derive(Debug, Default)]
pub struct Survey {
    rows_read: u64,
    good_rows: u64,
    stores: Vec<Store>,
    store_ids: HashSet<StoreId>,
    products: Vec<Product>,
    product_ids: HashSet<ProductId>,
    prices: PriceSketch,
    key_hashes: Vec<u64>,
    rejected: Rejections,
}

impl Survey {
    /// Notes one data row of `file` at `line`, as [`Header::row`] read it.
    pub fn row(&mut self, file: &str, line: u64, parsed: Result<ParsedRow, String>) {
        self.rows_read += 1;
        match parsed {
            Ok(p) => {
                self.good_rows += 1;
                self.key_hashes.push(key_hash(&p.offer));
                self.prices.add(&p.offer.product_id, p.offer.price.krw());
                if !self.store_ids.contains(p.store.id()) {
                    self.store_ids.insert(p.store.id().clone());
                    self.stores.push(p.store);
                }
                if !self.product_ids.contains(p.product.id()) {
                    self.product_ids.insert(p.product.id().clone());
                    self.products.push(p.product);
                }
            }
            Err(reason) => self.rejected.push(file, line, reason),
        }
    }

    /// A row the reader could not read at all (e.g. not UTF-8).
    pub fn unreadable(&mut self, file: &str, line: u64, reason: String) {
        self.rows_read += 1;
        self.rejected.push(file, line, reason);
    }

    /// The stores and products of the data set (first seen first), its
    /// product medians, and what pass 2 needs.
    pub fn finish(mut self) -> Surveyed {
        self.key_hashes.sort_unstable();
        let repeated: HashSet<u64> = self
            .key_hashes
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        Surveyed {
            rows_read: self.rows_read,
            good_rows: self.good_rows,
            batch: CatalogBatch {
                stores: self.stores,
                products: self.products,
                offers: Vec::new(),
            },
            medians: self.prices.medians(),
            repeated,
            rejected: self.rejected,
        }
    }
}

/// What pass 1 found.
#[derive(Debug)]
pub struct Surveyed {
    /// Data rows read (headers and blank lines not counted).
    pub rows_read: u64,
    /// Rows that parsed (duplicates included).
    pub good_rows: u64,
    /// Every store and product of the data set; no offers.
    pub batch: CatalogBatch,
    /// The median price of each product over the whole data set.
    pub medians: HashMap<ProductId, f64>,
    repeated: HashSet<u64>,
    pub rejected: Rejections,
}

impl Surveyed {
    /// Pass 2; `rename` maps an incoming product id to the catalog product it
    /// is (see [`super::identity::unify`]).
    pub fn emitter(self, rename: HashMap<ProductId, ProductId>) -> Emitter {
        Emitter {
            medians: self.medians,
            repeated: self.repeated,
            first_line: HashMap::new(),
            rename,
            offers: 0,
            outliers_flagged: 0,
            rejected: Rejections::default(),
        }
    }
}

/// Pass 2 of a streaming import: turns the good rows into offers.
#[derive(Debug)]
pub struct Emitter {
    medians: HashMap<ProductId, f64>,
    repeated: HashSet<u64>,
    /// Only keys whose hash repeated: where each was first seen.
    first_line: HashMap<OfferKey, (String, u64)>,
    rename: HashMap<ProductId, ProductId>,
    pub offers: u64,
    pub outliers_flagged: u64,
    /// Duplicates found in this pass (bad rows were reported by the survey).
    pub rejected: Rejections,
}

impl Emitter {
    /// The offer of one row, or `None` for a bad row or a duplicate.
    pub fn row(
        &mut self,
        file: &str,
        line: u64,
        parsed: Result<ParsedRow, String>,
    ) -> Option<Offer> {
        let mut offer = parsed.ok()?.offer;
        if self.repeated.contains(&key_hash(&offer)) {
            match self.first_line.get(&key_of(&offer)) {
                Some((f, l)) => {
                    let at = if f == file {
                        format!("line {l}")
                    } else {
                        format!("{f} line {l}")
                    };
                    self.rejected.push(
                        file,
                        line,
                        format!("duplicate of {at} (same store, product and day)"),
                    );
                    return None;
                }
                None => {
                    self.first_line
                        .insert(key_of(&offer), (file.to_owned(), line));
                }
            }
        }
        offer.flagged_outlier = self
            .medians
            .get(&offer.product_id)
            .is_some_and(|m| is_outlier(offer.price.krw(), *m));
        self.outliers_flagged += u64::from(offer.flagged_outlier);
        if let Some(to) = self.rename.get(&offer.product_id) {
            offer.product_id = to.clone();
        }
        self.offers += 1;
        Some(offer)
    }
}

/// Midnight of `day` in Asia/Seoul (UTC+9, no daylight saving), in UTC.
pub fn seoul_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - Duration::hours(9)
}

fn store_format(code: &str) -> Option<OfflineFormat> {
    match code.trim().to_ascii_uppercase().as_str() {
        "LM" => Some(OfflineFormat::LargeMart),
        "SM" => Some(OfflineFormat::Supermarket),
        "TM" => Some(OfflineFormat::TraditionalMarket),
        "DP" => Some(OfflineFormat::Department),
        _ => None,
    }
}

/// The columns of a file: where each of [`COLUMNS`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    index: [usize; COLUMNS.len()],
    width: usize,
}

impl Header {
    /// Reads a header row (names in any case and order; a BOM before the
    /// first is ignored). Fails when a column is missing.
    pub fn parse<'a>(fields: impl IntoIterator<Item = &'a str>) -> Result<Self, ImportError> {
        let mut index = [usize::MAX; COLUMNS.len()];
        let mut width = 0;
        for (i, h) in fields.into_iter().enumerate() {
            width = i + 1;
            let h = h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
            if let Some(c) = COLUMNS.iter().position(|c| *c == h) {
                if index[c] == usize::MAX {
                    index[c] = i;
                }
            }
        }
        if width == 0 {
            return Err(ImportError::Empty);
        }
        let missing: Vec<&str> = COLUMNS
            .iter()
            .zip(index)
            .filter(|(_, i)| *i == usize::MAX)
            .map(|(c, _)| *c)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing.join(", ")));
        }
        Ok(Self { index, width })
    }

    /// Validates one data row (`cell(i)` is its i-th field, `len` how many it
    /// has): the store, product and offer it describes, or why it is bad.
    pub fn row<'c>(
        &self,
        len: usize,
        cell: impl Fn(usize) -> Option<&'c str>,
    ) -> Result<ParsedRow, String> {
        if len < self.width {
            return Err(format!("has {len} columns, the header has {}", self.width));
        }
        let row = Row {
            header: self,
            cell: &cell,
        };
        parse_row(&row).map_err(|p| p.join("; "))
    }
}

struct Row<'h, 'c> {
    header: &'h Header,
    cell: &'h dyn Fn(usize) -> Option<&'c str>,
}

impl Row<'_, '_> {
    fn get(&self, column: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|c| (self.cell)(self.header.index[c]))
            .map_or("", str::trim)
    }
}

/// One good row.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow {
    pub store: Store,
    pub product: Product,
    pub offer: Offer,
}

fn parse_row(row: &Row<'_, '_>) -> Result<ParsedRow, Vec<String>> {
    let mut problems = Vec::new();
    let mut note = |p: String| problems.push(p);

    let format = store_format(row.get("store_type"));
    if format.is_none() {
        note(format!(
            "unknown store_type {:?} (LM, SM, TM or DP)",
            short(row.get("store_type"))
        ));
    }
    let lat = row.get("lat").parse::<f64>().ok();
    let lng = row.get("lng").parse::<f64>().ok();
    let location = match (lat, lng) {
        (Some(lat), Some(lng)) => GeoPoint::new(lat, lng)
            .map_err(|e| note(format!("bad coordinate: {e}")))
            .ok(),
        _ => {
            note("bad coordinate: lat and lng must be numbers".into());
            None
        }
    };
    let unit = Unit::parse(row.get("unit"));
    if unit.is_none() {
        note(format!(
            "unknown unit {:?} (G, ML or EA)",
            short(row.get("unit"))
        ));
    }
    let size = match row.get("size").parse::<u32>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            note("size must be a positive whole number".into());
            None
        }
    };
    let day = NaiveDate::parse_from_str(row.get("inspection_day"), "%Y-%m-%d")
        .ok()
        .filter(|d| {
            NaiveDate::from_ymd_opt(2000, 1, 1).is_some_and(|lo| *d >= lo)
                && NaiveDate::from_ymd_opt(2100, 1, 1).is_some_and(|hi| *d < hi)
        });
    if day.is_none() {
        note("bad date: inspection_day must be YYYY-MM-DD (2000–2099)".into());
    }
    let price = match row.get("price").parse::<i64>() {
        Ok(n) => PriceKrw::new(n)
            .map_err(|_| note("non-positive or implausible price".into()))
            .ok(),
        Err(_) => {
            note("price must be a whole number of 원".into());
            None
        }
    };
    let discounted = match row.get("discount").to_ascii_uppercase().as_str() {
        "Y" => Some(true),
        "N" | "" => Some(false),
        _ => {
            note("discount must be Y or N".into());
            None
        }
    };
    let store_name = row.get("store_name");
    let chain = store_name.split_whitespace().next().unwrap_or("");
    let store = match (format, location) {
        (Some(format), Some(location)) => Store::new(NewStore {
            id: format!("{ID_PREFIX}{}", row.get("store_id")),
            chain: chain.to_owned(),
            name: store_name.to_owned(),
            site: NewStoreSite::Offline {
                format,
                location,
                address: row.get("address").to_owned(),
                hours: None,
                closing: None,
            },
        })
        .map_err(|e| note(format!("store {e}")))
        .ok(),
        _ => None,
    };
    let product = match (unit, size) {
        (Some(unit), Some(size)) => Product::new(NewProduct {
            id: format!("{ID_PREFIX}{}", row.get("product_id")),
            name: row.get("product_name").to_owned(),
            name_en: None,
            aliases: Vec::new(),
            category: CATEGORY.to_owned(),
            unit,
            size,
            barcode: None,
        })
        .map_err(|e| note(format!("product {e}")))
        .ok(),
        _ => None,
    };
    match (store, product, day, price, discounted) {
        (Some(store), Some(product), Some(day), Some(price), Some(discounted))
            if problems.is_empty() =>
        {
            let offer = Offer {
                store_id: store.id().clone(),
                product_id: product.id().clone(),
                price,
                observed_at: seoul_midnight(day),
                in_stock: true,
                discounted,
                flagged_outlier: false,
                provenance: super::Provenance::of(super::PriceOrigin::Import),
            };
            Ok(ParsedRow {
                store,
                product,
                offer,
            })
        }
        _ => Err(problems),
    }
}

/// Input echoed in a reason is cut short and stripped of control characters.
fn short(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "store_id,store_name,store_type,address,lat,lng,product_id,product_name,unit,size,inspection_day,price,discount";

    struct Done {
        surveyed_rows: u64,
        batch: CatalogBatch,
        rejected: Vec<Rejection>,
        offers: Vec<Offer>,
        outliers: u64,
    }

    /// Both passes over `files` (no quoted fields: the app reads real CSV).
    fn run(files: &[&[&str]]) -> Done {
        let header = Header::parse(HEADER.split(',')).expect("header");
        let mut survey = Survey::default();
        for (f, rows) in files.iter().enumerate() {
            for (i, r) in rows.iter().enumerate() {
                let cells: Vec<&str> = r.split(',').collect();
                survey.row(
                    &format!("f{f}"),
                    i as u64 + 2,
                    header.row(cells.len(), |c| cells.get(c).copied()),
                );
            }
        }
        let surveyed = survey.finish();
        let rows = surveyed.rows_read;
        let batch = surveyed.batch.clone();
        let mut rejected = surveyed.rejected.kept.clone();
        let mut emitter = surveyed.emitter(HashMap::new());
        let mut offers = Vec::new();
        for (f, rows) in files.iter().enumerate() {
            for (i, r) in rows.iter().enumerate() {
                let cells: Vec<&str> = r.split(',').collect();
                offers.extend(emitter.row(
                    &format!("f{f}"),
                    i as u64 + 2,
                    header.row(cells.len(), |c| cells.get(c).copied()),
                ));
            }
        }
        rejected.extend(emitter.rejected.kept.clone());
        rejected.sort_by_key(|r| (r.file.clone(), r.line));
        Done {
            surveyed_rows: rows,
            batch,
            rejected,
            offers,
            outliers: emitter.outliers_flagged,
        }
    }

    #[test]
    fn good_rows_make_stores_products_and_offers() {
        let r = run(&[&[
            "LM01,이마트 역삼점,LM,서울 강남구 역삼로 310,37.4996,127.0478,P001,서울우유 1L,ML,1000,2026-11-20,2980,N",
            "LM01,이마트 역삼점,LM,서울 강남구 역삼로 310,37.4996,127.0478,P002,계란 30구,EA,30,2026-11-20,7980,Y",
            "SM02,GS더프레시 역삼점,SM,서울 강남구,37.5,127.03,P001,서울우유 1L,ML,1000,2026-11-20,3100,N",
        ]]);
        assert_eq!(r.surveyed_rows, 3);
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        assert_eq!(r.batch.stores.len(), 2);
        assert_eq!(r.batch.products.len(), 2);
        assert_eq!(r.offers.len(), 3);
        assert_eq!(r.batch.stores[1].name(), "GS더프레시 역삼점");
        assert_eq!(r.batch.stores[0].chain(), "이마트");
        assert_eq!(r.batch.stores[0].id().as_str(), "kca-LM01");
        assert!(r.offers[1].discounted);
        assert_eq!(
            r.offers[0].observed_at.to_rfc3339(),
            "2026-11-19T15:00:00+00:00"
        );
    }

    #[test]
    fn bad_rows_are_reported_with_line_and_reason() {
        let r = run(&[&[
            "S1,가게,LM,주소,97.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,0,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,L,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-13-40,1000,N",
            "S1,가게,XX,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1200,N",
            "S1,가게,LM",
        ]]);
        assert_eq!(r.surveyed_rows, 8);
        assert_eq!(r.offers.len(), 1);
        assert_eq!(
            r.offers[0].price.krw(),
            1000,
            "the first of two duplicates is kept"
        );
        let lines: Vec<u64> = r.rejected.iter().map(|x| x.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 8, 9]);
        let reasons: Vec<&str> = r.rejected.iter().map(|x| x.reason.as_str()).collect();
        assert!(reasons[0].contains("bad coordinate"));
        assert!(reasons[1].contains("non-positive"));
        assert!(reasons[2].contains("unknown unit"));
        assert!(reasons[3].contains("bad date"));
        assert!(reasons[4].contains("unknown store_type"));
        assert!(reasons[5].contains("duplicate of line 7"), "{}", reasons[5]);
        assert!(reasons[6].contains("columns"));
    }

    #[test]
    fn duplicates_across_files_name_the_first_file() {
        let row = "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N";
        let r = run(&[&[row], &[row]]);
        assert_eq!(r.offers.len(), 1);
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].file, "f1");
        assert!(
            r.rejected[0].reason.contains("f0 line 2"),
            "{:?}",
            r.rejected
        );
    }

    #[test]
    fn outliers_use_the_medians_of_every_file() {
        // Alone, the second file's three prices have median 9,000 and
        // nothing in it is an outlier; with the first file's five 3,000s the
        // median is 3,000 and 9,000 is far above 2.2 × 3,000.
        let row = |store: &str, price: i64| {
            format!("{store},가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,{price},N")
        };
        let first: Vec<String> = (0..5).map(|i| row(&format!("A{i}"), 3_000)).collect();
        let second: Vec<String> = (0..3).map(|i| row(&format!("B{i}"), 9_000)).collect();
        let first: Vec<&str> = first.iter().map(String::as_str).collect();
        let second: Vec<&str> = second.iter().map(String::as_str).collect();
        let alone = run(&[&second]);
        assert_eq!(alone.outliers, 0);
        let both = run(&[&first, &second]);
        assert_eq!(both.outliers, 3);
        assert!(both.offers[5..].iter().all(|o| o.flagged_outlier));
        assert!(both.offers[..5].iter().all(|o| !o.flagged_outlier));
    }

    #[test]
    fn rejections_are_counted_beyond_those_kept() {
        let mut r = Rejections::default();
        for i in 0..(MAX_REJECTIONS_KEPT as u64 + 5) {
            r.push("f", i, "bad".into());
        }
        assert_eq!(r.kept.len(), MAX_REJECTIONS_KEPT);
        assert_eq!(r.total, MAX_REJECTIONS_KEPT as u64 + 5);
    }

    #[test]
    fn header_is_required() {
        assert_eq!(Header::parse(std::iter::empty()), Err(ImportError::Empty));
        assert!(matches!(
            Header::parse(["store_id", "price"]),
            Err(ImportError::MissingColumns(_))
        ));
        assert!(Header::parse(HEADER.to_uppercase().split(',')).is_ok());
        let bom = format!("\u{feff}{HEADER}");
        assert!(Header::parse(bom.split(',')).is_ok());
    }
}
