use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ttokjang_domain::basket::{ItemName, ProductRef, Quantity};
use ttokjang_domain::order::{
    ExternalRef, Order, OrderCursor, OrderId, OrderLine, OrderParts, OrderSource, OrderStatus,
    StoreName,
};
use ttokjang_domain::user::UserId;
use uuid::Uuid;

use crate::fixtures::{minutes, stored_user, t0};
use crate::Backend;

pub(crate) fn order(user: UserId, at: DateTime<Utc>, plan_request: Option<&str>) -> Order {
    let lines = vec![
        OrderLine {
            name: ItemName::parse("서울우유 1L").expect("ok"),
            product_id: Some(ProductRef::parse("milk-1l").expect("ok")),
            store_id: Some(ExternalRef::parse("store_id", "emart-yeoksam").expect("ok")),
            store_name: StoreName::parse(Some("이마트 역삼점")).expect("ok"),
            quantity: Quantity::new(2).expect("ok"),
            unit_price_krw: 2_980,
            subtotal_krw: 5_960,
            checked: false,
        },
        OrderLine {
            name: ItemName::parse("두부").expect("ok"),
            product_id: None,
            store_id: None,
            store_name: None,
            quantity: Quantity::new(1).expect("ok"),
            unit_price_krw: 0,
            subtotal_krw: 0,
            checked: false,
        },
    ];
    let source = if plan_request.is_some() {
        OrderSource::OfflinePlan
    } else {
        OrderSource::Manual
    };
    Order::new(OrderParts {
        id: OrderId(Uuid::new_v4()),
        user_id: user,
        source,
        plan_request_id: plan_request
            .map(|r| ExternalRef::parse("plan_request_id", r).expect("ok")),
        plan_id: plan_request.map(|_| ExternalRef::parse("plan_id", "cheapest").expect("ok")),
        status: OrderStatus::Placed,
        lines,
        goods_krw: 5_960,
        fees_krw: 1_200,
        total_krw: 7_160,
        created_at: at,
    })
    .expect("valid order")
}

pub async fn order_round_trips_with_lines(b: &Backend) {
    let u = stored_user(b, "orders1@example.com").await;
    let o = order(u.id, t0(), None);
    let created = b.orders.create(&o).await.expect("create");
    assert!(created.created);
    assert_eq!(created.order, o);
    assert_eq!(b.orders.find(u.id, o.id).await, Ok(Some(o.clone())));
    assert_eq!(b.orders.list(u.id, None, 10).await, Ok(vec![o]));
}

pub async fn lines_are_ticked_only_by_their_owner(b: &Backend) {
    use ttokjang_domain::order::LineCheck;
    let kim = stored_user(b, "orders-tick1@example.com").await;
    let lee = stored_user(b, "orders-tick2@example.com").await;
    let o = order(kim.id, t0(), None);
    b.orders.create(&o).await.expect("create");
    let tick = |line, checked| LineCheck { line, checked };
    assert_eq!(
        b.orders.set_checked(lee.id, o.id, &[tick(0, true)]).await,
        Ok(None),
        "another user's order"
    );
    let after = b
        .orders
        .set_checked(
            kim.id,
            o.id,
            &[tick(1, true), tick(0, true), tick(0, false)],
        )
        .await
        .expect("set")
        .expect("found");
    assert_eq!(
        after.lines.iter().map(|l| l.checked).collect::<Vec<_>>(),
        [false, true],
        "the last change of a line counts"
    );
    assert_eq!(after.progress(), (1, 2));
    // Stored: a fresh read agrees; everything else is unchanged.
    let read = b
        .orders
        .find(kim.id, o.id)
        .await
        .expect("find")
        .expect("found");
    assert_eq!(read, after);
    let mut expected = o.clone().into_parts();
    expected.lines[1].checked = true;
    assert_eq!(read.into_parts(), expected);
    assert_eq!(
        b.orders
            .set_checked(kim.id, o.id, &[tick(1, false)])
            .await
            .expect("set")
            .map(|o| o.progress()),
        Some((0, 2))
    );
}

pub async fn orders_are_only_their_owners(b: &Backend) {
    let kim = stored_user(b, "orders2@example.com").await;
    let lee = stored_user(b, "orders3@example.com").await;
    let o = order(kim.id, t0(), Some("pr-shared"));
    b.orders.create(&o).await.expect("create");
    assert_eq!(b.orders.find(lee.id, o.id).await, Ok(None));
    assert_eq!(b.orders.list(lee.id, None, 10).await, Ok(vec![]));
    // Another user's plan request id is a different key.
    let theirs = order(lee.id, t0(), Some("pr-shared"));
    let c = b.orders.create(&theirs).await.expect("create");
    assert!(c.created);
    assert_eq!(c.order.user_id, lee.id);
}

pub async fn list_is_newest_first_and_pages_without_gaps(b: &Backend) {
    let u = stored_user(b, "orders4@example.com").await;
    let mut all = Vec::new();
    for i in 0..7 {
        // Two orders share each instant: the id breaks the tie.
        let at = t0() + minutes(i / 2);
        let o = order(u.id, at, None);
        b.orders.create(&o).await.expect("create");
        all.push(o);
    }
    all.sort_by_key(|o| std::cmp::Reverse((o.created_at, o.id)));

    let mut seen = Vec::new();
    let mut after: Option<OrderCursor> = None;
    loop {
        let page = b.orders.list(u.id, after, 3).await.expect("page");
        if page.is_empty() {
            break;
        }
        after = page.last().map(Order::cursor);
        seen.extend(page);
    }
    assert_eq!(seen, all);
    let ids: HashSet<OrderId> = seen.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), 7);
}

pub async fn create_is_idempotent_per_plan_request(b: &Backend) {
    let u = stored_user(b, "orders5@example.com").await;
    let first = order(u.id, t0(), Some("pr-123"));
    assert!(b.orders.create(&first).await.expect("first").created);
    let second = order(u.id, t0() + minutes(1), Some("pr-123"));
    let again = b.orders.create(&second).await.expect("second");
    assert!(!again.created);
    assert_eq!(again.order, first);
    assert_eq!(b.orders.find(u.id, second.id).await, Ok(None));
    assert_eq!(b.orders.list(u.id, None, 10).await.map(|v| v.len()), Ok(1));
    // Manual orders (no plan request) never collide.
    for _ in 0..2 {
        assert!(
            b.orders
                .create(&order(u.id, t0(), None))
                .await
                .expect("manual")
                .created
        );
    }
}

pub async fn concurrent_creates_with_one_plan_request_make_one_order(b: &Backend) {
    let u = stored_user(b, "orders6@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let orders = Arc::clone(&b.orders);
        let o = order(u.id, t0(), Some("pr-race"));
        tasks.push(tokio::spawn(async move { orders.create(&o).await }));
    }
    let mut created = 0;
    let mut ids = HashSet::new();
    for t in tasks {
        let c = t.await.expect("task").expect("create");
        created += usize::from(c.created);
        ids.insert(c.order.id);
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1, "every caller got the same order");
    assert_eq!(b.orders.list(u.id, None, 20).await.map(|v| v.len()), Ok(1));
}
