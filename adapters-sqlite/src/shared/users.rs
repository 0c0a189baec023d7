use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::ports::{CreateUserError, UserRepository};
use ttokjang_domain::user::{EmailAddress, InviteCode, User, UserId};
use ttokjang_domain::RepoError;

use crate::dialect::{to_db_id, to_db_time, write_tx, DbStore};
use crate::error::Failure;
use crate::rows::UserRow;
use crate::schema::{invites, users};

#[async_trait]
impl UserRepository for DbStore {
    async fn create(
        &self,
        user: &User,
        invite: Option<InviteCode>,
        now: DateTime<Utc>,
    ) -> Result<(), CreateUserError> {
        let row = UserRow::from_domain(user);
        let code = invite.map(|c| c.as_str().to_owned());
        let now = to_db_time(now);
        self.run(move |conn| {
            write_tx(conn, |conn| {
                // On SQLite the write lock makes this check final; on PostgreSQL a
                // concurrent insert of the same e-mail still fails on
                // users_email_key, which maps to EmailTaken.
                let taken: i64 = users::table
                    .filter(users::email.eq(&row.email))
                    .count()
                    .get_result(conn)?;
                if taken > 0 {
                    return Err(Failure::EmailTaken);
                }
                diesel::insert_into(users::table)
                    .values(&row)
                    .execute(conn)?;
                if let Some(code) = code {
                    // Conditional update (a row lock on PostgreSQL): of two
                    // registrations racing for one invite, the second re-checks
                    // after the first commits.
                    let spent = diesel::update(
                        invites::table
                            .filter(invites::code.eq(code))
                            .filter(invites::used_at.is_null())
                            .filter(
                                invites::expires_at
                                    .is_null()
                                    .or(invites::expires_at.gt(now)),
                            ),
                    )
                    .set((
                        invites::used_by.eq(Some(&row.id)),
                        invites::used_at.eq(Some(now)),
                    ))
                    .execute(conn)?;
                    if spent != 1 {
                        return Err(Failure::InviteInvalid);
                    }
                }
                Ok(())
            })
        })
        .await
        .map_err(Into::into)
    }

    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<User>, RepoError> {
        let email = email.as_str().to_owned();
        let row = self
            .run(move |conn| {
                Ok(users::table
                    .filter(users::email.eq(email))
                    .select(UserRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(UserRow::into_domain).transpose()
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, RepoError> {
        let id = to_db_id(id.0);
        let row = self
            .run(move |conn| {
                Ok(users::table
                    .find(id)
                    .select(UserRow::as_select())
                    .get_result(conn)
                    .optional()?)
            })
            .await?;
        row.map(UserRow::into_domain).transpose()
    }

    async fn count(&self) -> Result<u64, RepoError> {
        let n: i64 = self
            .run(|conn| Ok(users::table.count().get_result(conn)?))
            .await?;
        u64::try_from(n).map_err(|_| RepoError::Corrupt("negative count".into()))
    }
}
