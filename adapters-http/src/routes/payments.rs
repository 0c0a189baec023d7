//! Payments (sandbox): `/api/v1/users/me/payment-methods[/{id}]` and
//! `/api/v1/payments/intents[/{id}[/confirm]]`. Both intent POSTs require an
//! `Idempotency-Key` (see `crate::idempotency`). Every POST body is checked
//! for real card numbers before anything else reads it: such a body is
//! refused with 422 and neither stored, logged nor echoed.

use super::no_store;
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::payment::card::contains_card_number;
use ttokjang_domain::payment::{PaymentError, PaymentIntent, PaymentMethod};
use uuid::Uuid;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::idempotency::{idempotent, Answer};
use crate::json::required_body;
use crate::resource;
use crate::state::ApiState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/users/me/payment-methods")
            .route(web::get().to(list_methods))
            .route(web::post().to(add_method)),
    )
    .service(resource("/users/me/payment-methods/{id}").route(web::delete().to(delete_method)))
    .service(resource("/payments/intents").route(web::post().to(create_intent)))
    .service(resource("/payments/intents/{id}").route(web::get().to(get_intent)))
    .service(resource("/payments/intents/{id}/confirm").route(web::post().to(confirm_intent)));
}

/// A sandbox payment method.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PaymentMethodBody)]
#[serde(deny_unknown_fields)]
pub struct MethodBody {
    /// A sandbox token: `pm_card_ok`, `pm_card_declined`, `pm_card_insufficient_funds`, …
    #[schema(example = "pm_card_ok")]
    token: String,
    #[serde(default)]
    #[schema(max_length = 40)]
    label: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PaymentIntentBody)]
#[serde(deny_unknown_fields)]
pub struct IntentBody {
    order_id: Uuid,
    /// The order's unpaid total.
    #[schema(minimum = 1, maximum = 100000000)]
    amount_krw: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PaymentConfirmBody)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// A stored method's id or a sandbox token.
    payment_method: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PaymentMethod)]
pub struct MethodDto {
    id: String,
    /// The sandbox token (test cards only; never a card number).
    #[schema(value_type = String)]
    token: &'static str,
    #[schema(value_type = String)]
    brand: &'static str,
    #[schema(value_type = String)]
    last4: &'static str,
    label: String,
    sandbox: bool,
    created_at: DateTime<Utc>,
}

/// The shopper's methods: one page (a shopper has a handful).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PaymentMethodPage)]
pub struct MethodPage {
    items: Vec<MethodDto>,
    /// Always `null`.
    next_cursor: Option<String>,
}

impl From<&PaymentMethod> for MethodDto {
    fn from(m: &PaymentMethod) -> Self {
        Self {
            id: m.id.to_string(),
            token: m.card.token(),
            brand: m.card.brand(),
            last4: m.card.last4(),
            label: m.label.clone(),
            sandbox: true,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PaymentIntent)]
pub struct IntentDto {
    id: String,
    order_id: String,
    amount_krw: i64,
    #[schema(value_type = String, example = "KRW")]
    currency: &'static str,
    /// `requires_confirmation`, `succeeded`, `failed` or `canceled`.
    #[schema(value_type = String)]
    status: &'static str,
    /// The stored method's id, or the sandbox token when one was given directly.
    payment_method: Option<String>,
    #[schema(value_type = Option<String>)]
    decline_code: Option<&'static str>,
    sandbox: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<&PaymentIntent> for IntentDto {
    fn from(i: &PaymentIntent) -> Self {
        Self {
            id: i.id.to_string(),
            order_id: i.order_id.to_string(),
            amount_krw: i.amount_krw,
            currency: "KRW",
            status: i.status.as_str(),
            payment_method: i
                .payment_method_id
                .map(|m| m.to_string())
                .or_else(|| i.card.map(|c| c.token().to_owned())),
            decline_code: i.decline_code.map(|d| d.as_str()),
            sandbox: true,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

impl From<PaymentError> for ApiError {
    fn from(e: PaymentError) -> Self {
        match e {
            PaymentError::Invalid(v) => Self::from_invalid(v),
            PaymentError::OrderNotFound => Self::not_found("no such order"),
            PaymentError::OrderNotPayable => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                "the order is already paid or cancelled",
            ),
            PaymentError::BudgetCapExceeded {
                cap_krw,
                spent_krw,
                window_days,
            } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "BUDGET_CAP_EXCEEDED",
                format!(
                    "this payment would go over your budget cap of {cap_krw} 원 per {window_days} days ({spent_krw} 원 already paid in that time)"
                ),
            ),
            PaymentError::IntentNotFound => Self::not_found("no such payment intent"),
            PaymentError::NotConfirmable(s) => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                format!(
                    "the payment intent is {}; only an intent that requires_confirmation can be confirmed",
                    s.as_str()
                ),
            ),
            PaymentError::Declined { code, .. } => declined(code.as_str()),
            PaymentError::Repo(r) => r.into(),
        }
    }
}

fn declined(code: &str) -> ApiError {
    ApiError::new(
        StatusCode::PAYMENT_REQUIRED,
        "CARD_DECLINED",
        format!("the card was declined ({code}); the payment intent has failed"),
    )
}

/// 422 for any body that looks like it carries a real card number. The
/// message never repeats the input.
fn refuse_card_numbers(body: &[u8]) -> Result<(), ApiError> {
    if contains_card_number(&String::from_utf8_lossy(body)) {
        return Err(ApiError::validation([(
            "body",
            "contains what looks like a real card number; this closed beta accepts only sandbox tokens (e.g. pm_card_ok) and never stores card numbers",
        )]));
    }
    Ok(())
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[utoipa::path(get, path = "/api/v1/users/me/payment-methods", tag = "payments", operation_id = "listPaymentMethods",
    responses((status = 200, description = "The shopper's sandbox methods (one page)", body = MethodPage)))]
pub async fn list_methods(
    user: AuthUser,
    state: web::Data<ApiState>,
) -> Result<HttpResponse, ApiError> {
    let methods = state.payments.service.list_methods(user.user.id).await?;
    Ok(no_store(StatusCode::OK).json(MethodPage {
        items: methods.iter().map(MethodDto::from).collect(),
        next_cursor: None,
    }))
}

/// Adds a sandbox method; anything that looks like a real card number is refused.
#[utoipa::path(post, path = "/api/v1/users/me/payment-methods", tag = "payments", operation_id = "addPaymentMethod",
    request_body = MethodBody,
    responses((status = 201, description = "The method; `Location` names it", body = MethodDto)))]
pub async fn add_method(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    refuse_card_numbers(&body)?;
    let b: MethodBody = required_body(&req, &body)?;
    let m = state
        .payments
        .service
        .add_method(user.user.id, &b.token, b.label.as_deref())
        .await?;
    tracing::info!(user_id = %user.user.id, payment_method_id = %m.id, "sandbox payment method added");
    Ok(no_store(StatusCode::CREATED)
        .insert_header((
            header::LOCATION,
            format!("/api/v1/users/me/payment-methods/{}", m.id),
        ))
        .json(MethodDto::from(&m)))
}

#[utoipa::path(delete, path = "/api/v1/users/me/payment-methods/{id}", tag = "payments", operation_id = "deletePaymentMethod",
    params(("id" = uuid::Uuid, Path, description = "The method's id")),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "NOT_FOUND: no such method of this shopper", body = crate::openapi::ErrorResponse)))]
pub async fn delete_method(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    if state
        .payments
        .service
        .remove_method(user.user.id, id.into_inner())
        .await?
    {
        Ok(no_store(StatusCode::NO_CONTENT).finish())
    } else {
        Err(ApiError::not_found("no such payment method"))
    }
}

/// What the two idempotent payment routes answer when the request is refused
/// (one list for the document).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
enum IdempotentErrors {
    /// VALIDATION_FAILED: `Idempotency-Key` missing or malformed; or INVALID_JSON
    #[response(status = 400)]
    BadKey(crate::openapi::ErrorResponse),
    /// CONFLICT: a request with this key is still running, or the order/intent is not in a payable state
    #[response(status = 409)]
    Conflict(crate::openapi::ErrorResponse),
    /// VALIDATION_FAILED; IDEMPOTENCY_KEY_REUSED (same key, other request); BUDGET_CAP_EXCEEDED; a body that carries a real card number
    #[response(status = 422)]
    Refused(crate::openapi::ErrorResponse),
}

/// Creates a payment intent for an order of this shopper.
#[utoipa::path(post, path = "/api/v1/payments/intents", tag = "payments", operation_id = "createPaymentIntent",
    request_body = IntentBody, params(("Idempotency-Key" = String, Header, min_length = 1, max_length = 255, pattern = "^[!-~]([ -~]*[!-~])?$", description = "Required: 1–255 printable ASCII characters; the same key and body replay the first answer (with `Idempotent-Replayed: true`)")),
    responses(
        (status = 201, description = "The intent (`requires_confirmation`)", body = IntentDto),
        (status = 404, description = "NOT_FOUND: no such order of this shopper", body = crate::openapi::ErrorResponse),
        IdempotentErrors,
    ))]
pub async fn create_intent(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    refuse_card_numbers(&body)?;
    let uid = user.user.id;
    idempotent(&req, &state, uid, &body, || async {
        let b: IntentBody = required_body(&req, &body)?;
        let intent = state
            .payments
            .service
            .create_intent(uid, b.order_id, b.amount_krw)
            .await?;
        tracing::info!(user_id = %uid, intent_id = %intent.id, "payment intent created");
        Ok(Answer {
            status: StatusCode::CREATED,
            body: to_json(&IntentDto::from(&intent)),
        })
    })
    .await
}

/// Confirms with a sandbox method: succeeds (the order is paid) or is declined.
#[utoipa::path(post, path = "/api/v1/payments/intents/{id}/confirm", tag = "payments", operation_id = "confirmPaymentIntent",
    request_body = ConfirmBody,
    params(("id" = uuid::Uuid, Path, description = "The intent's id"), ("Idempotency-Key" = String, Header, min_length = 1, max_length = 255, pattern = "^[!-~]([ -~]*[!-~])?$", description = "Required: 1–255 printable ASCII characters; the same key and body replay the first answer (with `Idempotent-Replayed: true`)")),
    responses(
        (status = 200, description = "`succeeded`", body = IntentDto),
        (status = 402, description = "CARD_DECLINED; `error` also has `decline_code` and the failed `payment_intent`", body = crate::openapi::ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such intent of this shopper", body = crate::openapi::ErrorResponse),
        IdempotentErrors,
    ))]
pub async fn confirm_intent(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    refuse_card_numbers(&body)?;
    let (uid, intent_id) = (user.user.id, id.into_inner());
    idempotent(&req, &state, uid, &body, || async {
        let b: ConfirmBody = required_body(&req, &body)?;
        match state
            .payments
            .service
            .confirm(uid, intent_id, &b.payment_method)
            .await
        {
            Ok(intent) => {
                tracing::info!(user_id = %uid, intent_id = %intent.id, "payment succeeded");
                Ok(Answer {
                    status: StatusCode::OK,
                    body: to_json(&IntentDto::from(&intent)),
                })
            }
            // A decline is an answer with details: the code and the failed intent.
            Err(PaymentError::Declined { intent, code }) => {
                tracing::info!(user_id = %uid, intent_id = %intent.id, decline_code = code.as_str(), "payment declined");
                let mut body = declined(code.as_str()).envelope();
                if let Some(err) = body.get_mut("error").and_then(|e| e.as_object_mut()) {
                    err.insert("decline_code".into(), code.as_str().into());
                    err.insert("payment_intent".into(), to_json(&IntentDto::from(&*intent)));
                }
                Ok(Answer {
                    status: StatusCode::PAYMENT_REQUIRED,
                    body,
                })
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/payments/intents/{id}", tag = "payments", operation_id = "getPaymentIntent",
    params(("id" = uuid::Uuid, Path, description = "The intent's id")),
    responses((status = 200, description = "The intent", body = IntentDto),
        (status = 404, description = "NOT_FOUND: no such intent of this shopper", body = crate::openapi::ErrorResponse)))]
pub async fn get_intent(
    user: AuthUser,
    state: web::Data<ApiState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let intent = state
        .payments
        .service
        .get_intent(user.user.id, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::not_found("no such payment intent"))?;
    Ok(no_store(StatusCode::OK).json(IntentDto::from(&intent)))
}
