//! Inline object schemas are hoisted into `components/schemas`: one short, readable
//! name per distinct shape, shared by every place that uses it.
//!
//! Without this, progenitor names each inline object after its full position
//! (`GetV2AccessChatsResponseListItemLastMessageMediaItemFilesFull`) and emits a
//! separate copy for every place the same shape appears: OFAuth repeats its whole
//! message/media tree under `lastMessage` and `replyToMessage`.
//!
//! Two passes:
//!
//! 1. **Truncated recursion.** Generators of the upstream specs cannot express a
//!    recursive type, so they inline one level and cut it: OFAuth's
//!    `replyToMessage` is exactly `lastMessage` minus its own `replyToMessage`. A
//!    nested object that equals its enclosing object minus the property it hangs
//!    from *is* that object, cut short; it becomes a reference to it, giving one
//!    `Message` with an optional boxed `reply_to_message`. The rule is generic
//!    (any spec written that way gets the same fix) and exact (a single differing
//!    field keeps the shapes apart), which an overlay `$ref` to a name that only
//!    exists after hoisting could not be.
//! 2. **Hoisting.** Children before parents, every inline object with properties is
//!    replaced by a `$ref` to the component of its shape (documentation keys
//!    ignored when comparing). Names come from the schema's `title` or the
//!    property it sits under (`media` → `Media`, `releaseForms` items →
//!    `ReleaseForm`); a name already taken by another shape, or one that would
//!    shadow a Rust prelude type, is prefixed with the parent property
//!    (`options` under `preview` → `PreviewOption`), then numbered.
//!
//! Top-level request and response bodies stay inline: progenitor already gives
//! them good names (`ChatsListResponse`).

use std::collections::{BTreeMap, HashMap, HashSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::Report;
use crate::walk::{self, Edge};

/// Stands, during hoisting, for "the object this property belongs to".
const SELF_MARKER: &str = "x-onlyfans-recursive-parent";

/// Keys that document a schema without changing what it accepts.
const DOC_KEYS: [&str; 5] = [
    "description",
    "example",
    "examples",
    "title",
    "externalDocs",
];

/// Type names the generated code must not define (they would shadow the prelude
/// or names progenitor's output uses).
const RESERVED: [&str; 14] = [
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Error",
    "Client",
    "Value",
    "Map",
    "Self",
    "ResponseValue",
    "ByteStream",
    "Default",
    "Ok",
];

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut cut = 0usize;
    walk::for_each_schema_mut(doc, &mut |_, schema, _| {
        cut += mark_truncated_recursion(schema)
    });
    if cut > 0 {
        report.note(format!(
            "{cut} truncated recursive schemas turned into references"
        ));
    }

    let existing = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let mut registry = Registry::default();
    registry.taken.extend(existing.keys().cloned());

    // Components first, so that inline copies of a declared component refer to it.
    let mut declared = Map::new();
    for (name, mut schema) in existing {
        hoist_children(&mut schema, Some(&name), &mut registry);
        if walk::is_object_with_properties(&schema) {
            resolve_markers(&mut schema, &name);
            registry
                .by_shape
                .entry(shape(&schema))
                .or_insert_with(|| name.clone());
        }
        declared.insert(name, schema);
    }
    walk::for_each_root_mut(doc, &mut |root, schema| {
        hoist_children(schema, root.operation_id.as_deref(), &mut registry)
    });

    for (name, uses) in &registry.uses {
        report.hoisted.insert(name.clone(), *uses);
    }
    let components = doc
        .as_object_mut()
        .map(|d| d.entry("components").or_insert_with(|| json!({})));
    if let Some(Value::Object(components)) = components {
        let mut schemas = declared;
        schemas.extend(registry.created);
        if !schemas.is_empty() {
            components.insert("schemas".into(), Value::Object(schemas));
        }
    }
}

/// Replaces properties that repeat their enclosing object (minus themselves) by
/// the self marker. Returns how many were replaced.
fn mark_truncated_recursion(schema: &mut Value) -> usize {
    if !walk::is_object_with_properties(schema) {
        return 0;
    }
    let names: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut count = 0;
    for name in names {
        let nested = &schema["properties"][&name];
        if !walk::is_object_with_properties(nested) {
            continue;
        }
        let mut without = schema.clone();
        remove_property(&mut without, &name);
        if shape(&without) == shape(nested) {
            schema["properties"][&name] = json!({ SELF_MARKER: true });
            count += 1;
        }
    }
    count
}

fn remove_property(schema: &mut Value, name: &str) {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        props.shift_remove(name);
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| r != name);
    }
}

#[derive(Default)]
struct Registry {
    /// Canonical shape → component name.
    by_shape: HashMap<String, String>,
    /// Names in use (declared and created).
    taken: HashSet<String>,
    /// Components created by hoisting, in creation order.
    created: Map<String, Value>,
    /// How many places refer to each created component.
    uses: BTreeMap<String, usize>,
}

/// Hoists every inline object below `root` (not `root` itself). `context` (the
/// component or operation the root belongs to) names shapes that sit directly
/// under the root when their own name is taken.
fn hoist_children(root: &mut Value, context: Option<&str>, registry: &mut Registry) {
    walk::visit_post_mut(root, &mut Vec::new(), &mut |schema, path| {
        if path.is_empty() || !walk::is_object_with_properties(schema) {
            return;
        }
        if let Some(obj) = schema.as_object_mut() {
            // Nullability belongs to the place, not to the shape.
            obj.remove("nullable");
        }
        let key = shape(schema);
        let name = match registry.by_shape.get(&key) {
            Some(name) => name.clone(),
            None => {
                let name = registry.fresh_name(schema, path, context);
                let mut component = schema.clone();
                resolve_markers(&mut component, &name);
                registry.by_shape.insert(key, name.clone());
                registry.created.insert(name.clone(), component);
                name
            }
        };
        *registry.uses.entry(name.clone()).or_default() += 1;
        *schema = json!({ "$ref": format!("#/components/schemas/{name}") });
    });
}

impl Registry {
    fn fresh_name(&mut self, schema: &Value, path: &[Edge], context: Option<&str>) -> String {
        let (own, parent) = hints(path);
        let parent = parent.or_else(|| context.map(|c| c.to_upper_camel_case()));
        let own = schema
            .get("title")
            .and_then(Value::as_str)
            .map(|t| t.to_upper_camel_case())
            .filter(|t| !t.is_empty())
            .or(own)
            .unwrap_or_else(|| "Object".into());
        let mut candidates = vec![own.clone()];
        if let Some(parent) = parent {
            candidates.push(format!("{parent}{own}"));
        }
        let usable = |n: &String| !RESERVED.contains(&n.as_str()) && !self.taken.contains(n);
        let base = candidates.last().cloned().unwrap_or_default();
        let name = candidates.into_iter().find(usable).unwrap_or_else(|| {
            (2..)
                .map(|i| format!("{base}{i}"))
                .find(usable)
                .unwrap_or_default()
        });
        self.taken.insert(name.clone());
        name
    }
}

/// Name hints from the path: the schema's own (from its property, singular for
/// array items) and its parent property's.
fn hints(path: &[Edge]) -> (Option<String>, Option<String>) {
    let mut names = path.iter().rev().filter_map(|e| match e {
        Edge::Property(name) => Some(name.as_str()),
        _ => None,
    });
    let through_items = matches!(path.last(), Some(Edge::Items));
    let own = names.next().map(|n| {
        let n = if through_items {
            singular(n)
        } else {
            n.to_owned()
        };
        n.to_upper_camel_case()
    });
    let parent = names.next().map(|n| n.to_upper_camel_case());
    (own, parent)
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("uses") {
        word[..word.len() - 2].to_owned()
    } else if word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// Replaces self markers directly below `schema` with a reference to `name`.
fn resolve_markers(schema: &mut Value, name: &str) {
    for (_, sub) in walk::subschemas_mut(schema) {
        if sub.get(SELF_MARKER).is_some() {
            *sub = json!({ "$ref": format!("#/components/schemas/{name}") });
        } else if !walk::is_object_with_properties(sub) {
            // Through arrays and unions, but never into another object.
            resolve_markers(sub, name);
        }
    }
}

/// What a schema accepts, as a canonical string: documentation keys and the
/// schema's own `nullable` left out, object keys and `required` sorted.
fn shape(schema: &Value) -> String {
    let mut top = schema.clone();
    if let Some(obj) = top.as_object_mut() {
        obj.remove("nullable");
    }
    canonical(&top).to_string()
}

fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(obj) => {
            let mut sorted: BTreeMap<&String, Value> = BTreeMap::new();
            for (k, v) in obj {
                if DOC_KEYS.contains(&k.as_str()) {
                    continue;
                }
                let v = if k == "required" {
                    let mut names: Vec<Value> = v.as_array().cloned().unwrap_or_default();
                    names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    Value::Array(names)
                } else if k == "properties" {
                    // Property names are data, not keywords: keep them, canonicalize values.
                    let props = v.as_object().cloned().unwrap_or_default();
                    let sorted: BTreeMap<String, Value> = props
                        .iter()
                        .map(|(n, s)| (n.clone(), canonical(s)))
                        .collect();
                    json!(sorted)
                } else {
                    canonical(v)
                };
                sorted.insert(k, v);
            }
            json!(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn hoists_shared_shapes_and_cuts_truncated_recursion() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /chats:
    get:
      operationId: list_chats
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  list:
                    type: array
                    items:
                      type: object
                      title: Chat
                      properties:
                        id: {type: integer}
                        lastMessage:
                          type: object
                          nullable: true
                          properties:
                            id: {type: integer}
                            text: {type: string, description: first copy}
                            media:
                              type: array
                              items:
                                type: object
                                properties:
                                  thumb: {type: object, properties: {url: {type: string}}}
                                  preview:
                                    type: object
                                    properties:
                                      url: {type: string}
                                      options:
                                        type: array
                                        items: {type: object, properties: {url: {type: string}, width: {type: integer}}}
                            replyToMessage:
                              type: object
                              properties:
                                id: {type: integer}
                                text: {type: string, description: second copy}
                                media:
                                  type: array
                                  items:
                                    type: object
                                    properties:
                                      thumb: {type: object, properties: {url: {type: string}}}
                                      preview:
                                        type: object
                                        properties:
                                          url: {type: string}
                                          options:
                                            type: array
                                            items: {type: object, properties: {url: {type: string}, width: {type: integer}}}
  /users/{id}:
    get:
      operationId: get_user
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  user: {$ref: '#/components/schemas/User'}
                  avatar: {type: object, properties: {url: {type: string}}}
                  media: {type: object, properties: {kind: {type: string}}}
components:
  schemas:
    User:
      type: object
      properties:
        id: {type: integer}
        name: {type: string}
"#
        ));
    }

    #[test]
    fn singulars() {
        use super::singular;
        assert_eq!(singular("releaseForms"), "releaseForm");
        assert_eq!(singular("media"), "media");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("statuses"), "status");
        assert_eq!(singular("access"), "access");
    }
}
