//! Typed async clients for OFAuth and OnlyFansAPI.

#[cfg(feature = "ofauth")]
pub mod ofauth;
#[cfg(feature = "onlyfansapi")]
pub mod onlyfansapi;
