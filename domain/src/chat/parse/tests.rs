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
