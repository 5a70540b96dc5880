//! Properties of one object whose Rust field names collide (`fooBar`,
//! `foo_bar` and `foo-bar` are all `foo_bar`; `self` and `Self` are both
//! `self_`) would make a struct that does not compile. The first keeps its
//! field; the others leave `properties` for the object's additional
//! properties, which become any JSON value, so the struct keeps them in its
//! map of extra fields (nothing received is lost). Each move is a line of
//! the report.

use serde_json::{Map, Value};

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    walk::for_each_schema_mut(doc, &mut |place, schema, _| {
        let moved = fix(schema);
        if !moved.is_empty() {
            report.note(format!(
                "{}: properties {moved:?} have the Rust field name of another: kept as additional properties",
                place.pointer
            ));
        }
    });
}

/// Moves the colliding properties out; their names.
fn fix(schema: &mut Value) -> Vec<String> {
    let Some(obj) = schema.as_object_mut() else {
        return Vec::new();
    };
    let Some(Value::Object(properties)) = obj.get("properties") else {
        return Vec::new();
    };
    let mut fields: Vec<String> = Vec::new();
    let mut moved = Vec::new();
    for key in properties.keys() {
        let field = crate::type_space::property_ident(key);
        if fields.contains(&field) {
            moved.push(key.clone());
        } else {
            fields.push(field);
        }
    }
    if moved.is_empty() {
        return moved;
    }
    if let Some(Value::Object(properties)) = obj.get_mut("properties") {
        properties.retain(|key, _| !moved.contains(key));
    }
    if let Some(Value::Array(required)) = obj.get_mut("required") {
        required.retain(|name| !name.as_str().is_some_and(|n| moved.iter().any(|m| m == n)));
    }
    if obj
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        obj.remove("required");
    }
    obj.insert("additionalProperties".into(), Value::Object(Map::new()));
    moved
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fix;

    #[test]
    fn the_first_keeps_its_field_and_the_others_are_additional() {
        let mut schema = json!({
            "type": "object",
            "required": ["foo_bar"],
            "properties": {
                "fooBar": {"type": "string"},
                "foo_bar": {"type": "integer"},
                "self": {"type": "string"},
                "Self": {"type": "string"},
                "type": {"type": "string"}
            }
        });
        assert_eq!(fix(&mut schema), ["foo_bar", "Self"]);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "fooBar": {"type": "string"},
                    "self": {"type": "string"},
                    "type": {"type": "string"}
                },
                "additionalProperties": {}
            })
        );
    }

    #[test]
    fn distinct_names_are_left_alone() {
        let mut schema = json!({"properties": {"a": {}, "b": {}, "r#type": {}, "type": {}}});
        let before = schema.clone();
        assert!(fix(&mut schema).is_empty());
        assert_eq!(schema, before);
    }
}
