//! Products: what the shopper names, with its unit and pack size.

use crate::user::InvalidValue;

use super::label;
use super::{pack, PriceKrw, ProductId};

/// How a product's size is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Grams.
    G,
    /// Millilitres.
    Ml,
    /// Pieces (eggs, packs, heads of cabbage…).
    Ea,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::G => "G",
            Unit::Ml => "ML",
            Unit::Ea => "EA",
        }
    }

    /// Accepts `G`, `ML`, `EA` in any case.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "G" => Some(Unit::G),
            "ML" => Some(Unit::Ml),
            "EA" => Some(Unit::Ea),
            _ => None,
        }
    }
}

/// A product as the shopper names it: "서울우유 1L" (ML, 1000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    id: ProductId,
    name: String,
    name_en: Option<String>,
    aliases: Vec<String>,
    category: String,
    unit: Unit,
    size: u32,
    barcode: Option<String>,
}

/// The raw parts of a [`Product`].
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub id: String,
    pub name: String,
    pub name_en: Option<String>,
    pub aliases: Vec<String>,
    pub category: String,
    pub unit: Unit,
    pub size: u32,
    pub barcode: Option<String>,
}

impl Product {
    pub const MAX_ALIASES: usize = 20;

    pub fn new(p: NewProduct) -> Result<Self, InvalidValue> {
        let name_en = p
            .name_en
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| label("name_en", s, 100))
            .transpose()?;
        let mut aliases: Vec<String> = Vec::new();
        for a in &p.aliases {
            let a = label("aliases", a, 60)?;
            if !aliases.contains(&a) {
                aliases.push(a);
            }
        }
        if aliases.len() > Self::MAX_ALIASES {
            return Err(InvalidValue::new("aliases", "at most 20 aliases"));
        }
        if p.size == 0 {
            return Err(InvalidValue::new("size", "must be positive"));
        }
        let barcode = p
            .barcode
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|b| {
                if (8..=14).contains(&b.len()) && b.bytes().all(|c| c.is_ascii_digit()) {
                    Ok(b.to_owned())
                } else {
                    Err(InvalidValue::new("barcode", "must be 8 to 14 digits"))
                }
            })
            .transpose()?;
        Ok(Self {
            id: ProductId::parse(&p.id)?,
            name: label("name", &p.name, 100)?,
            name_en,
            aliases,
            category: label("category", &p.category, 40)?,
            unit: p.unit,
            size: p.size,
            barcode,
        })
    }

    pub fn id(&self) -> &ProductId {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn name_en(&self) -> Option<&str> {
        self.name_en.as_deref()
    }
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }
    pub fn category(&self) -> &str {
        &self.category
    }
    pub fn unit(&self) -> Unit {
        self.unit
    }
    pub fn size(&self) -> u32 {
        self.size
    }
    /// The pack this product is sold in (its unit and size).
    pub fn pack(&self) -> pack::Pack {
        pack::Pack {
            unit: self.unit,
            quantity: self.size,
        }
    }
    /// `price` of one pack on the legal unit-price basis (per 100 g,
    /// 100 ml or 1 piece).
    pub fn unit_price(&self, price: PriceKrw) -> Option<pack::UnitPrice> {
        pack::UnitPrice::of(price.krw(), self.pack(), None)
    }
    pub fn barcode(&self) -> Option<&str> {
        self.barcode.as_deref()
    }
}
