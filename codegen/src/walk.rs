//! Schema-aware traversal of an OpenAPI document held as `serde_json::Value`.
//!
//! Every normalization rule needs to visit "every schema" and only schemas: a
//! property *named* `const` or `type` must never be mistaken for a keyword. This
//! module knows where schemas live in a document and inside other schemas, so the
//! rules do not each re-learn it.

use serde_json::{Map, Value};

/// How a subschema hangs off its parent schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    Property(String),
    Items,
    AdditionalProperties,
    AnyOf(usize),
    OneOf(usize),
    AllOf(usize),
    Not,
    PrefixItems(usize),
}

impl Edge {
    /// The JSON-pointer segments this edge stands for.
    pub fn pointer(&self) -> String {
        match self {
            Edge::Property(name) => format!("/properties/{}", escape_pointer(name)),
            Edge::Items => "/items".into(),
            Edge::AdditionalProperties => "/additionalProperties".into(),
            Edge::AnyOf(i) => format!("/anyOf/{i}"),
            Edge::OneOf(i) => format!("/oneOf/{i}"),
            Edge::AllOf(i) => format!("/allOf/{i}"),
            Edge::Not => "/not".into(),
            Edge::PrefixItems(i) => format!("/prefixItems/{i}"),
        }
    }
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Where a top-level schema sits in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootKind {
    /// `components/schemas/<name>`.
    Component(String),
    /// A parameter's schema (path-level, operation-level or a component).
    Parameter,
    /// A request body's media-type schema.
    RequestBody,
    /// A response body's media-type schema.
    Response { status: String },
    /// A header's schema (response headers or component headers).
    Header,
}

/// A top-level schema with its location.
#[derive(Debug, Clone)]
pub struct Root {
    /// JSON pointer of the schema in the document.
    pub pointer: String,
    pub kind: RootKind,
    /// The operation's `operationId`, when the schema belongs to one.
    pub operation_id: Option<String>,
    /// The parameter's or header's name, for those roots.
    pub name: Option<String>,
}

/// HTTP methods an OpenAPI path item may hold, in the spec's order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Calls `f` on every top-level schema of the document.
pub fn for_each_root_mut(doc: &mut Value, f: &mut dyn FnMut(&Root, &mut Value)) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let base = format!("/paths/{}", escape_pointer(path));
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    parameters_mut(value, &format!("{base}/parameters"), None, f);
                } else if METHODS.contains(&key.as_str()) {
                    let op_id = value
                        .get("operationId")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    operation_mut(value, &format!("{base}/{key}"), op_id, f);
                }
            }
        }
    }
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return;
    };
    for (section, entries) in components.iter_mut() {
        let Some(entries) = entries.as_object_mut() else {
            continue;
        };
        for (name, entry) in entries.iter_mut() {
            let pointer = format!("/components/{section}/{}", escape_pointer(name));
            match section.as_str() {
                "schemas" => {
                    let root = Root {
                        pointer,
                        kind: RootKind::Component(name.clone()),
                        operation_id: None,
                        name: None,
                    };
                    f(&root, entry);
                }
                "parameters" => schema_field_mut(entry, &pointer, RootKind::Parameter, None, f),
                "headers" => schema_field_mut(entry, &pointer, RootKind::Header, None, f),
                "requestBodies" => content_mut(entry, &pointer, RootKind::RequestBody, None, f),
                "responses" => response_mut(entry, &pointer, name, None, f),
                _ => {}
            }
        }
    }
}

fn operation_mut(
    op: &mut Value,
    base: &str,
    op_id: Option<String>,
    f: &mut dyn FnMut(&Root, &mut Value),
) {
    let Some(op) = op.as_object_mut() else {
        return;
    };
    for (key, value) in op.iter_mut() {
        let pointer = format!("{base}/{key}");
        match key.as_str() {
            "parameters" => parameters_mut(value, &pointer, op_id.clone(), f),
            "requestBody" => content_mut(value, &pointer, RootKind::RequestBody, op_id.clone(), f),
            "responses" => {
                if let Some(responses) = value.as_object_mut() {
                    for (status, response) in responses.iter_mut() {
                        let pointer = format!("{pointer}/{}", escape_pointer(status));
                        response_mut(response, &pointer, status, op_id.clone(), f);
                    }
                }
            }
            _ => {}
        }
    }
}

fn parameters_mut(
    params: &mut Value,
    base: &str,
    op_id: Option<String>,
    f: &mut dyn FnMut(&Root, &mut Value),
) {
    if let Some(params) = params.as_array_mut() {
        for (i, param) in params.iter_mut().enumerate() {
            let pointer = format!("{base}/{i}");
            schema_field_mut(param, &pointer, RootKind::Parameter, op_id.clone(), f);
        }
    }
}

fn response_mut(
    response: &mut Value,
    base: &str,
    status: &str,
    op_id: Option<String>,
    f: &mut dyn FnMut(&Root, &mut Value),
) {
    let kind = RootKind::Response {
        status: status.to_owned(),
    };
    content_mut(response, base, kind, op_id.clone(), f);
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            let pointer = format!("{base}/headers/{}", escape_pointer(name));
            schema_field_mut(header, &pointer, RootKind::Header, op_id.clone(), f);
        }
    }
}

fn content_mut(
    holder: &mut Value,
    base: &str,
    kind: RootKind,
    op_id: Option<String>,
    f: &mut dyn FnMut(&Root, &mut Value),
) {
    if let Some(content) = holder.get_mut("content").and_then(Value::as_object_mut) {
        for (media_type, media) in content.iter_mut() {
            let pointer = format!("{base}/content/{}", escape_pointer(media_type));
            schema_field_mut(media, &pointer, kind.clone(), op_id.clone(), f);
        }
    }
}

fn schema_field_mut(
    holder: &mut Value,
    base: &str,
    kind: RootKind,
    operation_id: Option<String>,
    f: &mut dyn FnMut(&Root, &mut Value),
) {
    let name = match kind {
        RootKind::Header => base
            .rsplit('/')
            .next()
            .map(|s| s.replace("~1", "/").replace("~0", "~")),
        _ => holder
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    if let Some(schema) = holder.get_mut("schema") {
        let root = Root {
            pointer: format!("{base}/schema"),
            kind,
            operation_id,
            name,
        };
        f(&root, schema);
    }
}

/// The direct subschemas of `schema`, with the edge that leads to each.
pub fn subschemas_mut(schema: &mut Value) -> Vec<(Edge, &mut Value)> {
    let mut out = Vec::new();
    let Some(obj) = schema.as_object_mut() else {
        return out;
    };
    for (key, value) in obj.iter_mut() {
        match key.as_str() {
            "properties" => {
                if let Some(props) = value.as_object_mut() {
                    for (name, sub) in props.iter_mut() {
                        out.push((Edge::Property(name.clone()), sub));
                    }
                }
            }
            "items" if value.is_object() => out.push((Edge::Items, value)),
            "additionalProperties" if value.is_object() => {
                out.push((Edge::AdditionalProperties, value))
            }
            "not" => out.push((Edge::Not, value)),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                if let Some(list) = value.as_array_mut() {
                    for (i, sub) in list.iter_mut().enumerate() {
                        let edge = match key.as_str() {
                            "anyOf" => Edge::AnyOf(i),
                            "oneOf" => Edge::OneOf(i),
                            "allOf" => Edge::AllOf(i),
                            _ => Edge::PrefixItems(i),
                        };
                        out.push((edge, sub));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Visits `schema` and all its subschemas, parent before children. `f` may
/// rewrite the schema it is given; the children visited are the rewritten ones.
pub fn visit_pre_mut(
    schema: &mut Value,
    path: &mut Vec<Edge>,
    f: &mut dyn FnMut(&mut Value, &[Edge]),
) {
    f(schema, path);
    for (edge, sub) in subschemas_mut(schema) {
        path.push(edge);
        visit_pre_mut(sub, path, f);
        path.pop();
    }
}

/// Visits all subschemas of `schema`, children before their parent.
pub fn visit_post_mut(
    schema: &mut Value,
    path: &mut Vec<Edge>,
    f: &mut dyn FnMut(&mut Value, &[Edge]),
) {
    for (edge, sub) in subschemas_mut(schema) {
        path.push(edge);
        visit_post_mut(sub, path, f);
        path.pop();
    }
    f(schema, path);
}

/// Calls `f` on every schema of the document (every root and all its subschemas),
/// parent before children.
pub fn for_each_schema_mut(doc: &mut Value, f: &mut dyn FnMut(&Root, &mut Value, &[Edge])) {
    for_each_root_mut(doc, &mut |root, schema| {
        visit_pre_mut(schema, &mut Vec::new(), &mut |s, path| f(root, s, path));
    });
}

/// Every operation of the document, read-only: `(path, method, operation)`.
pub fn operations(doc: &Value) -> Vec<(&str, &str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if let Some(item) = item.as_object() {
                for (method, op) in item {
                    if METHODS.contains(&method.as_str()) {
                        out.push((path.as_str(), method.as_str(), op));
                    }
                }
            }
        }
    }
    out
}

/// A local `$ref` followed once (or the value itself when it is none, or
/// when the reference points nowhere).
pub fn resolve_ref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| doc.pointer(p))
        .unwrap_or(value)
}

/// The prefix of a `$ref` to a component schema.
const COMPONENT_REF: &str = "#/components/schemas/";

/// A `$ref` to the component schema `name`.
pub fn component_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": format!("{COMPONENT_REF}{name}") })
}

/// The component schema a `$ref` schema names, if it is one.
pub fn referenced_component(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(COMPONENT_REF))
}

/// Adds to `seen` every component schema `value` refers to, directly or
/// through other components (`components` is `components/schemas`).
pub fn collect_component_refs(
    value: &Value,
    components: &Value,
    seen: &mut std::collections::BTreeSet<String>,
) {
    match value {
        Value::Object(obj) => {
            if let Some(name) = referenced_component(value)
                && seen.insert(name.to_owned())
                && let Some(target) = components.get(name)
            {
                collect_component_refs(target, components, seen);
            }
            obj.values()
                .for_each(|v| collect_component_refs(v, components, seen));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| collect_component_refs(v, components, seen)),
        _ => {}
    }
}

/// Keeps the operations `keep(path, method, operation)` answers for, and drops
/// the path items left without any.
pub fn retain_operations(doc: &mut Value, mut keep: impl FnMut(&str, &str, &Value) -> bool) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if let Some(item) = item.as_object_mut() {
            item.retain(|key, op| !METHODS.contains(&key.as_str()) || keep(path, key, op));
        }
    }
    drop_empty_path_items(paths);
}

/// Drops the path items that hold no operation (they would generate nothing).
pub fn drop_empty_path_items(paths: &mut Map<String, Value>) {
    paths.retain(|_, item| {
        item.as_object()
            .is_none_or(|i| i.keys().any(|k| METHODS.contains(&k.as_str())))
    });
}

/// Every operation of the document: `(path, method, operation object)`.
pub fn operations_mut(doc: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, op) in item.iter_mut() {
                    if METHODS.contains(&method.as_str())
                        && let Some(op) = op.as_object_mut()
                    {
                        out.push((path.clone(), method.clone(), op));
                    }
                }
            }
        }
    }
    out
}

/// The `type` keyword of a schema when it is a single string.
pub fn type_of(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

/// A string schema that says nothing more of its values (no `format`,
/// `pattern` or `enum`): what a rule may retype when the name or the rest of
/// the document says what the value really is.
pub fn is_bare_string(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["format", "pattern", "enum"]
            .iter()
            .all(|k| schema.get(*k).is_none())
}

/// True when the schema describes an object with declared properties.
pub fn is_object_with_properties(schema: &Value) -> bool {
    schema.get("properties").is_some_and(Value::is_object)
        && matches!(type_of(schema), None | Some("object"))
        && schema.get("$ref").is_none()
}
