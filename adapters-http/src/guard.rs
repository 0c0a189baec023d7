//! The `require_auth` guard: an extractor that turns a Bearer token into the
//! user, checking the JWT and that its session is still active.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use ttokjang_domain::session::SessionId;
use ttokjang_domain::user::User;

use crate::error::ApiError;
use crate::jwt::TokenError;
use crate::state::ApiState;

/// The signed-in user and the session the access token belongs to.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: User,
    pub session_id: SessionId,
}

/// The token after `Bearer `, if the header has that form.
pub fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<ApiState>>().cloned();
        let token = bearer(req).map(str::to_owned);
        Box::pin(async move {
            let state = state.ok_or_else(ApiError::internal)?;
            let token = token.ok_or_else(|| {
                ApiError::unauthenticated("an Authorization: Bearer access token is required")
            })?;
            let now = state.auth.now();
            let (user_id, session_id) = state.tokens.verify(&token, now).map_err(|e| match e {
                TokenError::Expired => ApiError::token_expired(),
                TokenError::Invalid => ApiError::unauthenticated("the access token is not valid"),
            })?;
            let user = state.auth.authenticate(user_id, session_id).await?;
            Ok(AuthUser { user, session_id })
        })
    }
}
