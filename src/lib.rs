//! Typed async clients for two APIs in front of OnlyFans: **OFAuth**
//! ([`ofauth`]) and **OnlyFansAPI** ([`onlyfansapi`]).
//!
//! Each API module has a facade [`ofauth::Client`] / [`onlyfansapi::Client`]
//! with builders, typed parameters, pagination streams, retries and precise
//! errors, and the raw client generated from the vendored spec (`raw`).
//! Everything fails with one [`Error`] type.

pub mod error;
#[cfg(feature = "ofauth")]
pub mod ofauth;
#[cfg(feature = "onlyfansapi")]
pub mod onlyfansapi;
pub mod transport;
mod user;

pub use error::{Error, ErrorResponse, RequestInfo};
pub use transport::{RateLimitHeaders, RetryPolicy, Secret};
pub use user::UserRef;
