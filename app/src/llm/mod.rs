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
//! Environment: `TTOKJANG_LLM_BASE_URL` (e.g. `https://api.openai.com/v1`;
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

impl LlmConfig {
    /// The configuration from the environment; `None` (off) without a base URL.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let base_url = get("TTOKJANG_LLM_BASE_URL").filter(|s| !s.trim().is_empty())?;
        Some(Self {
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            api_key: get("TTOKJANG_LLM_API_KEY").filter(|s| !s.is_empty()),
            model: get("TTOKJANG_LLM_MODEL")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "gpt-4o-mini".into()),
            timeout: Duration::from_millis(
                get("TTOKJANG_LLM_TIMEOUT_MS")
                    .and_then(|s| s.parse().ok())
                    .filter(|ms| (100..=30_000).contains(ms))
                    .unwrap_or(3000),
            ),
        })
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
mod tests;
