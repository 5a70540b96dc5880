//! OpenAPI 3.1 → 3.0.3, the dialect progenitor (through `openapiv3`) accepts.
//!
//! OFAuth labels its document 3.1.0 but writes 3.0-style schemas; the full upstream
//! spec (and any future one) may use real 3.1 constructs, and a document labelled
//! 3.0 may too. Each is rewritten, whatever the label, to the 3.0 construct that
//! means the same to a decoder:
//!
//! | 3.1                                | 3.0                                        |
//! |------------------------------------|--------------------------------------------|
//! | `type: [T, "null"]`                | `type: T`, `nullable: true`                |
//! | `type: [A, B]`                     | `anyOf: [{type: A}, {type: B}]`            |
//! | `anyOf/oneOf: [X, {type: "null"}]` | `X` with `nullable: true`                  |
//! | `exclusiveMinimum: 5` (number)     | `minimum: 5`, `exclusiveMinimum: true`     |
//! | `const: v`                         | `enum: [v]` (with the value's `type`)      |
//! | `examples: [a, …]` (in a schema)   | `example: a`                               |
//! | top-level `webhooks`, `jsonSchemaDialect` | removed (no 3.0 equivalent)         |

use serde_json::{Value, json};

use super::Report;
use crate::walk;

/// The version label written into every normalized document.
pub const TARGET_VERSION: &str = "3.0.3";

pub fn apply(doc: &mut Value, report: &mut Report) {
    let Some(version) = doc
        .get("openapi")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    if version.starts_with("3.1") {
        report.note(format!("downgraded OpenAPI {version} to {TARGET_VERSION}"));
        doc["openapi"] = json!(TARGET_VERSION);
        if let Some(obj) = doc.as_object_mut() {
            for key in ["webhooks", "jsonSchemaDialect"] {
                if obj.remove(key).is_some() {
                    report.note(format!(
                        "removed top-level `{key}` (no OpenAPI 3.0 equivalent)"
                    ));
                }
            }
        }
    }
    // A document labelled 3.0 may carry 3.1 schemas all the same (a numeric
    // `exclusiveMaximum`, `type: [T, "null"]`): openapiv3 refuses the whole
    // document for one of them, so they are rewritten whatever the label.
    // The rewrites leave 3.0 constructs as they are.
    walk::for_each_schema_mut(doc, &mut |_, schema, _| downgrade_schema(schema));
}

fn downgrade_schema(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };

    // `type: [T, "null"]` and multi-type arrays.
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        obj.remove("type");
        match rest.as_slice() {
            [] => {}
            [single] => {
                obj.insert("type".into(), single.clone());
            }
            many => {
                let branches = many.iter().map(|t| json!({ "type": t })).collect();
                obj.insert("anyOf".into(), Value::Array(branches));
            }
        }
        if nullable {
            obj.insert("nullable".into(), Value::Bool(true));
        }
    }

    // `anyOf`/`oneOf` with a `{type: "null"}` branch.
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = obj.get(key).cloned() else {
            continue;
        };
        let is_null = |b: &Value| b.get("type") == Some(&json!("null"));
        if !branches.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = branches.into_iter().filter(|b| !is_null(b)).collect();
        obj.remove(key);
        obj.insert("nullable".into(), Value::Bool(true));
        match rest.as_slice() {
            [Value::Object(single)] if !single.contains_key("$ref") => {
                for (k, v) in single {
                    obj.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {
                obj.insert(key.into(), Value::Array(rest));
            }
        }
    }

    // Numeric exclusive bounds.
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound) = obj.get(exclusive).filter(|v| v.is_number()).cloned() {
            obj.insert(inclusive.into(), bound);
            obj.insert(exclusive.into(), Value::Bool(true));
        }
    }

    if let Some(value) = obj.remove("const") {
        // 3.0 has no untyped enum that openapiv3 reads well: say the type too.
        let ty = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_f64() => Some("number"),
            Value::Number(_) => Some("integer"),
            _ => None,
        };
        if let Some(ty) = ty {
            obj.entry("type").or_insert_with(|| json!(ty));
        }
        obj.insert("enum".into(), Value::Array(vec![value]));
    }

    if let Some(Value::Array(examples)) = obj.get("examples").cloned() {
        obj.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            obj.entry("example").or_insert(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn downgrades_31_constructs() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.1.0
info: {title: t, version: "1"}
webhooks: {}
paths:
  /things:
    get:
      operationId: list_things
      parameters:
        - name: page
          in: query
          schema: {type: integer, exclusiveMinimum: 0, exclusiveMaximum: 100}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: [string, "null"], examples: [anna, bob]}
                  const: {const: fixed}
                  type: {type: [integer, string]}
                  parent:
                    anyOf:
                      - {type: object, properties: {id: {type: integer}}}
                      - {type: "null"}
                  legacy: {type: integer, minimum: 0, exclusiveMinimum: true}
"#
        ));
    }

    #[test]
    fn leaves_30_documents_alone() {
        let src = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let out = before_after(super::apply, src);
        assert!(out.contains("unchanged"), "{out}");
    }

    #[test]
    fn rewrites_31_schemas_in_a_30_document() {
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "components": {"schemas": {"Bounds": {"type": "object", "properties": {
                "small": {"type": "integer", "exclusiveMaximum": 10},
                "open": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                "name": {"type": ["string", "null"]}
            }}}}
        });
        super::apply(&mut doc, &mut crate::normalize::Report::default());
        let props = &doc["components"]["schemas"]["Bounds"]["properties"];
        assert_eq!(
            props["small"],
            serde_json::json!({"type": "integer", "maximum": 10, "exclusiveMaximum": true})
        );
        assert_eq!(
            props["open"],
            serde_json::json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            props["name"],
            serde_json::json!({"type": "string", "nullable": true})
        );
        assert_eq!(doc["openapi"], "3.0.3");
    }
}
