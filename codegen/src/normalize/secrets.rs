//! Credentials are `onlyfans_clients_core::Secret` (re-exported as
//! `onlyfans_clients::Secret`): the string as sent, never shown by `Debug`.
//!
//! The generated types derive `Debug`, so a body holding a password (or an
//! answer holding an OnlyFans session: its `cookie` and `x-bc` are the whole
//! account) printed with `{:?}` or logged would show it. One name classifier,
//! [`credential`], says which names hold credentials; it judges the
//! properties of request bodies, answers and webhook events here, and the
//! parameters and body fields of the request builders (`facade.rs`, whose
//! `Debug` prints `[redacted]` for them). By a property's shape:
//!
//! - a string (no `enum`; no `format`, or `format: password`, which makes any
//!   string a secret) becomes the handwritten `Secret` through typify's
//!   `x-rust-type`; an array of such strings becomes `Vec<Secret>`;
//! - a boolean or a number stays (`hasPassword`, `needs_otp`, a
//!   `campaignCode`: flags and counts about credentials, not credentials);
//! - an object with declared properties stays, and its fields are judged by
//!   their own names (OFAuth's login `session`: its `cookie` and `x-bc` are
//!   secrets, its `user-agent` is not; an `api_key`'s name and last use),
//!   unless the name says the whole value is a credential
//!   ([`Credential::Whole`]: cookies, tokens, secrets, passwords,
//!   credentials, `x-bc`);
//! - anything else (untyped, a free-form map, an array of anything but
//!   strings) named as a credential becomes `SecretValue`, the JSON value
//!   as it came, never shown by `Debug`.
//!
//! Serialization is the value itself: the wire format does not change.

use serde_json::{Value, json};

use super::Report;
use super::open_enums::OPEN_CRATE;
use crate::walk::{self, RootKind};

/// The handwritten secret type's path (see [`OPEN_CRATE`]).
pub const SECRET_TYPE: &str = concat!(runtime_crate!(), "::Secret");

/// The handwritten type of a credential that is JSON but not a string.
pub const SECRET_VALUE_TYPE: &str = concat!(runtime_crate!(), "::transport::auth::SecretValue");

/// What a value's name says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// Not a credential.
    No,
    /// A credential when it is text; an object of that name describes one
    /// and is judged field by field (`session`, `api_key`).
    Text,
    /// A credential whatever its shape: a `cookies` object or list is the
    /// cookies.
    Whole,
}

/// Words that make a name a credential wherever they stand in it, even
/// inside a longer word (`password_confirmation`, `accesstoken`,
/// `signing_secret`, `sessionCookie`); a name ending in one is the
/// credential itself ([`Credential::Whole`]).
const STRONG: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "passcode",
    "secret",
    "token",
    "cookie",
    "credential",
    "apikey",
    "csrf",
];

/// Words that make a name a credential as its last word: `session` (and
/// `sessionId`, below), OnlyFans' session cookie `sess`, an `auth` or
/// `authorization` value, a bearer token, a one-time password, OnlyFans'
/// request signature `sign` (not `signature`, `signed` or `design`: a
/// signature proves one message and is read by users, as a release form's
/// is), a PIN.
const HEADS: &[&str] = &[
    "session",
    "sess",
    "auth",
    "authorization",
    "bearer",
    "jwt",
    "otp",
    "totp",
    "hotp",
    "sign",
    "pin",
];

/// What `…Key` is not a credential after: an idempotency key (a random id
/// with no authority, shown so that a retry can be traced), a sort, cache,
/// partition or lookup key, a public key, a label's translation key. Any
/// other qualified key is one (`apiKey`, `privateKey`, `sessionKey`, an
/// RTMP `streamingRtmpKey`, with which anyone can broadcast as the creator).
/// A bare `key` names an entry (a custom field's, a label's), not a secret.
const NOT_SECRET_KEYS: &[&str] = &[
    "idempotency",
    "sort",
    "cache",
    "partition",
    "primary",
    "foreign",
    "lookup",
    "public",
    "label",
    "translation",
    "dedup",
    "dedupe",
];

/// What `…Code` is a credential after: a verification, 2FA, email or SMS
/// code. Other codes are a country's, a currency's, a payout system's, an
/// error's. A bare `code` is the 2FA code in a request (OnlyFansAPI's
/// `PUT /api/authenticate/{attempt_id}`), something else in an answer.
const SECRET_CODES: &[&str] = &[
    "verification",
    "verify",
    "otp",
    "totp",
    "mfa",
    "tfa",
    "2fa",
    "twofa",
    "twofactor",
    "onetime",
    "auth",
    "authorization",
    "authentication",
    "sms",
    "email",
    "confirmation",
    "confirm",
    "security",
    "recovery",
    "backup",
    "reset",
    "login",
    "access",
    "pin",
    "pass",
    "secret",
];

/// What a value named `name` is; `in_request`: it is sent (a request body,
/// a parameter, a header), where a bare `code` is a one-time code.
pub fn credential(name: &str, in_request: bool) -> Credential {
    let words = words(name);
    let Some(last) = words.last() else {
        return Credential::No;
    };
    let joined: String = words.concat();
    let earlier = &words[..words.len() - 1];
    // `x-bc`, `xBc`, `xbc`: OnlyFans' device token, sent with the cookie.
    let xbc = last == "xbc" || (last == "bc" && earlier.last().is_some_and(|w| w == "x"));
    // The last word without a plural `s`: what the value is.
    let head = last.strip_suffix('s').unwrap_or(last);
    // A cookie's name and value, a jar of them: the session, whatever the
    // shape and wherever the word stands (`cookieJar`).
    if xbc || joined.contains("cookie") || STRONG.iter().any(|w| head.ends_with(w)) {
        return Credential::Whole;
    }
    let qualified = |set: &[&str]| {
        earlier
            .iter()
            .chain(pairs(earlier).iter())
            .any(|w| set.contains(&w.as_str()))
    };
    let text = STRONG.iter().any(|w| joined.contains(w))
        || HEADS.contains(&last.as_str())
        || HEADS.contains(&head)
        || (last == "id" && earlier.last().is_some_and(|w| w == "session"))
        || (matches!(last.as_str(), "key" | "keys")
            && !earlier.is_empty()
            && !qualified(NOT_SECRET_KEYS))
        || (matches!(last.as_str(), "code" | "codes")
            && ((earlier.is_empty() && in_request) || qualified(SECRET_CODES)));
    if text {
        Credential::Text
    } else {
        Credential::No
    }
}

/// Whether a value named `name` holds a credential (see [`credential`]).
pub fn is_secret_name(name: &str, in_request: bool) -> bool {
    credential(name, in_request) != Credential::No
}

/// A name's words, lower case: split at every character that is not a letter
/// or a digit and where camel case starts a word (`wsAuthToken`,
/// `APIKey` → `api`, `key`; `x-bc` → `x`, `bc`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        let boundary = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next_lower)
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// Adjacent words joined (`one`, `time` → `onetime`).
fn pairs(words: &[String]) -> Vec<String> {
    words.windows(2).map(|w| w.concat()).collect()
}

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut count = 0usize;
    walk::for_each_root_mut(doc, &mut |root, schema| {
        let in_request = matches!(root.kind, RootKind::RequestBody);
        walk::visit_pre_mut(schema, &mut Vec::new(), &mut |schema, _| {
            let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut)
            else {
                return;
            };
            for (name, property) in properties.iter_mut() {
                count += usize::from(redact(property, credential(name, in_request)));
            }
        });
    });
    if count > 0 {
        report.note(format!(
            "{count} credentials are `Secret` or `SecretValue` (never shown by `Debug`)"
        ));
    }
}

/// Makes `property` a secret type when its name (`named`) and its shape say
/// it holds a credential; whether it did.
fn redact(property: &mut Value, named: Credential) -> bool {
    if is_secret_string(property, named) {
        *property = with_kept(property, rust_type(SECRET_TYPE, "string"));
        return true;
    }
    if named == Credential::No
        || property.get("x-rust-type").is_some()
        || property.get("enum").is_some()
    {
        return false;
    }
    match walk::type_of(property) {
        Some("boolean" | "number" | "integer" | "string") => false,
        Some("array") => match property.get_mut("items") {
            Some(items) if walk::type_of(items) == Some("string") => {
                let secret = is_secret_string(items, named);
                if secret {
                    *items = with_kept(items, rust_type(SECRET_TYPE, "string"));
                }
                secret
            }
            Some(items)
                if matches!(walk::type_of(items), Some("boolean" | "number" | "integer")) =>
            {
                false
            }
            Some(items) if is_structured(items) => whole(property, named),
            _ => secret_value(property),
        },
        _ if is_structured(property) => whole(property, named),
        _ => secret_value(property),
    }
}

/// A structured value (an object with declared properties, an array of
/// them, a reference) is a `SecretValue` only when its name says the whole
/// value is a credential.
fn whole(property: &mut Value, named: Credential) -> bool {
    named == Credential::Whole && secret_value(property)
}

fn secret_value(property: &mut Value) -> bool {
    *property = with_kept(property, rust_type(SECRET_VALUE_TYPE, ""));
    true
}

/// A string the name makes a secret (or `format: password`, whatever its
/// name); an enum, a date or a URL is not.
fn is_secret_string(schema: &Value, named: Credential) -> bool {
    if walk::type_of(schema) != Some("string") || schema.get("enum").is_some() {
        return false;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("password") => true,
        Some(format) if PLAIN_FORMATS.contains(&format) => false,
        _ => named != Credential::No && schema.get("x-rust-type").is_none(),
    }
}

/// Formats that say what a string is, which no credential is: a date, a
/// URL, an address, a file (`binary`). Another format (`uuid`, `byte`)
/// leaves the name to judge.
const PLAIN_FORMATS: &[&str] = &[
    "date",
    "date-time",
    "time",
    "duration",
    "uri",
    "uri-reference",
    "url",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "binary",
];

/// An object with declared properties, a reference or a union: a shape
/// with fields of its own.
fn is_structured(schema: &Value) -> bool {
    ["properties", "$ref", "allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.get(k).is_some())
}

/// The `x-rust-type` schema of `path` (`type` left out when empty).
fn rust_type(path: &str, ty: &str) -> Value {
    let mut schema = serde_json::Map::new();
    if !ty.is_empty() {
        schema.insert("type".into(), json!(ty));
    }
    schema.insert(
        "x-rust-type".into(),
        json!({"crate": OPEN_CRATE, "version": "*", "path": path}),
    );
    Value::Object(schema)
}

/// `secret` with the description and nullability of `original`.
fn with_kept(original: &Value, mut secret: Value) -> Value {
    for key in ["description", "nullable"] {
        if let Some(value) = original.get(key) {
            secret[key] = value.clone();
        }
    }
    secret
}

#[cfg(test)]
#[path = "secrets_tests.rs"]
mod tests;
