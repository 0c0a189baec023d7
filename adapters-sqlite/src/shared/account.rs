//! `AccountRepository`: password changes, reset codes and erasure, each in
//! one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::account::{AccountRepository, ResetCodeHash, Tombstone};
use ttokjang_domain::session::{RevokeReason, Session, SessionId};
use ttokjang_domain::user::{PasswordHash, UserId};
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, to_db_time, write_tx, Conn, DbStore, Id, Instant};
use crate::error::Failure;
use crate::rows::SessionRow;
use crate::schema::{
    baskets, chat_messages, idempotency_keys, notifications, password_resets, payment_methods,
    plan_requests, preferences, profiles, reservations, sessions, users,
};

/// Deletes the user's rows from each table named (children go by cascade:
/// refresh tokens with sessions, runs with reservations, lines with the
/// basket).
macro_rules! wipe {
    ($conn:expr, $uid:expr, $($table:ident),+ $(,)?) => {
        $(
            diesel::delete($table::table.filter($table::user_id.eq($uid.clone())))
                .execute($conn)?;
        )+
    };
}

fn end_sessions(
    conn: &mut Conn,
    user: &Id,
    keep: Option<Id>,
    now: Instant,
) -> Result<usize, Failure> {
    let q = sessions::table
        .filter(sessions::user_id.eq(user.clone()))
        .filter(sessions::revoked_at.is_null());
    let set = (
        sessions::revoked_at.eq(Some(now)),
        sessions::revoke_reason.eq(Some(RevokeReason::Admin.as_str())),
    );
    Ok(match keep {
        Some(k) => diesel::update(q.filter(sessions::id.ne(k)))
            .set(set)
            .execute(conn)?,
        None => diesel::update(q).set(set).execute(conn)?,
    })
}

#[async_trait]
impl AccountRepository for DbStore {
    async fn set_password(
        &self,
        user: UserId,
        hash: &PasswordHash,
        keep: Option<SessionId>,
        now: DateTime<Utc>,
    ) -> Result<u64, RepoError> {
        let (uid, hash, now) = (to_db_id(user.0), hash.0.clone(), to_db_time(now));
        let keep = keep.map(|s| to_db_id(s.0));
        let n = self
            .run(move |conn| {
                write_tx(conn, |conn| {
                    diesel::update(users::table.filter(users::id.eq(uid.clone())))
                        .set(users::password_hash.eq(hash))
                        .execute(conn)?;
                    end_sessions(conn, &uid, keep, now)
                })
            })
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn save_reset(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        use password_resets as r;
        let (uid, code, exp) = (to_db_id(user.0), code.0.clone(), to_db_time(expires_at));
        self.run(move |conn| {
            diesel::insert_into(r::table)
                .values((
                    r::user_id.eq(uid),
                    r::code_hash.eq(&code),
                    r::expires_at.eq(exp),
                ))
                .on_conflict(r::user_id)
                .do_update()
                .set((r::code_hash.eq(&code), r::expires_at.eq(exp)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(Into::into)
    }

    async fn reset_pending(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use password_resets as r;
        let (uid, code, now) = (to_db_id(user.0), code.0.clone(), to_db_time(now));
        let n: i64 = self
            .run(move |conn| {
                Ok(r::table
                    .filter(r::user_id.eq(uid))
                    .filter(r::code_hash.eq(code))
                    .filter(r::expires_at.gt(now))
                    .count()
                    .get_result(conn)?)
            })
            .await?;
        Ok(n > 0)
    }

    async fn use_reset(
        &self,
        user: UserId,
        code: &ResetCodeHash,
        hash: &PasswordHash,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError> {
        use password_resets as r;
        let (uid, code, hash, now) = (
            to_db_id(user.0),
            code.0.clone(),
            hash.0.clone(),
            to_db_time(now),
        );
        self.run(move |conn| {
            write_tx(conn, |conn| {
                let spent = diesel::delete(
                    r::table
                        .filter(r::user_id.eq(uid.clone()))
                        .filter(r::code_hash.eq(code))
                        .filter(r::expires_at.gt(now)),
                )
                .execute(conn)?;
                if spent == 0 {
                    return Ok(false);
                }
                diesel::update(users::table.filter(users::id.eq(uid.clone())))
                    .set(users::password_hash.eq(hash))
                    .execute(conn)?;
                end_sessions(conn, &uid, None, now)?;
                Ok(true)
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn erase(
        &self,
        user: UserId,
        tombstone: &Tombstone,
        _now: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        let uid = to_db_id(user.0);
        let (email, name, hash) = (
            tombstone.email.as_str().to_owned(),
            tombstone.display_name.as_str().to_owned(),
            tombstone.password_hash.0.clone(),
        );
        self.run(move |conn| {
            write_tx(conn, |conn| {
                // Orders, their lines and payment intents stay (accounting).
                wipe!(
                    conn,
                    uid,
                    sessions,
                    plan_requests,
                    reservations,
                    notifications,
                    chat_messages,
                    baskets,
                    preferences,
                    profiles,
                    payment_methods,
                    idempotency_keys,
                    password_resets,
                );
                diesel::update(users::table.filter(users::id.eq(uid.clone())))
                    .set((
                        users::email.eq(email),
                        users::display_name.eq(name),
                        users::password_hash.eq(hash),
                    ))
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn sessions(&self, user: UserId) -> Result<Vec<Session>, RepoError> {
        let uid = to_db_id(user.0);
        let rows: Vec<SessionRow> = self
            .run(move |conn| {
                Ok(sessions::table
                    .filter(sessions::user_id.eq(uid))
                    .order(sessions::created_at.desc())
                    .select(SessionRow::as_select())
                    .load(conn)?)
            })
            .await?;
        rows.into_iter().map(SessionRow::into_domain).collect()
    }
}
