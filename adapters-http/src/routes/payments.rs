//! Payments (sandbox): `/api/v1/users/me/payment-methods[/{id}]` and
//! `/api/v1/payments/intents[/{id}[/confirm]]`. Both intent POSTs require an
//! `Idempotency-Key` (see `crate::idempotency`). Every POST body is checked
//! for real card numbers before anything else reads it: such a body is
//! refused with 422 and neither stored, logged nor echoed.

use actix_web::http::header::{self, HeaderValue};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodBody {
    token: String,
    #[serde(default)]
    label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntentBody {
    order_id: Uuid,
    amount_krw: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    payment_method: String,
}

#[derive(Debug, Serialize)]
struct MethodDto {
    id: String,
    /// The sandbox token (test cards only; never a card number).
    token: &'static str,
    brand: &'static str,
    last4: &'static str,
    label: String,
    sandbox: bool,
    created_at: DateTime<Utc>,
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

#[derive(Debug, Serialize)]
struct IntentDto {
    id: String,
    order_id: String,
    amount_krw: i64,
    currency: &'static str,
    status: &'static str,
    /// The stored method's id, or the sandbox token when one was given directly.
    payment_method: Option<String>,
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

fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::build(status);
    b.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    b
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

pub async fn list_methods(
    user: AuthUser,
    state: web::Data<ApiState>,
) -> Result<HttpResponse, ApiError> {
    let methods = state.payments.service.list_methods(user.user.id).await?;
    Ok(no_store(StatusCode::OK).json(serde_json::json!({
        "items": methods.iter().map(MethodDto::from).collect::<Vec<_>>(),
        "next_cursor": null,
    })))
}

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
