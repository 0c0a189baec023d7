//! Payment methods and intents: per user, and a confirmation that records the
//! charge and marks the order paid in one step, exactly once.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use ttokjang_domain::basket::{ItemName, Quantity};
use ttokjang_domain::order::{Order, OrderId, OrderLine, OrderParts, OrderSource, OrderStatus};
use ttokjang_domain::payment::{
    BudgetLimit, Completion, ConfirmOutcome, DeclineCode, IntentId, IntentStatus, PaymentIntent,
    PaymentMethod, PaymentMethodId, SandboxCard,
};
use ttokjang_domain::user::UserId;
use uuid::Uuid;

use crate::fixtures::{stored_user, t0};
use crate::Backend;

async fn stored_order(b: &Backend, user: UserId, total: i64) -> Order {
    let o = Order::new(OrderParts {
        id: OrderId(Uuid::new_v4()),
        user_id: user,
        source: OrderSource::Manual,
        plan_request_id: None,
        plan_id: None,
        status: OrderStatus::Placed,
        lines: vec![OrderLine {
            name: ItemName::parse("계란 30구").expect("ok"),
            product_id: None,
            store_id: None,
            store_name: None,
            quantity: Quantity::new(1).expect("ok"),
            unit_price_krw: total,
            subtotal_krw: total,
            checked: false,
        }],
        goods_krw: total,
        fees_krw: 0,
        total_krw: total,
        created_at: t0(),
    })
    .expect("valid order");
    b.orders.create(&o).await.expect("order stored");
    o
}

fn pending(user: UserId, order: &Order, at: DateTime<Utc>) -> PaymentIntent {
    PaymentIntent {
        id: IntentId(Uuid::new_v4()),
        user_id: user,
        order_id: order.id,
        amount_krw: order.total_krw,
        status: IntentStatus::RequiresConfirmation,
        card: None,
        payment_method_id: None,
        decline_code: None,
        created_at: at,
        updated_at: at,
    }
}

fn outcome(card: SandboxCard) -> ConfirmOutcome {
    ConfirmOutcome {
        card,
        payment_method_id: None,
        result: card.charge(),
        budget: None,
    }
}

async fn order_status(b: &Backend, user: UserId, id: OrderId) -> OrderStatus {
    b.orders
        .find(user, id)
        .await
        .expect("find")
        .expect("order")
        .status
}

pub async fn payment_methods_are_per_user_and_deletable(b: &Backend) {
    let kim = stored_user(b, "pm-kim@example.com").await;
    let lee = stored_user(b, "pm-lee@example.com").await;
    let m = |card: SandboxCard, at: DateTime<Utc>| PaymentMethod {
        id: PaymentMethodId(Uuid::new_v4()),
        user_id: kim.id,
        card,
        label: card.label(),
        created_at: at,
    };
    let first = m(SandboxCard::Ok, t0());
    let second = m(SandboxCard::InsufficientFunds, t0() + Duration::seconds(1));
    b.payment_methods.add(&second).await.expect("add");
    b.payment_methods.add(&first).await.expect("add");
    assert_eq!(
        b.payment_methods.list(kim.id).await,
        Ok(vec![first.clone(), second.clone()]),
        "oldest first"
    );
    assert_eq!(b.payment_methods.list(lee.id).await, Ok(vec![]));
    assert_eq!(b.payment_methods.find(lee.id, first.id).await, Ok(None));
    assert_eq!(
        b.payment_methods.find(kim.id, first.id).await,
        Ok(Some(first.clone()))
    );
    assert_eq!(b.payment_methods.delete(lee.id, first.id).await, Ok(false));
    assert_eq!(b.payment_methods.delete(kim.id, first.id).await, Ok(true));
    assert_eq!(b.payment_methods.delete(kim.id, first.id).await, Ok(false));
    assert_eq!(b.payment_methods.list(kim.id).await, Ok(vec![second]));
}

pub async fn intents_round_trip_for_their_owner_only(b: &Backend) {
    let kim = stored_user(b, "pi-kim@example.com").await;
    let lee = stored_user(b, "pi-lee@example.com").await;
    let o = stored_order(b, kim.id, 12_900).await;
    let i = pending(kim.id, &o, t0());
    b.payment_intents.create(&i).await.expect("create");
    assert_eq!(
        b.payment_intents.find(kim.id, i.id).await,
        Ok(Some(i.clone()))
    );
    assert_eq!(b.payment_intents.find(lee.id, i.id).await, Ok(None));
    assert_eq!(
        b.payment_intents.list_for_order(kim.id, o.id).await,
        Ok(vec![i.clone()])
    );
    assert_eq!(
        b.payment_intents.list_for_order(lee.id, o.id).await,
        Ok(vec![])
    );
    assert_eq!(
        b.payment_intents
            .complete(lee.id, i.id, &outcome(SandboxCard::Ok), t0())
            .await,
        Ok(Completion::NotFound)
    );
    assert_eq!(order_status(b, kim.id, o.id).await, OrderStatus::Placed);
}

pub async fn success_marks_the_order_paid_in_the_same_step(b: &Backend) {
    let kim = stored_user(b, "pi-ok@example.com").await;
    let o = stored_order(b, kim.id, 8_160).await;
    let i = pending(kim.id, &o, t0());
    b.payment_intents.create(&i).await.expect("create");
    let pm = PaymentMethodId(Uuid::new_v4());
    let later = t0() + Duration::seconds(3);
    let ok = ConfirmOutcome {
        payment_method_id: Some(pm),
        ..outcome(SandboxCard::Ok)
    };
    let done = b
        .payment_intents
        .complete(kim.id, i.id, &ok, later)
        .await
        .expect("complete");
    let expected = ok.apply(&i, later);
    assert_eq!(done, Completion::Completed(expected.clone()));
    assert_eq!(
        b.payment_intents.find(kim.id, i.id).await,
        Ok(Some(expected.clone()))
    );
    assert_eq!(order_status(b, kim.id, o.id).await, OrderStatus::Paid);
    // A retry (e.g. after a crash) finds it done and charges nothing.
    assert_eq!(
        b.payment_intents.complete(kim.id, i.id, &ok, later).await,
        Ok(Completion::NotPending(expected))
    );
}

pub async fn decline_fails_the_intent_and_leaves_the_order(b: &Backend) {
    let kim = stored_user(b, "pi-no@example.com").await;
    let o = stored_order(b, kim.id, 5_000).await;
    let i = pending(kim.id, &o, t0());
    b.payment_intents.create(&i).await.expect("create");
    let no = outcome(SandboxCard::InsufficientFunds);
    let Ok(Completion::Completed(failed)) =
        b.payment_intents.complete(kim.id, i.id, &no, t0()).await
    else {
        panic!("a decline is recorded");
    };
    assert_eq!(failed.status, IntentStatus::Failed);
    assert_eq!(failed.decline_code, Some(DeclineCode::InsufficientFunds));
    assert_eq!(b.payment_intents.find(kim.id, i.id).await, Ok(Some(failed)));
    assert_eq!(order_status(b, kim.id, o.id).await, OrderStatus::Placed);
}

pub async fn a_paid_order_cannot_be_paid_by_another_intent(b: &Backend) {
    let kim = stored_user(b, "pi-twice@example.com").await;
    let o = stored_order(b, kim.id, 3_000).await;
    let first = pending(kim.id, &o, t0());
    let second = pending(kim.id, &o, t0());
    b.payment_intents.create(&first).await.expect("create");
    b.payment_intents.create(&second).await.expect("create");
    let ok = outcome(SandboxCard::Ok);
    assert!(matches!(
        b.payment_intents
            .complete(kim.id, first.id, &ok, t0())
            .await,
        Ok(Completion::Completed(_))
    ));
    assert_eq!(
        b.payment_intents
            .complete(kim.id, second.id, &ok, t0())
            .await,
        Ok(Completion::OrderNotPayable)
    );
    assert_eq!(
        b.payment_intents
            .find(kim.id, second.id)
            .await
            .expect("find")
            .map(|i| i.status),
        Some(IntentStatus::RequiresConfirmation),
        "nothing changed"
    );
}

pub async fn concurrent_confirmations_have_one_winner(b: &Backend) {
    let kim = stored_user(b, "pi-race@example.com").await;
    let o = stored_order(b, kim.id, 1_000).await;
    let i = pending(kim.id, &o, t0());
    b.payment_intents.create(&i).await.expect("create");
    let repo = Arc::clone(&b.payment_intents);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let repo = Arc::clone(&repo);
            let id = i.id;
            tokio::spawn(async move {
                repo.complete(kim.id, id, &outcome(SandboxCard::Ok), t0())
                    .await
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(Completion::Completed(_)) => wins += 1,
            Ok(Completion::NotPending(_)) => {}
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!(wins, 1);
}

/// The cap is checked inside the recording transaction: of concurrent
/// confirmations of different intents, only as many succeed as the cap allows
/// (a check before recording would let all of them through).
pub async fn concurrent_confirmations_stay_within_the_budget(b: &Backend) {
    let kim = stored_user(b, "pi-cap-race@example.com").await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        let o = stored_order(b, kim.id, 3_000).await;
        let i = pending(kim.id, &o, t0());
        b.payment_intents.create(&i).await.expect("create");
        ids.push(i.id);
    }
    let capped = ConfirmOutcome {
        budget: Some(BudgetLimit {
            cap_krw: 10_000,
            since: t0() - Duration::days(30),
        }),
        ..outcome(SandboxCard::Ok)
    };
    let repo = Arc::clone(&b.payment_intents);
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let repo = Arc::clone(&repo);
            tokio::spawn(async move { repo.complete(kim.id, id, &capped, t0()).await })
        })
        .collect();
    let (mut paid, mut refused) = (0, 0);
    for t in tasks {
        match t.await.expect("task") {
            Ok(Completion::Completed(_)) => paid += 1,
            Ok(Completion::OverBudget { spent_krw }) => {
                assert_eq!(spent_krw, 9_000, "refused once three were paid");
                refused += 1;
            }
            other => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((paid, refused), (3, 5), "3 × 3,000 fit in 10,000");
    assert_eq!(
        b.payment_intents
            .succeeded_total_since(kim.id, t0() - Duration::days(30))
            .await,
        Ok(9_000)
    );
    // A refused intent is left as it was: still waiting for confirmation.
    let mut pending_left = 0;
    for id in ids {
        let i = b
            .payment_intents
            .find(kim.id, id)
            .await
            .expect("find")
            .expect("intent");
        if i.status == IntentStatus::RequiresConfirmation {
            pending_left += 1;
        }
    }
    assert_eq!(pending_left, 5);
}

pub async fn budget_counts_only_recent_successes(b: &Backend) {
    let kim = stored_user(b, "pi-budget@example.com").await;
    let lee = stored_user(b, "pi-budget2@example.com").await;
    let mut paid_at = Vec::new();
    for (n, days_ago) in [(1_000, 40), (2_000, 10), (4_000, 1)] {
        let o = stored_order(b, kim.id, n).await;
        let i = pending(kim.id, &o, t0());
        b.payment_intents.create(&i).await.expect("create");
        let at = t0() - Duration::days(days_ago);
        b.payment_intents
            .complete(kim.id, i.id, &outcome(SandboxCard::Ok), at)
            .await
            .expect("paid");
        paid_at.push(at);
    }
    // A failed and a pending intent do not count.
    let o = stored_order(b, kim.id, 8_000).await;
    let failed = pending(kim.id, &o, t0());
    b.payment_intents.create(&failed).await.expect("create");
    b.payment_intents
        .complete(kim.id, failed.id, &outcome(SandboxCard::Declined), t0())
        .await
        .expect("declined");
    b.payment_intents
        .create(&pending(kim.id, &o, t0()))
        .await
        .expect("create");
    let since = t0() - Duration::days(30);
    assert_eq!(
        b.payment_intents.succeeded_total_since(kim.id, since).await,
        Ok(6_000)
    );
    assert_eq!(
        b.payment_intents
            .succeeded_total_since(kim.id, paid_at[1])
            .await,
        Ok(6_000),
        "the bound is inclusive"
    );
    assert_eq!(
        b.payment_intents.succeeded_total_since(lee.id, since).await,
        Ok(0)
    );
}
