//! Particles, split off only where the preceding syllable's final consonant
//! allows it and never inside a known word (사과, 용과, 과자).

use super::numerals::{is_quantity_word, COUNTERS, NATIVE};

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
pub(super) const SEPARATING: &[&str] = &["이랑", "랑", "하고", "과", "와", "이나", "나"];

/// Whole words that end like a particle but are names ("사과" is an apple).
pub(super) const WHOLE_WORDS: &[&str] = &[
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

pub(super) fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Splits a trailing particle off a word when grammar allows it there.
pub(super) fn strip_particle(word: &str) -> (&str, Option<&'static str>) {
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
            let Some(last) = stem.chars().next_back() else {
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
pub(super) fn strip_particles(word: &str) -> (&str, Option<&'static str>) {
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
