use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::ports::{RefreshLookup, Rotation, SessionRepository};
use ttokjang_domain::session::{RefreshTokenHash, RevokeReason, Session, SessionId};
use ttokjang_domain::user::User;
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, to_db_time, write_tx, DbStore, Id, Instant};
use crate::rows::{RefreshTokenRow, SessionRow, UserRow};
use crate::schema::{refresh_tokens, sessions, users};

/// What the rotation transaction found, before conversion to domain values.
enum Rotated {
    Yes(SessionRow),
    AlreadySpent,
    Unknown,
}

#[async_trait]
impl SessionRepository for DbStore {
    async fn create(&self, session: &Session, refresh: &RefreshTokenHash) -> Result<(), RepoError> {
        let row = SessionRow::from_domain(session);
        let token = RefreshTokenRow {
            token_hash: refresh.0.clone(),
            session_id: row.id.clone(),
            created_at: row.created_at,
            spent_at: None,
        };
        self.run(move |conn| {
            write_tx(conn, |conn| {
                diesel::insert_into(sessions::table)
                    .values(&row)
                    .execute(conn)?;
                diesel::insert_into(refresh_tokens::table)
                    .values(&token)
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn find(&self, id: SessionId) -> Result<Option<Session>, RepoError> {
        let id = to_db_id(id.0);
        let row = self
            .run(move |conn| {
                Ok(sessions::table
                    .find(id)
                    .select(SessionRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(SessionRow::into_domain).transpose()
    }

    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, RepoError> {
        let id = to_db_id(id.0);
        let row = self
            .run(move |conn| {
                Ok(sessions::table
                    .inner_join(users::table)
                    .filter(sessions::id.eq(id))
                    .select((SessionRow::as_select(), UserRow::as_select()))
                    .get_result::<(SessionRow, UserRow)>(conn)
                    .optional()?)
            })
            .await?;
        row.map(|(s, u)| Ok((s.into_domain()?, u.into_domain()?)))
            .transpose()
    }

    async fn find_by_refresh(
        &self,
        refresh: &RefreshTokenHash,
    ) -> Result<Option<RefreshLookup>, RepoError> {
        let hash = refresh.0.clone();
        let found = self
            .run(move |conn| {
                Ok(refresh_tokens::table
                    .inner_join(sessions::table)
                    .filter(refresh_tokens::token_hash.eq(hash))
                    .select((SessionRow::as_select(), refresh_tokens::spent_at))
                    .get_result::<(SessionRow, Option<Instant>)>(conn)
                    .optional()?)
            })
            .await?;
        found
            .map(|(row, spent_at)| {
                Ok(RefreshLookup {
                    session: row.into_domain()?,
                    spent: spent_at.is_some(),
                })
            })
            .transpose()
    }

    async fn rotate(
        &self,
        presented: &RefreshTokenHash,
        next: &RefreshTokenHash,
        now: DateTime<Utc>,
        idle_expires_at: DateTime<Utc>,
    ) -> Result<Rotation, RepoError> {
        let presented = presented.0.clone();
        let next = next.0.clone();
        let now = to_db_time(now);
        let idle = to_db_time(idle_expires_at);
        let outcome = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    // The conditional update decides: of concurrent callers one wins.
                    let session_id: Option<Id> = diesel::update(
                        refresh_tokens::table
                            .filter(refresh_tokens::token_hash.eq(&presented))
                            .filter(refresh_tokens::spent_at.is_null()),
                    )
                    .set(refresh_tokens::spent_at.eq(Some(now)))
                    .returning(refresh_tokens::session_id)
                    .get_result(conn)
                    .optional()?;
                    let Some(session_id) = session_id else {
                        let known: i64 = refresh_tokens::table
                            .filter(refresh_tokens::token_hash.eq(&presented))
                            .count()
                            .get_result(conn)?;
                        return Ok(if known > 0 {
                            Rotated::AlreadySpent
                        } else {
                            Rotated::Unknown
                        });
                    };
                    diesel::insert_into(refresh_tokens::table)
                        .values(&RefreshTokenRow {
                            token_hash: next,
                            session_id: session_id.clone(),
                            created_at: now,
                            spent_at: None,
                        })
                        .execute(conn)?;
                    let row = diesel::update(sessions::table.find(&session_id))
                        .set((
                            sessions::last_refreshed_at.eq(now),
                            sessions::idle_expires_at.eq(idle),
                        ))
                        .returning(SessionRow::as_returning())
                        .get_result(conn)?;
                    Ok(Rotated::Yes(row))
                })
            })
            .await?;
        Ok(match outcome {
            Rotated::Yes(row) => Rotation::Rotated(row.into_domain()?),
            Rotated::AlreadySpent => Rotation::AlreadySpent,
            Rotated::Unknown => Rotation::Unknown,
        })
    }

    async fn revoke(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
        reason: RevokeReason,
    ) -> Result<(), RepoError> {
        let id = to_db_id(id.0);
        let now = to_db_time(now);
        self.run(move |conn| {
            // Only the first revocation is kept: its time and reason are the story.
            diesel::update(
                sessions::table
                    .find(id)
                    .filter(sessions::revoked_at.is_null()),
            )
            .set((
                sessions::revoked_at.eq(Some(now)),
                sessions::revoke_reason.eq(Some(reason.as_str())),
            ))
            .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn prune(&self, before: DateTime<Utc>) -> Result<u64, RepoError> {
        let before = to_db_time(before);
        let n = self
            .run(move |conn| {
                Ok(diesel::delete(
                    sessions::table.filter(
                        sessions::revoked_at
                            .lt(before)
                            .or(sessions::absolute_expires_at.lt(before))
                            .or(sessions::idle_expires_at.lt(before)),
                    ),
                )
                .execute(conn)?)
            })
            .await?;
        Ok(n as u64)
    }
}
