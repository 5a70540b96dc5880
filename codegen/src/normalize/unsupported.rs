//! Operations progenitor cannot generate are left out, each with a named reason,
//! so that one odd endpoint in a full upstream spec does not fail the whole build.
//!
//! Known in advance (checked here, with a clear reason):
//! - a request body whose only media types progenitor does not support:
//!   `multipart/form-data` is set aside on the operation
//!   (`x-facade-multipart`), which the facade generates alone (file parts,
//!   streamed) and the raw client does not have; any other is left out;
//! - a request body offering several media types: progenitor aborts on those, so
//!   the body is narrowed to the one media type it supports best (JSON first);
//! - a path parameter in the label or matrix style, or a query list in the
//!   space- or pipe-delimited style: the client sends neither, so the
//!   operation is left out (it would reach the server malformed);
//! - a cookie parameter: the client sends no cookies, so an optional one is
//!   taken out of the operation (noted) and a required one costs the
//!   operation;
//! - a query parameter of `style: deepObject` (`filter[online]=1`), which
//!   progenitor rejects: the parameter is taken out of the operation and kept
//!   on it as `x-facade-deep-object`, so the raw client has the operation
//!   without it and the facade sets each of its properties
//!   (`.filter_online(1)`). Knowing it here matters for more than the message:
//!   finding it by probing costs one generation of the whole document per
//!   operation.
//!
//! Anything else the generator rejects is found at generation time
//! ([`crate::generate`]), one operation at a time, and reported the same way.

use serde_json::Value;

use super::{Omitted, Report};

/// The HTTP methods a path item holds operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parameter the client cannot send as the spec describes it.
#[derive(Debug, Clone)]
enum Unsendable {
    /// A path parameter the path does not name (the generated `format!` of
    /// the path would not compile).
    Unnamed(String),
    /// A cookie: the client sends none.
    Cookie { name: String, required: bool },
    /// A style the client does not send (a path parameter is sent in the
    /// simple style, a query list exploded or comma-separated): why.
    Style(String),
}

/// Takes the parameters of `params` the client cannot send out of it
/// (`named`: the parameters the path template names).
fn take_unsendable(params: &mut Vec<Value>, named: &[String]) -> Vec<Unsendable> {
    let mut taken = Vec::new();
    params.retain(|p| {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?").to_owned();
        let style = p.get("style").and_then(Value::as_str).unwrap_or_default();
        let unsendable = match p.get("in").and_then(Value::as_str).unwrap_or_default() {
            "path" if !named.contains(&name) => Some(Unsendable::Unnamed(name)),
            "path" if matches!(style, "label" | "matrix") => Some(Unsendable::Style(format!(
                "path parameter `{name}` in the {style} style: the client sends path parameters in the simple style"
            ))),
            "query" if matches!(style, "spaceDelimited" | "pipeDelimited") => {
                Some(Unsendable::Style(format!(
                    "query parameter `{name}` in the {style} style: the client sends lists exploded or comma-separated"
                )))
            }
            "cookie" => Some(Unsendable::Cookie {
                name,
                required: p.get("required") == Some(&Value::Bool(true)),
            }),
            _ => None,
        };
        let keep = unsendable.is_none();
        taken.extend(unsendable);
        keep
    });
    taken
}

/// Request media types progenitor generates bodies for, best first.
const SUPPORTED_BODY_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

fn support_rank(media_type: &str) -> Option<usize> {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    SUPPORTED_BODY_TYPES.iter().position(|t| *t == essence)
}

pub fn apply(doc: &mut Value, report: &mut Report) {
    let deep_objects = deep_object_parameters(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let mut drop: Vec<(String, String)> = Vec::new();
        for (_, method, name) in deep_objects.iter().filter(|(p, _, _)| p == path) {
            set_aside_deep_object(item, method, name);
            report.note(format!(
                "{method} {path}: query parameter `{name}` (style deepObject, which progenitor \
                 does not support) is set by the facade only"
            ));
        }
        // A path-level deepObject parameter applies to every method, each of
        // which now has it set aside.
        if let Some(params) = item.get_mut("parameters").and_then(Value::as_array_mut) {
            params.retain(|p| !(p["in"] == "query" && p["style"] == "deepObject"));
            if params.is_empty() {
                item.remove("parameters");
            }
        }
        // Parameters the client cannot send, the path item's (for every
        // method) and each operation's: taken out, with a note, where the
        // operation works without them; else the operation is left out.
        let named = crate::type_space::template_names(path);
        let shared = item
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .map(|params| take_unsendable(params, &named))
            .unwrap_or_default();
        if item
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            item.remove("parameters");
        }
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let mut unsendable = shared.clone();
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                unsendable.extend(take_unsendable(params, &named));
            }
            let mut styles = Vec::new();
            let mut required_cookies = Vec::new();
            for parameter in &unsendable {
                match parameter {
                    Unsendable::Style(reason) => styles.push(reason.clone()),
                    Unsendable::Cookie {
                        name,
                        required: true,
                    } => {
                        required_cookies.push(name.as_str());
                    }
                    Unsendable::Cookie { .. } | Unsendable::Unnamed(_) => {}
                }
            }
            if let Some(reason) = styles.into_iter().next() {
                drop.push((method.clone(), reason));
            } else if !required_cookies.is_empty() {
                drop.push((
                    method.clone(),
                    format!(
                        "required cookie parameter {}: the client sends no cookies",
                        required_cookies.join(", ")
                    ),
                ));
            } else {
                for parameter in &unsendable {
                    let note = match parameter {
                        Unsendable::Unnamed(name) => {
                            format!("path parameter `{name}` left out (the path does not name it)")
                        }
                        Unsendable::Cookie { name, .. } => {
                            format!(
                                "cookie parameter `{name}` left out (the client sends no cookies)"
                            )
                        }
                        Unsendable::Style(_) => continue,
                    };
                    report.note(format!("{method} {path}: {note}"));
                }
            }
        }
        for (method, op) in item.iter_mut() {
            if drop.iter().any(|(m, _)| m == method) {
                continue;
            }
            let mut multipart = None;
            let Some(content) = op
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let best = content
                .keys()
                .filter_map(|k| support_rank(k).map(|rank| (rank, k.clone())))
                .min();
            match best {
                Some((_, keep)) if content.len() > 1 => {
                    let dropped: Vec<String> =
                        content.keys().filter(|k| **k != keep).cloned().collect();
                    content.retain(|k, _| *k == keep);
                    report.note(format!(
                        "{method} {path}: request body narrowed to `{keep}` (dropped {})",
                        dropped.join(", ")
                    ));
                }
                Some(_) => {}
                None if content.len() == 1 && content.contains_key("multipart/form-data") => {
                    let schema = content["multipart/form-data"]
                        .get("schema")
                        .cloned()
                        .unwrap_or(Value::Null);
                    multipart = Some(schema);
                }
                None => {
                    let types: Vec<&str> = content.keys().map(String::as_str).collect();
                    let reason = format!(
                        "request body media type {} is not supported by progenitor",
                        types.join(", ")
                    );
                    drop.push((method.clone(), reason));
                }
            }
            if let (Some(schema), Some(op)) = (multipart, op.as_object_mut()) {
                op.remove("requestBody");
                op.insert(crate::model::FACADE_MULTIPART.into(), schema);
                report.note(format!(
                    "{method} {path}: multipart/form-data body (which progenitor does not \
                     support): generated by the facade only"
                ));
            }
        }
        for (method, reason) in drop {
            // The first reason given for an operation is the one reported.
            let Some(op) = item.remove(&method) else {
                continue;
            };
            let op_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            report.omitted.push(Omitted {
                method,
                path: path.clone(),
                operation_id: op_id,
                reason,
            });
        }
    }
    // A path left with no operation would generate nothing; drop it too.
    crate::walk::drop_empty_path_items(paths);
}

/// Moves the deepObject query parameter `name` of `method` (from the
/// operation or its path item) to the operation's `x-facade-deep-object`.
fn set_aside_deep_object(item: &mut serde_json::Map<String, Value>, method: &str, name: &str) {
    let is_it = |p: &Value| p["in"] == "query" && p["name"] == name;
    // A path-level parameter applies to every method: copy the others down
    // to each operation so that taking it away changes only this one.
    let shared: Vec<Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
        return;
    };
    let own = op
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let own_names: Vec<(Value, Value)> = own
        .iter()
        .map(|p| (p["in"].clone(), p["name"].clone()))
        .collect();
    let mut kept = Vec::new();
    let mut set_aside = None;
    for p in shared
        .into_iter()
        .filter(|p| !own_names.contains(&(p["in"].clone(), p["name"].clone())))
        .chain(own)
    {
        if is_it(&p) {
            set_aside = Some(p);
        } else {
            kept.push(p);
        }
    }
    if kept.is_empty() {
        op.remove("parameters");
    } else {
        op.insert("parameters".into(), Value::Array(kept));
    }
    if let Some(p) = set_aside {
        op.insert("x-facade-deep-object".into(), Value::Array(vec![p]));
    }
}

/// `(path, method, parameter)` of every query parameter of `style: deepObject`
/// (path-level parameters count for each operation of their path).
fn deep_object_parameters(doc: &Value) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for (path, method, op) in crate::walk::operations(doc) {
        let shared = doc["paths"][path].get("parameters");
        let deep = [shared, op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .map(|p| crate::walk::resolve_ref(doc, p))
            .find(|p| p["in"] == "query" && p["style"] == "deepObject");
        if let Some(parameter) = deep {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            found.push((path.to_owned(), method.to_owned(), name));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn omits_multipart_and_narrows_mixed_bodies() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /media/upload:
    post:
      operationId: upload_media
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}}}
      responses: {'200': {description: ok}}
    get:
      operationId: list_uploads
      responses: {'200': {description: ok}}
  /posts:
    post:
      operationId: create_post
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object}
          application/json:
            schema: {type: object, properties: {text: {type: string}}}
      responses: {'200': {description: ok}}
  /only-upload:
    put:
      operationId: put_file
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object}
      responses: {'200': {description: ok}}
  /fans:
    parameters:
      - {in: query, name: filter, style: deepObject, schema: {type: object}}
    get:
      operationId: list_fans
      responses: {'200': {description: ok}}
"#
        ));
    }
}
