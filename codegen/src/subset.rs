//! Builds of some resources only: a cargo feature per top-level resource of
//! each API (`ofauth-messages`, `onlyfansapi-chats`), so that a program that
//! needs one resource compiles its operations and the types they reach, not
//! the whole API.
//!
//! The features are named after the [`naming`](crate::naming) tree of the
//! whole API, and the subset is cut from the whole model: an operation keeps
//! its place, and a type its name, whatever else is enabled. The API's own
//! feature (`ofauth`) builds every operation, so that a resource the vendor
//! adds before the crate's feature list names it is never left out.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::apis::ApiDef;
use crate::model::Operation;
use crate::{normalize, walk};

/// The cargo feature of a top-level resource (`user_lists` →
/// `ofauth-user-lists`).
pub fn resource_feature(api: ApiDef, resource: &str) -> String {
    format!(
        "{}-{}",
        api.name,
        resource.trim_end_matches('_').replace('_', "-")
    )
}

/// The feature an operation is built under: its top-level resource's, under
/// the account handle or not. `None` for an operation on the client itself
/// (built whenever the API is).
pub fn operation_feature(api: ApiDef, op: &Operation) -> Option<String> {
    op.route
        .resources
        .first()
        .map(|top| resource_feature(api, top))
}

/// Every resource feature of an API, in name order.
pub fn features(api: ApiDef, operations: &[Operation]) -> BTreeSet<String> {
    operations
        .iter()
        .filter_map(|op| operation_feature(api, op))
        .collect()
}

/// The operations of the enabled features, and the spec cut to them: only
/// their paths, and only the component schemas they (or the webhook events,
/// which the API's `webhooks` module decodes whatever is enabled) reach.
pub fn keep(
    api: ApiDef,
    spec: &Value,
    operations: &[Operation],
    enabled: impl Fn(&str) -> bool,
) -> (Value, Vec<Operation>) {
    let kept: Vec<Operation> = operations
        .iter()
        .filter(|op| operation_feature(api, op).is_none_or(|feature| enabled(&feature)))
        .cloned()
        .collect();
    let routes: BTreeSet<(String, String)> = kept
        .iter()
        .map(|op| (op.path.clone(), op.method.to_ascii_lowercase()))
        .collect();
    let mut cut = spec.clone();
    walk::retain_operations(&mut cut, |path, method, _| {
        routes.contains(&(path.to_owned(), method.to_owned()))
    });
    let no_schemas = Value::Null;
    let schemas = spec.pointer("/components/schemas").unwrap_or(&no_schemas);
    let mut reached = BTreeSet::new();
    if let Some(paths) = cut.get("paths") {
        walk::collect_component_refs(paths, schemas, &mut reached);
    }
    for (_, component) in normalize::webhooks::events(spec) {
        walk::collect_component_refs(&walk::component_ref(&component), schemas, &mut reached);
    }
    if let Some(schemas) = cut
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| reached.contains(name));
    }
    (cut, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apis::OFAUTH;
    use crate::naming::Route;

    fn op(method: &str, path: &str, resources: &[&str]) -> Operation {
        Operation {
            name: path.trim_matches('/').replace('/', "_"),
            id: path.into(),
            route: Route {
                resources: resources.iter().map(|r| (*r).to_owned()).collect(),
                method: "list".into(),
                account: None,
                repaired: None,
            },
            method: method.into(),
            path: path.into(),
            doc: String::new(),
            params: Vec::new(),
            body: None,
            response: crate::model::ResponseKind::Empty,
            pagination: None,
            no_stream: None,
        }
    }

    #[test]
    fn features_are_named_after_top_level_resources() {
        assert_eq!(resource_feature(OFAUTH, "user_lists"), "ofauth-user-lists");
        // A resource renamed because the client has a method of its name.
        assert_eq!(resource_feature(OFAUTH, "request_"), "ofauth-request");
        let ops = [
            op("GET", "/chats", &["messages"]),
            op("GET", "/chats/x", &["messages", "media"]),
            op("GET", "/lists", &["user_lists"]),
            op("GET", "/ping", &[]),
        ];
        assert_eq!(
            features(OFAUTH, &ops).into_iter().collect::<Vec<_>>(),
            ["ofauth-messages", "ofauth-user-lists"]
        );
    }

    #[test]
    fn a_subset_keeps_its_operations_and_the_schemas_they_or_the_webhooks_reach() {
        let spec = serde_json::json!({
            "paths": {
                "/chats": {"get": {"responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Chats"}}}}}}},
                "/lists": {"get": {"responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Lists"}}}}}}},
                "/ping": {"get": {"responses": {"204": {"description": "ok"}}}}
            },
            "components": {"schemas": {
                "Chats": {"type": "array", "items": {"$ref": "#/components/schemas/Chat"}},
                "Chat": {"type": "object"},
                "Lists": {"type": "object"},
                "ChatCreatedEvent": {"type": "object", "properties": {
                    "user": {"$ref": "#/components/schemas/User"}}},
                "User": {"type": "object"}
            }},
            "x-webhook-events": {"chat.created": "ChatCreatedEvent"}
        });
        let ops = [
            op("GET", "/chats", &["messages"]),
            op("GET", "/lists", &["user_lists"]),
            op("GET", "/ping", &[]),
        ];
        let (cut, kept) = keep(OFAUTH, &spec, &ops, |f| f == "ofauth-messages");
        let kept: Vec<&str> = kept.iter().map(|op| op.path.as_str()).collect();
        assert_eq!(kept, ["/chats", "/ping"]);
        let paths: Vec<&String> = cut["paths"].as_object().unwrap().keys().collect();
        assert_eq!(paths, ["/chats", "/ping"]);
        let schemas: Vec<&String> = cut["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["Chats", "Chat", "ChatCreatedEvent", "User"]);
    }
}
