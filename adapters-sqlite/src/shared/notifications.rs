//! `NotificationRepository` (the in-app inbox).

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

use crate::dialect::{from_db_id, from_db_time, to_db_id, to_db_time, DbStore, Id, Instant};
use crate::schema::notifications;

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications, check_for_backend(crate::dialect::Db))]
struct NotificationRow {
    id: Id,
    user_id: Id,
    reservation_id: Option<Id>,
    run_id: Option<Id>,
    title: String,
    body: String,
    created_at: Instant,
    read_at: Option<Instant>,
    plan_request_id: Option<String>,
}

impl NotificationRow {
    fn from_domain(n: &Notification) -> Self {
        Self {
            id: to_db_id(n.id),
            user_id: to_db_id(n.user_id.0),
            reservation_id: n.reservation_id.map(|r| to_db_id(r.0)),
            run_id: n.run_id.map(to_db_id),
            title: n.title.clone(),
            body: n.body.clone(),
            created_at: to_db_time(n.created_at),
            read_at: n.read_at.map(to_db_time),
            plan_request_id: n.plan_request_id.map(|id| id.to_string()),
        }
    }

    fn into_domain(self) -> Result<Notification, RepoError> {
        Ok(Notification {
            id: from_db_id("notifications.id", &self.id)?,
            user_id: UserId(from_db_id("notifications.user_id", &self.user_id)?),
            reservation_id: self
                .reservation_id
                .map(|r| from_db_id("notifications.reservation_id", &r).map(ReservationId))
                .transpose()?,
            run_id: self
                .run_id
                .map(|r| from_db_id("notifications.run_id", &r))
                .transpose()?,
            title: self.title,
            body: self.body,
            created_at: from_db_time("notifications.created_at", self.created_at)?,
            read_at: self
                .read_at
                .map(|t| from_db_time("notifications.read_at", t))
                .transpose()?,
            plan_request_id: crate::rows::plan_request_ref(
                "notifications.plan_request_id",
                self.plan_request_id,
            )?,
        })
    }
}

#[async_trait]
impl NotificationRepository for DbStore {
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
        let user = to_db_id(user.0);
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
                    let (at, id) = (to_db_time(c.at), to_db_id(c.id));
                    q = q.filter(
                        n::created_at
                            .lt(at)
                            .or(n::created_at.eq(at).and(n::id.lt(id))),
                    );
                }
                Ok(q.load(conn)?)
            })
            .await?;
        let items = rows
            .into_iter()
            .map(NotificationRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
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
        let user = to_db_id(user.0);
        let ids: Vec<Id> = ids.iter().copied().map(to_db_id).collect();
        let at = to_db_time(now);
        let marked = self
            .run(move |conn| {
                Ok(diesel::update(
                    notifications::table
                        .filter(n::user_id.eq(user))
                        .filter(n::id.eq_any(ids))
                        .filter(n::read_at.is_null()),
                )
                .set(n::read_at.eq(at))
                .execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(marked).unwrap_or(0))
    }

    async fn mark_all_read(&self, user: UserId, now: DateTime<Utc>) -> Result<u64, RepoError> {
        use notifications::dsl as n;
        let user = to_db_id(user.0);
        let at = to_db_time(now);
        let marked = self
            .run(move |conn| {
                Ok(diesel::update(
                    notifications::table
                        .filter(n::user_id.eq(user))
                        .filter(n::read_at.is_null()),
                )
                .set(n::read_at.eq(at))
                .execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(marked).unwrap_or(0))
    }

    async fn unread_count(&self, user: UserId) -> Result<u64, RepoError> {
        use notifications::dsl as n;
        let user = to_db_id(user.0);
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
