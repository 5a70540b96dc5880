//! The envelope most answers of an API carry is one thing, described once.
//!
//! OnlyFansAPI wraps nearly every answer's `data` with a `_meta` object
//! (credits, cache, rate limits). Its spec describes that object once per
//! operation, in four slightly different ways: some without `_rate_limits`,
//! some with a `notice`, some with `limit_day` typed `string` where the
//! answers (and most of the spec) send a number. Callers should meet one
//! `Meta`, and a value should not be a misfit because the one operation's
//! description of the envelope was the odd one out.
//!
//! A top-level property of the JSON success bodies is an envelope when at
//! least half of those bodies have it and every one of its schemas is an
//! object with properties, each having at least half of all the names they
//! use between them (so `data`, whose shapes differ, is left alone). Its
//! schemas are merged into one, written into every place: the union of the
//! properties; where places disagree on a property, an object merges the
//! same way, and anything else takes the schema most places give it (the
//! first in document order on a tie). The envelope and the objects in it
//! get the title of their property (`_meta` → `Meta`), the domain name
//! hoisting gives the one shape.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::Report;
use crate::walk;

/// At least this share of the JSON success bodies carry an envelope.
const SHARE: (usize, usize) = (1, 2);

pub fn apply(doc: &mut Value, report: &mut Report) {
    let bodies: Vec<Value> = success_bodies(doc)
        .iter()
        .flat_map(|body| alternatives(walk::resolve_ref(doc, body)))
        .cloned()
        .collect();
    let mut places: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for body in &bodies {
        for (name, schema) in body
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            places
                .entry(name.clone())
                .or_default()
                .push(walk::resolve_ref(doc, schema).clone());
        }
    }
    let mut envelopes: BTreeMap<String, Value> = BTreeMap::new();
    for (name, schemas) in places {
        if schemas.len() * SHARE.1 < bodies.len() * SHARE.0 || !alike(&schemas) {
            continue;
        }
        let distinct = {
            let mut seen: Vec<&Value> = Vec::new();
            for schema in &schemas {
                if !seen.contains(&schema) {
                    seen.push(schema);
                }
            }
            seen.len()
        };
        if distinct > 1 {
            report.note(format!(
                "envelope `{name}`: {distinct} descriptions in {} answers merged into one",
                schemas.len()
            ));
        }
        let mut merged = merge(&schemas);
        entitle(&mut merged, &name);
        envelopes.insert(name, merged);
    }
    if envelopes.is_empty() {
        return;
    }
    for (_, _, op) in walk::operations_mut(doc) {
        // A body given by reference is a component: left as described.
        for body in success_bodies_mut(op) {
            rewrite(body, &envelopes);
        }
    }
}

/// Every schema is an object with properties, each with at least half of
/// the names all of them use.
fn alike(schemas: &[Value]) -> bool {
    let names = |schema: &Value| -> Vec<String> {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    if !schemas.iter().all(walk::is_object_with_properties) {
        return false;
    }
    let mut union: Vec<String> = schemas.iter().flat_map(names).collect();
    union.sort();
    union.dedup();
    schemas
        .iter()
        .all(|schema| names(schema).len() * 2 >= union.len())
}

/// Names the envelope and each object in it after its property (`_meta` →
/// `Meta`, `_rate_limits` → `RateLimits`): shapes every answer shares on
/// purpose, named by domain rather than after the first operation.
fn entitle(schema: &mut Value, property: &str) {
    if !walk::is_object_with_properties(schema) {
        return;
    }
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), Value::from(property.to_upper_camel_case()));
    }
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, sub) in properties.iter_mut() {
            entitle(sub, name);
        }
    }
}

/// One schema for all `schemas` (see the module documentation).
fn merge(schemas: &[Value]) -> Value {
    let mut merged = Map::new();
    // Everything but the properties: the most common value of each key.
    let mut keys: Vec<&String> = schemas
        .iter()
        .filter_map(Value::as_object)
        .flat_map(Map::keys)
        .filter(|k| *k != "properties")
        .collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let values: Vec<&Value> = schemas.iter().filter_map(|s| s.get(key)).collect();
        if let Some(value) = most_common(&values) {
            merged.insert(key.clone(), value.clone());
        }
    }
    let mut properties = Map::new();
    let mut names: Vec<&String> = Vec::new();
    for schema in schemas {
        for name in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(Map::keys)
        {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    for name in names {
        let values: Vec<Value> = schemas
            .iter()
            .filter_map(|s| s.pointer(&format!("/properties/{}", walk::escape_pointer(name))))
            .cloned()
            .collect();
        let value = if values.len() > 1 && values.iter().all(walk::is_object_with_properties) {
            merge(&values)
        } else {
            let refs: Vec<&Value> = values.iter().collect();
            most_common(&refs).cloned().unwrap_or(Value::Null)
        };
        properties.insert(name.clone(), value);
    }
    merged.insert("properties".into(), Value::Object(properties));
    Value::Object(merged)
}

/// The value most of `values` are, the first of them on a tie.
fn most_common<'a>(values: &[&'a Value]) -> Option<&'a Value> {
    let mut best: Option<(&Value, usize)> = None;
    for value in values {
        let count = values.iter().filter(|v| *v == value).count();
        if best.is_none_or(|(_, most)| count > most) {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value)
}

/// A body and, when it is a union, each of its shapes.
fn alternatives(body: &Value) -> Vec<&Value> {
    let mut out = vec![body];
    for key in ["anyOf", "oneOf"] {
        out.extend(
            body.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    out
}

/// Writes the merged envelopes into a body and each shape of a union body.
fn rewrite(body: &mut Value, envelopes: &BTreeMap<String, Value>) {
    if let Some(properties) = body.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, merged) in envelopes {
            if let Some(place) = properties.get_mut(name) {
                *place = merged.clone();
            }
        }
    }
    for key in ["anyOf", "oneOf"] {
        for shape in body
            .get_mut(key)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            rewrite(shape, envelopes);
        }
    }
}

/// The JSON schemas of every operation's success answers.
fn success_bodies(doc: &Value) -> Vec<Value> {
    walk::operations(doc)
        .into_iter()
        .flat_map(|(_, _, op)| {
            op.get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .filter_map(|(_, response)| {
                    response
                        .pointer("/content/application~1json/schema")
                        .cloned()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn success_bodies_mut(op: &mut Map<String, Value>) -> Vec<&mut Value> {
    op.get_mut("responses")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2'))
        .filter_map(|(_, response)| response.pointer_mut("/content/application~1json/schema"))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn an_envelope_most_answers_carry_is_described_once() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: a
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {type: integer}}
                  _meta:
                    type: object
                    properties:
                      _credits: {type: object, properties: {used: {type: integer}}}
                      _rate_limits: {type: object, properties: {limit_day: {type: integer}, limit_minute: {type: integer}}}
  /b:
    get:
      operationId: b
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: object, properties: {id: {type: integer}}}
                  _meta:
                    type: object
                    properties:
                      _credits: {type: object, properties: {used: {type: integer}}}
                      _rate_limits: {type: object, properties: {limit_day: {type: integer}, limit_minute: {type: integer}}}
  /c:
    get:
      operationId: c
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: string}
                  _meta:
                    type: object
                    properties:
                      _credits: {type: object, properties: {used: {type: integer}}}
                      _rate_limits: {type: object, properties: {limit_day: {type: string}, notice: {type: string}}}
  /d:
    get:
      operationId: d
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  _meta:
                    type: object
                    properties:
                      _credits: {type: object, properties: {used: {type: integer}}}
"#
        ));
    }
}
