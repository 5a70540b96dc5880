#![doc = include_str!("../README.md")]
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The API modules hold tens of thousands of generated lines. The library's
// own unit tests (`cfg(test)`) cover the shared machinery only, so that
// `cargo test` does not compile the generated code a second time for them;
// the integration tests and doctests exercise the APIs against the library
// built once.
pub mod error;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(all(feature = "ofauth", not(test)))]
pub mod ofauth;
#[cfg(all(feature = "onlyfansapi", not(test)))]
pub mod onlyfansapi;
// Each API uses most of the shared transport, but not all of it.
#[cfg_attr(
    any(test, not(all(feature = "ofauth", feature = "onlyfansapi"))),
    allow(dead_code, unused_imports, unused_macros)
)]
pub mod transport;
mod user;

pub use error::{Error, ErrorResponse, RequestInfo};
/// The HTTP method of a [`CustomRequest`] (reqwest's, re-exported so that the
/// escape hatch needs no direct dependency on it).
pub use reqwest::Method;
pub use transport::request::{CustomRequest, FilePart, Response};
pub use transport::{RateLimit, RateLimitHeaders, RetryPolicy, Secret, http_client_builder};
pub use user::UserRef;
