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
//! only after that decode failed. Its cost is proportional to the body, not
//! to the body times its misfits: each round decodes only the part that
//! failed (see `lenient`), and all rounds together at most
//! [`WORK_PER_BODY_BYTE`] times the body, past which the body is an
//! [`Error::Decode`] saying so. A response of [`OFFLOAD_BYTES`] or more is
//! repaired on tokio's blocking pool, off the runtime's worker.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Error;
use crate::error::{RequestInfo, ResponseBody};

mod lenient;
mod paths;

pub use lenient::{LenientWork, MIN_WORK_BYTES, WORK_PER_BODY_BYTE, budget_for, last_lenient_work};

/// A part of a success body that did not fit its type, taken out so that the
/// rest could be used (see [`Response::misfits`](crate::Response::misfits)).
///
/// Nothing is lost: `received` is the value as the server sent it. Its
/// `Debug` shows what kind of value it was (and a number, a boolean or
/// `null` as it is) but no text: the value that did not fit can be a
/// credential in an unexpected shape (a `cookie` sent as an object).
#[derive(Clone, PartialEq)]
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

impl fmt::Debug for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let received: &dyn fmt::Debug = match &self.received {
            Value::Null | Value::Bool(_) | Value::Number(_) => &self.received,
            other => &kind(other).describe(),
        };
        f.debug_struct("Misfit")
            .field("path", &self.path)
            .field("expected", &self.expected)
            .field("received", received)
            .finish()
    }
}

/// A typed value with the misfits taken out of its body.
pub struct Decoded<T> {
    pub value: T,
    pub misfits: Vec<Misfit>,
}

/// Bodies at least this long that do not fit are repaired on tokio's
/// blocking pool rather than on the runtime's worker: the repair costs at
/// worst about a dozen `Value` parses of the body (`BENCHMARKS.md`), a few
/// milliseconds for 64 KiB, about what one task may hold a worker; below it,
/// the hop to another thread costs more than it saves.
pub const OFFLOAD_BYTES: usize = 64 * 1024;

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
    match serde_json::from_slice::<T>(body) {
        Ok(value) => Ok(Decoded {
            value,
            misfits: Vec::new(),
        }),
        Err(_) => after_typed_failure(request, body, whole, strict),
    }
}

/// [`decode`] for a response: the typed decode runs here, and the repair of a
/// body of [`OFFLOAD_BYTES`] or more on tokio's blocking pool, so that a
/// hostile body never holds the runtime's worker (other calls go on). `body`
/// is what is decoded, `whole` what an error keeps.
pub(crate) async fn decode_response<T: DeserializeOwned + Send + 'static>(
    request: &RequestInfo,
    body: bytes::Bytes,
    whole: bytes::Bytes,
    strict: bool,
) -> Result<Decoded<T>, Error> {
    if let Ok(value) = serde_json::from_slice::<T>(&body) {
        return Ok(Decoded {
            value,
            misfits: Vec::new(),
        });
    }
    let runtime = tokio::runtime::Handle::try_current();
    let (Ok(runtime), false) = (runtime, strict || body.len() < OFFLOAD_BYTES) else {
        return after_typed_failure(request, &body, || whole.clone(), strict);
    };
    let owned = request.clone();
    let kept = whole.clone();
    let repair = runtime
        .spawn_blocking(move || after_typed_failure::<T>(&owned, &body, || kept.clone(), false));
    repair.await.unwrap_or_else(|stopped| {
        Err(Error::Decode {
            request: Box::new(request.clone()),
            path: ".".to_owned(),
            message: format!("the lenient decode did not finish: {stopped}"),
            body: ResponseBody::new(whole),
        })
    })
}

/// The lenient path, once the typed decode of `body` failed.
fn after_typed_failure<T: DeserializeOwned>(
    request: &RequestInfo,
    body: &[u8],
    whole: impl Fn() -> bytes::Bytes,
    strict: bool,
) -> Result<Decoded<T>, Error> {
    let failed = |path: String, message: String| Error::Decode {
        request: Box::new(request.clone()),
        path,
        // The value received is in the body kept beside it; the message,
        // shown by `Display`, may not quote it (it may be a credential).
        message: crate::error::without_received_text(&message),
        body: ResponseBody::new(whole()),
    };
    let first = first_failure::<T>(body);
    if strict {
        return Err(failed(first.0, first.1));
    }
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        // Not JSON at all: nothing to take apart.
        return Err(failed(first.0, first.1));
    };
    match lenient::repair::<T>(json, body.len()) {
        Ok((value, misfits)) => Ok(Decoded { value, misfits }),
        Err(lenient::Stop::Unusable) => Err(failed(first.0, first.1)),
        Err(lenient::Stop::Exhausted { misfits }) => Err(failed(
            first.0,
            format!(
                "{}; the lenient decode gave up after taking out {misfits} misfits: its budget \
                 ({WORK_PER_BODY_BYTE}x the body's length in decoding, at least {MIN_WORK_BYTES} \
                 bytes) was spent",
                first.1
            ),
        )),
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
mod tests;
