//! Numbers and what counts them: Korean native numerals, English number
//! words, counters of packages and pieces, and size units.

use super::particles::strip_particles;

/// Native numerals; those marked `false` need a counter after them.
pub(super) const NATIVE: &[(&str, u32, bool)] = &[
    ("쉰", 50, true),
    ("마흔", 40, true),
    ("서른", 30, true),
    ("스물다섯", 25, true),
    ("스물네", 24, false),
    ("스물넷", 24, true),
    ("스물세", 23, false),
    ("스물셋", 23, true),
    ("스물두", 22, false),
    ("스물둘", 22, true),
    ("스물한", 21, false),
    ("스물하나", 21, true),
    ("스물", 20, true),
    ("스무", 20, false),
    ("열아홉", 19, true),
    ("열여덟", 18, true),
    ("열일곱", 17, true),
    ("열여섯", 16, true),
    ("열다섯", 15, true),
    ("열네", 14, false),
    ("열넷", 14, true),
    ("열세", 13, false),
    ("열셋", 13, true),
    ("열두", 12, false),
    ("열둘", 12, true),
    ("열한", 11, false),
    ("열하나", 11, true),
    ("열", 10, true),
    ("아홉", 9, true),
    ("여덟", 8, true),
    ("여덜", 8, true),
    ("일곱", 7, true),
    ("여섯", 6, true),
    ("다섯", 5, true),
    ("넷", 4, true),
    ("네", 4, false),
    ("너", 4, false),
    ("넉", 4, false),
    ("셋", 3, true),
    ("세", 3, false),
    ("석", 3, false),
    ("서", 3, false),
    ("둘", 2, true),
    ("두", 2, false),
    ("하나", 1, true),
    ("한", 1, false),
];

pub(super) const ENGLISH: &[(&str, u32)] = &[
    ("a", 1),
    ("an", 1),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("dozen", 12),
];

/// Counters of packages and pieces, longest first.
pub(super) const COUNTERS: &[&str] = &[
    "꾸러미",
    "봉지",
    "묶음",
    "박스",
    "상자",
    "봉투",
    "포기",
    "마리",
    "송이",
    "인분",
    "세트",
    "덩이",
    "덩어리",
    "다발",
    "개입",
    "팩",
    "개",
    "병",
    "봉",
    "판",
    "통",
    "캔",
    "단",
    "줄",
    "장",
    "컵",
    "알",
    "망",
    "근",
    "구",
    "모",
    "손",
    "입",
    "접",
    "잔",
    "갑",
    "곽",
    "박",
];

pub(super) const ENGLISH_COUNTERS: &[&str] = &[
    "bottles", "bottle", "packs", "pack", "cans", "can", "boxes", "box", "bags", "bag", "pieces",
    "piece", "cartons", "carton", "of", "x",
];

/// Units that make a number a size or an amount: unit, grams or ml per unit.
const SIZE_UNITS: &[(&str, u32)] = &[
    ("ml", 1),
    ("l", 1000),
    ("kg", 1000),
    ("g", 1),
    ("리터", 1000),
    ("키로", 1000),
    ("킬로", 1000),
    ("킬로그램", 1000),
    ("그램", 1),
    ("미리", 1),
    ("밀리", 1),
];

pub(super) fn number_prefix(word: &str) -> Option<(u32, &str)> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let n = digits.parse().ok()?;
    Some((n, &word[digits.len()..]))
}

pub(super) fn native_prefix(word: &str) -> Option<(u32, bool, &str)> {
    NATIVE
        .iter()
        .find_map(|(w, n, alone)| word.strip_prefix(w).map(|rest| (*n, *alone, rest)))
}

pub(super) fn counter_of(s: &str) -> Option<&'static str> {
    if let Some(c) = COUNTERS.iter().copied().find(|c| s == *c) {
        return Some(c);
    }
    let s = strip_particles(s).0;
    COUNTERS.iter().copied().find(|c| s == *c)
}

/// "2송이", "한송이", "1키로": a number and its counter or unit, exactly.
pub(super) fn is_quantity_word(w: &str) -> bool {
    let exact = |rest: &str| {
        rest.is_empty() || COUNTERS.contains(&rest) || SIZE_UNITS.iter().any(|(u, _)| *u == rest)
    };
    if let Some((_, rest)) = number_prefix(w) {
        return exact(rest);
    }
    NATIVE.iter().any(|(n, _, _)| {
        w.strip_prefix(n)
            .is_some_and(|rest| !rest.is_empty() && COUNTERS.contains(&rest))
    })
}

pub(super) fn size_unit(s: &str) -> Option<u32> {
    SIZE_UNITS.iter().find(|(u, _)| *u == s).map(|(_, f)| *f)
}
