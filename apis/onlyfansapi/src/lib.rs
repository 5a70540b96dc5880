//! OnlyFansAPI (`app.onlyfansapi.com`): authenticated with a bearer token;
//! every call names the connected account (`acct_…`) in its path.
//!
//! ```no_run
//! # async fn run() -> Result<(), onlyfans_clients::Error> {
//! use futures::TryStreamExt;
//! use onlyfans_clients::onlyfansapi;
//!
//! let api = onlyfansapi::Client::builder().api_key("ofapi_…").build()?;
//! let page = api
//!     .account("acct_123").chats().messages().list("456")
//!     .limit(50)
//!     .order("desc")
//!     .send()
//!     .await?;
//! let credits = page.meta.as_ref().and_then(|m| m.credits.as_ref()).and_then(|c| c.balance);
//! println!("{} messages, {credits:?} credits left", page.data.len());
//! let all: Vec<onlyfansapi::Message> =
//!     api.account("acct_123").chats().messages().list("456").stream().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! Every operation of the spec is reached through its resource
//! ([`resources`]: `api.account("acct_1").chats().messages().list(chat_id)`), returning a generated request builder
//! ([`requests`]); the types are the generated ones ([`types`]), with every
//! field the spec has.
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod rate_limits;
pub mod webhooks;

pub use client::{Client, ClientBuilder};
pub use requests::SERVER_URL;
/// A chat message and the `_meta` of every response, by their short names
/// (with the chats resource: a build of other resources alone finds them in
/// [`types`] when its calls use them).
#[cfg(feature = "onlyfansapi-chats")]
pub use types::{Message, Meta, RateLimits};

onlyfans_clients_core::generated_module! {
    /// Every generated type of the API (request bodies, responses, their
    /// parts), named after their operation and place or by their domain name
    /// (`docs/NAMES.md`).
    pub mod types {
        "/onlyfansapi_types.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// The client progenitor generates from `specs/onlyfansapi/` (cargo feature
    /// `raw`, off by default): a method per operation with positional
    /// arguments, returning progenitor's `ResponseValue`. It authenticates,
    /// retries and keeps the rate limit like the facade, which covers every
    /// operation without it; [`Client::request`] reaches a path no operation
    /// covers. Reached through [`Client::raw`].
    #[cfg(feature = "raw")]
    #[cfg_attr(docsrs, doc(cfg(feature = "raw")))]
    pub mod raw {
        "/onlyfansapi_raw.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// The OnlyFansAPI resources, following the vendor's own tree: each is a
    /// handle from the [`Client`] (`api.account("acct_1")`), listing its operations
    /// and its sub-resources; each operation returns its request builder
    /// ([`requests`]). `docs/NAMES.md` maps every vendor operation to its
    /// place here.
    pub mod resources {
        "/onlyfansapi_resources.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// A request builder for every operation of the spec, generated from it:
    /// its resource's method (path parameters as arguments) returns one, with
    /// a setter per query parameter and per top-level body field,
    /// `.call_options(CallOptions)` for this call's settings, and `send()`, which
    /// checks every value against the spec before anything is sent and
    /// returns the typed [`Response`](onlyfans_clients_core::Response).
    pub mod requests {
        "/onlyfansapi_facade.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// Offline testing support generated from the same spec as the client
    /// (cargo feature `httpmock`): typed
    /// [httpmock](https://docs.rs/httpmock) helpers (`MockServerExt`):
    /// `server.list_chat_messages(|when, then| …)` with the generated parameter and response
    /// types. Path parameters are matched as the client sends them
    /// (percent-encoded), literally.
    #[cfg(any(feature = "httpmock", feature = "__conformance"))]
    pub mod mock {
        #[cfg(feature = "httpmock")]
        "/onlyfansapi_httpmock.rs",
        // Internal, for the crate's tests: a decoder per operation. Not
        // with `mock` alone: the table instantiates every response type's
        // decoding in the library, which users' test builds would pay for.
        #[cfg(feature = "__conformance")]
        "/onlyfansapi_decoders.rs",
    }
}

onlyfans_clients_core::generated_module! {
    /// Internal: every operation as one call with every parameter set, for
    /// the crate's conformance test (`tests/conformance.rs`).
    #[cfg(feature = "__conformance")]
    #[doc(hidden)]
    pub mod conformance {
        "/onlyfansapi_conformance.rs"
    }
}

#[cfg(feature = "raw")]
onlyfans_clients_core::transport::transport_hooks!(raw::Client, requests::OPERATION_PATHS);

onlyfans_clients_core::api_crate_files!("onlyfansapi");
