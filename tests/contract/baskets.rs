use std::sync::Arc;

use ttokjang_domain::basket::{
    Basket, BasketItem, BasketItemId, ItemName, ItemNote, ItemUnit, ProductRef, Quantity,
};
use ttokjang_domain::ports::SaveBasketError;
use ttokjang_domain::user::UserId;
use uuid::Uuid;

use crate::fixtures::{minutes, stored_user, t0};
use crate::Backend;

fn line(id: Uuid, product: Option<&str>, name: &str, q: i64) -> BasketItem {
    BasketItem {
        id: BasketItemId(id),
        product_id: product.map(|p| ProductRef::parse(p).expect("product")),
        name: ItemName::parse(name).expect("name"),
        quantity: Quantity::new(q).expect("quantity"),
        unit: None,
        note: None,
    }
}

fn basket_of(user: UserId, items: Vec<BasketItem>) -> Basket {
    Basket::new(user, items, None, 0).expect("valid basket")
}

pub async fn missing_basket_is_empty_version_zero(b: &Backend) {
    let u = stored_user(b, "basket0@example.com").await;
    assert_eq!(b.baskets.get(u.id).await, Ok(Basket::empty(u.id)));
}

pub async fn save_round_trips_every_field_in_order(b: &Backend) {
    let u = stored_user(b, "basket1@example.com").await;
    let mut full = line(Uuid::new_v4(), Some("milk-1l"), "서울우유 1L", 2);
    full.unit = ItemUnit::parse(Some("팩")).expect("unit");
    full.note = ItemNote::parse(Some("무지방으로 \"꼭\" 😀")).expect("note");
    let items = vec![
        line(Uuid::new_v4(), None, "zz 마지막 이름이지만 첫 줄", 1),
        full,
        line(Uuid::new_v4(), None, "계란 한 판", 99),
    ];
    let now = t0() + minutes(1);
    let saved = b
        .baskets
        .save(&basket_of(u.id, items.clone()), Some(0), now)
        .await
        .expect("save");
    assert_eq!(saved.version, 1);
    assert_eq!(saved.updated_at, Some(now));
    assert_eq!(saved.items(), items.as_slice());
    assert_eq!(b.baskets.get(u.id).await, Ok(saved.clone()));

    // A second save replaces every line.
    let fewer = vec![items[2].clone()];
    let later = now + minutes(1);
    let again = b
        .baskets
        .save(&basket_of(u.id, fewer.clone()), Some(1), later)
        .await
        .expect("save");
    assert_eq!((again.version, again.updated_at), (2, Some(later)));
    assert_eq!(
        b.baskets.get(u.id).await.map(|x| x.items().to_vec()),
        Ok(fewer)
    );

    // Emptying keeps the basket (and its version) but no lines.
    let empty = b
        .baskets
        .save(&basket_of(u.id, vec![]), Some(2), later)
        .await
        .expect("save");
    assert_eq!(empty.version, 3);
    assert_eq!(b.baskets.get(u.id).await, Ok(empty));
}

pub async fn compare_and_set_refuses_stale_versions(b: &Backend) {
    let u = stored_user(b, "basket2@example.com").await;
    let one = basket_of(u.id, vec![line(Uuid::new_v4(), None, "두부", 1)]);
    let two = basket_of(u.id, vec![line(Uuid::new_v4(), None, "콩나물", 1)]);
    // Nothing stored: only version 0 matches.
    assert_eq!(
        b.baskets.save(&one, Some(3), t0()).await,
        Err(SaveBasketError::Stale)
    );
    let stored = b.baskets.save(&one, Some(0), t0()).await.expect("first");
    for stale in [0, 2, 7] {
        assert_eq!(
            b.baskets.save(&two, Some(stale), t0()).await,
            Err(SaveBasketError::Stale),
            "version {stale}"
        );
    }
    assert_eq!(b.baskets.get(u.id).await, Ok(stored));
}

pub async fn unconditional_save_always_writes(b: &Backend) {
    let u = stored_user(b, "basket3@example.com").await;
    let one = basket_of(u.id, vec![line(Uuid::new_v4(), None, "대파", 1)]);
    assert_eq!(
        b.baskets.save(&one, None, t0()).await.map(|x| x.version),
        Ok(1)
    );
    assert_eq!(
        b.baskets.save(&one, None, t0()).await.map(|x| x.version),
        Ok(2)
    );
}

pub async fn concurrent_saves_with_one_version_have_one_winner(b: &Backend) {
    let u = stored_user(b, "basket4@example.com").await;
    let base = b
        .baskets
        .save(&basket_of(u.id, vec![]), Some(0), t0())
        .await
        .expect("base");
    let mut tasks = Vec::new();
    for i in 0..12 {
        let baskets = Arc::clone(&b.baskets);
        let mine = basket_of(
            u.id,
            vec![line(Uuid::new_v4(), None, &format!("writer {i}"), 1)],
        );
        tasks.push(tokio::spawn(async move {
            (
                mine.clone(),
                baskets.save(&mine, Some(base.version), t0()).await,
            )
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        match t.await.expect("task") {
            (mine, Ok(saved)) => winners.push((mine, saved)),
            (_, Err(SaveBasketError::Stale)) => {}
            (_, Err(e)) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one compare-and-set wins");
    let (mine, saved) = &winners[0];
    assert_eq!(saved.version, 2);
    let stored = b.baskets.get(u.id).await.expect("get");
    assert_eq!(stored.items(), mine.items(), "the winner's lines, whole");
}

pub async fn baskets_are_per_user_and_line_ids_may_repeat_across_users(b: &Backend) {
    let kim = stored_user(b, "basket5@example.com").await;
    let lee = stored_user(b, "basket6@example.com").await;
    let shared_id = Uuid::new_v4();
    b.baskets
        .save(
            &basket_of(kim.id, vec![line(shared_id, None, "김 우유", 1)]),
            Some(0),
            t0(),
        )
        .await
        .expect("kim");
    b.baskets
        .save(
            &basket_of(lee.id, vec![line(shared_id, None, "이 계란", 2)]),
            Some(0),
            t0(),
        )
        .await
        .expect("lee, same line id");
    let k = b.baskets.get(kim.id).await.expect("kim");
    let l = b.baskets.get(lee.id).await.expect("lee");
    assert_eq!(k.items()[0].name.as_str(), "김 우유");
    assert_eq!(l.items()[0].name.as_str(), "이 계란");
}
