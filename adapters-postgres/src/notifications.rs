//! `NotificationRepository` (the in-app inbox) on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::notification::Notification;
use ttokjang_domain::page::{Cursor, Page, PageRequest};
use ttokjang_domain::ports::NotificationRepository;
use ttokjang_domain::reservation::ReservationId;
use ttokjang_domain::user::UserId;
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::store::PgStore;

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        reservation_id -> Nullable<Uuid>,
        run_id -> Nullable<Uuid>,
        title -> Text,
        body -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        plan_request_id -> Nullable<Text>,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
struct NotificationRow {
    id: Uuid,
    user_id: Uuid,
    reservation_id: Option<Uuid>,
    run_id: Option<Uuid>,
    title: String,
    body: String,
    created_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
    plan_request_id: Option<String>,
}

impl NotificationRow {
    fn from_domain(n: &Notification) -> Self {
        Self {
            id: n.id,
            user_id: n.user_id.0,
            reservation_id: n.reservation_id.map(|r| r.0),
            run_id: n.run_id,
            title: n.title.clone(),
            body: n.body.clone(),
            created_at: n.created_at,
            read_at: n.read_at,
            plan_request_id: n.plan_request_id.clone(),
        }
    }

    fn into_domain(self) -> Notification {
        Notification {
            id: self.id,
            user_id: UserId(self.user_id),
            reservation_id: self.reservation_id.map(ReservationId),
            run_id: self.run_id,
            title: self.title,
            body: self.body,
            created_at: self.created_at,
            read_at: self.read_at,
            plan_request_id: self.plan_request_id,
        }
    }
}

#[async_trait]
impl NotificationRepository for PgStore {
    async fn add(&self, notification: &Notification) -> Result<bool, RepoError> {
        let row = NotificationRow::from_domain(notification);
        let n = self
            .run(move |conn| {
                Ok(diesel::insert_into(notifications::table)
                    .values(&row)
                    .on_conflict(notifications::run_id)
                    .do_nothing()
                    .execute(conn)?)
            })
            .await?;
        Ok(n == 1)
    }

    async fn list(
        &self,
        user: UserId,
        page: &PageRequest,
    ) -> Result<Page<Notification>, RepoError> {
        use notifications::dsl as n;
        let user = user.0;
        let (after, fetch) = (page.after, page.fetch());
        let rows = self
            .run(move |conn| {
                let mut q = notifications::table
                    .filter(n::user_id.eq(user))
                    .select(NotificationRow::as_select())
                    .order((n::created_at.desc(), n::id.desc()))
                    .limit(fetch)
                    .into_boxed();
                if let Some(c) = after {
                    let (at, id) = (c.at, c.id);
                    q = q.filter(
                        n::created_at
                            .lt(at)
                            .or(n::created_at.eq(at).and(n::id.lt(id))),
                    );
                }
                Ok(q.load(conn)?)
            })
            .await?;
        let items = rows.into_iter().map(NotificationRow::into_domain).collect();
        Ok(Page::from_rows(items, page, |n| Cursor {
            at: n.created_at,
            id: n.id,
        }))
    }

    async fn mark_read(
        &self,
        user: UserId,
        ids: &[Uuid],
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        use notifications::dsl as n;
        let user = user.0;
        let ids = ids.to_vec();
        let marked = self
            .run(move |conn| {
                Ok(diesel::update(
                    notifications::table
                        .filter(n::user_id.eq(user))
                        .filter(n::id.eq_any(ids))
                        .filter(n::read_at.is_null()),
                )
                .set(n::read_at.eq(now))
                .execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(marked).unwrap_or(0))
    }

    async fn mark_all_read(&self, user: UserId, now: DateTime<Utc>) -> Result<u64, RepoError> {
        use notifications::dsl as n;
        let user = user.0;
        let marked = self
            .run(move |conn| {
                Ok(diesel::update(
                    notifications::table
                        .filter(n::user_id.eq(user))
                        .filter(n::read_at.is_null()),
                )
                .set(n::read_at.eq(now))
                .execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(marked).unwrap_or(0))
    }

    async fn unread_count(&self, user: UserId) -> Result<u64, RepoError> {
        use notifications::dsl as n;
        let user = user.0;
        let count: i64 = self
            .run(move |conn| {
                Ok(notifications::table
                    .filter(n::user_id.eq(user))
                    .filter(n::read_at.is_null())
                    .count()
                    .get_result(conn)?)
            })
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
