//! Inline object schemas are hoisted into `components/schemas`: one short, readable
//! name per distinct shape, shared by every place that uses it.
//!
//! Without this, progenitor names each inline object after its full position
//! (`GetV2AccessChatsResponseListItemLastMessageMediaItemFilesFull`) and emits a
//! separate copy for every place the same shape appears: OFAuth repeats its whole
//! message/media tree under `lastMessage` and `replyToMessage`.
//!
//! The passes:
//!
//! 0. **References to a place.** An inline schema has no name before this rule
//!    gives it one, so the overlay can only say "this webhook payload is that
//!    operation's message" with a `$ref` to the schema's place
//!    (`#/paths/~1api~1…/items`). Such a reference is replaced by a copy of what
//!    it points at; hoisting then gives both places the one component, as it
//!    does for any repeated shape.
//! 1. **Truncated recursion.** Generators of the upstream specs cannot express a
//!    recursive type, so they inline one level and cut it: OFAuth's
//!    `replyToMessage` is exactly `lastMessage` minus its own `replyToMessage`. A
//!    nested object that equals its enclosing object minus the property it hangs
//!    from *is* that object, cut short; it becomes a reference to it, giving one
//!    `Message` with an optional boxed `reply_to_message`. The rule is generic
//!    (any spec written that way gets the same fix) and exact (a single differing
//!    field keeps the shapes apart), which an overlay `$ref` to a name that only
//!    exists after hoisting could not be.
//! 2. **Hoisting.** Children before parents, every inline object with properties
//!    (and every open enum: [`super::open_enums`]) is replaced by a `$ref` to
//!    the component of its shape (documentation keys ignored when comparing).
//! 3. **Naming**, once every shape and every place it appears are known, so that
//!    names never depend on the order of the document (an operation added
//!    upstream must not rename types it does not touch). Each shape asks, in
//!    order, for its own name (the schema's `title`, else the property it sits
//!    under, singular for array items: `releaseForms` → `ReleaseForm`; the one
//!    most of its places suggest), then prefixed with its parent (the enclosing
//!    object's title or property: `MessageMedia`, `PreviewOption`), with the
//!    operation or component it belongs to (`ListFansList`), and with both. At
//!    each step a name goes to the shape used in the most places among those
//!    asking for it; on a tie, to none of them. A shape left without a name
//!    (same hints, same places) is numbered in order of its JSON pointer. Names
//!    that would shadow a Rust prelude type are never given. Where a name reads
//!    badly, the overlay gives the schema a `title`.
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
    let copied = inline_place_refs(doc);
    if copied > 0 {
        report.note(format!(
            "{copied} references to a schema's place replaced by its shape"
        ));
    }
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

    // Components first, so that inline copies of a declared component refer to
    // it; by name, so that of two equal components the same one always wins.
    let mut declared: BTreeMap<String, Value> = existing.into_iter().collect();
    for (name, schema) in declared.iter_mut() {
        let pointer = format!("/components/schemas/{}", walk::escape_pointer(name));
        hoist_children(schema, Some(name), &pointer, &mut registry);
        if hoistable(schema) {
            resolve_markers(schema, &Target::Name(name.clone()));
            registry
                .by_shape
                .entry(shape(schema))
                .or_insert_with(|| Target::Name(name.clone()));
        }
    }
    walk::for_each_root_mut(doc, &mut |root, schema| {
        hoist_children(
            schema,
            root.operation_id.as_deref(),
            &root.pointer,
            &mut registry,
        )
    });

    // Only now, with every shape and every place it appears known, are names
    // chosen: the result cannot depend on the order of the document.
    let names = registry.assign_names();
    let mut schemas = Map::new();
    for (name, mut schema) in declared {
        name_placeholders(&mut schema, &names);
        schemas.insert(name, schema);
    }
    let mut created = BTreeMap::new();
    for (found, name) in registry.found.into_iter().zip(&names) {
        let mut schema = found.schema;
        resolve_markers(&mut schema, &Target::Name(name.clone()));
        name_placeholders(&mut schema, &names);
        report.hoisted.insert(name.clone(), found.places.len());
        created.insert(name.clone(), schema);
    }
    schemas.extend(created);
    name_placeholders(doc, &names);
    // typify breaks a cycle at the first type it meets on it: meeting a
    // self-referencing component first boxes the reference
    // (`Option<Box<Message>>`), not the option around it (`Box<Option<..>>`).
    let (recursive, rest): (Vec<_>, Vec<_>) = schemas.into_iter().partition(|(name, schema)| {
        schema
            .to_string()
            .contains(&format!("\"#/components/schemas/{name}\""))
    });
    let schemas: Map<String, Value> = recursive.into_iter().chain(rest).collect();

    let components = doc
        .as_object_mut()
        .map(|d| d.entry("components").or_insert_with(|| json!({})));
    if let Some(Value::Object(components)) = components
        && !schemas.is_empty()
    {
        components.insert("schemas".into(), Value::Object(schemas));
    }
}

/// An object with properties, or an open enum (named like an object, so
/// that `Open<ListType>` reads as what it is).
fn hoistable(schema: &Value) -> bool {
    walk::is_object_with_properties(schema) || super::open_enums::is_open(schema)
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

/// What a hoisted place refers to: a declared component, or a shape found by
/// hoisting whose name is chosen at the end.
#[derive(Clone)]
enum Target {
    Name(String),
    Found(usize),
}

impl Target {
    fn reference(&self) -> Value {
        match self {
            Target::Name(name) => walk::component_ref(name),
            Target::Found(index) => json!({ "$ref": format!("{PLACEHOLDER}{index}") }),
        }
    }
}

/// The own name of a shape at a place that suggests none.
const FALLBACK_NAME: &str = "Object";

/// Stands, until names are chosen, for the name of the `n`-th found shape.
const PLACEHOLDER: &str = "#/components/schemas/\u{1}found:";

/// A distinct shape hoisting found, and every place it appears.
struct Found {
    schema: Value,
    places: Vec<Place>,
}

/// One place a shape appears, with the names it suggests.
struct Place {
    /// From the schema's `title` or the property it sits under.
    own: String,
    /// The property above that one.
    parent: Option<String>,
    /// The operation or component the place belongs to.
    context: Option<String>,
    /// JSON pointer of the place: breaks ties without looking at document order.
    pointer: String,
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

#[derive(Default)]
struct Registry {
    /// Canonical shape → what places of that shape refer to.
    by_shape: HashMap<String, Target>,
    /// Names in use (declared, reserved as chosen).
    taken: HashSet<String>,
    found: Vec<Found>,
}

/// Hoists every inline object below `root` (not `root` itself). `context` (the
/// component or operation the root belongs to) names shapes whose own names are
/// contested.
fn hoist_children(root: &mut Value, context: Option<&str>, pointer: &str, registry: &mut Registry) {
    // Titles by place, read before hoisting replaces the objects that carry them.
    let mut titles: HashMap<String, String> = HashMap::new();
    walk::visit_pre_mut(root, &mut Vec::new(), &mut |schema, path| {
        if let Some(title) = schema.get("title").and_then(Value::as_str) {
            titles.insert(path.iter().map(Edge::pointer).collect(), title.into());
        }
    });
    walk::visit_post_mut(root, &mut Vec::new(), &mut |schema, path| {
        if path.is_empty() || !hoistable(schema) {
            return;
        }
        if let Some(obj) = schema.as_object_mut() {
            // Nullability belongs to the place, not to the shape.
            obj.remove("nullable");
        }
        let key = shape(schema);
        let target = match registry.by_shape.get(&key) {
            Some(target) => target.clone(),
            None => {
                let target = Target::Found(registry.found.len());
                registry.found.push(Found {
                    schema: schema.clone(),
                    places: Vec::new(),
                });
                registry.by_shape.insert(key, target.clone());
                target
            }
        };
        if let Target::Found(index) = target {
            let (own, parent) = hints(path, &titles);
            let own = schema
                .get("title")
                .and_then(Value::as_str)
                .map(|t| t.to_upper_camel_case())
                .filter(|t| !t.is_empty())
                .or(own)
                .unwrap_or_else(|| FALLBACK_NAME.into());
            let place_pointer: String = path.iter().map(Edge::pointer).collect();
            registry.found[index].places.push(Place {
                own,
                parent,
                context: context.map(|c| c.to_upper_camel_case()),
                pointer: format!("{pointer}{place_pointer}"),
            });
        }
        *schema = target.reference();
    });
}

impl Found {
    /// The names this shape asks for, most preferred first: its own name (the
    /// one most of its places suggest), then prefixed with the parent property,
    /// the operation or component, and both. Taken from its first place (by
    /// pointer) among those suggesting that own name.
    fn candidates(&self) -> Vec<String> {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for place in &self.places {
            *votes.entry(place.own.as_str()).or_default() += 1;
        }
        // A place with no name of its own (a union branch, a top-level array's
        // items) has no say when any place has one.
        if votes.len() > 1 {
            votes.remove(FALLBACK_NAME);
        }
        let own = votes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(own, _)| (*own).to_owned())
            .unwrap_or_else(|| FALLBACK_NAME.into());
        let Some(place) = self
            .places
            .iter()
            .filter(|p| p.own == own)
            .min_by(|a, b| a.pointer.cmp(&b.pointer))
        else {
            return vec![own];
        };
        let parent = place.parent.as_deref().unwrap_or_default();
        let context = place.context.as_deref().unwrap_or_default();
        let mut out = Vec::new();
        for name in [
            own.clone(),
            format!("{parent}{own}"),
            format!("{context}{own}"),
            format!("{context}{parent}{own}"),
        ] {
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }

    fn first_pointer(&self) -> &str {
        self.places
            .iter()
            .map(|p| p.pointer.as_str())
            .min()
            .unwrap_or_default()
    }
}

impl Registry {
    /// One name per found shape. Level by level through the candidates, a name
    /// goes to the unnamed shape asking for it at that level that is used in
    /// more places than any other asking for it (OnlyFansAPI's common `_meta`
    /// keeps `Meta`); on a tie it goes to none of them. Which shape came first
    /// in the document never matters. Shapes still unnamed after every level
    /// (same names, same places) are numbered in pointer order.
    fn assign_names(&mut self) -> Vec<String> {
        let candidates: Vec<Vec<String>> = self.found.iter().map(Found::candidates).collect();
        let mut names: Vec<Option<String>> = vec![None; self.found.len()];
        let levels = candidates.iter().map(Vec::len).max().unwrap_or(0);
        for level in 0..levels {
            let mut claims: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (index, wanted) in candidates.iter().enumerate() {
                if names[index].is_some() {
                    continue;
                }
                if let Some(name) = wanted.get(level).filter(|n| self.usable(n)) {
                    claims.entry(name).or_default().push(index);
                }
            }
            for (name, mut claimants) in claims {
                claimants.sort_by_key(|&i| std::cmp::Reverse(self.found[i].places.len()));
                let uses = |rank: usize| claimants.get(rank).map(|&i| self.found[i].places.len());
                if uses(1) < uses(0) {
                    names[claimants[0]] = Some(name.to_owned());
                    self.taken.insert(name.to_owned());
                }
            }
        }
        let mut rest: Vec<usize> = (0..names.len()).filter(|&i| names[i].is_none()).collect();
        rest.sort_by(|&a, &b| {
            self.found[a]
                .first_pointer()
                .cmp(self.found[b].first_pointer())
        });
        for index in rest {
            let base = candidates[index].last().cloned().unwrap_or_default();
            let name = (2..)
                .map(|i| format!("{base}{i}"))
                .find(|n| self.usable(n))
                .unwrap_or_default();
            self.taken.insert(name.clone());
            names[index] = Some(name);
        }
        names.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn usable(&self, name: &str) -> bool {
        !name.is_empty() && !RESERVED.contains(&name) && !self.taken.contains(name)
    }
}

/// Replaces every placeholder reference in `value` by the chosen name.
fn name_placeholders(value: &mut Value, names: &[String]) {
    match value {
        Value::Object(obj) => {
            let index = obj
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(PLACEHOLDER))
                .and_then(|i| i.parse::<usize>().ok());
            if let Some(name) = index.and_then(|i| names.get(i)) {
                obj.insert("$ref".into(), json!(format!("#/components/schemas/{name}")));
            }
            for sub in obj.values_mut() {
                name_placeholders(sub, names);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| name_placeholders(v, names)),
        _ => {}
    }
}

/// Name hints from the path: the schema's own (from its property, singular for
/// array items) and its parent's (the enclosing object's title, else the
/// property that object sits under).
fn hints(path: &[Edge], titles: &HashMap<String, String>) -> (Option<String>, Option<String>) {
    let mut properties = path.iter().enumerate().rev().filter_map(|(at, e)| match e {
        Edge::Property(name) => Some((at, name.as_str())),
        _ => None,
    });
    let through_items = matches!(path.last(), Some(Edge::Items));
    let own_property = properties.next();
    let own = own_property.map(|(_, n)| {
        let n = if through_items {
            singular(n)
        } else {
            n.to_owned()
        };
        n.to_upper_camel_case()
    });
    let enclosing_title = own_property.and_then(|(at, _)| {
        let pointer: String = path[..at].iter().map(Edge::pointer).collect();
        titles.get(&pointer)
    });
    let parent = enclosing_title
        .map(String::as_str)
        .or(properties.next().map(|(_, n)| n))
        .map(|n| n.to_upper_camel_case());
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

/// Replaces self markers directly below `schema` with a reference to `target`.
fn resolve_markers(schema: &mut Value, target: &Target) {
    for (_, sub) in walk::subschemas_mut(schema) {
        if sub.get(SELF_MARKER).is_some() {
            *sub = target.reference();
        } else if !walk::is_object_with_properties(sub) {
            // Through arrays and unions, but never into another object.
            resolve_markers(sub, target);
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

/// A schema as it accepts values: documentation keys dropped, keys and
/// `required` names in one order.
pub(super) fn canonical(value: &Value) -> Value {
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
    fn a_reference_to_a_place_shares_that_place_s_component() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /chats/{id}/messages:
    get:
      operationId: list_messages
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: array
                    items:
                      title: Message
                      type: object
                      properties:
                        id: {type: integer}
                        text: {type: string}
components:
  schemas:
    MessageSentEvent:
      type: object
      properties:
        event: {type: string}
        payload:
          $ref: '#/paths/~1chats~1{id}~1messages/get/responses/200/content/application~1json/schema/properties/data/items'
"#
        ));
    }

    /// Two operations whose `data.list` items differ, and one shape both use:
    /// reversing the document (paths, properties) must not rename anything.
    #[test]
    fn names_do_not_depend_on_document_order() {
        let spec: serde_json::Value = serde_norway::from_str(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /fans:
    get:
      operationId: list_fans
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      list: {type: array, items: {type: object, properties: {id: {type: integer}, avatar: {type: object, properties: {url: {type: string}}}}}}
  /posts:
    get:
      operationId: list_posts
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data:
                    type: object
                    properties:
                      list: {type: array, items: {type: object, properties: {text: {type: string}, author: {type: object, properties: {url: {type: string}}}}}}
"#,
        )
        .unwrap();
        let hoisted = |mut doc: serde_json::Value| {
            super::apply(&mut doc, &mut crate::normalize::Report::default());
            doc
        };
        let forward = hoisted(spec.clone());
        let backward = hoisted(reversed(spec));
        // Maps compare without regard to key order.
        assert_eq!(forward, backward);
        // `List` and `DataList` are contested, so neither item gets them; the
        // shared `{url}` takes the name most of its places suggest (a tie here,
        // broken alphabetically).
        let components: Vec<&String> = forward["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            components,
            [
                "Author",
                "ListFansData",
                "ListFansList",
                "ListPostsData",
                "ListPostsList"
            ]
        );
    }

    fn reversed(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(obj) => {
                let mut entries: Vec<_> = obj.into_iter().collect();
                entries.reverse();
                serde_json::Value::Object(
                    entries.into_iter().map(|(k, v)| (k, reversed(v))).collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(reversed).collect())
            }
            other => other,
        }
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
