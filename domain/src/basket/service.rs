//! The basket use cases. Every change, from a single PATCH to a chat turn with
//! several edits, goes through [`BasketService::apply`]: read, change in memory,
//! store with a compare-and-set on the version. A client that sent `If-Match`
//! gets `Stale` when someone else wrote first; without it the change is
//! re-applied to the fresh basket (so nothing anyone else wrote is lost).

use std::sync::Arc;

use thiserror::Error;
use uuid::Uuid;

use super::{
    Basket, BasketError, BasketItem, BasketItemId, ItemName, ItemNote, ItemUnit, Patch, ProductRef,
    Quantity,
};
use crate::basket::ports::{BasketRepository, SaveBasketError};
use crate::error::RepoError;
use crate::system::{Clock, RandomSource};
use crate::user::{InvalidValue, UserId};

/// A line as a client sends it (not yet checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemInput {
    /// Keeps a line's id across a whole-basket replace; a new id is made when absent.
    pub id: Option<Uuid>,
    pub product_id: Option<String>,
    pub name: String,
    pub quantity: i64,
    pub unit: Option<String>,
    pub note: Option<String>,
}

/// A change to one line as a client sends it. `unit`/`note`: `None` keeps,
/// `Some(None)` clears, `Some(Some(..))` sets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemPatch {
    pub quantity: Option<i64>,
    pub unit: Option<Option<String>>,
    pub note: Option<Option<String>>,
}

/// One edit of the basket. A list of them is applied all-or-nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BasketChange {
    Add(ItemInput),
    Update(BasketItemId, ItemPatch),
    Remove(BasketItemId),
    Clear,
    Replace(Vec<ItemInput>),
}

/// What one change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    Added(BasketItemId),
    /// The quantity went onto a line already holding the same product or name.
    Merged(BasketItemId),
    Updated(BasketItemId),
    Removed(BasketItem),
    Cleared,
    Replaced,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The basket as stored, with its new version.
    pub basket: Basket,
    /// One outcome per change, in order.
    pub outcomes: Vec<ChangeOutcome>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BasketUseError {
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<InvalidValue>),
    #[error("no such basket item")]
    ItemNotFound,
    /// The version the client based its change on is no longer the stored one.
    #[error("the basket changed since that version")]
    Stale,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<BasketError> for BasketUseError {
    fn from(e: BasketError) -> Self {
        match e {
            BasketError::Invalid(v) => BasketUseError::Invalid(v),
            BasketError::ItemNotFound => BasketUseError::ItemNotFound,
        }
    }
}

/// A change after its input was checked (new ids already drawn, so that a
/// retry after a lost race adds the very same line).
enum Checked {
    Add(BasketItem),
    Update(BasketItemId, Patch),
    Remove(BasketItemId),
    Clear,
    Replace(Vec<BasketItem>),
}

pub struct BasketService {
    baskets: Arc<dyn BasketRepository>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
}

impl BasketService {
    /// How often a change without `If-Match` is re-applied after losing a race.
    pub const MAX_ATTEMPTS: usize = 8;

    pub fn new(
        baskets: Arc<dyn BasketRepository>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            baskets,
            clock,
            random,
        }
    }

    pub async fn get(&self, user: UserId) -> Result<Basket, RepoError> {
        self.baskets.get(user).await
    }

    /// Applies `changes` in order, all or nothing, and stores the result.
    /// `expected_version` is the client's `If-Match`: when given, the change is
    /// refused with `Stale` unless the stored basket still has that version.
    pub async fn apply(
        &self,
        user: UserId,
        expected_version: Option<i64>,
        changes: Vec<BasketChange>,
    ) -> Result<Applied, BasketUseError> {
        let checked = changes
            .into_iter()
            .map(|c| self.check(c))
            .collect::<Result<Vec<_>, _>>()?;
        // A change that does not read the stored lines (replace or clear the
        // whole basket) without `If-Match` is "last write wins": written
        // unconditionally, it never loses a race. Other changes build on the
        // stored lines, so they compare-and-set and re-apply when they lose.
        let blind = expected_version.is_none()
            && checked
                .iter()
                .all(|c| matches!(c, Checked::Replace(_) | Checked::Clear));
        for _ in 0..Self::MAX_ATTEMPTS {
            let mut basket = self.baskets.get(user).await?;
            if expected_version.is_some_and(|v| v != basket.version) {
                return Err(BasketUseError::Stale);
            }
            let outcomes = checked
                .iter()
                .map(|c| run(&mut basket, c))
                .collect::<Result<Vec<_>, _>>()?;
            let based_on = (!blind).then_some(basket.version);
            match self.baskets.save(&basket, based_on, self.clock.now()).await {
                Ok(basket) => return Ok(Applied { basket, outcomes }),
                Err(SaveBasketError::Stale) if expected_version.is_none() => continue,
                Err(SaveBasketError::Stale) => return Err(BasketUseError::Stale),
                Err(SaveBasketError::Repo(e)) => return Err(e.into()),
            }
        }
        Err(BasketUseError::Stale)
    }

    /// Replaces the whole basket.
    pub async fn replace(
        &self,
        user: UserId,
        expected_version: Option<i64>,
        items: Vec<ItemInput>,
    ) -> Result<Basket, BasketUseError> {
        self.apply(user, expected_version, vec![BasketChange::Replace(items)])
            .await
            .map(|a| a.basket)
    }

    /// Adds one line (merging with the same product); the outcome says which.
    pub async fn add(
        &self,
        user: UserId,
        expected_version: Option<i64>,
        item: ItemInput,
    ) -> Result<(Basket, ChangeOutcome), BasketUseError> {
        let mut applied = self
            .apply(user, expected_version, vec![BasketChange::Add(item)])
            .await?;
        let outcome = applied.outcomes.pop().unwrap_or(ChangeOutcome::Replaced);
        Ok((applied.basket, outcome))
    }

    pub async fn update(
        &self,
        user: UserId,
        expected_version: Option<i64>,
        id: BasketItemId,
        patch: ItemPatch,
    ) -> Result<Basket, BasketUseError> {
        self.apply(
            user,
            expected_version,
            vec![BasketChange::Update(id, patch)],
        )
        .await
        .map(|a| a.basket)
    }

    pub async fn remove(
        &self,
        user: UserId,
        expected_version: Option<i64>,
        id: BasketItemId,
    ) -> Result<Basket, BasketUseError> {
        self.apply(user, expected_version, vec![BasketChange::Remove(id)])
            .await
            .map(|a| a.basket)
    }

    fn check(&self, change: BasketChange) -> Result<Checked, BasketUseError> {
        Ok(match change {
            BasketChange::Add(input) => Checked::Add(self.line(input).map_err(invalid)?),
            BasketChange::Update(id, patch) => Checked::Update(id, check_patch(patch)?),
            BasketChange::Remove(id) => Checked::Remove(id),
            BasketChange::Clear => Checked::Clear,
            BasketChange::Replace(inputs) => {
                if inputs.len() > Basket::MAX_ITEMS {
                    return Err(BasketUseError::Invalid(vec![InvalidValue::new(
                        "items",
                        "a basket holds at most 100 lines",
                    )]));
                }
                let mut lines = Vec::with_capacity(inputs.len());
                let mut problems = Vec::new();
                for (n, input) in inputs.into_iter().enumerate() {
                    match self.line(input) {
                        Ok(line) => lines.push(line),
                        Err(errs) => problems.extend(errs.into_iter().map(|e| {
                            InvalidValue::new(
                                "items",
                                format!("line {}: {} {}", n + 1, e.field, e.message),
                            )
                        })),
                    }
                }
                if !problems.is_empty() {
                    return Err(BasketUseError::Invalid(problems));
                }
                Checked::Replace(lines)
            }
        })
    }

    /// Checks every field of a line, reporting all problems together.
    fn line(&self, input: ItemInput) -> Result<BasketItem, Vec<InvalidValue>> {
        let mut problems = Vec::new();
        let product_id = input
            .product_id
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(ProductRef::parse)
            .transpose()
            .map_err(|e| problems.push(e))
            .ok()
            .flatten();
        let name = ItemName::parse(&input.name)
            .map_err(|e| problems.push(e))
            .ok();
        let quantity = Quantity::new(input.quantity)
            .map_err(|e| problems.push(e))
            .ok();
        let unit = ItemUnit::parse(input.unit.as_deref())
            .map_err(|e| problems.push(e))
            .ok()
            .flatten();
        let note = ItemNote::parse(input.note.as_deref())
            .map_err(|e| problems.push(e))
            .ok()
            .flatten();
        match (name, quantity) {
            (Some(name), Some(quantity)) if problems.is_empty() => Ok(BasketItem {
                id: BasketItemId(input.id.unwrap_or_else(|| self.random.uuid())),
                product_id,
                name,
                quantity,
                unit,
                note,
            }),
            _ => Err(problems),
        }
    }
}

fn invalid(problems: Vec<InvalidValue>) -> BasketUseError {
    BasketUseError::Invalid(problems)
}

fn check_patch(patch: ItemPatch) -> Result<Patch, BasketUseError> {
    if patch.quantity.is_none() && patch.unit.is_none() && patch.note.is_none() {
        return Err(invalid(vec![InvalidValue::new(
            "body",
            "send at least one of quantity, unit, note",
        )]));
    }
    let mut problems = Vec::new();
    let quantity = patch
        .quantity
        .map(Quantity::new)
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    let unit = patch
        .unit
        .map(|u| ItemUnit::parse(u.as_deref()))
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    let note = patch
        .note
        .map(|n| ItemNote::parse(n.as_deref()))
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(Patch {
        quantity,
        unit,
        note,
    })
}

fn run(basket: &mut Basket, change: &Checked) -> Result<ChangeOutcome, BasketError> {
    Ok(match change {
        Checked::Add(line) => {
            let before = basket.items().len();
            let id = basket.add(line.clone())?;
            if basket.items().len() > before {
                ChangeOutcome::Added(id)
            } else {
                ChangeOutcome::Merged(id)
            }
        }
        Checked::Update(id, patch) => {
            basket.update(*id, patch.clone())?;
            ChangeOutcome::Updated(*id)
        }
        Checked::Remove(id) => ChangeOutcome::Removed(basket.remove(*id)?),
        Checked::Clear => {
            basket.clear();
            ChangeOutcome::Cleared
        }
        Checked::Replace(lines) => {
            basket.replace(lines.clone())?;
            ChangeOutcome::Replaced
        }
    })
}
