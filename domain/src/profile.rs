//! The shopper's profile: display name, mobile phone, address and home
//! location. The phone number is personal data: its `Debug` masks it and no
//! code logs it.

pub mod ports;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::error::RepoError;
use crate::system::Clock;
use crate::text;
use crate::user::{DisplayName, InvalidValue, UserId};
use ports::ProfileRepository;

/// A Korean mobile number, normalised to `010-1234-5678` (or `011-123-4567`
/// for the old 10-digit numbers of 011/016/017/018/019).
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last: String = self
            .0
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        write!(f, "PhoneNumber(***-****-**{last})")
    }
}

const MOBILE_PREFIXES: &[&str] = &["010", "011", "016", "017", "018", "019"];

impl PhoneNumber {
    /// Accepts `010-1234-5678`, `01012345678`, `010 1234 5678`,
    /// `+82-10-1234-5678`, `+82 10 1234 5678` and `+821012345678`.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let bad = || {
            InvalidValue::new(
                "phone",
                "must be a Korean mobile number such as 010-1234-5678",
            )
        };
        let s = raw.trim();
        if s.len() > 24 {
            return Err(bad());
        }
        let (international, rest) = match s.strip_prefix("+82") {
            Some(rest) => (true, rest.trim_start_matches([' ', '-'])),
            None => (false, s),
        };
        let groups: Vec<&str> = rest.split([' ', '-']).collect();
        if groups
            .iter()
            .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let mut national: String = groups.concat();
        if international {
            if national.starts_with('0') {
                return Err(bad());
            }
            national.insert(0, '0');
        }
        let prefix = national.get(..3).ok_or_else(bad)?;
        if !MOBILE_PREFIXES.contains(&prefix) {
            return Err(bad());
        }
        let middle_len = match (prefix, national.len()) {
            (_, 11) => 4,
            ("010", _) => return Err(bad()),
            (_, 10) => 3,
            _ => return Err(bad()),
        };
        // Written in groups, they must be the usual ones (3|2, 3-4, 4).
        if groups.len() > 1 {
            let first = if international { 2 } else { 3 };
            let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            if lens != [first, middle_len, 4] {
                return Err(bad());
            }
        }
        let (head, tail) = national.split_at(3);
        let (mid, last) = tail.split_at(middle_len);
        Ok(Self(format!("{head}-{mid}-{last}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal address as the shopper writes it: at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address(String);

impl Address {
    pub const MAX_CHARS: usize = 200;

    /// `None` for blank input.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, InvalidValue> {
        Ok(text::optional("address", raw, Self::MAX_CHARS)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point on the earth in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    lat: f64,
    lng: f64,
}

impl Location {
    /// Where plans start when the shopper saved no location: 강남역.
    pub const DEFAULT: Location = Location {
        lat: 37.4985,
        lng: 127.0292,
    };

    pub fn new(lat: f64, lng: f64) -> Result<Self, Vec<InvalidValue>> {
        let mut p = Vec::new();
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            p.push(InvalidValue::new(
                "location.lat",
                "must be a latitude from -90 to 90",
            ));
        }
        if !(lng.is_finite() && (-180.0..=180.0).contains(&lng)) {
            p.push(InvalidValue::new(
                "location.lng",
                "must be a longitude from -180 to 180",
            ));
        }
        if p.is_empty() {
            Ok(Self { lat, lng })
        } else {
            Err(p)
        }
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub display_name: DisplayName,
    pub phone: Option<PhoneNumber>,
    pub address: Option<Address>,
    pub location: Option<Location>,
    /// When the profile was last saved (`None`: never).
    pub updated_at: Option<DateTime<Utc>>,
}

impl Profile {
    /// The point plans start from: the saved location, else [`Location::DEFAULT`].
    pub fn planning_location(&self) -> Location {
        self.location.unwrap_or(Location::DEFAULT)
    }
}

/// A profile as a client sends it (a whole replacement).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileInput {
    pub display_name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// `(lat, lng)`.
    pub location: Option<(f64, f64)>,
}

impl ProfileInput {
    /// Checks every field, reporting all problems together.
    pub fn check(self) -> Result<Profile, Vec<InvalidValue>> {
        let mut p = Vec::new();
        let display_name = DisplayName::parse(&self.display_name)
            .map_err(|e| p.push(e))
            .ok();
        let phone = match self.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => PhoneNumber::parse(raw).map_err(|e| p.push(e)).ok(),
        };
        let address = Address::parse(self.address.as_deref())
            .map_err(|e| p.push(e))
            .ok()
            .flatten();
        let location = match self.location {
            None => None,
            Some((lat, lng)) => Location::new(lat, lng).map_err(|e| p.extend(e)).ok(),
        };
        match display_name {
            Some(display_name) if p.is_empty() => Ok(Profile {
                display_name,
                phone,
                address,
                location,
                updated_at: None,
            }),
            _ => Err(p),
        }
    }
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum ProfileError {
    #[error("invalid profile")]
    Invalid(Vec<InvalidValue>),
    /// The account is gone (deleted while its token was still valid).
    #[error("no such user")]
    UnknownUser,
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub struct ProfileService {
    repo: Arc<dyn ProfileRepository>,
    clock: Arc<dyn Clock>,
}

impl ProfileService {
    pub fn new(repo: Arc<dyn ProfileRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    pub async fn get(&self, user: UserId) -> Result<Profile, ProfileError> {
        self.repo.get(user).await?.ok_or(ProfileError::UnknownUser)
    }

    /// Replaces the profile (and the account's display name) in one transaction.
    pub async fn put(&self, user: UserId, input: ProfileInput) -> Result<Profile, ProfileError> {
        let mut profile = input.check().map_err(ProfileError::Invalid)?;
        let now = crate::stored_instant(self.clock.now());
        if !self.repo.save(user, &profile, now).await? {
            return Err(ProfileError::UnknownUser);
        }
        profile.updated_at = Some(now);
        Ok(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ports::MockProfileRepository;
    use crate::system::MockClock;
    use uuid::Uuid;

    fn phone(raw: &str) -> Result<String, InvalidValue> {
        PhoneNumber::parse(raw).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn korean_mobile_formats_are_normalised() {
        for ok in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            " 010-1234-5678 ",
            "+82-10-1234-5678",
            "+82 10 1234 5678",
            "+821012345678",
            "+82 10-1234-5678",
        ] {
            assert_eq!(phone(ok).as_deref(), Ok("010-1234-5678"), "{ok}");
        }
        assert_eq!(phone("011-123-4567").as_deref(), Ok("011-123-4567"));
        assert_eq!(phone("0161234567").as_deref(), Ok("016-123-4567"));
        assert_eq!(phone("017-1234-5678").as_deref(), Ok("017-1234-5678"));
        assert_eq!(phone("+82 19 123 4567").as_deref(), Ok("019-123-4567"));
        assert_eq!(phone("018 1234 5678").as_deref(), Ok("018-1234-5678"));
    }

    #[test]
    fn other_numbers_are_refused() {
        for bad in [
            "",
            "02-123-4567",
            "0101234567",
            "010-123-4567",
            "010123456789",
            "012-1234-5678",
            "+82-010-1234-5678",
            "+1-10-1234-5678",
            "010-12345-678",
            "0101-234-5678",
            "010--1234-5678",
            "010.1234.5678",
            "010-1234-567８",
            "010-1234-5678\u{0}",
            "phone: 010-1234-5678",
            "+82",
            "+82 ",
        ] {
            assert!(phone(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn phone_debug_is_masked() {
        let p = PhoneNumber::parse("010-1234-5678").expect("ok");
        let shown = format!("{p:?}");
        assert!(!shown.contains("1234"), "{shown}");
    }

    #[test]
    fn location_ranges() {
        assert!(Location::new(37.5, 127.0).is_ok());
        assert!(Location::new(-90.0, 180.0).is_ok());
        assert_eq!(Location::new(90.5, 181.0).map_err(|e| e.len()), Err(2));
        assert!(Location::new(f64::NAN, 0.0).is_err());
        assert!(Location::new(0.0, f64::INFINITY).is_err());
        assert_eq!(Location::DEFAULT.lat(), 37.4985);
        assert_eq!(Location::DEFAULT.lng(), 127.0292);
    }

    #[test]
    fn profile_input_reports_every_problem() {
        let bad = ProfileInput {
            display_name: " ".into(),
            phone: Some("123".into()),
            address: Some("가".repeat(201)),
            location: Some((100.0, 0.0)),
        };
        let fields: Vec<_> = bad
            .check()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["display_name", "phone", "address", "location.lat"]);

        let ok = ProfileInput {
            display_name: "김똑장".into(),
            phone: Some(" ".into()),
            address: Some("서울 강남구 강남대로 396".into()),
            location: None,
        }
        .check()
        .expect("ok");
        assert_eq!(ok.phone, None);
        assert_eq!(ok.planning_location(), Location::DEFAULT);
    }

    #[tokio::test]
    async fn put_for_a_vanished_user_is_unknown() {
        let mut repo = MockProfileRepository::new();
        repo.expect_save().returning(|_, _, _| Ok(false));
        let mut clock = MockClock::new();
        clock
            .expect_now()
            .return_const(DateTime::from_timestamp(1_800_000_000, 0).expect("t"));
        let svc = ProfileService::new(Arc::new(repo), Arc::new(clock));
        let got = svc
            .put(
                UserId(Uuid::from_u128(1)),
                ProfileInput {
                    display_name: "이름".into(),
                    ..Default::default()
                },
            )
            .await;
        assert_eq!(got, Err(ProfileError::UnknownUser));
    }
}
