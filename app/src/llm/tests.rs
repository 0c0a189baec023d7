//! The LLM assistant against a fake chat-completions server.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use ttokjang_domain::basket::{BasketItem, BasketItemId, ItemName, ProductRef, Quantity};
use ttokjang_domain::catalog::memory::InMemoryCatalog;
use ttokjang_domain::user::UserId;
use uuid::Uuid;

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
    let catalog = Arc::new(InMemoryCatalog::with_products(vec![
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

#[test]
fn off_by_default_and_the_key_is_never_printed() {
    assert!(LlmConfig::from_lookup(|_| None).is_none());
    let c = LlmConfig::from_lookup(|k| match k {
        "TTOKJANG_LLM_BASE_URL" => Some("https://llm.example/v1/".into()),
        "TTOKJANG_LLM_API_KEY" => Some("sk-secret".into()),
        _ => None,
    })
    .expect("on");
    assert_eq!(c.base_url, "https://llm.example/v1");
    assert_eq!(c.model, "gpt-4o-mini");
    assert_eq!(c.timeout, Duration::from_millis(3000));
    assert!(!format!("{c:?}").contains("sk-secret"));
}
