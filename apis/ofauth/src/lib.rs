//! OFAuth (`api.ofauth.com`): authenticated with an API key (`apiKey` header)
//! and a connection id (`x-connection-id` header) naming the linked OnlyFans
//! account.
//!
//! ```no_run
//! # async fn run() -> Result<(), onlyfans_clients::Error> {
//! use futures::TryStreamExt;
//! use onlyfans_clients::ofauth;
//!
//! let of = ofauth::Client::builder()
//!     .api_key("sk_live_…")
//!     .connection_id("conn_123")
//!     .build()?;
//! let page = of.messages().list_chats().limit(20).order(ofauth::ChatOrder::Recent).send().await?;
//! for chat in &page.list {
//!     let fan = chat.with_user.as_ref().map(|user| user.id);
//!     println!("{fan:?} ({:?} unread)", chat.unread_messages_count);
//! }
//! let unread: Vec<ofauth::Chat> = of.messages().list_chats().filter(ofauth::ChatFilter::Unread).stream().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! Every operation of the spec is reached through its resource
//! ([`resources`]: `of.messages().list_chats()`), returning a generated request builder
//! ([`requests`]); the types are the generated ones ([`types`]), with every
//! field the spec has.
// docs.rs (nightly) marks each item with the cargo feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
pub mod webhooks;

pub use client::{Client, ClientBuilder};
pub use requests::SERVER_URL;
/// The types of the chats list, by their short names.
#[cfg(feature = "ofauth-messages")]
pub use types::{Chat, ChatsListFilter as ChatFilter, ChatsListOrder as ChatOrder, Media, Message};

onlyfans_clients_core::generated_module! {
    /// Every generated type of the API (request bodies, responses, their
    /// parts), named after their operation and place or by their domain name
    /// (`docs/NAMES.md`).
    pub mod types {
        "/ofauth_types.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// The client progenitor generates from `specs/ofauth/` (cargo feature
    /// `raw`, off by default): a method per operation with positional
    /// arguments, returning progenitor's `ResponseValue`. It authenticates,
    /// retries and keeps the rate limit like the facade, which covers every
    /// operation without it; [`Client::request`] reaches a path no operation
    /// covers. Reached through [`Client::raw`].
    #[cfg(feature = "raw")]
    #[cfg_attr(docsrs, doc(cfg(feature = "raw")))]
    pub mod raw {
        "/ofauth_raw.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// The OFAuth resources, following the vendor's own tree: each is a
    /// handle from the [`Client`] (`of.messages()`), listing its operations
    /// and its sub-resources; each operation returns its request builder
    /// ([`requests`]). `docs/NAMES.md` maps every vendor operation to its
    /// place here.
    pub mod resources {
        "/ofauth_resources.rs"
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
        "/ofauth_facade.rs"
    }
}

onlyfans_clients_core::generated_module! {
    /// Offline testing support generated from the same spec as the client
    /// (cargo feature `httpmock`): typed
    /// [httpmock](https://docs.rs/httpmock) helpers (`MockServerExt`):
    /// `server.chats_list(|when, then| …)` with the generated parameter and response
    /// types. Path parameters are matched as the client sends them
    /// (percent-encoded), literally.
    #[cfg_attr(
        feature = "httpmock",
        doc = r#"
```
use onlyfans_clients::mock::httpmock;
use onlyfans_clients::ofauth::{self, mock::MockServerExt, types};

# #[tokio::main(flavor = "current_thread")]
# async fn main() -> Result<(), Box<dyn std::error::Error>> {
let server = httpmock::MockServer::start_async().await;
let body: types::ChatsListResponse = serde_json::from_value(serde_json::json!({
    "list": [], "hasMore": false
}))?;
let mock = server.chats_list(|when, then| {
    when.limit(std::num::NonZeroU64::new(5));
    then.ok(&body);
});
let of = ofauth::Client::builder()
    .api_key("key")
    .base_url(server.base_url())
    .build()?;
let page = of.messages().list_chats().limit(5).send().await?;
assert!(page.list.is_empty());
mock.assert_async().await;
# Ok(()) }
```
"#
    )]
    #[cfg(any(feature = "httpmock", feature = "__conformance"))]
    pub mod mock {
        #[cfg(feature = "httpmock")]
        "/ofauth_httpmock.rs",
        // Internal, for the crate's tests: a decoder per operation. Not
        // with `mock` alone: the table instantiates every response type's
        // decoding in the library, which users' test builds would pay for.
        #[cfg(feature = "__conformance")]
        "/ofauth_decoders.rs",
    }
}

onlyfans_clients_core::generated_module! {
    /// Internal: every operation as one call with every parameter set, for
    /// the crate's conformance test (`tests/conformance.rs`).
    #[cfg(feature = "__conformance")]
    #[doc(hidden)]
    pub mod conformance {
        "/ofauth_conformance.rs"
    }
}

#[cfg(feature = "raw")]
onlyfans_clients_core::transport::transport_hooks!(raw::Client, requests::OPERATION_PATHS);

onlyfans_clients_core::api_crate_files!("ofauth");
