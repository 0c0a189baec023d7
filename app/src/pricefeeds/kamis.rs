//! KAMIS daily retail prices by region (`action=dailyCountyList`, JSON),
//! per kg where KAMIS offers the conversion (`p_convert_kg_yn=Y`).
//!
//! The answer is read leniently: `error_code` at the top or under `data`,
//! items under `price` or `data.item`; every item field is text.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde_json::Value;
use ttokjang_domain::catalog::pack::Pack;
use ttokjang_domain::pricesync::feed::{BadRow, FeedError, FeedPage, KamisPrice};
use ttokjang_domain::pricesync::parse_day;
use ttokjang_domain::pricesync::ports::KamisFeed;

use super::xml::short;
use super::{client, get_text, FeedConfig};

pub struct Kamis {
    http: reqwest::Client,
    config: FeedConfig,
}

impl Kamis {
    pub fn new(config: FeedConfig) -> Result<Self, FeedError> {
        Ok(Self {
            http: client(config.timeout)?,
            config,
        })
    }
}

fn field<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
}

fn day(raw: &str) -> Option<NaiveDate> {
    parse_day(raw).or_else(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
}

fn item(county: &str, v: &Value) -> Result<Option<KamisPrice>, String> {
    // Wholesale rows (02) are not shop prices.
    if field(v, "product_cls_code").is_some_and(|c| c != "01") {
        return Ok(None);
    }
    let product_no = field(v, "productno").ok_or("productno is missing")?;
    if !product_no.bytes().all(|b| b.is_ascii_alphanumeric()) || product_no.len() > 20 {
        return Err(format!("productno {:?} is not an id", short(product_no)));
    }
    let item_name = field(v, "item_name").ok_or("item_name is missing")?;
    let unit = field(v, "unit").ok_or("unit is missing")?;
    let d = field(v, "lastest_date")
        .and_then(day)
        .ok_or("lastest_date is missing or unreadable")?;
    let raw = field(v, "dpr1").ok_or("dpr1 (latest price) is missing")?;
    let price_krw = raw
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && *p >= 1.0 && *p < 1e8)
        .ok_or_else(|| format!("dpr1 {:?} is not a price", short(raw)))?;
    // A whole number of won below 10^8: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation)]
    let price_krw = price_krw.round() as i64;
    Ok(Some(KamisPrice {
        county: county.to_owned(),
        product_no: product_no.to_owned(),
        item_name: item_name.to_owned(),
        unit: unit.to_owned(),
        pack: Pack::parse(unit),
        day: d,
        price_krw,
    }))
}

/// The items of an answer, or its typed failure.
pub fn read(county: &str, text: &str) -> Result<FeedPage<KamisPrice>, FeedError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| FeedError::Malformed(format!("JSON: {}", short(&e.to_string()))))?;
    let data = v.get("data");
    let code = v
        .get("error_code")
        .or_else(|| data.and_then(|d| d.get("error_code")))
        .and_then(Value::as_str)
        // `"data": ["001"]`: a bare code.
        .or_else(|| {
            data.and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
        })
        .map(str::trim);
    match code {
        Some("000") => {}
        // 001: no data for the request — an empty survey, not an error.
        Some("001") => return Ok(FeedPage::new(Vec::new(), Vec::new())),
        Some("200") => return Err(FeedError::BadRequest("KAMIS 200: bad parameters".into())),
        Some("900") => return Err(FeedError::KeyRefused("KAMIS 900: unauthorised".into())),
        Some(other) => return Err(FeedError::BadRequest(format!("KAMIS {}", short(other)))),
        None => return Err(FeedError::Malformed("no error_code".into())),
    }
    let list = v
        .get("price")
        .or_else(|| data.and_then(|d| d.get("item")))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (index, it) in list.iter().enumerate() {
        match item(county, it) {
            Ok(Some(p)) => rows.push(p),
            Ok(None) => {}
            Err(reason) => bad.push(BadRow { index, reason }),
        }
    }
    Ok(FeedPage::new(rows, bad))
}

#[async_trait]
impl KamisFeed for Kamis {
    async fn region_retail(&self, county: &str) -> Result<FeedPage<KamisPrice>, FeedError> {
        let query = [
            ("action", "dailyCountyList"),
            ("p_cert_key", self.config.key.as_str()),
            ("p_cert_id", self.config.cert_id.as_str()),
            ("p_returntype", "json"),
            ("p_countycode", county),
            ("p_convert_kg_yn", "Y"),
        ];
        let text = get_text(&self.http, &self.config.base_url, &query).await?;
        read(county, &text)
    }
}
