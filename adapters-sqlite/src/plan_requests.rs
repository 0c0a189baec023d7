//! `PlanRequestRepository` on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::planner::{PlanMode, StoredPlanRequest};
use ttokjang_domain::ports::PlanRequestRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::rows::{micros, uuid_text};
use crate::store::SqliteStore;

diesel::table! {
    plan_requests (id) {
        id -> Text,
        user_id -> Text,
        mode -> Text,
        payload -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_requests, check_for_backend(diesel::sqlite::Sqlite))]
struct PlanRequestRow {
    id: String,
    user_id: String,
    mode: String,
    payload: String,
    created_at: i64,
    expires_at: i64,
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("plan_requests.{column} is not valid"))
}

impl PlanRequestRow {
    fn from_domain(r: &StoredPlanRequest) -> Self {
        Self {
            id: uuid_text(r.id),
            user_id: uuid_text(r.user_id.0),
            mode: r.mode.as_str().to_owned(),
            payload: r.payload.clone(),
            created_at: micros(r.created_at),
            expires_at: micros(r.expires_at),
        }
    }

    fn into_domain(self) -> Result<StoredPlanRequest, RepoError> {
        let instant =
            |c: &str, v: i64| DateTime::<Utc>::from_timestamp_micros(v).ok_or_else(|| corrupt(c));
        Ok(StoredPlanRequest {
            id: Uuid::parse_str(&self.id).map_err(|_| corrupt("id"))?,
            user_id: UserId(Uuid::parse_str(&self.user_id).map_err(|_| corrupt("user_id"))?),
            mode: PlanMode::parse(&self.mode).ok_or_else(|| corrupt("mode"))?,
            payload: self.payload,
            created_at: instant("created_at", self.created_at)?,
            expires_at: instant("expires_at", self.expires_at)?,
        })
    }
}

#[async_trait]
impl PlanRequestRepository for SqliteStore {
    async fn save(&self, request: &StoredPlanRequest) -> Result<(), RepoError> {
        let row = PlanRequestRow::from_domain(request);
        self.run(move |conn| {
            diesel::insert_into(plan_requests::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn find(&self, user: UserId, id: Uuid) -> Result<Option<StoredPlanRequest>, RepoError> {
        let (user, id) = (uuid_text(user.0), uuid_text(id));
        let row = self
            .run(move |conn| {
                Ok(plan_requests::table
                    .filter(plan_requests::id.eq(id))
                    .filter(plan_requests::user_id.eq(user))
                    .select(PlanRequestRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(PlanRequestRow::into_domain).transpose()
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let before = micros(before);
        let n = self
            .run(move |conn| {
                Ok(diesel::delete(
                    plan_requests::table.filter(plan_requests::expires_at.lt(before)),
                )
                .execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
