//! Credentials: kept out of every `Debug`, `Display`, error and log.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

use crate::Error;

/// A credential or any other secret the APIs take or send: an API key, a
/// password, a 2FA code, a session token, a signing secret. Its `Debug` and
/// `Display` never show the value; it serializes as the plain string.
///
/// Every string field named as a secret, in the request bodies and answers of
/// both APIs, is this type (`codegen/src/normalize/secrets.rs`), so a body or
/// an answer printed with `{:?}` or logged leaks nothing; request builders
/// take `&str` or `String` for it (`.password("…")`).
///
/// ```
/// use onlyfans_clients::Secret;
///
/// let password = Secret::from("hunter2");
/// assert_eq!(format!("{password:?} {password}"), "Secret([redacted]) [redacted]");
/// assert_eq!(password.expose(), "hunter2");
/// assert_eq!(serde_json::to_string(&password).unwrap(), r#""hunter2""#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the place that sends or stores it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret itself, consuming it.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// A credential the APIs send or take as JSON other than one string: a
/// `cookies` list of name/value pairs, a set of tokens. Its `Debug` and
/// `Display` never show the value; it serializes as the JSON it holds, as the
/// `serde_json::Value` it wraps would.
///
/// A field whose name says the whole value is a credential (cookies, tokens,
/// secrets, passwords, credentials, `x-bc`) is this type when it is not a
/// string (`codegen/src/normalize/secrets.rs`); its parts are in `.expose()`.
///
/// ```
/// use onlyfans_clients::SecretValue;
///
/// let cookies: SecretValue = serde_json::from_str(r#"[{"name":"sess","value":"abc"}]"#).unwrap();
/// assert_eq!(format!("{cookies:?} {cookies}"), "SecretValue([redacted]) [redacted]");
/// assert_eq!(cookies.expose()[0]["value"], "abc");
/// assert_eq!(serde_json::to_string(&cookies).unwrap(), r#"[{"name":"sess","value":"abc"}]"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretValue(serde_json::Value);

impl SecretValue {
    pub fn new(value: impl Into<serde_json::Value>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the place that sends or stores it.
    pub fn expose(&self) -> &serde_json::Value {
        &self.0
    }

    /// The value itself, consuming it.
    pub fn into_inner(self) -> serde_json::Value {
        self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue([redacted])")
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<serde_json::Value> for SecretValue {
    fn from(value: serde_json::Value) -> Self {
        Self(value)
    }
}

/// A header value checked before anything is sent: no CR/LF or other control
/// characters (which would split or corrupt the request), marked sensitive so
/// that reqwest's own `Debug` redacts it. The error names the parameter and
/// never repeats the value.
pub fn header_value(
    parameter: &'static str,
    value: &str,
    sensitive: bool,
) -> Result<HeaderValue, Error> {
    if value.is_empty() {
        return Err(Error::invalid(parameter, "must not be empty"));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(
            parameter,
            "must not contain CR, LF or other control characters",
        ));
    }
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| Error::invalid(parameter, "must contain only visible ASCII characters"))?;
    header.set_sensitive(sensitive);
    Ok(header)
}

/// How a client authenticates: the headers added to every request.
#[derive(Clone)]
pub struct Credentials {
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Credential headers a call may set for itself (OFAuth's connection id,
    /// which names the account acted for, not a secret).
    per_call: Vec<HeaderName>,
}

impl Credentials {
    pub fn new(headers: Vec<(HeaderName, HeaderValue)>) -> Self {
        Self {
            headers,
            per_call: Vec::new(),
        }
    }

    /// Lets calls set `name` for themselves.
    pub fn settable_per_call(mut self, name: HeaderName) -> Self {
        self.per_call.push(name);
        self
    }

    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }

    /// Whether a call's own header `name` would replace a credential it may
    /// not replace.
    pub fn guards(&self, name: &HeaderName) -> bool {
        !self.per_call.contains(name)
            && (self.headers.iter().any(|(own, _)| own == name)
                || super::headers::is_credential(name.as_str()))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.headers
                    .iter()
                    .map(|(name, _)| format!("{name}: [redacted]")),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Secret, SecretValue};

    /// The wire form is the value itself, byte for byte, both ways; only
    /// `Debug` and `Display` hide it.
    #[test]
    fn secrets_round_trip_byte_identical_and_never_print() {
        for text in [
            r#""sess=abc; auth_id=1""#,
            r#""""#,
            r#""é\n\"quoted\" \u0001""#,
        ] {
            let secret: Secret = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&secret).unwrap(), text);
            assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        }
        for text in [
            r#"[{"domain":".onlyfans.com","name":"sess","value":"abc"}]"#,
            r#"{"auth_id":"1","sess":"abc"}"#,
            r#"["t1","t2"]"#,
            "null",
            "12345",
            r#""plain""#,
        ] {
            let value: SecretValue = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
            let shown = format!("{value:?} {value} {:?}", Some(&value));
            assert_eq!(
                shown,
                "SecretValue([redacted]) [redacted] Some(SecretValue([redacted]))"
            );
        }
    }
}
