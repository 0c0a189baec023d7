//! The data.go.kr XML envelope, read with quick-xml's serde support:
//!
//! ```xml
//! <response>
//!   <header><resultCode>00</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header>
//!   <body><items><item>…</item>…</items><totalCount>…</totalCount></body>
//! </response>
//! ```
//!
//! and the portal gateway's own refusal (bad key, quota):
//!
//! ```xml
//! <OpenAPI_ServiceResponse><cmmMsgHeader>
//!   <errMsg>SERVICE ERROR</errMsg>
//!   <returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg>
//!   <returnReasonCode>30</returnReasonCode>
//! </cmmMsgHeader></OpenAPI_ServiceResponse>
//! ```

use serde::de::DeserializeOwned;
use serde::Deserialize;
use ttokjang_domain::pricesync::feed::FeedError;

#[derive(Debug, Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    header: Option<Header>,
    #[serde(default = "Option::default")]
    body: Option<Body<T>>,
    #[serde(rename = "cmmMsgHeader", default)]
    gateway: Option<Gateway>,
}

#[derive(Debug, Deserialize)]
struct Header {
    #[serde(rename = "resultCode", default)]
    result_code: Option<String>,
    #[serde(rename = "resultMsg", default)]
    result_msg: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Body<T> {
    #[serde(default = "Option::default")]
    items: Option<Items<T>>,
}

#[derive(Debug, Deserialize)]
struct Items<T> {
    #[serde(rename = "item", default = "Vec::new")]
    item: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Gateway {
    #[serde(rename = "errMsg", default)]
    err_msg: Option<String>,
    #[serde(rename = "returnAuthMsg", default)]
    auth_msg: Option<String>,
    #[serde(rename = "returnReasonCode", default)]
    reason_code: Option<String>,
}

/// The items of a successful answer, or the typed failure it states.
pub fn items<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, FeedError> {
    let env: Envelope<T> = quick_xml::de::from_str(text)
        .map_err(|e| FeedError::Malformed(format!("XML: {}", short(&e.to_string()))))?;
    if let Some(g) = env.gateway {
        let code = g.reason_code.as_deref().map(str::trim).unwrap_or("");
        let msg = g
            .auth_msg
            .or(g.err_msg)
            .unwrap_or_else(|| "gateway error".into());
        return Err(match code {
            // LIMITED_NUMBER_OF_SERVICE_REQUESTS_EXCEEDS_ERROR
            "22" => FeedError::QuotaExhausted,
            // SERVICE_ACCESS_DENIED, not registered, expired, unregistered IP
            "20" | "30" | "31" | "32" | "33" => FeedError::KeyRefused(short(&msg)),
            "01" | "02" | "03" | "04" | "05" => FeedError::Server(502),
            _ => FeedError::BadRequest(short(&msg)),
        });
    }
    let Some(header) = env.header else {
        return Err(FeedError::Malformed("no header/resultCode".into()));
    };
    let code = header.result_code.as_deref().map(str::trim).unwrap_or("");
    let msg = short(header.result_msg.as_deref().unwrap_or(""));
    match code {
        "00" => Ok(env
            .body
            .and_then(|b| b.items)
            .map(|i| i.item)
            .unwrap_or_default()),
        "01" => Err(FeedError::BadRequest(format!("bad date ({msg})"))),
        "05" => Err(FeedError::UnknownId(msg)),
        "22" => Err(FeedError::QuotaExhausted),
        "20" | "30" | "31" | "32" | "33" => Err(FeedError::KeyRefused(msg)),
        "" => Err(FeedError::Malformed("no resultCode".into())),
        other => Err(FeedError::BadRequest(format!("resultCode {other} ({msg})"))),
    }
}

/// Service text echoed in an error: at most 120 characters, no control
/// characters.
pub fn short(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(120).collect()
}
