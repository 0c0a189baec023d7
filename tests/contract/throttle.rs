//! The shared login/registration counters (`ThrottleRepository`).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use ttokjang_domain::throttle::{ThrottleKey, Window};

use crate::fixtures::{minutes, t0};
use crate::Backend;

fn key(subject: &str) -> ThrottleKey {
    ThrottleKey::new("login", subject)
}

pub async fn hits_count_within_a_window_and_restart_after_it(b: &Backend) {
    let k = key("a@example.com");
    let w = minutes(15);
    assert_eq!(b.throttle.current(&k, t0(), w).await, Ok(None));
    for (i, at) in [t0(), t0() + minutes(1), t0() + minutes(14)]
        .into_iter()
        .enumerate()
    {
        let got = b.throttle.hit(&k, at, w).await.expect("hit");
        let count = u32::try_from(i + 1).expect("small");
        assert_eq!(
            got,
            Window {
                started: t0(),
                count
            }
        );
    }
    assert_eq!(
        b.throttle.current(&k, t0() + minutes(14), w).await,
        Ok(Some(Window {
            started: t0(),
            count: 3
        }))
    );
    // At `started + window` the window is over: no current one, and the next
    // hit starts a fresh window at its own time.
    let later = t0() + w;
    assert_eq!(b.throttle.current(&k, later, w).await, Ok(None));
    assert_eq!(
        b.throttle.hit(&k, later, w).await,
        Ok(Window {
            started: later,
            count: 1
        })
    );
}

pub async fn keys_are_independent_and_clear_forgets_one(b: &Backend) {
    let (a, other) = (key("a"), key("b"));
    let w = Duration::hours(1);
    b.throttle.hit(&a, t0(), w).await.expect("hit");
    b.throttle.hit(&a, t0(), w).await.expect("hit");
    b.throttle.hit(&other, t0(), w).await.expect("hit");
    assert_eq!(
        b.throttle
            .current(&a, t0(), w)
            .await
            .map(|w| w.map(|w| w.count)),
        Ok(Some(2))
    );
    b.throttle.clear(&a).await.expect("clear");
    assert_eq!(b.throttle.current(&a, t0(), w).await, Ok(None));
    assert_eq!(
        b.throttle
            .current(&other, t0(), w)
            .await
            .map(|w| w.map(|w| w.count)),
        Ok(Some(1))
    );
    // Clearing what is not there is fine.
    b.throttle
        .clear(&key("never"))
        .await
        .expect("clear unknown");
    assert_eq!(b.throttle.hit(&a, t0(), w).await.map(|w| w.count), Ok(1));
}

pub async fn prune_drops_only_windows_started_before_the_cutoff(b: &Backend) {
    let w = Duration::hours(1);
    let (old, new) = (key("old"), key("new"));
    b.throttle.hit(&old, t0(), w).await.expect("hit");
    b.throttle
        .hit(&new, t0() + minutes(30), w)
        .await
        .expect("hit");
    assert_eq!(b.throttle.prune(t0() + minutes(10)).await, Ok(1));
    assert_eq!(
        b.throttle.current(&old, t0() + minutes(30), w).await,
        Ok(None)
    );
    assert_eq!(
        b.throttle
            .current(&new, t0() + minutes(30), w)
            .await
            .map(|w| w.map(|w| w.count)),
        Ok(Some(1))
    );
    assert_eq!(b.throttle.prune(t0() + minutes(10)).await, Ok(0));
}

pub async fn concurrent_hits_are_all_counted(b: &Backend) {
    let k = key("burst");
    let w = minutes(15);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let throttle = Arc::clone(&b.throttle);
        let k = k.clone();
        tasks.push(tokio::spawn(async move { throttle.hit(&k, t0(), w).await }));
    }
    let mut counts = HashSet::new();
    for t in tasks {
        counts.insert(t.await.expect("join").expect("hit").count);
    }
    // Each hit saw its own count: no two read the same window and wrote it.
    assert_eq!(counts, (1..=16).collect::<HashSet<u32>>());
    assert_eq!(
        b.throttle
            .current(&k, t0(), w)
            .await
            .map(|w| w.map(|w| w.count)),
        Ok(Some(16))
    );
}
