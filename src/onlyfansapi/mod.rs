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
//!     .chat_messages("acct_123", 456u64)
//!     .limit(50)
//!     .order(onlyfansapi::MessageOrder::Desc)
//!     .send()
//!     .await?;
//! println!("{} messages, {:?} credits left", page.items.len(), page.meta.credits_balance);
//! let all: Vec<onlyfansapi::Message> = api.chat_messages("acct_123", 456u64).stream().try_collect().await?;
//! # Ok(()) }
//! ```

mod client;
mod messages;
mod types;

pub use client::{Client, ClientBuilder};
pub use messages::{
    CHAT_MESSAGES_LIMIT_RANGE, ChatMessagesRequest, MessageFilter, MessageOrder, MessagesPage,
    SkipUsers,
};
pub use types::{Message, Meta, RateLimits};

generated_module! {
    /// The client generated from `specs/onlyfansapi/` by progenitor, reachable
    /// through [`Client::raw`] for anything the facade does not cover. It
    /// authenticates and retries like the facade.
    pub mod raw {
        "/onlyfansapi.rs"
    }
}

generated_module! {
    /// A request builder for every operation of the spec, generated from it:
    /// `client.<operation>(path parameters)` returns one, with a setter per
    /// query parameter and per top-level body field, per-call options, and
    /// `send()`, which checks every value against the spec before anything is
    /// sent and returns the typed [`Response`](crate::Response).
    pub mod requests {
        "/onlyfansapi_facade.rs"
    }
}

/// Per-call options of OnlyFansAPI's request builders beyond the shared ones:
/// none (the account is a path parameter of every call).
macro_rules! api_call_methods {
    () => {};
}
use api_call_methods;

generated_module! {
    /// Typed [httpmock](https://docs.rs/httpmock) helpers generated from the same
    /// spec as [`raw`] (cargo feature `mock`): `server.list_chat_messages(|when, then| …)`
    /// with the generated parameter and response types. Path parameters are
    /// matched as the client sends them (percent-encoded), literally.
    #[cfg(feature = "mock")]
    pub mod mock {
        "/onlyfansapi_httpmock.rs", "/onlyfansapi_decoders.rs"
    }
}

crate::transport::transport_hooks!(raw::Client);
