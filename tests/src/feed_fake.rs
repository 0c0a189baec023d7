//! A local fake of the public price feeds (참가격, KAMIS): an HTTP server
//! whose answers a rule chooses from each request's path and query, and
//! which remembers every request. The adapter tests, the scheduled-sync tests
//! and the sync benchmark (`fake-price-feed`, `scripts/bench/sync-bench.sh`)
//! use it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

/// What the fake answers: (status, body, delay in ms) for a request, chosen
/// by a rule from its path and query.
pub type Rule = Arc<dyn Fn(&str, &HashMap<String, String>) -> (u16, String, u64) + Send + Sync>;

/// Every request the fake saw: path and query.
pub type Seen = Arc<Mutex<Vec<(String, HashMap<String, String>)>>>;

pub struct Fake {
    pub url: String,
    pub seen: Seen,
    pub handle: actix_web::dev::ServerHandle,
}

impl Fake {
    /// How many times the fake saw each call: the operation, with `:entpId`
    /// or `:p_countycode` when the call names one.
    pub fn calls(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for (path, q) in self
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let op = path.rsplit('/').next().unwrap_or("").to_owned();
            let key = match (q.get("entpId"), q.get("p_countycode")) {
                (Some(e), _) => format!("{op}:{e}"),
                (None, Some(c)) => format!("{op}:{c}"),
                (None, None) => op,
            };
            *m.entry(key).or_default() += 1;
        }
        m
    }

    /// Requests seen so far.
    pub fn count(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Starts the fake on `addr` (`127.0.0.1:0`: a free port) with `workers`
/// threads.
pub async fn fake_on(rule: Rule, addr: &str, workers: usize) -> Fake {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let server = HttpServer::new(move || {
        let (seen, rule) = (s2.clone(), rule.clone());
        App::new().default_service(web::to(move |req: HttpRequest| {
            let (seen, rule) = (seen.clone(), rule.clone());
            async move {
                let query: HashMap<String, String> =
                    web::Query::<HashMap<String, String>>::from_query(req.query_string())
                        .map(web::Query::into_inner)
                        .unwrap_or_default();
                let path = req.path().to_owned();
                seen.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((path.clone(), query.clone()));
                let (status, body, delay) = rule(&path, &query);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                HttpResponse::build(
                    actix_web::http::StatusCode::from_u16(status).unwrap_or_default(),
                )
                .content_type("text/xml; charset=utf-8")
                .body(body)
            }
        }))
    })
    .workers(workers.max(1))
    .bind(addr)
    .expect("bind");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Fake {
        url: format!("http://{addr}"),
        seen,
        handle,
    }
}

/// Starts the fake on a free local port.
pub async fn fake(rule: Rule) -> Fake {
    fake_on(rule, "127.0.0.1:0", 1).await
}

/// A 참가격 answer with these `<item>`s and result code `00`.
pub fn envelope(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><header><resultCode>00</resultCode>\
         <resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>{items}</items></body></response>"
    )
}

/// A 참가격 survey on **any** day asked: `stores` stores and `products`
/// products, every store selling every product on the day asked
/// (`goodInspectDay` echoed). KAMIS `dailyCountyList` answers two items for
/// any region.
pub fn survey_any_day(stores: usize, products: usize) -> Rule {
    let product_list: Arc<String> = Arc::new(envelope(
        &(1..=products)
            .map(|g| {
                format!(
                    "<item><goodId>{g}</goodId><goodName>상품 {g} 1L</goodName>\
                     <goodTotalCnt>1000</goodTotalCnt><goodTotalDivCode>ML</goodTotalDivCode>\
                     <goodBaseCnt>100</goodBaseCnt><goodUnitDivCode>ML</goodUnitDivCode></item>"
                )
            })
            .collect::<String>(),
    ));
    let store_list: Arc<String> = Arc::new(envelope(
        &(1..=stores)
            .map(|i| {
                format!(
                    "<item><entpId>{i}</entpId><entpName>롯데마트 {i}호점</entpName>\
                     <entpTypeCode>LM</entpTypeCode><roadAddrBasic>서울 {i}</roadAddrBasic>\
                     <xMapCoord>37.5</xMapCoord><yMapCoord>127.0</yMapCoord></item>"
                )
            })
            .collect::<String>(),
    ));
    Arc::new(move |path, q| {
        let op = path.rsplit('/').next().unwrap_or("");
        if q.get("action").map(String::as_str) == Some("dailyCountyList") {
            let county = q.get("p_countycode").cloned().unwrap_or_default();
            return (200, kamis_region(&county), 0);
        }
        let body = match op {
            "getStoreInfoSvc" => store_list.as_ref().clone(),
            "getProductInfoSvc" => product_list.as_ref().clone(),
            "getProductPriceInfoSvc" => {
                let entp = q.get("entpId").cloned().unwrap_or_default();
                let day = q.get("goodInspectDay").cloned().unwrap_or_default();
                let mut items = String::with_capacity(products * 200);
                for g in 1..=products {
                    let price = 1_000 + (g * 37 + entp.len() * 11) % 9_000;
                    let _ = write!(
                        items,
                        "<item><goodInspectDay>{day}</goodInspectDay><entpId>{entp}</entpId>\
                         <goodId>{g}</goodId><goodPrice>{price}</goodPrice><goodDcYn>N</goodDcYn>\
                         <plusoneYn>N</plusoneYn></item>"
                    );
                }
                envelope(&items)
            }
            _ => return (404, String::new(), 0),
        };
        (200, body, 0)
    })
}

/// KAMIS `dailyCountyList` (JSON) for one region: rice and cabbage.
fn kamis_region(county: &str) -> String {
    format!(
        r#"{{"condition":[{{"p_countycode":"{county}","p_convert_kg_yn":"Y"}}],"error_code":"000","price":[
{{"product_cls_code":"01","category_code":"100","productno":"1060","lastest_date":"2026-11-20","item_name":"쌀","unit":"20kg","dpr1":"62,300"}},
{{"product_cls_code":"01","category_code":"200","productno":"1087","lastest_date":"2026-11-20","item_name":"배추","unit":"1포기","dpr1":"3,580"}}
]}}"#
    )
}
