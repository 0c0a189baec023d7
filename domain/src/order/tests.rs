//! Order rules, the cursor, and the use cases over a mocked repository.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mockall::predicate::*;
use uuid::Uuid;

use super::*;
use crate::order::ports::{CreatedOrder, MockOrderRepository};
use crate::system::{MockClock, MockRandomSource};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 123_456_000).expect("valid")
}

fn user() -> UserId {
    UserId(Uuid::from_u128(42))
}

fn line(unit: i64, q: i64) -> OrderLine {
    OrderLine {
        name: ItemName::parse("우유").expect("ok"),
        product_id: None,
        store_id: None,
        store_name: None,
        quantity: Quantity::new(q).expect("ok"),
        unit_price_krw: unit,
        subtotal_krw: unit * q,
        checked: false,
    }
}

fn parts(lines: Vec<OrderLine>, fees: i64) -> OrderParts {
    let goods = lines.iter().map(|l| l.subtotal_krw).sum();
    OrderParts {
        id: OrderId(Uuid::from_u128(1)),
        user_id: user(),
        source: OrderSource::Manual,
        plan_request_id: None,
        plan_id: None,
        status: OrderStatus::Placed,
        lines,
        goods_krw: goods,
        fees_krw: fees,
        total_krw: goods + fees,
        created_at: t0(),
    }
}

fn fields(r: Result<Order, Vec<InvalidValue>>) -> Vec<&'static str> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn totals_must_add_up() {
    let ok = Order::new(parts(vec![line(2_500, 2), line(6_900, 1)], 1_000)).expect("ok");
    assert_eq!((ok.goods_krw, ok.total_krw), (11_900, 12_900));

    let mut bad_sub = parts(vec![line(2_500, 2)], 0);
    bad_sub.lines[0].subtotal_krw = 4_000;
    assert_eq!(fields(Order::new(bad_sub)), ["lines"]);

    let mut bad_goods = parts(vec![line(2_500, 2)], 0);
    bad_goods.goods_krw += 1;
    bad_goods.total_krw += 1;
    assert_eq!(fields(Order::new(bad_goods)), ["goods_krw"]);

    let mut bad_total = parts(vec![line(2_500, 2)], 100);
    bad_total.total_krw = 5_000;
    assert_eq!(fields(Order::new(bad_total)), ["total_krw"]);
}

#[test]
fn money_is_never_negative_or_absurd() {
    assert_eq!(fields(Order::new(parts(vec![line(-1, 1)], 0))), ["lines"]);
    assert_eq!(
        fields(Order::new(parts(vec![line(100_000_001, 1)], 0))),
        ["lines"]
    );
    assert_eq!(
        fields(Order::new(parts(vec![line(1, 1)], -5))),
        ["fees_krw"]
    );
    assert!(
        Order::new(parts(vec![line(0, 1)], 0)).is_ok(),
        "free items exist"
    );
}

#[test]
fn line_count_bounds() {
    assert_eq!(fields(Order::new(parts(vec![], 0))), ["lines"]);
    assert!(Order::new(parts((0..200).map(|_| line(1, 1)).collect(), 0)).is_ok());
    assert_eq!(
        fields(Order::new(parts((0..201).map(|_| line(1, 1)).collect(), 0))),
        ["lines"]
    );
}

#[test]
fn plan_orders_name_their_plan_and_manual_ones_do_not() {
    let mut p = parts(vec![line(1, 1)], 0);
    p.source = OrderSource::OfflinePlan;
    assert_eq!(fields(Order::new(p.clone())), ["plan_request_id"]);
    p.plan_request_id = ExternalRef::parse("plan_request_id", "pr-1").ok();
    p.plan_id = ExternalRef::parse("plan_id", "cheapest").ok();
    assert!(Order::new(p.clone()).is_ok());
    p.source = OrderSource::Manual;
    assert_eq!(fields(Order::new(p)), ["plan_request_id"]);
}

#[test]
fn enums_round_trip() {
    for s in [
        OrderSource::Manual,
        OrderSource::OfflinePlan,
        OrderSource::OnlinePlan,
    ] {
        assert_eq!(OrderSource::parse(s.as_str()), Some(s));
    }
    for s in [
        OrderStatus::Placed,
        OrderStatus::CheckoutPending,
        OrderStatus::Paid,
        OrderStatus::Cancelled,
    ] {
        assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(OrderStatus::parse("PAID"), None);
}

#[test]
fn cursor_round_trips_and_refuses_tampering() {
    let c = OrderCursor {
        created_at: t0(),
        id: OrderId(Uuid::from_u128(0xabc)),
    };
    let raw = c.encode();
    assert!(raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(OrderCursor::decode(&raw), Ok(c));
    let mut flipped = raw.clone().into_bytes();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    for bad in [
        "",
        "!!!",
        "bm90IGEgY3Vyc29y",
        &raw[..raw.len() - 2],
        &flipped,
        &format!("{raw}="),
        &"A".repeat(200),
        "MTIzLg",
    ] {
        // A flipped character may still decode to *a* valid position; it
        // must never decode to a wrong but accepted one silently and panic.
        if let Ok(other) = OrderCursor::decode(bad) {
            assert_ne!(other, c, "{bad}");
        }
    }
    assert!(OrderCursor::decode("").is_err());
    assert!(OrderCursor::decode("!!!").is_err());
    assert!(OrderCursor::decode("bm90IGEgY3Vyc29y").is_err());
    assert!(OrderCursor::decode(&"A".repeat(200)).is_err());
}

fn service(repo: MockOrderRepository) -> OrderService {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(t0());
    let mut random = MockRandomSource::new();
    random.expect_uuid().returning(|| Uuid::from_u128(0x5eed));
    OrderService::new(Arc::new(repo), Arc::new(clock), Arc::new(random))
}

fn input_line(unit: i64, q: i64) -> LineInput {
    LineInput {
        name: "계란 한 판".into(),
        store_name: Some("이마트 역삼점".into()),
        quantity: q,
        unit_price_krw: unit,
        ..Default::default()
    }
}

#[tokio::test]
async fn manual_order_computes_its_totals() {
    let mut repo = MockOrderRepository::new();
    repo.expect_create().times(1).returning(|o| {
        Ok(CreatedOrder {
            order: o.clone(),
            created: true,
        })
    });
    let svc = service(repo);
    let o = svc
        .place_manual(
            user(),
            ManualOrderInput {
                lines: vec![input_line(6_980, 2), input_line(1_000, 3)],
                fees_krw: 500,
            },
        )
        .await
        .expect("placed");
    assert_eq!(o.lines[0].subtotal_krw, 13_960);
    assert_eq!(
        (o.goods_krw, o.fees_krw, o.total_krw),
        (16_960, 500, 17_460)
    );
    assert_eq!(
        (o.source, o.status),
        (OrderSource::Manual, OrderStatus::Placed)
    );
    assert_eq!(o.created_at, t0());
}

#[tokio::test]
async fn bad_lines_are_reported_by_number_and_nothing_is_stored() {
    let mut repo = MockOrderRepository::new();
    repo.expect_create().never();
    let svc = service(repo);
    let got = svc
        .place_manual(
            user(),
            ManualOrderInput {
                lines: vec![input_line(1_000, 1), input_line(-1, 0)],
                fees_krw: 0,
            },
        )
        .await;
    let Err(OrderError::Invalid(p)) = got else {
        panic!("expected invalid: {got:?}");
    };
    assert!(p.iter().all(|e| e.message.starts_with("line 2:")), "{p:?}");
    let empty = svc.place_manual(user(), ManualOrderInput::default()).await;
    assert!(matches!(empty, Err(OrderError::Invalid(_))));
}

#[tokio::test]
async fn plan_orders_are_idempotent_through_the_repository() {
    let mut repo = MockOrderRepository::new();
    repo.expect_create().times(1).returning(|o| {
        Ok(CreatedOrder {
            order: o.clone(),
            created: false,
        })
    });
    let svc = service(repo);
    let (o, created) = svc
        .place_from_plan(
            user(),
            PlanOrderInput {
                source: OrderSource::OnlinePlan,
                plan_request_id: "pr-77".into(),
                plan_id: "p-1".into(),
                status: OrderStatus::CheckoutPending,
                lines: vec![input_line(3_000, 1)],
                fees_krw: 3_000,
            },
        )
        .await
        .expect("ok");
    assert!(!created);
    assert_eq!(
        o.plan_request_id.as_ref().map(ExternalRef::as_str),
        Some("pr-77")
    );
    assert_eq!(o.total_krw, 6_000);
}

#[tokio::test]
async fn list_asks_for_one_more_and_makes_a_cursor() {
    let orders: Vec<Order> = (0..3u128)
        .map(|i| {
            let mut p = parts(vec![line(100, 1)], 0);
            p.id = OrderId(Uuid::from_u128(10 - i));
            p.created_at = t0() - Duration::seconds(i as i64);
            Order::new(p).expect("ok")
        })
        .collect();
    let mut repo = MockOrderRepository::new();
    let all = orders.clone();
    repo.expect_list()
        .with(eq(user()), eq(None), eq(3))
        .returning(move |_, _, _| Ok(all.clone()));
    let svc = service(repo);
    let page = svc.list(user(), Some(2), None).await.expect("page");
    assert_eq!(page.items, orders[..2].to_vec());
    let next = page.next_cursor.expect("more follow");
    assert_eq!(OrderCursor::decode(&next), Ok(orders[1].cursor()));

    for (limit, cursor) in [(Some(0), None), (Some(101), None), (None, Some("nope"))] {
        let got = svc.list(user(), limit, cursor).await;
        assert!(
            matches!(got, Err(OrderError::Invalid(_))),
            "{limit:?} {cursor:?}"
        );
    }
}

#[tokio::test]
async fn checks_name_existing_lines_or_nothing_changes() {
    let mut repo = MockOrderRepository::new();
    let stored = Order::new(parts(vec![line(1_000, 1), line(2_000, 2)], 0)).expect("valid");
    let found = stored.clone();
    repo.expect_find()
        .returning(move |_, _| Ok(Some(found.clone())));
    repo.expect_set_checked().never();
    let svc = service(repo);
    let got = svc
        .set_checked(
            user(),
            stored.id,
            &[
                LineCheck {
                    line: 1,
                    checked: true,
                },
                LineCheck {
                    line: 2,
                    checked: true,
                },
            ],
        )
        .await;
    let Err(OrderError::Invalid(p)) = got else {
        panic!("expected invalid: {got:?}");
    };
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.starts_with("change 2:"), "{p:?}");
    let none = svc.set_checked(user(), stored.id, &[]).await;
    assert!(matches!(none, Err(OrderError::Invalid(_))), "{none:?}");
}

#[tokio::test]
async fn checks_on_another_users_order_find_nothing() {
    let mut repo = MockOrderRepository::new();
    repo.expect_find().returning(|_, _| Ok(None));
    repo.expect_set_checked().never();
    let svc = service(repo);
    let got = svc
        .set_checked(
            user(),
            OrderId(Uuid::from_u128(9)),
            &[LineCheck {
                line: 0,
                checked: true,
            }],
        )
        .await;
    assert!(matches!(got, Ok(None)), "{got:?}");
}

#[test]
fn progress_counts_ticked_lines() {
    let mut p = parts(vec![line(1_000, 1), line(2_000, 2), line(500, 1)], 0);
    p.lines[1].checked = true;
    let o = Order::new(p).expect("valid");
    assert_eq!(o.progress(), (1, 3));
}
