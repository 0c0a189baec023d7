//! `/api/v1/{offline,online}/plans/{generate,select}` and the legacy
//! `/api/v1/plans/generate`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use ttokjang_domain::metrics::plan_outcome;
use ttokjang_domain::planner::context::RecordError;
use ttokjang_domain::planner::generate::{ItemOverride, PlanOverrides};
use ttokjang_domain::planner::service::{Generated, PlanningError, SelectError};
use ttokjang_domain::planner::view::{Comparison, PlanAnswer, PlanView};
use ttokjang_domain::planner::PlanMode;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::{Json, Object};
use crate::openapi::ErrorResponse;
use crate::routes::orders::OrderDto;
use crate::state::ApiState;

/// Most lines one request may plan.
pub const MAX_LINES: usize = ttokjang_domain::planner::generate::MAX_ITEMS;

/// One line to plan instead of the stored basket's.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PlanLineBody)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    #[serde(default)]
    #[schema(max_length = 64)]
    id: Option<String>,
    #[serde(default)]
    #[schema(max_length = 64)]
    product_id: Option<String>,
    /// At least two letters, to match a product.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    #[schema(minimum = 1, maximum = 99)]
    quantity: u32,
}

#[derive(Debug, Deserialize, Clone, Copy, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LatLngBody {
    #[schema(minimum = -90, maximum = 90)]
    lat: f64,
    #[schema(minimum = -180, maximum = 180)]
    lng: f64,
}

/// Every field is optional: the stored basket, profile location and
/// preferences fill in what is absent.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateBody {
    /// Lines to plan instead of the stored basket.
    #[serde(default, deserialize_with = "crate::json::objects_opt")]
    #[schema(max_items = 100)]
    basket: Option<Vec<LineBody>>,
    #[serde(default, deserialize_with = "crate::json::object_opt")]
    location: Option<LatLngBody>,
    /// Stops per offline plan.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 5)]
    max_stores: Option<u8>,
    /// Metres from the location (offline).
    #[serde(default)]
    #[schema(minimum = 100, maximum = 30000)]
    max_distance_m: Option<i64>,
    /// Offline: when the shopper leaves (RFC 3339; default now). Stores
    /// closed when the shopper could first get there are skipped
    /// (`meta.skipped_stores`). From 24 hours ago to 366 days ahead.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    departure_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Legacy route only (and required there): `offline` or `online`.
    #[serde(default)]
    #[schema(pattern = "^(offline|online)$")]
    mode: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectBody {
    plan_request_id: String,
    plan_id: String,
    /// Where the mall should send the shopper back: an https URL on the allowlist.
    #[serde(default)]
    return_url: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckoutDto {
    store_id: String,
    /// An https URL on the redirect allowlist.
    redirect_url: String,
}

/// The chosen offline plan as a shopping checklist, and its order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfflineSelection {
    order_id: String,
    order: OrderDto,
    checklist: PlanView,
}

/// One item's product page at its mall (from the shopping search's listing).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProductLinkDto {
    store_id: String,
    basket_item_id: String,
    name: String,
    quantity: u32,
    unit_price_krw: i64,
    /// An https URL on the redirect allowlist.
    url: String,
}

/// The chosen online plan's checkout links, and its order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OnlineSelection {
    order_id: String,
    order: OrderDto,
    /// Each mall's own page (its cart or home): the sample malls have no
    /// product pages, so this is not a filled cart.
    checkout: Vec<CheckoutDto>,
    /// The items whose prices came with a product page, to open one by one
    /// (empty for the sample malls).
    product_links: Vec<ProductLinkDto>,
    /// The first mall's checkout page, for browsers that block opening several tabs.
    fallback_url: Option<String>,
}

fn planning_error(e: PlanningError) -> ApiError {
    match e {
        PlanningError::EmptyBasket => ApiError::new(
            StatusCode::BAD_REQUEST,
            "EMPTY_BASKET",
            "the basket is empty: add items first",
        ),
        PlanningError::ClarificationRequired { lines } => {
            let mut err = ApiError::validation(lines.iter().map(|(id, name)| {
                (
                    format!("basket.{id}"),
                    format!("{name:?} is too short to match a product"),
                )
            }));
            err.code = "ITEM_CLARIFICATION_REQUIRED";
            err.message = "some items need a clearer name".into();
            err
        }
        PlanningError::Invalid(v) => ApiError::from_invalid(v),
        PlanningError::Override(o) => ApiError::validation([(o.field, o.message)]),
        PlanningError::NoPlanPossible { missing, degraded } => {
            let mut err = if degraded {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "DEPENDENCY_FAILURE",
                    "price sources failed and no store or mall that answered can supply any item of the basket; try again shortly",
                )
            } else {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "NO_PLAN_POSSIBLE",
                    "no store or mall can supply any item of the basket (`fields` says why for each)",
                )
            };
            err.fields = Some(
                missing
                    .into_iter()
                    .map(|m| (format!("basket.{}", m.basket_item_id), m.reason))
                    .collect(),
            );
            err
        }
        PlanningError::Repo(r) | PlanningError::Defaults(r) => r.into(),
    }
}

fn select_error(e: SelectError) -> ApiError {
    match e {
        SelectError::NotFound => ApiError::not_found("no such plan request"),
        SelectError::Expired => ApiError::new(
            StatusCode::GONE,
            "PLAN_EXPIRED",
            "this plan request has expired; generate plans again",
        ),
        SelectError::UnknownPlan(_) | SelectError::WrongMode(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "INVALID_SELECTION", e.to_string())
        }
        SelectError::Redirect(r) => invalid_redirect(&r.to_string()),
        SelectError::Repo(r) => r.into(),
    }
}

fn record_error(e: RecordError) -> ApiError {
    match e {
        RecordError::OtherPlanSelected => ApiError::new(
            StatusCode::CONFLICT,
            "CONFLICT",
            "another plan of this request was already selected",
        ),
        RecordError::Invalid(v) => ApiError::from_invalid(v),
        RecordError::Repo(r) => r.into(),
    }
}

/// A plan request id as a client sent it: one that is not a UUID names no
/// request of the shopper's, so it is not found (as an unknown one is).
fn request_id(raw: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(raw).map_err(|_| select_error(SelectError::NotFound))
}

fn invalid_redirect(message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_REDIRECT_URL", message)
}

impl GenerateBody {
    /// The body as overrides of the shopper's stored defaults (checked by
    /// the domain: `PlanOverrides::apply`).
    fn overrides(self) -> PlanOverrides {
        PlanOverrides {
            items: self.basket.map(|lines| {
                lines
                    .into_iter()
                    .map(|l| ItemOverride {
                        id: l.id,
                        product_id: l.product_id,
                        name: l.name,
                        quantity: l.quantity,
                    })
                    .collect()
            }),
            location: self.location.map(|l| (l.lat, l.lng)),
            max_stores: self.max_stores.map(i64::from),
            max_distance_m: self.max_distance_m,
            departure_at: self.departure_at,
        }
    }
}

async fn generate(
    state: &ApiState,
    user: &AuthUser,
    mode: PlanMode,
    body: GenerateBody,
) -> Result<HttpResponse, ApiError> {
    let started = std::time::Instant::now();
    let result = state
        .plans
        .generate_for(user.user.id, mode, body.overrides())
        .await;
    let outcome = match &result {
        Ok(a) if a.answer.meta.degraded => plan_outcome::DEGRADED,
        Ok(_) => plan_outcome::OK,
        Err(PlanningError::NoPlanPossible { degraded: true, .. } | PlanningError::Repo(_)) => {
            plan_outcome::ERROR
        }
        Err(_) => plan_outcome::REJECTED,
    };
    // A refused override or an unreadable basket never reached the planner.
    if !matches!(
        result,
        Err(PlanningError::Override(_) | PlanningError::Defaults(_))
    ) {
        state
            .metrics
            .plan_generated(mode.as_str(), outcome, started.elapsed().as_secs_f64());
    }
    let Generated {
        answer,
        json,
        lines,
    } = result.map_err(planning_error)?;
    tracing::info!(
        mode = mode.as_str(),
        lines,
        plans = answer.plans.len(),
        degraded = answer.meta.degraded,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "plans generated"
    );
    let status = if answer.meta.degraded {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    // The answer's JSON as stored with the plan request (serialised once).
    Ok(HttpResponse::build(status)
        .content_type(actix_web::http::header::ContentType::json())
        .body(json))
}

/// What the three generate routes answer (one list for the document).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
enum GenerateAnswers {
    /// Plans, best first.
    #[response(status = 200)]
    Plans(PlanAnswer),
    /// Degraded: a price source failed or missed its deadline
    /// (`meta.degraded`); the plans use what arrived.
    #[response(status = 206)]
    Degraded(PlanAnswer),
    /// EMPTY_BASKET, or INVALID_JSON.
    #[response(status = 400)]
    Empty(ErrorResponse),
    /// VALIDATION_FAILED; ITEM_CLARIFICATION_REQUIRED (`fields` names the
    /// lines); NO_PLAN_POSSIBLE: no line can be bought anywhere (`fields`
    /// gives each line's reason).
    #[response(status = 422)]
    Invalid(ErrorResponse),
    /// DEPENDENCY_FAILURE: price sources failed and what arrived supplies no
    /// line (`fields` gives each line's reason); or UNAVAILABLE.
    #[response(status = 503)]
    Unavailable(ErrorResponse),
}

/// The optional generate body of a route that fixes the mode itself: a
/// `mode` field is refused (it is only for `/plans/generate`).
fn body_without_mode(
    req: &actix_web::HttpRequest,
    body: &web::Bytes,
) -> Result<GenerateBody, ApiError> {
    let body: GenerateBody = crate::json::optional_body(req, body)?.unwrap_or_default();
    if body.mode.is_some() {
        return Err(ApiError::validation([(
            "mode",
            "is only for /plans/generate",
        )]));
    }
    Ok(body)
}

/// Plans for buying the basket at marts: ≤ `max_stores` stops in route order,
/// minimising goods + travel; labelled alternatives.
#[utoipa::path(post, path = "/api/v1/offline/plans/generate", tag = "plans", operation_id = "generateOfflinePlans",
    request_body(content = GenerateBody, description = "Optional (may be empty): overrides of the stored basket, location and preferences"),
    responses(GenerateAnswers))]
pub async fn generate_offline(
    req: actix_web::HttpRequest,
    state: web::Data<ApiState>,
    user: AuthUser,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = body_without_mode(&req, &body)?;
    generate(&state, &user, PlanMode::Offline, body).await
}

/// Plans for buying the basket across online malls, minimising goods +
/// delivery fees with minimum orders and free-delivery thresholds.
#[utoipa::path(post, path = "/api/v1/online/plans/generate", tag = "plans", operation_id = "generateOnlinePlans",
    request_body(content = GenerateBody, description = "Optional (may be empty): overrides of the stored basket, location and preferences"),
    responses(GenerateAnswers))]
pub async fn generate_online(
    req: actix_web::HttpRequest,
    state: web::Data<ApiState>,
    user: AuthUser,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = body_without_mode(&req, &body)?;
    generate(&state, &user, PlanMode::Online, body).await
}

/// Offline against online for the same basket: both are generated (and
/// stored as two plan requests) and their cheapest plans compared, so a
/// client can say e.g. "온라인이 3,200원 더 저렴". `cheaper` is set only when
/// both buy the same number of lines.
#[utoipa::path(post, path = "/api/v1/plans/compare", tag = "plans", operation_id = "comparePlans",
    request_body(content = GenerateBody, description = "Optional (may be empty): overrides of the stored basket, location and preferences, as for generate (without `mode`)"),
    responses(
        (status = 200, description = "Both modes' cheapest plans and which is cheaper", body = Comparison),
        (status = 400, description = "EMPTY_BASKET, or INVALID_JSON", body = ErrorResponse),
        (status = 422, description = "VALIDATION_FAILED; ITEM_CLARIFICATION_REQUIRED; NO_PLAN_POSSIBLE: neither mode can buy any line", body = ErrorResponse),
        (status = 503, description = "DEPENDENCY_FAILURE or UNAVAILABLE", body = ErrorResponse),
    ))]
pub async fn compare(
    req: actix_web::HttpRequest,
    state: web::Data<ApiState>,
    user: AuthUser,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body = body_without_mode(&req, &body)?;
    let comparison = state
        .plans
        .compare_for(user.user.id, body.overrides())
        .await
        .map_err(planning_error)?;
    Ok(HttpResponse::Ok().json(comparison))
}

/// The legacy route's query: old clients send `?mode=offline|online`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LegacyQuery {
    /// `offline` or `online`; if the body also names a mode, both must agree.
    #[serde(default)]
    #[param(pattern = "^(offline|online)$")]
    mode: Option<String>,
}

fn legacy_mode(raw: &str, field: &'static str) -> Result<PlanMode, ApiError> {
    match raw {
        "offline" => Ok(PlanMode::Offline),
        "online" => Ok(PlanMode::Online),
        _ => Err(ApiError::validation([(field, "must be offline or online")])),
    }
}

/// The legacy route: `mode` (in the body or, as old clients send it, in the
/// query) picks the new route's behaviour; the answer is the same.
#[utoipa::path(post, path = "/api/v1/plans/generate", tag = "plans", operation_id = "generatePlansLegacy",
    params(LegacyQuery),
    request_body(content = GenerateBody, description = "`mode` is required here, in the body or the query (both: they must agree, else 422); with the query form the body may be empty"),
    responses(GenerateAnswers))]
pub async fn generate_legacy(
    req: actix_web::HttpRequest,
    state: web::Data<ApiState>,
    user: AuthUser,
    query: web::Query<LegacyQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let body: GenerateBody = crate::json::optional_body(&req, &body)?.unwrap_or_default();
    let from_query = query
        .into_inner()
        .mode
        .map(|m| legacy_mode(&m, "mode"))
        .transpose()?;
    let from_body = body
        .mode
        .as_deref()
        .map(|m| legacy_mode(m, "mode"))
        .transpose()?;
    let mode = match (from_query, from_body) {
        (Some(q), Some(b)) if q != b => {
            return Err(ApiError::validation([(
                "mode",
                "the query says one mode and the body another",
            )]))
        }
        (Some(m), _) | (None, Some(m)) => m,
        (None, None) => {
            return Err(ApiError::validation([(
                "mode",
                "must be offline or online (in the body or the query)",
            )]))
        }
    };
    generate(&state, &user, mode, body).await
}

/// A stored plan answer, exactly as generate sent it.
#[utoipa::path(get, path = "/api/v1/plans/{plan_request_id}", tag = "plans", operation_id = "getPlanRequest",
    params(("plan_request_id" = uuid::Uuid, Path, description = "`plan_request_id` of a generate answer")),
    responses(
        (status = 200, description = "The stored answer (its `meta.degraded` tells whether it was degraded)", body = PlanAnswer),
        (status = 404, description = "NOT_FOUND: no such plan request of this shopper (also once an expired one is pruned)", body = ErrorResponse),
        (status = 410, description = "PLAN_EXPIRED: generate plans again", body = ErrorResponse),
    ))]
pub async fn get_stored(
    state: web::Data<ApiState>,
    user: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = state
        .plans
        .stored(user.user.id, request_id(&path.into_inner())?)
        .await
        .map_err(select_error)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("private, no-store"),
        ))
        .content_type(actix_web::http::header::ContentType::json())
        .body(request.payload))
}

/// What the two select routes answer besides their success (one list for
/// the document).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // documentation only
enum SelectErrors {
    /// INVALID_SELECTION (no such plan in the request, or another mode), INVALID_REDIRECT_URL, INVALID_JSON
    #[response(status = 400)]
    Invalid(ErrorResponse),
    /// NOT_FOUND: no such plan request of this shopper
    #[response(status = 404)]
    NotFound(ErrorResponse),
    /// CONFLICT: another plan of this request was already selected
    #[response(status = 409)]
    Conflict(ErrorResponse),
    /// PLAN_EXPIRED: generate plans again
    #[response(status = 410)]
    Expired(ErrorResponse),
}

/// Selects an offline plan: the checklist and an order (idempotent: selecting
/// the same plan again answers the same order).
#[utoipa::path(post, path = "/api/v1/offline/plans/select", tag = "plans", operation_id = "selectOfflinePlan",
    request_body = SelectBody,
    responses(
        (status = 200, description = "The checklist and the order", body = OfflineSelection),
        SelectErrors,
    ))]
pub async fn select_offline(
    state: web::Data<ApiState>,
    user: AuthUser,
    body: Json<Object<SelectBody>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner().0;
    if body.return_url.is_some() {
        state
            .plans
            .check_return_url(body.return_url.as_deref())
            .map_err(|e| invalid_redirect(&e.to_string()))?;
    }
    let selection = state
        .plans
        .find(
            user.user.id,
            PlanMode::Offline,
            request_id(&body.plan_request_id)?,
            &body.plan_id,
        )
        .await
        .map_err(select_error)?;
    let order = state
        .shopper
        .record_order(user.user.id, &selection)
        .await
        .map_err(record_error)?;
    Ok(HttpResponse::Ok().json(OfflineSelection {
        order_id: order.id.to_string(),
        order: OrderDto::from(&order),
        checklist: selection.plan,
    }))
}

/// Selects an online plan: checkout links per mall and an order (idempotent).
#[utoipa::path(post, path = "/api/v1/online/plans/select", tag = "plans", operation_id = "selectOnlinePlan",
    request_body = SelectBody,
    responses(
        (status = 200, description = "Checkout links and the order", body = OnlineSelection),
        SelectErrors,
    ))]
pub async fn select_online(
    state: web::Data<ApiState>,
    user: AuthUser,
    body: Json<Object<SelectBody>>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner().0;
    // Every URL is checked before anything is stored.
    let return_url = state
        .plans
        .check_return_url(body.return_url.as_deref())
        .map_err(|e| invalid_redirect(&e.to_string()))?;
    let selection = state
        .plans
        .find(
            user.user.id,
            PlanMode::Online,
            request_id(&body.plan_request_id)?,
            &body.plan_id,
        )
        .await
        .map_err(select_error)?;
    let links = state
        .plans
        .checkout_links(&selection.plan, return_url.as_deref())
        .map_err(|e| invalid_redirect(&e.to_string()))?;
    let order = state
        .shopper
        .record_order(user.user.id, &selection)
        .await
        .map_err(record_error)?;
    let checkout: Vec<CheckoutDto> = links
        .into_iter()
        .map(|l| CheckoutDto {
            store_id: l.store_id,
            redirect_url: l.redirect_url,
        })
        .collect();
    // If the shopper's browser blocks opening several tabs, the web app
    // shows these as plain links.
    let fallback_url = selection
        .plan
        .stops
        .first()
        .and_then(|s| s.store.checkout_url.clone());
    // Product pages were checked against the allowlist when the plans were
    // made; checked again here, since the allowlist may have changed since.
    let product_links = selection
        .plan
        .stops
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s, i)))
        .filter_map(|(s, i)| {
            let url = i.listing.as_ref()?.url.as_deref()?;
            let url = state.plans.allowlist().check(url).ok()?.into_string();
            Some(ProductLinkDto {
                store_id: s.store.id.clone(),
                basket_item_id: i.basket_item_id.clone(),
                name: i.product.name.clone(),
                quantity: i.quantity,
                unit_price_krw: i.unit_price_krw,
                url,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(OnlineSelection {
        order_id: order.id.to_string(),
        order: OrderDto::from(&order),
        checkout,
        product_links,
        fallback_url,
    }))
}
