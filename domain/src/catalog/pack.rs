//! Pack sizes ("1L", "900ml", "30구", "1.5kg", "200ml×24") and unit prices on
//! the legal basis (단위가격: per 100 g, per 100 ml or per 1 piece).
//!
//! A [`Pack`] is the total quantity of one pack in a base unit (grams,
//! millilitres or pieces): "1.5kg" is 1,500 G, "200ml×24" is 4,800 ML,
//! "30구" is 30 EA. Text is read with [`Pack::parse`] (a size token inside a
//! product name) or [`Pack::from_parts`] (a number and a unit code, as
//! 참가격's `goodTotalCnt` + `goodTotalDivCode`).

use std::fmt;

use super::Unit;

/// The total quantity of one pack in its base unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pack {
    pub unit: Unit,
    /// Grams, millilitres or pieces; always > 0.
    pub quantity: u32,
}

/// A unit code or suffix read as a base unit and a factor to it
/// ("kg" → G × 1000).
fn unit_code(raw: &str) -> Option<(Unit, f64)> {
    let s = raw.trim().to_lowercase();
    Some(match s.as_str() {
        "g" | "그램" | "gr" => (Unit::G, 1.0),
        "kg" | "킬로" | "킬로그램" => (Unit::G, 1000.0),
        "mg" => (Unit::G, 0.001),
        "ml" | "cc" | "밀리리터" | "미리" => (Unit::Ml, 1.0),
        "l" | "ℓ" | "리터" => (Unit::Ml, 1000.0),
        "ea" | "개" | "구" | "입" | "개입" | "매" | "봉" | "봉지" | "팩" | "롤" | "병" | "캔"
        | "포기" | "마리" | "단" | "송이" | "통" | "장" | "알" | "p" | "pcs" => {
            (Unit::Ea, 1.0)
        }
        _ => return None,
    })
}

/// Converts `amount` of `unit_raw` to a whole number of base units.
fn to_base(amount: f64, unit_raw: &str) -> Option<(Unit, u32)> {
    let (unit, factor) = unit_code(unit_raw)?;
    let q = (amount * factor).round();
    if !(q.is_finite() && q >= 1.0 && q <= f64::from(u32::MAX)) {
        return None;
    }
    // Truncation is safe: q is a whole number within u32's range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((unit, q as u32))
}

/// One size token found in a text: "1.5kg" → (1.5, "kg").
struct Token {
    amount: f64,
    unit: String,
    /// Byte range of the token in the text.
    start: usize,
    end: usize,
}

fn is_unit_char(c: char) -> bool {
    c.is_ascii_alphabetic() || c == 'ℓ' || ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Every "number + unit" token of `text`, in order.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let prev_alnum = i > 0 && chars[i - 1].1.is_ascii_alphanumeric();
        if !c.is_ascii_digit() || prev_alnum {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].1.is_ascii_digit() || chars[j].1 == '.' || chars[j].1 == ',')
        {
            j += 1;
        }
        let number_end = chars.get(j).map_or(text.len(), |(b, _)| *b);
        let number: String = text[start..number_end]
            .chars()
            .filter(|c| *c != ',')
            .collect();
        let mut k = j;
        while k < chars.len() && chars[k].1 == ' ' {
            k += 1;
        }
        // The longest unit word that is a known code ("개입" before "개").
        let mut m = k;
        while m < chars.len() && is_unit_char(chars[m].1) {
            m += 1;
        }
        let mut found = None;
        let mut end = m;
        while end > k {
            let from = chars[k].0;
            let to = chars.get(end).map_or(text.len(), |(b, _)| *b);
            if unit_code(&text[from..to]).is_some() {
                found = Some((text[from..to].to_owned(), to));
                break;
            }
            end -= 1;
        }
        match (number.trim_end_matches('.').parse::<f64>(), found) {
            (Ok(amount), Some((unit, to))) => {
                out.push(Token {
                    amount,
                    unit,
                    start,
                    end: to,
                });
                i = end;
            }
            _ => i = j.max(i + 1),
        }
    }
    out
}

/// A multiplier right after a size: "×24", "x 6", "*2", "24개입" is not one.
fn multiplier_after(text: &str, from: usize) -> Option<(u32, usize)> {
    let rest = &text[from..];
    let trimmed = rest.trim_start();
    let mut it = trimmed.char_indices();
    let (_, c) = it.next()?;
    if !matches!(c, 'x' | 'X' | '×' | '*') {
        return None;
    }
    let after = &trimmed[c.len_utf8()..];
    let after_trim = after.trim_start();
    let digits: String = after_trim
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: u32 = digits.parse().ok().filter(|n| *n > 0)?;
    let mut consumed = (rest.len() - trimmed.len())
        + c.len_utf8()
        + (after.len() - after_trim.len())
        + digits.len();
    // An optional piece word after the count ("×24개").
    let tail = &rest[consumed..];
    let word: String = tail.chars().take_while(|c| is_unit_char(*c)).collect();
    if !word.is_empty() && unit_code(&word).is_some_and(|(u, _)| u == Unit::Ea) {
        consumed += word.len();
    }
    Some((n, from + consumed))
}

/// `text` without its size tokens and multipliers: "서울우유 1L" → "서울우유 ",
/// "생수 500ml x 20개" → "생수 ". What is left names the good.
pub fn strip_sizes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for t in tokens(text) {
        if t.start < at {
            continue;
        }
        out.push_str(&text[at..t.start]);
        at = multiplier_after(text, t.end).map_or(t.end, |(_, end)| end);
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}

impl Pack {
    pub fn new(unit: Unit, quantity: u32) -> Option<Self> {
        (quantity > 0).then_some(Self { unit, quantity })
    }

    /// A number and a unit code, as 참가격 gives them (`1000` + `ML`,
    /// `1.5` + `kg`, `30` + `개`).
    pub fn from_parts(amount: &str, unit_code_raw: &str) -> Option<Self> {
        let amount: f64 = amount.trim().replace(',', "").parse().ok()?;
        let (unit, quantity) = to_base(amount, unit_code_raw)?;
        Self::new(unit, quantity)
    }

    /// The pack size written in a product name: the last size token, times a
    /// multiplier that follows it ("200ml×24") or a piece count after a
    /// weight or volume ("라면 120g 5입" → 600 G). `None` when the text names
    /// no size.
    pub fn parse(text: &str) -> Option<Self> {
        let toks = tokens(text);
        // The last weight/volume token wins; pieces only when there is none.
        let measure = toks
            .iter()
            .rposition(|t| unit_code(&t.unit).is_some_and(|(u, _)| u != Unit::Ea));
        if let Some(i) = measure {
            let t = &toks[i];
            let (unit, base) = to_base(t.amount, &t.unit)?;
            let mut count = 1u32;
            if let Some((n, _)) = multiplier_after(text, t.end) {
                count = n;
            } else if let Some(next) = toks.get(i + 1) {
                // "120g 5입": a piece count right after the size.
                if unit_code(&next.unit).is_some_and(|(u, _)| u == Unit::Ea) {
                    count = to_base(next.amount, &next.unit).map_or(1, |(_, n)| n);
                }
            }
            return Self::new(unit, base.checked_mul(count)?);
        }
        let t = toks.last()?;
        let (unit, base) = to_base(t.amount, &t.unit)?;
        let count = multiplier_after(text, t.end).map_or(1, |(n, _)| n);
        Self::new(unit, base.checked_mul(count)?)
    }

    /// The legal unit-price basis for this pack's unit.
    pub fn basis(self) -> UnitBasis {
        UnitBasis::legal(self.unit)
    }
}

impl fmt::Display for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unit {
            Unit::G if self.quantity >= 1000 && self.quantity.is_multiple_of(100) => {
                write!(f, "{}kg", f64::from(self.quantity) / 1000.0)
            }
            Unit::Ml if self.quantity >= 1000 && self.quantity.is_multiple_of(100) => {
                write!(f, "{}L", f64::from(self.quantity) / 1000.0)
            }
            Unit::G => write!(f, "{}g", self.quantity),
            Unit::Ml => write!(f, "{}ml", self.quantity),
            Unit::Ea => write!(f, "{}개", self.quantity),
        }
    }
}

/// What a unit price is quoted per: "100 G", "100 ML", "1 EA" (the legal
/// basis), or another basis a source names (참가격 `goodBaseCnt` +
/// `goodUnitDivCode`, e.g. 10 G for spices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitBasis {
    pub unit: Unit,
    pub quantity: u32,
}

impl UnitBasis {
    /// 100 g, 100 ml or 1 piece.
    pub fn legal(unit: Unit) -> Self {
        let quantity = match unit {
            Unit::G | Unit::Ml => 100,
            Unit::Ea => 1,
        };
        Self { unit, quantity }
    }

    /// A source's basis (`goodBaseCnt` + `goodUnitDivCode`): "100" + "g",
    /// "1" + "kg" (→ 1,000 G), "1" + "개".
    pub fn from_parts(amount: &str, unit_code_raw: &str) -> Option<Self> {
        let p = Pack::from_parts(amount, unit_code_raw)?;
        Some(Self {
            unit: p.unit,
            quantity: p.quantity,
        })
    }
}

impl fmt::Display for UnitBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::G => "g",
            Unit::Ml => "ml",
            Unit::Ea => "개",
        };
        write!(f, "{}{unit}", self.quantity)
    }
}

/// A price per basis: "100ml당 270원". Kept in hundredths of a won so
/// that cheap goods per 1 g still compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitPrice {
    pub basis: UnitBasis,
    /// Hundredths of a won per basis.
    pub centi_krw: i64,
}

impl UnitPrice {
    /// `price_krw` for `pack`, quoted per `basis` (the legal basis when
    /// `None`). `None` when the basis measures another unit than the pack
    /// (a per-100 g basis for a pack counted in pieces).
    pub fn of(price_krw: i64, pack: Pack, basis: Option<UnitBasis>) -> Option<Self> {
        let basis = basis.unwrap_or_else(|| pack.basis());
        if basis.unit != pack.unit || basis.quantity == 0 {
            return None;
        }
        let num = i128::from(price_krw) * i128::from(basis.quantity) * 100;
        let den = i128::from(pack.quantity);
        // Rounded half up; fits: price ≤ 10^8, basis ≤ 2^32, ×100.
        let centi = (num * 2 + den) / (den * 2);
        Some(Self {
            basis,
            centi_krw: i64::try_from(centi).ok()?,
        })
    }

    /// The price per basis in won, two decimals.
    pub fn krw(self) -> f64 {
        // Precision loss is irrelevant at these magnitudes (< 2^53).
        #[allow(clippy::cast_precision_loss)]
        let v = self.centi_krw as f64;
        v / 100.0
    }
}

impl fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}당 {:.2}원", self.basis, self.krw())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Option<(Unit, u32)> {
        Pack::parse(text).map(|p| (p.unit, p.quantity))
    }

    #[test]
    fn reads_the_sizes_shoppers_and_sources_write() {
        assert_eq!(p("서울우유 1L"), Some((Unit::Ml, 1000)));
        assert_eq!(p("매일우유 900ml"), Some((Unit::Ml, 900)));
        assert_eq!(p("특란 30구"), Some((Unit::Ea, 30)));
        assert_eq!(p("감자 1.5kg"), Some((Unit::G, 1500)));
        assert_eq!(p("계란 10입"), Some((Unit::Ea, 10)));
        assert_eq!(p("코카콜라 2.3L"), Some((Unit::Ml, 2300)));
        assert_eq!(p("삼다수 2 L"), Some((Unit::Ml, 2000)));
        assert_eq!(p("CASS 500ML"), Some((Unit::Ml, 500)));
        assert_eq!(p("햇반 210g"), Some((Unit::G, 210)));
        assert_eq!(p("물티슈 100매"), Some((Unit::Ea, 100)));
        assert_eq!(p("두부 1,000g"), Some((Unit::G, 1000)));
        assert_eq!(p("요구르트 65ml×10"), Some((Unit::Ml, 650)));
        assert_eq!(p("생수 500ml x 20개"), Some((Unit::Ml, 10_000)));
        assert_eq!(p("신라면 120g 5입"), Some((Unit::G, 600)));
        assert_eq!(p("캔커피 175ml*6"), Some((Unit::Ml, 1050)));
        assert_eq!(p("키친타올 4롤"), Some((Unit::Ea, 4)));
        assert_eq!(p("오뚜기 케첩 300G"), Some((Unit::G, 300)));
        assert_eq!(p("새우깡 90 g"), Some((Unit::G, 90)));
    }

    #[test]
    fn no_size_means_none() {
        assert_eq!(p("배추"), None);
        assert_eq!(p("비타500"), None);
        assert_eq!(p("K2 생수"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("0ml"), None);
        assert_eq!(p("1.2.3kg"), None);
    }

    #[test]
    fn parts_from_the_source() {
        assert_eq!(
            Pack::from_parts("1000", "ML"),
            Some(Pack {
                unit: Unit::Ml,
                quantity: 1000
            })
        );
        assert_eq!(
            Pack::from_parts("1.5", "kg"),
            Some(Pack {
                unit: Unit::G,
                quantity: 1500
            })
        );
        assert_eq!(
            Pack::from_parts("30", "개"),
            Some(Pack {
                unit: Unit::Ea,
                quantity: 30
            })
        );
        assert_eq!(Pack::from_parts("x", "g"), None);
        assert_eq!(Pack::from_parts("10", "박스?"), None);
        assert_eq!(Pack::from_parts("0", "g"), None);
        assert_eq!(Pack::from_parts("-5", "g"), None);
    }

    #[test]
    fn unit_prices_on_the_legal_basis() {
        let milk = Pack::parse("서울우유 1L").expect("parses");
        let up = UnitPrice::of(2_700, milk, None).expect("parses");
        assert_eq!(up.basis, UnitBasis::legal(Unit::Ml));
        assert_eq!(up.centi_krw, 27_000);
        assert_eq!(up.to_string(), "100ml당 270.00원");

        let eggs = Pack::parse("특란 30구").expect("parses");
        let up = UnitPrice::of(7_990, eggs, None).expect("parses");
        assert_eq!(up.centi_krw, 26_633); // 266.33원 per egg
        assert_eq!(up.basis.to_string(), "1개");

        let potato = Pack::parse("감자 1.5kg").expect("parses");
        assert_eq!(
            UnitPrice::of(4_980, potato, None)
                .expect("parses")
                .centi_krw,
            33_200
        );
    }

    #[test]
    fn a_source_basis_is_used_when_given_and_must_match_the_unit() {
        let spice = Pack::from_parts("50", "g").expect("parses");
        let per_10g = UnitBasis::from_parts("10", "g").expect("parses");
        assert_eq!(
            UnitPrice::of(3_000, spice, Some(per_10g))
                .expect("parses")
                .centi_krw,
            60_000
        );
        let per_kg = UnitBasis::from_parts("1", "kg").expect("parses");
        assert_eq!(per_kg.quantity, 1000);
        let eggs = Pack::from_parts("10", "구").expect("parses");
        assert_eq!(UnitPrice::of(3_000, eggs, Some(per_10g)), None);
    }

    #[test]
    fn sizes_are_stripped_from_names() {
        assert_eq!(strip_sizes("서울우유 1L").trim(), "서울우유");
        assert_eq!(strip_sizes("생수 500ml x 20개 묶음"), "생수  묶음");
        assert_eq!(strip_sizes("신라면 120g 5입").trim(), "신라면");
        assert_eq!(strip_sizes("비타500"), "비타500");
    }

    #[test]
    fn display_round_trips_common_sizes() {
        for t in ["1L", "900ml", "30개", "1.5kg", "2.3L", "210g"] {
            let pack = Pack::parse(t).expect("parses");
            assert_eq!(Pack::parse(&pack.to_string()), Some(pack), "{t}");
        }
    }
}
