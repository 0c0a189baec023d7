//! `PlanRequestRepository`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::planner::{PlanMode, StoredPlanRequest};
use ttokjang_domain::ports::PlanRequestRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::dialect::{from_db_id, from_db_time, to_db_id, to_db_time, DbStore, Id, Instant};
use crate::schema::plan_requests;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_requests, check_for_backend(crate::dialect::Db))]
struct PlanRequestRow {
    id: Id,
    user_id: Id,
    mode: String,
    payload: String,
    created_at: Instant,
    expires_at: Instant,
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("plan_requests.{column} is not valid"))
}

impl PlanRequestRow {
    fn from_domain(r: &StoredPlanRequest) -> Self {
        Self {
            id: to_db_id(r.id),
            user_id: to_db_id(r.user_id.0),
            mode: r.mode.as_str().to_owned(),
            payload: r.payload.clone(),
            created_at: to_db_time(r.created_at),
            expires_at: to_db_time(r.expires_at),
        }
    }

    fn into_domain(self) -> Result<StoredPlanRequest, RepoError> {
        Ok(StoredPlanRequest {
            id: from_db_id("plan_requests.id", &self.id)?,
            user_id: UserId(from_db_id("plan_requests.user_id", &self.user_id)?),
            mode: PlanMode::parse(&self.mode).ok_or_else(|| corrupt("mode"))?,
            payload: self.payload,
            created_at: from_db_time("plan_requests.created_at", self.created_at)?,
            expires_at: from_db_time("plan_requests.expires_at", self.expires_at)?,
        })
    }
}

#[async_trait]
impl PlanRequestRepository for DbStore {
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
        let (user, id) = (to_db_id(user.0), to_db_id(id));
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
        let before = to_db_time(before);
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
