//! The sample stores: shops around 강남역 (37.4985, 127.0292), all within
//! about 3 km, and the online malls. Names follow real chains; coordinates,
//! addresses and hours are approximate sample values, not a directory.

use ttokjang_domain::catalog::ClosingDays;
use ttokjang_domain::catalog::OfflineFormat::{
    self, Convenience as CVS, Department as DP, LargeMart as LM, Supermarket as SM,
    TraditionalMarket as TM,
};

/// The sample closing days (docs/CATALOG.md): large marts and the chains'
/// supermarkets (SSM, 준대규모점포) close on the 2nd and 4th Sunday, except in
/// 서초구, which moved them to the 2nd and 4th Wednesday (2023); 하나로마트
/// (mostly farm produce, exempt), department stores and convenience stores
/// have none.
pub fn closing_days(chain: &str, format: OfflineFormat, address: &str) -> ClosingDays {
    let regulated = matches!(format, LM) || (matches!(format, SM) && chain != "하나로마트");
    let rule = match (regulated, address.contains("서초구")) {
        (false, _) => "none",
        (true, true) => "2wed,4wed",
        (true, false) => "2sun,4sun",
    };
    ClosingDays::parse(rule).unwrap_or_default()
}

/// id, chain, name, format, lat, lng, address, hours.
pub type ShopRow = (
    &'static str,
    &'static str,
    &'static str,
    OfflineFormat,
    f64,
    f64,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
pub const SHOPS: &[ShopRow] = &[
    // Large marts and department-store food halls.
    ("emart-yeoksam", "이마트", "이마트 역삼점", LM, 37.4996, 127.0478, "서울 강남구 역삼로 310", "10:00-23:00"),
    ("homeplus-gangnam", "홈플러스", "홈플러스 강남점", LM, 37.4862, 127.0351, "서울 강남구 남부순환로 2748", "10:00-24:00"),
    ("lottemart-seocho", "롯데마트", "롯데마트 서초점", LM, 37.4919, 127.0086, "서울 서초구 서초대로 411", "10:00-23:00"),
    ("kimsclub-gangnam", "킴스클럽", "킴스클럽 강남점", LM, 37.5081, 127.0091, "서울 서초구 사평대로 205", "10:00-22:00"),
    ("shinsegae-gangnam", "신세계백화점", "신세계백화점 강남점 식품관", DP, 37.5046, 127.0045, "서울 서초구 신반포로 176", "10:30-20:00"),
    ("lottedept-gangnam", "롯데백화점", "롯데백화점 강남점 식품관", DP, 37.4966, 127.0530, "서울 강남구 도곡로 401", "10:30-20:00"),
    // Supermarkets.
    ("gsfresh-yeoksam", "GS더프레시", "GS더프레시 역삼점", SM, 37.5012, 127.0391, "서울 강남구 테헤란로 232", "10:00-24:00"),
    ("gsfresh-seocho", "GS더프레시", "GS더프레시 서초점", SM, 37.4889, 127.0203, "서울 서초구 서초중앙로 36", "10:00-24:00"),
    ("lottesuper-gangnam", "롯데슈퍼", "롯데슈퍼 강남역점", SM, 37.4959, 127.0268, "서울 서초구 서초대로 77길 17", "10:00-23:00"),
    ("lottesuper-nonhyeon", "롯데슈퍼", "롯데슈퍼 프레시 논현점", SM, 37.5108, 127.0301, "서울 강남구 학동로 141", "10:00-23:00"),
    ("emarteveryday-yeoksam", "이마트에브리데이", "이마트에브리데이 역삼점", SM, 37.4951, 127.0402, "서울 강남구 언주로 314", "10:00-24:00"),
    ("homeplusexpress-seocho", "홈플러스 익스프레스", "홈플러스 익스프레스 서초점", SM, 37.4921, 127.0238, "서울 서초구 서운로 26", "10:00-24:00"),
    ("hanaro-gangnam", "하나로마트", "하나로마트 강남농협 역삼점", SM, 37.4998, 127.0436, "서울 강남구 논현로 430", "09:00-22:00"),
    ("hanaro-seocho", "하나로마트", "하나로마트 서초농협 본점", SM, 37.4836, 127.0149, "서울 서초구 서초대로 32길 21", "09:00-22:00"),
    ("nobrand-gangnam", "노브랜드", "노브랜드 강남역점", SM, 37.5003, 127.0262, "서울 서초구 서초대로 78길 24", "10:00-22:00"),
    // Convenience stores (open around the clock).
    ("cu-gangnamstation", "CU", "CU 강남역점", CVS, 37.4979, 127.0276, "서울 강남구 강남대로 396", "24h"),
    ("cu-seochowoosung", "CU", "CU 서초우성점", CVS, 37.4918, 127.0312, "서울 서초구 서초대로 73길 40", "24h"),
    ("cu-yeoksamcenter", "CU", "CU 역삼센터점", CVS, 37.5025, 127.0340, "서울 강남구 테헤란로 152", "24h"),
    ("gs25-gangnamdaero", "GS25", "GS25 강남대로점", CVS, 37.4995, 127.0285, "서울 강남구 강남대로 408", "24h"),
    ("gs25-yeoksamstation", "GS25", "GS25 역삼역점", CVS, 37.5004, 127.0367, "서울 강남구 테헤란로 156", "24h"),
    ("gs25-gyodae", "GS25", "GS25 교대역점", CVS, 37.4934, 127.0141, "서울 서초구 서초대로 294", "24h"),
    ("seven-gangnam2", "세븐일레븐", "세븐일레븐 강남역2호점", CVS, 37.4972, 127.0296, "서울 강남구 테헤란로 4길 6", "24h"),
    ("seven-sinnonhyeon", "세븐일레븐", "세븐일레븐 신논현역점", CVS, 37.5046, 127.0250, "서울 서초구 강남대로 465", "24h"),
    ("emart24-nonhyeon", "이마트24", "이마트24 논현점", CVS, 37.5087, 127.0234, "서울 강남구 논현로 151길 10", "24h"),
    ("emart24-yangjaecheon", "이마트24", "이마트24 도곡양재천점", CVS, 37.4850, 127.0420, "서울 강남구 남부순환로 2814", "07:00-02:00"),
    // Traditional markets.
    ("market-yeongdong", "영동시장", "영동시장", TM, 37.5113, 127.0246, "서울 강남구 논현동 일대 (학동로 2길)", "09:00-21:00"),
    ("market-dogok", "도곡시장", "도곡시장", TM, 37.4905, 127.0505, "서울 강남구 도곡동 일대 (도곡로 18길)", "09:00-20:00"),
];

/// id, chain, name, delivery fee, free-delivery threshold, minimum order,
/// checkout URL (on the mall's real host), price factor.
pub type MallRow = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<i64>,
    i64,
    &'static str,
    f64,
);

#[rustfmt::skip]
pub const MALLS: &[MallRow] = &[
    ("coupang", "쿠팡", "쿠팡 로켓프레시", 3_000, Some(19_800), 0, "https://www.coupang.com/vp/cart", 0.96),
    ("ssg", "SSG닷컴", "SSG닷컴 쓱배송", 3_000, Some(40_000), 10_000, "https://www.ssg.com/cart/dmsShpp.ssg", 0.99),
    ("kurly", "컬리", "컬리 샛별배송", 3_000, Some(40_000), 15_000, "https://www.kurly.com/cart", 1.04),
    ("lotteon", "롯데온", "롯데온 롯데마트몰", 4_000, Some(40_000), 15_000, "https://www.lotteon.com/p/order/cart", 1.0),
    ("homeplus-online", "홈플러스", "홈플러스 온라인", 3_500, Some(40_000), 20_000, "https://front.homeplus.co.kr/cart", 0.98),
];
