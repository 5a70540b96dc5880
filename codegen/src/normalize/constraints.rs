//! Constraints the generated types do not enforce are dropped; each drop is
//! a line of the report.
//!
//! - A string's `pattern`: typify would make the string a newtype that
//!   checks it with the `regress` crate at every decode, a dependency the
//!   API crates do not carry (the build broke); a loosely written pattern
//!   would refuse real data, and one that does not compile as a regular
//!   expression cost the operation. The value stays a string; the vendor's
//!   server checks what it is sent.
//! - `not`: typify cannot generate it (it panics, which cost the
//!   operation), and a decoder has no use for it: the schema stays what the
//!   rest of it says (`{}`, any value, when `not` was all of it).
//!
//! The rule runs after the rules that read a `pattern` as a sign of what a
//! string is; the validator's spec keeps both (`validator_spec`).

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    walk::for_each_schema_mut(doc, &mut |place, schema, _| {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        if let Some(Value::String(pattern)) = obj.remove("pattern") {
            report.note(format!(
                "{}: dropped the pattern `{pattern}` (not enforced on decoding)",
                place.pointer
            ));
        }
        if let Some(not) = obj.remove("not") {
            report.note(format!(
                "{}: dropped `not: {not}` (not enforced on decoding)",
                place.pointer
            ));
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::normalize::Report;

    #[test]
    fn patterns_and_nots_are_dropped_and_properties_so_named_kept() {
        let mut doc = json!({"components": {"schemas": {"S": {"type": "object", "properties": {
            "broken": {"type": "string", "pattern": "[a-"},
            "handle": {"type": "string", "pattern": "^[a-z0-9_]{3,}$", "maxLength": 30},
            "pattern": {"type": "string"},
            "not_a_string": {"not": {"type": "string"}},
            "not": {"type": "integer"}
        }}}}});
        let mut report = Report::default();
        super::apply(&mut doc, &mut report);
        let props = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(props["broken"], json!({"type": "string"}));
        assert_eq!(props["handle"], json!({"type": "string", "maxLength": 30}));
        assert_eq!(props["pattern"], json!({"type": "string"}));
        assert_eq!(props["not_a_string"], json!({}));
        assert_eq!(props["not"], json!({"type": "integer"}));
        assert_eq!(report.notes.len(), 3, "{:?}", report.notes);
    }
}
