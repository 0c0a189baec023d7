//! `/api/v1/users/me/orders[/{id}]`: the shopper's own orders, newest first.

use super::no_store;
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::order::{
    LineCheck, LineInput, ManualOrderInput, Order, OrderError, OrderId, MAX_CHECKS,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::{Json, Object};
use crate::state::ApiState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// 1 to 100 (default 20).
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OrderLineBody)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[serde(default)]
    #[schema(max_length = 64)]
    product_id: Option<String>,
    #[serde(default)]
    #[schema(max_length = 64)]
    store_id: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    store_name: Option<String>,
    #[schema(minimum = 1, maximum = 99)]
    quantity: i64,
    #[schema(minimum = 0, maximum = 100000000)]
    unit_price_krw: i64,
}

/// A manual purchase; subtotals and totals are computed by the server.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    #[schema(min_items = 1, max_items = 200)]
    #[serde(deserialize_with = "crate::json::objects")]
    lines: Vec<LineBody>,
    /// Delivery or other fees.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 100000000)]
    fees_krw: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OrderLineDto)]
pub struct LineDto {
    /// The line's index (0-based): what `PATCH` names to tick it.
    line: u32,
    /// Ticked off the shopping checklist.
    checked: bool,
    name: String,
    product_id: Option<String>,
    store_id: Option<String>,
    store_name: Option<String>,
    quantity: i64,
    unit_price_krw: i64,
    subtotal_krw: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrderDto {
    id: String,
    /// `plan` or `manual`.
    source: &'static str,
    plan_request_id: Option<String>,
    plan_id: Option<String>,
    status: &'static str,
    lines: Vec<LineDto>,
    goods_krw: i64,
    fees_krw: i64,
    total_krw: i64,
    /// How many lines are ticked, of how many.
    progress: ProgressDto,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OrderProgress)]
pub struct ProgressDto {
    checked: usize,
    total: usize,
}

impl From<&Order> for OrderDto {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id.to_string(),
            source: o.source.as_str(),
            plan_request_id: o.plan_request_id.as_ref().map(|r| r.as_str().to_owned()),
            plan_id: o.plan_id.as_ref().map(|r| r.as_str().to_owned()),
            status: o.status.as_str(),
            lines: o
                .lines
                .iter()
                .zip(0u32..)
                .map(|(l, line)| LineDto {
                    line,
                    checked: l.checked,
                    name: l.name.as_str().to_owned(),
                    product_id: l.product_id.as_ref().map(|p| p.as_str().to_owned()),
                    store_id: l.store_id.as_ref().map(|s| s.as_str().to_owned()),
                    store_name: l.store_name.as_ref().map(|s| s.as_str().to_owned()),
                    quantity: l.quantity.get(),
                    unit_price_krw: l.unit_price_krw,
                    subtotal_krw: l.subtotal_krw,
                })
                .collect(),
            goods_krw: o.goods_krw,
            fees_krw: o.fees_krw,
            total_krw: o.total_krw,
            progress: {
                let (checked, total) = o.progress();
                ProgressDto { checked, total }
            },
            created_at: o.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OrderPage)]
pub struct PageDto {
    items: Vec<OrderDto>,
    next_cursor: Option<String>,
}

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::Invalid(v) => Self::from_invalid(v),
            OrderError::Repo(r) => r.into(),
        }
    }
}

/// The shopper's orders, newest first.
#[utoipa::path(get, path = "/api/v1/users/me/orders", tag = "shopper", operation_id = "listOrders",
    params(ListQuery),
    responses((status = 200, description = "A page of orders", body = PageDto)))]
pub async fn list(
    user: AuthUser,
    state: web::Data<ApiState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = state
        .user_data
        .orders
        .list(user.user.id, q.limit, q.cursor.as_deref())
        .await?;
    Ok(no_store(StatusCode::OK).json(PageDto {
        items: page.items.iter().map(OrderDto::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Records a manual purchase (a selected plan records its order itself).
#[utoipa::path(post, path = "/api/v1/users/me/orders", tag = "shopper", operation_id = "createOrder",
    request_body = OrderBody,
    responses((status = 201, description = "The order; `Location` names it", body = OrderDto)))]
pub async fn create(
    user: AuthUser,
    state: web::Data<ApiState>,
    body: Json<Object<OrderBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let order = state
        .user_data
        .orders
        .place_manual(
            user.user.id,
            ManualOrderInput {
                lines: b
                    .lines
                    .into_iter()
                    .map(|l| LineInput {
                        name: l.name,
                        product_id: l.product_id,
                        store_id: l.store_id,
                        store_name: l.store_name,
                        quantity: l.quantity,
                        unit_price_krw: l.unit_price_krw,
                    })
                    .collect(),
                fees_krw: b.fees_krw,
            },
        )
        .await?;
    tracing::info!(user_id = %user.user.id, order_id = %order.id, "manual order recorded");
    Ok(no_store(StatusCode::CREATED)
        .insert_header((
            header::LOCATION,
            format!("/api/v1/users/me/orders/{}", order.id),
        ))
        .json(OrderDto::from(&order)))
}

#[utoipa::path(get, path = "/api/v1/users/me/orders/{id}", tag = "shopper", operation_id = "getOrder",
    params(("id" = uuid::Uuid, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderDto),
        (status = 404, description = "NOT_FOUND: no such order of this shopper", body = crate::openapi::ErrorResponse),
    ))]
pub async fn get(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let order = state
        .user_data
        .orders
        .get(user.user.id, OrderId(id.into_inner()))
        .await?
        .ok_or_else(|| ApiError::not_found("no such order"))?;
    Ok(no_store(StatusCode::OK).json(OrderDto::from(&order)))
}

/// One tick or untick.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OrderLineCheck)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// The line's index (`lines[].line`).
    #[schema(minimum = 0, maximum = 199)]
    line: u32,
    checked: bool,
}

/// Ticks and unticks lines of the order's checklist. Each change sets a
/// line's state, so sending it again changes nothing (idempotent); changes to
/// different lines never undo each other, and for one line the last write
/// wins (no `If-Match`: a tick is a fact about the shelf, not an edit of a
/// shared document).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = OrderPatch)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[schema(min_items = 1, max_items = 200)]
    #[serde(deserialize_with = "crate::json::objects")]
    checks: Vec<CheckBody>,
}

#[utoipa::path(patch, path = "/api/v1/users/me/orders/{id}", tag = "shopper", operation_id = "checkOrderLines",
    params(("id" = uuid::Uuid, Path, description = "The order's id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "The order with its lines' `checked` state and `progress`", body = OrderDto),
        (status = 404, description = "NOT_FOUND: no such order of this shopper", body = crate::openapi::ErrorResponse),
    ))]
pub async fn patch(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
    body: web::Json<Object<PatchBody>>,
) -> Result<HttpResponse, ApiError> {
    let checks: Vec<LineCheck> = body
        .into_inner()
        .0
        .checks
        .into_iter()
        .map(|c| LineCheck {
            line: c.line,
            checked: c.checked,
        })
        .collect();
    if checks.len() > MAX_CHECKS {
        return Err(ApiError::validation([(
            "checks",
            format!("at most {MAX_CHECKS} changes"),
        )]));
    }
    let order = state
        .user_data
        .orders
        .set_checked(user.user.id, OrderId(id.into_inner()), &checks)
        .await?
        .ok_or_else(|| ApiError::not_found("no such order"))?;
    Ok(no_store(StatusCode::OK).json(OrderDto::from(&order)))
}
