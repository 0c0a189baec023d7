//! The webhook notifier against a local HTTP server: signed body, retries on
//! 5xx, no retry on 4xx.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use ttokjang::config::Secret;
use ttokjang::notify::{signature, WebhookNotifier, SIGNATURE_HEADER};

const SECRET: &[u8] = b"webhook-test-secret-0123456789abcdef";

#[derive(Default)]
struct Seen {
    calls: Vec<(String, String, Vec<u8>)>,
}

/// A server that answers `statuses` in turn (then 200) and records each call.
async fn receiver(statuses: Vec<u16>) -> (String, Arc<Mutex<Seen>>, actix_web::dev::ServerHandle) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let statuses = Arc::new(Mutex::new(statuses));
    let (s2, st2) = (seen.clone(), statuses.clone());
    let server = HttpServer::new(move || {
        let (seen, statuses) = (s2.clone(), st2.clone());
        App::new().route(
            "/hook",
            web::post().to(move |req: HttpRequest, body: web::Bytes| {
                let (seen, statuses) = (seen.clone(), statuses.clone());
                async move {
                    let header = |n: &str| {
                        req.headers()
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    seen.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .calls
                        .push((
                            header(SIGNATURE_HEADER),
                            header("x-ttokjang-delivery"),
                            body.to_vec(),
                        ));
                    let mut st = statuses.lock().unwrap_or_else(PoisonError::into_inner);
                    let code = if st.is_empty() { 200 } else { st.remove(0) };
                    HttpResponse::build(
                        actix_web::http::StatusCode::from_u16(code).unwrap_or_default(),
                    )
                    .finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind");
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://{addr}/hook"), seen, handle)
}

/// The receivers here listen on loopback, which the server's notifier refuses.
fn notifier() -> WebhookNotifier {
    WebhookNotifier::allowing_private_hosts(Secret(SECRET.to_vec()))
        .expect("client")
        .with_backoff(Duration::from_millis(20))
}

/// The server's notifier never calls loopback or private addresses, whether
/// written in the URL or reached through a name that resolves to one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_never_called() {
    let (url, seen, handle) = receiver(vec![200]).await;
    let port = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/hook")
        .to_owned();
    let server_side = WebhookNotifier::new(Secret(SECRET.to_vec()))
        .expect("client")
        .with_backoff(Duration::from_millis(20));
    for target in [
        url.clone(),
        format!("http://localhost:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://10.0.0.1/hook".to_owned(),
    ] {
        let e = server_side
            .deliver(&target, "run-5", b"{}".to_vec())
            .await
            .expect_err("refused");
        assert!(e.to_string().contains("public"), "{target}: {e}");
    }
    assert!(
        seen.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .calls
            .is_empty(),
        "the receiver was never called"
    );
    drop(handle.stop(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_is_signed_and_retried_after_server_errors() {
    let (url, seen, handle) = receiver(vec![503, 500]).await;
    let body = br#"{"event":"reservation.run.finished","status":"success"}"#.to_vec();
    notifier()
        .deliver(&url, "run-1", body.clone())
        .await
        .expect("delivered on the third attempt");
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(seen.calls.len(), 3);
    for (sig, delivery, got) in &seen.calls {
        assert_eq!(got, &body);
        assert_eq!(delivery, "run-1");
        assert_eq!(sig, &signature(SECRET, &body));
        assert!(sig.starts_with("sha256=") && sig.len() == 7 + 64);
    }
    drop(handle.stop(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_are_not_retried_and_give_up_after_three_attempts() {
    let (url, seen, handle) = receiver(vec![410]).await;
    let e = notifier()
        .deliver(&url, "run-2", b"{}".to_vec())
        .await
        .expect_err("gone");
    assert!(e.to_string().contains("410"), "{e}");
    assert_eq!(
        seen.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .calls
            .len(),
        1
    );
    drop(handle.stop(false));

    let (url, seen, handle) = receiver(vec![500, 500, 500, 500]).await;
    assert!(notifier()
        .deliver(&url, "run-3", b"{}".to_vec())
        .await
        .is_err());
    assert_eq!(
        seen.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .calls
            .len(),
        3
    );
    drop(handle.stop(false));

    // Nobody listening: a connection failure, retried, then an error.
    let e = notifier()
        .deliver("http://127.0.0.1:9/hook", "run-4", b"{}".to_vec())
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("connect"), "{e}");
}
