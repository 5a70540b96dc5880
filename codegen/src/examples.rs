//! Response bodies for mocks and tests: the spec's own examples where it has
//! them, otherwise a deterministic body synthesized from the response schema.

use serde_json::{Map, Value, json};

/// The example a spec declares for an operation's success response, if any
/// (media-type `example`, then schema `example`).
pub fn declared_response_example(spec: &Value, method: &str, path: &str) -> Option<Value> {
    let media = success_media(spec, method, path)?;
    media
        .get("example")
        .or_else(|| media.pointer("/schema/example"))
        .cloned()
}

/// The success response body schema of an operation.
pub fn response_schema<'a>(spec: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    success_media(spec, method, path)?.get("schema")
}

fn success_media<'a>(spec: &'a Value, method: &str, path: &str) -> Option<&'a Value> {
    let (_, response) = success_response(spec, method, path)?;
    response.get("content")?.get("application/json")
}

/// An operation's first 2xx response: its status key and the response object.
pub fn success_response<'a>(
    spec: &'a Value,
    method: &str,
    path: &str,
) -> Option<(&'a str, &'a Value)> {
    spec.get("paths")?
        .get(path)?
        .get(method)?
        .get("responses")?
        .as_object()?
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .map(|(status, response)| (status.as_str(), response))
}

/// A deterministic value that follows `schema`: every declared property is
/// present, ids are distinct large integers (so that round-trip bugs such as
/// `1234567890123.0` show), other integers are small, recursion stops after one
/// level.
pub fn synthesize(spec: &Value, schema: &Value) -> Value {
    Synth::new(spec).value(schema, None)
}

/// [`synthesize`] for a value that has a name (a parameter): ids and text
/// follow the name as they do for properties.
pub fn synthesize_named(spec: &Value, schema: &Value, name: &str) -> Value {
    Synth::new(spec).value(schema, Some(name))
}

struct Synth<'a> {
    spec: &'a Value,
    next_id: u64,
    stack: Vec<String>,
    /// Set when a `$ref` led back into a schema being built: that value was
    /// cut (`null`), and the property or item holding it is left out.
    cut: bool,
}

impl<'a> Synth<'a> {
    fn new(spec: &'a Value) -> Self {
        Synth {
            spec,
            next_id: 1_234_567_890_123,
            stack: Vec::new(),
            cut: false,
        }
    }

    fn value(&mut self, schema: &Value, name: Option<&str>) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            // However it is reached (a property, an array's items, a union's
            // branch): a reference back into a type being built stops here.
            if self.stack.iter().any(|s| s == reference) {
                self.cut = true;
                return Value::Null;
            }
            let target = reference
                .strip_prefix('#')
                .and_then(|p| self.spec.pointer(p))
                .cloned()
                .unwrap_or(Value::Null);
            self.stack.push(reference.to_owned());
            let v = self.value(&target, name);
            self.stack.pop();
            return v;
        }
        if let Some(example) = schema.get("example").filter(|e| !e.is_null())
            && !matches!(example, Value::Object(_) | Value::Array(_))
        {
            return example.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(first) = schema
                .get(key)
                .and_then(Value::as_array)
                .and_then(|b| b.first())
            {
                return self.value(first, name);
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("integer")
                if schema.get("format").and_then(Value::as_str) == Some("uint64")
                    && name
                        .is_none_or(|n| n == "id" || n.ends_with("Id") || n.ends_with("_id")) =>
            {
                let id = self.next_id;
                self.next_id += 1;
                json!(id)
            }
            Some("integer") => {
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
                let max = schema
                    .get("maximum")
                    .and_then(Value::as_i64)
                    .unwrap_or(i64::MAX);
                json!(min.max(1).min(max))
            }
            Some("number") => {
                let min = schema
                    .get("minimum")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::MIN);
                let max = schema
                    .get("maximum")
                    .and_then(Value::as_f64)
                    .unwrap_or(f64::MAX);
                json!(480.0f64.max(min).min(max))
            }
            Some("boolean") => json!(true),
            Some("string") => {
                // A value of the declared format, as a validator checks it.
                let formatted = match schema.get("format").and_then(Value::as_str) {
                    Some("date") => Some("2025-01-15"),
                    Some("date-time") => Some("2025-01-15T10:30:00Z"),
                    Some("email") => Some("fan@example.com"),
                    Some("uri" | "url") => Some("https://example.com/conformance"),
                    Some("uuid") => Some("3f2b8c1e-9d4a-4e6b-8f1a-2c5d7e9b0a13"),
                    Some("ipv4") => Some("192.0.2.7"),
                    _ => None,
                };
                if let Some(text) = formatted {
                    return json!(text);
                }
                // Within the schema's lengths: a synthesized request body must
                // pass the mock's own check.
                let mut text: String = name.unwrap_or("text").to_owned();
                if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                    text = text.chars().take(max as usize).collect();
                }
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                    while (text.chars().count() as u64) < min {
                        text.push('x');
                    }
                }
                json!(text)
            }
            Some("array") => match schema.get("items") {
                Some(items) => match self.value_or_cut(items, name) {
                    Some(item) => Value::Array(vec![item]),
                    None => json!([]),
                },
                None => json!([]),
            },
            Some("object") => self.object(schema),
            _ if schema.get("properties").is_some() => self.object(schema),
            _ => Value::Null,
        }
    }

    fn object(&mut self, schema: &Value) -> Value {
        let mut out = Map::new();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Value::Object(out);
        };
        for (name, prop) in props {
            if let Some(value) = self.value_or_cut(prop, Some(name)) {
                out.insert(name.clone(), value);
            }
        }
        Value::Object(out)
    }

    /// The value of `schema`, or `None` when it was cut as recursive.
    fn value_or_cut(&mut self, schema: &Value, name: Option<&str>) -> Option<Value> {
        self.cut = false;
        let value = self.value(schema, name);
        let cut = std::mem::take(&mut self.cut);
        (!(cut && value.is_null())).then_some(value)
    }
}
