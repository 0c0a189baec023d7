//! Basket rules and use cases, with a mocked repository where it helps.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::*;
use crate::basket::ports::{BasketRepository, MockBasketRepository, SaveBasketError};
use crate::error::RepoError;
use crate::system::{Clock, RandomSource};

fn user() -> UserId {
    UserId(Uuid::from_u128(42))
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
}

fn line(id: u128, product: Option<&str>, name: &str, q: i64) -> BasketItem {
    BasketItem {
        id: BasketItemId(Uuid::from_u128(id)),
        product_id: product.map(|p| ProductRef::parse(p).expect("product")),
        name: ItemName::parse(name).expect("name"),
        quantity: Quantity::new(q).expect("quantity"),
        unit: None,
        note: None,
    }
}

fn input(product: Option<&str>, name: &str, q: i64) -> ItemInput {
    ItemInput {
        product_id: product.map(str::to_owned),
        name: name.to_owned(),
        quantity: q,
        ..Default::default()
    }
}

#[test]
fn quantity_is_one_to_ninety_nine() {
    assert!(Quantity::new(0).is_err());
    assert!(Quantity::new(-1).is_err());
    assert!(Quantity::new(100).is_err());
    assert!(Quantity::new(i64::MAX).is_err());
    assert_eq!(Quantity::new(1).map(Quantity::get), Ok(1));
    assert_eq!(Quantity::new(99).map(Quantity::get), Ok(99));
    let fifty = Quantity::new(50).expect("ok");
    assert_eq!(fifty.checked_add(fifty), None);
    assert_eq!(
        fifty.checked_add(Quantity::new(49).expect("ok")),
        Quantity::new(99).ok()
    );
}

#[test]
fn text_fields_are_bounded_and_clean() {
    assert_eq!(
        ItemName::parse("  서울우유 1L ").expect("ok").as_str(),
        "서울우유 1L"
    );
    assert!(ItemName::parse("").is_err());
    assert!(ItemName::parse(&"가".repeat(101)).is_err());
    assert!(ItemName::parse(&"가".repeat(100)).is_ok());
    assert!(ItemName::parse("우유\u{0}").is_err());
    assert!(ItemName::parse("우유\n계란").is_err());
    assert!(ItemUnit::parse(Some(&"a".repeat(21))).is_err());
    assert_eq!(ItemUnit::parse(Some("  ")), Ok(None));
    assert!(ItemNote::parse(Some(&"a".repeat(201))).is_err());
    assert!(ItemNote::parse(Some(&"a".repeat(200))).is_ok());
    assert!(ProductRef::parse("p 1").is_err());
    assert!(ProductRef::parse(&"p".repeat(65)).is_err());
    assert!(ProductRef::parse("p-0001").is_ok());
}

#[test]
fn adding_the_same_product_or_name_merges() {
    let mut b = Basket::empty(user());
    let first = b.add(line(1, Some("milk-1l"), "서울우유", 2)).expect("add");
    let again = b.add(line(2, Some("milk-1l"), "우유", 3)).expect("merge");
    assert_eq!(first, again);
    assert_eq!(b.items().len(), 1);
    assert_eq!(b.items()[0].quantity.get(), 5);

    // Without a product, the normalised name decides.
    b.add(line(3, None, "계란  한 판", 1)).expect("add");
    b.add(line(4, None, "계란 한 판", 1))
        .expect("merge by name");
    assert_eq!(b.items().len(), 2);
    assert_eq!(b.items()[1].quantity.get(), 2);
    // A product line and a free-text line with the same name stay apart.
    b.add(line(5, None, "서울우유", 1)).expect("separate");
    assert_eq!(b.items().len(), 3);
}

#[test]
fn merge_above_the_cap_is_refused_and_changes_nothing() {
    let mut b = Basket::empty(user());
    b.add(line(1, Some("p"), "우유", 60)).expect("add");
    let err = b.add(line(2, Some("p"), "우유", 40));
    assert!(matches!(err, Err(BasketError::Invalid(ref v)) if v[0].field == "quantity"));
    assert_eq!(b.items()[0].quantity.get(), 60);
}

#[test]
fn at_most_one_hundred_lines() {
    let mut b = Basket::empty(user());
    for i in 0..100 {
        b.add(line(i, None, &format!("item {i}"), 1)).expect("add");
    }
    assert!(b.add(line(500, None, "one too many", 1)).is_err());
    // Merging into an existing line still works when full.
    assert!(b.add(line(501, None, "item 7", 1)).is_ok());
    let lines: Vec<_> = (0..101)
        .map(|i| line(i, None, &format!("x{i}"), 1))
        .collect();
    assert!(Basket::new(user(), lines, None, 0).is_err());
}

#[test]
fn replace_refuses_duplicate_ids_and_duplicate_products() {
    let mut b = Basket::empty(user());
    assert!(b
        .replace(vec![line(1, None, "a", 1), line(1, None, "b", 1)])
        .is_err());
    assert!(b
        .replace(vec![line(1, Some("p"), "a", 1), line(2, Some("p"), "b", 1)])
        .is_err());
    assert!(b
        .replace(vec![line(1, None, "Tofu", 1), line(2, None, "tofu", 1)])
        .is_err());
    assert!(b.is_empty());
    b.replace(vec![line(1, None, "a", 1), line(2, None, "b", 1)])
        .expect("ok");
    assert_eq!(b.items().len(), 2);
}

#[test]
fn update_and_remove_need_an_existing_line() {
    let mut b = Basket::empty(user());
    b.add(line(1, None, "두부", 1)).expect("add");
    let id = BasketItemId(Uuid::from_u128(1));
    let missing = BasketItemId(Uuid::from_u128(9));
    let patch = Patch {
        quantity: Quantity::new(4).ok(),
        unit: Some(ItemUnit::parse(Some("모")).expect("ok")),
        note: None,
    };
    b.update(id, patch.clone()).expect("update");
    assert_eq!(b.items()[0].quantity.get(), 4);
    assert_eq!(b.items()[0].unit.as_ref().map(ItemUnit::as_str), Some("모"));
    b.update(
        id,
        Patch {
            unit: Some(None),
            ..Default::default()
        },
    )
    .expect("clear unit");
    assert_eq!(b.items()[0].unit, None);
    assert_eq!(b.update(missing, patch), Err(BasketError::ItemNotFound));
    assert_eq!(b.remove(missing), Err(BasketError::ItemNotFound));
    assert_eq!(b.remove(id).map(|l| l.id), Ok(id));
    assert!(b.is_empty());
}

// ---- the use cases ----

struct Fixed(DateTime<Utc>);
impl Clock for Fixed {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

struct Counting(AtomicU64);
impl RandomSource for Counting {
    fn uuid(&self) -> Uuid {
        Uuid::from_u128(1000 + u128::from(self.0.fetch_add(1, Ordering::SeqCst)))
    }
    fn secret_bytes(&self) -> [u8; 32] {
        [0; 32]
    }
}

/// An in-memory repository with a real compare-and-set, and a hook that lets
/// a test slip in "another device's" write before the next save.
#[derive(Default)]
struct Memory {
    stored: Mutex<Option<Basket>>,
    interfere: Mutex<Vec<Basket>>,
}

#[async_trait]
impl BasketRepository for Memory {
    async fn get(&self, user: UserId) -> Result<Basket, RepoError> {
        let stored = self.stored.lock().expect("lock").clone();
        Ok(stored.unwrap_or_else(|| Basket::empty(user)))
    }
    async fn save(
        &self,
        basket: &Basket,
        expected: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Basket, SaveBasketError> {
        let mut stored = self.stored.lock().expect("lock");
        if let Some(other) = self.interfere.lock().expect("lock").pop() {
            *stored = Some(other);
        }
        let current = stored.as_ref().map_or(0, |b| b.version);
        if expected.is_some_and(|v| v != current) {
            return Err(SaveBasketError::Stale);
        }
        let mut saved = basket.clone();
        saved.version = current + 1;
        saved.updated_at = Some(now);
        *stored = Some(saved.clone());
        Ok(saved)
    }
}

fn service(repo: Arc<dyn BasketRepository>) -> BasketService {
    BasketService::new(
        repo,
        Arc::new(Fixed(t0())),
        Arc::new(Counting(AtomicU64::new(0))),
    )
}

#[tokio::test]
async fn add_then_merge_bumps_the_version_each_time() {
    let repo = Arc::new(Memory::default());
    let svc = service(repo.clone());
    let (b, first) = svc
        .add(user(), None, input(Some("egg-30"), "계란 한 판", 1))
        .await
        .expect("add");
    assert!(matches!(first, ChangeOutcome::Added(_)));
    assert_eq!((b.version, b.updated_at), (1, Some(t0())));
    let (b, second) = svc
        .add(user(), Some(1), input(Some("egg-30"), "계란", 2))
        .await
        .expect("merge");
    assert!(matches!(second, ChangeOutcome::Merged(_)));
    assert_eq!(b.version, 2);
    assert_eq!(b.items()[0].quantity.get(), 3);
}

#[tokio::test]
async fn a_stale_if_match_is_refused_before_anything_is_written() {
    let mut repo = MockBasketRepository::new();
    repo.expect_get().returning(|u| {
        let mut b = Basket::empty(u);
        b.version = 5;
        Ok(b)
    });
    repo.expect_save().never();
    let svc = service(Arc::new(repo));
    let got = svc.add(user(), Some(4), input(None, "두부", 1)).await;
    assert_eq!(got.map(|_| ()), Err(BasketUseError::Stale));
}

#[tokio::test]
async fn losing_the_race_with_if_match_is_stale() {
    let repo = Arc::new(Memory::default());
    let svc = service(repo.clone());
    svc.add(user(), None, input(None, "두부", 1))
        .await
        .expect("add");
    // Another device writes between our read and our save.
    let mut other = repo.get(user()).await.expect("get");
    other.version = 2;
    repo.interfere.lock().expect("lock").push(other);
    let got = svc.add(user(), Some(1), input(None, "콩나물", 1)).await;
    assert_eq!(got.map(|_| ()), Err(BasketUseError::Stale));
}

#[tokio::test]
async fn without_if_match_a_lost_race_is_retried_on_the_fresh_basket() {
    let repo = Arc::new(Memory::default());
    let svc = service(repo.clone());
    svc.add(user(), None, input(None, "두부", 1))
        .await
        .expect("add");
    let mut other = repo.get(user()).await.expect("get");
    other
        .add(line(77, None, "콩나물", 1))
        .expect("other device adds");
    other.version = 2;
    repo.interfere.lock().expect("lock").push(other);

    let (b, _) = svc
        .add(user(), None, input(None, "대파", 1))
        .await
        .expect("retried");
    let names: Vec<_> = b.items().iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["두부", "콩나물", "대파"], "nothing lost");
    assert_eq!(b.version, 3);
}

#[tokio::test]
async fn replace_reports_problems_per_line_and_writes_nothing() {
    let mut repo = MockBasketRepository::new();
    repo.expect_get().never();
    repo.expect_save().never();
    let svc = service(Arc::new(repo));
    let got = svc
        .replace(
            user(),
            None,
            vec![
                input(None, "ok", 1),
                input(None, "", 0),
                input(None, "x\u{0}", 1),
            ],
        )
        .await;
    let Err(BasketUseError::Invalid(problems)) = got else {
        panic!("expected invalid, got {got:?}");
    };
    let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("line 2: name")));
    assert!(messages.iter().any(|m| m.starts_with("line 2: quantity")));
    assert!(messages.iter().any(|m| m.starts_with("line 3: name")));
}

#[tokio::test]
async fn changes_apply_all_or_nothing() {
    let repo = Arc::new(Memory::default());
    let svc = service(repo.clone());
    let (b, _) = svc
        .add(user(), None, input(None, "두부", 1))
        .await
        .expect("add");
    let got = svc
        .apply(
            user(),
            None,
            vec![
                BasketChange::Add(input(None, "우유", 1)),
                BasketChange::Remove(BasketItemId(Uuid::from_u128(404))),
            ],
        )
        .await;
    assert_eq!(got.map(|_| ()), Err(BasketUseError::ItemNotFound));
    assert_eq!(repo.get(user()).await, Ok(b));
}

#[tokio::test]
async fn an_empty_patch_is_refused() {
    let svc = service(Arc::new(Memory::default()));
    let got = svc
        .update(
            user(),
            None,
            BasketItemId(Uuid::from_u128(1)),
            ItemPatch::default(),
        )
        .await;
    assert!(matches!(got, Err(BasketUseError::Invalid(_))));
}

/// A whole-basket replace without `If-Match` is "last write wins": however
/// many writers interfere, it is written (unconditionally) on the first try.
#[tokio::test]
async fn replace_without_if_match_never_loses_a_race() {
    let repo = Arc::new(Memory::default());
    let svc = service(repo.clone());
    svc.add(user(), None, input(None, "두부", 1))
        .await
        .expect("add");
    for v in 2..=(2 + BasketService::MAX_ATTEMPTS as i64) {
        let mut other = repo.get(user()).await.expect("get");
        other.version = v;
        repo.interfere.lock().expect("lock").push(other);
    }
    let b = svc
        .replace(user(), None, vec![input(None, "대파", 2)])
        .await
        .expect("last write wins");
    let names: Vec<_> = b.items().iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["대파"]);
    // With If-Match the same race is a conflict, as before.
    let mut other = repo.get(user()).await.expect("get");
    other.version += 1;
    repo.interfere.lock().expect("lock").push(other);
    let got = svc
        .replace(user(), Some(b.version), vec![input(None, "양파", 1)])
        .await;
    assert_eq!(got.map(|_| ()), Err(BasketUseError::Stale));
}
