//! The online malls' delivery terms (`MallTermsRepository`).

use chrono::NaiveTime;
use ttokjang_domain::catalog::StoreId;
use ttokjang_domain::mall::{DeliveryTerms, TermsSource};

use crate::fixtures::{minutes, t0};
use crate::Backend;

fn terms(mall: &str, fee: i64, source: TermsSource) -> DeliveryTerms {
    DeliveryTerms {
        mall_id: StoreId::parse(mall).expect("id"),
        delivery_fee_krw: fee,
        free_delivery_threshold_krw: Some(40_000),
        min_order_krw: 15_000,
        jeju_surcharge_krw: 3_000,
        island_surcharge_krw: 5_000,
        same_day_cutoff: NaiveTime::from_hms_opt(13, 0, 0),
        dawn_cutoff: None,
        source,
        as_of: t0(),
    }
}

pub async fn mall_terms_round_trip_and_seeding_keeps_the_operators(b: &Backend) {
    assert_eq!(b.mall_terms.list_terms().await, Ok(vec![]));
    let kurly = terms("kurly", 3_000, TermsSource::Default);
    let ssg = terms("ssg", 3_000, TermsSource::Default);
    assert_eq!(
        b.mall_terms.seed_terms(&[kurly.clone(), ssg.clone()]).await,
        Ok(2)
    );
    // The operator changes kurly: every field, the threshold removed.
    let mut edited = terms("kurly", 2_500, TermsSource::Operator);
    edited.free_delivery_threshold_krw = None;
    edited.same_day_cutoff = None;
    edited.dawn_cutoff = NaiveTime::from_hms_opt(23, 0, 0);
    edited.as_of = t0() + minutes(5);
    b.mall_terms.save_terms(&edited).await.expect("saved");
    // Seeding again (a restart) inserts only what is missing.
    let coupang = terms("coupang", 3_000, TermsSource::Default);
    assert_eq!(
        b.mall_terms
            .seed_terms(&[kurly, ssg.clone(), coupang.clone()])
            .await,
        Ok(1)
    );
    assert_eq!(
        b.mall_terms.list_terms().await,
        Ok(vec![coupang, edited, ssg.clone()]),
        "by mall id, the operator's row kept"
    );
    assert_eq!(
        b.mall_terms
            .delete_terms(&StoreId::parse("kurly").expect("id"))
            .await,
        Ok(true)
    );
    assert_eq!(
        b.mall_terms
            .delete_terms(&StoreId::parse("kurly").expect("id"))
            .await,
        Ok(false)
    );
    assert_eq!(b.mall_terms.list_terms().await.map(|l| l.len()), Ok(2));
}
