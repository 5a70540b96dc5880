//! Decoding success bodies: typed at full speed when a body fits its type, and
//! lenient but lossless when it does not.
//!
//! The vendors describe their payloads imperfectly (a price typed as an
//! integer, an object typed as a string), and one such value must not fail a
//! whole page. So when the typed decode fails, the body is parsed as JSON once
//! and decoded again, taking out each part that does not fit: an optional
//! field is left empty, an item that cannot be used is taken out of its list,
//! and each part taken out is recorded as a [`Misfit`] with its JSON path, what
//! the type expected and the value received. Only a body whose misfit cannot
//! be taken out (its root, or a field every enclosing level requires) is an
//! [`Error::Decode`], which then carries the whole body.
//!
//! A body that fits costs one typed decode, as before: the lenient path runs
//! only after that decode failed.

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::error::{RequestInfo, ResponseBody};

/// A part of a success body that did not fit its type, taken out so that the
/// rest could be used (see [`Response::misfits`](crate::Response::misfits)).
///
/// Nothing is lost: `received` is the value as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    /// Where the value was in the body (`list[3].thumb`; `.` is the whole body).
    pub path: String,
    /// What the type expected there, in serde's words (`u64`, `a string`,
    /// `a valid value (missing field `id`)`), with the path of the innermost failure below
    /// `path` when the part was taken out whole.
    pub expected: String,
    /// The value received, as sent.
    pub received: Value,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: expected {}, received {}",
            self.path,
            self.expected,
            kind(&self.received).describe()
        )
    }
}

/// A typed value with the misfits taken out of its body.
pub struct Decoded<T> {
    pub value: T,
    pub misfits: Vec<Misfit>,
}

/// Most misfits one body may have before decoding gives up.
const MAX_MISFITS: usize = 4096;

/// Most bytes the lenient path decodes in all its rounds together (each round
/// decodes the whole remaining body), so that a hostile body costs a bounded
/// multiple of one decode: 256 rounds of a 1 MiB body, at least 16 of any.
const ROUND_BUDGET_BYTES: usize = 256 * 1024 * 1024;

/// How a generated struct whose fields are all optional reads its fields
/// (the build's generator implements it, with [`object`] as the struct's
/// `Deserialize`).
///
/// serde's derive writes, per struct, a field-name enum and its visitor, a
/// sequence visitor and a map visitor holding one `Option` per field, then
/// checks each for presence: the bulk of the generated types' compile time.
/// A struct that starts from its `Default` needs none of that: one `match`
/// on the key per struct, and one visitor shared by all. It decodes exactly
/// what the derive did (absent and `null` optional fields are `None`,
/// unknown keys are skipped, the error for a non-object names the struct as
/// the derive did), except that a JSON array is not read positionally.
pub trait Fields: Default {
    /// What a value of the wrong kind is reported as expecting (`struct Chat`).
    const EXPECTING: &'static str;

    /// Reads the value of `key` from `map` into its field, or skips it.
    fn field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// The `Deserialize` of a [`Fields`] struct: a JSON object, key by key.
pub fn object<'de, T: Fields, D: serde::Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    struct Object<T>(std::marker::PhantomData<T>);

    impl<'de, T: Fields> serde::de::Visitor<'de> for Object<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut value = T::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                value.field(key.as_str(), &mut map)?;
            }
            Ok(value)
        }
    }

    deserializer.deserialize_map(Object(std::marker::PhantomData))
}

/// An object's key, borrowed from the body unless it had to be unescaped.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The `Deserialize` of a generated enum of strings (`"thumb"`, `"full"`),
/// through its `FromStr` (which the generator writes for every such enum):
/// serde's derive writes a variant-name enum and two visitors per enum for
/// what one `match` already does. Unknown text fails with the derive's
/// message (``unknown variant `x`, expected one of `thumb`, `full` ``;
/// `names` are the variants' strings, in order), and a value that is not a
/// string says what came (`invalid type: integer `7`, expected variant
/// identifier`, where serde_json said `expected value`). Unlike the derive,
/// it does not read a variant from a one-key object.
pub fn variant<'de, T: std::str::FromStr, D: serde::Deserializer<'de>>(
    deserializer: D,
    names: &'static [&'static str],
) -> Result<T, D::Error> {
    struct Variant<T>(&'static [&'static str], std::marker::PhantomData<T>);

    impl<T: std::str::FromStr> serde::de::Visitor<'_> for Variant<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("variant identifier")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            text.parse().map_err(|_| E::unknown_variant(text, self.0))
        }
    }

    deserializer.deserialize_str(Variant(names, std::marker::PhantomData))
}

/// Reads an absent or `null` collection as an empty one (the generated
/// types' lists and maps: callers never ask whether a list came).
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a success body into `T`. With `strict`, a body that does not fit
/// is an [`Error::Decode`]; otherwise the parts that do not fit are taken out
/// and returned as misfits. `whole` gives the body to keep in an error (only
/// called on failure: a caller holding a slice copies it only then).
pub fn decode<T: DeserializeOwned>(
    request: &RequestInfo,
    body: &[u8],
    whole: impl Fn() -> bytes::Bytes,
    strict: bool,
) -> Result<Decoded<T>, Error> {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok(Decoded {
            value,
            misfits: Vec::new(),
        });
    }
    let failed = |path: String, message: String| Error::Decode {
        request: Box::new(request.clone()),
        path,
        message,
        body: ResponseBody::new(whole()),
    };
    let first = first_failure::<T>(body);
    if strict {
        return Err(failed(first.0, first.1));
    }
    let Ok(mut json) = serde_json::from_slice::<Value>(body) else {
        // Not JSON at all: nothing to take apart.
        return Err(failed(first.0, first.1));
    };
    let mut taken = Taken::default();
    let max_rounds = (ROUND_BUDGET_BYTES / body.len().max(1)).clamp(16, MAX_MISFITS);
    let mut rounds = 0usize;
    loop {
        rounds += 1;
        let error = match serde_path_to_error::deserialize::<_, T>(&json) {
            Ok(value) => {
                return Ok(Decoded {
                    value,
                    misfits: taken.misfits,
                });
            }
            Err(error) => error,
        };
        let message = error.inner().to_string();
        let steps = steps(error.path());
        // The deepest place that exists in the body: serde may name a field
        // the body lacks (a missing field is reported on its parent already).
        let at = existing_prefix(&json, &steps);
        if at.is_empty() || taken.misfits.len() >= MAX_MISFITS || rounds > max_rounds {
            return Err(failed(first.0, first.1));
        }
        let inner = render(&steps[at.len()..]);
        let expected = expected_of(&message);
        let expected = if inner.is_empty() {
            expected.into_owned()
        } else {
            format!("{expected} at `{inner}` below it")
        };
        let Some(received) = take(&mut json, &at, &mut taken, expected.clone()) else {
            return Err(failed(first.0, first.1));
        };
        // The same wrong kind of value at the same field of the other items
        // of a list fails the same way: take those out now rather than with
        // one more decode each (a page of a thousand `9.99` prices costs two
        // decodes, not a thousand).
        let generalizes = inner.is_empty()
            && message.starts_with("invalid type")
            && matches!(at.last(), Some(Step::Key(_)))
            && at.iter().any(|s| matches!(s, Step::Index(_)));
        if generalizes {
            let wanted = kind(&received);
            let mut alike = Vec::new();
            matching_places(&json, &at, &mut Vec::new(), &mut alike, wanted);
            for place in alike {
                if taken.misfits.len() >= MAX_MISFITS {
                    break;
                }
                take(&mut json, &place, &mut taken, expected.clone());
            }
        }
    }
}

/// The path and message of the first place `body` does not fit `T`.
fn first_failure<T: DeserializeOwned>(body: &[u8]) -> (String, String) {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => (error.path().to_string(), error.into_inner().to_string()),
        Ok(_) => (
            ".".to_owned(),
            "trailing data after the JSON value".to_owned(),
        ),
    }
}

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a serde path that lead into the JSON (an enum variant or an
/// unknown step ends the walk: the place is its parent).
fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    let mut steps = Vec::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => steps.push(Step::Key(key.clone())),
            Segment::Seq { index } => steps.push(Step::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => break,
        }
    }
    steps
}

/// The longest start of `steps` that leads to a value in `json`.
fn existing_prefix(json: &Value, steps: &[Step]) -> Vec<Step> {
    let mut here = json;
    let mut prefix = Vec::new();
    for step in steps {
        let next = match (step, here) {
            (Step::Key(key), Value::Object(map)) => map.get(key),
            (Step::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        prefix.push(step.clone());
        here = next;
    }
    prefix
}

/// `list[3].thumb`, as serde_path_to_error writes paths (`.` for the root).
fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// What serde says was expected (`invalid type: string "x", expected u64` →
/// `u64`); a type's own parse error (a date's `premature end of input`) or a
/// missing field says what was wrong instead: `a valid value (…)`.
fn expected_of(message: &str) -> std::borrow::Cow<'_, str> {
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => expected.into(),
        None => format!("a valid value ({message})").into(),
    }
}

/// What was taken out so far, and where items left their lists (so that every
/// misfit names its place in the body as received).
#[derive(Default)]
struct Taken {
    misfits: Vec<Misfit>,
    /// Per list (by its path in the body as received): the indices, as
    /// received, of the items taken out of it.
    removed_items: HashMap<Vec<Step>, Vec<usize>>,
}

impl Taken {
    /// The place in the body as received of `steps` in the current body.
    fn original(&self, steps: &[Step]) -> Vec<Step> {
        let mut original = Vec::with_capacity(steps.len());
        for step in steps {
            let step = match step {
                Step::Index(i) => Step::Index(self.original_index(&original, *i)),
                key => key.clone(),
            };
            original.push(step);
        }
        original
    }

    fn original_index(&self, list: &[Step], current: usize) -> usize {
        let mut index = current;
        if let Some(removed) = self.removed_items.get(list) {
            // `removed` is sorted: each removal at or before the index moved
            // the items after it one place forward.
            for &r in removed {
                if r <= index {
                    index += 1;
                }
            }
        }
        index
    }
}

/// Takes the value at `place` out of `json` (an object's field is removed, a
/// list's item too) and records it; `None` when there is nothing there.
fn take(json: &mut Value, place: &[Step], taken: &mut Taken, expected: String) -> Option<Value> {
    let (last, parent_steps) = place.split_last()?;
    let original = taken.original(place);
    let mut parent = &mut *json;
    for step in parent_steps {
        parent = match (step, parent) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    let received = match (last, parent) {
        (Step::Key(key), Value::Object(map)) => map.remove(key)?,
        (Step::Index(i), Value::Array(items)) if *i < items.len() => {
            let list = original[..original.len() - 1].to_vec();
            let original_index = match original.last() {
                Some(Step::Index(n)) => *n,
                _ => *i,
            };
            let removed = taken.removed_items.entry(list).or_default();
            let at = removed.partition_point(|&r| r < original_index);
            removed.insert(at, original_index);
            items.remove(*i)
        }
        _ => return None,
    };
    taken.misfits.push(Misfit {
        path: if original.is_empty() {
            ".".to_owned()
        } else {
            render(&original)
        },
        expected,
        received: received.clone(),
    });
    Some(received)
}

/// Every other place in `json` with the shape of `template` (the same keys,
/// any list index) whose value is of kind `wanted`.
fn matching_places(
    json: &Value,
    template: &[Step],
    here: &mut Vec<Step>,
    found: &mut Vec<Vec<Step>>,
    wanted: Kind,
) {
    let Some((step, rest)) = template.split_first() else {
        if kind(json) == wanted {
            found.push(here.clone());
        }
        return;
    };
    match (step, json) {
        (Step::Key(key), Value::Object(map)) => {
            if let Some(next) = map.get(key) {
                here.push(step.clone());
                matching_places(next, rest, here, found, wanted);
                here.pop();
            }
        }
        (Step::Index(_), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                here.push(Step::Index(i));
                matching_places(item, rest, here, found, wanted);
                here.pop();
            }
        }
        _ => {}
    }
}

/// The kinds of JSON value serde tells apart in an "invalid type" error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Unsigned,
    Negative,
    Float,
    String,
    Array,
    Object,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Unsigned => "an integer",
            Kind::Negative => "a negative integer",
            Kind::Float => "a floating point number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

fn kind(value: &Value) -> Kind {
    match value {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_u64() => Kind::Unsigned,
        Value::Number(n) if n.is_i64() => Kind::Negative,
        Value::Number(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Page {
        list: Vec<Item>,
        #[serde(rename = "hasMore")]
        has_more: Option<bool>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u64,
        price: Option<u64>,
        thumb: Option<String>,
        tags: Option<Vec<String>>,
    }

    fn run<T: DeserializeOwned>(body: Value, strict: bool) -> Result<Decoded<T>, Error> {
        let bytes = bytes::Bytes::from(serde_json::to_vec(&body).unwrap());
        decode::<T>(
            &RequestInfo::operation("op", "GET", "/p"),
            &bytes,
            || bytes.clone(),
            strict,
        )
    }

    #[test]
    fn a_body_that_fits_has_no_misfits() {
        let page: Decoded<Page> = run(json!({"list": [{"id": 1, "price": 5}]}), false).unwrap();
        assert!(page.misfits.is_empty());
        assert_eq!(page.value.list[0].price, Some(5));
    }

    #[test]
    fn optional_misfits_are_emptied_and_recorded_with_the_value_received() {
        let body = json!({"list": [
            {"id": 1, "price": 9.99, "thumb": {"url": "u"}},
            {"id": 2, "price": 5, "thumb": "t"},
            {"id": 3, "price": 0.5, "thumb": null},
        ], "hasMore": true});
        let page: Decoded<Page> = run(body, false).unwrap();
        let ids: Vec<u64> = page.value.list.iter().map(|i| i.id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(page.value.list[1].price, Some(5));
        assert_eq!(page.value.list[0].price, None);
        assert_eq!(page.value.list[1].thumb.as_deref(), Some("t"));
        let mut seen: Vec<(String, Value)> = page
            .misfits
            .iter()
            .map(|m| (m.path.clone(), m.received.clone()))
            .collect();
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            seen,
            [
                ("list[0].price".to_owned(), json!(9.99)),
                ("list[0].thumb".to_owned(), json!({"url": "u"})),
                ("list[2].price".to_owned(), json!(0.5)),
            ]
        );
        let price = page
            .misfits
            .iter()
            .find(|m| m.path == "list[0].price")
            .unwrap();
        assert_eq!(price.expected, "u64");
        assert_eq!(
            price.to_string(),
            "`list[0].price`: expected u64, received a floating point number"
        );
    }

    #[test]
    fn an_item_that_cannot_be_used_leaves_its_list_and_later_paths_stay_as_received() {
        let body = json!({"list": [
            {"id": 1},
            {"id": "recent"},
            {"id": 3, "tags": ["a", 7]},
            {"price": 1},
            {"id": 5, "price": -1},
        ]});
        let page: Decoded<Page> = run(body, false).unwrap();
        let ids: Vec<u64> = page.value.list.iter().map(|i| i.id).collect();
        assert_eq!(ids, [1, 3, 5]);
        let paths: Vec<&str> = page.misfits.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "list[1].id",
                "list[1]",
                "list[2].tags[1]",
                "list[3]",
                "list[4].price"
            ]
        );
        assert_eq!(page.misfits[1].received, json!({}));
        assert!(
            page.misfits[1].expected.contains("missing field `id`"),
            "{}",
            page.misfits[1].expected
        );
        // One item of a list of strings: the rest of the list stays.
        assert_eq!(page.misfits[2].received, json!(7));
        assert_eq!(
            page.value.list[1].tags.as_deref(),
            Some(&["a".to_owned()][..])
        );
    }

    #[test]
    fn strict_decoding_and_unusable_bodies_are_errors_with_the_whole_body() {
        let body = json!({"list": [{"id": 1, "price": 9.99}], "pad": "x".repeat(5000)});
        let Err(Error::Decode {
            path, body: whole, ..
        }) = run::<Page>(body.clone(), true)
        else {
            panic!("strict decoding accepted a misfit");
        };
        assert_eq!(path, "list[0].price");
        assert_eq!(whole.as_bytes(), serde_json::to_vec(&body).unwrap());
        // The root itself does not fit: nothing can be taken out.
        assert!(matches!(
            run::<Page>(json!([1, 2]), false),
            Err(Error::Decode { .. })
        ));
        // A required list that does not fit takes its parent with it: the root.
        assert!(matches!(
            run::<Page>(json!({"list": "none"}), false),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn the_rounds_a_body_can_cost_are_bounded() {
        // Each item misfits differently (`invalid value`, never taken out
        // together), so each costs a round: past the budget, an error.
        let items: Vec<Value> = (0..2000)
            .map(|i| json!({"id": i, "price": -1 - i}))
            .collect();
        let body = json!({ "list": items, "pad": "x".repeat(300_000) });
        assert!(matches!(
            run::<Page>(body, false),
            Err(Error::Decode { .. })
        ));
        let few: Vec<Value> = (0..10).map(|i| json!({"id": i, "price": -1 - i})).collect();
        let page: Decoded<Page> = run(json!({ "list": few }), false).unwrap();
        assert_eq!(page.misfits.len(), 10);
    }

    #[test]
    fn a_thousand_alike_misfits_cost_a_few_decodes() {
        let items: Vec<Value> = (0..1000)
            .map(|i| json!({"id": i, "price": 9.99, "thumb": {"url": "u"}}))
            .collect();
        let page: Decoded<Page> = run(json!({ "list": items }), false).unwrap();
        assert_eq!(page.value.list.len(), 1000);
        assert_eq!(page.misfits.len(), 2000);
    }

    /// A struct as the generator writes it with [`Fields`], and its twin
    /// with serde's derive: they must read every body alike.
    #[derive(Debug, Default, PartialEq)]
    struct Compact {
        id: Option<u64>,
        has_more: Option<bool>,
        tags: Vec<String>,
        note: String,
    }

    impl Fields for Compact {
        const EXPECTING: &'static str = "struct Compact";
        fn field<'de, A: serde::de::MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "id" => self.id = map.next_value()?,
                "hasMore" => self.has_more = map.next_value()?,
                "tags" => self.tags = map.next_value::<Option<_>>()?.unwrap_or_default(),
                "note" => self.note = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Compact {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            object(deserializer)
        }
    }

    /// The twin, named alike so that errors read alike.
    mod derived {
        use super::super::null_as_default;

        #[derive(Debug, Default, PartialEq, serde::Deserialize)]
        pub(super) struct Compact {
            pub(super) id: Option<u64>,
            #[serde(rename = "hasMore")]
            pub(super) has_more: Option<bool>,
            #[serde(default, deserialize_with = "null_as_default")]
            pub(super) tags: Vec<String>,
            #[serde(default)]
            pub(super) note: String,
        }
    }

    /// The value or the error (with its JSON path) of each reading.
    fn both(body: &str) -> (Result<Compact, String>, Result<derived::Compact, String>) {
        fn read<T: DeserializeOwned>(body: &str) -> Result<T, String> {
            let deserializer = &mut serde_json::Deserializer::from_str(body);
            serde_path_to_error::deserialize(deserializer)
                .map_err(|e| format!("{}: {}", e.path(), e.inner()))
        }
        (read(body), read(body))
    }

    #[test]
    fn the_compact_deserialize_reads_as_the_derive_does() {
        for body in [
            r#"{}"#,
            r#"{"id": 7, "hasMore": true, "tags": ["a"], "note": "n"}"#,
            r#"{"id": null, "hasMore": null, "tags": null}"#,
            r#"{"unknown": {"deep": [1, 2]}, "id": 3}"#,
            r#"{"h\u0061sMore": false}"#,
        ] {
            let (compact, derived) = both(body);
            let derived = derived.unwrap();
            let compact = compact.unwrap();
            assert_eq!(
                (compact.id, compact.has_more, &compact.tags, &compact.note),
                (derived.id, derived.has_more, &derived.tags, &derived.note),
                "{body}"
            );
        }
        // Errors name the same path and say the same.
        for body in [
            r#"{"id": "seven"}"#,
            r#"{"tags": [1]}"#,
            r#"{"note": null}"#,
            r#"null"#,
            r#"7"#,
            r#"{"id": 1"#,
        ] {
            let (compact, derived) = both(body);
            assert_eq!(compact.unwrap_err(), derived.unwrap_err(), "{body}");
        }
    }

    #[test]
    fn the_compact_deserialize_reads_objects_only() {
        // serde's derive also reads a struct from an array, by position: no
        // API sends one, and the generated types do not accept it.
        let (compact, derived) = both(r#"[7, true]"#);
        assert_eq!(derived.unwrap().id, Some(7));
        assert!(
            compact
                .unwrap_err()
                .starts_with(".: invalid type: sequence, expected struct Compact"),
        );
    }

    /// An enum of strings as the generator writes it with [`variant`], and
    /// its twin with serde's derive.
    #[derive(Debug, PartialEq)]
    enum Quality {
        Thumb,
        Full,
    }

    impl std::str::FromStr for Quality {
        type Err = ();
        fn from_str(text: &str) -> Result<Self, ()> {
            match text {
                "thumb" => Ok(Quality::Thumb),
                "full" => Ok(Quality::Full),
                _ => Err(()),
            }
        }
    }

    impl<'de> Deserialize<'de> for Quality {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            variant(deserializer, &["thumb", "full"])
        }
    }

    mod derived_enum {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        pub(super) enum Quality {
            #[serde(rename = "thumb")]
            Thumb,
            #[serde(rename = "full")]
            Full,
        }
    }

    #[test]
    fn the_compact_enum_deserialize_reads_as_the_derive_does() {
        fn read<T: DeserializeOwned>(body: &str) -> Result<T, String> {
            let deserializer = &mut serde_json::Deserializer::from_str(body);
            serde_path_to_error::deserialize(deserializer)
                .map_err(|e| format!("{}: {}", e.path(), e.inner()))
        }
        let pair = |body: &str| {
            (
                read::<Vec<Quality>>(body).map(|v| format!("{v:?}")),
                read::<Vec<derived_enum::Quality>>(body).map(|v| format!("{v:?}")),
            )
        };
        for body in [
            r#"["thumb", "full"]"#,
            r#"["th\u0075mb"]"#,
            r#"["large"]"#,
            r#"[7]"#,
            r#"[null]"#,
            r#"[{"thumb": null}]"#,
        ] {
            let (compact, derived) = pair(body);
            if body.contains('{') {
                // The derive also reads a one-key object; no API sends one.
                assert!(derived.is_ok() && compact.is_err(), "{body}");
            } else if body.contains('"') {
                assert_eq!(compact, derived, "{body}");
            } else {
                // Not a string: both fail at the same place; this one says
                // what came (serde_json's enum reading says `expected value`).
                let (compact, derived) = (compact.unwrap_err(), derived.unwrap_err());
                assert_eq!(compact.split(':').next(), derived.split(':').next());
                assert!(compact.contains("expected variant identifier"), "{compact}");
            }
        }
        // What an open enum (`Open<E>`) reads through: a string deserializer.
        use serde::de::IntoDeserializer;
        let text: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            "full".into_deserializer();
        assert_eq!(Quality::deserialize(text).unwrap(), Quality::Full);
    }
}
