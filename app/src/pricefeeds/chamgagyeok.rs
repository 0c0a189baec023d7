//! 참가격 `ProductPriceInfoService` (XML): `getStoreInfoSvc`,
//! `getProductInfoSvc`, `getProductPriceInfoSvc`, `getStandardInfoSvc`.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::Deserialize;
use ttokjang_domain::catalog::pack::{Pack, UnitBasis};
use ttokjang_domain::pricesync::feed::{
    BadRow, FeedError, FeedPage, FeedPrice, FeedProduct, FeedStore, StandardClass, StandardCode,
};
use ttokjang_domain::pricesync::ports::ChamgagyeokFeed;
use ttokjang_domain::pricesync::{format_day, parse_day};

use super::xml::{items, short};
use super::{client, get_text, FeedConfig};

pub struct Chamgagyeok {
    http: reqwest::Client,
    config: FeedConfig,
}

impl Chamgagyeok {
    pub fn new(config: FeedConfig) -> Result<Self, FeedError> {
        Ok(Self {
            http: client(config.timeout)?,
            config,
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        op: &str,
        params: &[(&str, &str)],
    ) -> Result<Vec<T>, FeedError> {
        let url = format!(
            "{}/{op}{}",
            self.config.base_url.trim_end_matches('/'),
            self.config.op_suffix
        );
        let mut query: Vec<(&str, &str)> = vec![("serviceKey", self.config.key.as_str())];
        query.extend_from_slice(params);
        let text = get_text(&self.http, &url, &query).await?;
        items(&text)
    }
}

/// Every field is optional text, so one odd row is a bad row, not a failed
/// call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoreItem {
    entp_id: Option<String>,
    entp_name: Option<String>,
    entp_type_code: Option<String>,
    entp_area_code: Option<String>,
    x_map_coord: Option<String>,
    y_map_coord: Option<String>,
    road_addr_basic: Option<String>,
    road_addr_detail: Option<String>,
    plmk_addr_basic: Option<String>,
    plmk_addr_detail: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProductItem {
    good_id: Option<String>,
    good_name: Option<String>,
    good_smlcls_code: Option<String>,
    good_total_cnt: Option<String>,
    good_total_div_code: Option<String>,
    good_base_cnt: Option<String>,
    good_unit_div_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriceItem {
    good_inspect_day: Option<String>,
    entp_id: Option<String>,
    good_id: Option<String>,
    good_price: Option<String>,
    good_dc_yn: Option<String>,
    good_dc_start_day: Option<String>,
    good_dc_end_day: Option<String>,
    plusone_yn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StandardItem {
    code: Option<String>,
    code_name: Option<String>,
    high_code: Option<String>,
}

fn text(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn required<'a>(v: &'a Option<String>, field: &str) -> Result<&'a str, String> {
    text(v).ok_or_else(|| format!("{field} is missing"))
}

/// Ids go into keys and catalog ids: digits, letters, `-`, `_` only.
fn id(v: &Option<String>, field: &str) -> Result<String, String> {
    let s = required(v, field)?;
    if s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(s.to_owned())
    } else {
        Err(format!("{field} {:?} is not an id", short(s)))
    }
}

fn yn(v: &Option<String>, field: &str) -> Result<bool, String> {
    match text(v).map(str::to_ascii_uppercase).as_deref() {
        Some("Y") => Ok(true),
        Some("N") | None => Ok(false),
        Some(other) => Err(format!("{field} {:?} is not Y or N", short(other))),
    }
}

fn store(i: &StoreItem) -> Result<FeedStore, String> {
    let entp_id = id(&i.entp_id, "entpId")?;
    let coord = |v: &Option<String>, f: &str| -> Result<f64, String> {
        required(v, f)?
            .parse::<f64>()
            .map_err(|_| format!("{f} is not a number"))
    };
    // xMapCoord holds the latitude and yMapCoord the longitude.
    let lat = coord(&i.x_map_coord, "xMapCoord")?;
    let lng = coord(&i.y_map_coord, "yMapCoord")?;
    let join = |a: &Option<String>, b: &Option<String>| {
        text(a).map(|a| match text(b) {
            Some(b) => format!("{a} {b}"),
            None => a.to_owned(),
        })
    };
    let address = join(&i.road_addr_basic, &i.road_addr_detail)
        .or_else(|| join(&i.plmk_addr_basic, &i.plmk_addr_detail))
        .unwrap_or_default();
    Ok(FeedStore {
        entp_id,
        name: required(&i.entp_name, "entpName")?.to_owned(),
        type_code: required(&i.entp_type_code, "entpTypeCode")?.to_owned(),
        area_code: text(&i.entp_area_code).map(str::to_owned),
        lat,
        lng,
        address,
    })
}

fn product(i: &ProductItem) -> Result<FeedProduct, String> {
    let good_id = id(&i.good_id, "goodId")?;
    let pack = match (text(&i.good_total_cnt), text(&i.good_total_div_code)) {
        (Some(n), Some(u)) => Some(Pack::from_parts(n, u).ok_or_else(|| {
            format!(
                "goodTotalCnt/DivCode {:?} {:?} unreadable",
                short(n),
                short(u)
            )
        })?),
        _ => None,
    };
    let basis = match (text(&i.good_base_cnt), text(&i.good_unit_div_code)) {
        (Some(n), Some(u)) => UnitBasis::from_parts(n, u),
        _ => None,
    };
    Ok(FeedProduct {
        good_id,
        name: required(&i.good_name, "goodName")?.to_owned(),
        category_code: text(&i.good_smlcls_code).map(str::to_owned),
        pack,
        basis,
    })
}

fn price(i: &PriceItem) -> Result<FeedPrice, String> {
    let day = parse_day(required(&i.good_inspect_day, "goodInspectDay")?)
        .ok_or("goodInspectDay is not YYYYMMDD")?;
    let raw_price = required(&i.good_price, "goodPrice")?;
    let price_krw = raw_price
        .replace(',', "")
        .parse::<i64>()
        .map_err(|_| format!("goodPrice {:?} is not a whole number", short(raw_price)))?;
    let period = match (text(&i.good_dc_start_day), text(&i.good_dc_end_day)) {
        (Some(a), Some(b)) => match (parse_day(a), parse_day(b)) {
            (Some(a), Some(b)) if a <= b => Some((a, b)),
            _ => return Err("goodDcStartDay/EndDay unreadable".into()),
        },
        _ => None,
    };
    Ok(FeedPrice {
        day,
        entp_id: id(&i.entp_id, "entpId")?,
        good_id: id(&i.good_id, "goodId")?,
        price_krw,
        discounted: yn(&i.good_dc_yn, "goodDcYn")?,
        discount_period: period,
        plus_one: yn(&i.plusone_yn, "plusoneYn")?,
    })
}

fn page<I, T>(items: Vec<I>, read: impl Fn(&I) -> Result<T, String>) -> FeedPage<T> {
    let mut rows = Vec::with_capacity(items.len());
    let mut bad = Vec::new();
    for (index, i) in items.iter().enumerate() {
        match read(i) {
            Ok(r) => rows.push(r),
            Err(reason) => bad.push(BadRow { index, reason }),
        }
    }
    FeedPage::new(rows, bad)
}

#[async_trait]
impl ChamgagyeokFeed for Chamgagyeok {
    async fn stores(&self) -> Result<FeedPage<FeedStore>, FeedError> {
        let items: Vec<StoreItem> = self.call("getStoreInfoSvc", &[]).await?;
        Ok(page(items, store))
    }

    async fn products(&self) -> Result<FeedPage<FeedProduct>, FeedError> {
        let items: Vec<ProductItem> = self.call("getProductInfoSvc", &[]).await?;
        Ok(page(items, product))
    }

    async fn store_prices(
        &self,
        day: NaiveDate,
        entp_id: &str,
    ) -> Result<FeedPage<FeedPrice>, FeedError> {
        let day = format_day(day);
        let items: Vec<PriceItem> = self
            .call(
                "getProductPriceInfoSvc",
                &[("goodInspectDay", &day), ("entpId", entp_id)],
            )
            .await?;
        Ok(page(items, price))
    }

    async fn standard(&self, class: StandardClass) -> Result<FeedPage<StandardCode>, FeedError> {
        let items: Vec<StandardItem> = self
            .call("getStandardInfoSvc", &[("classCode", class.code())])
            .await?;
        Ok(page(items, |i| {
            Ok(StandardCode {
                code: required(&i.code, "code")?.to_owned(),
                name: required(&i.code_name, "codeName")?.to_owned(),
                parent: text(&i.high_code).map(str::to_owned),
            })
        }))
    }
}
