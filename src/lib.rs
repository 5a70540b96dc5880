#![doc = include_str!("../README.md")]

pub mod error;
#[cfg(feature = "ofauth")]
pub mod ofauth;
#[cfg(feature = "onlyfansapi")]
pub mod onlyfansapi;
pub mod transport;
mod user;

pub use error::{Error, ErrorResponse, RequestInfo};
pub use transport::{RateLimit, RateLimitHeaders, RetryPolicy, Secret};
pub use user::UserRef;
