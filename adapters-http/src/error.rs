//! The one HTTP error type. Every error answer has the contract's shape:
//! `{"error": {"code", "message", "request_id", "fields"?}}`.

use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use ttokjang_domain::auth::{AuthError, LoginError, RefreshError, RegisterError};
use ttokjang_domain::user::InvalidValue;
use ttokjang_domain::RepoError;

use crate::request_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Option<BTreeMap<String, String>>,
    pub retry_after_s: Option<u64>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    request_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a BTreeMap<String, String>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: None,
            retry_after_s: None,
        }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
    }

    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "TOKEN_EXPIRED",
            "the access token has expired; refresh it",
        )
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub fn invalid_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_JSON", message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "something went wrong on our side; try again later",
        )
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE", message)
    }

    /// 422 with a map of field → problem.
    pub fn validation<I, K, V>(fields: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let fields: BTreeMap<String, String> = fields
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let message = if fields.len() == 1 {
            fields
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<String>()
        } else {
            format!("{} fields are invalid", fields.len())
        };
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "VALIDATION_FAILED",
            message,
            fields: Some(fields),
            retry_after_s: None,
        }
    }

    pub fn from_invalid(values: Vec<InvalidValue>) -> Self {
        let mut map = BTreeMap::new();
        for v in values {
            map.entry(v.field.to_owned()).or_insert(v.message);
        }
        Self::validation(map)
    }

    pub fn rate_limited(retry_after_s: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            format!("too many attempts; retry after {retry_after_s} seconds"),
        );
        e.retry_after_s = Some(retry_after_s);
        e
    }
}

impl ApiError {
    /// The JSON body this error answers with (for answers that are stored and
    /// replayed, e.g. under an `Idempotency-Key`).
    pub fn envelope(&self) -> serde_json::Value {
        serde_json::to_value(Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
                request_id: request_id::current().unwrap_or_default(),
                fields: self.fields.as_ref(),
            },
        })
        .unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
                request_id: request_id::current().unwrap_or_default(),
                fields: self.fields.as_ref(),
            },
        };
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        if let Some(secs) = self.retry_after_s {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        res.json(body)
    }
}

/// Storage failures are logged with their cause and answered without it.
impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(_) => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "the resource changed or already exists",
            ),
            RepoError::Unavailable(_) | RepoError::Corrupt(_) => {
                tracing::error!(error = %e, "storage failure");
                Self::unavailable("the service is temporarily unavailable; try again shortly")
            }
        }
    }
}

impl From<RegisterError> for ApiError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Invalid(v) => Self::from_invalid(v),
            RegisterError::EmailTaken => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "an account with this e-mail already exists",
            ),
            RegisterError::RateLimited { retry_after_s } => Self::rate_limited(retry_after_s),
            RegisterError::Hash(h) => {
                tracing::error!(error = %h, "password hashing failed");
                Self::internal()
            }
            RegisterError::Repo(r) => r.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "INVALID_CREDENTIALS",
                "e-mail or password is incorrect",
            ),
            LoginError::RateLimited { retry_after_s } => Self::rate_limited(retry_after_s),
            LoginError::Hash(h) => {
                tracing::error!(error = %h, "password verification failed");
                Self::internal()
            }
            LoginError::Repo(r) => r.into(),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(e: RefreshError) -> Self {
        match e {
            RefreshError::Unauthenticated => {
                Self::unauthenticated("the refresh token is not valid; log in again")
            }
            RefreshError::Expired => Self::new(
                StatusCode::UNAUTHORIZED,
                "TOKEN_EXPIRED",
                "the session has expired; log in again",
            ),
            RefreshError::Reused => Self::new(
                StatusCode::UNAUTHORIZED,
                "REFRESH_TOKEN_REUSED",
                "this refresh token was already used; the session has been ended for safety",
            ),
            RefreshError::Repo(r) => r.into(),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Unauthenticated => {
                Self::unauthenticated("the session has ended; log in again")
            }
            AuthError::Repo(r) => r.into(),
        }
    }
}
