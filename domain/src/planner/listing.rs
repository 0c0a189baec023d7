//! Listings of a shopping search and the rules that make them prices of our
//! products.
//!
//! A shopping search (DATA-SOURCES.md: one query per basket line) answers
//! *listings*: one mall's page for something that matched the words. A
//! listing prices one of our canonical products only when
//!
//! 1. its price is a plausible positive amount in 원;
//! 2. its title names a pack size ([`Pack::parse`]: "1L", "200ml×24",
//!    "30구") equal to the product's pack — 1 L milk is never priced with a
//!    200 ml listing or a 1 L × 2 bundle (the shopper would buy something
//!    else); a product sold as one piece also matches a title with no size;
//! 3. its title, sizes and punctuation aside, contains every word of the
//!    product's name with its sizes taken out ("풀무원 두부" needs "풀무원"
//!    and "두부"; "서울우유 1L" needs "서울우유"), compared without spaces,
//!    punctuation and case;
//! 4. its `mallName` belongs to a configured mall ([`MallDirectory`]).
//!
//! Of the listings that pass, the cheapest per mall is that mall's offer.

use std::collections::HashMap;

use crate::catalog::pack::{strip_sizes, Pack};
use crate::catalog::{PriceKrw, Product, StoreId, Unit};

/// One listing as the search answered it, its title already free of markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The search's own id of the listing (`productId`).
    pub listing_id: String,
    pub title: String,
    /// The product page at the mall.
    pub link: String,
    pub image: Option<String>,
    /// The lowest price the search saw (`lprice`), in 원.
    pub price_krw: i64,
    /// The seller as the search names it (`mallName`), e.g. "쿠팡".
    pub mall_name: String,
    pub brand: Option<String>,
    pub maker: Option<String>,
    /// `category1..4`, the empty ones left out.
    pub categories: Vec<String>,
}

/// Why a listing does not price a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    /// Zero, negative or implausibly high.
    BadPrice,
    /// The title names no pack size (and the product is not a single piece).
    NoSize,
    /// The title's pack is another size or unit.
    OtherPack { found: Pack },
    /// The title does not name the product.
    OtherGood,
}

/// The title of a search answer without its markup: the search highlights
/// matched words with `<b>…</b>` and escapes `&`, `<`, `>`, quotes.
pub fn strip_markup(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                // A lone '<' is text.
                out.push('<');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text compared without spaces, punctuation or case.
fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The price `listing` gives `product`, or why it gives none (module docs).
pub fn price_of(product: &Product, listing: &Listing) -> Result<PriceKrw, Mismatch> {
    let price = PriceKrw::new(listing.price_krw).map_err(|_| Mismatch::BadPrice)?;
    let want = product.pack();
    match Pack::parse(&listing.title) {
        Some(found) if found == want => {}
        Some(found) => return Err(Mismatch::OtherPack { found }),
        None if want.unit == Unit::Ea && want.quantity == 1 => {}
        None => return Err(Mismatch::NoSize),
    }
    let title = key(&strip_sizes(&listing.title));
    let words: Vec<String> = strip_sizes(product.name())
        .split_whitespace()
        .map(key)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || !words.iter().all(|w| title.contains(w.as_str())) {
        return Err(Mismatch::OtherGood);
    }
    Ok(price)
}

/// Which configured mall a listing's `mallName` belongs to. Names are
/// compared without spaces, punctuation or case ("SSG.COM" = "ssgcom").
#[derive(Debug, Clone, Default)]
pub struct MallDirectory {
    by_name: HashMap<String, StoreId>,
}

impl MallDirectory {
    /// `entries`: each mall with the names the search gives its listings. A
    /// name claimed by two malls belongs to the first.
    pub fn new<I, N>(entries: I) -> Self
    where
        I: IntoIterator<Item = (StoreId, N)>,
        N: IntoIterator,
        N::Item: AsRef<str>,
    {
        let mut by_name = HashMap::new();
        for (mall, names) in entries {
            for name in names {
                let k = key(name.as_ref());
                if !k.is_empty() {
                    by_name.entry(k).or_insert_with(|| mall.clone());
                }
            }
        }
        Self { by_name }
    }

    pub fn mall_of(&self, mall_name: &str) -> Option<&StoreId> {
        self.by_name.get(&key(mall_name))
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Whether some seller name belongs to `mall`.
    pub fn knows(&self, mall: &StoreId) -> bool {
        self.by_name.values().any(|m| m == mall)
    }
}

/// The cheapest listing per configured mall that prices `product` (ties: the
/// first listed, i.e. the search's own order).
pub fn best_per_mall<'a>(
    product: &Product,
    listings: &'a [Listing],
    malls: &MallDirectory,
) -> HashMap<StoreId, (&'a Listing, PriceKrw)> {
    let mut best: HashMap<StoreId, (&'a Listing, PriceKrw)> = HashMap::new();
    for listing in listings {
        let Some(mall) = malls.mall_of(&listing.mall_name) else {
            continue;
        };
        let Ok(price) = price_of(product, listing) else {
            continue;
        };
        match best.get(mall) {
            Some((_, p)) if p.krw() <= price.krw() => {}
            _ => {
                best.insert(mall.clone(), (listing, price));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::NewProduct;

    fn product(name: &str, unit: Unit, size: u32) -> Product {
        Product::new(NewProduct {
            id: "p1".into(),
            name: name.into(),
            name_en: None,
            aliases: vec![],
            category: "유제품".into(),
            unit,
            size,
            barcode: None,
        })
        .expect("product")
    }

    fn listing(title: &str, price: i64, mall: &str) -> Listing {
        Listing {
            listing_id: format!("{title}-{mall}"),
            title: title.into(),
            link: "https://www.coupang.com/vp/products/1".into(),
            image: None,
            price_krw: price,
            mall_name: mall.into(),
            brand: None,
            maker: None,
            categories: vec![],
        }
    }

    fn id(s: &str) -> StoreId {
        StoreId::parse(s).expect("id")
    }

    #[test]
    fn markup_and_entities_are_stripped() {
        assert_eq!(
            strip_markup("<b>서울우유</b> 나100%  1L &amp; 우유 &lt;특가&gt;"),
            "서울우유 나100% 1L & 우유 <특가>"
        );
        assert_eq!(strip_markup("a < b"), "a < b");
        assert_eq!(strip_markup("<b>x"), "x");
    }

    #[test]
    fn only_the_same_pack_prices_a_product() {
        let milk = product("서울우유 1L", Unit::Ml, 1000);
        let ok = listing("서울우유 나100% 1L", 2_890, "쿠팡");
        assert_eq!(price_of(&milk, &ok).map(PriceKrw::krw), Ok(2_890));
        assert_eq!(
            price_of(&milk, &listing("서울우유 1000ml", 2_800, "쿠팡")).map(PriceKrw::krw),
            Ok(2_800),
            "1000ml is 1 L"
        );
        assert_eq!(
            price_of(&milk, &listing("서울우유 200ml", 900, "쿠팡")),
            Err(Mismatch::OtherPack {
                found: Pack::new(Unit::Ml, 200).expect("pack")
            })
        );
        assert!(matches!(
            price_of(&milk, &listing("서울우유 1L x 2개", 5_000, "쿠팡")),
            Err(Mismatch::OtherPack { .. })
        ));
        assert_eq!(
            price_of(&milk, &listing("서울우유 신선한 우유", 2_000, "쿠팡")),
            Err(Mismatch::NoSize)
        );
        assert_eq!(
            price_of(&milk, &listing("매일우유 1L", 2_500, "쿠팡")),
            Err(Mismatch::OtherGood)
        );
        assert_eq!(
            price_of(&milk, &listing("서울우유 1L", 0, "쿠팡")),
            Err(Mismatch::BadPrice)
        );
    }

    #[test]
    fn a_single_piece_matches_a_title_without_size() {
        let tofu = product("풀무원 두부", Unit::Ea, 1);
        assert_eq!(
            price_of(&tofu, &listing("풀무원 국산콩 두부 부침용", 3_000, "컬리"))
                .map(PriceKrw::krw),
            Ok(3_000)
        );
        assert_eq!(
            price_of(&tofu, &listing("CJ 행복한콩 두부", 2_000, "컬리")),
            Err(Mismatch::OtherGood),
            "every word of the name, the brand too"
        );
        assert_eq!(
            price_of(&tofu, &listing("[풀무원] 두부 (부침용)", 3_000, "컬리")).map(PriceKrw::krw),
            Ok(3_000)
        );
    }

    #[test]
    fn the_cheapest_matching_listing_per_configured_mall() {
        let milk = product("서울우유 1L", Unit::Ml, 1000);
        let malls = MallDirectory::new([
            (id("coupang"), vec!["쿠팡"]),
            (id("ssg"), vec!["SSG.COM", "이마트몰"]),
        ]);
        let listings = vec![
            listing("서울우유 1L", 3_100, "쿠팡"),
            listing("서울우유 1L", 2_950, "쿠팡"),
            listing("서울우유 200ml", 800, "쿠팡"),
            listing("서울우유 1L", 3_000, "ssg.com"),
            listing("서울우유 1L", 2_700, "이마트몰"),
            listing("서울우유 1L", 1_000, "어느 오픈마켓 판매자"),
        ];
        let best = best_per_mall(&milk, &listings, &malls);
        assert_eq!(best.len(), 2);
        assert_eq!(best[&id("coupang")].1.krw(), 2_950);
        assert_eq!(best[&id("ssg")].1.krw(), 2_700);
        assert_eq!(best[&id("ssg")].0.mall_name, "이마트몰");
        assert!(MallDirectory::default().is_empty());
        assert_eq!(malls.mall_of(" ssg.com "), Some(&id("ssg")));
        assert!(malls.knows(&id("coupang")));
        assert!(!malls.knows(&id("kurly")));
    }
}
