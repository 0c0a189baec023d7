//! A rule-based reader of Korean and English basket requests:
//! "우유 2개랑 계란 한 판 담아줘", "우유 빼줘", "두부 3개로 바꿔줘",
//! "장바구니 비워줘", "뭐 담겨 있어?", "최저가로 장보기 짜줘",
//! "add 2 milk and a dozen eggs".
//!
//! It understands Korean native numerals (한, 두, 세 … 스물), Arabic numbers,
//! counters (개, 병, 팩, 판, 봉지 …), sizes (2L, 500ml, 1kg — kept as part of
//! the product words), and particles chosen by the preceding syllable's final
//! consonant, so "계란과" splits but "사과" stays an apple.

/// One thing the shopper named, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRequest {
    /// The product words, e.g. "계란" or "서울우유 2l".
    pub text: String,
    pub quantity: u32,
    /// The counter used, e.g. "판", "병"; `None` for plain numbers.
    pub counter: Option<String>,
    /// Whether a quantity was said at all (else it defaults to 1).
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add(Vec<ItemRequest>),
    Remove(Vec<ItemRequest>),
    SetQuantity(Vec<ItemRequest>),
    Clear,
    Show,
    Plan { online: bool },
    Unknown,
}

const NATIVE: &[(&str, u32)] = &[
    ("스물", 20),
    ("열아홉", 19),
    ("열여덟", 18),
    ("열일곱", 17),
    ("열여섯", 16),
    ("열다섯", 15),
    ("열네", 14),
    ("열세", 13),
    ("열두", 12),
    ("열한", 11),
    ("열", 10),
    ("아홉", 9),
    ("여덟", 8),
    ("일곱", 7),
    ("여섯", 6),
    ("다섯", 5),
    ("네", 4),
    ("넷", 4),
    ("세", 3),
    ("셋", 3),
    ("두", 2),
    ("둘", 2),
    ("한", 1),
    ("하나", 1),
];

const ENGLISH: &[(&str, u32)] = &[
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

const COUNTERS: &[&str] = &[
    "봉지", "묶음", "박스", "상자", "봉투", "포기", "마리", "송이", "인분", "세트", "개", "병",
    "팩", "봉", "판", "통", "캔", "단", "줄", "장", "컵", "알", "망", "근", "구",
];

const ENGLISH_COUNTERS: &[&str] = &[
    "bottles", "bottle", "packs", "pack", "cans", "can", "boxes", "box", "bags", "bag", "pieces",
    "piece", "cartons", "carton", "of",
];

/// Units that make a number a size ("2l"), not a count.
const SIZE_UNITS: &[&str] = &["ml", "l", "kg", "g", "리터", "키로", "킬로", "그램"];

/// Words that carry the request itself, not the product.
const KO_FILLER: &[&str] = &[
    "좀",
    "주세요",
    "줘",
    "줘요",
    "해줘",
    "해주세요",
    "부탁해",
    "부탁해요",
    "장바구니에",
    "장바구니",
    "바구니에",
    "카트에",
    "장바구니에서",
    "바구니에서",
    "카트에서",
    "더",
    "그리고",
    "또",
];

const EN_FILLER: &[&str] = &[
    "please", "to", "the", "my", "basket", "cart", "some", "and", "also", "into", "in", "me",
];

/// Particles, with whether they follow a syllable with (true) or without (false)
/// a final consonant; `None` when either is fine.
const PARTICLES: &[(&str, Option<bool>)] = &[
    ("이랑", Some(true)),
    ("랑", Some(false)),
    ("하고", None),
    ("과", Some(true)),
    ("와", Some(false)),
    ("을", Some(true)),
    ("를", Some(false)),
    ("은", Some(true)),
    ("는", Some(false)),
    ("도", None),
    ("만", None),
    ("으로", Some(true)),
    ("로", Some(false)),
];

/// Particles that separate one item from the next.
const SEPARATING: &[&str] = &["이랑", "랑", "하고", "과", "와"];

fn has_final_consonant(c: char) -> Option<bool> {
    let code = u32::from(c);
    (0xAC00..=0xD7A3)
        .contains(&code)
        .then(|| (code - 0xAC00) % 28 != 0)
}

/// Splits a trailing particle off a word when grammar allows it there.
fn strip_particle(word: &str) -> (&str, Option<&'static str>) {
    for (p, after_final) in PARTICLES {
        if let Some(stem) = word.strip_suffix(p) {
            let Some(last) = stem.chars().last() else {
                continue;
            };
            let ok = match (after_final, has_final_consonant(last)) {
                (None, Some(_)) => true,
                (Some(want), Some(has)) => *want == has,
                // After a digit or counter written in Latin ("2개랑" ends in 개).
                (_, None) => last.is_ascii_alphanumeric(),
            };
            if ok {
                return (stem, Some(p));
            }
        }
    }
    (word, None)
}

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

fn intent_of(text: &str) -> Option<Intent> {
    let t = text.to_lowercase();
    if contains_any(
        &t,
        &[
            "비워",
            "다 빼",
            "전부 빼",
            "모두 빼",
            "전부 삭제",
            "모두 삭제",
            "다 지워",
            "clear",
            "empty",
        ],
    ) {
        return Some(Intent::Clear);
    }
    if contains_any(
        &t,
        &[
            "플랜",
            "계획",
            "최저가",
            "어디서 사",
            "어디가 싸",
            "장보기 짜",
            "경로",
            "plan",
            "cheapest",
            "where should i buy",
        ],
    ) {
        return Some(Intent::Plan {
            online: contains_any(&t, &["온라인", "배송", "인터넷", "online", "delivery"]),
        });
    }
    if contains_any(
        &t,
        &[
            "보여",
            "뭐 있",
            "뭐 담",
            "뭐가 있",
            "뭐가 담",
            "목록",
            "확인",
            "show",
            "what's in",
            "what is in",
            "list",
        ],
    ) {
        return Some(Intent::Show);
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Add,
    Remove,
    Set,
}

/// Finds the action and cuts the verb phrase off the text.
fn verb_of(text: &str) -> (Option<Verb>, String) {
    let lower = text.to_lowercase();
    const SET: &[&str] = &[
        "로 바꿔",
        "으로 바꿔",
        "로 변경",
        "으로 변경",
        "로 수정",
        "으로 수정",
        "로 해줘",
        "으로 해줘",
        "로 맞춰",
        "으로 맞춰",
        "change",
        "set",
        "make it",
    ];
    const REMOVE: &[&str] = &[
        "빼", "삭제", "지워", "없애", "제거", "remove", "delete", "take out", "drop",
    ];
    const ADD: &[&str] = &[
        "담아", "넣어", "추가", "사야", "살래", "사줘", "필요", "add", "put", "buy", "need", "get",
    ];
    let cut =
        |words: &[&str]| -> Option<usize> { words.iter().filter_map(|w| lower.find(w)).min() };
    if let Some(i) = cut(SET) {
        // "우유 3개로 바꿔줘": keep "우유 3개" (the 로/으로 is part of the marker).
        return (Some(Verb::Set), lower[..i].to_owned());
    }
    if let Some(i) = cut(REMOVE) {
        let head = &lower[..i];
        // English verbs come first: "remove the milk".
        let rest = if head.trim().is_empty() {
            lower[i..].split_once(' ').map_or("", |(_, r)| r)
        } else {
            head
        };
        return (Some(Verb::Remove), rest.to_owned());
    }
    if let Some(i) = cut(ADD) {
        let head = &lower[..i];
        let rest = if head.trim().is_empty() {
            lower[i..].split_once(' ').map_or("", |(_, r)| r)
        } else {
            head
        };
        return (Some(Verb::Add), rest.to_owned());
    }
    (None, lower)
}

fn number_prefix(word: &str) -> Option<(u32, &str)> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let n = digits.parse().ok()?;
    Some((n, &word[digits.len()..]))
}

fn native_prefix(word: &str) -> Option<(u32, &str)> {
    NATIVE
        .iter()
        .find_map(|(w, n)| word.strip_prefix(w).map(|rest| (*n, rest)))
}

fn counter_of(s: &str) -> Option<&'static str> {
    COUNTERS.iter().copied().find(|c| s == *c)
}

/// Reads one item segment: product words and a quantity.
fn item_of(segment: &str) -> Option<ItemRequest> {
    let words: Vec<&str> = segment.split_whitespace().collect();
    let mut product: Vec<String> = Vec::new();
    let (mut quantity, mut counter, mut explicit) = (1u32, None, false);
    let mut i = 0;
    while i < words.len() {
        let (w, _) = strip_particle(words[i]);
        let next = words.get(i + 1).map(|n| strip_particle(n).0);
        // "x2", "×3"
        if let Some(n) = w
            .strip_prefix('x')
            .or_else(|| w.strip_prefix('×'))
            .and_then(|r| r.parse::<u32>().ok())
        {
            quantity = n;
            explicit = true;
            i += 1;
            continue;
        }
        if let Some((n, rest)) = number_prefix(w) {
            if SIZE_UNITS.contains(&rest) || rest.starts_with('.') {
                product.push(w.to_owned());
            } else if let Some(c) = counter_of(rest) {
                (quantity, counter, explicit) = (n, Some(c.to_owned()), true);
            } else if rest.is_empty() {
                match next.and_then(counter_of) {
                    Some(c) => {
                        (quantity, counter, explicit) = (n, Some(c.to_owned()), true);
                        i += 1;
                    }
                    None if next.is_some_and(|x| SIZE_UNITS.contains(&x)) => {
                        product.push(format!("{w}{}", next.unwrap_or_default()));
                        i += 1;
                    }
                    None => (quantity, explicit) = (n, true),
                }
            } else {
                product.push(w.to_owned());
            }
            i += 1;
            continue;
        }
        if let Some((n, rest)) = native_prefix(w) {
            let c = if rest.is_empty() {
                next.and_then(counter_of)
            } else {
                counter_of(rest)
            };
            if let Some(c) = c {
                (quantity, counter, explicit) = (n, Some(c.to_owned()), true);
                i += if rest.is_empty() { 2 } else { 1 };
                continue;
            }
        }
        if let Some((_, n)) = ENGLISH.iter().find(|(e, _)| *e == w) {
            quantity = if w == "dozen" && explicit {
                quantity * 12
            } else {
                *n
            };
            explicit = true;
            i += 1;
            continue;
        }
        if ENGLISH_COUNTERS.contains(&w) || KO_FILLER.contains(&w) || EN_FILLER.contains(&w) {
            i += 1;
            continue;
        }
        product.push(w.to_owned());
        i += 1;
    }
    let text = product.join(" ").trim().to_owned();
    (!text.is_empty()).then_some(ItemRequest {
        text,
        quantity,
        counter,
        explicit,
    })
}

/// Splits "우유 2개랑 계란 한 판" into item segments.
fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for raw in text.split([',', '，', '+', '&', '/']) {
        for word in raw.split_whitespace() {
            if matches!(word, "and" | "그리고" | "또") {
                if !current.is_empty() {
                    out.push(current.join(" "));
                    current.clear();
                }
                continue;
            }
            let (stem, particle) = strip_particle(word);
            if particle.is_some_and(|p| SEPARATING.contains(&p)) {
                current.push(stem.to_owned());
                out.push(current.join(" "));
                current.clear();
            } else {
                current.push(word.to_owned());
            }
        }
        if !current.is_empty() {
            out.push(current.join(" "));
            current.clear();
        }
    }
    out
}

/// Reads one chat message.
pub fn parse(message: &str) -> Intent {
    let cleaned = message.trim().trim_end_matches(['?', '!', '.', '~', ' ']);
    if let Some(intent) = intent_of(cleaned) {
        return intent;
    }
    let (verb, rest) = verb_of(cleaned);
    let items: Vec<ItemRequest> = segments(&rest).iter().filter_map(|s| item_of(s)).collect();
    match (verb, items.is_empty()) {
        (_, true) => Intent::Unknown,
        (Some(Verb::Remove), false) => Intent::Remove(items),
        (Some(Verb::Set), false) => Intent::SetQuantity(items),
        (Some(Verb::Add), false) => Intent::Add(items),
        // "우유 2개" alone: adding is the only sensible reading when a count is said.
        (None, false) if items.iter().any(|i| i.explicit) => Intent::Add(items),
        (None, false) => Intent::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str, quantity: u32, counter: Option<&str>) -> ItemRequest {
        ItemRequest {
            text: text.into(),
            quantity,
            counter: counter.map(str::to_owned),
            explicit: true,
        }
    }

    #[test]
    fn the_classic_request() {
        assert_eq!(
            parse("우유 2개랑 계란 한 판 담아줘"),
            Intent::Add(vec![
                item("우유", 2, Some("개")),
                item("계란", 1, Some("판"))
            ])
        );
    }

    #[test]
    fn counters_and_native_numerals() {
        assert_eq!(
            parse("콜라 세 병 넣어줘"),
            Intent::Add(vec![item("콜라", 3, Some("병"))])
        );
        assert_eq!(
            parse("두부 1팩 추가"),
            Intent::Add(vec![item("두부", 1, Some("팩"))])
        );
        assert_eq!(
            parse("라면 다섯 개 담아"),
            Intent::Add(vec![item("라면", 5, Some("개"))])
        );
        assert_eq!(
            parse("사과 열두개 담아줘"),
            Intent::Add(vec![item("사과", 12, Some("개"))])
        );
        assert_eq!(
            parse("우유 2L 두 개 담아줘"),
            Intent::Add(vec![item("우유 2l", 2, Some("개"))])
        );
    }

    #[test]
    fn particles_split_items_only_where_grammar_allows() {
        // 사과 ends in 과 but 사 has no final consonant: it is an apple.
        assert_eq!(
            parse("사과랑 배 담아줘"),
            Intent::Add(vec![
                ItemRequest {
                    text: "사과".into(),
                    quantity: 1,
                    counter: None,
                    explicit: false
                },
                ItemRequest {
                    text: "배".into(),
                    quantity: 1,
                    counter: None,
                    explicit: false
                },
            ])
        );
        assert_eq!(
            parse("계란과 우유 넣어줘"),
            Intent::Add(vec![
                ItemRequest {
                    text: "계란".into(),
                    quantity: 1,
                    counter: None,
                    explicit: false
                },
                ItemRequest {
                    text: "우유".into(),
                    quantity: 1,
                    counter: None,
                    explicit: false
                },
            ])
        );
        assert_eq!(
            parse("양파하고 대파 2단 담아"),
            Intent::Add(vec![
                ItemRequest {
                    text: "양파".into(),
                    quantity: 1,
                    counter: None,
                    explicit: false
                },
                item("대파", 2, Some("단")),
            ])
        );
    }

    #[test]
    fn remove_set_clear_show_plan() {
        assert_eq!(
            parse("우유 빼줘"),
            Intent::Remove(vec![ItemRequest {
                text: "우유".into(),
                quantity: 1,
                counter: None,
                explicit: false
            }])
        );
        assert_eq!(
            parse("계란을 장바구니에서 삭제해줘"),
            Intent::Remove(vec![ItemRequest {
                text: "계란".into(),
                quantity: 1,
                counter: None,
                explicit: false
            }])
        );
        assert_eq!(
            parse("두부 3개로 바꿔줘"),
            Intent::SetQuantity(vec![item("두부", 3, Some("개"))])
        );
        assert_eq!(parse("장바구니 비워줘"), Intent::Clear);
        assert_eq!(parse("장바구니에 뭐 담겨 있어?"), Intent::Show);
        assert_eq!(
            parse("최저가로 장보기 짜줘"),
            Intent::Plan { online: false }
        );
        assert_eq!(parse("온라인으로 플랜 짜줘"), Intent::Plan { online: true });
        assert_eq!(parse("안녕하세요"), Intent::Unknown);
    }

    #[test]
    fn english() {
        assert_eq!(
            parse("add 2 milk and a dozen eggs"),
            Intent::Add(vec![
                ItemRequest {
                    text: "milk".into(),
                    quantity: 2,
                    counter: None,
                    explicit: true
                },
                ItemRequest {
                    text: "eggs".into(),
                    quantity: 12,
                    counter: None,
                    explicit: true
                },
            ])
        );
        assert_eq!(
            parse("remove the milk"),
            Intent::Remove(vec![ItemRequest {
                text: "milk".into(),
                quantity: 1,
                counter: None,
                explicit: false
            }])
        );
        assert_eq!(
            parse("add 3 bottles of cola please"),
            Intent::Add(vec![ItemRequest {
                text: "cola".into(),
                quantity: 3,
                counter: None,
                explicit: true
            }])
        );
        assert_eq!(parse("show my basket"), Intent::Show);
        assert_eq!(parse("clear the cart"), Intent::Clear);
    }

    #[test]
    fn a_bare_count_means_add() {
        assert_eq!(
            parse("우유 2개"),
            Intent::Add(vec![item("우유", 2, Some("개"))])
        );
        assert_eq!(parse("우유"), Intent::Unknown);
    }
}
