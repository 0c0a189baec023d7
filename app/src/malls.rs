//! The online malls' delivery terms the service ships with, and the
//! operator's `ttokjang mall list|set|reset`.
//!
//! The terms live in the `mall_terms` table (`MallTermsRepository`): every
//! start inserts these defaults for malls that have no row yet and leaves
//! the operator's rows alone; a running server reads the table on every
//! online plan request, so `ttokjang mall set` applies to the next plan
//! without a restart.
//!
//! # The shipped defaults (as of [`DEFAULTS_AS_OF`])
//!
//! | mall | fee | free over | min. order | Jeju | islands | same-day by | dawn by |
//! |---|---|---|---|---|---|---|---|
//! | coupang (쿠팡 로켓프레시) | 3,000 | 19,800 | — | 3,000 | 5,000 | 10:00 | 23:59 |
//! | ssg (SSG닷컴 쓱배송) | 3,000 | 40,000 | 10,000 | 3,000 | 5,000 | 13:00 | 23:59 |
//! | kurly (컬리 샛별배송) | 3,000 | 40,000 | 15,000 | 3,000 | 5,000 | — | 23:00 |
//! | lotteon (롯데ON 롯데마트몰) | 4,000 | 40,000 | 15,000 | 3,000 | 5,000 | 12:00 | — |
//! | homeplus-online (홈플러스 온라인) | 3,500 | 40,000 | 20,000 | 3,000 | 5,000 | 14:00 | — |
//!
//! These are the malls' general (non-member) grocery delivery terms as
//! commonly published; no machine of this project reaches the malls, so
//! they were not re-checked live on that date. Membership programmes
//! (WOW, 쓱7클럽, 컬리멤버스) lower them: an operator sets the figures that
//! apply with `ttokjang mall set`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use ttokjang_domain::catalog::StoreId;
use ttokjang_domain::mall::ports::MallTermsRepository;
use ttokjang_domain::mall::{DeliveryTerms, TermsSource};
use ttokjang_domain::ports::CatalogRepository;
use ttokjang_domain::RepoError;

/// When the shipped defaults were written down.
pub const DEFAULTS_AS_OF: &str = "2026-12-03";

type Row = (
    &'static str,
    i64,
    Option<i64>,
    i64,
    i64,
    i64,
    Option<(u32, u32)>,
    Option<(u32, u32)>,
);

/// (mall id, fee, free over, minimum order, Jeju, islands, same-day cut-off,
/// dawn cut-off): the table in the module docs.
const SHIPPED: &[Row] = &[
    (
        "coupang",
        3_000,
        Some(19_800),
        0,
        3_000,
        5_000,
        Some((10, 0)),
        Some((23, 59)),
    ),
    (
        "ssg",
        3_000,
        Some(40_000),
        10_000,
        3_000,
        5_000,
        Some((13, 0)),
        Some((23, 59)),
    ),
    (
        "kurly",
        3_000,
        Some(40_000),
        15_000,
        3_000,
        5_000,
        None,
        Some((23, 0)),
    ),
    (
        "lotteon",
        4_000,
        Some(40_000),
        15_000,
        3_000,
        5_000,
        Some((12, 0)),
        None,
    ),
    (
        "homeplus-online",
        3_500,
        Some(40_000),
        20_000,
        3_000,
        5_000,
        Some((14, 0)),
        None,
    ),
];

fn as_of() -> DateTime<Utc> {
    NaiveDate::parse_from_str(DEFAULTS_AS_OF, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// The shipped defaults (module docs).
pub fn defaults() -> Vec<DeliveryTerms> {
    let time = |t: Option<(u32, u32)>| t.and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0));
    SHIPPED
        .iter()
        .filter_map(|&(id, fee, free, min, jeju, island, same_day, dawn)| {
            Some(DeliveryTerms {
                mall_id: StoreId::parse(id).ok()?,
                delivery_fee_krw: fee,
                free_delivery_threshold_krw: free,
                min_order_krw: min,
                jeju_surcharge_krw: jeju,
                island_surcharge_krw: island,
                same_day_cutoff: time(same_day),
                dawn_cutoff: time(dawn),
                source: TermsSource::Default,
                as_of: as_of(),
            })
        })
        .collect()
}

/// The shipped default of one mall.
pub fn default_for(mall: &StoreId) -> Option<DeliveryTerms> {
    defaults().into_iter().find(|t| &t.mall_id == mall)
}

/// Inserts the defaults of malls without terms (the operator's rows stay).
pub async fn seed(repo: &dyn MallTermsRepository) -> Result<usize, RepoError> {
    repo.seed_terms(&defaults()).await
}

/// What `ttokjang mall set` changes; `None` keeps the current value. For the
/// threshold and the cut-offs, `Some(None)` removes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermsChange {
    pub fee: Option<i64>,
    pub free_over: Option<Option<i64>>,
    pub min_order: Option<i64>,
    pub jeju: Option<i64>,
    pub island: Option<i64>,
    pub same_day: Option<Option<NaiveTime>>,
    pub dawn: Option<Option<NaiveTime>>,
}

impl TermsChange {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn apply(&self, mut t: DeliveryTerms, now: DateTime<Utc>) -> DeliveryTerms {
        if let Some(v) = self.fee {
            t.delivery_fee_krw = v;
        }
        if let Some(v) = self.free_over {
            t.free_delivery_threshold_krw = v;
        }
        if let Some(v) = self.min_order {
            t.min_order_krw = v;
        }
        if let Some(v) = self.jeju {
            t.jeju_surcharge_krw = v;
        }
        if let Some(v) = self.island {
            t.island_surcharge_krw = v;
        }
        if let Some(v) = self.same_day {
            t.same_day_cutoff = v;
        }
        if let Some(v) = self.dawn {
            t.dawn_cutoff = v;
        }
        t.source = TermsSource::Operator;
        t.as_of = now;
        t
    }
}

/// The current terms of `mall`: its row, else its shipped default, else its
/// catalog row's; `None` for a mall that is none of these.
async fn current(
    repo: &dyn MallTermsRepository,
    catalog: &dyn CatalogRepository,
    mall: &StoreId,
) -> Result<Option<DeliveryTerms>, RepoError> {
    if let Some(t) = repo
        .list_terms()
        .await?
        .into_iter()
        .find(|t| &t.mall_id == mall)
    {
        return Ok(Some(t));
    }
    if let Some(t) = default_for(mall) {
        return Ok(Some(t));
    }
    Ok(catalog
        .list_online_malls()
        .await?
        .into_iter()
        .find(|s| s.id() == mall)
        .and_then(|s| {
            s.mall()
                .map(|m| DeliveryTerms::from_catalog(mall.clone(), m))
        }))
}

/// `ttokjang mall set`: the mall's current terms with `change` applied,
/// checked and stored; returns what was stored.
pub async fn set(
    repo: &dyn MallTermsRepository,
    catalog: &dyn CatalogRepository,
    mall: &StoreId,
    change: &TermsChange,
    now: DateTime<Utc>,
) -> Result<DeliveryTerms, String> {
    let base = current(repo, catalog, mall)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{mall}: no such online mall (see `ttokjang mall list`)"))?;
    let terms = change.apply(base, now).validate().map_err(|v| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    repo.save_terms(&terms).await.map_err(|e| e.to_string())?;
    Ok(terms)
}

/// `ttokjang mall reset`: back to the shipped default (or, for a mall
/// without one, to its catalog row's terms).
pub async fn reset(repo: &dyn MallTermsRepository, mall: &StoreId) -> Result<String, RepoError> {
    match default_for(mall) {
        Some(t) => {
            repo.save_terms(&t).await?;
            Ok(format!(
                "{mall}: back to the shipped defaults of {DEFAULTS_AS_OF}"
            ))
        }
        None => {
            let removed = repo.delete_terms(mall).await?;
            Ok(if removed {
                format!("{mall}: configured terms removed; the catalog's apply")
            } else {
                format!("{mall}: had no configured terms")
            })
        }
    }
}

/// One line of `ttokjang mall list`.
pub fn describe(t: &DeliveryTerms) -> String {
    let krw = |v: i64| format!("{v}");
    let time = |c: Option<NaiveTime>| c.map_or("-".to_owned(), |c| c.format("%H:%M").to_string());
    format!(
        "{id}\tfee {fee}\tfree over {free}\tmin order {min}\tjeju +{jeju}\tisland +{island}\tsame-day by {same}\tdawn by {dawn}\t{source} {as_of}",
        id = t.mall_id,
        fee = krw(t.delivery_fee_krw),
        free = t.free_delivery_threshold_krw.map_or("-".to_owned(), krw),
        min = krw(t.min_order_krw),
        jeju = krw(t.jeju_surcharge_krw),
        island = krw(t.island_surcharge_krw),
        same = time(t.same_day_cutoff),
        dawn = time(t.dawn_cutoff),
        source = t.source.as_str(),
        as_of = t.as_of.format("%Y-%m-%d"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_defaults_are_valid_and_dated() {
        let all = defaults();
        assert_eq!(all.len(), SHIPPED.len());
        for t in all {
            let t = t.validate().expect("valid default");
            assert_eq!(t.as_of.format("%Y-%m-%d").to_string(), DEFAULTS_AS_OF);
            assert_eq!(t.source, TermsSource::Default);
        }
        // The sample malls' ids, so their terms come from here.
        for (id, ..) in crate::sample::MALLS {
            let id = StoreId::parse(id).expect("id");
            assert!(default_for(&id).is_some(), "{id}");
        }
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name() {
        let base = default_for(&StoreId::parse("kurly").expect("id")).expect("kurly");
        let now = as_of() + chrono::Duration::days(1);
        let changed = TermsChange {
            fee: Some(2_500),
            free_over: Some(None),
            dawn: Some(None),
            ..TermsChange::default()
        }
        .apply(base.clone(), now);
        assert_eq!(changed.delivery_fee_krw, 2_500);
        assert_eq!(changed.free_delivery_threshold_krw, None);
        assert_eq!(changed.dawn_cutoff, None);
        assert_eq!(changed.min_order_krw, base.min_order_krw);
        assert_eq!(changed.jeju_surcharge_krw, base.jeju_surcharge_krw);
        assert_eq!(
            (changed.source, changed.as_of),
            (TermsSource::Operator, now)
        );
    }
}
