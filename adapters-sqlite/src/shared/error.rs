//! Failures inside the adapter and how they leave it. Messages are fixed
//! strings: no values from rows or queries reach the logs.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ttokjang_domain::ports::CreateUserError;
use ttokjang_domain::RepoError;

#[derive(Debug)]
pub(crate) enum Failure {
    Db(DieselError),
    Repo(RepoError),
    EmailTaken,
    InviteInvalid,
}

impl From<DieselError> for Failure {
    fn from(e: DieselError) -> Self {
        Failure::Db(e)
    }
}

impl From<RepoError> for Failure {
    fn from(e: RepoError) -> Self {
        Failure::Repo(e)
    }
}

pub(crate) fn unavailable(msg: &str) -> RepoError {
    RepoError::Unavailable(msg.to_owned())
}

/// A stored value that does not make a valid domain value; names the
/// column, never its content.
pub(crate) fn corrupt(column: &str) -> RepoError {
    RepoError::Corrupt(format!("{column} is not valid"))
}

fn from_diesel(e: &DieselError) -> RepoError {
    let conflict = |m: &str| RepoError::Conflict(m.to_owned());
    let r = match e {
        DieselError::DatabaseError(kind, _) => match kind {
            DatabaseErrorKind::UniqueViolation => conflict("unique constraint violated"),
            DatabaseErrorKind::ForeignKeyViolation => conflict("foreign key violated"),
            DatabaseErrorKind::CheckViolation => conflict("check constraint violated"),
            DatabaseErrorKind::NotNullViolation => conflict("not-null constraint violated"),
            DatabaseErrorKind::ClosedConnection => unavailable("connection closed"),
            DatabaseErrorKind::SerializationFailure => unavailable("serialization failure"),
            _ => unavailable("database error"),
        },
        DieselError::DeserializationError(_) => RepoError::Corrupt("undecodable column".into()),
        DieselError::SerializationError(_) => unavailable("value could not be bound"),
        _ => unavailable("query failed"),
    };
    if matches!(r, RepoError::Unavailable(_)) {
        tracing::warn!(error = %e, "{} query failed", crate::dialect::NAME);
    }
    r
}

/// True for the unique violation of `users.email` (SQLite names the
/// column, PostgreSQL the constraint).
fn is_email_taken(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            info.message().contains("users.email")
                || info.constraint_name() == Some("users_email_key")
        }
        _ => false,
    }
}

impl From<Failure> for RepoError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Db(e) => from_diesel(&e),
            Failure::Repo(e) => e,
            Failure::EmailTaken => RepoError::Conflict("e-mail already registered".into()),
            Failure::InviteInvalid => RepoError::Conflict("invite invalid".into()),
        }
    }
}

impl From<Failure> for CreateUserError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::EmailTaken => CreateUserError::EmailTaken,
            Failure::InviteInvalid => CreateUserError::InviteInvalid,
            Failure::Db(e) if is_email_taken(&e) => CreateUserError::EmailTaken,
            other => CreateUserError::Repo(other.into()),
        }
    }
}
