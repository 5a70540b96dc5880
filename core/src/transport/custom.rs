//! The escape hatch: a request to a path no spec describes, sent through the
//! same [`Call`] as every generated operation.
//!
//! Its path is the caller's text, so two things no generated call needs are
//! checked here: that the path stays below the base URL however a server or
//! a proxy in front of it decodes it (see [`path::check`]), and that the path
//! itself, which may hold a secret (`/v2/link/{clientSecret}`), is shown only
//! redacted in `Debug`, errors, spans and the request hook
//! ([`path::redacted`]).

mod path;

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::CallSettings;
use super::config::Core;
use super::headers::Reserved;
use super::request::{Call, Response};
use crate::Error;
use crate::error::RequestInfo;

/// A request to a path no spec describes (see `Client::request` of each API):
/// the same transport as every generated operation (auth, retries, rate
/// limiter, deadline, size limit, error mapping).
///
/// Its `Debug`, its errors and its span show the path with every segment but
/// plain words replaced by `{…}` (`/v2/link/{…}`), the query's names but not
/// their values, and the body's size but not its text.
#[must_use = "a request does nothing until it is sent"]
pub struct CustomRequest {
    core: Core,
    method: reqwest::Method,
    path: String,
    /// The path as errors, spans and `Debug` show it.
    shown: String,
    query: Vec<(String, String)>,
    body: Option<Result<Vec<u8>, String>>,
    invalid: Option<(&'static str, String)>,
    options: CallSettings,
}

impl CustomRequest {
    #[doc(hidden)]
    pub fn new(core: &Core, method: reqwest::Method, path: &str) -> CustomRequest {
        let shown = path::redacted(path);
        let invalid = path::check(path)
            .err()
            .map(|reason| ("path", format!("`{shown}` {reason}")));
        CustomRequest {
            core: core.clone(),
            method,
            path: path.to_owned(),
            shown,
            query: Vec::new(),
            body: None,
            invalid,
            options: CallSettings::default(),
        }
    }

    super::config::call_option_methods!();

    /// Adds query parameters: anything that serializes as a map or a list of
    /// pairs (`&[("limit", "10")]`, a struct). Laravel's method override
    /// (`_method`) is refused: the method is the one given to `request(..)`.
    pub fn query<T: Serialize + ?Sized>(mut self, query: &T) -> Self {
        match query_pairs(query) {
            Ok(pairs) => self.query.extend(pairs),
            Err(reason) => {
                self.invalid.get_or_insert(("query", reason));
            }
        }
        self
    }

    /// A JSON body. A top-level `_method` field (Laravel's method override)
    /// is refused: the method is the one given to `request(..)`.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        let body = serde_json::to_value(body)
            .and_then(|value| Ok((serde_json::to_vec(&value)?, value)))
            .map_err(|e| e.to_string());
        self.body = Some(match body {
            Ok((_, value)) if value.get(METHOD_OVERRIDE).is_some() => Err(format!(
                "must not hold `{METHOD_OVERRIDE}` (a method override)"
            )),
            Ok((bytes, _)) => Ok(bytes),
            Err(reason) => Err(format!("cannot be serialized: {reason}")),
        });
        self
    }

    /// Adds a header (for a header the API documents but no spec has). A
    /// credential (`authorization`, `apikey`, `x-connection-id`, cookies,
    /// `x-bc`) is refused: the client's own credentials cannot be replaced
    /// or added to (OFAuth's connection id is a client's own:
    /// `for_connection`). So is a header HTTP reserves for the client
    /// (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, `TE`,
    /// `Upgrade`, `Proxy-*`, forwarding headers, method overrides). The
    /// refusal is the call's [`Error::InvalidRequest`], before anything is
    /// sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let invalid = || format!("`{name}` is not a valid header");
        let refusal = match reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
            Ok(header) => match (
                Reserved::of(&header),
                super::auth::header_value("header", value, true),
            ) {
                (Some(reserved), _) => format!("`{header}` {}", reserved.describe()),
                (None, Ok(value)) => {
                    self.options.headers.push((header, value));
                    return self;
                }
                (None, Err(_)) => invalid(),
            },
            Err(_) => invalid(),
        };
        self.invalid.get_or_insert(("header", refusal));
        self
    }

    fn call(self) -> Result<Call, Error> {
        if let Some((parameter, reason)) = self.invalid {
            return Err(Error::invalid(parameter, reason));
        }
        let method = match self.method.as_str() {
            "GET" => "GET",
            "POST" => "POST",
            "PUT" => "PUT",
            "PATCH" => "PATCH",
            "DELETE" => "DELETE",
            "HEAD" => "HEAD",
            _ => return Err(Error::invalid("method", "is not a method the APIs use")),
        };
        let request = RequestInfo {
            operation: "custom_request",
            method,
            path: Cow::Owned(self.shown),
            page: None,
        };
        let mut call = Call::new(&self.core, request, self.method, &self.path, self.options);
        for (name, value) in &self.query {
            call = call.query(name, value);
        }
        match self.body {
            Some(Ok(body)) => Ok(call.json_bytes(body)),
            Some(Err(reason)) => Err(Error::invalid("body", reason)),
            None => Ok(call),
        }
    }

    /// Sends the request and decodes the JSON response into `T`.
    pub async fn send<T: DeserializeOwned + Send + 'static>(self) -> Result<Response<T>, Error> {
        self.call()?.send_json().await
    }

    /// Sends the request and returns the JSON response as a value.
    pub async fn send_json(self) -> Result<Response<serde_json::Value>, Error> {
        self.send().await
    }

    /// Sends the request and returns the body as bytes, whatever it is.
    pub async fn send_bytes(self) -> Result<Response<Bytes>, Error> {
        self.call()?.send_bytes().await
    }
}

impl fmt::Debug for CustomRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        let headers: Vec<&str> = self
            .options
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        f.debug_struct("CustomRequest")
            .field("method", &self.method)
            .field("path", &self.shown)
            .field("query", &query)
            .field("headers", &headers)
            .field(
                "body_bytes",
                &self
                    .body
                    .as_ref()
                    .and_then(|b| b.as_ref().ok())
                    .map(Vec::len),
            )
            .finish_non_exhaustive()
    }
}

/// Laravel's method override, read from the query or a body's top level.
const METHOD_OVERRIDE: &str = "_method";

/// Query pairs of a serializable value, as reqwest would encode them.
fn query_pairs<T: Serialize + ?Sized>(query: &T) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(query).map_err(|e| e.to_string())?;
    let scalar = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut pairs = Vec::new();
    match &value {
        serde_json::Value::Object(map) => {
            for (name, v) in map {
                match v {
                    serde_json::Value::Null => {}
                    serde_json::Value::Array(items) => {
                        for item in items {
                            let item = scalar(item)
                                .ok_or_else(|| format!("`{name}` holds a nested value"))?;
                            pairs.push((name.clone(), item));
                        }
                    }
                    other => pairs.push((
                        name.clone(),
                        scalar(other).ok_or_else(|| format!("`{name}` holds a nested value"))?,
                    )),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                match item.as_array().map(Vec::as_slice) {
                    Some([name, v]) => match (name.as_str(), scalar(v)) {
                        (Some(name), Some(v)) => pairs.push((name.to_owned(), v)),
                        _ => return Err("pairs must be (name, scalar value)".into()),
                    },
                    _ => return Err("must be a map or a list of (name, value) pairs".into()),
                }
            }
        }
        _ => return Err("must be a map or a list of (name, value) pairs".into()),
    }
    if pairs.iter().any(|(name, _)| name == METHOD_OVERRIDE) {
        return Err(format!(
            "must not hold `{METHOD_OVERRIDE}` (a method override)"
        ));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_of_maps_and_lists() {
        let pairs = query_pairs(&serde_json::json!({"a": 1, "b": ["x", "y"], "c": null})).unwrap();
        assert_eq!(
            pairs,
            [
                ("a".into(), "1".into()),
                ("b".into(), "x".into()),
                ("b".into(), "y".into())
            ]
        );
        assert!(query_pairs(&[("limit", "10")]).is_ok());
        assert!(query_pairs(&5).is_err());
        assert!(query_pairs(&[("_method", "DELETE")]).is_err());
    }
}
