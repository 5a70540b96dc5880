//! Internal: what the generated conformance calls (`<api>::conformance`)
//! share. Not for users (feature `__conformance`).

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::{Error, Misfit, Response};

/// One conformance call under way: `Err` when a value the spec gives cannot
/// be built into the setter's type (a contradiction in the spec), else what
/// the call returned.
pub type Pending<'a> =
    Pin<Box<dyn Future<Output = Result<Result<Answer, Error>, String>> + Send + 'a>>;

/// A generated conformance call: sends one operation through `C`.
pub type Call<C> = for<'a> fn(&'a C) -> Pending<'a>;

/// What a successful conformance call got back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// The validator's `sl-violations` header (a JSON array), if any.
    pub violations: Option<String>,
    pub misfits: Vec<Misfit>,
}

/// The [`Answer`] of a response.
pub fn answer<T>(response: &Response<T>) -> Answer {
    Answer {
        status: response.status().as_u16(),
        violations: response
            .headers()
            .get("sl-violations")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        misfits: response.misfits().to_vec(),
    }
}

/// The spec's JSON value as the setter's type.
pub fn value<T: DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| {
        format!(
            "the spec's value {json} does not build a {}: {e}",
            std::any::type_name::<T>()
        )
    })
}
