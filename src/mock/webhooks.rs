//! Signing webhook events the way each vendor does, to test a receiver
//! offline: the headers to send with a body, ready for any HTTP client.

use http::{HeaderMap, HeaderValue};

use crate::webhooks::{SigningKey, WebhookError, hex_body_signature, ofauth_header, svix};

/// The headers OFAuth sends with an event (the Svix scheme of its SDKs):
/// `svix-id`, `svix-timestamp` (unix seconds) and `svix-signature`.
///
/// ```
/// use onlyfans_clients::mock::sign_ofauth_event;
///
/// let body = br#"{"eventType":"connection.created","live":false,"data":{}}"#;
/// let headers = sign_ofauth_event("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1_700_000_000, body).unwrap();
/// assert!(headers["svix-signature"].to_str().unwrap().starts_with("v1,"));
/// ```
pub fn sign_ofauth_event(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<HeaderMap, WebhookError> {
    let key = SigningKey::svix(secret)?;
    let signature = svix::sign(&key, id, timestamp, body);
    headers([
        (svix::ID[0], id.to_owned()),
        (svix::TIMESTAMP[0], timestamp.to_string()),
        (svix::SIGNATURE[0], signature),
    ])
}

/// The `OFAuth-Signature: t=<timestamp>,v1=<hex>` header of OFAuth's
/// documented scheme, keyed as [`sign_ofauth_event`] is.
pub fn sign_ofauth_header_event(
    secret: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<HeaderMap, WebhookError> {
    let key = SigningKey::svix(secret)?;
    headers([(
        ofauth_header::NAME,
        ofauth_header::sign(&key, timestamp, body),
    )])
}

/// The `Signature` header OnlyFansAPI sends for a webhook created with
/// `secret` as its `signing_secret`.
pub fn sign_onlyfansapi_event(secret: &str, body: &[u8]) -> Result<HeaderMap, WebhookError> {
    let key = SigningKey::raw(secret)?;
    headers([(
        hex_body_signature::NAME,
        hex_body_signature::sign(&key, body),
    )])
}

fn headers<const N: usize>(pairs: [(&'static str, String); N]) -> Result<HeaderMap, WebhookError> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let value = HeaderValue::from_str(&value).map_err(|_| WebhookError::MalformedHeader {
            header: name,
            reason: "cannot be sent (a message id with control characters?)",
        })?;
        map.insert(name, value);
    }
    Ok(map)
}
