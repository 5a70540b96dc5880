//! Enums the generator can neither type nor name keep their values as they
//! are, rather than costing the operation (or, for a component, the whole
//! API):
//!
//! - values of several JSON types (`["on", 1, true]`): the `enum` and the
//!   `type` go, so the value decodes as whatever JSON it is;
//! - values of one type beside `null` (`["a", "b", null]`): the enum keeps
//!   its values and the schema is `nullable`;
//! - values that are not of the declared `type` (a number in a `string`
//!   enum): as values of several types;
//! - strings whose Rust variant names collide (`a-b` and `a_b` are both
//!   `AB`, and typify's second try, `AXB`, collides too): the `enum` goes,
//!   leaving a plain string.
//!
//! Each change is a line of the report.

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    walk::for_each_schema_mut(doc, &mut |place, schema, _| {
        if let Some(change) = fix(schema) {
            report.note(format!("{}: {change}", place.pointer));
        }
    });
}

/// The JSON type a value is of, as a schema's `type` names it.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether a value of `kind` fits a schema of type `declared`.
fn fits(kind: &str, declared: &str) -> bool {
    kind == declared || (kind == "integer" && declared == "number")
}

fn fix(schema: &mut Value) -> Option<String> {
    let obj = schema.as_object_mut()?;
    let values = obj.get("enum")?.as_array()?.clone();
    let declared = obj.get("type").and_then(Value::as_str).map(str::to_owned);
    let mut kinds: Vec<&str> = values.iter().map(kind).filter(|k| *k != "null").collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mixed = match (&declared, kinds.as_slice()) {
        (_, [_, _, ..]) => kinds != ["integer", "number"],
        (Some(declared), [one]) => !fits(one, declared),
        _ => false,
    };
    if mixed {
        obj.remove("enum");
        obj.remove("type");
        return Some(format!(
            "an enum of {} values is any JSON value",
            kinds.join(", ")
        ));
    }
    if values.iter().any(Value::is_null) {
        let rest: Vec<Value> = values.into_iter().filter(|v| !v.is_null()).collect();
        obj.insert("nullable".into(), Value::Bool(true));
        if rest.is_empty() {
            obj.remove("enum");
        } else {
            obj.insert("enum".into(), Value::Array(rest));
        }
        return Some("`null` among an enum's values: the enum is nullable".into());
    }
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() == values.len() && !variant_names_unique(&strings) {
        obj.remove("enum");
        return Some(format!(
            "enum values {strings:?} make the same Rust variant twice: a plain string"
        ));
    }
    None
}

/// Whether typify can name every value's variant: the plain names, or its
/// second try (each `_` and character that cannot continue an identifier as
/// `X`), must be unique.
fn variant_names_unique(values: &[&str]) -> bool {
    let unique = |names: Vec<String>| {
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.len() == names.len()
    };
    let plain = values
        .iter()
        .map(|v| crate::type_space::sanitize(v, true, "X"))
        .collect();
    if unique(plain) {
        return true;
    }
    unique(
        values
            .iter()
            .map(|v| {
                let marked = v.replace(
                    |c: char| c == '_' || !unicode_ident::is_xid_continue(c),
                    "X",
                );
                crate::type_space::sanitize(&marked, true, "X")
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fix;

    #[test]
    fn mixed_values_are_any_json() {
        let mut schema = json!({"enum": ["on", 1, true, null]});
        assert!(fix(&mut schema).is_some());
        assert_eq!(schema, json!({}));
        let mut schema = json!({"type": "string", "enum": ["a", 2]});
        assert!(fix(&mut schema).is_some());
        assert_eq!(schema, json!({}));
        let mut schema = json!({"type": "string", "enum": [1, 2]});
        assert!(fix(&mut schema).is_some());
        assert_eq!(schema, json!({}));
    }

    #[test]
    fn null_makes_the_enum_nullable() {
        let mut schema = json!({"type": "string", "enum": ["a", null]});
        assert!(fix(&mut schema).is_some());
        assert_eq!(
            schema,
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
    }

    #[test]
    fn colliding_names_leave_a_plain_string() {
        let mut schema = json!({"type": "string", "enum": ["a-b", "a_b", "A B"]});
        assert!(fix(&mut schema).is_some());
        assert_eq!(schema, json!({"type": "string"}));
        // typify's second try tells these apart (`AB`, `AXb`): kept.
        let mut schema = json!({"type": "string", "enum": ["ab", "a_b"]});
        assert_eq!(fix(&mut schema), None);
    }

    #[test]
    fn ordinary_enums_are_left_alone() {
        for schema in [
            json!({"type": "string", "enum": ["recent", "oldest", "1st"]}),
            json!({"type": "integer", "enum": [1, 2, 3]}),
            json!({"type": "number", "enum": [0.5, 1]}),
            json!({"enum": ["a", "b"]}),
        ] {
            let mut fixed = schema.clone();
            assert_eq!(fix(&mut fixed), None, "{schema}");
            assert_eq!(fixed, schema);
        }
    }
}
