//! A documented set of values the vendor may extend is an open enum:
//! `crate::Open<E>`, the generated enum `E` of the known values or the text of
//! a value not known yet.
//!
//! The [`tolerant`](super::tolerant) rule marks every string `enum` of two or
//! more values that only responses use [`OPEN_ENUM`] (a value added upstream
//! must not fail a call); [`hoist`](super::hoist) gives each such set a
//! component named after its operation and place (`ImportConnectionStatus`), as
//! it does objects.
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
pub const OPEN_CRATE: &str = "onlyfans-clients-core";

/// The handwritten open enum's path, in the runtime crate.
pub const OPEN_TYPE: &str = concat!(runtime_crate!(), "::Open");

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
    // Component name → the known values of the enum.
    let mut open: BTreeMap<String, Value> = BTreeMap::new();
    for (name, schema) in schemas.iter_mut() {
        if !is_open(schema) {
            continue;
        }
        if let Some(obj) = schema.as_object_mut() {
            obj.remove(OPEN_ENUM);
            obj.remove("nullable");
            let known = obj.remove("x-known-values").unwrap_or(Value::Null);
            open.insert(name.clone(), known);
        }
    }
    if open.is_empty() {
        return;
    }
    let mut wrapped = 0usize;
    walk::for_each_schema_mut(doc, &mut |_, schema, _| {
        let Some((name, known)) =
            walk::referenced_component(schema).and_then(|name| open.get_key_value(name))
        else {
            return;
        };
        let mut wrapper = json!({
            "type": "string",
            "x-rust-type": {
                "crate": OPEN_CRATE,
                "version": "*",
                "path": OPEN_TYPE,
                "parameters": [walk::component_ref(name)],
            },
        });
        if !known.is_null() {
            wrapper["x-known-values"] = known.clone();
        }
        if let Some(description) = schema.get("description") {
            wrapper["description"] = description.clone();
        }
        *schema = wrapper;
        wrapped += 1;
    });
    report.note(format!(
        "{} response enums are open ({wrapped} places): the known values or the text received",
        open.len()
    ));
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
