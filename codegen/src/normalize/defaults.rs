//! A `default` that does not fit its own schema is dropped: typify refuses
//! it ("value does not conform to the given schema"), which cost the
//! operation, and a decoder cannot use it either. Fits: a value of the
//! schema's `type` (an integer is a number), one of its `enum`, a date or
//! date-time of its `format`. Each drop is a line of the report.

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    walk::for_each_schema_mut(doc, &mut |place, schema, _| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let Some(default) = obj.get("default") else {
            return;
        };
        if !fits(obj, default) {
            report.note(format!(
                "{}: dropped a `default` ({default}) that does not fit the schema",
                place.pointer
            ));
            obj.remove("default");
        }
    });
}

fn fits(schema: &serde_json::Map<String, Value>, value: &Value) -> bool {
    if value.is_null() {
        return schema.get("nullable") == Some(&Value::Bool(true));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    let typed = match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some("string") => value.is_string(),
        Some(_) => true,
    };
    typed && formatted(schema.get("format").and_then(Value::as_str), value)
}

/// A string default of a date format reads as one (`2025-01-15`,
/// `2025-01-15T10:30:00Z`).
fn formatted(format: Option<&str>, value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return true;
    };
    let date = |s: &str| {
        let bytes = s.as_bytes();
        bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    match format {
        Some("date") => date(text),
        Some("date-time") => {
            text.len() > 11
                && text.is_char_boundary(10)
                && date(&text[..10])
                && text[10..].starts_with('T')
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::normalize::Report;

    fn defaults_after(schema: serde_json::Value) -> serde_json::Value {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        super::apply(&mut doc, &mut Report::default());
        doc["components"]["schemas"]["S"]["default"].clone()
    }

    #[test]
    fn a_default_that_does_not_fit_is_dropped() {
        for schema in [
            json!({"type": "integer", "default": "many"}),
            json!({"type": "integer", "default": 1.5}),
            json!({"type": "string", "format": "date-time", "default": "yesterday"}),
            json!({"type": "string", "enum": ["a", "b"], "default": "c"}),
            json!({"type": "string", "default": null}),
        ] {
            assert_eq!(defaults_after(schema.clone()), json!(null), "{schema}");
        }
    }

    #[test]
    fn a_default_that_fits_is_kept() {
        for (schema, default) in [
            (json!({"type": "integer", "default": 10}), json!(10)),
            (json!({"type": "number", "default": 1}), json!(1)),
            (
                json!({"type": "string", "format": "date", "default": "2025-01-15"}),
                json!("2025-01-15"),
            ),
            (
                json!({"type": "string", "enum": ["a"], "default": "a"}),
                json!("a"),
            ),
            (json!({"default": [1]}), json!([1])),
        ] {
            assert_eq!(defaults_after(schema.clone()), default, "{schema}");
        }
    }
}
