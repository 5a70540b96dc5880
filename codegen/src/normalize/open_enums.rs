//! A documented set of values the vendor may extend is an open enum:
//! `crate::Open<E>`, the generated enum `E` of the known values or the text of
//! a value not known yet.
//!
//! The [`tolerant`](super::tolerant) rule marks every string `enum` of two or
//! more values that only responses use [`OPEN_ENUM`] (a value added upstream
//! must not fail a call); [`hoist`](super::hoist) gives each such set a
//! component named after its place (`ListType`), as it does objects.
//! This rule keeps that component the closed enum of the known values and
//! makes every reference to it `Open<that enum>`, through typify's
//! `x-rust-type` extension with the enum as its parameter. Request enums stay
//! closed: a caller can only send what the vendor documents.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Report;
use crate::walk;

/// The tolerant rule's mark of a response enum the vendor may extend.
pub const OPEN_ENUM: &str = "x-open-enum";

/// The crate that defines [`OPEN_TYPE`], as `x-rust-type` names it (the
/// generator is told to use, not generate, its types).
pub const OPEN_CRATE: &str = "onlyfans-clients";

/// The handwritten open enum's path (the library names itself
/// `onlyfans_clients` too, so that the path resolves inside it).
pub const OPEN_TYPE: &str = "onlyfans_clients::Open";

/// True when `schema` is a string enum marked open.
pub fn is_open(schema: &Value) -> bool {
    schema.get(OPEN_ENUM) == Some(&Value::Bool(true))
        && walk::type_of(schema) == Some("string")
        && schema.get("enum").is_some_and(Value::is_array)
}

pub fn apply(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    // Reference → the known values of the enum it names.
    let mut open: BTreeMap<String, Value> = BTreeMap::new();
    for (name, schema) in schemas.iter_mut() {
        if !is_open(schema) {
            continue;
        }
        if let Some(obj) = schema.as_object_mut() {
            obj.remove(OPEN_ENUM);
            obj.remove("nullable");
            let known = obj.remove("x-known-values").unwrap_or(Value::Null);
            open.insert(format!("#/components/schemas/{name}"), known);
        }
    }
    if open.is_empty() {
        return;
    }
    let mut wrapped = 0usize;
    wrap_references(doc, &open, &mut wrapped);
    report.note(format!(
        "{} response enums are open ({wrapped} places): the known values or the text received",
        open.len()
    ));
}

/// Replaces each reference to an open enum by `Open<that enum>`.
fn wrap_references(value: &mut Value, open: &BTreeMap<String, Value>, wrapped: &mut usize) {
    match value {
        Value::Object(obj) => {
            let target = obj.get("$ref").and_then(Value::as_str);
            if let Some((reference, known)) = target.and_then(|t| open.get_key_value(t)) {
                let mut wrapper = json!({
                    "type": "string",
                    "x-rust-type": {
                        "crate": OPEN_CRATE,
                        "version": "*",
                        "path": OPEN_TYPE,
                        "parameters": [{"$ref": reference}],
                    },
                });
                if !known.is_null() {
                    wrapper["x-known-values"] = known.clone();
                }
                if let Some(description) = obj.get("description") {
                    wrapper["description"] = description.clone();
                }
                *value = wrapper;
                *wrapped += 1;
                return;
            }
            for sub in obj.values_mut() {
                wrap_references(sub, open, wrapped);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| wrap_references(item, open, wrapped)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn references_to_open_enums_become_open() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /connections:
    get:
      operationId: list_connections
      parameters:
        - name: status
          in: query
          schema: {$ref: '#/components/schemas/Filter'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {$ref: '#/components/schemas/ConnectionStatus'}
                  statuses:
                    type: array
                    items: {$ref: '#/components/schemas/ConnectionStatus'}
components:
  schemas:
    ConnectionStatus:
      type: string
      enum: [active, expired]
      nullable: true
      x-known-values: [active, expired]
      x-open-enum: true
    Filter:
      type: string
      enum: [all, active]
"#
        ));
    }
}
