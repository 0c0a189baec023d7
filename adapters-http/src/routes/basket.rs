//! `/api/v1/basket` and `/api/v1/basket/items[/{id}]`.
//!
//! Optimistic concurrency: every answer carries `ETag: "<version>"` (and the
//! body `version`); a write may send `If-Match: "<version>"` and gets 409
//! `CONFLICT` when the basket changed since. A write without `If-Match` is
//! applied to whatever is stored (last write wins for a whole-basket PUT).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use ttokjang_domain::basket::{
    Basket, BasketItem, BasketItemId, BasketUseError, ChangeOutcome, ItemInput, ItemPatch,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::Object;
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = BasketLineBody)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// Keeps a line's id across a whole-basket PUT.
    #[serde(default)]
    id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 64)]
    product_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(minimum = 1, maximum = 99)]
    quantity: i64,
    #[serde(default)]
    #[schema(max_length = 20)]
    unit: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    note: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BasketBody {
    #[schema(max_items = 100)]
    #[serde(deserialize_with = "crate::json::objects")]
    items: Vec<LineBody>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemBody {
    /// A catalog product's id (from `/catalog/products`), or none for a free-text line.
    #[serde(default)]
    #[schema(max_length = 64)]
    product_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(minimum = 1, maximum = 99)]
    quantity: i64,
    #[serde(default)]
    #[schema(max_length = 20)]
    unit: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    note: Option<String>,
}

/// Absent → `None` (keep); `null` → `Some(None)` (clear); a value → set.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = BasketItemPatch)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default)]
    #[schema(minimum = 1, maximum = 99)]
    quantity: Option<i64>,
    /// Absent keeps, `null` clears, a value sets.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = false, max_length = 20)]
    unit: Option<Option<String>>,
    /// Absent keeps, `null` clears, a value sets.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = false, max_length = 200)]
    note: Option<Option<String>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BasketItemDto)]
pub struct ItemDto {
    id: String,
    product_id: Option<String>,
    name: String,
    quantity: i64,
    unit: Option<String>,
    note: Option<String>,
}

impl From<&BasketItem> for ItemDto {
    fn from(i: &BasketItem) -> Self {
        Self {
            id: i.id.to_string(),
            product_id: i.product_id.as_ref().map(|p| p.as_str().to_owned()),
            name: i.name.as_str().to_owned(),
            quantity: i.quantity.get(),
            unit: i.unit.as_ref().map(|u| u.as_str().to_owned()),
            note: i.note.as_ref().map(|n| n.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BasketDto {
    items: Vec<ItemDto>,
    updated_at: Option<DateTime<Utc>>,
    version: i64,
}

impl From<&Basket> for BasketDto {
    fn from(b: &Basket) -> Self {
        Self {
            items: b.items().iter().map(ItemDto::from).collect(),
            updated_at: b.updated_at,
            version: b.version,
        }
    }
}

impl From<BasketUseError> for ApiError {
    fn from(e: BasketUseError) -> Self {
        match e {
            BasketUseError::Invalid(v) => Self::from_invalid(v),
            BasketUseError::ItemNotFound => Self::not_found("no such item in your basket"),
            BasketUseError::Stale => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "the basket changed since the version in If-Match; load it again and retry",
            ),
            BasketUseError::Repo(r) => r.into(),
        }
    }
}

pub(crate) fn answer(status: StatusCode, b: &Basket) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, format!("\"{}\"", b.version)))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    res
}

/// The version in `If-Match` (`"3"`, `W/"3"` or `3`); `*` and no header mean
/// "whatever is stored".
pub fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(raw) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::validation([(
            "If-Match",
            "must be the basket's ETag, e.g. \"3\" (one version)",
        )])
    };
    let s = raw.to_str().map_err(|_| bad())?.trim();
    if s == "*" {
        return Ok(None);
    }
    let s = s.strip_prefix("W/").unwrap_or(s);
    let s = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    s.parse().map(Some).map_err(|_| bad())
}

/// The whole basket; `ETag` carries its version.
#[utoipa::path(get, path = "/api/v1/basket", tag = "shopper", operation_id = "getBasket",
    responses((status = 200, description = "The basket", body = BasketDto,
        headers(("ETag" = String, description = "The basket's version, for If-Match")))))]
pub async fn get(user: AuthUser, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let b = state.user_data.basket.get(user.user.id).await?;
    Ok(answer(StatusCode::OK, &b).json(BasketDto::from(&b)))
}

/// The `If-Match` header every basket edit takes.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documentation only
struct IfMatch {
    /// The basket's ETag (e.g. "3"); 409 when the basket changed since
    #[param(
        rename = "If-Match",
        pattern = "^(\\*|(W/)?(\"[0-9]{1,18}\"|[0-9]{1,18}))$"
    )]
    if_match: Option<String>,
}

/// What a basket edit answers when the basket changed since `If-Match`.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
enum BasketChanged {
    /// CONFLICT: the basket changed since If-Match
    #[response(status = 409)]
    Conflict(crate::openapi::ErrorResponse),
}

/// What a change to one line answers.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
enum LineEdited {
    /// The basket
    #[response(status = 200, headers(("ETag" = String, description = "The basket's new version")))]
    Basket(BasketDto),
    /// NOT_FOUND: no such line in this basket
    #[response(status = 404)]
    NotFound(crate::openapi::ErrorResponse),
    /// CONFLICT: the basket changed since If-Match
    #[response(status = 409)]
    Conflict(crate::openapi::ErrorResponse),
}

/// Replaces the whole basket.
#[utoipa::path(put, path = "/api/v1/basket", tag = "shopper", operation_id = "putBasket",
    request_body = BasketBody, params(IfMatch),
    responses(
        (status = 200, description = "The saved basket", body = BasketDto,
            headers(("ETag" = String, description = "The basket's new version"))),
        BasketChanged,
    ))]
pub async fn put(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Json<Object<BasketBody>>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let items = body
        .into_inner()
        .0
        .items
        .into_iter()
        .map(|l| ItemInput {
            id: l.id,
            product_id: l.product_id,
            name: l.name,
            quantity: l.quantity,
            unit: l.unit,
            note: l.note,
        })
        .collect();
    let b = state
        .user_data
        .basket
        .replace(user.user.id, expected, items)
        .await?;
    Ok(answer(StatusCode::OK, &b).json(BasketDto::from(&b)))
}

/// 201 with `Location` when a new line was made, 200 when the quantity went
/// onto the line already holding the same product (or name).
#[utoipa::path(post, path = "/api/v1/basket/items", tag = "shopper", operation_id = "addBasketItem",
    request_body = NewItemBody, params(IfMatch),
    responses(
        (status = 201, description = "A new line; `Location` names it", body = BasketDto,
            headers(("ETag" = String, description = "The basket's new version"))),
        (status = 200, description = "The quantity went onto the line with the same product", body = BasketDto,
            headers(("ETag" = String, description = "The basket's new version"))),
        BasketChanged,
    ))]
pub async fn add_item(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Json<Object<NewItemBody>>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let b = body.into_inner().0;
    let input = ItemInput {
        id: None,
        product_id: b.product_id,
        name: b.name,
        quantity: b.quantity,
        unit: b.unit,
        note: b.note,
    };
    let (basket, outcome) = state
        .user_data
        .basket
        .add(user.user.id, expected, input)
        .await?;
    let (status, id) = match outcome {
        ChangeOutcome::Added(id) => (StatusCode::CREATED, Some(id)),
        ChangeOutcome::Merged(id) => (StatusCode::OK, Some(id)),
        _ => (StatusCode::OK, None),
    };
    let mut res = answer(status, &basket);
    if let Some(id) = id {
        res.insert_header((header::LOCATION, format!("/api/v1/basket/items/{id}")));
    }
    Ok(res.json(BasketDto::from(&basket)))
}

/// Changes a line's quantity, unit or note.
#[utoipa::path(patch, path = "/api/v1/basket/items/{id}", tag = "shopper", operation_id = "patchBasketItem",
    request_body = PatchBody,
    params(("id" = uuid::Uuid, Path, description = "The line's id"), IfMatch),
    responses(
        LineEdited,
    ))]
pub async fn patch_item(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
    body: web::Json<Object<PatchBody>>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let p = body.into_inner().0;
    let b = state
        .user_data
        .basket
        .update(
            user.user.id,
            expected,
            BasketItemId(id.into_inner()),
            ItemPatch {
                quantity: p.quantity,
                unit: p.unit,
                note: p.note,
            },
        )
        .await?;
    Ok(answer(StatusCode::OK, &b).json(BasketDto::from(&b)))
}

/// Removes a line.
#[utoipa::path(delete, path = "/api/v1/basket/items/{id}", tag = "shopper", operation_id = "deleteBasketItem",
    params(("id" = uuid::Uuid, Path, description = "The line's id"), IfMatch),
    responses(
        LineEdited,
    ))]
pub async fn delete_item(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(&req)?;
    let b = state
        .user_data
        .basket
        .remove(user.user.id, expected, BasketItemId(id.into_inner()))
        .await?;
    Ok(answer(StatusCode::OK, &b).json(BasketDto::from(&b)))
}
