//! Product search: Korean and English names and aliases, ranked
//! exact > prefix > contains > fuzzy, tolerant of one typo.
//!
//! Text is normalised by lower-casing and dropping everything that is not a
//! letter or digit ("서울우유 1L" → "서울우유1l"). Fuzzy matching compares
//! words by optimal-string-alignment distance ≤ 1 (a transposition counts as
//! one edit, so "mlik" finds "milk"); Hangul is compared letter by letter
//! (jamo), so "게란" finds "계란". Fuzzy needs words of ≥ 4 letters (Latin) or
//! ≥ 2 syllables (Hangul), or it would match nearly anything.

use std::cmp::Ordering;

use super::Product;
use crate::user::InvalidValue;

/// A validated search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductQuery {
    raw: String,
    norm: String,
    words: Vec<String>,
}

impl ProductQuery {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(InvalidValue::new("q", "is required"));
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::new(
                "q",
                "is too long (at most 100 characters)",
            ));
        }
        let norm = normalize(raw);
        if norm.is_empty() {
            return Err(InvalidValue::new("q", "must contain letters or digits"));
        }
        Ok(Self {
            raw: raw.to_owned(),
            norm,
            words: words(raw),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn normalized(&self) -> &str {
        &self.norm
    }
}

/// Lower-cased letters and digits only.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The normalised words of `s` (split at anything not a letter or digit).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(normalize)
        .collect()
}

/// How well a product matched; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    Exact,
    Prefix,
    Contains,
    Fuzzy,
}

/// The best match of `query` against the product's name, English name and
/// aliases, or `None`.
pub fn match_rank(product: &Product, query: &ProductQuery) -> Option<MatchRank> {
    let keys = std::iter::once(product.name())
        .chain(product.name_en())
        .chain(product.aliases().iter().map(String::as_str));
    keys.filter_map(|k| key_rank(k, query)).min()
}

fn key_rank(key: &str, q: &ProductQuery) -> Option<MatchRank> {
    let kn = normalize(key);
    if kn.is_empty() {
        return None;
    }
    if kn == q.norm {
        return Some(MatchRank::Exact);
    }
    let kw = words(key);
    if kn.starts_with(&q.norm) || kw.contains(&q.norm) {
        return Some(MatchRank::Prefix);
    }
    if kn.contains(&q.norm) {
        return Some(MatchRank::Contains);
    }
    // Every query word must be found in the key, exactly or by one edit.
    let fuzzy = q.words.iter().all(|w| {
        kn.contains(w.as_str()) || (fuzzy_eligible(w) && kw.iter().any(|k| within_one_edit(w, k)))
    });
    fuzzy.then_some(MatchRank::Fuzzy)
}

/// The word of the product's names that `word` is one typo away from
/// ("게란" → "계란"), if any: lets a caller re-read a misspelt request.
pub fn corrected_word(product: &Product, word: &str) -> Option<String> {
    let w = normalize(word);
    if !fuzzy_eligible(&w) {
        return None;
    }
    // Only whole aliases: "게란" → "계란", never a word inside a long name
    // ("용과" is not "…껌 용기").
    product
        .aliases()
        .iter()
        .map(|a| normalize(a))
        .find(|k| *k != w && within_one_edit(&w, k))
}

fn is_hangul_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

fn fuzzy_eligible(word: &str) -> bool {
    let hangul = word.chars().filter(|c| is_hangul_syllable(*c)).count();
    let other = word.chars().count() - hangul;
    hangul >= 2 || other >= 4 || (hangul >= 1 && other >= 2)
}

/// Hangul syllables decomposed into their letters (initial, vowel, final).
fn letters(word: &str) -> Vec<u32> {
    let mut out = Vec::with_capacity(word.len());
    for c in word.chars() {
        if is_hangul_syllable(c) {
            let i = u32::from(c) - 0xAC00;
            out.push(0x1100 + i / 588);
            out.push(0x1161 + (i % 588) / 28);
            if i % 28 != 0 {
                out.push(0x11A7 + i % 28);
            }
        } else {
            out.push(u32::from(c));
        }
    }
    out
}

/// Optimal-string-alignment distance ≤ 1 between the letter sequences.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (letters(a), letters(b));
    a.len().abs_diff(b.len()) <= 1 && osa_distance(&a, &b) <= 1
}

fn osa_distance(a: &[u32], b: &[u32]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// The products that match, best first: by rank, then shorter name, then
/// name, then id (a total order, so pages are stable).
pub fn rank(products: Vec<Product>, query: &ProductQuery) -> Vec<Product> {
    let mut hits: Vec<(MatchRank, Product)> = products
        .into_iter()
        .filter_map(|p| match_rank(&p, query).map(|r| (r, p)))
        .collect();
    hits.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.name().chars().count().cmp(&b.name().chars().count()))
            .then_with(|| a.name().cmp(b.name()))
            .then_with(|| a.id().cmp(b.id()))
            .then(Ordering::Equal)
    });
    hits.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{NewProduct, Unit};

    fn p(id: &str, name: &str, en: &str, aliases: &[&str]) -> Product {
        Product::new(NewProduct {
            id: id.into(),
            name: name.into(),
            name_en: Some(en.into()),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            category: "test".into(),
            unit: Unit::Ea,
            size: 1,
            barcode: None,
        })
        .expect("product")
    }

    fn catalog() -> Vec<Product> {
        vec![
            p(
                "milk",
                "서울우유 1L",
                "Seoul Milk 1L",
                &["우유", "milk", "서울우유"],
            ),
            p(
                "banana-milk",
                "빙그레 바나나맛우유 240ml",
                "Binggrae Banana Milk",
                &["바나나우유"],
            ),
            p("eggs", "계란 30구", "Eggs 30", &["달걀", "한 판", "egg"]),
            p(
                "tofu",
                "풀무원 두부 300g",
                "Pulmuone Tofu",
                &["두부", "tofu"],
            ),
            p(
                "ramen",
                "신라면 5입",
                "Shin Ramyun 5-pack",
                &["라면", "ramen"],
            ),
        ]
    }

    fn ids(q: &str) -> Vec<String> {
        let q = ProductQuery::parse(q).expect("query");
        rank(catalog(), &q)
            .iter()
            .map(|p| p.id().to_string())
            .collect()
    }

    #[test]
    fn aliases_and_both_languages_match() {
        assert_eq!(ids("우유")[0], "milk", "exact alias first");
        assert!(ids("우유").contains(&"banana-milk".to_owned()));
        assert_eq!(ids("달걀"), ["eggs"]);
        assert_eq!(ids("한판"), ["eggs"]);
        assert_eq!(ids("Milk")[0], "milk");
        assert_eq!(ids("TOFU"), ["tofu"]);
        assert_eq!(ids("서울 우유"), ["milk"]);
    }

    #[test]
    fn ranking_is_exact_prefix_contains_fuzzy() {
        let milk = &catalog()[0];
        let rank_of = |q: &str| match_rank(milk, &ProductQuery::parse(q).expect("q"));
        assert_eq!(rank_of("milk"), Some(MatchRank::Exact));
        assert_eq!(rank_of("서울"), Some(MatchRank::Prefix));
        assert_eq!(rank_of("1l"), Some(MatchRank::Prefix));
        assert_eq!(rank_of("울우"), Some(MatchRank::Contains));
        assert_eq!(rank_of("mlik"), Some(MatchRank::Fuzzy));
        assert_eq!(rank_of("beer"), None);
    }

    #[test]
    fn one_typo_is_forgiven_but_short_words_are_not_fuzzy() {
        assert_eq!(ids("mlik")[0], "milk");
        assert_eq!(ids("tofo"), ["tofu"]);
        assert_eq!(ids("게란"), ["eggs"], "jamo-level: ㅔ for ㅖ");
        assert_eq!(ids("라먼"), ["ramen"]);
        assert!(ids("mik").is_empty(), "3 letters: no fuzzy");
        assert!(ids("xylophone").is_empty());
    }

    #[test]
    fn queries_are_validated() {
        assert!(ProductQuery::parse("  ").is_err());
        assert!(ProductQuery::parse("!!!").is_err());
        assert!(ProductQuery::parse(&"가".repeat(101)).is_err());
        assert!(ProductQuery::parse(&"가".repeat(100)).is_ok());
    }

    #[test]
    fn osa_counts_a_transposition_as_one() {
        assert_eq!(osa_distance(&letters("mlik"), &letters("milk")), 1);
        assert_eq!(osa_distance(&letters("kitten"), &letters("sitting")), 3);
    }
}
