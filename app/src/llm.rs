//! An optional LLM behind the domain's `ChatAssistant` port: an
//! OpenAI-compatible chat-completions API reads the message and answers edit
//! actions as JSON, which are validated against the catalog and the basket.
//! Anything else — off (the default), slow (past the deadline), an HTTP error
//! (429, 500 …), text that is not the expected JSON, a product id the catalog
//! lacks — and the rule-based assistant answers instead.
//!
//! The model sees only the message (with e-mail addresses, phone numbers and
//! tokens masked), the basket's line names and candidate products (id and
//! name). Logs carry no message text.
//!
//! Environment (read once into `Config::llm`, `crate::config::llm`):
//! `TTOKJANG_LLM_BASE_URL` (e.g. `https://api.openai.com/v1`;
//! unset = off), `TTOKJANG_LLM_API_KEY`, `TTOKJANG_LLM_MODEL` (default
//! `gpt-4o-mini`), `TTOKJANG_LLM_TIMEOUT_MS` (default 3000).

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use regex::Regex;
use serde::Deserialize;
use serde_json::{json, Value};
use ttokjang_domain::basket::Basket;
use ttokjang_domain::catalog::search::ProductQuery;
use ttokjang_domain::catalog::Product;
use ttokjang_domain::chat::assistant::{AssistantError, ChatAction, ChatAssistant, Interpretation};
use ttokjang_domain::ports::CatalogRepository;

/// Where and how to call the model.
#[derive(Clone)]
pub struct LlmConfig {
    /// The API root, e.g. `https://api.openai.com/v1` (`/chat/completions` is appended).
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    /// The whole call's deadline; past it the rule parser answers.
    pub timeout: Duration,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .finish()
    }
}

pub struct LlmAssistant {
    config: LlmConfig,
    client: reqwest::Client,
    catalog: Arc<dyn CatalogRepository>,
    fallback: Arc<dyn ChatAssistant>,
}

/// Why the model's answer was not used (logged, then the rules answer).
#[derive(Debug, thiserror::Error)]
enum LlmError {
    #[error("request failed: {0}")]
    Http(String),
    #[error("status {0}")]
    Status(u16),
    #[error("the answer is not the expected JSON: {0}")]
    Shape(String),
    #[error("the answer names a product or line that does not exist")]
    Invalid,
    #[error("catalog: {0}")]
    Catalog(String),
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}").expect("valid e-mail regex")
});

/// The message as the model may see it: no e-mail addresses, phone numbers,
/// tokens or keys.
pub fn masked(message: &str) -> String {
    let m = crate::logging::mask(message);
    EMAIL.replace_all(&m, "[EMAIL]").into_owned()
}

#[derive(Debug, Deserialize)]
struct Answer {
    #[serde(default)]
    reply: String,
    actions: Vec<Proposed>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Proposed {
    Add { product_id: String, quantity: u32 },
    Remove { line: String },
    SetQuantity { line: String, quantity: u32 },
}

const SYSTEM: &str = "You edit a Korean grocery basket. Answer ONLY a JSON object \
{\"reply\": string (Korean, short), \"actions\": [...]} where each action is one of \
{\"type\":\"add\",\"product_id\":<id from candidates>,\"quantity\":1-99}, \
{\"type\":\"remove\",\"line\":<exact basket line name>}, \
{\"type\":\"set_quantity\",\"line\":<exact basket line name>,\"quantity\":1-99}. \
Use only the given candidate ids and basket line names. Never empty the whole basket. \
If unsure, answer {\"reply\": \"<a question>\", \"actions\": []}.";

impl LlmAssistant {
    pub fn new(
        config: LlmConfig,
        catalog: Arc<dyn CatalogRepository>,
        fallback: Arc<dyn ChatAssistant>,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()?;
        Ok(Self {
            config,
            client,
            catalog,
            fallback,
        })
    }

    /// Catalog products the message may mean: a search per word, at most 20.
    async fn candidates(&self, message: &str) -> Result<Vec<Product>, LlmError> {
        let mut found: BTreeMap<String, Product> = BTreeMap::new();
        for word in message
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .take(12)
        {
            let Ok(q) = ProductQuery::parse(word) else {
                continue;
            };
            let hits = self
                .catalog
                .search_products(&q, 0, 5)
                .await
                .map_err(|e| LlmError::Catalog(e.to_string()))?;
            for p in hits {
                if found.len() < 20 {
                    found.insert(p.id().as_str().to_owned(), p);
                }
            }
        }
        Ok(found.into_values().collect())
    }

    async fn ask(&self, message: &str, basket: &Basket) -> Result<Interpretation, LlmError> {
        let candidates = self.candidates(message).await?;
        let lines: Vec<&str> = basket.items().iter().map(|i| i.name.as_str()).collect();
        let input = json!({
            "message": masked(message),
            "basket": lines,
            "candidates": candidates
                .iter()
                .map(|p| json!({"id": p.id().as_str(), "name": p.name()}))
                .collect::<Vec<_>>(),
        });
        let body = json!({
            "model": self.config.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": input.to_string()},
            ],
        });
        let mut req = self
            .client
            .post(format!("{}/chat/completions", self.config.base_url))
            .json(&body);
        if let Some(key) = &self.config.api_key {
            req = req.bearer_auth(key);
        }
        let res = req
            .send()
            .await
            .map_err(|e| LlmError::Http(e.without_url().to_string()))?;
        if !res.status().is_success() {
            return Err(LlmError::Status(res.status().as_u16()));
        }
        let envelope: Value = res
            .json()
            .await
            .map_err(|e| LlmError::Shape(e.without_url().to_string()))?;
        let content = envelope["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| LlmError::Shape("no choices[0].message.content".into()))?;
        let answer: Answer =
            serde_json::from_str(content).map_err(|e| LlmError::Shape(e.to_string()))?;
        self.validated(answer, &candidates, basket)
    }

    /// Every action checked against the candidates and the basket; one bad
    /// action and the whole answer is dropped.
    fn validated(
        &self,
        answer: Answer,
        candidates: &[Product],
        basket: &Basket,
    ) -> Result<Interpretation, LlmError> {
        let mut actions = Vec::new();
        for a in answer.actions {
            actions.push(match a {
                Proposed::Add {
                    product_id,
                    quantity,
                } => {
                    let p = candidates
                        .iter()
                        .find(|p| p.id().as_str() == product_id)
                        .ok_or(LlmError::Invalid)?;
                    if !(1..=99).contains(&quantity) {
                        return Err(LlmError::Invalid);
                    }
                    ChatAction::Add {
                        product_id: Some(product_id),
                        name: p.name().to_owned(),
                        quantity,
                    }
                }
                Proposed::Remove { line } => {
                    let l = basket
                        .items()
                        .iter()
                        .find(|i| i.name.as_str() == line)
                        .ok_or(LlmError::Invalid)?;
                    ChatAction::Remove {
                        item_id: l.id.0.to_string(),
                        name: line,
                    }
                }
                Proposed::SetQuantity { line, quantity } => {
                    let l = basket
                        .items()
                        .iter()
                        .find(|i| i.name.as_str() == line)
                        .ok_or(LlmError::Invalid)?;
                    if !(1..=99).contains(&quantity) {
                        return Err(LlmError::Invalid);
                    }
                    ChatAction::SetQuantity {
                        item_id: l.id.0.to_string(),
                        name: line,
                        quantity,
                    }
                }
            });
        }
        let reply = answer.reply.trim();
        if reply.is_empty() || reply.chars().count() > 500 {
            return Err(LlmError::Shape("reply missing or too long".into()));
        }
        Ok(Interpretation {
            reply: reply.to_owned(),
            actions,
            ..Interpretation::default()
        })
    }
}

#[async_trait]
impl ChatAssistant for LlmAssistant {
    async fn interpret(
        &self,
        message: &str,
        basket: &Basket,
    ) -> Result<Interpretation, AssistantError> {
        // Clearing, confirmations and plans stay with the rules: they carry
        // the safety steps (confirm before a clear) the model must not skip.
        let rules_only = matches!(
            ttokjang_domain::chat::parse::parse(message),
            ttokjang_domain::chat::parse::Intent::Clear
                | ttokjang_domain::chat::parse::Intent::Confirm
                | ttokjang_domain::chat::parse::Intent::Cancel
                | ttokjang_domain::chat::parse::Intent::Plan { .. }
                | ttokjang_domain::chat::parse::Intent::Show
                | ttokjang_domain::chat::parse::Intent::Recipe(_)
        );
        if !rules_only {
            match tokio::time::timeout(self.config.timeout, self.ask(message, basket)).await {
                Ok(Ok(answer)) => return Ok(answer),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, chars = message.chars().count(), "LLM answer not used; rules answer");
                }
                Err(_) => {
                    tracing::warn!(
                        timeout_ms =
                            u64::try_from(self.config.timeout.as_millis()).unwrap_or(u64::MAX),
                        "LLM too slow; rules answer"
                    );
                }
            }
        }
        self.fallback.interpret(message, basket).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use ttokjang_domain::basket::{BasketItem, BasketItemId, ItemName, ProductRef, Quantity};
    use ttokjang_domain::catalog::search::rank;
    use ttokjang_domain::catalog::{
        CatalogBatch, CatalogCounts, GeoPoint, NearbyStore, Offer, ProductId, Store, StoreId,
    };
    use ttokjang_domain::user::UserId;
    use ttokjang_domain::RepoError;
    use uuid::Uuid;

    struct Catalog(Vec<Product>);

    #[async_trait]
    impl CatalogRepository for Catalog {
        async fn search_products(
            &self,
            query: &ProductQuery,
            offset: usize,
            limit: usize,
        ) -> Result<Vec<Product>, RepoError> {
            Ok(rank(self.0.clone(), query)
                .into_iter()
                .skip(offset)
                .take(limit)
                .collect())
        }
        async fn get_products(&self, _: &[ProductId]) -> Result<Vec<Product>, RepoError> {
            Ok(Vec::new())
        }
        async fn list_stores_near(
            &self,
            _: GeoPoint,
            _: f64,
            _: usize,
            _: usize,
        ) -> Result<Vec<NearbyStore>, RepoError> {
            Ok(Vec::new())
        }
        async fn list_online_malls(&self) -> Result<Vec<Store>, RepoError> {
            Ok(Vec::new())
        }
        async fn offers_for(
            &self,
            _: &[ProductId],
            _: &[StoreId],
        ) -> Result<Vec<Offer>, RepoError> {
            Ok(Vec::new())
        }
        async fn upsert_catalog(&self, _: &CatalogBatch) -> Result<CatalogCounts, RepoError> {
            Ok(CatalogCounts::default())
        }
        async fn catalog_counts(&self) -> Result<CatalogCounts, RepoError> {
            Ok(CatalogCounts::default())
        }
    }

    /// The rules, as a marker: its reply says it answered.
    struct Rules;

    #[async_trait]
    impl ChatAssistant for Rules {
        async fn interpret(&self, _: &str, _: &Basket) -> Result<Interpretation, AssistantError> {
            Ok(Interpretation {
                reply: "rules".into(),
                ..Interpretation::default()
            })
        }
    }

    type Seen = Arc<std::sync::Mutex<Vec<String>>>;

    /// A fake chat-completions server: answers every request with `status`
    /// and `body` after `delay`, and keeps the request bodies it saw.
    async fn fake(status: u16, body: String, delay: Duration) -> (String, Seen, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let (seen2, calls2) = (seen.clone(), calls.clone());
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (body, seen, calls) = (body.clone(), seen2.clone(), calls2.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let n = sock.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        if let Some(end) = text.find("\r\n\r\n") {
                            let len = text[..end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                seen.lock().expect("lock").push(text);
                                break;
                            }
                        }
                    }
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    let res = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(res.as_bytes()).await;
                });
            }
        });
        (format!("http://{addr}/v1"), seen, calls)
    }

    fn completion(content: &str) -> String {
        json!({"choices": [{"message": {"role": "assistant", "content": content}}]}).to_string()
    }

    fn product(id: &str, name: &str, aliases: &[&str]) -> Product {
        Product::new(ttokjang_domain::catalog::NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: None,
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            category: "test".into(),
            unit: ttokjang_domain::catalog::Unit::Ea,
            size: 1,
            barcode: None,
        })
        .expect("product")
    }

    fn basket() -> Basket {
        Basket::new(
            UserId(Uuid::nil()),
            vec![BasketItem {
                id: BasketItemId(Uuid::nil()),
                product_id: Some(ProductRef::parse("p0404").expect("ref")),
                name: ItemName::parse("코카콜라 1.5L").expect("name"),
                quantity: Quantity::new(2).expect("q"),
                unit: None,
                note: None,
            }],
            None,
            1,
        )
        .expect("basket")
    }

    async fn assistant(
        status: u16,
        body: String,
        delay: Duration,
    ) -> (LlmAssistant, Seen, Arc<AtomicUsize>) {
        let (url, seen, calls) = fake(status, body, delay).await;
        let config = LlmConfig {
            base_url: url,
            api_key: Some("sk-test-secret".into()),
            model: "test-model".into(),
            timeout: Duration::from_millis(500),
        };
        let catalog = Arc::new(Catalog(vec![
            product("p0101", "서울우유 1L", &["우유", "milk"]),
            product("p0404", "코카콜라 1.5L", &["콜라"]),
        ]));
        (
            LlmAssistant::new(config, catalog, Arc::new(Rules)).expect("client"),
            seen,
            calls,
        )
    }

    #[tokio::test]
    async fn a_good_answer_is_validated_and_used() {
        let content = json!({"reply": "우유 2개를 담았어요.", "actions": [
            {"type": "add", "product_id": "p0101", "quantity": 2},
            {"type": "set_quantity", "line": "코카콜라 1.5L", "quantity": 1}
        ]})
        .to_string();
        let (a, seen, _) = assistant(200, completion(&content), Duration::ZERO).await;
        let got = a
            .interpret(
                "우유 두 개 담고 콜라는 하나만. 연락은 kim@example.com 010-1234-5678",
                &basket(),
            )
            .await
            .expect("answer");
        assert_eq!(got.reply, "우유 2개를 담았어요.");
        assert_eq!(
            got.actions,
            vec![
                ChatAction::Add {
                    product_id: Some("p0101".into()),
                    name: "서울우유 1L".into(),
                    quantity: 2
                },
                ChatAction::SetQuantity {
                    item_id: Uuid::nil().to_string(),
                    name: "코카콜라 1.5L".into(),
                    quantity: 1
                },
            ]
        );
        let request = seen.lock().expect("lock").join("\n");
        assert!(
            request.contains("authorization: Bearer sk-test-secret")
                || request.contains("Authorization: Bearer sk-test-secret")
        );
        assert!(request.contains("서울우유 1L"), "candidates are sent");
        assert!(request.contains("코카콜라 1.5L"), "basket names are sent");
        assert!(
            !request.contains("kim@example.com"),
            "no e-mail reaches the model"
        );
        assert!(!request.contains("1234-5678"), "no phone reaches the model");
        assert!(
            !request.contains(&Uuid::nil().to_string()),
            "no line ids reach the model"
        );
    }

    #[tokio::test]
    async fn invalid_json_falls_back_to_the_rules() {
        let (a, _, calls) = assistant(200, completion("sure! I added milk"), Duration::ZERO).await;
        let got = a.interpret("우유 담아줘", &basket()).await.expect("answer");
        assert_eq!(got.reply, "rules");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let (a, _, _) = assistant(200, "not json at all".into(), Duration::ZERO).await;
        assert_eq!(
            a.interpret("우유 담아줘", &basket())
                .await
                .expect("a")
                .reply,
            "rules"
        );
    }

    #[tokio::test]
    async fn a_hallucinated_product_or_line_falls_back() {
        for content in [
            json!({"reply": "ok", "actions": [{"type": "add", "product_id": "p9999", "quantity": 1}]}),
            json!({"reply": "ok", "actions": [{"type": "remove", "line": "사이다"}]}),
            json!({"reply": "ok", "actions": [{"type": "add", "product_id": "p0101", "quantity": 500}]}),
            json!({"reply": "ok", "actions": [{"type": "clear"}]}),
        ] {
            let (a, _, _) = assistant(200, completion(&content.to_string()), Duration::ZERO).await;
            let got = a.interpret("우유 담아줘", &basket()).await.expect("answer");
            assert_eq!(got.reply, "rules", "{content}");
        }
    }

    #[tokio::test]
    async fn a_slow_model_falls_back_at_the_deadline() {
        let content = json!({"reply": "late", "actions": []}).to_string();
        let (a, _, _) = assistant(200, completion(&content), Duration::from_secs(5)).await;
        let started = std::time::Instant::now();
        let got = a.interpret("우유 담아줘", &basket()).await.expect("answer");
        assert_eq!(got.reply, "rules");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the deadline holds"
        );
    }

    #[tokio::test]
    async fn errors_429_and_500_fall_back() {
        for status in [429, 500, 503] {
            let (a, _, calls) = assistant(status, "{}".into(), Duration::ZERO).await;
            let got = a.interpret("우유 담아줘", &basket()).await.expect("answer");
            assert_eq!(got.reply, "rules", "{status}");
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        }
    }

    #[tokio::test]
    async fn clears_and_plans_never_reach_the_model() {
        let content = json!({"reply": "x", "actions": []}).to_string();
        let (a, _, calls) = assistant(200, completion(&content), Duration::ZERO).await;
        for m in ["장바구니 비워줘", "네", "최저가 플랜 짜줘"] {
            assert_eq!(a.interpret(m, &basket()).await.expect("a").reply, "rules");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
