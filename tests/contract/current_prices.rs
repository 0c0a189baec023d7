//! Current prices apart from their history (issue 15): `offers_for` reads
//! the latest observation per (product, store) with its provenance, an older
//! survey arriving later never replaces a newer one, writes are idempotent,
//! and the history (`price_history`, `price_lows`) keeps every observation.

use chrono::{Duration, NaiveDate};
use ttokjang_domain::catalog::{
    CatalogBatch, Offer, PriceKrw, PriceOrigin, ProductId, Provenance, StoreId,
};

use crate::catalog::{offer, sample};
use crate::fixtures::t0;
use crate::Backend;

fn pid(raw: &str) -> ProductId {
    ProductId::parse(raw).expect("product id")
}

fn sid(raw: &str) -> StoreId {
    StoreId::parse(raw).expect("store id")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

/// A 참가격 survey of milk at s-near, `days` after t0.
fn survey(krw: i64, days: i64) -> Offer {
    let mut o = offer("s-near", "milk", krw, t0() + Duration::days(days));
    o.discounted = true;
    o.provenance = Provenance {
        origin: PriceOrigin::Chamgagyeok,
        fetched_at: Some(t0() + Duration::days(days) + Duration::hours(30)),
        discount_period: Some((day(2026, 11, 20), day(2026, 11, 30))),
        plus_one: true,
        previous_price: None,
    };
    o
}

async fn current_milk(b: &Backend) -> Offer {
    let got = b
        .catalog
        .offers_for(&[pid("milk")], &[sid("s-near")])
        .await
        .expect("offers");
    assert_eq!(got.len(), 1, "{got:?}");
    got.into_iter().next().expect("one")
}

fn only(offers: Vec<Offer>) -> CatalogBatch {
    CatalogBatch {
        offers,
        ..CatalogBatch::default()
    }
}

pub async fn current_price_is_the_latest_observation_with_its_provenance(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("sample");
    let first = current_milk(b).await;
    assert_eq!(first.price.krw(), 2_980);
    assert_eq!(first.provenance, Provenance::of(PriceOrigin::Sample));

    b.catalog
        .upsert_catalog(&only(vec![survey(2_700, 7)]))
        .await
        .expect("survey");
    let now = current_milk(b).await;
    let mut expected = survey(2_700, 7);
    expected.provenance.previous_price = Some(PriceKrw::new(2_980).expect("price"));
    assert_eq!(now, expected, "every provenance field round-trips");
}

pub async fn an_older_survey_arriving_later_does_not_replace_a_newer_one(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("sample");
    b.catalog
        .upsert_catalog(&only(vec![survey(3_100, 14)]))
        .await
        .expect("newer");
    b.catalog
        .upsert_catalog(&only(vec![survey(2_500, 7)]))
        .await
        .expect("older, later");
    let now = current_milk(b).await;
    assert_eq!(now.price.krw(), 3_100);
    assert_eq!(now.observed_at, t0() + Duration::days(14));
    assert_eq!(
        now.provenance.previous_price.map(PriceKrw::krw),
        Some(2_980)
    );
    // The older survey is kept in the history.
    let history = b
        .catalog
        .price_history(&pid("milk"), t0())
        .await
        .expect("history");
    let near: Vec<(i64, i64)> = history
        .iter()
        .filter(|p| p.store_id.as_str() == "s-near")
        .map(|p| ((p.observed_at - t0()).num_days(), p.price.krw()))
        .collect();
    assert_eq!(near, [(0, 2_980), (7, 2_500), (14, 3_100)]);
}

pub async fn writing_the_same_observations_again_changes_nothing(b: &Backend) {
    let mut batch = sample();
    batch.offers.push(survey(2_700, 7));
    let counts = b.catalog.upsert_catalog(&batch).await.expect("first");
    let before = current_milk(b).await;
    assert_eq!(
        before.provenance.previous_price.map(PriceKrw::krw),
        Some(2_980)
    );
    assert_eq!(b.catalog.upsert_catalog(&batch).await, Ok(counts));
    assert_eq!(current_milk(b).await, before, "previous price kept");
}

pub async fn a_batch_with_several_days_is_applied_in_time_order(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("sample");
    // Out of order inside one batch: the latest wins, the one before it is
    // the previous price.
    b.catalog
        .upsert_catalog(&only(vec![
            survey(2_600, 14),
            survey(2_900, 21),
            survey(2_700, 7),
        ]))
        .await
        .expect("three days");
    let now = current_milk(b).await;
    assert_eq!(now.price.krw(), 2_900);
    assert_eq!(
        now.provenance.previous_price.map(PriceKrw::krw),
        Some(2_600)
    );
}

pub async fn price_history_and_lows_cover_the_window_asked(b: &Backend) {
    b.catalog.upsert_catalog(&sample()).await.expect("sample");
    b.catalog
        .upsert_catalog(&only(vec![
            survey(2_600, 7),
            survey(2_900, 14),
            offer("s-mid", "milk", 2_400, t0() + Duration::days(14)),
        ]))
        .await
        .expect("surveys");
    let since = t0() + Duration::days(7);
    let history = b
        .catalog
        .price_history(&pid("milk"), since)
        .await
        .expect("history");
    let seen: Vec<(&str, i64, PriceOrigin)> = history
        .iter()
        .map(|p| (p.store_id.as_str(), p.price.krw(), p.origin))
        .collect();
    assert_eq!(
        seen,
        [
            ("s-mid", 2_400, PriceOrigin::Sample),
            ("s-near", 2_600, PriceOrigin::Chamgagyeok),
            ("s-near", 2_900, PriceOrigin::Chamgagyeok),
        ]
    );
    assert!(history.iter().all(|p| p.observed_at >= since));
    let lows = b
        .catalog
        .price_lows(
            &[pid("milk"), pid("eggs")],
            &[sid("s-near"), sid("s-mid")],
            since,
        )
        .await
        .expect("lows");
    let seen: Vec<(&str, &str, i64, u32)> = lows
        .iter()
        .map(|l| {
            (
                l.product_id.as_str(),
                l.store_id.as_str(),
                l.lowest.krw(),
                l.observations,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("milk", "s-mid", 2_400, 1), ("milk", "s-near", 2_600, 2)]
    );
    assert!(b
        .catalog
        .price_history(&pid("nothing"), t0())
        .await
        .expect("none")
        .is_empty());
}
