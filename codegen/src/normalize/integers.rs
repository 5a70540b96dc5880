//! Ids, counts and offsets are unsigned 64-bit integers, never `f64`.
//!
//! OFAuth types every number as `type: number`, which typify renders as `f64`: a
//! message id `1234567890123` would re-serialize as `1234567890123.0` and ids above
//! 2^53 would silently lose digits. A schema is an id or a count by its name:
//!
//! - ids: `id`, `ID`, names ending in `Id`/`_id`, and arrays named `…Ids`/`…_ids`;
//! - counts: `count`, names ending in `Count`/`_count`, and names starting with
//!   `count` followed by a capital (`countPinnedMessages`);
//! - offsets: `offset`, names ending in `Offset`/`_offset` (`nextOffset`).
//!
//! Ids and offsets typed `number` or unformatted `integer` (also parameters)
//! become `type: integer, format: uint64`. Counts do only when already typed
//! `integer`: a `number` count can be an amount (OnlyFansAPI's chart `count`s
//! carry cents), so which counts are whole is a fact about one API, stated in
//! its overlay (OFAuth's lists its counts). An explicit integer `format` or a
//! negative bound is the spec author's decision and is left alone.
//!
//! Paging parameters are numbers whatever their declared type: a parameter
//! named `limit` or `offset` typed as a bare `string` (Scribe, which writes
//! OnlyFansAPI's spec, types every query parameter as a string) becomes an
//! unsigned integer, a `limit` of at least 1. A string with a format, a
//! pattern or an enum is left alone.

use serde_json::{Value, json};

use super::Report;
use crate::walk::{self, Edge, RootKind};

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut changed = 0usize;
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        if root.kind == RootKind::Parameter && path.is_empty() {
            changed += usize::from(type_paging_parameter(root.name.as_deref(), schema));
        }
        let (name, through_items) = match path {
            [] => (root.name.as_deref(), false),
            [.., Edge::Property(name)] => (Some(name.as_str()), false),
            [.., Edge::Property(name), Edge::Items] => (Some(name.as_str()), true),
            [.., Edge::Items] if path.len() == 1 => (root.name.as_deref(), true),
            _ => (None, false),
        };
        let Some(name) = name else {
            return;
        };
        let promote_number = if through_items {
            is_id_list(name)
        } else {
            is_id(name) || is_offset(name)
        };
        let is_integral = promote_number || (!through_items && is_count(name));
        if is_integral && make_unsigned(schema, promote_number) {
            changed += 1;
        }
    });
    if changed > 0 {
        report.note(format!("typed {changed} id/count/offset schemas as uint64"));
    }
}

fn is_id(name: &str) -> bool {
    name == "id" || name == "ID" || name.ends_with("Id") || name.ends_with("_id")
}

fn is_id_list(name: &str) -> bool {
    name.ends_with("Ids") || name.ends_with("_ids")
}

fn is_offset(name: &str) -> bool {
    name == "offset" || name.ends_with("Offset") || name.ends_with("_offset")
}

fn is_count(name: &str) -> bool {
    let starts_count = name
        .strip_prefix("count")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()));
    name == "count" || name.ends_with("Count") || name.ends_with("_count") || starts_count
}

/// A bare-string `limit` or `offset` parameter becomes an integer.
fn type_paging_parameter(name: Option<&str>, schema: &mut Value) -> bool {
    let Some(name @ ("limit" | "offset")) = name else {
        return false;
    };
    if !walk::is_bare_string(schema) {
        return false;
    }
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    obj.insert("type".into(), json!("integer"));
    obj.insert("format".into(), json!("uint64"));
    if name == "limit" {
        obj.insert("minimum".into(), json!(1));
    }
    // A string example or default ("10") is restated as the number it is.
    for key in ["example", "default"] {
        if let Some(number) = obj
            .get(key)
            .and_then(Value::as_str)
            .and_then(|text| text.parse::<u64>().ok())
        {
            obj.insert(key.into(), json!(number));
        }
    }
    true
}

/// Rewrites a numeric schema to `integer`/`uint64` (a `number` one only when
/// `promote_number`); false when it is not one we own.
fn make_unsigned(schema: &mut Value, promote_number: bool) -> bool {
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    let ty = obj.get("type").and_then(Value::as_str);
    let has_format = obj.get("format").is_some();
    let negative_bound = ["minimum", "maximum"]
        .iter()
        .any(|k| obj.get(*k).and_then(Value::as_f64).is_some_and(|v| v < 0.0));
    let eligible = match ty {
        Some("number") => {
            promote_number
                && !negative_bound
                && !matches!(obj.get("format"), Some(f) if f != "double" && f != "float")
        }
        Some("integer") => !has_format && !negative_bound,
        _ => false,
    };
    if eligible {
        obj.insert("type".into(), json!("integer"));
        obj.insert("format".into(), json!("uint64"));
    }
    eligible
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn ids_and_counts_become_uint64() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /chats:
    get:
      operationId: list_chats
      parameters:
        - {name: userListId, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}
        - {name: first_id, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: string, example: "10"}}
        - {name: offset, in: query, schema: {type: string}}
        - {name: limit, in: header, schema: {type: string, format: date}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: number}
                  queueId: {type: number}
                  chat_id: {type: integer}
                  unreadMessagesCount: {type: integer}
                  countPinnedMessages: {type: integer}
                  count: {type: number}
                  nextOffset: {type: number}
                  previewIds: {type: array, items: {type: number}}
                  width: {type: number}
                  balance: {type: integer, format: int32}
                  offsetId: {type: integer, minimum: -1}
                  country: {type: string}
"#
        ));
    }

    #[test]
    fn names() {
        use super::{is_count, is_id};
        assert!(is_id("id") && is_id("lastReadMessageId") && is_id("chat_id"));
        assert!(!is_id("paid") && !is_id("valid"));
        assert!(is_count("mediaCount") && is_count("countPinnedMessages") && is_count("count"));
        assert!(!is_count("country") && !is_count("counter"));
    }
}
