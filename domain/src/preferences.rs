//! How a shopper wants plans made: how many stops, how far, what travel costs,
//! which chains to prefer or avoid. Every value has a documented default, so a
//! shopper who never saved preferences still gets sensible plans.

pub mod ports;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::error::RepoError;
use crate::system::Clock;
use crate::text;
use crate::user::{InvalidValue, UserId};
use ports::PreferencesRepository;

/// Offline (walk or drive to marts) or online (delivery from malls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShoppingMode {
    Offline,
    Online,
}

impl ShoppingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ShoppingMode::Offline => "offline",
            ShoppingMode::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "offline" => Some(ShoppingMode::Offline),
            "online" => Some(ShoppingMode::Online),
            _ => None,
        }
    }
}

/// How the shopper gets to offline stores, with the prototype's speeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TravelMode {
    Walk,
    Transit,
    Car,
}

impl TravelMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Walk => "walk",
            TravelMode::Transit => "transit",
            TravelMode::Car => "car",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "walk" => Some(TravelMode::Walk),
            "transit" => Some(TravelMode::Transit),
            "car" => Some(TravelMode::Car),
            _ => None,
        }
    }

    /// Average door-to-door speed (4, 15 and 30 km/h).
    pub fn speed_km_per_h(self) -> u32 {
        match self {
            TravelMode::Walk => 4,
            TravelMode::Transit => 15,
            TravelMode::Car => 30,
        }
    }
}

/// A chain's name as the shopper wrote it ("이마트"): 1 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainName(String);

impl ChainName {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, InvalidValue> {
        text::required(field, raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn folded(&self) -> String {
        text::fold(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub max_stores: u8,
    pub max_distance_m: u32,
    pub travel_cost_krw_per_km: u32,
    pub preferred_chains: Vec<ChainName>,
    pub excluded_chains: Vec<ChainName>,
    pub default_mode: ShoppingMode,
    pub travel_mode: TravelMode,
    pub max_travel_minutes: u16,
    /// What an hour of the shopper's time is worth (원); with
    /// `minutes_per_stop` it prices the time a plan takes (`best_value`).
    pub value_of_time_krw_per_hour: u32,
    /// Minutes spent at each stop (check-out, parking).
    pub minutes_per_stop: u16,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            max_stores: 3,
            max_distance_m: 3_000,
            travel_cost_krw_per_km: 500,
            preferred_chains: Vec::new(),
            excluded_chains: Vec::new(),
            default_mode: ShoppingMode::Offline,
            travel_mode: TravelMode::Walk,
            max_travel_minutes: 30,
            value_of_time_krw_per_hour: 10_000,
            minutes_per_stop: 5,
        }
    }
}

/// Preferences as a client sends them; an absent field takes its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreferencesInput {
    pub max_stores: Option<i64>,
    pub max_distance_m: Option<i64>,
    pub travel_cost_krw_per_km: Option<i64>,
    pub preferred_chains: Option<Vec<String>>,
    pub excluded_chains: Option<Vec<String>>,
    pub default_mode: Option<String>,
    pub travel_mode: Option<String>,
    pub max_travel_minutes: Option<i64>,
    pub value_of_time_krw_per_hour: Option<i64>,
    pub minutes_per_stop: Option<i64>,
}

fn ranged<T: TryFrom<i64>>(
    field: &'static str,
    v: Option<i64>,
    min: i64,
    max: i64,
    default: T,
    problems: &mut Vec<InvalidValue>,
) -> T {
    let Some(v) = v else { return default };
    if (min..=max).contains(&v) {
        if let Ok(t) = T::try_from(v) {
            return t;
        }
    }
    problems.push(InvalidValue::new(
        field,
        format!("must be a whole number from {min} to {max}"),
    ));
    default
}

fn chains(
    field: &'static str,
    raw: Option<Vec<String>>,
    problems: &mut Vec<InvalidValue>,
) -> Vec<ChainName> {
    let raw = raw.unwrap_or_default();
    if raw.len() > Preferences::MAX_CHAINS {
        problems.push(InvalidValue::new(field, "may list at most 20 chains"));
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in raw {
        match ChainName::parse(field, &r) {
            // The same chain twice is kept once.
            Ok(c) if seen.insert(c.folded()) => out.push(c),
            Ok(_) => {}
            Err(e) => {
                problems.push(e);
                return Vec::new();
            }
        }
    }
    out
}

impl Preferences {
    pub const MAX_CHAINS: usize = 20;

    /// Allowed stops per offline plan (also for a plan request's override).
    pub const MAX_STORES_RANGE: (i64, i64) = (1, 5);
    /// Allowed search radius in metres (also for a plan request's override).
    pub const MAX_DISTANCE_M_RANGE: (i64, i64) = (100, 30_000);
    /// Allowed value of the shopper's time, 원 per hour.
    pub const VALUE_OF_TIME_RANGE: (i64, i64) = (0, 200_000);
    /// Allowed minutes per stop.
    pub const MINUTES_PER_STOP_RANGE: (i64, i64) = (0, 60);

    /// Checks every field, reporting all problems together.
    pub fn parse(input: PreferencesInput) -> Result<Self, Vec<InvalidValue>> {
        let d = Preferences::default();
        let mut p = Vec::new();
        let (lo, hi) = Preferences::MAX_STORES_RANGE;
        let max_stores = ranged("max_stores", input.max_stores, lo, hi, d.max_stores, &mut p);
        let (lo, hi) = Preferences::MAX_DISTANCE_M_RANGE;
        let max_distance_m = ranged(
            "max_distance_m",
            input.max_distance_m,
            lo,
            hi,
            d.max_distance_m,
            &mut p,
        );
        let travel_cost_krw_per_km = ranged(
            "travel_cost_krw_per_km",
            input.travel_cost_krw_per_km,
            0,
            5_000,
            d.travel_cost_krw_per_km,
            &mut p,
        );
        let max_travel_minutes = ranged(
            "max_travel_minutes",
            input.max_travel_minutes,
            1,
            120,
            d.max_travel_minutes,
            &mut p,
        );
        let (lo, hi) = Preferences::VALUE_OF_TIME_RANGE;
        let value_of_time_krw_per_hour = ranged(
            "value_of_time_krw_per_hour",
            input.value_of_time_krw_per_hour,
            lo,
            hi,
            d.value_of_time_krw_per_hour,
            &mut p,
        );
        let (lo, hi) = Preferences::MINUTES_PER_STOP_RANGE;
        let minutes_per_stop = ranged(
            "minutes_per_stop",
            input.minutes_per_stop,
            lo,
            hi,
            d.minutes_per_stop,
            &mut p,
        );
        let preferred_chains = chains("preferred_chains", input.preferred_chains, &mut p);
        let excluded_chains = chains("excluded_chains", input.excluded_chains, &mut p);
        let preferred: HashSet<String> = preferred_chains.iter().map(ChainName::folded).collect();
        if let Some(both) = excluded_chains
            .iter()
            .find(|c| preferred.contains(&c.folded()))
        {
            p.push(InvalidValue::new(
                "excluded_chains",
                format!("\"{}\" is also a preferred chain", both.as_str()),
            ));
        }
        let default_mode = match input.default_mode.as_deref() {
            None => d.default_mode,
            Some(s) => ShoppingMode::parse(s).unwrap_or_else(|| {
                p.push(InvalidValue::new(
                    "default_mode",
                    "must be \"offline\" or \"online\"",
                ));
                d.default_mode
            }),
        };
        let travel_mode = match input.travel_mode.as_deref() {
            None => d.travel_mode,
            Some(s) => TravelMode::parse(s).unwrap_or_else(|| {
                p.push(InvalidValue::new(
                    "travel_mode",
                    "must be \"walk\", \"transit\" or \"car\"",
                ));
                d.travel_mode
            }),
        };
        if !p.is_empty() {
            return Err(p);
        }
        Ok(Self {
            max_stores,
            max_distance_m,
            travel_cost_krw_per_km,
            preferred_chains,
            excluded_chains,
            default_mode,
            travel_mode,
            max_travel_minutes,
            value_of_time_krw_per_hour,
            minutes_per_stop,
        })
    }

    /// Rebuilds stored preferences; any rule broken means a corrupt row.
    pub fn restore(input: PreferencesInput) -> Result<Self, RepoError> {
        Self::parse(input).map_err(|_| RepoError::Corrupt("preferences are not valid".into()))
    }
}

/// Stored preferences and when they were last saved (`None`: never, defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPreferences {
    pub preferences: Preferences,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PreferencesError {
    #[error("invalid preferences")]
    Invalid(Vec<InvalidValue>),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

pub struct PreferencesService {
    repo: Arc<dyn PreferencesRepository>,
    clock: Arc<dyn Clock>,
}

impl PreferencesService {
    pub fn new(repo: Arc<dyn PreferencesRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// The shopper's preferences, or the defaults when none were saved.
    pub async fn get(&self, user: UserId) -> Result<StoredPreferences, RepoError> {
        Ok(self.repo.get(user).await?.unwrap_or(StoredPreferences {
            preferences: Preferences::default(),
            updated_at: None,
        }))
    }

    /// Replaces the preferences; absent fields take their defaults.
    pub async fn put(
        &self,
        user: UserId,
        input: PreferencesInput,
    ) -> Result<StoredPreferences, PreferencesError> {
        let preferences = Preferences::parse(input).map_err(PreferencesError::Invalid)?;
        let now = crate::stored_instant(self.clock.now());
        self.repo.put(user, &preferences, now).await?;
        Ok(StoredPreferences {
            preferences,
            updated_at: Some(now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preferences::ports::MockPreferencesRepository;
    use crate::system::MockClock;
    use mockall::predicate::*;
    use uuid::Uuid;

    fn fields(r: Result<Preferences, Vec<InvalidValue>>) -> Vec<&'static str> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn empty_input_gives_the_documented_defaults() {
        let p = Preferences::parse(PreferencesInput::default()).expect("defaults");
        assert_eq!(p, Preferences::default());
        assert_eq!(
            (p.max_stores, p.max_distance_m, p.travel_cost_krw_per_km),
            (3, 3_000, 500)
        );
        assert_eq!(p.default_mode, ShoppingMode::Offline);
        assert_eq!(p.travel_mode, TravelMode::Walk);
        assert_eq!(p.max_travel_minutes, 30);
        assert_eq!(
            (p.value_of_time_krw_per_hour, p.minutes_per_stop),
            (10_000, 5)
        );
    }

    #[test]
    fn ranges_are_inclusive_and_checked() {
        let ok = PreferencesInput {
            max_stores: Some(5),
            max_distance_m: Some(100),
            travel_cost_krw_per_km: Some(0),
            max_travel_minutes: Some(120),
            value_of_time_krw_per_hour: Some(200_000),
            minutes_per_stop: Some(0),
            ..Default::default()
        };
        assert!(Preferences::parse(ok).is_ok());
        let bad = PreferencesInput {
            max_stores: Some(0),
            max_distance_m: Some(30_001),
            travel_cost_krw_per_km: Some(-1),
            max_travel_minutes: Some(121),
            value_of_time_krw_per_hour: Some(-1),
            minutes_per_stop: Some(61),
            ..Default::default()
        };
        assert_eq!(
            fields(Preferences::parse(bad)),
            [
                "max_stores",
                "max_distance_m",
                "travel_cost_krw_per_km",
                "max_travel_minutes",
                "value_of_time_krw_per_hour",
                "minutes_per_stop"
            ]
        );
        let huge = PreferencesInput {
            max_stores: Some(i64::MAX),
            ..Default::default()
        };
        assert_eq!(fields(Preferences::parse(huge)), ["max_stores"]);
    }

    #[test]
    fn chains_are_bounded_deduplicated_and_disjoint() {
        let p = Preferences::parse(PreferencesInput {
            preferred_chains: Some(vec![" 이마트 ".into(), "이마트".into(), "Costco".into()]),
            excluded_chains: Some(vec!["GS25".into()]),
            ..Default::default()
        })
        .expect("ok");
        let names: Vec<&str> = p.preferred_chains.iter().map(ChainName::as_str).collect();
        assert_eq!(names, ["이마트", "Costco"]);

        let overlap = PreferencesInput {
            preferred_chains: Some(vec!["costco".into()]),
            excluded_chains: Some(vec!["COSTCO".into()]),
            ..Default::default()
        };
        assert_eq!(fields(Preferences::parse(overlap)), ["excluded_chains"]);

        let many = PreferencesInput {
            preferred_chains: Some((0..21).map(|i| format!("chain{i}")).collect()),
            ..Default::default()
        };
        assert_eq!(fields(Preferences::parse(many)), ["preferred_chains"]);
        for bad in ["", "a\u{0}b", &"가".repeat(41)] {
            let input = PreferencesInput {
                excluded_chains: Some(vec![bad.to_owned()]),
                ..Default::default()
            };
            assert_eq!(fields(Preferences::parse(input)), ["excluded_chains"]);
        }
    }

    #[test]
    fn modes_are_closed_sets() {
        let p = Preferences::parse(PreferencesInput {
            default_mode: Some("online".into()),
            travel_mode: Some("car".into()),
            ..Default::default()
        })
        .expect("ok");
        assert_eq!(p.default_mode, ShoppingMode::Online);
        assert_eq!(p.travel_mode.speed_km_per_h(), 30);
        let bad = PreferencesInput {
            default_mode: Some("Online".into()),
            travel_mode: Some("bike".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(Preferences::parse(bad)),
            ["default_mode", "travel_mode"]
        );
    }

    #[tokio::test]
    async fn get_falls_back_to_defaults_and_put_stores_with_the_clock() {
        let user = UserId(Uuid::from_u128(7));
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let mut repo = MockPreferencesRepository::new();
        repo.expect_get().with(eq(user)).returning(|_| Ok(None));
        repo.expect_put()
            .withf(move |u, p, t| *u == user && p.max_stores == 2 && *t == now)
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now);
        let svc = PreferencesService::new(Arc::new(repo), Arc::new(clock));

        let got = svc.get(user).await.expect("get");
        assert_eq!(got.preferences, Preferences::default());
        assert_eq!(got.updated_at, None);

        let put = svc
            .put(
                user,
                PreferencesInput {
                    max_stores: Some(2),
                    ..Default::default()
                },
            )
            .await
            .expect("put");
        assert_eq!(put.updated_at, Some(now));

        let refused = svc
            .put(
                user,
                PreferencesInput {
                    max_stores: Some(9),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(refused, Err(PreferencesError::Invalid(_))));
    }
}
