//! Reading price rows in the shape of the public 참가격 data (Korea Consumer
//! Agency): one row per store × product × inspection day.
//!
//! Columns (header required, any order, extra columns ignored):
//! `store_id, store_name, store_type (LM|SM|TM|DP), address, lat, lng,
//! product_id, product_name, unit (G|ML|EA), size, inspection_day
//! (YYYY-MM-DD), price, discount (Y|N)`.
//!
//! Every row is validated; bad rows are reported with their line number and
//! reasons and left out, good rows form one [`CatalogBatch`]. Ids get a `kca-`
//! prefix so imported data never collides with other sources. An offer is
//! keyed by (store, product, inspection day at 00:00 Asia/Seoul), so importing
//! the same file again changes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use thiserror::Error;

use super::outlier::flag_outliers;
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

/// A row left out, with its 1-based line number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: usize,
    pub reason: String,
}

/// What reading a file produced.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceImport {
    pub batch: CatalogBatch,
    /// Data rows read (the header not counted, blank lines skipped).
    pub rows_read: usize,
    pub rejected: Vec<Rejection>,
    /// Offers flagged by the outlier guard (kept, not dropped).
    pub outliers_flagged: usize,
}

/// Splits CSV text into records with the line each starts on. Handles quoted
/// fields (with `""` escapes and line breaks inside), CRLF and a BOM.
fn records(text: &str) -> Vec<(usize, Vec<String>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if field.is_empty() => quoted = true,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].trim().is_empty()) {
                    out.push((start, std::mem::take(&mut fields)));
                }
                fields.clear();
                line += 1;
                start = line;
            }
            c => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
        }
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            out.push((start, fields));
        }
    }
    out
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

struct Row<'a> {
    cells: &'a [String],
    index: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.index
            .get(column)
            .and_then(|i| self.cells.get(*i))
            .map_or("", |s| s.trim())
    }
}

struct Parsed {
    store: Store,
    product: Product,
    offer: Offer,
}

fn parse_row(row: &Row<'_>) -> Result<Parsed, Vec<String>> {
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
            Ok(Parsed {
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

/// Reads a whole file. Fails only when there is no usable header.
pub fn parse_price_csv(text: &str) -> Result<PriceImport, ImportError> {
    let mut recs = records(text).into_iter();
    let (_, header) = recs.next().ok_or(ImportError::Empty)?;
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_ascii_lowercase();
        if let Some(col) = COLUMNS.iter().find(|c| **c == h) {
            index.entry(col).or_insert(i);
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| !index.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing.join(", ")));
    }

    let mut batch = CatalogBatch::default();
    let mut rejected = Vec::new();
    let mut rows_read = 0;
    let mut seen_stores: HashSet<StoreId> = HashSet::new();
    let mut seen_products: HashSet<ProductId> = HashSet::new();
    let mut seen_offers: HashMap<(StoreId, ProductId, DateTime<Utc>), usize> = HashMap::new();
    for (line, cells) in recs {
        rows_read += 1;
        if cells.len() < header.len() {
            rejected.push(Rejection {
                line,
                reason: format!(
                    "has {} columns, the header has {}",
                    cells.len(),
                    header.len()
                ),
            });
            continue;
        }
        let row = Row {
            cells: &cells,
            index: &index,
        };
        match parse_row(&row) {
            Ok(p) => {
                let key = (
                    p.offer.store_id.clone(),
                    p.offer.product_id.clone(),
                    p.offer.observed_at,
                );
                if let Some(first) = seen_offers.get(&key) {
                    rejected.push(Rejection {
                        line,
                        reason: format!("duplicate of line {first} (same store, product and day)"),
                    });
                    continue;
                }
                seen_offers.insert(key, line);
                if seen_stores.insert(p.store.id().clone()) {
                    batch.stores.push(p.store);
                }
                if seen_products.insert(p.product.id().clone()) {
                    batch.products.push(p.product);
                }
                batch.offers.push(p.offer);
            }
            Err(problems) => rejected.push(Rejection {
                line,
                reason: problems.join("; "),
            }),
        }
    }
    let outliers_flagged = flag_outliers(&mut batch.offers);
    Ok(PriceImport {
        batch,
        rows_read,
        rejected,
        outliers_flagged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "store_id,store_name,store_type,address,lat,lng,product_id,product_name,unit,size,inspection_day,price,discount";

    fn file(rows: &[&str]) -> String {
        let mut s = HEADER.to_owned();
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s
    }

    #[test]
    fn good_rows_make_one_batch() {
        let text = file(&[
            "LM01,이마트 역삼점,LM,서울 강남구 역삼로 310,37.4996,127.0478,P001,\"서울우유 1L\",ML,1000,2026-11-20,2980,N",
            "LM01,이마트 역삼점,LM,서울 강남구 역삼로 310,37.4996,127.0478,P002,계란 30구,EA,30,2026-11-20,7980,Y",
            "SM02,\"GS더프레시, 역삼점\",SM,서울 강남구,37.5,127.03,P001,서울우유 1L,ML,1000,2026-11-20,3100,N",
        ]);
        let r = parse_price_csv(&text).expect("parsed");
        assert_eq!(r.rows_read, 3);
        assert!(r.rejected.is_empty(), "{:?}", r.rejected);
        assert_eq!(r.batch.stores.len(), 2);
        assert_eq!(r.batch.products.len(), 2);
        assert_eq!(r.batch.offers.len(), 3);
        assert_eq!(r.batch.stores[1].name(), "GS더프레시, 역삼점");
        assert_eq!(r.batch.stores[0].chain(), "이마트");
        assert_eq!(r.batch.stores[0].id().as_str(), "kca-LM01");
        assert!(r.batch.offers[1].discounted);
        assert_eq!(
            r.batch.offers[0].observed_at.to_rfc3339(),
            "2026-11-19T15:00:00+00:00"
        );
    }

    #[test]
    fn bad_rows_are_reported_with_line_and_reason() {
        let text = file(&[
            "S1,가게,LM,주소,97.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,0,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,L,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-13-40,1000,N",
            "S1,가게,XX,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1000,N",
            "S1,가게,LM,주소,37.0,127.0,P1,우유,ML,1000,2026-11-20,1200,N",
            "S1,가게,LM",
        ]);
        let r = parse_price_csv(&text).expect("parsed");
        assert_eq!(r.rows_read, 8);
        assert_eq!(r.batch.offers.len(), 1);
        let lines: Vec<usize> = r.rejected.iter().map(|x| x.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 8, 9]);
        let reasons: Vec<&str> = r.rejected.iter().map(|x| x.reason.as_str()).collect();
        assert!(reasons[0].contains("bad coordinate"));
        assert!(reasons[1].contains("non-positive"));
        assert!(reasons[2].contains("unknown unit"));
        assert!(reasons[3].contains("bad date"));
        assert!(reasons[4].contains("unknown store_type"));
        assert!(reasons[5].contains("duplicate of line 7"));
        assert!(reasons[6].contains("columns"));
    }

    #[test]
    fn header_is_required() {
        assert_eq!(parse_price_csv(""), Err(ImportError::Empty));
        assert!(matches!(
            parse_price_csv("store_id,price\n1,2"),
            Err(ImportError::MissingColumns(_))
        ));
    }

    #[test]
    fn csv_records_handle_quotes_crlf_and_bom() {
        let recs = records("\u{feff}a,\"b,\"\"c\"\"\"\r\n\r\n\"x\ny\",z\n");
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0], (1, vec!["a".to_owned(), "b,\"c\"".to_owned()]));
        assert_eq!(recs[1], (3, vec!["x\ny".to_owned(), "z".to_owned()]));
    }
}
