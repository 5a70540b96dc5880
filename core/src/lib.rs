//! The runtime of [`onlyfans-clients`](https://docs.rs/onlyfans-clients):
//! the transport every generated API client calls (authentication, retries,
//! rate limits with their memory and Redis stores, pagination streams,
//! decoding with misfits), its errors, the types the APIs share and webhook
//! verification.
//!
//! Use it through `onlyfans-clients`, which re-exports everything public
//! here beside the API clients. Each API is a crate of its own
//! (`onlyfans-clients-ofauth`, `onlyfans-clients-onlyfansapi`), generated
//! against this one, so that cargo compiles the two side by side. Items
//! marked hidden are what that generated code calls: not for users, and not
//! covered by semver.
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// A module of generated code from the calling crate's `OUT_DIR`. The
/// vendors' prose becomes its rustdoc as it is (`[Deprecated] Scrape …`, bare
/// URLs, stray HTML): not ours to fix, so not a documentation error either;
/// nor is generated code linted.
#[doc(hidden)]
#[macro_export]
macro_rules! generated_module {
    ($(#[$attr:meta])* $vis:vis mod $name:ident { $($(#[$file_attr:meta])* $file:literal),+ $(,)? }) => {
        $(#[$attr])*
        #[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]
        #[allow(
            rustdoc::broken_intra_doc_links,
            rustdoc::bare_urls,
            rustdoc::invalid_html_tags
        )]
        $vis mod $name {
            $($(#[$file_attr])* include!(concat!(env!("OUT_DIR"), $file));)+
        }
    };
}

/// The internal constants of an API crate (`"ofauth"`), from the files its
/// build script wrote to `OUT_DIR`: `MOCK_ROUTES`, the route table the mock
/// server of `onlyfans-clients` serves the API from (feature `mock`), and
/// `BUILT_FILES`, `(name, text)` of each generated file, so that the test
/// package can hold them to the snapshots. Not for users.
#[doc(hidden)]
#[macro_export]
macro_rules! api_crate_files {
    ($api:literal) => {
        /// Internal: the mock server's route table of this API. Not for users.
        #[cfg(feature = "mock")]
        #[doc(hidden)]
        pub const MOCK_ROUTES: &str =
            include_str!(concat!(env!("OUT_DIR"), "/", $api, "_routes.json"));

        /// Internal, for the test package of `onlyfans-clients`: the files
        /// the build script wrote, by name. Not for users.
        #[cfg(all(
            feature = "__conformance",
            feature = "raw",
            feature = "httpmock",
            feature = $api
        ))]
        #[doc(hidden)]
        pub const BUILT_FILES: &[(&str, &str)] = &$crate::api_crate_files!(@files $api;
            "_types.rs", "_raw.rs", "_httpmock.rs", "_routes.json", "_facade.rs");
    };
    (@files $api:literal; $($suffix:literal),+) => {
        [$((
            concat!($api, $suffix),
            include_str!(concat!(env!("OUT_DIR"), "/", $api, $suffix)),
        )),+]
    };
}

/// Internal: what the generated conformance calls (`<api>::conformance`) share.
#[cfg(feature = "__conformance")]
#[doc(hidden)]
pub mod conformance;
pub mod error;
/// Internal: what the generated httpmock helpers call.
#[cfg(feature = "httpmock")]
#[doc(hidden)]
pub mod httpmock_support;
#[cfg(feature = "redis")]
mod redis_connection;
mod shared_types;
mod store;
pub mod transport;
pub mod webhooks;

/// Locks `mutex`, poisoned or not: a panic elsewhere while it was held leaves
/// data that is still whole here (counters, sets, maps of plain values).
/// Internal (the mock server of `onlyfans-clients` uses it too).
#[doc(hidden)]
pub fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The date and time types of generated fields and parameters
/// (`DateTime<Utc>`, `NaiveDate`), re-exported so that callers build them
/// with the same version the crate decodes into.
pub use chrono;
pub use error::{Error, ErrorResponse, RequestInfo, ResponseBody};
#[cfg(feature = "redis")]
pub use redis_connection::RedisStoreBuilder;
/// The HTTP method of a [`CustomRequest`] (reqwest's, re-exported so that the
/// escape hatch needs no direct dependency on it).
pub use reqwest::Method;
pub use shared_types::{CanNotSendReason, Id, MediaKind, Open, UserRef};
pub use transport::config::CallOptions;
pub use transport::decode::Misfit;
pub use transport::paging::Page;
#[cfg(feature = "redis")]
pub use transport::rate_limit::RedisStore;
pub use transport::rate_limit::{
    Correction, DEFAULT_MAX_SERVER_WAIT, MemoryStore, RateLimitStore, Reservation, StoreError,
    StoreFailure, StoreFuture,
};
pub use transport::request::{CustomRequest, FilePart, Response};
pub use transport::{
    RateLimit, RateLimitHeaders, RetryPolicy, Secret, SecretValue, http_client_builder,
};

/// Decodes a JSON response body stored or relayed elsewhere into a generated
/// type, strictly: a body that does not fit is an [`Error::Decode`] naming
/// the JSON path that did not. Never panics. [`decode_lenient`] decodes as
/// `send()` does by default.
///
/// ```
/// use onlyfans_clients::ofauth::types::ChatsListResponse;
///
/// let page: ChatsListResponse = onlyfans_clients::decode(br#"{"list": [], "hasMore": false}"#).unwrap();
/// assert_eq!(page.has_more, Some(false));
/// let error = onlyfans_clients::decode::<ChatsListResponse>(br#"{"list": [{"withUser": 1}]}"#).unwrap_err();
/// assert!(error.to_string().contains("list[0].withUser"), "{error}");
/// ```
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    stored_body(body, true).map(|(value, _)| value)
}

/// Decodes a JSON response body as `send()` does by default: a part that
/// does not fit its type is taken out and returned as a [`Misfit`] (its path,
/// what was expected, the value received), so that one misdocumented field
/// never costs the rest. Only a body that cannot be used at all is an
/// [`Error::Decode`].
///
/// ```
/// use onlyfans_clients::ofauth::types::ChatsListResponse;
///
/// let body = br#"{"list": [{"withUser": 1}, {"withUser": {"id": 2}}], "hasMore": false}"#;
/// let (page, misfits) = onlyfans_clients::decode_lenient::<ChatsListResponse>(body).unwrap();
/// assert_eq!(page.list.len(), 2);
/// assert_eq!(misfits[0].path, "list[0].withUser");
/// assert_eq!(misfits[0].received, serde_json::json!(1));
/// ```
pub fn decode_lenient<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<(T, Vec<Misfit>), Error> {
    stored_body(body, false)
}

fn stored_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    strict: bool,
) -> Result<(T, Vec<Misfit>), Error> {
    let request = RequestInfo::operation("decode", "-", "(a stored body)");
    let decoded = transport::decode::decode(
        &request,
        body,
        || bytes::Bytes::copy_from_slice(body),
        strict,
    )?;
    Ok((decoded.value, decoded.misfits))
}
