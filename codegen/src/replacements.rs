//! Handwritten Rust types that stand for a spec shape wherever it appears:
//! the Rust-side table of quirk fixes written once, for both APIs (the rules
//! recognise shapes, so one table serves every spec that has them).
//!
//! Each rule recognises its shape (never a generated name, which can change).
//! Normalization ([`crate::normalize::shared_types`]) turns every schema of
//! that shape, inline or a component, into a reference to one component named
//! after the rule, described by the rule's own schema (what the handwritten
//! type reads and writes); generation then uses the handwritten type for that
//! component (progenitor's `with_replacement`), so every operation that
//! returns the shape gets the same type.

use serde_json::{Value, json};

use crate::walk;

/// One handwritten type and the shape it replaces.
pub struct Rule {
    /// The component every schema of the shape becomes a reference to.
    pub component: &'static str,
    /// The Rust path of the handwritten type, as generated code names it.
    pub rust_type: &'static str,
    /// Whether a schema is of the shape this type stands for.
    pub matches: fn(&Value) -> bool,
    /// What the handwritten type accepts, as a schema: the component's body,
    /// so examples, mocks and request checks agree with the Rust type.
    pub schema: fn() -> Value,
}

/// The table.
pub const RULES: &[Rule] = &[
    Rule {
        component: "UserRef",
        rust_type: runtime_path!("::UserRef"),
        matches: is_user_ref,
        schema: user_ref_schema,
    },
    Rule {
        component: "CanNotSendReason",
        rust_type: runtime_path!("::CanNotSendReason"),
        matches: is_flag_or_text,
        schema: flag_or_text_schema,
    },
    Rule {
        component: "Id",
        rust_type: runtime_path!("::Id"),
        matches: is_number_or_text,
        schema: number_or_text_schema,
    },
    Rule {
        component: "MediaKind",
        rust_type: runtime_path!("::MediaKind"),
        matches: is_media_kind,
        schema: media_kind_schema,
    },
];

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

fn user_ref_schema() -> Value {
    json!({
        "type": "object",
        "description": "A reference to an OnlyFans user.",
        "required": ["id"],
        "properties": {
            "id": {"type": "integer", "format": "uint64"},
            "name": {"type": "string", "nullable": true},
            "_view": {"type": "string", "nullable": true},
        },
    })
}

/// `false`, `true` or a text: OFAuth's `canNotSendReason` (`anyOf: [boolean,
/// string]`), a flag that may carry its reason.
fn is_flag_or_text(schema: &Value) -> bool {
    let Some(variants) = schema.get("anyOf").or_else(|| schema.get("oneOf")) else {
        return false;
    };
    let mut types: Vec<&str> = variants
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let plain = v
                .as_object()
                .is_some_and(|o| o.keys().all(|k| k == "type" || k == "description"));
            if plain {
                v.get("type").and_then(Value::as_str)
            } else {
                None
            }
            .unwrap_or("")
        })
        .collect();
    types.sort_unstable();
    types == ["boolean", "string"]
}

/// An id sent as a number or a string: the shape [`crate::normalize::string_ids`]
/// gives every response `id` typed as a plain string.
fn is_number_or_text(schema: &Value) -> bool {
    let Some(variants) = schema.get("anyOf").and_then(Value::as_array) else {
        return false;
    };
    let mut types: Vec<&str> = variants
        .iter()
        .map(|v| v.get("type").and_then(Value::as_str).unwrap_or(""))
        .collect();
    types.sort_unstable();
    types == ["integer", "string"]
        && variants
            .iter()
            .any(|v| v.get("format").and_then(Value::as_str) == Some("uint64"))
}

fn number_or_text_schema() -> Value {
    json!({
        "description": "An id sent as a number or as a string.",
        "anyOf": [{"type": "integer", "format": "uint64"}, {"type": "string"}],
    })
}

fn flag_or_text_schema() -> Value {
    json!({
        "description": "`false` (nothing stops sending), `true` (something does, unnamed) or the reason.",
        "anyOf": [{"type": "boolean"}, {"type": "string"}],
    })
}

/// The media kinds the APIs name.
const MEDIA_KINDS: [&str; 4] = ["photo", "video", "gif", "audio"];

/// A response string whose known values are media kinds (at least `photo` and
/// `video`, nothing else): the tolerant rule keeps them in `x-known-values`.
fn is_media_kind(schema: &Value) -> bool {
    let Some(known) = schema.get("x-known-values").and_then(Value::as_array) else {
        return false;
    };
    let known: Vec<&str> = known.iter().filter_map(Value::as_str).collect();
    walk::type_of(schema) == Some("string")
        && known.contains(&"photo")
        && known.contains(&"video")
        && known.iter().all(|k| MEDIA_KINDS.contains(k))
}

fn media_kind_schema() -> Value {
    json!({
        "type": "string",
        "description": "What kind of media an item is. Known values: `photo`, `video`, `gif`, `audio`.",
        "x-known-values": MEDIA_KINDS,
    })
}

/// `(component name, Rust type)` for every component of a normalized spec
/// that a handwritten type stands for.
pub fn replacements(normalized: &Value) -> Vec<(String, String)> {
    let schemas = normalized.pointer("/components/schemas");
    RULES
        .iter()
        .filter(|rule| schemas.and_then(|s| s.get(rule.component)).is_some())
        .map(|rule| (rule.component.to_owned(), rule.rust_type.to_owned()))
        .collect()
}

/// The rule whose shape `schema` is, if any.
pub fn rule_for(schema: &Value) -> Option<&'static Rule> {
    if schema.get("$ref").is_some() {
        return None;
    }
    RULES.iter().find(|rule| (rule.matches)(schema))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn matched(schema: serde_json::Value) -> Option<&'static str> {
        super::rule_for(&schema).map(|r| r.component)
    }

    #[test]
    fn shapes_are_recognised() {
        let user = |props| json!({"type": "object", "properties": props});
        assert_eq!(
            matched(user(
                json!({"id": {"type": "integer"}, "name": {"type": "string"}, "_view": {"type": "string"}})
            )),
            Some("UserRef")
        );
        assert_eq!(
            matched(user(
                json!({"id": {"type": "integer"}, "_view": {"type": "string"}})
            )),
            Some("UserRef")
        );
        // No `_view`, a string id, or more fields: another shape.
        assert_eq!(
            matched(user(
                json!({"id": {"type": "integer"}, "name": {"type": "string"}})
            )),
            None
        );
        assert_eq!(
            matched(user(
                json!({"id": {"type": "string"}, "_view": {"type": "string"}})
            )),
            None
        );
        assert_eq!(
            matched(user(
                json!({"id": {"type": "integer"}, "_view": {"type": "string"}, "avatar": {"type": "string"}})
            )),
            None
        );

        assert_eq!(
            matched(json!({"anyOf": [{"type": "string"}, {"type": "boolean"}], "nullable": true})),
            Some("CanNotSendReason")
        );
        assert_eq!(
            matched(json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})),
            None
        );

        let kinds = |known| json!({"type": "string", "x-known-values": known});
        assert_eq!(
            matched(kinds(json!(["photo", "video", "gif", "audio"]))),
            Some("MediaKind")
        );
        assert_eq!(matched(kinds(json!(["video", "photo"]))), Some("MediaKind"));
        assert_eq!(matched(kinds(json!(["photo", "video", "text"]))), None);
        assert_eq!(matched(kinds(json!(["photos", "videos"]))), None);
        // A `$ref` is never replaced again.
        assert_eq!(
            matched(json!({"$ref": "#/components/schemas/UserRef"})),
            None
        );
    }
}
