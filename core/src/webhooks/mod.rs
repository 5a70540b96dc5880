//! Webhook signature schemes, shared by both APIs' receivers: the
//! Svix-compatible scheme (Standard Webhooks; OFAuth's SDKs), OFAuth's
//! documented `OFAuth-Signature` header, and OnlyFansAPI's hex HMAC of the
//! body. Each checks a request's headers and raw body and says exactly why
//! one is refused ([`WebhookError`]); none prints a secret or an expected
//! signature.
//!
//! The per-API modules turn a verified body into typed events.

#[doc(hidden)]
pub mod encoding;
mod replay;
mod schemes;

#[cfg(feature = "redis")]
pub use replay::RedisReplayStore;
pub use replay::{
    Claim, DEFAULT_HOLD, REPLAY_MARGIN, ReplayStore, ReplayStoreFailure, SharedDelivery, conflicts,
};
#[doc(hidden)]
pub use replay::{Receipt, ReplayGuard, SharedReceipt, SharedReplay, message_keys};
#[doc(hidden)]
pub use schemes::{SigningKey, hex_body_signature, ofauth_header, svix};

use std::fmt;
use std::time::Duration;

/// Why a webhook request was refused.
///
/// Never carries the secret, the expected signature or the body: what it says
/// can be logged and answered to the sender as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signing secret given to the verifier is not usable (empty, or
    /// `whsec_` followed by something that is not base64).
    InvalidSecret { reason: &'static str },
    /// A header the scheme needs is absent or empty.
    MissingHeader { header: &'static str },
    /// A header is present but not in the scheme's form.
    MalformedHeader {
        header: &'static str,
        reason: &'static str,
    },
    /// The timestamp is older than the tolerance allows.
    TimestampTooOld { age: Duration, tolerance: Duration },
    /// The timestamp is further in the future than the tolerance allows.
    TimestampTooNew {
        ahead: Duration,
        tolerance: Duration,
    },
    /// The signature header has no entry of a version this crate verifies
    /// (`v1`).
    NoSupportedSignature { header: &'static str },
    /// No signature matches the body: it was altered, signed with another
    /// secret, or not signed by the sender at all.
    SignatureMismatch { header: &'static str },
    /// This message (same id, or the same signature for schemes without ids)
    /// was handled before, within the tolerance window (`handled`), or is
    /// being handled now (a concurrent duplicate). See
    /// [`status_code`](WebhookError::status_code) for the answer each
    /// deserves.
    Replayed { id: String, handled: bool },
    /// The verified body is not the JSON shape of an event.
    InvalidPayload { reason: String },
    /// The body is larger than the verifier accepts (nothing was computed
    /// over it).
    BodyTooLarge { limit: usize },
    /// The shared replay store failed and the verifier refuses messages then
    /// ([`ReplayStoreFailure::Refuse`]): answer with a 5xx, and the sender
    /// delivers the message again later.
    ReplayStoreUnavailable { reason: String },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::InvalidSecret { reason } => write!(f, "webhook secret: {reason}"),
            WebhookError::MissingHeader { header } => write!(f, "missing header `{header}`"),
            WebhookError::MalformedHeader { header, reason } => {
                write!(f, "header `{header}`: {reason}")
            }
            WebhookError::TimestampTooOld { age, tolerance } => write!(
                f,
                "timestamp is {} s old, more than the {} s allowed",
                age.as_secs(),
                tolerance.as_secs()
            ),
            WebhookError::TimestampTooNew { ahead, tolerance } => write!(
                f,
                "timestamp is {} s in the future, more than the {} s allowed",
                ahead.as_secs(),
                tolerance.as_secs()
            ),
            WebhookError::NoSupportedSignature { header } => {
                write!(f, "header `{header}` has no `v1` signature")
            }
            WebhookError::SignatureMismatch { header } => {
                write!(f, "no signature in `{header}` matches the body")
            }
            WebhookError::Replayed { id, handled: true } => {
                write!(f, "message `{id}` was already handled")
            }
            WebhookError::Replayed { id, handled: false } => {
                write!(f, "message `{id}` is being handled now")
            }
            WebhookError::InvalidPayload { reason } => write!(f, "webhook body: {reason}"),
            WebhookError::BodyTooLarge { limit } => {
                write!(f, "webhook body is larger than the {limit} bytes accepted")
            }
            WebhookError::ReplayStoreUnavailable { reason } => {
                write!(
                    f,
                    "webhook replay store failed ({reason}); the message was not accepted"
                )
            }
        }
    }
}

impl std::error::Error for WebhookError {}

impl WebhookError {
    /// The HTTP status a receiver should answer a refused request with:
    ///
    /// - `200` for a message handled before: a redelivery (your earlier
    ///   answer was lost) is acknowledged, so the sender stops retrying it,
    ///   and a replay gets nothing but the same answer;
    /// - `409` for one being handled now: the sender retries it later, in
    ///   case that handling fails;
    /// - `503` when the replay store failed: delivered again later;
    /// - `413` for a body over the limit, `400` for a verified body that is
    ///   not an event, `500` for a secret the receiver cannot use (its own
    ///   configuration);
    /// - `401` for everything about the signature (missing, malformed, too
    ///   old or new, not matching).
    ///
    /// ```
    /// use onlyfans_clients::webhooks::WebhookError;
    ///
    /// let redelivered = WebhookError::Replayed { id: "msg_1".into(), handled: true };
    /// assert_eq!(redelivered.status_code(), 200);
    /// let forged = WebhookError::SignatureMismatch { header: "svix-signature" };
    /// assert_eq!(forged.status_code(), 401);
    /// ```
    pub fn status_code(&self) -> u16 {
        match self {
            WebhookError::Replayed { handled: true, .. } => 200,
            WebhookError::Replayed { handled: false, .. } => 409,
            WebhookError::ReplayStoreUnavailable { .. } => 503,
            WebhookError::BodyTooLarge { .. } => 413,
            WebhookError::InvalidPayload { .. } => 400,
            WebhookError::InvalidSecret { .. } => 500,
            WebhookError::MissingHeader { .. }
            | WebhookError::MalformedHeader { .. }
            | WebhookError::TimestampTooOld { .. }
            | WebhookError::TimestampTooNew { .. }
            | WebhookError::NoSupportedSignature { .. }
            | WebhookError::SignatureMismatch { .. } => 401,
        }
    }

    /// A short, stable code for the error (`SIGNATURE_MISMATCH`), as the
    /// vendors' SDKs name theirs: for a receiver's `{error, code}` answer.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::InvalidSecret { .. } => "INVALID_SECRET",
            WebhookError::MissingHeader { .. } => "MISSING_HEADERS",
            WebhookError::MalformedHeader { .. } => "INVALID_HEADER",
            WebhookError::TimestampTooOld { .. } => "TIMESTAMP_TOO_OLD",
            WebhookError::TimestampTooNew { .. } => "TIMESTAMP_TOO_NEW",
            WebhookError::NoSupportedSignature { .. } => "NO_VALID_SIGNATURES",
            WebhookError::SignatureMismatch { .. } => "SIGNATURE_MISMATCH",
            WebhookError::Replayed { .. } => "REPLAYED",
            WebhookError::InvalidPayload { .. } => "INVALID_JSON",
            WebhookError::BodyTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            WebhookError::ReplayStoreUnavailable { .. } => "REPLAY_STORE_UNAVAILABLE",
        }
    }
}

/// The vendors' default window for a signed timestamp, in both directions.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The largest webhook body a verifier accepts by default (1 MiB): events
/// are a few kilobytes; a larger body is refused before any signature is
/// computed over it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Refuses a body over `limit` bytes.
#[doc(hidden)]
pub fn check_size(body: &[u8], limit: usize) -> Result<(), WebhookError> {
    if body.len() > limit {
        return Err(WebhookError::BodyTooLarge { limit });
    }
    Ok(())
}

/// A verified webhook event, holding its message while you handle it.
///
/// Webhooks are delivered at least once: a sender retries a message its
/// receiver did not acknowledge, with the same id. With a replay guard, a
/// message is recorded only when you [`commit`](Delivery::commit) its
/// delivery, after handling it; until then the same message arriving again
/// (a concurrent duplicate) is refused as [`WebhookError::Replayed`], and if
/// the delivery is dropped uncommitted (your handler failed, you answered an
/// error) the sender's retry is accepted. Without a guard, `commit` only
/// hands the event back.
///
/// It dereferences to the event.
#[derive(Debug)]
#[must_use = "commit the delivery once handled: a replay guard records a message only then"]
pub struct Delivery<E> {
    event: E,
    receipt: Option<Receipt>,
}

impl<E> Delivery<E> {
    #[doc(hidden)]
    pub fn new(event: E, receipt: Option<Receipt>) -> Self {
        Self { event, receipt }
    }

    /// The event.
    pub fn event(&self) -> &E {
        &self.event
    }

    /// Records the message as handled (the same message is refused from now
    /// on) and returns the event.
    pub fn commit(self) -> E {
        if let Some(receipt) = self.receipt {
            receipt.commit();
        }
        self.event
    }

    /// Gives the message up unhandled (the sender's retry will be accepted)
    /// and returns the event: for a receiver that queues events elsewhere
    /// and acknowledges them itself.
    pub fn release(self) -> E {
        self.event
    }
}

/// Deliveries are equal when their events are.
impl<E: PartialEq> PartialEq for Delivery<E> {
    fn eq(&self, other: &Self) -> bool {
        self.event == other.event
    }
}

impl<E> std::ops::Deref for Delivery<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

/// A webhook body, parsed once, with its event name: the first of `fields`
/// it has as a string (OFAuth: `eventType`, then `type`; OnlyFansAPI:
/// `event`).
#[doc(hidden)]
pub fn parse_event(
    body: &[u8],
    fields: &[&str],
) -> Result<(String, serde_json::Value), WebhookError> {
    let envelope: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| WebhookError::InvalidPayload {
            reason: format!("not a JSON object: {e}"),
        })?;
    event_name(envelope, fields)
}

/// The event name of a parsed body (see [`parse_event`]).
#[doc(hidden)]
pub fn event_name(
    envelope: serde_json::Value,
    fields: &[&str],
) -> Result<(String, serde_json::Value), WebhookError> {
    let event_type = fields
        .iter()
        .find_map(|field| envelope.get(*field)?.as_str().map(str::to_owned))
        .ok_or_else(|| WebhookError::InvalidPayload {
            reason: format!("no event name (`{}`)", fields.join("` or `")),
        })?;
    Ok((event_type, envelope))
}

/// Writes a known event as its body: the payload's fields, with the event
/// name under `field` when the payload does not carry it, so that the
/// written body decodes to the same event.
#[doc(hidden)]
pub fn serialize_event<S: serde::Serializer, T: serde::Serialize>(
    serializer: S,
    field: &str,
    name: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    use serde::ser::Error;
    let mut body = serde_json::to_value(payload).map_err(S::Error::custom)?;
    if let Some(object) = body.as_object_mut() {
        let named = object.get(field).is_some_and(serde_json::Value::is_string);
        if !named {
            object.insert(field.to_owned(), serde_json::Value::from(name));
        }
    }
    body.serialize(serializer)
}

/// A known event's body in its generated type; a body that does not fit
/// names the JSON path.
#[doc(hidden)]
pub fn decode_event<T: serde::de::DeserializeOwned>(
    body: serde_json::Value,
) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(body).map_err(|e| WebhookError::InvalidPayload {
        reason: format!("`{}`: {}", e.path(), e.inner()),
    })
}

/// Unix seconds of `time` (negative before 1970).
#[doc(hidden)]
pub fn unix_seconds(time: std::time::SystemTime) -> i64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}
