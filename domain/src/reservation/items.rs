//! A reservation's own item list (`planned_items`): when present, a run plans
//! these lines instead of the shopper's live basket. Lines are checked like
//! basket lines (quantity 1 to 99, name rules, at most
//! [`MAX_PLANNED_ITEMS`] lines, one line per product or name); product ids
//! must name catalog products, which [`resolve`] checks against the catalog.

use std::collections::HashSet;

use crate::basket::{ItemName, ProductRef, Quantity};
use crate::catalog::ports::CatalogRepository;
use crate::catalog::ProductId;
use crate::error::RepoError;
use crate::user::InvalidValue;

/// Most lines a reservation's own list may hold (as many as a basket).
pub const MAX_PLANNED_ITEMS: usize = crate::basket::Basket::MAX_ITEMS;

/// The input field every problem with the list is reported under.
pub const FIELD: &str = "planned_items";

/// One line of a reservation's own list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedItem {
    /// A catalog product, or none for a free-text line.
    pub product_id: Option<ProductRef>,
    pub name: ItemName,
    pub quantity: Quantity,
}

/// A line as the client sent it. `name` may be left out when `product_id`
/// is given: the catalog's name is used then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlannedItemInput {
    pub product_id: Option<String>,
    pub name: Option<String>,
    pub quantity: i64,
}

fn problem(line: usize, e: &InvalidValue) -> InvalidValue {
    InvalidValue::new(FIELD, format!("line {line}: {} {}", e.field, e.message))
}

/// A line whose fields are well-formed; its product is not looked up yet.
struct Parsed {
    product: Option<(ProductRef, ProductId)>,
    name: Option<ItemName>,
    quantity: Quantity,
}

fn parse_line(n: usize, input: &PlannedItemInput) -> Result<Parsed, Vec<InvalidValue>> {
    let mut problems = Vec::new();
    let product = input.product_id.as_deref().and_then(|raw| {
        // Both spellings must hold: the basket's (length, no spaces) and
        // the catalog's (its id alphabet), else no product can match.
        ProductRef::parse(raw)
            .and_then(|r| ProductId::parse(raw.trim()).map(|p| (r, p)))
            .map_err(|e| problems.push(problem(n, &e)))
            .ok()
    });
    let name = match input.name.as_deref() {
        Some(raw) => ItemName::parse(raw)
            .map_err(|e| problems.push(problem(n, &e)))
            .ok(),
        None if input.product_id.is_none() => {
            problems.push(problem(
                n,
                &InvalidValue::new("name", "is required for a line without product_id"),
            ));
            None
        }
        None => None,
    };
    let quantity = Quantity::new(input.quantity)
        .map_err(|e| problems.push(problem(n, &e)))
        .ok();
    match quantity {
        Some(quantity) if problems.is_empty() => Ok(Parsed {
            product,
            name,
            quantity,
        }),
        _ => Err(problems),
    }
}

/// Checks a list as sent: every line's fields, the number of lines and that
/// no product or name appears twice; then that every product id names a
/// catalog product. All problems are reported together. An empty list is
/// refused: "no list" (plan the live basket) is written `null`.
pub async fn resolve(
    catalog: &dyn CatalogRepository,
    inputs: &[PlannedItemInput],
) -> Result<Vec<PlannedItem>, ResolveError> {
    if inputs.is_empty() {
        return Err(ResolveError::Invalid(vec![InvalidValue::new(
            FIELD,
            "must hold at least one line; send null to plan the current basket",
        )]));
    }
    if inputs.len() > MAX_PLANNED_ITEMS {
        return Err(ResolveError::Invalid(vec![InvalidValue::new(
            FIELD,
            format!("holds at most {MAX_PLANNED_ITEMS} lines"),
        )]));
    }
    let mut problems = Vec::new();
    let mut parsed = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        match parse_line(i + 1, input) {
            Ok(p) => parsed.push(p),
            Err(mut e) => problems.append(&mut e),
        }
    }
    if !problems.is_empty() {
        return Err(ResolveError::Invalid(problems));
    }
    let mut ids: Vec<ProductId> = parsed
        .iter()
        .filter_map(|p| p.product.as_ref().map(|(_, id)| id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    let known = if ids.is_empty() {
        Vec::new()
    } else {
        catalog.get_products(&ids).await?
    };
    let mut items = Vec::with_capacity(parsed.len());
    let mut seen = HashSet::new();
    for (i, p) in parsed.into_iter().enumerate() {
        let line = i + 1;
        let name = match &p.product {
            Some((_, id)) => match known.iter().find(|k| k.id() == id) {
                Some(product) => match p.name {
                    Some(n) => Some(n),
                    None => ItemName::parse(product.name())
                        .map_err(|e| problems.push(problem(line, &e)))
                        .ok(),
                },
                None => {
                    problems.push(problem(
                        line,
                        &InvalidValue::new(
                            "product_id",
                            format!("\"{id}\" is not a product in the catalog"),
                        ),
                    ));
                    None
                }
            },
            None => p.name,
        };
        let Some(name) = name else { continue };
        let key = match &p.product {
            Some((r, _)) => format!("p:{}", r.as_str()),
            None => format!("n:{}", name.normalised()),
        };
        if !seen.insert(key) {
            problems.push(problem(
                line,
                &InvalidValue::new(
                    "name",
                    format!(
                        "\"{}\" is on an earlier line too; put it on one line with the total quantity",
                        name.as_str()
                    ),
                ),
            ));
            continue;
        }
        items.push(PlannedItem {
            product_id: p.product.map(|(r, _)| r),
            name,
            quantity: p.quantity,
        });
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(ResolveError::Invalid(problems))
    }
}

/// Why a list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("invalid planned items")]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<ResolveError> for super::ReservationError {
    fn from(e: ResolveError) -> Self {
        match e {
            ResolveError::Invalid(v) => Self::Invalid(v),
            ResolveError::Repo(r) => Self::Repo(r),
        }
    }
}

/// A stored line read back: `None` when a value no longer passes its check.
pub fn from_stored(product_id: Option<&str>, name: &str, quantity: i64) -> Option<PlannedItem> {
    Some(PlannedItem {
        product_id: product_id.map(ProductRef::parse).transpose().ok()?,
        name: ItemName::parse(name).ok()?,
        quantity: Quantity::new(quantity).ok()?,
    })
}
