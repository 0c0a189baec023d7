//! The idempotency store: an atomic claim per (user, key), replay of the
//! stored answer, mismatch, take-over of a stale claim, release and prune.

use std::sync::Arc;

use chrono::Duration;
use ttokjang_domain::payment::idempotency::{Claim, IdempotencyKey, RequestHash, StoredResponse};

use crate::fixtures::{stored_user, t0};
use crate::Backend;

fn key(s: &str) -> IdempotencyKey {
    IdempotencyKey::parse(Some(s)).expect("valid key")
}

fn hash(body: &str) -> RequestHash {
    RequestHash::of("POST", "/api/v1/payments/intents", body.as_bytes())
}

fn lock() -> Duration {
    Duration::seconds(60)
}

fn answer() -> StoredResponse {
    StoredResponse {
        status: 201,
        body: r#"{"id":"x","amount_krw":12900}"#.to_owned(),
    }
}

pub async fn first_claim_is_new_then_in_progress_then_replayed(b: &Backend) {
    let u = stored_user(b, "idem1@example.com").await;
    let (k, h) = (key("k-1"), hash(r#"{"a":1}"#));
    let idem = &b.idempotency;
    assert_eq!(idem.claim(u.id, &k, &h, t0(), lock()).await, Ok(Claim::New));
    assert_eq!(
        idem.claim(u.id, &k, &h, t0() + Duration::seconds(1), lock())
            .await,
        Ok(Claim::InProgress)
    );
    idem.finish(u.id, &k, &answer()).await.expect("finish");
    assert_eq!(
        idem.claim(u.id, &k, &h, t0() + Duration::hours(2), lock())
            .await,
        Ok(Claim::Replay(answer()))
    );
    // The first answer stays: a late second finish changes nothing.
    let other = StoredResponse {
        status: 500,
        body: "{}".into(),
    };
    idem.finish(u.id, &k, &other).await.expect("finish");
    assert_eq!(
        idem.claim(u.id, &k, &h, t0(), lock()).await,
        Ok(Claim::Replay(answer()))
    );
}

pub async fn another_request_with_the_key_is_a_mismatch(b: &Backend) {
    let u = stored_user(b, "idem2@example.com").await;
    let k = key("k-2");
    let idem = &b.idempotency;
    assert_eq!(
        idem.claim(u.id, &k, &hash("1"), t0(), lock()).await,
        Ok(Claim::New)
    );
    assert_eq!(
        idem.claim(u.id, &k, &hash("2"), t0(), lock()).await,
        Ok(Claim::Mismatch),
        "while in progress"
    );
    idem.finish(u.id, &k, &answer()).await.expect("finish");
    assert_eq!(
        idem.claim(u.id, &k, &hash("2"), t0(), lock()).await,
        Ok(Claim::Mismatch),
        "after the answer"
    );
    assert_eq!(
        idem.claim(u.id, &k, &hash("2"), t0() + Duration::hours(1), lock())
            .await,
        Ok(Claim::Mismatch),
        "a stale-looking key is not taken over by another request"
    );
}

pub async fn keys_are_per_user(b: &Backend) {
    let kim = stored_user(b, "idem3@example.com").await;
    let lee = stored_user(b, "idem4@example.com").await;
    let k = key("shared-key");
    let idem = &b.idempotency;
    assert_eq!(
        idem.claim(kim.id, &k, &hash("1"), t0(), lock()).await,
        Ok(Claim::New)
    );
    assert_eq!(
        idem.claim(lee.id, &k, &hash("2"), t0(), lock()).await,
        Ok(Claim::New)
    );
}

pub async fn a_stale_claim_is_taken_over_after_the_lock_timeout(b: &Backend) {
    let u = stored_user(b, "idem5@example.com").await;
    let (k, h) = (key("k-crash"), hash("{}"));
    let idem = &b.idempotency;
    assert_eq!(idem.claim(u.id, &k, &h, t0(), lock()).await, Ok(Claim::New));
    // The first runner died without an answer.
    assert_eq!(
        idem.claim(u.id, &k, &h, t0() + Duration::seconds(59), lock())
            .await,
        Ok(Claim::InProgress)
    );
    let later = t0() + Duration::seconds(61);
    assert_eq!(
        idem.claim(u.id, &k, &h, later, lock()).await,
        Ok(Claim::New)
    );
    // The take-over holds its own lock for a full timeout again.
    assert_eq!(
        idem.claim(u.id, &k, &h, later + Duration::seconds(30), lock())
            .await,
        Ok(Claim::InProgress)
    );
    idem.finish(u.id, &k, &answer()).await.expect("finish");
    assert_eq!(
        idem.claim(u.id, &k, &h, later + Duration::hours(1), lock())
            .await,
        Ok(Claim::Replay(answer())),
        "an answered key is never taken over"
    );
}

pub async fn release_lets_a_retry_run_again(b: &Backend) {
    let u = stored_user(b, "idem6@example.com").await;
    let (k, h) = (key("k-release"), hash("{}"));
    let idem = &b.idempotency;
    assert_eq!(idem.claim(u.id, &k, &h, t0(), lock()).await, Ok(Claim::New));
    idem.release(u.id, &k).await.expect("release");
    assert_eq!(idem.claim(u.id, &k, &h, t0(), lock()).await, Ok(Claim::New));
    idem.finish(u.id, &k, &answer()).await.expect("finish");
    idem.release(u.id, &k).await.expect("release");
    assert_eq!(
        idem.claim(u.id, &k, &h, t0(), lock()).await,
        Ok(Claim::Replay(answer())),
        "release keeps answered keys"
    );
}

pub async fn prune_deletes_only_old_keys(b: &Backend) {
    let u = stored_user(b, "idem7@example.com").await;
    let idem = &b.idempotency;
    let (old, new, h) = (key("old"), key("new"), hash("{}"));
    idem.claim(u.id, &old, &h, t0(), lock())
        .await
        .expect("claim");
    idem.finish(u.id, &old, &answer()).await.expect("finish");
    idem.claim(u.id, &new, &h, t0() + Duration::hours(25), lock())
        .await
        .expect("claim");
    let cutoff = t0() + Duration::hours(1);
    assert_eq!(idem.prune(cutoff).await, Ok(1));
    assert_eq!(idem.prune(cutoff).await, Ok(0));
    // The pruned key is free again; the young one is still held.
    assert_eq!(
        idem.claim(u.id, &old, &hash("other"), cutoff, lock()).await,
        Ok(Claim::New)
    );
    assert_eq!(
        idem.claim(u.id, &new, &h, t0() + Duration::hours(25), lock())
            .await,
        Ok(Claim::InProgress)
    );
}

pub async fn concurrent_claims_of_one_key_have_one_winner(b: &Backend) {
    let u = stored_user(b, "idem8@example.com").await;
    let repo = Arc::clone(&b.idempotency);
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move {
                repo.claim(u.id, &key("race"), &hash("{}"), t0(), lock())
                    .await
            })
        })
        .collect();
    let mut news = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(Claim::New) => news += 1,
            Ok(Claim::InProgress) => {}
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(news, 1);
}
