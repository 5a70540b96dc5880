//! The mock's check of JSON request bodies against the spec's schema: the
//! subset of OpenAPI 3.0 schemas the vendored specs use for request bodies
//! (`type`, `properties`, `required`, `items`, `enum`, `nullable`, bounds,
//! lengths, `anyOf`/`oneOf`/`allOf`, `additionalProperties`, component
//! `$ref`s). A failure names the JSON path of what is wrong (`$.items[2].id`),
//! as the API's own validation errors do.

use serde_json::{Map, Value};

/// How deep `$ref`s are followed: a recursive schema with a deeper body is
/// accepted below this depth rather than walked forever.
const MAX_DEPTH: usize = 64;

/// Checks `value` against `schema`; `schemas` are the components `$ref`s
/// name. The error says where (`$.text`) and what was expected.
pub(crate) fn check(
    schema: &Value,
    value: &Value,
    schemas: &Map<String, Value>,
) -> Result<(), String> {
    let mut path = String::from("$");
    Checker { schemas }.at(schema, value, &mut path, 0)
}

struct Checker<'s> {
    schemas: &'s Map<String, Value>,
}

impl Checker<'_> {
    fn resolve<'v>(&'v self, schema: &'v Value) -> &'v Value {
        let mut schema = schema;
        // A chain of references (`A` is `$ref: B`) is followed a few steps.
        for _ in 0..8 {
            let Some(name) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            else {
                break;
            };
            match self.schemas.get(name) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn at(
        &self,
        schema: &Value,
        value: &Value,
        path: &mut String,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let schema = self.resolve(schema);
        let kind = schema.get("type").and_then(Value::as_str);
        if value.is_null() {
            let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
            return if nullable || kind.is_none() || kind == Some("null") {
                Ok(())
            } else {
                Err(format!("`{path}` must not be null"))
            };
        }
        for union in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(union).and_then(Value::as_array) {
                let mut scratch = path.clone();
                if !branches
                    .iter()
                    .any(|b| self.at(b, value, &mut scratch, depth + 1).is_ok())
                {
                    return Err(format!(
                        "`{path}` matches none of the {} shapes it may take, got {}",
                        branches.len(),
                        preview(value)
                    ));
                }
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.at(part, value, path, depth + 1)?;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let listed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(format!(
                "`{path}` must be one of {}, got {}",
                listed.join(", "),
                preview(value)
            ));
        }
        let wrong = |expected: &str| format!("`{path}` must be {expected}, got {}", preview(value));
        match kind {
            Some("object") => {
                let object = value.as_object().ok_or_else(|| wrong("an object"))?;
                self.object(schema, object, path, depth)
            }
            Some("array") => {
                let items = value.as_array().ok_or_else(|| wrong("an array"))?;
                if let Some(item) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        self.at(item, v, path, depth + 1)?;
                        path.truncate(len);
                    }
                }
                Ok(())
            }
            Some("string") => {
                let text = value.as_str().ok_or_else(|| wrong("a string"))?;
                let chars = text.chars().count() as u64;
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
                    && chars > max
                {
                    return Err(format!(
                        "`{path}` must be at most {max} characters, got {chars}"
                    ));
                }
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
                    && chars < min
                {
                    return Err(format!(
                        "`{path}` must be at least {min} characters, got {chars}"
                    ));
                }
                Ok(())
            }
            Some("integer") if !(value.is_i64() || value.is_u64()) => Err(wrong("an integer")),
            Some("number" | "integer") => {
                let n = value.as_f64().ok_or_else(|| wrong("a number"))?;
                let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
                // OpenAPI 3.0: `exclusiveMinimum: true` makes `minimum` strict.
                let strict = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
                match (bound("minimum"), bound("maximum")) {
                    (Some(min), _) if strict("exclusiveMinimum") && n <= min => {
                        Err(format!("`{path}` must be more than {min}, got {n}"))
                    }
                    (Some(min), _) if n < min => {
                        Err(format!("`{path}` must be at least {min}, got {n}"))
                    }
                    (_, Some(max)) if strict("exclusiveMaximum") && n >= max => {
                        Err(format!("`{path}` must be less than {max}, got {n}"))
                    }
                    (_, Some(max)) if n > max => {
                        Err(format!("`{path}` must be at most {max}, got {n}"))
                    }
                    _ => Ok(()),
                }
            }
            Some("boolean") if !value.is_boolean() => Err(wrong("true or false")),
            // No type: properties still apply to an object.
            None => match value.as_object() {
                Some(object) if schema.get("properties").is_some() => {
                    self.object(schema, object, path, depth)
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn object(
        &self,
        schema: &Value,
        object: &Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) -> Result<(), String> {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                return Err(format!("`{path}.{name}` is required"));
            }
        }
        let additional = schema.get("additionalProperties");
        for (name, v) in object {
            let len = path.len();
            path.push('.');
            path.push_str(name);
            match (properties.and_then(|p| p.get(name)), additional) {
                (Some(property), _) => self.at(property, v, path, depth + 1)?,
                (None, Some(Value::Bool(false))) => {
                    return Err(format!("`{path}` is not a field of this body"));
                }
                (None, Some(extra @ Value::Object(_))) => self.at(extra, v, path, depth + 1)?,
                (None, _) => {}
            }
            path.truncate(len);
        }
        Ok(())
    }
}

/// A value as an error shows it: short, whatever its size.
fn preview(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schemas() -> Map<String, Value> {
        json!({
            "Media": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer", "minimum": 1},
                    "kind": {"type": "string", "enum": ["photo", "video"]}
                }
            }
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    fn body() -> Value {
        json!({
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": {"type": "string", "maxLength": 5},
                "price": {"type": "number", "nullable": true, "maximum": 100},
                "count": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
                "media": {"type": "array", "items": {"$ref": "#/components/schemas/Media"}},
                "lockedText": {"type": "boolean"},
                "userId": {"anyOf": [{"type": "integer"}, {"type": "string"}]}
            }
        })
    }

    fn error(value: Value) -> String {
        check(&body(), &value, &schemas()).unwrap_err()
    }

    #[test]
    fn accepts_what_the_schema_allows() {
        let ok = json!({"text": "hi", "price": null, "media": [{"id": 3, "kind": "photo"}], "userId": "u1", "extra": 1});
        assert_eq!(check(&body(), &ok, &schemas()), Ok(()));
    }

    #[test]
    fn names_the_json_path_of_what_is_wrong() {
        assert_eq!(error(json!({})), "`$.text` is required");
        assert_eq!(
            error(json!({"text": 5})),
            "`$.text` must be a string, got 5"
        );
        assert_eq!(
            error(json!({"text": "too long"})),
            "`$.text` must be at most 5 characters, got 8"
        );
        assert_eq!(
            error(json!({"text": "a", "media": [{"id": 1}, {"kind": "gif", "id": 2}]})),
            "`$.media[1].kind` must be one of \"photo\", \"video\", got \"gif\""
        );
        assert_eq!(
            error(json!({"text": "a", "media": [{"id": 1.5}]})),
            "`$.media[0].id` must be an integer, got 1.5"
        );
        assert_eq!(
            error(json!({"text": "a", "media": [{}]})),
            "`$.media[0].id` is required"
        );
        assert_eq!(
            error(json!({"text": "a", "price": 101})),
            "`$.price` must be at most 100, got 101"
        );
        assert_eq!(
            error(json!({"text": "a", "lockedText": "yes"})),
            "`$.lockedText` must be true or false, got \"yes\""
        );
        assert_eq!(
            error(json!({"text": "a", "userId": true})),
            "`$.userId` matches none of the 2 shapes it may take, got true"
        );
        assert_eq!(
            error(json!({"text": "a", "count": 0})),
            "`$.count` must be more than 0, got 0"
        );
        assert_eq!(error(json!([])), "`$` must be an object, got []");
        assert_eq!(error(json!({"text": null})), "`$.text` must not be null");
    }
}
