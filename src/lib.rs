#![doc = include_str!("../README.md")]
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// A module of generated code from `OUT_DIR`. The vendors' prose becomes its
/// rustdoc as it is (`[Deprecated] Scrape …`, bare URLs, stray HTML): not ours
/// to fix, so not a documentation error either; nor is generated code linted.
// Unused by the unit tests, which leave the API modules out (below), and by a
// build with neither API feature.
#[cfg_attr(
    any(test, not(any(feature = "_ofauth", feature = "_onlyfansapi"))),
    allow(unused_macros)
)]
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

// The API modules hold tens of thousands of generated lines. The library's
// own unit tests (`cfg(test)`) cover the shared machinery only, so that
// `cargo test` does not compile the generated code a second time for them;
// the integration tests and doctests exercise the APIs against the library
// built once.
pub mod error;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(all(feature = "_ofauth", not(test)))]
pub mod ofauth;
#[cfg(all(feature = "_onlyfansapi", not(test)))]
pub mod onlyfansapi;
// Each API uses most of the shared transport, but not all of it.
mod shared_types;
#[cfg_attr(
    any(test, not(all(feature = "_ofauth", feature = "_onlyfansapi"))),
    allow(dead_code, unused_imports, unused_macros)
)]
pub mod transport;
pub mod webhooks;

/// `(name, text)` of each named file build.rs wrote to `OUT_DIR`.
#[cfg(feature = "__conformance")]
#[allow(unused_macros)] // `BUILT_FILES` needs every API and feature besides
macro_rules! built_files {
    ($($file:literal),+ $(,)?) => {
        &[$(($file, include_str!(concat!(env!("OUT_DIR"), "/", $file)))),+]
    };
}

/// Internal, for the crate's test package (`tests/generated.rs`): the files
/// build.rs wrote to `OUT_DIR`, by name, so that a test outside this package
/// can hold them to the snapshots. Not for users.
#[cfg(all(
    feature = "__conformance",
    feature = "raw",
    feature = "httpmock",
    feature = "ofauth",
    feature = "onlyfansapi"
))]
#[doc(hidden)]
pub const BUILT_FILES: &[(&str, &str)] = built_files![
    "ofauth_types.rs",
    "ofauth_raw.rs",
    "ofauth_httpmock.rs",
    "ofauth_routes.json",
    "ofauth_facade.rs",
    "onlyfansapi_types.rs",
    "onlyfansapi_raw.rs",
    "onlyfansapi_httpmock.rs",
    "onlyfansapi_routes.json",
    "onlyfansapi_facade.rs",
];

/// Locks `mutex`, poisoned or not: a panic elsewhere while it was held leaves
/// data that is still whole here (counters, sets, maps of plain values).
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// Generated types name the handwritten `Open<E>` by the crate's own name
// (typify's `x-rust-type`), which resolves inside the crate through this.
extern crate self as onlyfans_clients;

/// The date and time types of generated fields and parameters
/// (`DateTime<Utc>`, `NaiveDate`), re-exported so that callers build them
/// with the same version the crate decodes into.
pub use chrono;
pub use error::{Error, ErrorResponse, RequestInfo, ResponseBody};
/// The HTTP method of a [`CustomRequest`] (reqwest's, re-exported so that the
/// escape hatch needs no direct dependency on it).
pub use reqwest::Method;
pub use shared_types::{CanNotSendReason, Id, MediaKind, Open, UserRef};
pub use transport::config::CallOptions;
pub use transport::decode::Misfit;
pub use transport::paging::Page;
pub use transport::rate_limit::{
    Correction, DEFAULT_MAX_SERVER_WAIT, MemoryStore, RateLimitStore, Reservation, StoreError,
    StoreFailure, StoreFuture,
};
#[cfg(feature = "redis")]
pub use transport::rate_limit::{RedisStore, RedisStoreBuilder};
pub use transport::request::{CustomRequest, FilePart, Response};
pub use transport::{RateLimit, RateLimitHeaders, RetryPolicy, Secret, http_client_builder};

/// Decodes a JSON response body stored or relayed elsewhere into a generated
/// type, strictly: a body that does not fit is an [`Error::Decode`] naming
/// the JSON path that did not. Never panics. [`decode_lenient`] decodes as
/// `send()` does by default.
///
/// ```
/// # #[cfg(feature = "_ofauth")] {
/// use onlyfans_clients::ofauth::types::ChatsListResponse;
///
/// let page: ChatsListResponse = onlyfans_clients::decode(br#"{"list": [], "hasMore": false}"#).unwrap();
/// assert_eq!(page.has_more, Some(false));
/// let error = onlyfans_clients::decode::<ChatsListResponse>(br#"{"list": [{"withUser": 1}]}"#).unwrap_err();
/// assert!(error.to_string().contains("list[0].withUser"), "{error}");
/// # }
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
/// # #[cfg(feature = "_ofauth")] {
/// use onlyfans_clients::ofauth::types::ChatsListResponse;
///
/// let body = br#"{"list": [{"withUser": 1}, {"withUser": {"id": 2}}], "hasMore": false}"#;
/// let (page, misfits) = onlyfans_clients::decode_lenient::<ChatsListResponse>(body).unwrap();
/// assert_eq!(page.list.len(), 2);
/// assert_eq!(misfits[0].path, "list[0].withUser");
/// assert_eq!(misfits[0].received, serde_json::json!(1));
/// # }
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
