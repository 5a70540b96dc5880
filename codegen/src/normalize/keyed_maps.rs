//! An object keyed by ids or dates is a map.
//!
//! Scribe writes the example of a map as its properties: OnlyFansAPI's chart
//! points keyed by date (`'2025-01-01'`), its per-user results keyed by user
//! id (`'1000000'`). Generated as they are, they become a struct with one
//! field per example key (`X1000000`), and every other key the API sends is
//! silently dropped. An object whose every property name is an id (five or
//! more digits) or a date (`2025-01-01`, `20250101`, with or without a time)
//! becomes a map (`additionalProperties`) of the values' schema: the one all
//! values share, or else the first value's (the lenient decoder keeps what
//! does not fit).

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut changed = Vec::new();
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        if properties.is_empty() || !properties.keys().all(|k| is_id(k) || is_date(k)) {
            return;
        }
        // The values' schema: the one they all share, or else the first's.
        let Some(value) = properties.values().next().cloned() else {
            return;
        };
        let keys: Vec<String> = properties.keys().cloned().collect();
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        obj.remove("properties");
        obj.remove("required");
        obj.insert("type".into(), Value::String("object".into()));
        obj.insert("additionalProperties".into(), value);
        let at: String = path.iter().map(walk::Edge::pointer).collect();
        changed.push(format!("{}{at} (keys {})", root.pointer, keys.join(", ")));
    });
    for place in changed {
        report.note(format!(
            "an object keyed by ids or dates became a map: {place}"
        ));
    }
}

/// An id as a key: digits only, at least five of them (a short number such
/// as `1` or `100` is more likely a real property name).
fn is_id(key: &str) -> bool {
    key.len() >= 5 && key.bytes().all(|b| b.is_ascii_digit())
}

/// `2025-01-01`, `2025-01-01 10:00:00`, `2025-01-01T10:00:00Z`, `20250101`.
fn is_date(key: &str) -> bool {
    let b = key.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let dashed = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    let compact = b.len() == 8 && digits(0..8) && key.starts_with(['1', '2']);
    (dashed && (b.len() == 10 || matches!(b[10], b' ' | b'T'))) || compact
}

#[cfg(test)]
mod tests {
    use super::{is_date, is_id};
    use crate::normalize::test_support::before_after;

    #[test]
    fn keys_that_are_ids_or_dates() {
        for key in [
            "1000000",
            "1735689661",
            "2025-01-01",
            "2025-01-01 10:00:00",
            "20250101",
        ] {
            assert!(is_id(key) || is_date(key), "{key}");
        }
        for key in ["id", "123", "2025", "2025-1-1", "total", "x1000"] {
            assert!(!is_id(key) && !is_date(key), "{key}");
        }
    }

    #[test]
    fn objects_keyed_by_ids_or_dates_become_maps() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /chart:
    get:
      operationId: chart
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  byDate:
                    type: object
                    properties:
                      '2025-01-01': {type: object, properties: {count: {type: integer}}}
                      '2025-01-02': {type: object, properties: {count: {type: integer}}}
                  byUser:
                    type: object
                    properties:
                      '1000000': {type: string}
                  ordinary:
                    type: object
                    properties:
                      total: {type: integer}
"#
        ));
    }
}
