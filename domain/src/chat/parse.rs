//! A rule-based reader of Korean and English basket requests:
//! "우유 2개랑 계란 한 판 담아줘", "콜라 두 개 다 빼줘", "우유 4개로",
//! "우유 말고 두유로 바꿔줘", "계란은 필요 없어", "김치찌개 재료 담아줘",
//! "장바구니 비워줘", "뭐 담겨 있어?", "제일 싼 데 어디야?",
//! "add 2 milk and a dozen eggs".
//!
//! It understands Korean native numerals (하나/한, 둘/두 … 열, 스물), Arabic
//! numbers, counters (개, 병, 팩, 판, 봉지, 모 …), half a tray (반 판), sizes
//! (2.3L, 500ml, 1kg — kept with the product words, or read as an amount),
//! glued forms ("두부두개", "계란한판", "우유좀"), and particles chosen by the
//! preceding syllable's final consonant, so "계란과" splits but "사과",
//! "용과", "과자" stay whole.

/// One thing the shopper named, with how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRequest {
    /// The product words, e.g. "계란" or "서울우유 2.3l".
    pub text: String,
    pub quantity: u32,
    /// The counter used, e.g. "판", "병"; `None` for plain numbers.
    pub counter: Option<String>,
    /// Whether a quantity was said at all (else it defaults to 1).
    pub explicit: bool,
    /// "다", "전부": every one of it (for removals).
    pub all: bool,
    /// Pieces asked for, when the shopper counted pieces of a pack (계란 30개,
    /// 한 판 = 30, 반 판 = 15): the adapter picks the pack that fits.
    pub pieces: Option<u32>,
    /// An amount by weight or volume in g or ml ("삼겹살 1kg", "한 근").
    pub amount: Option<u32>,
}

impl ItemRequest {
    fn named(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            quantity: 1,
            counter: None,
            explicit: false,
            all: false,
            pieces: None,
            amount: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add(Vec<ItemRequest>),
    /// Remove the lines, or (with an explicit quantity and not `all`) take
    /// that many off.
    Remove(Vec<ItemRequest>),
    SetQuantity(Vec<ItemRequest>),
    /// "우유 말고 두유로": swap a basket line for another product.
    Replace {
        from: ItemRequest,
        to: ItemRequest,
    },
    /// "김치찌개 재료": the dish's ingredients, proposed as a bundle.
    Recipe(String),
    /// The whole basket, asked for explicitly ("장바구니 비워줘"); applied only
    /// after the shopper confirms.
    Clear,
    Show,
    Plan {
        online: bool,
    },
    /// "네", "응", "좋아": yes to what the assistant just proposed.
    Confirm,
    /// "아니요", "취소": no to what the assistant just proposed.
    Cancel,
    /// A question about products or prices: answered, never an edit.
    Question,
    /// Product names with no verb and no count ("우유", "안녕하세요"): added
    /// when they name a product, else the shopper gets help (nothing asked).
    Mention(Vec<ItemRequest>),
    /// Two clauses with their own verbs ("우유 넣고 계란 빼줘").
    Multi(Vec<Intent>),
    Unknown,
}

/// Native numerals; those marked `false` need a counter after them.
const NATIVE: &[(&str, u32, bool)] = &[
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

/// Counters of packages and pieces, longest first.
const COUNTERS: &[&str] = &[
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

const ENGLISH_COUNTERS: &[&str] = &[
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

/// Words that carry the request itself, not the product.
const KO_FILLER: &[&str] = &[
    "좀",
    "쫌",
    "조금",
    "주세요",
    "줘",
    "줘요",
    "해줘",
    "해주세요",
    "부탁해",
    "부탁해요",
    "부탁",
    "부탁드려요",
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
    "다",
    "전부",
    "모두",
    "싹",
    "그냥",
    "저",
    "나",
    "우리",
    "이번에",
    "오늘",
    "내일",
    "이번",
    "주",
    "거",
    "것",
    "것도",
    "거도",
    "하고",
    "및",
    "한번",
    "얼른",
    "빨리",
    "혹시",
    "일단",
    "아",
    "음",
    "어",
    "저기",
    "있잖아",
    "제발",
    "장볼때",
    "장보기",
    "사게",
    "살게",
    "사려고",
    "먹게",
    "먹을",
    "해서",
    "좀만",
    "추가로",
    "요",
    "용",
    "쓸",
    "넉넉히",
    "정도",
    "쯤",
    "총",
    "모조리",
    "몽땅",
    "싹다",
    "전부다",
    "모두다",
    "걍",
    "그거",
    "그것",
    "이거",
    "이것",
    "있는",
    "담긴",
    "담은",
    "넣은",
    "것들",
    "거다",
    "말이야",
    "말고는",
    "에",
    "의",
    "는",
    "은",
    "을",
    "를",
];

const EN_FILLER: &[&str] = &[
    "please", "to", "the", "my", "basket", "cart", "some", "and", "also", "into", "in", "me",
    "more", "another", "i", "want", "would", "like", "could", "you", "can", "pls", "plz", "for",
    "all", "of", "from", "out",
];

/// Particles, with whether they follow a syllable with (true) or without (false)
/// a final consonant; `None` when either is fine.
const PARTICLES: &[(&str, Option<bool>)] = &[
    ("이랑", Some(true)),
    ("랑", None),
    ("하고", None),
    ("과", Some(true)),
    ("와", Some(false)),
    ("을", Some(true)),
    ("를", Some(false)),
    ("은", Some(true)),
    ("는", Some(false)),
    ("이", Some(true)),
    ("가", Some(false)),
    ("도", None),
    ("만", None),
    ("요", None),
    ("으로", Some(true)),
    ("로", None),
    ("에서", None),
    ("에", None),
    ("좀", None),
    ("쫌", None),
    ("이나", Some(true)),
    ("나", Some(false)),
    ("이요", Some(true)),
    ("까지", None),
    ("씩", None),
    ("짜리", None),
    ("부터", None),
];

/// Particles that separate one item from the next.
const SEPARATING: &[&str] = &["이랑", "랑", "하고", "과", "와", "이나", "나"];

/// Whole words that end like a particle but are names ("사과" is an apple).
const WHOLE_WORDS: &[&str] = &[
    "제로",
    "라이트",
    "오리지널",
    "사과",
    "용과",
    "약과",
    "한과",
    "유과",
    "견과",
    "쌀과자",
    "과자",
    "와플",
    "하리보",
    "빼빼로",
    "바나나",
    "파인애플",
    "오이",
    "고구마",
    "감자",
    "자두",
    "포도",
    "배",
    "무",
    "가지",
    "소고기",
    "돼지고기",
    "닭고기",
    "고기",
    "소시지",
    "치즈",
    "가나",
    "나초",
    "카레",
    "오징어",
    "김",
    "새우",
    "두부",
    "당면",
    "비빔면",
    "냉면",
    "라면",
    "쫄면",
    "우동",
    "만두",
    "도라지",
    "미나리",
    "시금치",
    "콩나물",
    "숙주나물",
    "나물",
    "고사리",
    "멸치",
    "다시마",
    "미역",
    "참치",
    "스팸",
    "요거트",
    "요구르트",
    "요플레",
    "두유",
    "우유",
    "계란",
    "달걀",
    "메추리알",
    "양파",
    "대파",
    "쪽파",
    "마늘",
    "생강",
    "상추",
    "깻잎",
    "고추",
    "버섯",
    "토마토",
    "딸기",
    "키위",
    "레몬",
    "망고",
    "자몽",
    "참외",
    "수박",
    "복숭아",
    "블루베리",
    "오렌지",
    "귤",
    "감귤",
    "단감",
    "감",
    "밤",
    "대추",
    "호두",
    "땅콩",
    "아몬드",
    "커피",
    "녹차",
    "콜라",
    "사이다",
    "맥주",
    "소주",
    "막걸리",
    "와인",
    "생수",
    "물",
    "주스",
    "식혜",
    "휴지",
    "치약",
    "샴푸",
    "세제",
    "랩",
    "호박",
    "애호박",
    "단호박",
    "파프리카",
    "피망",
    "양배추",
    "배추",
    "브로콜리",
    "당근",
    "연근",
    "우엉",
    "비트",
    "옥수수",
    "아보카도",
    "바나나우유",
    "딸기우유",
    "초코우유",
    "노가리",
    "과일",
    "도넛",
    "도너츠",
    "크로와상",
    "와사비",
    "라이스",
    "카라멜",
    "마카롱",
    "베이글",
    "모닝빵",
    "식빵",
    "빵",
    "잼",
    "꿀",
    "설탕",
    "소금",
    "후추",
    "간장",
    "된장",
    "고추장",
    "쌈장",
    "식초",
    "참기름",
    "들기름",
    "식용유",
    "올리브유",
    "물엿",
    "올리고당",
    "케첩",
    "케찹",
    "마요네즈",
    "굴소스",
    "액젓",
    "새우젓",
    "깨",
    "참깨",
    "햄",
    "베이컨",
    "어묵",
    "오뎅",
    "맛살",
    "떡",
    "떡국떡",
    "김치",
    "단무지",
    "피클",
];

pub(crate) fn has_final_consonant(c: char) -> Option<bool> {
    let code = u32::from(c);
    (0xAC00..=0xD7A3)
        .contains(&code)
        .then(|| (code - 0xAC00) % 28 != 0)
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Splits a trailing particle off a word when grammar allows it there.
fn strip_particle(word: &str) -> (&str, Option<&'static str>) {
    if WHOLE_WORDS.contains(&word)
        || NATIVE
            .iter()
            .any(|(n, _, alone)| *n == word || (*alone && word.ends_with(n)))
        || COUNTERS.contains(&word)
        || is_quantity_word(word)
    {
        return (word, None);
    }
    for (p, after_final) in PARTICLES {
        if let Some(stem) = word.strip_suffix(p) {
            let Some(last) = stem.chars().last() else {
                continue;
            };
            if WHOLE_WORDS.contains(&word) {
                return (word, None);
            }
            let ok = match (after_final, has_final_consonant(last)) {
                (None, Some(_)) => true,
                (Some(want), Some(has)) => *want == has,
                // After a digit or Latin letters ("2개랑" ends in 개, "1L을").
                (_, None) => last.is_ascii_alphanumeric(),
            };
            if ok {
                return (stem, Some(p));
            }
        }
    }
    (word, None)
}

/// Strips particles repeatedly ("우유는요" → "우유").
fn strip_particles(word: &str) -> (&str, Option<&'static str>) {
    let (mut stem, mut first) = (word, None);
    for _ in 0..3 {
        let (s, p) = strip_particle(stem);
        if p.is_none() || s.is_empty() {
            break;
        }
        if first.is_none() || p.is_some_and(|p| SEPARATING.contains(&p)) {
            first = first.or(p);
            if p.is_some_and(|p| SEPARATING.contains(&p)) {
                first = p;
            }
        }
        stem = s;
    }
    (stem, first)
}

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// Phrases that empty the whole basket when nothing else is named.
const CLEAR_ALL: &[&str] = &[
    "다 빼",
    "전부 빼",
    "모두 빼",
    "싹 빼",
    "전부 삭제",
    "모두 삭제",
    "다 삭제",
    "싹 삭제",
    "다 지워",
    "전부 지워",
    "모두 지워",
    "싹 지워",
    "다 없애",
    "전부 없애",
    "모두 없애",
    "싹 없애",
    "다 비워",
    "전부 비워",
    "다 취소",
    "전부 취소",
    "싹다 지워",
    "싹다 빼",
    "싹다 삭제",
    "다빼",
    "다지워",
    "다 제거",
    "전부 제거",
    "모두 제거",
    "초기화",
    "리셋",
];

/// Words that may stand before a clear phrase without naming an item.
const BASKET_WORDS: &[&str] = &[
    "장바구니",
    "장바구니에",
    "장바구니에서",
    "장바구니를",
    "장바구니는",
    "장바구니도",
    "장바구니좀",
    "바구니",
    "바구니에서",
    "바구니를",
    "카트",
    "카트에서",
    "카트를",
    "그냥",
    "좀",
    "싹",
    "싹다",
    "전부",
    "모두",
    "다",
    "그거",
    "그것",
    "이거",
    "이것",
    "거",
    "것",
    "담은",
    "담긴",
    "거다",
    "것들",
    "물건",
    "상품",
    "상품들",
    "물건들",
    "전체",
    "모조리",
    "몽땅",
    "있는",
    "다시",
    "처음부터",
    "일단",
    "ㅋㅋ",
    "아",
    "음",
    "에",
    "목록",
    "리스트",
    "내",
    "제",
    "우리",
    "그",
    "저",
    "거다",
    "지금",
    "담아둔",
    "넣어둔",
    "넣은",
    "것도",
    "할래",
    "할게",
    "걍",
    "그냥",
    "하고",
    "싶어",
];

/// Whether `t` asks to empty the whole basket: "장바구니 비워줘", "전부 다
/// 지워줘". "콜라 다 빼줘" names an item, so it is not a clear.
fn is_clear_all(t: &str) -> bool {
    if contains_any(
        t,
        &["clear", "empty", "remove everything", "delete everything"],
    ) {
        return true;
    }
    let at = CLEAR_ALL
        .iter()
        .filter_map(|w| t.find(w))
        .chain(t.find("비워"))
        .chain(t.find("비우"))
        .min();
    let Some(at) = at else {
        return false;
    };
    t[..at]
        .split_whitespace()
        .all(|w| BASKET_WORDS.contains(&w) || BASKET_WORDS.contains(&strip_particles(w).0))
}

const YES: &[&str] = &[
    "네",
    "넵",
    "넹",
    "넴",
    "예",
    "응",
    "웅",
    "어",
    "ㅇㅇ",
    "ㅇㅋ",
    "ㅇ",
    "좋아",
    "좋아요",
    "좋습니다",
    "그래",
    "그래요",
    "그래줘",
    "확인",
    "맞아",
    "맞아요",
    "yes",
    "yep",
    "ok",
    "okay",
    "sure",
    "y",
    "콜",
    "오케이",
    "당연하지",
    "부탁해",
    "부탁해요",
    "그렇게",
    "담아줘",
    "담아",
    "넣어줘",
    "추가해줘",
    "비워줘",
    "비워",
    "그걸로",
    "그거로",
    "응응",
    "네네",
    "예스",
];
const NO: &[&str] = &[
    "아니",
    "아니요",
    "아니오",
    "아뇨",
    "아냐",
    "노",
    "no",
    "nope",
    "cancel",
    "취소",
    "됐어",
    "됐어요",
    "괜찮아",
    "괜찮아요",
    "그만",
    "ㄴㄴ",
    "싫어",
    "놔둬",
    "놔둬요",
    "그대로",
    "안돼",
    "하지마",
    "말아",
    "말아줘",
];

/// "네" / "아니요" to a proposal, when that is all the message says.
fn answer_of(t: &str) -> Option<Intent> {
    let words: Vec<&str> = t
        .split([' ', ',', '.', '!'])
        .filter(|w| !w.is_empty())
        .collect();
    let first = *words.first()?;
    // "네 개 담아줘" counts four; it is not a yes.
    if words
        .get(1)
        .is_some_and(|w| COUNTERS.iter().any(|c| w.starts_with(c)))
    {
        return None;
    }
    let rest_is_polite = words[1..].iter().all(|w| {
        YES.contains(w)
            || NO.contains(w)
            || w.starts_with("비워")
            || w.starts_with("담아")
            || w.starts_with("넣어")
            || w.starts_with("해")
            || w.starts_with("주세요")
            || w.starts_with("줘")
            || w.starts_with("그렇게")
            || w.starts_with("부탁")
            || w.starts_with("진행")
            || w.starts_with("할게")
            || w.starts_with("안")
            || w.starts_with("필요")
            || w.starts_with("괜찮")
            || w.starts_with("그냥")
            || w.starts_with("좋아")
            || w.starts_with("please")
            || w.starts_with("do")
            || w.starts_with("it")
            || w.starts_with("thanks")
            || w.starts_with("감사")
            || w.starts_with("고마")
    });
    if words.len() > 4 || !rest_is_polite {
        return None;
    }
    let first = first.trim_end_matches(['~', '?']);
    if NO.contains(&first) {
        return Some(Intent::Cancel);
    }
    if YES.contains(&first) {
        // "비워줘" alone is a request of its own, unless it answers a question:
        // the service decides (a plain "비워줘" with nothing proposed is a clear).
        return Some(Intent::Confirm);
    }
    None
}

/// `Some(true)` when the message is a plain yes, `Some(false)` a plain no.
pub fn answer(message: &str) -> Option<bool> {
    let t = clean(message);
    match answer_of(&t) {
        Some(Intent::Confirm) => Some(true),
        Some(Intent::Cancel) => Some(false),
        _ => None,
    }
}

/// Lower case, no trailing punctuation or laughter, single spaces.
fn clean(message: &str) -> String {
    let t = message.trim().to_lowercase();
    let t: String = t
        .chars()
        .map(|c| match c {
            '，' | '、' => ',',
            '？' => '?',
            '！' => '!',
            '\n' | '\t' => ' ',
            c => c,
        })
        .collect();
    let mut t = t
        .trim_end_matches(|c: char| {
            matches!(
                c,
                '?' | '!' | '.' | '~' | ' ' | '^' | ';' | 'ㅎ' | 'ㅋ' | 'ㅠ' | 'ㅜ' | '♡' | '♥'
            )
        })
        .to_owned();
    for junk in ["ㅎㅎ", "ㅋㅋ", "ㅠㅠ", "^^"] {
        t = t.replace(junk, " ");
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_question(raw: &str, t: &str) -> bool {
    let asks = raw.trim_end().ends_with('?') || raw.trim_end().ends_with('？');
    let wording = [
        "얼마",
        "있어",
        "있나",
        "있을까",
        "있니",
        "있냐",
        "있어요",
        "있나요",
        "있습니까",
        "뭐야",
        "뭐예요",
        "뭔가요",
        "어때",
        "어떄",
        "어떤",
        "왜",
        "언제",
        "몇 개 있",
        "몇개 있",
        "몇 개야",
        "몇개야",
        "몇 개 담",
        "몇개 담",
        "싸?",
        "비싸",
        "살까",
        "할까",
        "맞아",
        "맞나",
        "인가",
        "일까",
        "추천",
        "나요",
        "니까",
        "how much",
        "do i have",
        "is there",
        "price",
    ];
    let request = [
        "줄래",
        "줄 수",
        "줄수",
        "주실",
        "주시겠",
        "줄래요",
        "주겠",
        "줘?",
        "주세요",
        "줘요?",
        "주라",
        "해줘",
        "할래",
        "넣을래",
        "담을래",
        "could you",
        "can you",
    ];
    (asks || contains_any(t, &wording)) && !contains_any(t, &request)
}

const PLAN: &[&str] = &[
    "플랜",
    "계획",
    "최저가",
    "어디서 사",
    "어디서사",
    "어디가 싸",
    "어디가싸",
    "장보기 짜",
    "경로",
    "제일 싼 데",
    "제일 싼데",
    "가장 싼 데",
    "가장 싼데",
    "젤 싼",
    "제일 싼 곳",
    "가장 싼 곳",
    "제일싼",
    "가장싼",
    "어디가 제일",
    "어디서 제일",
    "어디 가면",
    "어디가면",
    "어디서 살",
    "어디 마트",
    "어느 마트",
    "어느 가게",
    "어디 가게",
    "최저 가격",
    "싸게 살",
    "싸게 사",
    "제일 싸게",
    "가장 싸게",
    "어디서 사야",
    "동선",
    "장보러",
    "싼 곳",
    "싼 데",
    "싼데 어디",
    "제일 싼 거",
    "제일 싼거",
    "가장 싼 거",
    "가장 싼거",
    "최저가",
    "plan",
    "cheapest",
    "where should i buy",
    "where to buy",
];
const ONLINE: &[&str] = &[
    "온라인",
    "배송",
    "인터넷",
    "쿠팡",
    "택배",
    "새벽배송",
    "주문",
    "인터넷으로",
    "online",
    "delivery",
    "deliver",
];

const SHOW: &[&str] = &[
    "보여",
    "뭐 있",
    "뭐있",
    "뭐 담",
    "뭐담",
    "뭐가 있",
    "뭐가있",
    "뭐가 담",
    "뭐가담",
    "목록",
    "리스트",
    "확인",
    "뭐뭐",
    "뭐 들었",
    "뭐 들어",
    "뭐가 들어",
    "뭐 넣었",
    "뭐 샀",
    "알려줘",
    "어떻게 돼",
    "봐줘",
    "보자",
    "볼래",
    "show",
    "what's in",
    "what is in",
    "list",
    "담은 거",
    "담긴 거",
    "뭐 담았",
    "장바구니 봐",
    "장바구니 좀 봐",
];

/// Verbs, each with how it edits; matched at the start of a word.
const SET_VERBS: &[&str] = &[
    "바꿔",
    "바꾸",
    "변경",
    "수정",
    "맞춰",
    "맞춰줘",
    "조정",
    "고쳐",
    "줄여",
    "늘려",
    "남겨",
    "make",
    "set",
    "change",
];
const REMOVE_VERBS: &[&str] = &[
    "빼", "삭제", "지워", "지우", "없애", "제거", "취소", "뺴", "뺘", "뺄", "치워", "remove",
    "delete", "drop", "take",
];
const ADD_VERBS: &[&str] = &[
    "담아",
    "담어",
    "담자",
    "담을",
    "담기",
    "담아줘",
    "넣어",
    "넣자",
    "넣을",
    "넣기",
    "너어",
    "추가",
    "사야",
    "살래",
    "사줘",
    "사자",
    "사고",
    "살게",
    "사다",
    "사와",
    "사올",
    "구매",
    "주문",
    "필요해",
    "필요하",
    "필요함",
    "필요한",
    "챙겨",
    "add",
    "put",
    "buy",
    "need",
    "get",
    "order",
    "want",
];
const NEGATION: &[&str] = &[
    "필요 없",
    "필요없",
    "안 사",
    "안사",
    "안 살",
    "안살",
    "없어도 돼",
    "없어도 되",
    "안 필요",
    "안필요",
    "사지 마",
    "사지마",
    "필요 없어",
    "안 먹",
    "안먹",
    "됐어",
    "괜찮아",
    "안 담",
    "안담",
    "넣지 마",
    "넣지마",
    "담지 마",
    "담지마",
    "필요가 없",
    "don't need",
    "dont need",
    "no need",
];

/// Finds the verb word: its index among the words and what it does.
fn verb_at(words: &[&str]) -> Option<(usize, Verb)> {
    // The last verb wins ("우유 빼고 두유 담아줘" is handled as a replace before).
    for (i, w) in words.iter().enumerate().rev() {
        if w.starts_with("빼빼로") {
            continue;
        }
        if SET_VERBS.iter().any(|v| w.starts_with(v)) {
            return Some((i, Verb::Set));
        }
        if REMOVE_VERBS.iter().any(|v| w.starts_with(v)) && !w.starts_with("takeout") {
            return Some((i, Verb::Remove));
        }
        if ADD_VERBS.iter().any(|v| w.starts_with(v)) && !w.starts_with("담요") {
            return Some((i, Verb::Add));
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Add,
    Remove,
    Set,
}

fn number_prefix(word: &str) -> Option<(u32, &str)> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let n = digits.parse().ok()?;
    Some((n, &word[digits.len()..]))
}

fn native_prefix(word: &str) -> Option<(u32, bool, &str)> {
    NATIVE
        .iter()
        .find_map(|(w, n, alone)| word.strip_prefix(w).map(|rest| (*n, *alone, rest)))
}

fn counter_of(s: &str) -> Option<&'static str> {
    if let Some(c) = COUNTERS.iter().copied().find(|c| s == *c) {
        return Some(c);
    }
    let s = strip_particles(s).0;
    COUNTERS.iter().copied().find(|c| s == *c)
}

/// "2송이", "한송이", "1키로": a number and its counter or unit, exactly.
fn is_quantity_word(w: &str) -> bool {
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

/// Words of the request itself ("주세요", "해 주세요", "싶어"), never a product.
fn is_request_word(w: &str) -> bool {
    const EXACT: &[&str] = &[
        "해",
        "해요",
        "해줘",
        "해라",
        "하자",
        "할래",
        "할게",
        "할게요",
        "싶어",
        "싶어요",
        "싶은데",
        "싶다",
        "ㄱ",
        "ㄱㄱ",
        "고고",
        "go",
        "수량",
        "개수",
        "갯수",
        "이제",
        "집에",
        "있어서",
        "아직",
        "원래",
        "벌써",
        "다시",
        "처음부터",
        "먹을",
        "먹게",
        "줘",
        "줘요",
        "줭",
        "죠",
        "주라",
        "요",
        "ㅇㅇ",
        "하고",
        "더",
        "좀더",
        "있으니까",
        "있으니",
        "많아서",
        "남아서",
        "남았어",
        "있어",
        "있음",
        "필요",
        "그거",
        "그건",
        "것도",
        "거도",
        "추가요",
        "추가로",
        "넣고",
        "담고",
        "사고",
        "이번엔",
        "대신",
        "말고",
        "그럼",
        "그러면",
        "근데",
        "아니",
    ];
    const PREFIX: &[&str] = &[
        "주세",
        "주시",
        "주십",
        "주실",
        "줄래",
        "줄수",
        "주셈",
        "주세용",
        "줘",
        "부탁",
        "해주",
        "해 주",
        "드려",
        "드립",
        "주겠",
        "주면",
        "주셔",
        "주라",
        "달라",
        "줄게",
    ];
    EXACT.contains(&w) || PREFIX.iter().any(|p| w.starts_with(p))
}

fn size_unit(s: &str) -> Option<u32> {
    SIZE_UNITS.iter().find(|(u, _)| *u == s).map(|(_, f)| *f)
}

/// A quantity word: a numeral with or without its counter ("두", "두개",
/// "2개", "하나", "반"), glued or not.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// A number; `alone` when it can stand without a counter.
    Number {
        n: u32,
        alone: bool,
    },
    Counter(&'static str),
    /// "반" (half), before 판/개.
    Half,
    /// A size or amount: grams or ml, and the text as written ("2.3l").
    Size {
        amount: u32,
        text: String,
    },
    /// "다", "전부": all of it.
    All,
    /// "만" / "로" after a quantity: set, not add.
    Only,
    /// "더": more.
    More,
}

/// Splits a word into tokens: "두부두개" → 두부, 2, 개; "계란한판" → 계란, 1,
/// 판; "서울우유2.3l" → 서울우유, 2.3l.
fn tokens_of(word: &str, out: &mut Vec<Token>) {
    if matches!(
        word,
        "다" | "전부" | "모두" | "싹" | "싹다" | "전부다" | "모두다" | "몽땅" | "all"
    ) {
        out.push(Token::All);
        return;
    }
    if matches!(word, "더" | "추가로" | "more" | "another") {
        out.push(Token::More);
        return;
    }
    if is_request_word(word) || KO_FILLER.contains(&word) {
        return;
    }
    let (stem, particle) = strip_particles(word);
    if is_request_word(stem) {
        return;
    }
    let only = matches!(particle, Some("만" | "로" | "으로"));
    if stem.is_empty() {
        return;
    }
    let before = out.len();
    split_word(stem, out);
    if only && out.len() > before {
        let last = out.last().cloned();
        if matches!(last, Some(Token::Counter(_) | Token::Number { .. })) {
            out.push(Token::Only);
        }
    }
}

fn split_word(w: &str, out: &mut Vec<Token>) {
    match w {
        "다" | "전부" | "모두" | "싹" | "싹다" | "전부다" | "모두다" | "몽땅" | "all" =>
        {
            out.push(Token::All);
            return;
        }
        "더" | "추가로" | "more" | "another" => {
            out.push(Token::More);
            return;
        }
        "반" => {
            out.push(Token::Half);
            return;
        }
        "반판" => {
            out.push(Token::Half);
            out.push(Token::Counter("판"));
            return;
        }
        _ => {}
    }
    if let Some(c) = counter_of(w) {
        out.push(Token::Counter(c));
        return;
    }
    if let Some(rest) = w.strip_prefix('x').or_else(|| w.strip_prefix('×')) {
        if let Ok(n) = rest.parse::<u32>() {
            out.push(Token::Number { n, alone: true });
            return;
        }
    }
    if let Some((n, rest)) = number_prefix(w) {
        // "2.3l", "1.5kg": a size with decimals.
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            let unit = &frac[digits.len()..];
            if let Some(f) = size_unit(unit) {
                let value: f64 = format!("{n}.{digits}").parse().unwrap_or(0.0);
                let amount = (value * f64::from(f)).round();
                out.push(Token::Size {
                    amount: if amount > 0.0 && amount < 1e9 {
                        amount as u32
                    } else {
                        0
                    },
                    text: w.to_owned(),
                });
                return;
            }
        }
        if let Some(f) = size_unit(rest) {
            out.push(Token::Size {
                amount: n.saturating_mul(f),
                text: w.to_owned(),
            });
            return;
        }
        if rest.is_empty() {
            out.push(Token::Number { n, alone: true });
            return;
        }
        if let Some(c) = counter_of(rest) {
            out.push(Token::Number { n, alone: true });
            out.push(Token::Counter(c));
            return;
        }
        out.push(Token::Word(w.to_owned()));
        return;
    }
    if let Some((n, alone, rest)) = native_prefix(w) {
        if rest.is_empty() {
            out.push(Token::Number { n, alone });
            return;
        }
        if let Some(c) = counter_of(rest) {
            out.push(Token::Number { n, alone: true });
            out.push(Token::Counter(c));
            return;
        }
    }
    if let Some(rest) = w.strip_prefix('반') {
        if let Some(c) = counter_of(rest) {
            out.push(Token::Half);
            out.push(Token::Counter(c));
            return;
        }
    }
    // Glued: a name followed by a numeral and counter ("두부두개", "우유2개",
    // "계란한판", "콜라하나", "우유좀").
    if !WHOLE_WORDS.contains(&w) {
        if let Some((name, quantity)) = glued(w) {
            out.push(Token::Word(name.to_owned()));
            split_word(quantity, out);
            return;
        }
    }
    out.push(Token::Word(w.to_owned()));
}

/// A name glued to a quantity: the longest quantity suffix that reads as
/// numeral + counter (or a standalone numeral, or digits).
fn glued(w: &str) -> Option<(&str, &str)> {
    let starts: Vec<usize> = w.char_indices().map(|(i, _)| i).skip(1).collect();
    for &at in &starts {
        let (name, tail) = w.split_at(at);
        if !name.chars().last().is_some_and(is_hangul) && !name.chars().all(|c| c.is_alphabetic()) {
            continue;
        }
        // Digits with an optional counter or size.
        if let Some((_, rest)) = number_prefix(tail) {
            if rest.is_empty()
                || counter_of(rest).is_some()
                || size_unit(rest).is_some()
                || rest.starts_with('.')
            {
                return Some((name, tail));
            }
            continue;
        }
        if let Some((_, alone, rest)) = native_prefix(tail) {
            let counted = !rest.is_empty() && counter_of(rest).is_some();
            // A bare numeral glued to a name only when it can stand alone and
            // is at least two syllables ("하나", "다섯"): "두부" is not 두+부.
            if counted || (rest.is_empty() && alone && tail.chars().count() >= 2) {
                if WHOLE_WORDS.contains(&name) || name.chars().count() >= 2 {
                    return Some((name, tail));
                }
            }
        }
    }
    None
}

/// Reads one item segment: product words and a quantity.
fn item_of(words: &[&str]) -> Option<ItemRequest> {
    let mut tokens = Vec::new();
    for w in words {
        tokens_of(w, &mut tokens);
    }
    let mut product: Vec<String> = Vec::new();
    let mut item = ItemRequest::named("");
    let mut half = false;
    // "계란 15구 하나": only the last count is the quantity; "15구" before a
    // product word or another count is part of the name.
    let last_count = tokens
        .iter()
        .rposition(|t| matches!(t, Token::Number { .. }))
        .unwrap_or(0);
    let mut i = 0;
    while i < tokens.len() {
        if let (Token::Number { n, .. }, Some(Token::Counter(c))) = (&tokens[i], tokens.get(i + 1))
        {
            let named = i < last_count && tokens[..i].iter().any(|t| matches!(t, Token::Word(_)));
            if named {
                product.push(format!("{n}{c}"));
                i += 2;
                continue;
            }
        }
        match &tokens[i] {
            Token::Word(w) => {
                if let Some((_, n)) = ENGLISH.iter().find(|(e, _)| e == w) {
                    item.quantity = if w == "dozen" && item.explicit {
                        item.quantity.saturating_mul(12)
                    } else {
                        *n
                    };
                    item.explicit = true;
                } else if !(ENGLISH_COUNTERS.contains(&w.as_str())
                    || KO_FILLER.contains(&w.as_str())
                    || EN_FILLER.contains(&w.as_str()))
                {
                    product.push(w.clone());
                }
            }
            Token::Number { n, alone } => match tokens.get(i + 1) {
                Some(Token::Counter(c)) => {
                    item.quantity = *n;
                    item.counter = Some((*c).to_owned());
                    item.explicit = true;
                    i += 1;
                }
                _ if *alone => {
                    item.quantity = *n;
                    item.explicit = true;
                }
                // "한", "두" without a counter: read as a count anyway.
                _ => {
                    item.quantity = *n;
                    item.explicit = true;
                }
            },
            Token::Counter(c) => {
                // A counter alone ("한 판" already consumed): "판 하나" style.
                if item.counter.is_none() {
                    item.counter = Some((*c).to_owned());
                }
            }
            Token::Half => half = true,
            Token::Size { amount, text } => {
                // "2.3l" right after the name, and a count after it: a size in
                // the name. A size with nothing else: the amount wanted.
                item.amount = Some(*amount);
                product.push(text.clone());
            }
            Token::All => item.all = true,
            Token::Only | Token::More => {}
        }
        i += 1;
    }
    if half {
        item.explicit = true;
        item.quantity = 1;
        if item.counter.is_none() && item.amount.is_none() {
            item.counter = Some("판".into());
        }
        if item.counter.as_deref() == Some("판") {
            item.pieces = Some(15);
        }
    } else if item.counter.as_deref() == Some("판") {
        item.pieces = Some(item.quantity.saturating_mul(30));
    } else if matches!(item.counter.as_deref(), Some("구" | "알"))
        || (matches!(item.counter.as_deref(), Some("개") | None) && item.quantity >= 10)
    {
        item.pieces = Some(item.quantity);
    }
    if item.counter.as_deref() == Some("근") {
        item.amount = Some(if half {
            300
        } else {
            item.quantity.saturating_mul(600)
        });
    }
    item.text = product.join(" ").trim().to_owned();
    (!item.text.is_empty()).then_some(item)
}

/// Splits words into item segments at separating particles, commas and
/// "그리고"/"and".
fn segments(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for raw in text.split([',', '+', '&', '/', '·', ';']) {
        for word in raw.split_whitespace() {
            if matches!(
                word,
                "and" | "그리고" | "또" | "및" | "랑" | "하고" | "이랑" | "또는" | "with"
            ) {
                flush(&mut current, &mut out);
                continue;
            }
            let (stem, particle) = strip_particles(word);
            // "우유 2개랑": the counter ends the item too.
            if particle.is_some_and(|p| SEPARATING.contains(&p)) && !stem.is_empty() {
                current.push(stem.to_owned());
                flush(&mut current, &mut out);
            } else {
                current.push(word.to_owned());
            }
        }
        flush(&mut current, &mut out);
    }
    // A segment of only a quantity belongs to the one before ("우유, 2개").
    let mut merged: Vec<Vec<String>> = Vec::new();
    for seg in out {
        let refs: Vec<&str> = seg.iter().map(String::as_str).collect();
        if item_of(&refs).is_none() {
            if let Some(prev) = merged.last_mut() {
                prev.extend(seg);
                continue;
            }
        }
        merged.push(seg);
    }
    merged
}

fn items_in(text: &str) -> Vec<ItemRequest> {
    let mut items: Vec<ItemRequest> = segments(text)
        .iter()
        .flat_map(|s| split_counted(s))
        .filter_map(|s| {
            let refs: Vec<&str> = s.iter().map(String::as_str).collect();
            item_of(&refs)
        })
        .collect();
    // "우유랑 두유 하나씩": the count applies to every item without one.
    if text.contains('씩') {
        if let Some(last) = items.last().cloned().filter(|i| i.explicit) {
            for i in &mut items {
                if !i.explicit {
                    i.quantity = last.quantity;
                    i.counter.clone_from(&last.counter);
                    i.explicit = true;
                }
            }
        }
    }
    items
}

/// "우유 2개 계란 1판": a name, a count, then another name starts a new item.
fn split_counted(words: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let (mut named, mut counted) = (false, false);
    for w in words {
        let mut tokens = Vec::new();
        tokens_of(w, &mut tokens);
        let is_word = tokens
            .iter()
            .any(|t| matches!(t, Token::Word(x) if !KO_FILLER.contains(&x.as_str()) && !EN_FILLER.contains(&x.as_str()) && !ENGLISH.iter().any(|(e, _)| e == x)));
        let is_count = tokens
            .iter()
            .any(|t| matches!(t, Token::Number { .. } | Token::Counter(_)));
        if is_word && !is_count && named && counted {
            out.push(std::mem::take(&mut current));
            named = false;
            counted = false;
        }
        named |= is_word;
        counted |= is_count && named;
        current.push(w.clone());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// "A 말고 B로", "A 대신 B", "A를 B로 바꿔줘", "A 빼고 B 넣어줘".
fn replace_of(t: &str) -> Option<Intent> {
    if let Some(rest) = t
        .strip_prefix("replace ")
        .or_else(|| t.strip_prefix("swap "))
    {
        if let Some((a, b)) = rest
            .split_once(" with ")
            .or_else(|| rest.split_once(" for "))
        {
            let from = items_in(a).into_iter().next()?;
            let to = items_in(b).into_iter().next()?;
            return Some(Intent::Replace { from, to });
        }
    }
    for marker in [
        " 말고 ",
        " 대신에 ",
        " 대신 ",
        " 빼고 ",
        " 말구 ",
        " instead of ",
    ] {
        if let Some((a, b)) = t.split_once(marker) {
            let (from_text, to_text) = if marker == " instead of " {
                (b, a)
            } else {
                (a, b)
            };
            let to_words: Vec<&str> = to_text
                .split_whitespace()
                .filter(|w| verb_at(&[w]).is_none() && !w.starts_with("해"))
                .collect();
            let from = items_in(from_text).into_iter().next()?;
            let to = item_of(&to_words)?;
            return Some(Intent::Replace { from, to });
        }
    }
    // "우유를 두유로 바꿔줘": the target has a product word, not just a count.
    let words: Vec<&str> = t.split_whitespace().collect();
    let (vi, verb) = verb_at(&words)?;
    if verb != Verb::Set {
        return None;
    }
    let head = &words[..vi];
    let to_at = head.iter().rposition(|w| {
        let (_, p) = strip_particle(w);
        matches!(p, Some("로" | "으로"))
    })?;
    let from_at = head[..to_at].iter().rposition(|w| {
        let (_, p) = strip_particle(w);
        matches!(p, Some("을" | "를" | "은" | "는" | "이" | "가"))
    });
    let (from_words, to_words) = match from_at {
        Some(f) => (&head[..=f], &head[f + 1..=to_at]),
        None if to_at >= 1 => (&head[..1], &head[1..=to_at]),
        None => return None,
    };
    let to = item_of(to_words)?;
    let from = item_of(from_words)?;
    Some(Intent::Replace { from, to })
}

/// The dish before "재료" / "해 먹을" / "끓일".
fn recipe_of(t: &str) -> Option<Intent> {
    for marker in [
        "재료",
        "만들 거",
        "만들거",
        "끓일 거",
        "끓일거",
        "해먹을",
        "해 먹을",
        "ingredients",
    ] {
        if let Some(at) = t.find(marker) {
            let dish: String = t[..at]
                .split_whitespace()
                .filter(|w| {
                    !KO_FILLER.contains(w)
                        && !w.is_empty()
                        && ![
                            "끓일",
                            "만들",
                            "만들",
                            "해먹을",
                            "먹을",
                            "만들어",
                            "끓여",
                            "할",
                        ]
                        .iter()
                        .any(|v| w.starts_with(v))
                })
                .collect::<Vec<_>>()
                .join(" ");
            let dish = dish
                .trim_end_matches("용")
                .trim_end_matches(" 할")
                .trim()
                .to_owned();
            if !dish.is_empty() {
                return Some(Intent::Recipe(dish));
            }
        }
    }
    None
}

/// Reads one chat message.
pub fn parse(message: &str) -> Intent {
    let t = clean(message);
    if t.is_empty() {
        return Intent::Unknown;
    }
    if let Some(answer) = answer_of(&t) {
        return answer;
    }
    if is_clear_all(&t) {
        return Intent::Clear;
    }
    if contains_any(&t, PLAN) {
        return Intent::Plan {
            online: contains_any(&t, ONLINE),
        };
    }
    if let Some(recipe) = recipe_of(&t) {
        return recipe;
    }
    let asks = message.trim_end().ends_with('?') || message.trim_end().ends_with('？');
    if !asks && contains_any(&t, NEGATION) {
        return negation(&t);
    }
    let question = is_question(message, &t);
    if contains_any(&t, SHOW) && !contains_any(&t, &["확인하고", "보여주고"]) {
        let words: Vec<&str> = t.split_whitespace().collect();
        if verb_at(&words).is_none_or(|(_, v)| v == Verb::Add && question) || question {
            return Intent::Show;
        }
    }
    if question {
        return Intent::Question;
    }
    // "우유 세 개 넣고 계란 빼줘": two clauses, each with its own verb.
    let words: Vec<&str> = t.split_whitespace().collect();
    if let Some(at) = words[..words.len().saturating_sub(1)].iter().position(|w| {
        matches!(
            *w,
            "넣고"
                | "담고"
                | "추가하고"
                | "사고"
                | "넣어주고"
                | "담아주고"
                | "추가해주고"
                | "넣구"
                | "담구"
        )
    }) {
        let first = parse(
            &words[..=at]
                .join(" ")
                .replace("넣고", "넣어")
                .replace("담고", "담아")
                .replace("추가하고", "추가")
                .replace("사고", "사줘")
                .replace("넣어주고", "넣어")
                .replace("담아주고", "담아")
                .replace("추가해주고", "추가")
                .replace("넣구", "넣어")
                .replace("담구", "담아"),
        );
        let second = parse(&words[at + 1..].join(" "));
        let edits = |i: &Intent| {
            matches!(
                i,
                Intent::Add(_)
                    | Intent::Remove(_)
                    | Intent::SetQuantity(_)
                    | Intent::Replace { .. }
            )
        };
        if edits(&first) && edits(&second) {
            return Intent::Multi(vec![first, second]);
        }
    }
    if let Some(replace) = replace_of(&t) {
        return replace;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    // English verbs come first ("remove the milk"); Korean ones last.
    let (verb, rest): (Option<Verb>, Vec<&str>) = match verb_at(&words) {
        Some((i, v)) if words[i].is_ascii() || (i == 0 && words.len() > 1) => {
            (Some(v), words[i + 1..].to_vec())
        }
        Some((i, v)) => (Some(v), words[..i].to_vec()),
        None => (None, words.clone()),
    };
    let rest_text = rest.join(" ");
    let mut items = items_in(&rest_text);
    // "우유 4개로", "우유는 한 개만": a set, not an add.
    let mut tokens = Vec::new();
    for w in &rest {
        tokens_of(w, &mut tokens);
    }
    let set_said = tokens.contains(&Token::Only) && !tokens.contains(&Token::More);
    if items.is_empty() {
        return Intent::Unknown;
    }
    match verb {
        Some(Verb::Remove) => Intent::Remove(items),
        Some(Verb::Set) => Intent::SetQuantity(items),
        Some(Verb::Add) if set_said && verb_is_set_like(&t) => Intent::SetQuantity(items),
        Some(Verb::Add) => Intent::Add(items),
        None if set_said => Intent::SetQuantity(items),
        None => {
            for i in &mut items {
                i.all = false;
            }
            let casual = words
                .iter()
                .any(|w| matches!(*w, "좀" | "쫌" | "ㄱ" | "ㄱㄱ") || w.ends_with("좀"));
            if casual || items.iter().any(|i| i.explicit) {
                Intent::Add(items)
            } else {
                Intent::Mention(items)
            }
        }
    }
}

/// "계란은 필요 없어", "대파는 집에 있어서 필요없어": remove what is named
/// (the words up to a topic particle, when there is one).
fn negation(t: &str) -> Intent {
    let at = NEGATION
        .iter()
        .filter_map(|n| t.find(n))
        .min()
        .unwrap_or(t.len());
    let head: Vec<&str> = t[..at].split_whitespace().collect();
    let topic = head.iter().position(|w| {
        matches!(
            strip_particle(w).1,
            Some("은" | "는" | "을" | "를" | "도" | "이" | "가")
        )
    });
    let named = match topic {
        Some(i) => head[..=i].join(" "),
        None => head.join(" "),
    };
    let mut items = items_in(&named);
    if items.is_empty() {
        // "i don't need milk": the item comes after.
        let after = NEGATION
            .iter()
            .find_map(|n| t.find(n).map(|i| i + n.len()))
            .unwrap_or(t.len());
        items = items_in(&t[after..]);
    }
    if items.is_empty() {
        return Intent::Unknown;
    }
    for i in &mut items {
        i.all = true;
        i.explicit = false;
    }
    Intent::Remove(items)
}

/// "한 개만 담아줘" stays an add; "4개로 해줘" is a set.
fn verb_is_set_like(t: &str) -> bool {
    contains_any(
        t,
        &[
            "로 해",
            "으로 해",
            "로 할",
            "만 할",
            "만 남",
            "로 줄",
            "으로 줄",
            "로 늘",
            "으로 늘",
        ],
    )
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
            all: false,
            pieces: None,
            amount: None,
        }
    }

    fn texts(intent: &Intent) -> Vec<(String, u32)> {
        match intent {
            Intent::Add(v) | Intent::Remove(v) | Intent::SetQuantity(v) => {
                v.iter().map(|i| (i.text.clone(), i.quantity)).collect()
            }
            _ => Vec::new(),
        }
    }

    fn pairs(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(t, q)| ((*t).to_owned(), *q)).collect()
    }

    #[test]
    fn the_classic_request() {
        let mut egg = item("계란", 1, Some("판"));
        egg.pieces = Some(30);
        assert_eq!(
            parse("우유 2개랑 계란 한 판 담아줘"),
            Intent::Add(vec![item("우유", 2, Some("개")), egg])
        );
    }

    #[test]
    fn counters_and_native_numerals() {
        assert_eq!(
            parse("콜라 세 병 넣어줘"),
            Intent::Add(vec![item("콜라", 3, Some("병"))])
        );
        assert_eq!(texts(&parse("두부 하나 넣어줘")), pairs(&[("두부", 1)]));
        assert_eq!(texts(&parse("라면 다섯 개 담아")), pairs(&[("라면", 5)]));
        assert_eq!(texts(&parse("사과 열두개 담아줘")), pairs(&[("사과", 12)]));
        assert_eq!(texts(&parse("두부두개")), pairs(&[("두부", 2)]));
        assert_eq!(texts(&parse("계란한판 담아")), pairs(&[("계란", 1)]));
        assert_eq!(texts(&parse("두부 한 모")), pairs(&[("두부", 1)]));
        assert_eq!(texts(&parse("맥주 셋")), pairs(&[("맥주", 3)]));
        assert_eq!(
            texts(&parse("서울우유 2.3L 하나")),
            pairs(&[("서울우유 2.3l", 1)])
        );
        assert_eq!(texts(&parse("우유좀")), pairs(&[("우유", 1)]));
    }

    #[test]
    fn particles_split_items_only_where_grammar_allows() {
        assert_eq!(
            texts(&parse("사과랑 배 담아줘")),
            pairs(&[("사과", 1), ("배", 1)])
        );
        assert_eq!(texts(&parse("용과 1개 담아줘")), pairs(&[("용과", 1)]));
        assert_eq!(
            texts(&parse("빼빼로 두 개 담아줘")),
            pairs(&[("빼빼로", 2)])
        );
        assert_eq!(
            texts(&parse("계란과 우유 넣어줘")),
            pairs(&[("계란", 1), ("우유", 1)])
        );
        assert_eq!(
            texts(&parse("과자하고 와플 담아줘")),
            pairs(&[("과자", 1), ("와플", 1)])
        );
    }

    #[test]
    fn set_relative_replace_negation() {
        assert!(matches!(parse("우유 4개로"), Intent::SetQuantity(_)));
        assert!(matches!(parse("우유는 한 개만"), Intent::SetQuantity(_)));
        assert!(matches!(parse("두부 3개로 바꿔줘"), Intent::SetQuantity(_)));
        assert!(matches!(parse("우유 하나 더"), Intent::Add(_)));
        assert!(matches!(parse("계란은 필요 없어"), Intent::Remove(_)));
        assert!(matches!(
            parse("우유 말고 두유로 바꿔줘"),
            Intent::Replace { .. }
        ));
        assert!(matches!(
            parse("우유를 두유로 바꿔줘"),
            Intent::Replace { .. }
        ));
        assert!(matches!(parse("김치찌개 재료 담아줘"), Intent::Recipe(_)));
        assert!(matches!(parse("계란 얼마야?"), Intent::Question));
        assert_eq!(parse("제일 싼 데 어디야?"), Intent::Plan { online: false });
        assert_eq!(
            parse("온라인으로 제일 싼 거"),
            Intent::Plan { online: true }
        );
    }

    #[test]
    fn english() {
        assert_eq!(
            texts(&parse("add 2 milk and a dozen eggs")),
            pairs(&[("milk", 2), ("eggs", 12)])
        );
        assert!(matches!(parse("remove the milk"), Intent::Remove(_)));
        assert_eq!(parse("show my basket"), Intent::Show);
        assert_eq!(parse("clear the cart"), Intent::Clear);
    }

    #[test]
    fn naming_an_item_with_da_removes_that_item_only() {
        for m in [
            "콜라 두 개 다 빼줘",
            "콜라 다 빼줘",
            "콜라 전부 빼줘",
            "콜라는 모두 삭제해줘",
            "콜라 싹 다 지워",
        ] {
            match parse(m) {
                Intent::Remove(items) => {
                    assert_eq!(items[0].text, "콜라", "{m}");
                    assert!(items[0].all, "{m}");
                }
                other => panic!("{m}: {other:?}"),
            }
        }
    }

    #[test]
    fn only_an_explicit_request_clears() {
        for m in [
            "장바구니 비워줘",
            "전부 다 지워줘",
            "다 빼줘",
            "장바구니에서 전부 삭제",
            "싹 다 지워 주세요",
            "clear the cart",
        ] {
            assert_eq!(parse(m), Intent::Clear, "{m}");
        }
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(answer("네"), Some(true));
        assert_eq!(answer("네, 비워 주세요"), Some(true));
        assert_eq!(answer("응 좋아"), Some(true));
        assert_eq!(answer("아니요"), Some(false));
        assert_eq!(answer("네 개 담아줘"), None);
        assert_eq!(answer("우유 담아줘"), None);
    }
}
