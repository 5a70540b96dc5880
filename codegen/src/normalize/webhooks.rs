//! Webhooks become types: each event of the spec's top-level `webhooks`
//! (OpenAPI 3.1: OFAuth's SDK-derived spec has them; the overlays add the
//! events only the vendors' docs describe, to a 3.0 document too) is the
//! request body its sender posts, so that body's schema becomes a component
//! named after the event (`connection.created` → `ConnectionCreatedEvent`),
//! generated like every other type, and `x-webhook-events` maps each event
//! name to it for the facade's `Event` enum. OpenAPI 3.0, which progenitor reads, has no
//! `webhooks`; without this rule the events would be dropped with it.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::Report;

/// The top-level extension listing webhook events: `{event name: component}`.
pub const EVENTS: &str = "x-webhook-events";

pub fn apply(doc: &mut Value, report: &mut Report) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let Some(Value::Object(webhooks)) = root.remove("webhooks") else {
        return;
    };
    let mut events = Map::new();
    let mut schemas = Map::new();
    for (name, item) in webhooks {
        let Some(schema) = item
            .pointer("/post/requestBody/content/application~1json/schema")
            .cloned()
        else {
            report.note(format!("webhook `{name}` has no JSON body: left out"));
            continue;
        };
        let component = format!("{}Event", name.to_upper_camel_case());
        events.insert(name, Value::String(component.clone()));
        schemas.insert(component, schema);
    }
    if events.is_empty() {
        return;
    }
    report.note(format!("{} webhook events became types", events.len()));
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(components) = components.as_object_mut() {
        let target = components
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(target) = target.as_object_mut() {
            for (name, schema) in schemas {
                target.entry(name).or_insert(schema);
            }
        }
    }
    root.insert(EVENTS.into(), Value::Object(events));
}

/// `(event name, component)` of a normalized spec, by event name.
pub fn events(doc: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = doc
        .get(EVENTS)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, c)| Some((name.clone(), c.as_str()?.to_owned())))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn webhook_bodies_become_components() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
webhooks:
  connection.created:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                eventType: {type: string, enum: [connection.created]}
                data: {$ref: '#/components/schemas/ConnectionEventData'}
  rules.updated:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {revision: {type: string}}}
  ping:
    post:
      responses: {'200': {description: ok}}
components:
  schemas:
    ConnectionEventData: {type: object, properties: {id: {type: string}}}
"#
        ));
    }
}
