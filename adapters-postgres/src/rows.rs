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

pub(crate) fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("{column} is not valid"))
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub(crate) struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn from_domain(u: &User) -> Self {
        Self {
            id: u.id.0,
            email: u.email.as_str().to_owned(),
            display_name: u.display_name.as_str().to_owned(),
            password_hash: u.password_hash.0.clone(),
            role: u.role.as_str().to_owned(),
            created_at: u.created_at,
        }
    }

    pub fn into_domain(self) -> Result<User, RepoError> {
        Ok(User {
            id: UserId(self.id),
            email: EmailAddress::parse(&self.email).map_err(|_| corrupt("users.email"))?,
            display_name: DisplayName::parse(&self.display_name)
                .map_err(|_| corrupt("users.display_name"))?,
            password_hash: PasswordHash(self.password_hash),
            role: Role::parse(&self.role).ok_or_else(|| corrupt("users.role"))?,
            created_at: self.created_at,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = invites, check_for_backend(diesel::pg::Pg))]
pub(crate) struct InviteRow {
    pub code: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub used_by: Option<Uuid>,
    pub used_at: Option<DateTime<Utc>>,
}

impl InviteRow {
    pub fn from_domain(i: &Invite) -> Self {
        Self {
            code: i.code.as_str().to_owned(),
            created_at: i.created_at,
            expires_at: i.expires_at,
            used_by: i.used_by.map(|u| u.0),
            used_at: i.used_at,
        }
    }

    pub fn into_domain(self) -> Result<Invite, RepoError> {
        Ok(Invite {
            code: InviteCode::parse(&self.code).map_err(|_| corrupt("invites.code"))?,
            created_at: self.created_at,
            expires_at: self.expires_at,
            used_by: self.used_by.map(UserId),
            used_at: self.used_at,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub(crate) struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_refreshed_at: DateTime<Utc>,
    pub idle_expires_at: DateTime<Utc>,
    pub absolute_expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoke_reason: Option<String>,
}

impl SessionRow {
    pub fn from_domain(s: &Session) -> Self {
        Self {
            id: s.id.0,
            user_id: s.user_id.0,
            created_at: s.created_at,
            last_refreshed_at: s.last_refreshed_at,
            idle_expires_at: s.idle_expires_at,
            absolute_expires_at: s.absolute_expires_at,
            revoked_at: s.revoked_at,
            revoke_reason: s.revoke_reason.map(|r| r.as_str().to_owned()),
        }
    }

    pub fn into_domain(self) -> Result<Session, RepoError> {
        Ok(Session {
            id: SessionId(self.id),
            user_id: UserId(self.user_id),
            created_at: self.created_at,
            last_refreshed_at: self.last_refreshed_at,
            idle_expires_at: self.idle_expires_at,
            absolute_expires_at: self.absolute_expires_at,
            revoked_at: self.revoked_at,
            revoke_reason: self
                .revoke_reason
                .as_deref()
                .map(|r| RevokeReason::parse(r).ok_or_else(|| corrupt("sessions.revoke_reason")))
                .transpose()?,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
pub(crate) struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub spent_at: Option<DateTime<Utc>>,
}
