//! Response schemas describe what the API *usually* sends; decoding must accept
//! what it *really* sends.
//!
//! Real OnlyFans payloads put `null` where the spec says "required string"
//! (`createdAt`, `files.full.url`), omit "required" fields (`files.preview.options`,
//! media `releaseForms`) and grow new fields and enum values over time. A client
//! that fails a whole page of chats on one such field is useless, so every schema
//! that only responses use is loosened, generically:
//!
//! - only identity (`id`) stays required: the API always sends it and callers key
//!   on it; every other property becomes optional and nullable (`Option<T>`,
//!   accepting both a missing field and `null`);
//! - string `enum`s become open: marked for [`super::open_enums`] (`Open<E>`,
//!   the known values or the text received), or, with one value only, a
//!   string whose description names it; so a new value is data, not a
//!   decode error;
//! - `additionalProperties: false` is dropped (unknown fields are ignored);
//! - a schema an overlay marks `x-any-json: true` is any JSON value: what a
//!   rule cannot know, such as a field the vendor's PHP sends as `[]` when
//!   empty and as a map otherwise (OnlyFansAPI's `sortList`, typed a list).
//!
//! Webhook events (see [`super::webhooks`]) are received like responses.
//! Schemas that requests use too are left strict (a request type must not lose its
//! required fields) and named in the report.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::Report;
use super::open_enums::OPEN_ENUM;
use crate::walk::{self, RootKind};

/// The overlay's mark of a schema that is any JSON value.
pub const ANY_JSON: &str = "x-any-json";

/// Properties that stay required in responses when the spec requires them.
const IDENTITY: [&str; 1] = ["id"];

pub fn apply(doc: &mut Value, report: &mut Report) {
    let (response_refs, request_refs) = reachable_components(doc);
    let shared: Vec<&String> = response_refs.intersection(&request_refs).collect();
    if !shared.is_empty() {
        report.note(format!(
            "kept strict (used by requests too): {}",
            shared
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut loosened = 0usize;
    walk::for_each_root_mut(doc, &mut |root, schema| {
        let tolerant = match &root.kind {
            RootKind::Response { .. } => true,
            RootKind::Component(name) => {
                response_refs.contains(name) && !request_refs.contains(name)
            }
            _ => false,
        };
        if tolerant {
            walk::visit_pre_mut(schema, &mut Vec::new(), &mut |s, _| {
                loosened += usize::from(loosen(s));
            });
        }
    });
    if loosened > 0 {
        report.note(format!("loosened {loosened} response schemas"));
    }
}

/// Loosens one schema in place; true when anything changed.
fn loosen(schema: &mut Value) -> bool {
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    let before = obj.clone();

    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, prop) in props.iter_mut() {
            if IDENTITY.contains(&name.as_str()) {
                continue;
            }
            // A bare `$ref` cannot carry `nullable` in 3.0; optional already
            // decodes `null` as `None` for it.
            if let Some(prop) = prop.as_object_mut().filter(|p| !p.contains_key("$ref")) {
                prop.insert("nullable".into(), json!(true));
            }
        }
        let keep: Vec<Value> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter(|v| v.as_str().is_some_and(|n| IDENTITY.contains(&n)))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if keep.is_empty() {
            obj.remove("required");
        } else {
            obj.insert("required".into(), Value::Array(keep));
        }
    }

    let values = match obj.get("enum") {
        Some(Value::Array(values)) if obj.get("type").and_then(Value::as_str) == Some("string") => {
            Some(values.clone())
        }
        _ => None,
    };
    if let Some(values) = values {
        // Kept machine-readable, for rules that recognise a set of values
        // (media kinds become `crate::MediaKind`).
        obj.insert("x-known-values".into(), Value::Array(values.clone()));
        if values.len() > 1 {
            // A set the vendor may extend: `Open<E>` (see `open_enums`).
            obj.insert(OPEN_ENUM.into(), json!(true));
        } else {
            // One value (an event's name) is a string that names it.
            obj.remove("enum");
            let known: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| format!("`{v}`"))
                .collect();
            let note = format!("Known values: {}.", known.join(", "));
            let description = match obj.get("description").and_then(Value::as_str) {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            };
            obj.insert("description".into(), Value::String(description));
        }
    }

    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        obj.remove("additionalProperties");
    }

    if obj.get(ANY_JSON) == Some(&Value::Bool(true)) {
        obj.retain(|k, _| k == "description" || k == "nullable" || k.starts_with("x-"));
    }
    *obj != before
}

/// Component schema names reachable from responses and from requests.
fn reachable_components(doc: &mut Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut from_responses = BTreeSet::new();
    let mut from_requests = BTreeSet::new();
    walk::for_each_root_mut(doc, &mut |root, schema| {
        let set = match root.kind {
            RootKind::Response { .. } | RootKind::Header => &mut from_responses,
            RootKind::RequestBody | RootKind::Parameter => &mut from_requests,
            RootKind::Component(_) => return,
        };
        walk::collect_component_refs(schema, &components, set);
    });
    // Webhook events are received like responses.
    for (_, component) in super::webhooks::events(doc) {
        walk::collect_component_refs(
            &walk::component_ref(&component),
            &components,
            &mut from_responses,
        );
    }
    (from_responses, from_requests)
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn loosens_response_only_schemas() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /media:
    post:
      operationId: create_media
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewMedia'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                properties:
                  id: {type: integer}
                  createdAt: {type: string}
                  type: {type: string, enum: [photo, video]}
                  files: {$ref: '#/components/schemas/Files'}
                  created: {$ref: '#/components/schemas/NewMedia'}
                required: [id, createdAt, type, files]
components:
  schemas:
    Files:
      type: object
      properties:
        url: {type: string}
        options: {type: array, items: {type: string}}
        sortList: {type: array, items: {}, x-any-json: true}
      required: [url, options]
    NewMedia:
      type: object
      properties:
        name: {type: string}
      required: [name]
"#
        ));
    }
}
