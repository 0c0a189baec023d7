//! `/api/v1/users/me/profile`. The phone number is never logged.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::profile::{Location, Profile, ProfileError, ProfileInput};

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::{Json, Object};
use crate::state::ApiState;

#[derive(Debug, Deserialize, Serialize, Clone, Copy, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationBody {
    #[schema(minimum = -90, maximum = 90)]
    lat: f64,
    #[schema(minimum = -180, maximum = 180)]
    lng: f64,
}

/// A whole replacement: an absent or null `phone`, `address` or `location` is cleared.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileBody {
    #[schema(min_length = 1, max_length = 40)]
    display_name: String,
    /// A Korean mobile number (010-1234-5678, 01012345678, +82 10 …); stored normalised.
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    address: Option<String>,
    #[serde(default, deserialize_with = "crate::json::object_opt")]
    location: Option<LocationBody>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProfileDto {
    display_name: String,
    phone: Option<String>,
    address: Option<String>,
    location: Option<LocationBody>,
    updated_at: Option<DateTime<Utc>>,
}

impl From<&Profile> for ProfileDto {
    fn from(p: &Profile) -> Self {
        Self {
            display_name: p.display_name.as_str().to_owned(),
            phone: p.phone.as_ref().map(|x| x.as_str().to_owned()),
            address: p.address.as_ref().map(|x| x.as_str().to_owned()),
            location: p.location.map(|l: Location| LocationBody {
                lat: l.lat(),
                lng: l.lng(),
            }),
            updated_at: p.updated_at,
        }
    }
}

impl From<ProfileError> for ApiError {
    fn from(e: ProfileError) -> Self {
        match e {
            ProfileError::Invalid(v) => Self::from_invalid(v),
            ProfileError::UnknownUser => Self::unauthenticated("the account no longer exists"),
            ProfileError::Repo(r) => r.into(),
        }
    }
}

fn ok(p: &Profile) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .json(ProfileDto::from(p))
}

#[utoipa::path(get, path = "/api/v1/users/me/profile", tag = "shopper", operation_id = "getProfile",
    responses((status = 200, description = "The profile", body = ProfileDto)))]
pub async fn get(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let p = state.user_data.profile.get(user.user.id).await?;
    Ok(ok(&p))
}

/// Replaces the profile.
#[utoipa::path(put, path = "/api/v1/users/me/profile", tag = "shopper", operation_id = "putProfile",
    request_body = ProfileBody,
    responses((status = 200, description = "The saved profile", body = ProfileDto)))]
pub async fn put(
    user: AuthUser,
    state: web::Data<ApiState>,
    body: Json<Object<ProfileBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let p = state
        .user_data
        .profile
        .put(
            user.user.id,
            ProfileInput {
                display_name: b.display_name,
                phone: b.phone,
                address: b.address,
                location: b.location.map(|l| (l.lat, l.lng)),
            },
        )
        .await?;
    tracing::info!(user_id = %user.user.id, "profile saved");
    Ok(ok(&p))
}
