//! Rows as stored, and their conversion to and from domain values. A row that
//! does not make a valid domain value is `RepoError::Corrupt`, never a panic.
//! Corrupt messages name the column, never its content.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use ttokjang_domain::session::{RevokeReason, Session, SessionId};
use ttokjang_domain::user::{
    DisplayName, EmailAddress, Invite, InviteCode, PasswordHash, Role, User, UserId,
};
use ttokjang_domain::RepoError;
use uuid::Uuid;

use crate::schema::{invites, refresh_tokens, sessions, users};

/// Instants are stored as microseconds since the Unix epoch; finer parts are cut.
pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn instant(column: &str, v: i64) -> Result<DateTime<Utc>, RepoError> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| corrupt(column))
}

pub(crate) fn opt_instant(
    column: &str,
    v: Option<i64>,
) -> Result<Option<DateTime<Utc>>, RepoError> {
    v.map(|v| instant(column, v)).transpose()
}

pub(crate) fn uuid(column: &str, v: &str) -> Result<Uuid, RepoError> {
    Uuid::parse_str(v).map_err(|_| corrupt(column))
}

pub(crate) fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("{column} is not valid"))
}

pub(crate) fn uuid_text(id: Uuid) -> String {
    id.hyphenated().to_string()
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: i64,
}

impl UserRow {
    pub fn from_domain(u: &User) -> Self {
        Self {
            id: uuid_text(u.id.0),
            email: u.email.as_str().to_owned(),
            display_name: u.display_name.as_str().to_owned(),
            password_hash: u.password_hash.0.clone(),
            role: u.role.as_str().to_owned(),
            created_at: micros(u.created_at),
        }
    }

    pub fn into_domain(self) -> Result<User, RepoError> {
        Ok(User {
            id: UserId(uuid("users.id", &self.id)?),
            email: EmailAddress::parse(&self.email).map_err(|_| corrupt("users.email"))?,
            display_name: DisplayName::parse(&self.display_name)
                .map_err(|_| corrupt("users.display_name"))?,
            password_hash: PasswordHash(self.password_hash),
            role: Role::parse(&self.role).ok_or_else(|| corrupt("users.role"))?,
            created_at: instant("users.created_at", self.created_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct InviteRow {
    pub code: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub used_by: Option<String>,
    pub used_at: Option<i64>,
}

impl InviteRow {
    pub fn from_domain(i: &Invite) -> Self {
        Self {
            code: i.code.as_str().to_owned(),
            created_at: micros(i.created_at),
            expires_at: i.expires_at.map(micros),
            used_by: i.used_by.map(|u| uuid_text(u.0)),
            used_at: i.used_at.map(micros),
        }
    }

    pub fn into_domain(self) -> Result<Invite, RepoError> {
        Ok(Invite {
            code: InviteCode::parse(&self.code).map_err(|_| corrupt("invites.code"))?,
            created_at: instant("invites.created_at", self.created_at)?,
            expires_at: opt_instant("invites.expires_at", self.expires_at)?,
            used_by: self
                .used_by
                .as_deref()
                .map(|u| uuid("invites.used_by", u).map(UserId))
                .transpose()?,
            used_at: opt_instant("invites.used_at", self.used_at)?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub created_at: i64,
    pub last_refreshed_at: i64,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
}

impl SessionRow {
    pub fn from_domain(s: &Session) -> Self {
        Self {
            id: uuid_text(s.id.0),
            user_id: uuid_text(s.user_id.0),
            created_at: micros(s.created_at),
            last_refreshed_at: micros(s.last_refreshed_at),
            idle_expires_at: micros(s.idle_expires_at),
            absolute_expires_at: micros(s.absolute_expires_at),
            revoked_at: s.revoked_at.map(micros),
            revoke_reason: s.revoke_reason.map(|r| r.as_str().to_owned()),
        }
    }

    pub fn into_domain(self) -> Result<Session, RepoError> {
        Ok(Session {
            id: SessionId(uuid("sessions.id", &self.id)?),
            user_id: UserId(uuid("sessions.user_id", &self.user_id)?),
            created_at: instant("sessions.created_at", self.created_at)?,
            last_refreshed_at: instant("sessions.last_refreshed_at", self.last_refreshed_at)?,
            idle_expires_at: instant("sessions.idle_expires_at", self.idle_expires_at)?,
            absolute_expires_at: instant("sessions.absolute_expires_at", self.absolute_expires_at)?,
            revoked_at: opt_instant("sessions.revoked_at", self.revoked_at)?,
            revoke_reason: self
                .revoke_reason
                .as_deref()
                .map(|r| RevokeReason::parse(r).ok_or_else(|| corrupt("sessions.revoke_reason")))
                .transpose()?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::sqlite::Sqlite))]
pub(crate) struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: String,
    pub created_at: i64,
    pub spent_at: Option<i64>,
}
