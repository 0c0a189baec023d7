//! Call keys and days.

use super::*;

#[test]
fn keys_round_trip() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("day");
    for c in [
        Call::Stores { day },
        Call::Products { day },
        Call::StorePrices {
            day,
            entp_id: "0001".into(),
        },
        Call::KamisRegion {
            day,
            county: "1101".into(),
        },
    ] {
        assert_eq!(Call::parse_key(&c.key()), Some(c.clone()), "{}", c.key());
    }
    assert_eq!(
        Call::StorePrices {
            day,
            entp_id: "77".into()
        }
        .key(),
        "chamgagyeok:prices:20261120:entp:77"
    );
    assert_eq!(Call::parse_key("chamgagyeok:prices:2026112:entp:1"), None);
    assert_eq!(Call::parse_key("nope"), None);
}

#[test]
fn days_are_yyyymmdd() {
    assert_eq!(
        parse_day("20261120").map(format_day).as_deref(),
        Some("20261120")
    );
    assert_eq!(parse_day("2026-11-20"), None);
    assert_eq!(parse_day("20261340"), None);
    assert_eq!(Source::parse("KAMIS"), Some(Source::Kamis));
    assert_eq!(Source::parse("x"), None);
}
