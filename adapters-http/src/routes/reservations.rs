//! `/api/v1/reservations/*` and `/api/v1/notifications`.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttokjang_domain::notification::Notification;
use ttokjang_domain::page::{Page, PageRequest};
use ttokjang_domain::reservation::service::{ReservationInput, ReservationPatch};
use ttokjang_domain::reservation::{
    once_run_at, PlannedItem, PlannedItemInput, Reservation, ReservationError, ReservationId,
    ReservationRun, ScheduleInput,
};
use uuid::Uuid;

use crate::error::ApiError;
use crate::guard::AuthUser;
use crate::json::{Json, Object};
use crate::state::ApiState;

impl From<ReservationError> for ApiError {
    fn from(e: ReservationError) -> Self {
        match e {
            ReservationError::Invalid(v) => Self::from_invalid(v),
            ReservationError::Conflict(m) => Self::new(StatusCode::CONFLICT, "CONFLICT", m),
            ReservationError::NotFound => Self::not_found("no such reservation"),
            ReservationError::LimitReached { max } => Self::new(
                StatusCode::CONFLICT,
                "CONFLICT",
                format!("at most {max} reservations may be active or paused; cancel one first"),
            ),
            ReservationError::Duplicate { existing } => {
                let mut e = Self::new(
                    StatusCode::CONFLICT,
                    "DUPLICATE_RESERVATION",
                    format!("an identical reservation exists already: {existing}"),
                );
                e.fields = Some(
                    [("existing_id".to_owned(), existing.to_string())]
                        .into_iter()
                        .collect(),
                );
                e
            }
            ReservationError::Repo(r) => r.into(),
        }
    }
}

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

impl ListQuery {
    fn page(&self) -> Result<PageRequest, ApiError> {
        PageRequest::parse(self.limit, self.cursor.as_deref()).map_err(ApiError::from_invalid)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageDto<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

fn page_dto<T, U>(page: Page<T>, f: impl FnMut(T) -> U) -> PageDto<U> {
    let next_cursor = page.next_cursor.map(|c| c.encode());
    PageDto {
        items: page.items.into_iter().map(f).collect(),
        next_cursor,
    }
}

/// A new reservation. `once` needs `run_at` (local date-time, e.g.
/// `2026-12-01T09:00`); `daily` `time_of_day` (`HH:MM`); `weekly` also
/// `days_of_week` (1 = Monday … 7 = Sunday); `monthly` `day_of_month` (1–31,
/// the last day in shorter months).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = ReservationCreate)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    #[schema(min_length = 1, max_length = 60)]
    title: String,
    /// Default `offline`.
    #[serde(default)]
    #[schema(pattern = "^(offline|online)$")]
    mode: Option<String>,
    #[schema(pattern = "^(once|daily|weekly|monthly)$")]
    schedule_type: String,
    #[serde(default)]
    run_at: Option<String>,
    /// `HH:MM`, local.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{2}:[0-9]{2}$")]
    time_of_day: Option<String>,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 7, inline)]
    days_of_week: Option<Vec<DayOfWeek>>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 31)]
    day_of_month: Option<i64>,
    /// IANA zone; default `Asia/Seoul`.
    #[serde(default)]
    timezone: Option<String>,
    /// `in_app` (default), `webhook` (with `webhook_url`) or `email`.
    #[serde(default)]
    #[schema(pattern = "^(in_app|webhook|email)$")]
    channel: Option<String>,
    /// An https URL, for channel `webhook`.
    #[serde(default)]
    #[schema(max_length = 2048)]
    webhook_url: Option<String>,
    /// The reservation's own item list (1 to 100 lines, one per product or
    /// name); absent or `null`: each run plans the current basket.
    #[serde(default, deserialize_with = "crate::json::objects_opt")]
    #[schema(min_items = 1, max_items = 100)]
    planned_items: Option<Vec<PlannedItemBody>>,
}

/// One line of a reservation's own item list: a catalog product
/// (`product_id`, `name` optional: the catalog's name is used) or a
/// free-text line (`name`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = PlannedItemBody)]
#[serde(deny_unknown_fields)]
pub struct PlannedItemBody {
    /// A catalog product's id (from `/catalog/products`); unknown ids are refused.
    #[serde(default)]
    #[schema(max_length = 64)]
    product_id: Option<String>,
    /// Required without `product_id`.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100)]
    name: Option<String>,
    #[schema(minimum = 1, maximum = 99)]
    quantity: i64,
}

impl From<PlannedItemBody> for PlannedItemInput {
    fn from(b: PlannedItemBody) -> Self {
        Self {
            product_id: b.product_id,
            name: b.name,
            quantity: b.quantity,
        }
    }
}

fn planned_inputs(items: Vec<PlannedItemBody>) -> Vec<PlannedItemInput> {
    items.into_iter().map(PlannedItemInput::from).collect()
}

/// Absent → `None` (keep); `null` → `Some(None)` (clear); a list of objects → replace.
fn present_objects<'de, D, T>(d: D) -> Result<Option<Option<Vec<T>>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    crate::json::objects_opt(d).map(Some)
}

/// A line of a reservation's own item list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlannedItemDto {
    product_id: Option<String>,
    name: String,
    quantity: i64,
}

impl From<&PlannedItem> for PlannedItemDto {
    fn from(i: &PlannedItem) -> Self {
        Self {
            product_id: i.product_id.as_ref().map(|p| p.as_str().to_owned()),
            name: i.name.as_str().to_owned(),
            quantity: i.quantity.get(),
        }
    }
}

/// 1 = Monday … 7 = Sunday.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(minimum = 1, maximum = 7)]
pub struct DayOfWeek(i64);

/// Changes: `status` `paused`/`active` pauses or resumes; schedule fields reschedule.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[schema(as = ReservationPatch)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 60)]
    title: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(offline|online)$")]
    mode: Option<String>,
    /// `paused` pauses, `active` resumes.
    #[serde(default)]
    #[schema(pattern = "^(active|paused)$")]
    status: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(once|daily|weekly|monthly)$")]
    schedule_type: Option<String>,
    #[serde(default)]
    run_at: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[0-9]{2}:[0-9]{2}$")]
    time_of_day: Option<String>,
    #[serde(default)]
    #[schema(min_items = 1, max_items = 7, inline)]
    days_of_week: Option<Vec<DayOfWeek>>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 31)]
    day_of_month: Option<i64>,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(in_app|webhook|email)$")]
    channel: Option<String>,
    #[serde(default)]
    #[schema(max_length = 2048)]
    webhook_url: Option<String>,
    /// Absent keeps the list; `null` clears it (runs plan the current
    /// basket); a list (1 to 100 lines) replaces it.
    #[serde(default, deserialize_with = "present_objects")]
    #[schema(value_type = Option<Vec<PlannedItemBody>>, required = false, min_items = 1, max_items = 100)]
    planned_items: Option<Option<Vec<PlannedItemBody>>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReservationDto {
    id: String,
    title: String,
    /// `offline` or `online`.
    #[schema(value_type = String)]
    mode: &'static str,
    /// `once`, `daily`, `weekly` or `monthly`.
    schedule_type: String,
    /// `once` only: local time with the zone's offset.
    run_at: Option<String>,
    time_of_day: Option<String>,
    days_of_week: Option<Vec<i64>>,
    day_of_month: Option<i64>,
    timezone: String,
    /// `in_app`, `webhook` or `email`.
    #[schema(value_type = String)]
    channel: &'static str,
    webhook_url: Option<String>,
    /// The reservation's own item list; `null`: each run plans the current basket.
    planned_items: Option<Vec<PlannedItemDto>>,
    /// `active`, `paused`, `completed`, `failed` or `cancelled`.
    #[schema(value_type = String)]
    status: &'static str,
    next_run_at: Option<DateTime<Utc>>,
    last_run_at: Option<DateTime<Utc>>,
    /// `success`, `degraded`, `failed` or `null`.
    #[schema(value_type = Option<String>)]
    last_result_status: Option<&'static str>,
    retry_count: u32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<&Reservation> for ReservationDto {
    fn from(r: &Reservation) -> Self {
        let s = ScheduleInput::from_schedule(&r.schedule);
        Self {
            id: r.id.to_string(),
            title: r.title.as_str().to_owned(),
            mode: r.mode.as_str(),
            schedule_type: s.schedule_type,
            run_at: once_run_at(&r.schedule),
            time_of_day: s.time_of_day,
            days_of_week: s.days_of_week,
            day_of_month: s.day_of_month,
            timezone: r.schedule.timezone().to_owned(),
            channel: r.channel.kind(),
            webhook_url: r.channel.webhook_url().map(|u| u.as_str().to_owned()),
            planned_items: r
                .planned_items
                .as_ref()
                .map(|items| items.iter().map(PlannedItemDto::from).collect()),
            status: r.status.as_str(),
            next_run_at: r.next_run_at,
            last_run_at: r.last_run_at,
            last_result_status: r.last_result_status.map(|s| s.as_str()),
            retry_count: r.retry_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReservationRunDto)]
pub struct RunDto {
    id: String,
    reservation_id: String,
    scheduled_for: DateTime<Utc>,
    /// `schedule` or `manual`.
    #[schema(value_type = String)]
    trigger: &'static str,
    attempt: u32,
    /// `queued`, `running`, `success`, `degraded`, `failed` or `missed`.
    #[schema(value_type = String)]
    status: &'static str,
    summary: String,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    /// The plan request the run produced: `GET /plans/{plan_request_id}`.
    plan_request_id: Option<String>,
}

impl From<&ReservationRun> for RunDto {
    fn from(r: &ReservationRun) -> Self {
        Self {
            id: r.id.to_string(),
            reservation_id: r.reservation_id.to_string(),
            scheduled_for: r.scheduled_for,
            trigger: r.trigger.as_str(),
            attempt: r.attempt,
            status: r.status.as_str(),
            summary: r.summary.clone(),
            started_at: r.started_at,
            finished_at: r.finished_at,
            plan_request_id: r.plan_request_id.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NotificationDto {
    id: String,
    reservation_id: Option<String>,
    run_id: Option<String>,
    title: String,
    body: String,
    created_at: DateTime<Utc>,
    /// A run that made plans links to them: `GET /plans/{plan_request_id}`.
    plan_request_id: Option<String>,
    read: bool,
    read_at: Option<DateTime<Utc>>,
}

impl From<Notification> for NotificationDto {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id.to_string(),
            reservation_id: n.reservation_id.map(|r| r.to_string()),
            run_id: n.run_id.map(|r| r.to_string()),
            title: n.title,
            body: n.body,
            created_at: n.created_at,
            plan_request_id: n.plan_request_id,
            read: n.read_at.is_some(),
            read_at: n.read_at,
        }
    }
}

fn days(d: Vec<DayOfWeek>) -> Vec<i64> {
    d.into_iter().map(|DayOfWeek(n)| n).collect()
}

/// A malformed id names no reservation: 404, like another user's.
fn reservation_id(raw: &str) -> Result<ReservationId, ApiError> {
    Uuid::parse_str(raw)
        .map(ReservationId)
        .map_err(|_| ApiError::not_found("no such reservation"))
}

#[utoipa::path(get, path = "/api/v1/reservations", tag = "reservations", operation_id = "listReservations",
    params(ListQuery),
    responses((status = 200, description = "A page of reservations", body = PageDto<ReservationDto>)))]
pub async fn list(
    state: web::Data<ApiState>,
    auth: AuthUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .reservations
        .list(auth.user.id, &query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page_dto(page, |r| ReservationDto::from(&r))))
}

#[utoipa::path(post, path = "/api/v1/reservations", tag = "reservations", operation_id = "createReservation",
    request_body = CreateBody,
    responses(
        (status = 201, description = "The reservation; `Location` names it", body = ReservationDto),
        (status = 409, description = "CONFLICT: too many active or paused reservations; DUPLICATE_RESERVATION: an identical active or paused one exists (`fields.existing_id` names it)", body = crate::openapi::ErrorResponse),
    ))]
pub async fn create(
    state: web::Data<ApiState>,
    auth: AuthUser,
    body: Json<Object<CreateBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let input = ReservationInput {
        title: b.title,
        mode: b.mode,
        schedule: ScheduleInput {
            schedule_type: b.schedule_type,
            run_at: b.run_at,
            time_of_day: b.time_of_day,
            days_of_week: b.days_of_week.map(days),
            day_of_month: b.day_of_month,
            timezone: b.timezone,
        },
        channel: b.channel,
        webhook_url: b.webhook_url,
        planned_items: b.planned_items.map(planned_inputs),
    };
    let r = state.reservations.create(auth.user.id, input).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/reservations/{}", r.id)))
        .json(ReservationDto::from(&r)))
}

#[utoipa::path(get, path = "/api/v1/reservations/{id}", tag = "reservations", operation_id = "getReservation",
    params(("id" = uuid::Uuid, Path, description = "The reservation's id")),
    responses((status = 200, description = "The reservation", body = ReservationDto), (status = 404, description = "NOT_FOUND: no such reservation of this shopper", body = crate::openapi::ErrorResponse)))]
pub async fn get(
    state: web::Data<ApiState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = reservation_id(&path)?;
    let r = state.reservations.get(auth.user.id, id).await?;
    Ok(HttpResponse::Ok().json(ReservationDto::from(&r)))
}

/// Pauses, resumes, renames or reschedules.
#[utoipa::path(patch, path = "/api/v1/reservations/{id}", tag = "reservations", operation_id = "patchReservation",
    params(("id" = uuid::Uuid, Path, description = "The reservation's id")), request_body = PatchBody,
    responses(
        (status = 200, description = "The reservation", body = ReservationDto), (status = 404, description = "NOT_FOUND: no such reservation of this shopper", body = crate::openapi::ErrorResponse),
        (status = 409, description = "CONFLICT: the change does not fit the reservation's state (e.g. resuming a cancelled one)", body = crate::openapi::ErrorResponse),
    ))]
pub async fn patch(
    req: actix_web::HttpRequest,
    state: web::Data<ApiState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = reservation_id(&path)?;
    // Raw bytes so that `[]` (serde's "struct as a sequence") is refused like
    // any other non-object; an empty patch must be written `{}`.
    let b: PatchBody = crate::json::required_body(&req, &body)?;
    let patch = ReservationPatch {
        title: b.title,
        mode: b.mode,
        status: b.status,
        schedule_type: b.schedule_type,
        run_at: b.run_at,
        time_of_day: b.time_of_day,
        days_of_week: b.days_of_week.map(days),
        day_of_month: b.day_of_month,
        timezone: b.timezone,
        channel: b.channel,
        webhook_url: b.webhook_url,
        planned_items: b.planned_items.map(|list| list.map(planned_inputs)),
    };
    let r = state.reservations.update(auth.user.id, id, patch).await?;
    Ok(HttpResponse::Ok().json(ReservationDto::from(&r)))
}

/// Cancels; the reservation and its runs stay readable.
#[utoipa::path(delete, path = "/api/v1/reservations/{id}", tag = "reservations", operation_id = "cancelReservation",
    params(("id" = uuid::Uuid, Path, description = "The reservation's id")),
    responses((status = 204, description = "Cancelled"), (status = 404, description = "NOT_FOUND: no such reservation of this shopper", body = crate::openapi::ErrorResponse),
        (status = 409, description = "CONFLICT: already finished", body = crate::openapi::ErrorResponse)))]
pub async fn cancel(
    state: web::Data<ApiState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = reservation_id(&path)?;
    state.reservations.cancel(auth.user.id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What each run did, newest first.
#[utoipa::path(get, path = "/api/v1/reservations/{id}/runs", tag = "reservations", operation_id = "listReservationRuns",
    params(("id" = uuid::Uuid, Path, description = "The reservation's id"), ListQuery),
    responses((status = 200, description = "A page of runs", body = PageDto<RunDto>), (status = 404, description = "NOT_FOUND: no such reservation of this shopper", body = crate::openapi::ErrorResponse)))]
pub async fn runs(
    state: web::Data<ApiState>,
    auth: AuthUser,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = reservation_id(&path)?;
    let page = state
        .reservations
        .runs(auth.user.id, id, &query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page_dto(page, |r| RunDto::from(&r))))
}

/// 202: the run is queued for the scheduler's next tick. A paused
/// reservation may be run now too (the shopper asks for this one run; the
/// reservation stays paused and its schedule untouched); a cancelled,
/// completed or failed one may not (409).
#[utoipa::path(post, path = "/api/v1/reservations/{id}/run", tag = "reservations", operation_id = "runReservationNow",
    params(("id" = uuid::Uuid, Path, description = "The reservation's id")),
    responses((status = 202, description = "Queued for the scheduler's next tick", body = RunDto), (status = 404, description = "NOT_FOUND: no such reservation of this shopper", body = crate::openapi::ErrorResponse),
        (status = 409, description = "CONFLICT: the reservation is cancelled, completed or failed, or a run is already queued", body = crate::openapi::ErrorResponse)))]
pub async fn run_now(
    state: web::Data<ApiState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = reservation_id(&path)?;
    let run = state.reservations.run_now(auth.user.id, id).await?;
    Ok(HttpResponse::Accepted().json(RunDto::from(&run)))
}

/// The in-app inbox: what reservation runs told the shopper, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "reservations", operation_id = "listNotifications",
    params(ListQuery),
    responses((status = 200, description = "A page of notifications", body = PageDto<NotificationDto>)))]
pub async fn notifications(
    state: web::Data<ApiState>,
    auth: AuthUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .notifications
        .list(auth.user.id, &query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(page_dto(page, NotificationDto::from)))
}

/// How many notifications are unread (the inbox badge).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnreadDto {
    unread: u64,
}

#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "reservations", operation_id = "countUnreadNotifications",
    responses((status = 200, description = "The number of unread notifications", body = UnreadDto)))]
pub async fn unread_count(
    state: web::Data<ApiState>,
    auth: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let unread = state.notifications.unread_count(auth.user.id).await?;
    Ok(HttpResponse::Ok().json(UnreadDto { unread }))
}

/// Which notifications to mark read: `ids`, or `all: true`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadBody {
    /// The notifications' ids (other shoppers' ids and unknown ones are ignored).
    #[serde(default)]
    #[schema(max_items = 100)]
    ids: Option<Vec<Uuid>>,
    /// Every unread notification.
    #[serde(default)]
    all: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MarkedDto {
    /// How many were unread and are now read.
    marked: u64,
    /// How many stay unread.
    unread: u64,
}

/// Marks notifications read (idempotent: read ones stay read, at their first time).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "reservations", operation_id = "markNotificationsRead",
    request_body = MarkReadBody,
    responses((status = 200, description = "How many were marked and how many stay unread", body = MarkedDto)))]
pub async fn mark_read(
    state: web::Data<ApiState>,
    auth: AuthUser,
    body: web::Json<Object<MarkReadBody>>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner().0;
    let now = state.reservations.now();
    let user = auth.user.id;
    let marked = match (b.ids, b.all) {
        (Some(ids), None | Some(false)) => {
            if ids.is_empty() || ids.len() > 100 {
                return Err(ApiError::validation([("ids", "1 to 100 ids")]));
            }
            state.notifications.mark_read(user, &ids, now).await?
        }
        (None, Some(true)) => state.notifications.mark_all_read(user, now).await?,
        _ => {
            return Err(ApiError::validation([(
                "ids",
                "send either ids or \"all\": true",
            )]))
        }
    };
    let unread = state.notifications.unread_count(user).await?;
    Ok(HttpResponse::Ok().json(MarkedDto { marked, unread }))
}
