//! The effective spec of an API: the vendored upstream text with the
//! operations derived from the vendor's official SDK (`sdk-derived.yaml`) that
//! the upstream text lacks.
//!
//! The upstream text is the authority. A derived operation whose method and
//! path upstream also has is *superseded*: it is not merged, and it is listed so
//! that `cargo xtask check` can insist on its removal from the derived file
//! (a stale derived entry would otherwise come back if upstream dropped the
//! operation). Components merge by name; a derived component whose name
//! upstream uses for another shape is renamed (`Sdk<Name>`) together with every
//! reference to it, so a derived shape never changes an upstream type.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::walk::{self, METHODS};

/// A `METHOD path` pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct OperationKey {
    pub method: String,
    pub path: String,
}

impl std::fmt::Display for OperationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method.to_uppercase(), self.path)
    }
}

/// What merging did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Derived operations merged in (upstream lacks them).
    pub derived: Vec<OperationKey>,
    /// Derived operations upstream now has: left out, to be removed from the
    /// derived file.
    pub superseded: Vec<OperationKey>,
    /// Derived components renamed because upstream uses the name for another
    /// shape: (derived name, name used).
    pub renamed: Vec<(String, String)>,
}

/// The extension that marks a derived operation with the source of its facts.
pub const DERIVED_FROM: &str = "x-derived-from";

/// Where the SDK has an operation upstream describes (its `x-derived-from`,
/// set on the upstream operation by the merge): the operation keeps its place
/// in the SDK's resource tree, and so its call, when upstream text replaces
/// the derived entry.
pub const SDK_PLACE: &str = "x-sdk-place";

/// The root extension of a derived document listing the SDK's place of each
/// operation the derivation did not write because upstream has it
/// (`METHOD path` → `x-derived-from`), kept when a superseded entry is pruned.
pub const SDK_PLACES: &str = "x-sdk-places";

/// Merges `derived` into `upstream` (both parsed, neither normalized).
pub fn merge(mut upstream: Value, derived: &Value) -> (Value, MergeReport) {
    let mut report = MergeReport::default();
    let mut derived = derived.clone();
    rename_clashing_components(&upstream, &mut derived, &mut report);

    let Some(root) = upstream.as_object_mut() else {
        return (upstream, report);
    };
    let paths = object_entry(root, "paths");
    if let Some(derived_paths) = derived.get("paths").and_then(Value::as_object) {
        for (path, derived_item) in derived_paths {
            let Some(derived_item) = derived_item.as_object() else {
                continue;
            };
            let shared: Vec<Value> = derived_item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let item = object_entry(paths, path);
            let new_item = item.is_empty();
            for method in METHODS {
                let Some(operation) = derived_item.get(method) else {
                    continue;
                };
                let key = OperationKey {
                    method: method.to_owned(),
                    path: path.clone(),
                };
                if let Some(upstream_op) = item.get_mut(method) {
                    if let (Some(place), Some(op)) =
                        (operation.get(DERIVED_FROM), upstream_op.as_object_mut())
                    {
                        op.entry(SDK_PLACE).or_insert_with(|| place.clone());
                    }
                    report.superseded.push(key);
                    continue;
                }
                let mut operation = operation.clone();
                if !new_item {
                    // Upstream's path item keeps its own path-level parameters;
                    // the derived ones it lacks travel with the operation.
                    carry_parameters(item, &shared, &mut operation);
                }
                item.insert(method.to_owned(), operation);
                report.derived.push(key);
            }
            if new_item {
                if item.is_empty() {
                    // Every operation superseded: nothing to add.
                    paths.remove(path);
                } else if !shared.is_empty() {
                    item.insert("parameters".into(), Value::Array(shared));
                }
            }
        }
    }

    // Upstream operations the derivation skipped: their SDK place.
    for (key, place) in derived
        .get(SDK_PLACES)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some((method, path)) = key.split_once(' ') else {
            continue;
        };
        if let Some(op) = paths
            .get_mut(path)
            .and_then(|item| item.get_mut(method.to_lowercase()))
            .and_then(Value::as_object_mut)
        {
            op.entry(SDK_PLACE).or_insert_with(|| place.clone());
        }
    }

    for section in ["components", "webhooks"] {
        let Some(incoming) = derived.get(section).and_then(Value::as_object) else {
            continue;
        };
        let target = object_entry(root, section);
        if section == "webhooks" {
            for (name, value) in incoming {
                target.entry(name.clone()).or_insert_with(|| value.clone());
            }
            continue;
        }
        for (kind, entries) in incoming {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            let existing = object_entry(target, kind);
            for (name, value) in entries {
                existing
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    if let Some(tags) = derived.get("tags").and_then(Value::as_array) {
        let list = root
            .entry("tags")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            for tag in tags {
                if !list.iter().any(|t| t.get("name") == tag.get("name")) {
                    list.push(tag.clone());
                }
            }
        }
    }
    (upstream, report)
}

/// The mapping at `key` of `map`, created empty when missing (a non-mapping
/// value there is replaced: the specs never hold one where these are looked up).
fn object_entry<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(map) => map,
        _ => unreachable!("just made a mapping"),
    }
}

/// Adds to `operation` the path-level parameters of the derived path item that
/// the upstream path item does not declare.
fn carry_parameters(upstream_item: &Map<String, Value>, shared: &[Value], operation: &mut Value) {
    let declared = |p: &Value, list: Option<&Value>| {
        list.and_then(Value::as_array).is_some_and(|l| {
            l.iter()
                .any(|q| q.get("name") == p.get("name") && q.get("in") == p.get("in"))
        })
    };
    let missing: Vec<Value> = shared
        .iter()
        .filter(|p| !declared(p, upstream_item.get("parameters")))
        .filter(|p| !declared(p, operation.get("parameters")))
        .cloned()
        .collect();
    if missing.is_empty() {
        return;
    }
    if let Some(op) = operation.as_object_mut() {
        let list = op
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = list.as_array_mut() {
            list.extend(missing);
        }
    }
}

/// Renames derived components whose name upstream uses for a different value,
/// and every `$ref` of the derived document to them.
fn rename_clashing_components(upstream: &Value, derived: &mut Value, report: &mut MergeReport) {
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    let Some(kinds) = derived.get("components").and_then(Value::as_object) else {
        return;
    };
    for (kind, entries) in kinds {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for (name, value) in entries {
            let pointer = format!(
                "/components/{}/{}",
                walk::escape_pointer(kind),
                walk::escape_pointer(name)
            );
            match upstream.pointer(&pointer) {
                Some(theirs) if theirs != value => {
                    let mut fresh = format!("Sdk{name}");
                    while upstream
                        .pointer(&format!("/components/{kind}/{fresh}"))
                        .is_some()
                        || entries.contains_key(&fresh)
                    {
                        fresh.insert_str(0, "Sdk");
                    }
                    renames.insert(
                        format!("#/components/{kind}/{name}"),
                        format!("#/components/{kind}/{fresh}"),
                    );
                    report.renamed.push((name.clone(), fresh));
                }
                _ => {}
            }
        }
    }
    if renames.is_empty() {
        return;
    }
    if let Some(kinds) = derived.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in kinds.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let moved: Vec<(String, String)> = renames
                .iter()
                .filter_map(|(from, to)| {
                    let prefix = format!("#/components/{kind}/");
                    Some((
                        from.strip_prefix(&prefix)?.to_owned(),
                        to.strip_prefix(&prefix)?.to_owned(),
                    ))
                })
                .collect();
            for (from, to) in moved {
                if let Some(value) = entries.remove(&from) {
                    entries.insert(to, value);
                }
            }
        }
    }
    rewrite_refs(derived, &renames);
}

fn rewrite_refs(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(new) = renames.get(target.as_str())
            {
                *target = new.clone();
            }
            for child in map.values_mut() {
                rewrite_refs(child, renames);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}

/// Removes the given operations from a derived document (and path items left
/// without any): what `cargo xtask update-specs --prune-derived` writes back.
pub fn remove_operations(derived: &mut Value, keys: &[OperationKey]) {
    let mut places: Vec<(String, Value)> = Vec::new();
    if let Some(paths) = derived.get_mut("paths").and_then(Value::as_object_mut) {
        for key in keys {
            if let Some(item) = paths.get_mut(&key.path).and_then(Value::as_object_mut)
                && let Some(op) = item.remove(&key.method)
                && let Some(place) = op.get(DERIVED_FROM)
            {
                places.push((key.to_string(), place.clone()));
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|i| i.keys().any(|k| METHODS.contains(&k.as_str())))
        });
    }
    // The SDK still has them: their place is kept, as a derivation writes it
    // for an operation upstream has.
    if places.is_empty() {
        return;
    }
    if let Some(root) = derived.as_object_mut() {
        let recorded = object_entry(root, SDK_PLACES);
        recorded.extend(places);
        recorded.sort_keys();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_norway::from_str(text).unwrap()
    }

    #[test]
    fn upstream_wins_and_derived_fills_in() {
        let upstream = yaml(
            r##"
openapi: 3.0.3
paths:
  /api/{account}/chats:
    parameters:
      - {in: path, name: account, required: true, schema: {type: string}}
    get:
      operationId: listChats
      responses: {"200": {description: ok}}
components:
  schemas:
    Chat: {type: object, properties: {id: {type: integer}}}
    Same: {type: string}
"##,
        );
        let derived = yaml(
            r##"
openapi: 3.0.3
tags: [{name: Chats}, {name: Fans}]
paths:
  /api/{account}/chats:
    parameters:
      - {in: path, name: account, required: true, schema: {type: string}}
      - {in: query, name: extra, schema: {type: string}}
    get:
      operationId: listChats
      x-derived-from: {package: p, version: "1"}
      responses: {"200": {description: derived}}
    post:
      operationId: createChat
      x-derived-from: {package: p, version: "1"}
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Chat"}
      responses: {"200": {description: ok}}
  /api/{account}/fans:
    parameters:
      - {in: path, name: account, required: true, schema: {type: string}}
    get:
      operationId: listFans
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Same"}
components:
  schemas:
    Chat: {type: object, properties: {id: {type: string}}}
    Same: {type: string}
"##,
        );
        let (merged, report) = merge(upstream, &derived);
        let key = |m: &str, p: &str| OperationKey {
            method: m.into(),
            path: p.into(),
        };
        assert_eq!(report.superseded, vec![key("get", "/api/{account}/chats")]);
        assert_eq!(
            report.derived,
            vec![
                key("post", "/api/{account}/chats"),
                key("get", "/api/{account}/fans")
            ]
        );
        assert_eq!(report.renamed, vec![("Chat".into(), "SdkChat".into())]);
        // Upstream's operation and types are untouched.
        assert_eq!(
            merged.pointer("/paths/~1api~1{account}~1chats/get/responses/200/description"),
            Some(&Value::from("ok"))
        );
        assert_eq!(
            merged.pointer("/components/schemas/Chat/properties/id/type"),
            Some(&Value::from("integer"))
        );
        // The derived body refers to its own (renamed) shape.
        assert_eq!(
            merged.pointer(
                "/paths/~1api~1{account}~1chats/post/requestBody/content/application~1json/schema/$ref"
            ),
            Some(&Value::from("#/components/schemas/SdkChat"))
        );
        // The path-level parameter upstream lacks travels with the operation.
        let post_params = merged
            .pointer("/paths/~1api~1{account}~1chats/post/parameters")
            .unwrap();
        assert_eq!(post_params.as_array().unwrap().len(), 1);
        assert_eq!(post_params[0]["name"], "extra");
        // A new path item keeps its path-level parameters; tags merge by name.
        assert_eq!(
            merged.pointer("/paths/~1api~1{account}~1fans/parameters/0/name"),
            Some(&Value::from("account"))
        );
        assert_eq!(merged["tags"].as_array().unwrap().len(), 2);
        // Upstream's operation keeps the SDK's place of the entry it replaces.
        assert_eq!(
            merged.pointer("/paths/~1api~1{account}~1chats/get/x-sdk-place/package"),
            Some(&Value::from("p"))
        );
    }

    /// An upstream operation the derivation skipped takes its SDK place from
    /// the derived document's `x-sdk-places`.
    #[test]
    fn skipped_operations_keep_their_sdk_place() {
        let upstream =
            yaml("paths:\n  /a: {get: {operationId: a, responses: {'200': {description: ok}}}}\n");
        let derived = yaml(
            "paths: {}\nx-sdk-places:\n  GET /a: {package: p, version: '1', files: [p/resources/a.py]}\n",
        );
        let (merged, _) = merge(upstream, &derived);
        assert_eq!(
            merged.pointer("/paths/~1a/get/x-sdk-place/files/0"),
            Some(&Value::from("p/resources/a.py"))
        );
    }

    #[test]
    fn pruning_removes_superseded_operations() {
        let mut derived = yaml(
            r#"
paths:
  /a: {get: {operationId: a, x-derived-from: {package: p}}, post: {operationId: b}}
  /b: {parameters: [], get: {operationId: c}}
"#,
        );
        remove_operations(
            &mut derived,
            &[
                OperationKey {
                    method: "get".into(),
                    path: "/a".into(),
                },
                OperationKey {
                    method: "get".into(),
                    path: "/b".into(),
                },
            ],
        );
        // The pruned entry's SDK place is kept, as a derivation writes it.
        assert_eq!(
            derived,
            yaml("paths:\n  /a: {post: {operationId: b}}\nx-sdk-places:\n  GET /a: {package: p}\n")
        );
    }
}
