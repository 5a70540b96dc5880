//! A compact, order-independent list of a spec's operations: the readable drift
//! summary that snapshot tests keep (method, path, operationId, where it comes
//! from, parameters with their types, response types).

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

/// Renders the operation list of a (normalized) spec.
pub fn operations(spec: &Value) -> String {
    let mut entries = BTreeSet::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return String::new();
    };
    for (path, item) in paths {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in crate::walk::METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut out = String::new();
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
            let _ = writeln!(out, "{} {path}  {id}", method.to_uppercase());
            let _ = writeln!(out, "  from {}", source(op));
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let params: BTreeSet<String> = shared
                .iter()
                .chain(own.iter())
                .map(|p| {
                    let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                    format!(
                        "  {} {}{}: {}",
                        p.get("in").and_then(Value::as_str).unwrap_or("?"),
                        p.get("name").and_then(Value::as_str).unwrap_or("?"),
                        if required { "" } else { "?" },
                        p.get("schema").map(describe).unwrap_or_else(|| "?".into())
                    )
                })
                .collect();
            for p in params {
                let _ = writeln!(out, "{p}");
            }
            if let Some(content) = op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
            {
                for (media, body) in content {
                    let schema = body
                        .get("schema")
                        .map(describe)
                        .unwrap_or_else(|| "?".into());
                    let _ = writeln!(out, "  body {media}: {schema}");
                }
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                let mut sorted: Vec<_> = responses.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                for (status, response) in sorted {
                    match response.get("content").and_then(Value::as_object) {
                        Some(content) if !content.is_empty() => {
                            for (media, body) in content {
                                let schema = body
                                    .get("schema")
                                    .map(describe)
                                    .unwrap_or_else(|| "?".into());
                                let _ = writeln!(out, "  -> {status} {media}: {schema}");
                            }
                        }
                        _ => {
                            let _ = writeln!(out, "  -> {status} (no body)");
                        }
                    }
                }
            }
            entries.insert(out);
        }
    }
    entries.into_iter().collect()
}

/// Where an operation's description comes from: the upstream text, or the
/// official SDK (package and version) or upstream facts it was derived from.
fn source(op: &Value) -> String {
    match op.get(crate::merge::DERIVED_FROM) {
        None => "upstream".into(),
        Some(from) => match (
            from.get("package").and_then(Value::as_str),
            from.get("version").and_then(Value::as_str),
            from.get("facts").and_then(Value::as_str),
        ) {
            (Some(package), Some(version), _) => format!("sdk {package} {version}"),
            (_, _, Some(facts)) => format!("upstream facts {facts}"),
            _ => "sdk".into(),
        },
    }
}

/// One-line description of a schema's type.
pub fn describe(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    let nullable = if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        " | null"
    } else {
        ""
    };
    let base = match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "[{}]",
            schema
                .get("items")
                .map(describe)
                .unwrap_or_else(|| "any".into())
        ),
        Some("object") | None if schema.get("properties").is_some() => {
            let mut props: Vec<String> = schema["properties"]
                .as_object()
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| {
                            let req = schema
                                .get("required")
                                .and_then(Value::as_array)
                                .is_some_and(|r| r.iter().any(|n| n == k));
                            format!("{k}{}: {}", if req { "" } else { "?" }, describe(v))
                        })
                        .collect()
                })
                .unwrap_or_default();
            props.sort();
            format!("{{{}}}", props.join(", "))
        }
        Some(ty) => {
            let mut s = ty.to_owned();
            if let Some(f) = schema.get("format").and_then(Value::as_str) {
                let _ = write!(s, "<{f}>");
            }
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                let v: Vec<String> = values
                    .iter()
                    .map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
                    .collect();
                let _ = write!(s, "({})", v.join("|"));
            }
            let bounds: Vec<String> = ["minimum", "maximum", "maxLength"]
                .iter()
                .filter_map(|k| schema.get(*k).map(|v| format!("{k} {v}")))
                .collect();
            if !bounds.is_empty() {
                let _ = write!(s, " [{}]", bounds.join(", "));
            }
            s
        }
        None => {
            if let Some(branches) = schema
                .get("anyOf")
                .or_else(|| schema.get("oneOf"))
                .and_then(Value::as_array)
            {
                branches
                    .iter()
                    .map(describe)
                    .collect::<Vec<_>>()
                    .join(" | ")
            } else {
                "any".into()
            }
        }
    };
    format!("{base}{nullable}")
}
