//! One type per thing the API sends in several places.
//!
//! Hoisting gives one component per distinct shape, but the specs describe
//! some things in several slightly different ways, and callers should meet
//! each as one type:
//!
//! 1. **Handwritten types.** Every schema of a shape in the Rust-side table
//!    ([`crate::replacements::RULES`]: user references, `canNotSendReason`,
//!    media kinds), inline or a component, becomes a reference to one
//!    component named after the rule and described by the rule's schema;
//!    generation uses the handwritten type for it.
//! 2. **Identical components.** Components that accept exactly the same
//!    values (documentation aside, references compared by what they name, to
//!    a fixed point) are one: the SDK-derived spec names a shape (`Thumb`)
//!    that hoisting also found inline elsewhere (`SquarePreview`). The name
//!    kept is the spec's own over a hoisted one, then the one referred to
//!    most, then the shortest, then the first in order: never the document's
//!    order.
//! 3. **The one recursive entity.** A component that refers to itself (OFAuth's
//!    `Message`, through `replyToMessage`) is the API's type of that entity. A
//!    component whose properties are most of its properties, each with the same
//!    schema (a message listed without its reply), is that entity too: its
//!    references point to the recursive component, and it is removed. Every
//!    property stays decodable (response properties are optional), and callers
//!    get one `Message` whether it came from a chat, a list or a reply.
//!
//! Runs after hoisting, on named components, so shapes compare by their
//! references.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Report;
use super::hoist::canonical;
use crate::replacements::{self, RULES};
use crate::walk::{self, RootKind};

/// A component is a projection of a recursive entity when it has at least
/// this share of the entity's properties (and nothing else): a message
/// without its reply is one, a bare `{id}` is not.
const PROJECTION_SHARE: (usize, usize) = (3, 4);

pub fn apply(doc: &mut Value, report: &mut Report) {
    handwritten(doc, report);
    identical_components(doc, report);
    recursive_entities(doc, report);
}

fn handwritten(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let rule_components: BTreeSet<&str> = RULES.iter().map(|r| r.component).collect();
    // Components of a rule's shape are renamed to the rule's component.
    let mut renamed: BTreeMap<String, &'static str> = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        if let Some(rule) = replacements::rule_for(schema) {
            renamed.insert(name.clone(), rule.component);
        }
    }
    for name in renamed.keys() {
        schemas.shift_remove(name);
    }
    let mut uses: BTreeMap<&'static str, usize> = BTreeMap::new();
    walk::for_each_schema_mut(doc, &mut |root, schema, _| {
        if matches!(&root.kind, RootKind::Component(name) if rule_components.contains(name.as_str()))
        {
            return;
        }
        let target = match walk::referenced_component(schema).and_then(|r| renamed.get(r)) {
            Some(component) => Some(*component),
            None => replacements::rule_for(schema).map(|rule| rule.component),
        };
        if let Some(component) = target {
            *uses.entry(component).or_default() += 1;
            *schema = walk::component_ref(component);
        }
    });
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for rule in RULES {
        if uses.contains_key(rule.component) {
            schemas.insert(rule.component.to_owned(), (rule.schema)());
        }
    }
    for (name, component) in &renamed {
        report.hoisted.remove(name);
        report.note(format!("component {name} is the handwritten {component}"));
    }
    for (component, count) in uses {
        report.note(format!(
            "{count} schemas refer to the handwritten {component}"
        ));
    }
}

fn identical_components(doc: &mut Value, report: &mut Report) {
    let mut merged_total: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let uses = reference_counts(doc);
        // An event's type is named after its event, even when another event
        // sends the same shape: `Event::A(AEvent)`, never `Event::A(BEvent)`.
        let events: BTreeSet<String> = super::webhooks::events(doc)
            .into_iter()
            .map(|(_, component)| component)
            .collect();
        let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for (name, schema) in schemas.iter().filter(|(name, _)| !events.contains(*name)) {
            let form = canonical(schema).to_string();
            groups.entry(form).or_default().push(name);
        }
        let mut merged: BTreeMap<String, String> = BTreeMap::new();
        for names in groups.values().filter(|names| names.len() > 1) {
            let keep = names
                .iter()
                .min_by_key(|name| {
                    (
                        !RULES.iter().any(|rule| rule.component == name.as_str()),
                        report.hoisted.contains_key(name.as_str()),
                        std::cmp::Reverse(uses.get(name.as_str()).copied().unwrap_or(0)),
                        name.len(),
                        name.as_str(),
                    )
                })
                .map(|name| (*name).clone());
            let Some(keep) = keep else { continue };
            for name in names {
                if **name != keep {
                    merged.insert((*name).clone(), keep.clone());
                }
            }
        }
        if merged.is_empty() {
            break;
        }
        rename_components(doc, &merged, report);
        merged_total.extend(merged);
    }
    for (name, kept) in merged_total {
        report.note(format!("component {name} is identical to {kept}: one type"));
    }
}

/// Removes each component `renamed` maps, pointing its references to the
/// component it maps to (whose hoisting count takes over its places).
fn rename_components(doc: &mut Value, renamed: &BTreeMap<String, String>, report: &mut Report) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in renamed.keys() {
            schemas.shift_remove(name);
        }
    }
    walk::for_each_schema_mut(doc, &mut |_, schema, _| {
        if let Some(target) = walk::referenced_component(schema).and_then(|r| renamed.get(r)) {
            *schema = walk::component_ref(target);
        }
    });
    // Webhook events name their component outside any schema.
    if let Some(events) = doc
        .get_mut(super::webhooks::EVENTS)
        .and_then(Value::as_object_mut)
    {
        for component in events.values_mut() {
            if let Some(target) = component.as_str().and_then(|c| renamed.get(c)) {
                *component = Value::String(target.clone());
            }
        }
    }
    for (name, target) in renamed {
        if let Some(places) = report.hoisted.remove(name)
            && let Some(count) = report.hoisted.get_mut(target)
        {
            *count += places;
        }
    }
}

/// How many `$ref`s name each component, anywhere in the document.
fn reference_counts(doc: &Value) -> BTreeMap<String, usize> {
    fn count(value: &Value, out: &mut BTreeMap<String, usize>) {
        match value {
            Value::Object(obj) => {
                if let Some(name) = walk::referenced_component(value) {
                    *out.entry(name.to_owned()).or_default() += 1;
                }
                obj.values().for_each(|v| count(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| count(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    count(doc, &mut out);
    out
}

fn recursive_entities(doc: &mut Value, report: &mut Report) {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    for (entity, schema) in schemas {
        if !refers_to(schema, entity) {
            continue;
        }
        let Some(entity_props) = properties(schema) else {
            continue;
        };
        for (name, candidate) in schemas {
            if name == entity || merged.contains_key(name) || refers_to(candidate, name) {
                continue;
            }
            if properties(candidate).is_some_and(|props| is_projection(props, entity_props)) {
                merged.insert(name.clone(), entity.clone());
            }
        }
    }
    if merged.is_empty() {
        return;
    }
    rename_components(doc, &merged, report);
    for (name, entity) in merged {
        report.note(format!(
            "component {name} is {entity} without some of its properties: one type"
        ));
    }
}

/// Whether `props` are most of `entity`'s properties, each with the same schema.
fn is_projection(props: &Map<String, Value>, entity: &Map<String, Value>) -> bool {
    let (num, den) = PROJECTION_SHARE;
    props.len() * den >= entity.len() * num
        && props.len() < entity.len()
        && props
            .iter()
            .all(|(k, v)| entity.get(k).is_some_and(|e| same_schema(e, v)))
}

fn same_schema(a: &Value, b: &Value) -> bool {
    canonical(a) == canonical(b)
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    walk::is_object_with_properties(schema)
        .then(|| schema.get("properties").and_then(Value::as_object))
        .flatten()
}

/// Whether `schema` (the component `name`) refers to itself anywhere inside.
fn refers_to(schema: &Value, name: &str) -> bool {
    match schema {
        Value::Object(obj) => {
            walk::referenced_component(schema) == Some(name)
                || obj.values().any(|v| refers_to(v, name))
        }
        Value::Array(items) => items.iter().any(|v| refers_to(v, name)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::before_after;

    #[test]
    fn shapes_become_the_handwritten_types_identical_ones_one_and_projections_the_entity() {
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
                    items: {$ref: '#/components/schemas/Chat'}
                  messages:
                    type: array
                    items: {$ref: '#/components/schemas/ListedMessage'}
components:
  schemas:
    WithUser:
      type: object
      properties:
        id: {type: integer, format: uint64}
        _view: {type: string, nullable: true}
    Chat:
      type: object
      properties:
        withUser: {$ref: '#/components/schemas/WithUser'}
        canNotSendReason:
          anyOf: [{type: boolean}, {type: string}]
          nullable: true
        lastMessage: {$ref: '#/components/schemas/Message'}
        thumb: {$ref: '#/components/schemas/Thumb'}
        preview: {$ref: '#/components/schemas/Preview'}
    Thumb:
      type: object
      properties: {url: {type: string}, width: {type: number}}
    Preview:
      type: object
      properties: {width: {type: number, description: pixels}, url: {type: string}}
    Message:
      type: object
      required: [id]
      properties:
        id: {type: integer, format: uint64}
        text: {type: string, nullable: true}
        kind: {type: string, nullable: true, x-known-values: [photo, video, gif]}
        price: {type: number, nullable: true}
        replyToMessage: {$ref: '#/components/schemas/Message'}
    ListedMessage:
      type: object
      properties:
        id: {type: integer, format: uint64}
        text: {type: string, nullable: true, description: the text}
        kind: {type: string, nullable: true, x-known-values: [photo, video, gif]}
        price: {type: number, nullable: true}
    NotAMessage:
      type: object
      properties:
        id: {type: integer, format: uint64}
        text: {type: integer}
        kind: {type: string}
        price: {type: number, nullable: true}
"#
        ));
    }
}
