//! OpenAPI links between operations.

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::Modify;

use super::errors::operations_mut;

/// OpenAPI links: how the answer of one operation feeds the next (a client
/// generator's hints, and what lets a stateful fuzzer reach past 404s).
pub(super) struct Links;

/// (from operationId, status, link name, to operationId, parameters, request body)
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    Option<fn() -> serde_json::Value>,
);

pub(super) const LINKS: &[LinkSpec] = &[
    (
        "createReservation",
        "201",
        "GetReservation",
        "getReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "PatchReservation",
        "patchReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "ListRuns",
        "listReservationRuns",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "RunNow",
        "runReservationNow",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createReservation",
        "201",
        "CancelReservation",
        "cancelReservation",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createOrder",
        "201",
        "GetOrder",
        "getOrder",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createOrder",
        "201",
        "PayOrder",
        "createPaymentIntent",
        &[],
        Some(
            || serde_json::json!({"order_id": "$response.body#/id", "amount_krw": "$response.body#/total_krw"}),
        ),
    ),
    (
        "createPaymentIntent",
        "201",
        "GetIntent",
        "getPaymentIntent",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "createPaymentIntent",
        "201",
        "ConfirmIntent",
        "confirmPaymentIntent",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "addPaymentMethod",
        "201",
        "DeleteMethod",
        "deletePaymentMethod",
        &[("id", "$response.body#/id")],
        None,
    ),
    (
        "addBasketItem",
        "201",
        "PatchItem",
        "patchBasketItem",
        &[("id", "$response.body#/items/0/id")],
        None,
    ),
    (
        "addBasketItem",
        "201",
        "DeleteItem",
        "deleteBasketItem",
        &[("id", "$response.body#/items/0/id")],
        None,
    ),
    (
        "generateOfflinePlans",
        "200",
        "SelectPlan",
        "selectOfflinePlan",
        &[],
        Some(
            || serde_json::json!({"plan_request_id": "$response.body#/plan_request_id", "plan_id": "$response.body#/plans/0/plan_id"}),
        ),
    ),
    (
        "generateOnlinePlans",
        "200",
        "SelectPlan",
        "selectOnlinePlan",
        &[],
        Some(
            || serde_json::json!({"plan_request_id": "$response.body#/plan_request_id", "plan_id": "$response.body#/plans/0/plan_id"}),
        ),
    ),
];

impl Modify for Links {
    fn modify(&self, openapi: &mut Document) {
        for item in openapi.paths.paths.values_mut() {
            for op in operations_mut(item) {
                let id = op.operation_id.clone().unwrap_or_default();
                for (from, status, name, to, params, body) in LINKS {
                    if *from != id {
                        continue;
                    }
                    let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) else {
                        continue;
                    };
                    let mut link = LinkBuilder::new().operation_id(*to);
                    for (param, expr) in *params {
                        link = link.parameter(*param, *expr);
                    }
                    if let Some(body) = body {
                        link = link.request_body(Some(body()));
                    }
                    response
                        .links
                        .insert((*name).to_owned(), RefOr::T(link.build()));
                }
            }
        }
    }
}
