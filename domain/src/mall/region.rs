//! The shopper's delivery region, from the profile's address.
//!
//! # The rule
//! 1. If the address holds a 5-digit postal code (우편번호, a run of exactly
//!    five digits), it decides: **Jeju** for 63000–63644 (제주특별자치도);
//!    **Island** (도서산간) when it falls in one of [`ISLAND_POSTAL_RANGES`]
//!    (the island areas most parcel carriers surcharge: 옹진군, 울릉군,
//!    신안군, 완도·진도·통영·여수 islands — a subset, not the carriers'
//!    full list); else **Mainland**.
//! 2. Without a postal code: an address starting with `제주` (제주특별자치도,
//!    제주시, 제주도) is **Jeju**; one naming `울릉` or `옹진` is **Island**;
//!    anything else, and no address at all, is **Mainland** (no surcharge).

/// Where an order is delivered, as far as malls' surcharges go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    #[default]
    Mainland,
    Jeju,
    /// Islands and remote areas (도서산간) other than Jeju.
    Island,
}

/// Jeju's postal codes.
pub const JEJU_POSTAL_RANGE: (u32, u32) = (63000, 63644);

/// Island and remote postal code ranges (inclusive), a documented subset.
pub const ISLAND_POSTAL_RANGES: &[(u32, u32)] = &[
    (23004, 23010), // 인천 옹진군 (연평·백령·대청)
    (23100, 23136), // 인천 옹진군 (덕적·자월·영흥 일부)
    (40200, 40240), // 경북 울릉군
    (53031, 53033), // 경남 통영시 섬 (사량)
    (53089, 53104), // 경남 통영시 섬 (욕지·한산)
    (58800, 58866), // 전남 신안군
    (58953, 58958), // 전남 진도군 섬 (조도)
    (59102, 59166), // 전남 완도군 섬
    (59781, 59790), // 전남 여수시 섬 (거문·삼산)
];

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mainland => "mainland",
            Self::Jeju => "jeju",
            Self::Island => "island",
        }
    }

    /// The region of a postal code.
    pub fn of_postal_code(code: u32) -> Self {
        if (JEJU_POSTAL_RANGE.0..=JEJU_POSTAL_RANGE.1).contains(&code) {
            Self::Jeju
        } else if ISLAND_POSTAL_RANGES
            .iter()
            .any(|(lo, hi)| (*lo..=*hi).contains(&code))
        {
            Self::Island
        } else {
            Self::Mainland
        }
    }

    /// The region of an address (module docs for the rule).
    pub fn of_address(address: Option<&str>) -> Self {
        let Some(address) = address.map(str::trim).filter(|a| !a.is_empty()) else {
            return Self::Mainland;
        };
        if let Some(code) = postal_code(address) {
            return Self::of_postal_code(code);
        }
        if address.starts_with("제주") {
            Self::Jeju
        } else if address.contains("울릉") || address.contains("옹진") {
            Self::Island
        } else {
            Self::Mainland
        }
    }
}

/// The first run of exactly five ASCII digits (a building number such as
/// 396 or a 6-digit old code is not one).
fn postal_code(address: &str) -> Option<u32> {
    let mut run = String::new();
    for c in address.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            if run.len() == 5 {
                return run.parse().ok();
            }
            run.clear();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_decide() {
        assert_eq!(
            Region::of_address(Some("63122 제주시 첨단로 242")),
            Region::Jeju
        );
        assert_eq!(Region::of_address(Some("(63644) 서귀포시")), Region::Jeju);
        assert_eq!(
            Region::of_address(Some("40225 경북 울릉군 울릉읍")),
            Region::Island
        );
        assert_eq!(
            Region::of_address(Some("58850 전남 신안군")),
            Region::Island
        );
        assert_eq!(
            Region::of_address(Some("06236 서울 강남구 테헤란로 152")),
            Region::Mainland
        );
        // A postal code wins over the words.
        assert_eq!(
            Region::of_address(Some("제주빌딩, 06236 서울")),
            Region::Mainland
        );
    }

    #[test]
    fn words_decide_without_a_postal_code() {
        assert_eq!(
            Region::of_address(Some("제주특별자치도 제주시 연동")),
            Region::Jeju
        );
        assert_eq!(Region::of_address(Some(" 제주도 서귀포시")), Region::Jeju);
        assert_eq!(
            Region::of_address(Some("경상북도 울릉군 울릉읍 도동리")),
            Region::Island
        );
        assert_eq!(
            Region::of_address(Some("인천 옹진군 백령면")),
            Region::Island
        );
        assert_eq!(
            Region::of_address(Some("서울 강남구 강남대로 396")),
            Region::Mainland
        );
        assert_eq!(
            Region::of_address(Some("서울 강남구 제주은행 앞")),
            Region::Mainland
        );
        assert_eq!(Region::of_address(None), Region::Mainland);
        assert_eq!(Region::of_address(Some("  ")), Region::Mainland);
        // 6 digits (an old code) or 3 (a building number) are not postal codes.
        assert_eq!(Region::of_address(Some("690-012 제주")), Region::Mainland);
        assert_eq!(Region::of_address(Some("690012 제주시")), Region::Mainland);
    }
}
