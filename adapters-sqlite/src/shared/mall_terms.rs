//! `MallTermsRepository`: the online malls' delivery terms (operator
//! configuration), one row per mall.

use async_trait::async_trait;
use diesel::prelude::*;
use ttokjang_domain::catalog::StoreId;
use ttokjang_domain::mall::ports::MallTermsRepository;
use ttokjang_domain::mall::{parse_cutoff, DeliveryTerms, TermsSource};
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_time, to_db_time, write_tx, DbStore, Instant};
use crate::error::corrupt;
use crate::schema::mall_terms;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = mall_terms, check_for_backend(crate::dialect::Db))]
#[diesel(treat_none_as_null = true)]
struct TermsRow {
    mall_id: String,
    delivery_fee_krw: i64,
    free_delivery_threshold_krw: Option<i64>,
    min_order_krw: i64,
    jeju_surcharge_krw: i64,
    island_surcharge_krw: i64,
    same_day_cutoff: Option<String>,
    dawn_cutoff: Option<String>,
    source: String,
    as_of: Instant,
}

impl TermsRow {
    fn from_domain(t: &DeliveryTerms) -> Self {
        let hhmm = |c: Option<chrono::NaiveTime>| c.map(|c| c.format("%H:%M").to_string());
        Self {
            mall_id: t.mall_id.as_str().to_owned(),
            delivery_fee_krw: t.delivery_fee_krw,
            free_delivery_threshold_krw: t.free_delivery_threshold_krw,
            min_order_krw: t.min_order_krw,
            jeju_surcharge_krw: t.jeju_surcharge_krw,
            island_surcharge_krw: t.island_surcharge_krw,
            same_day_cutoff: hhmm(t.same_day_cutoff),
            dawn_cutoff: hhmm(t.dawn_cutoff),
            source: t.source.as_str().to_owned(),
            as_of: to_db_time(t.as_of),
        }
    }

    fn into_domain(self) -> Result<DeliveryTerms, RepoError> {
        let cutoff = |column: &'static str, v: Option<String>| {
            parse_cutoff(column, v.as_deref().unwrap_or("")).map_err(|_| corrupt(column))
        };
        DeliveryTerms {
            mall_id: StoreId::parse(&self.mall_id).map_err(|_| corrupt("mall_terms.mall_id"))?,
            delivery_fee_krw: self.delivery_fee_krw,
            free_delivery_threshold_krw: self.free_delivery_threshold_krw,
            min_order_krw: self.min_order_krw,
            jeju_surcharge_krw: self.jeju_surcharge_krw,
            island_surcharge_krw: self.island_surcharge_krw,
            same_day_cutoff: cutoff("mall_terms.same_day_cutoff", self.same_day_cutoff)?,
            dawn_cutoff: cutoff("mall_terms.dawn_cutoff", self.dawn_cutoff)?,
            source: TermsSource::parse(&self.source).ok_or_else(|| corrupt("mall_terms.source"))?,
            as_of: from_db_time("mall_terms.as_of", self.as_of)?,
        }
        .validate()
        .map_err(|_| corrupt("mall_terms amounts"))
    }
}

#[async_trait]
impl MallTermsRepository for DbStore {
    async fn list_terms(&self) -> Result<Vec<DeliveryTerms>, RepoError> {
        let rows: Vec<TermsRow> = self
            .run(|conn| {
                Ok(mall_terms::table
                    .order(mall_terms::mall_id)
                    .select(TermsRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(TermsRow::into_domain).collect()
    }

    async fn save_terms(&self, terms: &DeliveryTerms) -> Result<(), RepoError> {
        let row = TermsRow::from_domain(terms);
        self.run(move |conn| {
            diesel::insert_into(mall_terms::table)
                .values(&row)
                .on_conflict(mall_terms::mall_id)
                .do_update()
                .set(&row)
                .execute(conn)?;
            Ok(())
        })
        .await?;
        Ok(())
    }

    async fn seed_terms(&self, defaults: &[DeliveryTerms]) -> Result<usize, RepoError> {
        let rows: Vec<TermsRow> = defaults.iter().map(TermsRow::from_domain).collect();
        let inserted = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let mut n = 0;
                    for row in &rows {
                        n += diesel::insert_into(mall_terms::table)
                            .values(row)
                            .on_conflict_do_nothing()
                            .execute(conn)?;
                    }
                    Ok(n)
                })
            })
            .await?;
        Ok(inserted)
    }

    async fn delete_terms(&self, mall: &StoreId) -> Result<bool, RepoError> {
        let id = mall.as_str().to_owned();
        let n = self
            .run(move |conn| {
                Ok(
                    diesel::delete(mall_terms::table.filter(mall_terms::mall_id.eq(id)))
                        .execute(conn)?,
                )
            })
            .await?;
        Ok(n > 0)
    }
}
