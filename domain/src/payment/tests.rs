//! Payment rules and use cases over mocked repositories.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::*;
use crate::basket::{ItemName, Quantity};
use crate::order::ports::MockOrderRepository;
use crate::order::{Order, OrderLine, OrderParts, OrderSource, OrderStatus};
use crate::payment::ports::{MockPaymentIntentRepository, MockPaymentMethodRepository};
use crate::system::{MockClock, MockRandomSource};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
}

fn user() -> UserId {
    UserId(Uuid::from_u128(7))
}

fn order(status: OrderStatus, total: i64) -> Order {
    Order::new(OrderParts {
        id: OrderId(Uuid::from_u128(1)),
        user_id: user(),
        source: OrderSource::Manual,
        plan_request_id: None,
        plan_id: None,
        status,
        lines: vec![OrderLine {
            name: ItemName::parse("우유").expect("ok"),
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
    .expect("valid order")
}

fn intent(status: IntentStatus) -> PaymentIntent {
    PaymentIntent {
        id: IntentId(Uuid::from_u128(9)),
        user_id: user(),
        order_id: OrderId(Uuid::from_u128(1)),
        amount_krw: 12_900,
        status,
        card: None,
        payment_method_id: None,
        decline_code: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

struct Mocks {
    methods: MockPaymentMethodRepository,
    intents: MockPaymentIntentRepository,
    orders: MockOrderRepository,
}

impl Mocks {
    fn new() -> Self {
        Self {
            methods: MockPaymentMethodRepository::new(),
            intents: MockPaymentIntentRepository::new(),
            orders: MockOrderRepository::new(),
        }
    }

    fn service(self, cap: i64) -> PaymentService {
        let mut clock = MockClock::new();
        clock.expect_now().returning(t0);
        let mut random = MockRandomSource::new();
        random.expect_uuid().returning(|| Uuid::from_u128(9));
        PaymentService::new(
            Arc::new(self.methods),
            Arc::new(self.intents),
            Arc::new(self.orders),
            Arc::new(clock),
            Arc::new(random),
            BudgetPolicy {
                cap_krw: cap,
                window: Duration::days(30),
            },
        )
    }
}

#[test]
fn budget_cap_counts_spent_plus_new_amount() {
    let p = BudgetPolicy::default();
    assert_eq!((p.cap_krw, p.window_days()), (1_000_000, 30));
    assert!(p.allows(0, 1_000_000));
    assert!(p.allows(990_000, 10_000));
    assert!(!p.allows(990_000, 10_001));
    assert!(!p.allows(0, 1_000_001));
    assert!(!p.allows(i64::MAX, 1), "no overflow");
}

#[test]
fn only_a_pending_intent_moves_and_only_once() {
    use IntentStatus::*;
    for next in [Succeeded, Failed, Canceled] {
        assert!(RequiresConfirmation.can_become(next));
        for done in [Succeeded, Failed, Canceled] {
            assert!(!done.can_become(next), "{done:?} is final");
        }
    }
    assert!(!RequiresConfirmation.can_become(RequiresConfirmation));
    for s in [RequiresConfirmation, Succeeded, Failed, Canceled] {
        assert_eq!(IntentStatus::parse(s.as_str()), Some(s));
    }
}

#[test]
fn outcome_applies_status_card_and_decline_code() {
    let pending = intent(IntentStatus::RequiresConfirmation);
    let later = t0() + Duration::seconds(5);
    let ok = ConfirmOutcome {
        card: SandboxCard::Ok,
        payment_method_id: None,
        result: SandboxCard::Ok.charge(),
        budget: None,
    }
    .apply(&pending, later);
    assert_eq!(
        (ok.status, ok.decline_code, ok.updated_at),
        (IntentStatus::Succeeded, None, later)
    );
    let no = ConfirmOutcome {
        card: SandboxCard::InsufficientFunds,
        payment_method_id: None,
        result: SandboxCard::InsufficientFunds.charge(),
        budget: None,
    }
    .apply(&pending, later);
    assert_eq!(
        (no.status, no.decline_code),
        (IntentStatus::Failed, Some(DeclineCode::InsufficientFunds))
    );
}

#[test]
fn sandbox_tokens_have_labels_and_outcomes() {
    assert_eq!(SandboxCard::Ok.label(), "Sandbox Visa •••• 4242");
    assert_eq!(SandboxCard::Ok.charge(), Ok(()));
    assert_eq!(
        SandboxCard::Declined.charge(),
        Err(DeclineCode::GenericDecline)
    );
    assert_eq!(SandboxCard::Expired.charge(), Err(DeclineCode::ExpiredCard));
    for c in SandboxCard::ALL {
        assert_eq!(SandboxCard::parse(c.token()), Some(c));
    }
    assert_eq!(SandboxCard::parse("pm_card_visa"), None);
    assert_eq!(SandboxCard::parse("PM_CARD_OK"), None);
}

#[test]
fn method_refs_are_ids_or_tokens_never_card_numbers() {
    let id = Uuid::from_u128(5);
    assert_eq!(
        MethodRef::parse(&id.to_string()),
        Ok(MethodRef::Stored(PaymentMethodId(id)))
    );
    assert_eq!(
        MethodRef::parse(" pm_card_declined "),
        Ok(MethodRef::Token(SandboxCard::Declined))
    );
    assert!(MethodRef::parse("pm_card_nope").is_err());
    assert!(MethodRef::parse("").is_err());
    let refused = MethodRef::parse("4242 4242 4242 4242").expect_err("card");
    assert!(!refused.message.contains("4242"), "never echoed");
}

#[tokio::test]
async fn add_method_refuses_card_numbers_and_unknown_tokens_before_storage() {
    let svc = Mocks::new().service(1_000_000); // any repository call would panic
    let e = svc
        .add_method(user(), "4242-4242-4242-4242", None)
        .await
        .expect_err("card number");
    assert!(!e.to_string().contains("4242"));
    assert!(matches!(e, PaymentError::Invalid(ref v) if v[0].field == "token"));
    let e = svc
        .add_method(user(), "pm_card_ok", Some("my 5555555555554444"))
        .await
        .expect_err("card in label");
    assert!(matches!(e, PaymentError::Invalid(ref v) if v[0].field == "label"));
    let e = svc
        .add_method(user(), "pm_card_gold", None)
        .await
        .expect_err("unknown");
    assert!(matches!(e, PaymentError::Invalid(_)));
}

#[tokio::test]
async fn add_method_labels_from_the_token() {
    let mut m = Mocks::new();
    m.methods.expect_list().returning(|_| Ok(vec![]));
    m.methods.expect_add().times(1).returning(|_| Ok(()));
    let pm = m
        .service(1)
        .add_method(user(), "pm_card_ok", None)
        .await
        .expect("added");
    assert_eq!(pm.label, "Sandbox Visa •••• 4242");
}

#[tokio::test]
async fn intent_amount_must_equal_the_order_total_and_order_be_payable() {
    let mut m = Mocks::new();
    m.orders
        .expect_find()
        .returning(|_, _| Ok(Some(order(OrderStatus::Placed, 12_900))));
    m.intents
        .expect_succeeded_total_since()
        .returning(|_, _| Ok(0));
    m.intents.expect_create().times(1).returning(|_| Ok(()));
    let svc = m.service(1_000_000);
    let e = svc
        .create_intent(user(), Uuid::from_u128(1), 12_000)
        .await
        .expect_err("mismatch");
    assert!(matches!(e, PaymentError::Invalid(ref v) if v[0].field == "amount_krw"));
    let i = svc
        .create_intent(user(), Uuid::from_u128(1), 12_900)
        .await
        .expect("created");
    assert_eq!(i.status, IntentStatus::RequiresConfirmation);

    let mut m = Mocks::new();
    m.orders
        .expect_find()
        .returning(|_, _| Ok(Some(order(OrderStatus::Paid, 12_900))));
    let e = m
        .service(1_000_000)
        .create_intent(user(), Uuid::from_u128(1), 12_900)
        .await
        .expect_err("paid");
    assert_eq!(e, PaymentError::OrderNotPayable);
}

#[tokio::test]
async fn budget_cap_refuses_an_intent_over_the_rolling_window() {
    let mut m = Mocks::new();
    m.orders
        .expect_find()
        .returning(|_, _| Ok(Some(order(OrderStatus::Placed, 12_900))));
    m.intents
        .expect_succeeded_total_since()
        .withf(|_, since| *since == t0() - Duration::days(30))
        .returning(|_, _| Ok(990_000));
    let e = m
        .service(1_000_000)
        .create_intent(user(), Uuid::from_u128(1), 12_900)
        .await
        .expect_err("over cap");
    assert_eq!(
        e,
        PaymentError::BudgetCapExceeded {
            cap_krw: 1_000_000,
            spent_krw: 990_000,
            window_days: 30
        }
    );
}

#[tokio::test]
async fn confirm_declines_and_refuses_final_intents() {
    let mut m = Mocks::new();
    m.intents
        .expect_find()
        .returning(|_, _| Ok(Some(intent(IntentStatus::RequiresConfirmation))));
    m.intents
        .expect_succeeded_total_since()
        .returning(|_, _| Ok(0));
    m.intents.expect_complete().returning(|_, _, o, now| {
        Ok(Completion::Completed(
            o.apply(&intent(IntentStatus::RequiresConfirmation), now),
        ))
    });
    let svc = m.service(1_000_000);
    let e = svc
        .confirm(user(), Uuid::from_u128(9), "pm_card_insufficient_funds")
        .await
        .expect_err("declined");
    assert!(matches!(
        e,
        PaymentError::Declined { code: DeclineCode::InsufficientFunds, ref intent }
            if intent.status == IntentStatus::Failed
    ));
    let ok = svc
        .confirm(user(), Uuid::from_u128(9), "pm_card_ok")
        .await
        .expect("succeeded");
    assert_eq!(ok.status, IntentStatus::Succeeded);

    let mut m = Mocks::new();
    m.intents
        .expect_find()
        .returning(|_, _| Ok(Some(intent(IntentStatus::Succeeded))));
    let e = m
        .service(1_000_000)
        .confirm(user(), Uuid::from_u128(9), "pm_card_ok")
        .await
        .expect_err("final");
    assert_eq!(e, PaymentError::NotConfirmable(IntentStatus::Succeeded));
}
