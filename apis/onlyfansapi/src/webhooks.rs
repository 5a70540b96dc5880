//! Receiving OnlyFansAPI webhooks.
//!
//! A webhook created with a `signing_secret` carries `Signature`: the
//! lowercase hex HMAC-SHA256 of the raw body, keyed with the secret's bytes.
//! This scheme has **no timestamp and no message id**, so a request recorded
//! and sent again verifies like the first: handle events idempotently, keyed
//! by their content (the account, the event and its payload's own id), not by
//! their arrival.
//!
//! ```
//! use onlyfans_clients::onlyfansapi::webhooks::Verifier;
//!
//! # fn receive(headers: &http::HeaderMap, body: &[u8]) -> Result<(), onlyfans_clients::webhooks::WebhookError> {
//! let verifier = Verifier::new("my signing secret")?;
//! let event = verifier.verify(headers, body)?;
//! println!("{}", event.event_type());
//! # Ok(()) }
//! ```

use http::HeaderMap;

pub use super::requests::Event;
use onlyfans_clients_core::webhooks::{
    DEFAULT_MAX_BODY_BYTES, SigningKey, WebhookError, check_size, hex_body_signature,
};

/// Verifies OnlyFansAPI webhook requests and decodes their events.
#[derive(Debug, Clone)]
pub struct Verifier {
    /// `None`: the webhook was created without a secret.
    key: Option<SigningKey>,
    max_body_bytes: usize,
}

impl Verifier {
    /// A verifier for the webhook's `signing_secret`.
    pub fn new(secret: impl AsRef<str>) -> Result<Verifier, WebhookError> {
        Ok(Verifier {
            key: Some(SigningKey::raw(secret.as_ref())?),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// For a webhook created **without** a signing secret: it only decodes.
    /// Anyone who knows the endpoint's URL can send it any event; create the
    /// webhook with a `signing_secret` and use [`Verifier::new`] instead.
    pub fn unsigned() -> Verifier {
        Verifier {
            key: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The largest body accepted (default
    /// [`DEFAULT_MAX_BODY_BYTES`],
    /// 1 MiB); a larger one is refused before its signature is computed.
    pub fn max_body_bytes(mut self, limit: usize) -> Verifier {
        self.max_body_bytes = limit;
        self
    }

    /// Verifies a request (its headers and raw body, exactly as received)
    /// and decodes its event.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        check_size(body, self.max_body_bytes)?;
        if let Some(key) = &self.key {
            hex_body_signature::verify(key, headers, body)?;
        }
        Event::decode(body)
    }
}
