//! Handwritten Rust types that stand for a spec shape wherever it appears:
//! the Rust-side table of quirk fixes written once. Each rule recognises the
//! shape (not a generated name, which can change), and every component of
//! that shape is generated as the handwritten type (progenitor's
//! `with_replacement`), so every operation that returns it gets the same type.

use serde_json::Value;

/// One handwritten type and the shape it replaces.
struct Rule {
    /// The Rust path of the handwritten type, as generated code names it.
    rust_type: &'static str,
    /// Whether a component schema is of the shape this type stands for.
    matches: fn(&Value) -> bool,
}

const RULES: &[Rule] = &[Rule {
    rust_type: "crate::UserRef",
    matches: is_user_ref,
}];

/// A user reference: an integer `id` with the `_view` marker of which
/// projection of the user was sent, and maybe a `name`. OFAuth's `fromUser`
/// (`{id, name}` or `{id, _view}`, merged by the `anyOf` rule) and
/// `withUser`/`author`, OnlyFansAPI's `fromUser`: one `UserRef`.
fn is_user_ref(schema: &Value) -> bool {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return false;
    };
    let integer_id = properties
        .get("id")
        .and_then(|id| id.get("type"))
        .and_then(Value::as_str)
        == Some("integer");
    integer_id
        && properties.contains_key("_view")
        && properties
            .keys()
            .all(|k| matches!(k.as_str(), "id" | "_view" | "name"))
}

/// `(component name, Rust type)` for every component of a normalized spec
/// that a handwritten type stands for, by name.
pub fn replacements(normalized: &Value) -> Vec<(String, String)> {
    let Some(schemas) = normalized
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = schemas
        .iter()
        .filter_map(|(name, schema)| {
            let rule = RULES.iter().find(|rule| (rule.matches)(schema))?;
            Some((name.clone(), rule.rust_type.to_owned()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn user_references_are_recognised_by_shape() {
        let spec = json!({"components": {"schemas": {
            "FromUser": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "_view": {"type": "string"}}},
            "Author": {"type": "object", "properties": {"id": {"type": "integer"}, "_view": {"type": "string"}}},
            "UserList": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
            "Tag": {"type": "object", "properties": {"id": {"type": "string"}, "_view": {"type": "string"}}},
            "Fan": {"type": "object", "properties": {"id": {"type": "integer"}, "_view": {"type": "string"}, "avatar": {"type": "string"}}}
        }}});
        assert_eq!(
            super::replacements(&spec),
            [
                ("Author".to_owned(), "crate::UserRef".to_owned()),
                ("FromUser".to_owned(), "crate::UserRef".to_owned()),
            ]
        );
    }
}
