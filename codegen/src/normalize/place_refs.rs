//! References to a schema's place become copies of it, before any rule moves
//! that place.
//!
//! An inline schema has no name before hoisting gives it one, so the overlay
//! can only say "this webhook payload is that operation's message" with a
//! `$ref` to the schema's place (`#/paths/~1api~1…/items`,
//! `#/webhooks/connection.created/…`). Such a reference is replaced by a copy
//! of what it points at; hoisting ([`super::hoist`]) then gives both places
//! the one component, as it does for any repeated shape. It runs first: the
//! [`super::webhooks`] rule moves the `webhooks` section a reference may
//! point into.

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    let copied = inline_place_refs(doc);
    if copied > 0 {
        report.note(format!(
            "{copied} references to a schema's place replaced by its shape"
        ));
    }
}

/// How deep references to places may chain (a place whose schema refers to
/// another place); a deeper or circular one is left for progenitor to refuse.
const PLACE_REF_DEPTH: usize = 8;

/// Replaces every `$ref` to a schema's place outside `components` by a copy
/// of that schema; returns how many were replaced. Only the referenced
/// schemas are copied, never the document.
fn inline_place_refs(doc: &mut Value) -> usize {
    let mut replaced = 0;
    for _ in 0..PLACE_REF_DEPTH {
        let mut sites = Vec::new();
        find_place_refs(doc, &mut Vec::new(), &mut sites);
        let copies: Vec<(String, Value)> = sites
            .into_iter()
            .filter_map(|site| {
                let reference = doc.pointer(&site)?;
                let target = walk::resolve_ref(doc, reference);
                (!std::ptr::eq(target, reference)).then(|| (site, target.clone()))
            })
            .collect();
        if copies.is_empty() {
            break;
        }
        for (site, copy) in copies {
            if let Some(slot) = doc.pointer_mut(&site) {
                *slot = copy;
                replaced += 1;
            }
        }
    }
    replaced
}

/// Adds to `sites` the JSON pointer of every `$ref` below `value` that points
/// into the document outside `components` (`path`: the segments to `value`).
fn find_place_refs<'a>(
    value: &'a Value,
    path: &mut Vec<std::borrow::Cow<'a, str>>,
    sites: &mut Vec<String>,
) {
    let is_place_ref = value
        .get("$ref")
        .and_then(Value::as_str)
        .is_some_and(|r| r.starts_with("#/") && !r.starts_with("#/components/"));
    if is_place_ref {
        sites.push(
            path.iter()
                .map(|segment| format!("/{}", walk::escape_pointer(segment)))
                .collect(),
        );
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                path.push(key.as_str().into());
                find_place_refs(child, path, sites);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string().into());
                find_place_refs(child, path, sites);
                path.pop();
            }
        }
        _ => {}
    }
}
