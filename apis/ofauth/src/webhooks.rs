//! Receiving OFAuth webhooks: verify the signature, then read the typed
//! event.
//!
//! OFAuth signs in two ways, and a [`Verifier`] checks whichever the request
//! carries (both, when it carries both):
//!
//! - the Svix-compatible scheme its SDKs verify: `svix-id`,
//!   `svix-timestamp`, `svix-signature` (or the Standard Webhooks
//!   `webhook-*` names), HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed with
//!   the base64 part of the `whsec_…` secret, any `v1,` entry matching;
//! - the documented `OFAuth-Signature: t=<unix seconds>,v1=<signature>` over
//!   `{t}.{body}` (hex or base64, keyed with the secret's key or its bytes:
//!   the documentation does not say which, so both are tried).
//!
//! Timestamps more than the tolerance (5 minutes by default) away from now,
//! in either direction, are refused, and so are bodies over 1 MiB (see
//! [`Verifier::max_body_bytes`]). With [`Verifier::replay_guard`] a message
//! is refused once handled ([`Delivery::commit`]) and while it is being
//! handled; one whose handling failed (its delivery dropped uncommitted) is
//! accepted when the sender retries it.
//!
//! ```
//! use onlyfans_clients::ofauth::webhooks::{Event, Verifier};
//!
//! # fn receive(headers: &http::HeaderMap, body: &[u8]) -> Result<(), onlyfans_clients::webhooks::WebhookError> {
//! let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?.replay_guard(10_000);
//! let delivery = verifier.verify(headers, body)?;
//! match &*delivery {
//!     Event::ConnectionCreated(event) => println!("new connection: {:?}", event.data),
//!     other => println!("{}", other.event_type()),
//! }
//! // Handled: the same message is refused from now on.
//! delivery.commit();
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime};

use http::HeaderMap;

pub use super::requests::Event;
use onlyfans_clients_core::webhooks::{
    DEFAULT_MAX_BODY_BYTES, DEFAULT_TOLERANCE, ReplayGuard, ReplayStore, ReplayStoreFailure,
    SharedReplay, SigningKey, WebhookError, check_size, message_keys, ofauth_header, svix,
    unix_seconds,
};
pub use onlyfans_clients_core::webhooks::{Delivery, SharedDelivery};

/// Verifies OFAuth webhook requests and decodes their events. Cheap to
/// clone; clones share the replay guard.
#[derive(Debug, Clone)]
pub struct Verifier {
    /// The Svix key, when the secret is one (`whsec_` + base64, or base64).
    svix: Option<SigningKey>,
    /// The keys the `OFAuth-Signature` scheme may use.
    header: SigningKey,
    tolerance: Duration,
    replay: Option<ReplayGuard>,
    max_body_bytes: usize,
}

impl Verifier {
    /// A verifier for the endpoint's signing secret (`whsec_…`). A secret
    /// that says it is a Svix secret but is not (`whsec_` and no base64) is
    /// refused here, not at the first request.
    pub fn new(secret: impl AsRef<str>) -> Result<Verifier, WebhookError> {
        let secret = secret.as_ref();
        let svix = match SigningKey::svix(secret) {
            Ok(key) => Some(key),
            Err(error) if secret.starts_with("whsec_") || secret.is_empty() => return Err(error),
            Err(_) => None,
        };
        Ok(Verifier {
            svix,
            header: SigningKey::svix_or_raw(secret)?,
            tolerance: DEFAULT_TOLERANCE,
            replay: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })
    }

    /// How far a signed timestamp may be from now, in either direction
    /// (default 5 minutes, as the vendor's SDKs).
    pub fn tolerance(mut self, tolerance: Duration) -> Verifier {
        self.tolerance = tolerance;
        self
    }

    /// Refuses a message handled before, or being handled now
    /// ([`WebhookError::Replayed`]): the keys of the last handled messages
    /// within the tolerance window (at most `capacity` keys) are remembered,
    /// shared by every clone. A message counts as handled once its
    /// [`Delivery`] is committed.
    ///
    /// A message is known by its Svix id and by what each of its signatures
    /// signs (its timestamp and body), all claimed together: the same
    /// message sent again with both signatures, with either one stripped, or
    /// re-signed later under its Svix id, is the same message. Messages with
    /// Svix ids of their own are never taken for each other; one signed
    /// only by `OFAuth-Signature` is taken for any with the same body
    /// signed in the same second.
    pub fn replay_guard(mut self, capacity: usize) -> Verifier {
        self.replay = Some(ReplayGuard::new(capacity));
        self
    }

    /// The largest body accepted (default
    /// [`DEFAULT_MAX_BODY_BYTES`],
    /// 1 MiB); a larger one is refused before any signature is computed.
    pub fn max_body_bytes(mut self, limit: usize) -> Verifier {
        self.max_body_bytes = limit;
        self
    }

    /// Verifies a request (its headers and raw body, exactly as received)
    /// against the current time, and decodes its event. Commit the delivery
    /// once handled (see [`Delivery`]).
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery<Event>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`verify`](Self::verify) as if the time were `now` (for tests).
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Delivery<Event>, WebhookError> {
        let now = unix_seconds(now);
        let (event, message) = self.check(headers, body, now)?;
        let receipt = match (&self.replay, message) {
            (Some(guard), Some(message)) => {
                let window = i64::try_from(self.tolerance.as_secs()).unwrap_or(i64::MAX);
                let expired_before = now.saturating_sub(window);
                let (keys, id) = (&message.keys, &message.id);
                match guard.claim(keys, id, message.timestamp, expired_before) {
                    Ok(receipt) => Some(receipt),
                    Err(taken) => return Err(taken.refusal(message.shown_id)),
                }
            }
            _ => None,
        };
        Ok(Delivery::new(event, receipt))
    }

    /// Shares replay protection with every receiver using `store` (Redis:
    /// [`RedisReplayStore`](onlyfans_clients_core::webhooks::RedisReplayStore),
    /// feature `redis`): a message handled by any of them is refused by all,
    /// and one whose handling failed is accepted by any of them when the
    /// sender delivers it again. Verifying then asks the store, so it is
    /// async: see [`SharedVerifier`]. Replaces
    /// [`replay_guard`](Self::replay_guard); messages are known by the same
    /// keys.
    ///
    /// Every key is scoped by this endpoint's signing secret (a keyed hash
    /// of it, never the secret): endpoints with other secrets sharing the
    /// store and its prefix never refuse each other's messages, whatever ids
    /// their senders reuse.
    pub fn replay_store(self, store: impl ReplayStore) -> SharedVerifier {
        let scope = self.header.scope();
        SharedVerifier {
            verifier: Verifier {
                replay: None,
                ..self
            },
            replay: SharedReplay::new(store, scope),
        }
    }

    /// Verifies the signatures the request carries and decodes the event;
    /// the message to claim, when a scheme names one.
    fn check(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
    ) -> Result<(Event, Option<Message>), WebhookError> {
        check_size(body, self.max_body_bytes)?;
        let svix_signed = svix::present(headers);
        let header_signed = ofauth_header::present(headers);
        if !svix_signed && !header_signed {
            return Err(WebhookError::MissingHeader {
                header: svix::SIGNATURE[0],
            });
        }
        let mut by_svix = None;
        if svix_signed {
            let key = self.svix.as_ref().ok_or(WebhookError::InvalidSecret {
                reason: "is not a Svix secret (`whsec_` and base64), which `svix-signature` needs",
            })?;
            by_svix = Some(svix::verify(key, headers, body, now, self.tolerance)?);
        }
        let mut by_header = None;
        if header_signed {
            by_header = Some(ofauth_header::verify(
                &self.header,
                headers,
                body,
                now,
                self.tolerance,
            )?);
        }
        let event = Event::decode(body)?;
        let verified = [&by_svix, &by_header];
        let timestamps = verified
            .iter()
            .filter_map(|v| v.as_ref().map(|v| v.timestamp));
        let id = by_svix.as_ref().and_then(|v| v.id.as_deref());
        let message = timestamps.clone().max().map(|timestamp| Message {
            keys: message_keys(id, timestamps, body),
            id: id.unwrap_or_default().to_owned(),
            timestamp,
            shown_id: match id {
                Some(id) => id.to_owned(),
                None => format!("OFAuth-Signature of t={timestamp}"),
            },
        });
        Ok((event, message))
    }
}

/// A verified message's replay keys (every identity its request carries:
/// see [`message_keys`]), its latest signed time, and what a refusal shows
/// of it.
struct Message {
    keys: Vec<String>,
    /// The Svix id; empty without one.
    id: String,
    timestamp: i64,
    shown_id: String,
}

/// A [`Verifier`] whose replay protection is shared by a fleet of receivers
/// through a [`ReplayStore`] (see [`Verifier::replay_store`]). Cheap to
/// clone.
///
/// ```no_run
/// use onlyfans_clients::ofauth::webhooks::{SharedVerifier, Verifier};
/// use onlyfans_clients::webhooks::{RedisReplayStore, ReplayStoreFailure, WebhookError};
///
/// # async fn setup() -> Result<SharedVerifier, Box<dyn std::error::Error>> {
/// let store = RedisReplayStore::connect("redis://127.0.0.1:6379").await?;
/// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
///     .replay_store(store)
///     .on_store_failure(ReplayStoreFailure::Refuse);
/// # Ok(verifier) }
/// # async fn receive(verifier: &SharedVerifier, headers: &http::HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
/// let delivery = verifier.verify(headers, body).await?;
/// println!("{}", delivery.event_type());
/// // Handled: every receiver refuses this message from now on.
/// delivery.commit().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SharedVerifier {
    verifier: Verifier,
    replay: SharedReplay,
}

impl SharedVerifier {
    /// What to do when the store fails: refuse the message (the default) or
    /// accept it unrecorded and log (see [`ReplayStoreFailure`]).
    pub fn on_store_failure(mut self, policy: ReplayStoreFailure) -> SharedVerifier {
        self.replay = self.replay.on_failure(policy);
        self
    }

    /// Longest a message stays claimed while it is handled (default
    /// [`DEFAULT_HOLD`](onlyfans_clients_core::webhooks::DEFAULT_HOLD), a
    /// minute; at least a second): should this receiver die meanwhile, the
    /// sender's redelivery is accepted once it runs out. Keep it above your
    /// longest handling.
    pub fn in_flight_hold(mut self, hold: Duration) -> SharedVerifier {
        self.replay = self.replay.hold(hold);
        self
    }

    /// Verifies a request (its headers and raw body, exactly as received)
    /// against the current time, decodes its event and claims its message
    /// in the store. Commit the delivery once handled (see
    /// [`SharedDelivery`]).
    pub async fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<SharedDelivery<Event>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now()).await
    }

    /// [`verify`](Self::verify) as if the time were `now` (for tests).
    pub async fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<SharedDelivery<Event>, WebhookError> {
        let now = unix_seconds(now);
        let (event, message) = self.verifier.check(headers, body, now)?;
        let receipt = match message {
            Some(message) => {
                self.replay
                    .claim(
                        &message.keys,
                        &message.id,
                        message.timestamp,
                        now,
                        self.verifier.tolerance,
                        message.shown_id,
                    )
                    .await?
            }
            None => None,
        };
        Ok(SharedDelivery::new(event, receipt))
    }
}
