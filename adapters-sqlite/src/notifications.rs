//! `NotificationRepository` (the in-app inbox) on SQLite.

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

use crate::rows::{micros, uuid_text};
use crate::store::SqliteStore;

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        reservation_id -> Nullable<Text>,
        run_id -> Nullable<Text>,
        title -> Text,
        body -> Text,
        created_at -> BigInt,
        read_at -> Nullable<BigInt>,
        plan_request_id -> Nullable<Text>,
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications, check_for_backend(diesel::sqlite::Sqlite))]
struct NotificationRow {
    id: String,
    user_id: String,
    reservation_id: Option<String>,
    run_id: Option<String>,
    title: String,
    body: String,
    created_at: i64,
    read_at: Option<i64>,
    plan_request_id: Option<String>,
}

fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("notifications.{column} is not valid"))
}

impl NotificationRow {
    fn from_domain(n: &Notification) -> Self {
        Self {
            id: uuid_text(n.id),
            user_id: uuid_text(n.user_id.0),
            reservation_id: n.reservation_id.map(|r| uuid_text(r.0)),
            run_id: n.run_id.map(uuid_text),
            title: n.title.clone(),
            body: n.body.clone(),
            created_at: micros(n.created_at),
            read_at: n.read_at.map(micros),
            plan_request_id: n.plan_request_id.clone(),
        }
    }

    fn into_domain(self) -> Result<Notification, RepoError> {
        let uuid = |c: &str, v: &str| Uuid::parse_str(v).map_err(|_| corrupt(c));
        Ok(Notification {
            id: uuid("id", &self.id)?,
            user_id: UserId(uuid("user_id", &self.user_id)?),
            reservation_id: self
                .reservation_id
                .map(|r| uuid("reservation_id", &r).map(ReservationId))
                .transpose()?,
            run_id: self.run_id.map(|r| uuid("run_id", &r)).transpose()?,
            title: self.title,
            body: self.body,
            created_at: DateTime::<Utc>::from_timestamp_micros(self.created_at)
                .ok_or_else(|| corrupt("created_at"))?,
            read_at: self
                .read_at
                .map(|t| {
                    DateTime::<Utc>::from_timestamp_micros(t).ok_or_else(|| corrupt("read_at"))
                })
                .transpose()?,
            plan_request_id: self.plan_request_id,
        })
    }
}

#[async_trait]
impl NotificationRepository for SqliteStore {
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
        let user = uuid_text(user.0);
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
                    let (at, id) = (micros(c.at), uuid_text(c.id));
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
        let user = uuid_text(user.0);
        let ids: Vec<String> = ids.iter().copied().map(uuid_text).collect();
        let at = micros(now);
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
        let user = uuid_text(user.0);
        let at = micros(now);
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
        let user = uuid_text(user.0);
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
