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
use crate::webhooks::{SigningKey, WebhookError, hex_body_signature};

/// Verifies OnlyFansAPI webhook requests and decodes their events.
#[derive(Debug, Clone)]
pub struct Verifier {
    /// `None`: the webhook was created without a secret.
    key: Option<SigningKey>,
}

impl Verifier {
    /// A verifier for the webhook's `signing_secret`.
    pub fn new(secret: impl AsRef<str>) -> Result<Verifier, WebhookError> {
        Ok(Verifier {
            key: Some(SigningKey::raw(secret.as_ref())?),
        })
    }

    /// For a webhook created **without** a signing secret: it only decodes.
    /// Anyone who knows the endpoint's URL can send it any event; create the
    /// webhook with a `signing_secret` and use [`Verifier::new`] instead.
    pub fn unsigned() -> Verifier {
        Verifier { key: None }
    }

    /// Verifies a request (its headers and raw body, exactly as received)
    /// and decodes its event.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        if let Some(key) = &self.key {
            hex_body_signature::verify(key, headers, body)?;
        }
        Event::from_body(body)
    }
}
