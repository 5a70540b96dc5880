#![doc = include_str!("../README.md")]
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod error;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "ofauth")]
pub mod ofauth;
#[cfg(feature = "onlyfansapi")]
pub mod onlyfansapi;
// Each API uses most of the shared transport, but not all of it.
#[cfg_attr(
    not(all(feature = "ofauth", feature = "onlyfansapi")),
    allow(dead_code, unused_imports, unused_macros)
)]
pub mod transport;
mod user;

pub use error::{Error, ErrorResponse, RequestInfo};
pub use transport::{RateLimit, RateLimitHeaders, RetryPolicy, Secret, http_client_builder};
pub use user::UserRef;
