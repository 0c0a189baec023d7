//! Plain yes / no to what the assistant proposed.

use super::numerals::COUNTERS;
use super::{clean, Intent};

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
pub(super) fn answer_of(t: &str) -> Option<Intent> {
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
