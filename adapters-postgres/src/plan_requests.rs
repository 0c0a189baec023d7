//! `PlanRequestRepository` on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::planner::{PlanMode, StoredPlanRequest};
use ttokjang_domain::ports::PlanRequestRepository;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::store::PgStore;

diesel::table! {
    plan_requests (id) {
        id -> Uuid,
        user_id -> Uuid,
        mode -> Text,
        payload -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = plan_requests, check_for_backend(diesel::pg::Pg))]
struct PlanRequestRow {
    id: Uuid,
    user_id: Uuid,
    mode: String,
    payload: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl PlanRequestRow {
    fn from_domain(r: &StoredPlanRequest) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id.0,
            mode: r.mode.as_str().to_owned(),
            payload: r.payload.clone(),
            created_at: r.created_at,
            expires_at: r.expires_at,
        }
    }

    fn into_domain(self) -> Result<StoredPlanRequest, RepoError> {
        Ok(StoredPlanRequest {
            id: self.id,
            user_id: UserId(self.user_id),
            mode: PlanMode::parse(&self.mode)
                .ok_or_else(|| RepoError::Corrupt("plan_requests.mode is not valid".into()))?,
            payload: self.payload,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

#[async_trait]
impl PlanRequestRepository for PgStore {
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
        let row = self
            .run(move |conn| {
                Ok(plan_requests::table
                    .filter(plan_requests::id.eq(id))
                    .filter(plan_requests::user_id.eq(user.0))
                    .select(PlanRequestRow::as_select())
                    .first(conn)
                    .optional()?)
            })
            .await?;
        row.map(PlanRequestRow::into_domain).transpose()
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
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
