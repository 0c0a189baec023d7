//! `ThrottleRepository`: fixed-window counters shared by every instance on
//! the database. A hit runs in one write transaction: a window that is over
//! is dropped, then the counter is inserted or incremented
//! (`ON CONFLICT DO UPDATE`, atomic per row), then read back.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use ttokjang_domain::throttle::{ThrottleKey, ThrottleRepository, Window};
use ttokjang_domain::RepoError;

use crate::dialect::{from_db_time, to_db_time, write_tx, Conn, DbStore, Instant};
use crate::error::{corrupt, Failure};
use crate::schema::throttle_windows;

fn window(started: Instant, count: i32) -> Result<Window, RepoError> {
    Ok(Window {
        started: from_db_time("throttle_windows.started_at", started)?,
        count: u32::try_from(count).map_err(|_| corrupt("throttle_windows.count"))?,
    })
}

fn hit_in(
    conn: &mut Conn,
    key: &str,
    now: Instant,
    over: Instant,
) -> Result<(Instant, i32), Failure> {
    use throttle_windows as t;
    diesel::delete(
        t::table
            .filter(t::key.eq(key))
            .filter(t::started_at.le(over)),
    )
    .execute(conn)?;
    diesel::insert_into(t::table)
        .values((t::key.eq(key), t::started_at.eq(now), t::count.eq(1)))
        .on_conflict(t::key)
        .do_update()
        .set(t::count.eq(t::count + 1))
        .execute(conn)?;
    Ok(t::table
        .filter(t::key.eq(key))
        .select((t::started_at, t::count))
        .get_result(conn)?)
}

#[async_trait]
impl ThrottleRepository for DbStore {
    async fn hit(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window_len: Duration,
    ) -> Result<Window, RepoError> {
        let key = key.as_str().to_owned();
        let (now, over) = (to_db_time(now), to_db_time(now - window_len));
        let (started, count) = self
            .run(move |conn| write_tx(conn, |conn| hit_in(conn, &key, now, over)))
            .await?;
        window(started, count)
    }

    async fn current(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window_len: Duration,
    ) -> Result<Option<Window>, RepoError> {
        use throttle_windows as t;
        let key = key.as_str().to_owned();
        let over = to_db_time(now - window_len);
        let found: Option<(Instant, i32)> = self
            .run(move |conn| {
                Ok(t::table
                    .filter(t::key.eq(key))
                    .filter(t::started_at.gt(over))
                    .select((t::started_at, t::count))
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        found.map(|(s, c)| window(s, c)).transpose()
    }

    async fn clear(&self, key: &ThrottleKey) -> Result<(), RepoError> {
        use throttle_windows as t;
        let key = key.as_str().to_owned();
        self.run(move |conn| {
            diesel::delete(t::table.filter(t::key.eq(key))).execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        use throttle_windows as t;
        let before = to_db_time(before);
        let n = self
            .run(move |conn| {
                Ok(diesel::delete(t::table.filter(t::started_at.lt(before))).execute(conn)?)
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
