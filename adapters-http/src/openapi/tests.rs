use utoipa::openapi::path::Operation;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::RefOr;

use super::links::LINKS;
use super::*;

#[test]
fn every_route_of_the_contract_is_documented() {
    let doc = document();
    let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
    for p in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/me",
        "/api/v1/users/me/profile",
        "/api/v1/users/me/orders",
        "/api/v1/preferences",
        "/api/v1/basket",
        "/api/v1/basket/items",
        "/api/v1/basket/items/{id}",
        "/api/v1/catalog/products",
        "/api/v1/catalog/stores",
        "/api/v1/catalog/sources",
        "/api/v1/offline/plans/generate",
        "/api/v1/offline/plans/select",
        "/api/v1/online/plans/generate",
        "/api/v1/online/plans/select",
        "/api/v1/plans/generate",
        "/api/v1/reservations",
        "/api/v1/reservations/{id}",
        "/api/v1/reservations/{id}/runs",
        "/api/v1/reservations/{id}/run",
        "/api/v1/chat",
        "/api/v1/chat/history",
        "/api/v1/chat/turns/{id}/undo",
        "/api/v1/users/me/payment-methods",
        "/api/v1/payments/intents",
        "/api/v1/payments/intents/{id}/confirm",
        "/api/v1/payments/intents/{id}",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains(&p), "{p} is missing from the document");
    }
}

/// Every `$ref` names a schema of the document (utoipa does not collect
/// the types of `IntoResponses` lists by itself).
#[test]
fn every_schema_reference_resolves() {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(document()).expect("serialisable");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 50, "{} references", found.len());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} names no schema"
        );
    }
}

#[test]
fn every_link_joins_two_documented_operations() {
    let doc = document();
    let ops: std::collections::BTreeMap<String, &Operation> = doc
        .paths
        .paths
        .values()
        .flat_map(|i| [&i.get, &i.put, &i.post, &i.delete, &i.patch])
        .flatten()
        .map(|o| (o.operation_id.clone().unwrap_or_default(), o))
        .collect();
    for (from, status, name, to, _, _) in LINKS {
        assert!(ops.contains_key(*to), "{to} is not an operation");
        let op = ops
            .get(*from)
            .unwrap_or_else(|| panic!("{from} is not an operation"));
        let Some(RefOr::T(r)) = op.responses.responses.get(*status) else {
            panic!("{from} has no {status} answer");
        };
        assert!(r.links.contains_key(*name), "{from} {status} lacks {name}");
    }
}

#[test]
fn allow_lists_the_documented_methods() {
    assert_eq!(allowed_methods("/api/v1/basket"), Some("GET, PUT"));
    assert_eq!(
        allowed_methods("/api/v1/basket/items/{id}"),
        Some("DELETE, PATCH")
    );
    assert_eq!(allowed_methods("/healthz"), Some("GET"));
    assert_eq!(allowed_methods("/nope"), None);
}

#[test]
fn operation_ids_are_unique_and_guarded_operations_answer_401() {
    let doc = document();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in &doc.paths.paths {
        for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
            .into_iter()
            .flatten()
        {
            let id = op.operation_id.clone().unwrap_or_default();
            assert!(ids.insert(id.clone()), "duplicate operationId {id}");
            let public = op
                .security
                .as_ref()
                .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
            assert!(
                public || op.responses.responses.contains_key("401"),
                "{path} {id}"
            );
        }
    }
}
