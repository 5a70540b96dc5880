//! A property typed `string` where the same API types it an object is an
//! object.
//!
//! Laravel Scribe types a property from its documentation example, and an
//! example that held `null` makes it `type: string`: OnlyFansAPI's media
//! `thumb`, `preview` and `squarePreview`, a user's `headerSize`,
//! `headerThumbs`, `avatarThumbs`, `subscribedByData` and `subscribedOnData`
//! are objects in most places of its spec and strings in the rest, so every
//! photo of `list_vault_media` failed to decode. Within one document, a
//! property name typed as an object (with properties) at least twice as
//! often as a plain string (no format, enum or pattern), and never as a
//! number or a boolean, is an object: its string places take the object's
//! schema (the one most of its object places have), nullable. Names the spec
//! types both ways about equally (`label`, `user`, `question`) or also as
//! numbers (`revenue`, `total`: real smart-link revenues are strings such as
//! `"1250.00"`) are left alone, and the lenient decoder keeps whatever they
//! receive.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Report;
use crate::walk::{self, Edge, RootKind};

pub fn apply(doc: &mut Value, report: &mut Report) {
    // Per property name: how often it is a plain string, and its object
    // schemas with how often each appears.
    let mut strings: BTreeMap<String, usize> = BTreeMap::new();
    let mut objects: BTreeMap<String, Vec<(Value, usize)>> = BTreeMap::new();
    let mut scalars: std::collections::BTreeSet<String> = Default::default();
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        let Some(name) = property_name(root, path) else {
            return;
        };
        let scalar = matches!(
            schema.get("type").and_then(Value::as_str),
            Some("number" | "integer" | "boolean")
        );
        if scalar {
            scalars.insert(name.to_owned());
        } else if is_plain_string(schema) {
            *strings.entry(name.to_owned()).or_default() += 1;
        } else if walk::is_object_with_properties(schema) {
            let seen = objects.entry(name.to_owned()).or_default();
            match seen.iter_mut().find(|(s, _)| s == schema) {
                Some((_, n)) => *n += 1,
                None => seen.push((schema.clone(), 1)),
            }
        }
    });
    let replacements: BTreeMap<String, Value> = strings
        .iter()
        .filter(|(name, _)| !scalars.contains(*name))
        .filter_map(|(name, &string_count)| {
            let shapes = objects.get(name)?;
            let object_count: usize = shapes.iter().map(|(_, n)| n).sum();
            if object_count < 2 * string_count {
                return None;
            }
            // The shape most places have; on a tie, the first in the document.
            let (shape, _) = shapes.iter().fold(
                None,
                |best: Option<&(Value, usize)>, candidate| match best {
                    Some(b) if b.1 >= candidate.1 => Some(b),
                    _ => Some(candidate),
                },
            )?;
            let mut shape = shape.clone();
            if let Some(obj) = shape.as_object_mut() {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            Some((name.clone(), shape))
        })
        .collect();
    if replacements.is_empty() {
        return;
    }
    let mut replaced = 0usize;
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        if let Some(name) = property_name(root, path)
            && is_plain_string(schema)
            && let Some(shape) = replacements.get(name)
        {
            let description = schema.get("description").cloned();
            *schema = shape.clone();
            if let (Some(description), Some(obj)) = (description, schema.as_object_mut()) {
                obj.insert("description".into(), description);
            }
            replaced += 1;
        }
    });
    report.note(format!(
        "typed {replaced} string properties as the object the spec makes them elsewhere: {}",
        replacements.keys().cloned().collect::<Vec<_>>().join(", ")
    ));
}

/// The property's name, for schemas that are a property of an object (not
/// parameters: a query value is text on the wire).
fn property_name<'a>(root: &walk::Root, path: &'a [Edge]) -> Option<&'a str> {
    if root.kind == RootKind::Parameter || root.kind == RootKind::Header {
        return None;
    }
    match path.last() {
        Some(Edge::Property(name)) => Some(name.as_str()),
        _ => None,
    }
}

fn is_plain_string(schema: &Value) -> bool {
    walk::is_bare_string(schema) && schema.get("properties").is_none()
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn strings_that_are_objects_elsewhere_become_that_object() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /media:
    get:
      operationId: list_media
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  a:
                    type: object
                    properties:
                      thumb: {type: object, properties: {url: {type: string}, width: {type: integer}}}
                      label: {type: object, properties: {id: {type: integer}}}
                  b:
                    type: object
                    properties:
                      thumb: {type: object, properties: {url: {type: string}, width: {type: integer}}}
                      label: {type: string}
                  c:
                    type: object
                    properties:
                      thumb: {type: string, description: the thumbnail}
                      createdAt: {type: string, format: date-time}
                      revenue: {type: string}
                  d:
                    type: object
                    properties:
                      revenue: {type: object, properties: {net: {type: number}}}
                  e:
                    type: object
                    properties:
                      revenue: {type: object, properties: {net: {type: number}}}
                  f:
                    type: object
                    properties:
                      revenue: {type: number}
"#
        ));
    }
}
