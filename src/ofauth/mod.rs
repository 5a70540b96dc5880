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
//! let page = of.chats().limit(20).order(ofauth::ChatOrder::Recent).send().await?;
//! for chat in &page.items {
//!     println!("{} ({} unread)", chat.with_user.id, chat.unread_messages_count);
//! }
//! let unread: Vec<ofauth::Chat> = of.chats().filter(ofauth::ChatFilter::Unread).stream().try_collect().await?;
//! # Ok(()) }
//! ```

mod chats;
mod client;
mod types;

pub use chats::{CHATS_LIMIT_RANGE, ChatFilter, ChatOrder, ChatsPage, ChatsRequest};
pub use client::{Client, ClientBuilder};
pub use types::{CanNotSendReason, Chat, Media, MediaFile, MediaFiles, MediaKind, Message};

/// The client generated from `specs/ofauth/` by progenitor, reachable through
/// [`Client::raw`] for anything the facade does not cover. It authenticates and
/// retries like the facade.
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]
pub mod raw {
    include!(concat!(env!("OUT_DIR"), "/ofauth.rs"));
}

crate::transport::transport_hooks!(raw::Client);
