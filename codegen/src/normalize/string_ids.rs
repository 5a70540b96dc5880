//! A response `id` typed as a plain string may arrive as a number.
//!
//! OnlyFansAPI names its built-in user lists and post labels (`"recent"`,
//! `"archived"`) and numbers a creator's own (`123`), in the same `id`
//! field; its SDK, and so the derived spec, types the field as a string, and
//! every list page with a creator's own list failed to decode. In response
//! schemas, a property named `id` typed as a plain string (no format, enum
//! or pattern) becomes `anyOf: [integer (uint64), string]`, which generation
//! gives the handwritten `crate::Id` ([`crate::replacements`]). Requests keep
//! their strings: a caller's id is sent as text either way.

use serde_json::{Value, json};

use super::Report;
use crate::walk::{self, Edge, RootKind};

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut changed = 0usize;
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        let in_response = matches!(root.kind, RootKind::Response { .. });
        let is_id = matches!(path.last(), Some(Edge::Property(name)) if name == "id");
        if in_response && is_id && walk::is_bare_string(schema) {
            let description = schema.get("description").cloned();
            *schema =
                json!({"anyOf": [{"type": "integer", "format": "uint64"}, {"type": "string"}]});
            if let (Some(description), Some(obj)) = (description, schema.as_object_mut()) {
                obj.insert("description".into(), description);
            }
            changed += 1;
        }
    });
    if changed > 0 {
        report.note(format!(
            "{changed} response `id`s typed string may arrive as numbers: string or integer"
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn response_string_ids_take_numbers_too() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /lists:
    post:
      operationId: create_list
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                id: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  list:
                    type: array
                    items:
                      type: object
                      properties:
                        id: {type: string, description: the list}
                        userId: {type: string}
                  uuid:
                    type: object
                    properties:
                      id: {type: string, format: uuid}
"#
        ));
    }
}
