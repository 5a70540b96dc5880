//! `anyOf`/`oneOf` unions of inline object shapes become one object.
//!
//! OFAuth describes a user reference as `anyOf: [{id, name}, {id, _view}]`. typify
//! renders such a union as a struct of flattened optional sub-structs that is
//! awkward to read and to match on. Every value valid under a branch is valid
//! under the merged object (all properties of all branches, required only where
//! every branch requires it), so decoding accepts exactly what it did before and
//! callers get plain fields: `{id, name?, _view?}`.
//!
//! Unions are merged only when every branch is an inline object and properties
//! shared by several branches have the same schema; other unions are left as they
//! are (typify handles scalar unions such as `boolean | string` as untagged enums).
//!
//! A union of one schema and the empty schema `{}` (how OFAuth's SDK-derived
//! text writes a value its SDK types as "a string, or a type the schema
//! language cannot name": every analytics `startDate`/`endDate`) becomes that
//! one schema. typify renders the union as a struct of two flattened optional
//! parts that no value serializes from, so no caller could set those
//! parameters; every value of the one schema is valid under the union.
//!
//! A union of string enums (OFAuth's subscribers `type`: `all | active |
//! expired` or `latest`) becomes one string enum of all their values, for
//! the same reason.

use serde_json::{Map, Value};

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        for key in ["anyOf", "oneOf"] {
            if let Some(values) = string_enums(schema.get(key))
                && let Some(obj) = schema.as_object_mut()
            {
                obj.remove(key);
                obj.insert("type".into(), Value::String("string".into()));
                obj.insert("enum".into(), Value::Array(values));
                let at: String = path.iter().map(walk::Edge::pointer).collect();
                report.note(format!(
                    "{}{at}: `{key}` of string enums became one enum",
                    root.pointer
                ));
                continue;
            }
            if let Some(only) = without_empty_branch(schema.get(key))
                && let Some(obj) = schema.as_object_mut()
            {
                obj.remove(key);
                for (k, v) in only {
                    obj.entry(k).or_insert(v);
                }
                let at: String = path.iter().map(walk::Edge::pointer).collect();
                report.note(format!(
                    "{}{at}: `{key}` of one schema and `{{}}` became that schema",
                    root.pointer
                ));
            }
            if let Some(merged) = merge(schema.get(key)) {
                let Some(obj) = schema.as_object_mut() else {
                    return;
                };
                obj.remove(key);
                obj.insert("type".into(), Value::String("object".into()));
                for (k, v) in merged {
                    obj.insert(k, v);
                }
                let at: String = path.iter().map(walk::Edge::pointer).collect();
                report.note(format!(
                    "{}{at}: merged `{key}` of objects into one object",
                    root.pointer
                ));
            }
        }
    });
}

/// Every value of a union whose branches are all string enums, in order,
/// each once.
fn string_enums(branches: Option<&Value>) -> Option<Vec<Value>> {
    let branches = branches?.as_array()?;
    if branches.len() < 2 {
        return None;
    }
    let mut values: Vec<Value> = Vec::new();
    for branch in branches {
        if branch.get("type").and_then(Value::as_str) != Some("string") {
            return None;
        }
        for value in branch.get("enum")?.as_array()? {
            if !value.is_string() {
                return None;
            }
            if !values.contains(value) {
                values.push(value.clone());
            }
        }
    }
    Some(values)
}

/// The one non-empty branch of a two-branch union whose other branch is `{}`.
fn without_empty_branch(branches: Option<&Value>) -> Option<Map<String, Value>> {
    let [a, b] = branches?.as_array()?.as_slice() else {
        return None;
    };
    let empty = |v: &Value| v.as_object().is_some_and(Map::is_empty);
    match (empty(a), empty(b)) {
        (true, false) => b.as_object().cloned(),
        (false, true) => a.as_object().cloned(),
        _ => None,
    }
}

fn merge(branches: Option<&Value>) -> Option<Map<String, Value>> {
    let branches = branches?.as_array()?;
    if branches.len() < 2 || !branches.iter().all(walk::is_object_with_properties) {
        return None;
    }
    let mut properties = Map::new();
    for branch in branches {
        for (name, schema) in branch.get("properties")?.as_object()? {
            match properties.get(name) {
                Some(existing) if existing != schema => return None,
                Some(_) => {}
                None => {
                    properties.insert(name.clone(), schema.clone());
                }
            }
        }
    }
    let required_in = |branch: &Value, name: &str| {
        branch
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|v| v == name))
    };
    let required: Vec<Value> = properties
        .keys()
        .filter(|name| branches.iter().all(|b| required_in(b, name)))
        .map(|name| Value::String(name.clone()))
        .collect();
    let mut out = Map::new();
    out.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn merges_object_unions_only() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /messages:
    get:
      operationId: list_messages
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  fromUser:
                    anyOf:
                      - type: object
                        properties: {id: {type: number}, name: {type: string}}
                        required: [id, name]
                      - type: object
                        properties: {id: {type: number}, _view: {type: string}}
                        required: [id, _view]
                  canNotSendReason:
                    anyOf: [{type: boolean}, {type: string}]
                  startDate:
                    anyOf: [{type: string}, {}]
                  type:
                    anyOf:
                      - {type: string, enum: [all, active, expired]}
                      - {type: string, enum: [latest, all]}
                  conflicting:
                    oneOf:
                      - {type: object, properties: {id: {type: number}}}
                      - {type: object, properties: {id: {type: string}}}
"#
        ));
    }
}
