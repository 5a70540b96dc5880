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
//!    names never depend on the order of the document. A type is named after
//!    its operation and place, or by a domain name:
//!    - **Domain names**, for shapes shared on purpose: a schema's `title`
//!      (`Message`, given by the overlay or by a rule such as the envelope's
//!      `Meta`), or a name in the spec's `x-shared-types` list (set by the
//!      overlay: `Thumb`, `AvatarThumbs`) that the shape's places suggest. The
//!      name goes to the shape used in the most places among those asking for
//!      it; the others are named by place.
//!    - **By operation and place**, for every other shape: the operation's id
//!      (or the component's name) and the name its place suggests
//!      (`ListChatsLastMessage`; the property it sits under, singular for array
//!      items), then with the properties above it until the name is free
//!      within the operation (`ListFansDataList`). A shape several operations
//!      use is named after the first of them by name.
//!
//!    So a vendor change to one operation renames only that operation's types
//!    (or, when it starts or stops using a shape others share, that shape's):
//!    no name depends on a shape elsewhere in the document, and no name is
//!    numbered. Where the place's name reads badly, the overlay gives the
//!    schema a `title`.
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
    if let Some(Value::Array(names)) = doc
        .as_object_mut()
        .and_then(|d| d.shift_remove(SHARED_TYPES_KEY))
    {
        // `Name`, or `{name: Name, for: Suggested}`.
        registry
            .shared
            .extend(names.iter().filter_map(|entry| match entry {
                Value::String(name) => Some((name.clone(), name.clone())),
                _ => Some((
                    entry.get("for")?.as_str()?.to_owned(),
                    entry.get("name")?.as_str()?.to_owned(),
                )),
            }));
    }

    // Components first, so that inline copies of a declared component refer to
    // it; by name, so that of two equal components the same one always wins.
    let mut declared: BTreeMap<String, Value> = existing.into_iter().collect();
    for (name, schema) in declared.iter_mut() {
        let pointer = format!("/components/schemas/{}", walk::escape_pointer(name));
        hoist_children(schema, Some(name), "", &pointer, &mut registry);
        if hoistable(schema) {
            resolve_markers(schema, &Target::Name(name.clone()));
            registry
                .by_shape
                .entry(shape(schema))
                .or_insert_with(|| Target::Name(name.clone()));
        }
    }
    walk::for_each_root_mut(doc, &mut |root, schema| {
        let root_word = match &root.kind {
            walk::RootKind::Response { .. } => "Response".to_owned(),
            walk::RootKind::RequestBody => "Body".to_owned(),
            _ => root
                .name
                .as_deref()
                .unwrap_or_default()
                .to_upper_camel_case(),
        };
        hoist_children(
            schema,
            root.operation_id.as_deref(),
            &root_word,
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
/// that `Open<ImportConnectionStatus>` reads as what it is).
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
    let property_names = |s: &Value| -> std::collections::BTreeSet<String> {
        s.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut count = 0;
    for name in &names {
        let nested = &schema["properties"][name];
        if !walk::is_object_with_properties(nested) {
            continue;
        }
        // The cheap test first: the nested object has exactly the other
        // properties (comparing whole shapes at every place is quadratic).
        let mut others = property_names(schema);
        others.remove(name);
        if property_names(nested) != others {
            continue;
        }
        let mut without = schema.clone();
        remove_property(&mut without, name);
        if shape(&without) == shape(nested) {
            schema["properties"][name] = json!({ SELF_MARKER: true });
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

/// The own name of a shape at a place that suggests none: a top-level
/// array's items, a union's branch, anything else.
const ITEM_NAME: &str = "Item";
const VARIANT_NAME: &str = "Variant";
const FALLBACK_NAME: &str = "Object";
const PLACELESS: [&str; 3] = [ITEM_NAME, VARIANT_NAME, FALLBACK_NAME];

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
    /// `own` is the schema's `title`: a domain name.
    titled: bool,
    /// The enclosing object's title or the property above `own`.
    parent: Option<String>,
    /// The properties from the root down to the one above `own`, innermost
    /// first: they tell apart two places of one operation.
    chain: Vec<String>,
    /// What the root is (`Response`, `Body`, a parameter's name): the last
    /// word that tells apart a body's and a response's `data`.
    root_word: String,
    /// A word per union branch on the way (`First`, `Second`), for two
    /// shapes that differ only by the branch they sit in.
    branches: Vec<String>,
    /// The operation or component the place belongs to.
    context: Option<String>,
    /// JSON pointer of the place: breaks ties without looking at document order.
    pointer: String,
}

#[derive(Default)]
struct Registry {
    /// Canonical shape → what places of that shape refer to.
    by_shape: HashMap<String, Target>,
    /// Names in use (declared, reserved as chosen).
    taken: HashSet<String>,
    /// Domain names the spec lists (`x-shared-types`), by the name their
    /// places suggest.
    shared: HashMap<String, String>,
    found: Vec<Found>,
}

/// The root key listing the domain names of shapes shared on purpose
/// (written by the overlay; read and removed by this rule).
pub const SHARED_TYPES_KEY: &str = "x-shared-types";

/// Hoists every inline object below `root` (not `root` itself). `context` (the
/// component or operation the root belongs to) and `root_word` (what the root
/// is) name the shapes found.
fn hoist_children(
    root: &mut Value,
    context: Option<&str>,
    root_word: &str,
    pointer: &str,
    registry: &mut Registry,
) {
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
            let hints = hints(path, &titles);
            let title = schema
                .get("title")
                .and_then(Value::as_str)
                .map(|t| t.to_upper_camel_case())
                .filter(|t| !t.is_empty());
            let place_pointer: String = path.iter().map(Edge::pointer).collect();
            registry.found[index].places.push(Place {
                titled: title.is_some(),
                own: title
                    .or(hints.own)
                    .unwrap_or_else(|| hints.placeless.into()),
                parent: hints.parent,
                chain: hints.chain,
                root_word: root_word.to_owned(),
                branches: hints.branches,
                context: context.map(|c| c.to_upper_camel_case()),
                pointer: format!("{pointer}{place_pointer}"),
            });
        }
        *schema = target.reference();
    });
}

impl Found {
    /// The name most of this shape's places suggest: a title over a
    /// property's name; on a tie, the words the tied names share
    /// (`periodA` and `periodB`: `Period`), never one place's name borrowed
    /// for the other.
    fn own(&self) -> (String, bool) {
        let titled = self.places.iter().any(|p| p.titled);
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for place in self.places.iter().filter(|p| p.titled == titled) {
            *votes.entry(place.own.as_str()).or_default() += 1;
        }
        // A place with no name of its own (a union branch, a top-level array's
        // items) has no say when any place has one.
        if votes.keys().any(|own| !PLACELESS.contains(own)) {
            votes.retain(|own, _| !PLACELESS.contains(own));
        }
        let most = votes.values().copied().max().unwrap_or(0);
        let tied: Vec<&str> = votes
            .iter()
            .filter(|(_, n)| **n == most)
            .map(|(own, _)| *own)
            .collect();
        let own = match tied.as_slice() {
            [] => FALLBACK_NAME.to_owned(),
            [one] => (*one).to_owned(),
            many => shared_words(many).unwrap_or_else(|| {
                // Nothing in common: the name of the place the shape is
                // named after (its first operation's).
                self.places
                    .iter()
                    .filter(|p| many.contains(&p.own.as_str()))
                    .min_by_key(|p| Self::order(p))
                    .map(|p| p.own.clone())
                    .unwrap_or_else(|| many[0].to_owned())
            }),
        };
        (own, titled)
    }

    /// The order of places for naming: by operation (or component) name,
    /// then pointer.
    fn order(place: &Place) -> (&str, &str) {
        (place.context.as_deref().unwrap_or_default(), &place.pointer)
    }

    /// The place the shape is named after: the first, by operation (or
    /// component) name and then pointer, among those suggesting `own` (any,
    /// when `own` is the words several share).
    fn naming_place(&self, own: &str) -> Option<&Place> {
        self.places
            .iter()
            .filter(|p| p.own == own)
            .min_by_key(|p| Self::order(p))
            .or_else(|| self.places.iter().min_by_key(|p| Self::order(p)))
    }

    /// The names by operation and place, most preferred first: the
    /// operation's name and `own`, then with the properties above it, the
    /// root's word and the union branches on the way.
    fn place_names(&self, own: &str) -> Vec<String> {
        let Some(place) = self.naming_place(own) else {
            return vec![own.to_owned()];
        };
        let context = place.context.as_deref().unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        let mut push = |name: String| {
            if !out.contains(&name) {
                out.push(name);
            }
        };
        push(format!("{context}{own}"));
        if let Some(parent) = &place.parent {
            push(format!("{context}{parent}{own}"));
        }
        for depth in 1..=place.chain.len() {
            let above: String = place.chain[..depth].iter().rev().cloned().collect();
            push(format!("{context}{above}{own}"));
        }
        let above: String = place.chain.iter().rev().cloned().collect();
        push(format!("{context}{}{above}{own}", place.root_word));
        let branches: String = place.branches.concat();
        push(format!(
            "{context}{}{branches}{above}{own}",
            place.root_word
        ));
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
    /// One name per found shape. First the domain names: a title, or a name
    /// of `x-shared-types`, goes to the shape used in the most places among
    /// those asking for it (on a tie, to none). Then, level by level through
    /// the names by operation and place, a name goes to the one shape asking
    /// for it (or the one used in the most places; on a tie, to none, and
    /// they try their next). Which shape came first in the document never
    /// matters, and only shapes of the same operation compete for a name
    /// (or two operations whose names run into each other).
    fn assign_names(&mut self) -> Vec<String> {
        let owns: Vec<(String, bool)> = self.found.iter().map(Found::own).collect();
        let mut names: Vec<Option<String>> = vec![None; self.found.len()];

        let domain: Vec<Option<String>> = owns
            .iter()
            .map(|(own, titled)| {
                if *titled {
                    Some(own.clone())
                } else {
                    self.shared.get(own).cloned()
                }
            })
            .collect();
        let mut claims: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, name) in domain.iter().enumerate() {
            if let Some(name) = name.as_deref().filter(|n| self.usable(n)) {
                claims.entry(name).or_default().push(index);
            }
        }
        self.award(claims, &mut names);

        let candidates: Vec<Vec<String>> = self
            .found
            .iter()
            .zip(&owns)
            .map(|(found, (own, _))| found.place_names(own))
            .collect();
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
            self.award(claims, &mut names);
        }
        // Two shapes at the very same words of one operation (the same
        // properties down the same branches): the last resort, in pointer
        // order, tells them apart by a word, never a digit.
        let mut rest: Vec<usize> = (0..names.len()).filter(|&i| names[i].is_none()).collect();
        rest.sort_by(|&a, &b| {
            self.found[a]
                .first_pointer()
                .cmp(self.found[b].first_pointer())
        });
        for index in rest {
            let base = candidates[index].last().cloned().unwrap_or_default();
            let name = ORDINALS
                .iter()
                .map(|word| format!("{base}{word}"))
                .chain((2..).map(|n| format!("{base}{}", "Other".repeat(n))))
                .find(|n| self.usable(n))
                .unwrap_or_default();
            self.taken.insert(name.clone());
            names[index] = Some(name);
        }
        names.into_iter().map(Option::unwrap_or_default).collect()
    }

    /// Gives each claimed name to the claimant used in the most places,
    /// when one is used in more than any other.
    fn award(&mut self, claims: BTreeMap<&str, Vec<usize>>, names: &mut [Option<String>]) {
        for (name, mut claimants) in claims {
            claimants.sort_by_key(|&i| std::cmp::Reverse(self.found[i].places.len()));
            let uses = |rank: usize| claimants.get(rank).map(|&i| self.found[i].places.len());
            if uses(1) < uses(0) {
                names[claimants[0]] = Some(name.to_owned());
                self.taken.insert(name.to_owned());
            }
        }
    }

    fn usable(&self, name: &str) -> bool {
        !name.is_empty() && !RESERVED.contains(&name) && !self.taken.contains(name)
    }
}

/// Words for the branches of a union, in order.
const BRANCHES: [&str; 6] = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"];

/// Words for the last resort of naming.
const ORDINALS: [&str; 3] = ["Other", "Alternative", "Variant"];

/// The leading (else trailing) words all `names` share (`PeriodA`,
/// `PeriodB`: `Period`).
fn shared_words(names: &[&str]) -> Option<String> {
    let split: Vec<Vec<String>> = names.iter().map(|n| camel_words(n)).collect();
    let first = split.first()?;
    let lead = (0..first.len())
        .take_while(|&i| split.iter().all(|w| w.get(i) == first.get(i)))
        .count();
    if lead > 0 {
        return Some(first[..lead].concat());
    }
    let trail = (1..=first.len())
        .take_while(|&i| {
            split
                .iter()
                .all(|w| w.len() >= i && w[w.len() - i] == first[first.len() - i])
        })
        .count();
    (trail > 0).then(|| first[first.len() - trail..].concat())
}

/// `PeriodA` → `["Period", "A"]`.
fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
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

/// What the path of a place suggests for its name.
struct Hints {
    /// From its property, singular for array items.
    own: Option<String>,
    /// The enclosing object's title, else the property that object sits under.
    parent: Option<String>,
    /// The properties above its own, innermost first.
    chain: Vec<String>,
    /// A word per union branch on the way.
    branches: Vec<String>,
    /// The own name when no property gives one.
    placeless: &'static str,
}

fn hints(path: &[Edge], titles: &HashMap<String, String>) -> Hints {
    let property_name = |at: usize, name: &str| {
        let name = if matches!(path.get(at + 1), Some(Edge::Items)) {
            singular(name)
        } else {
            name.to_owned()
        };
        name.to_upper_camel_case()
    };
    let mut properties = path.iter().enumerate().rev().filter_map(|(at, e)| match e {
        Edge::Property(name) => Some((at, property_name(at, name))),
        _ => None,
    });
    let own_property = properties.next();
    let chain: Vec<String> = properties.map(|(_, n)| n).collect();
    let enclosing_title = own_property.as_ref().and_then(|(at, _)| {
        let pointer: String = path[..*at].iter().map(Edge::pointer).collect();
        titles.get(&pointer)
    });
    let parent = enclosing_title
        .map(|t| t.to_upper_camel_case())
        .or_else(|| chain.first().cloned());
    let branches = path
        .iter()
        .filter_map(|e| match e {
            Edge::AnyOf(i) | Edge::OneOf(i) => {
                Some(BRANCHES.get(*i).copied().unwrap_or("Other").to_owned())
            }
            _ => None,
        })
        .collect();
    let placeless = match path.last() {
        Some(Edge::Items) => ITEM_NAME,
        Some(Edge::AnyOf(_) | Edge::OneOf(_)) => VARIANT_NAME,
        _ => FALLBACK_NAME,
    };
    Hints {
        placeless,
        own: own_property.map(|(_, n)| n),
        parent,
        chain,
        branches,
    }
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
            |doc, report| {
                crate::normalize::place_refs::apply(doc, report);
                super::apply(doc, report);
            },
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
        // Each operation's shapes carry its name; the shared `{url}` is named
        // after the first operation using it (by name), and its place there
        // (`avatar`): never after the other's `author`.
        let components: Vec<&String> = forward["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            components,
            [
                "ListFansAvatar",
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
