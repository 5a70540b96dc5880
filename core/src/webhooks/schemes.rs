//! The three signature schemes: each verifies a request's headers and raw
//! body, and signs one (for tests and the `mock` kit). HMAC-SHA256 is
//! *ring*'s (already the TLS provider), whose `verify` compares in constant
//! time.

use std::time::Duration;

use http::HeaderMap;
use ring::hmac;

use super::WebhookError;
#[cfg(any(test, feature = "mock"))]
use super::encoding::base64_encode;
use super::encoding::{base64_decode, hex_decode, hex_encode};

/// The keys a secret may stand for. A Svix-style secret (`whsec_` + base64)
/// is the base64-decoded bytes; OFAuth's header scheme is not documented as
/// precisely, so its verifier also tries the secret's own bytes.
#[derive(Clone)]
pub struct SigningKey {
    keys: Vec<hmac::Key>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

impl SigningKey {
    /// The Svix key: `whsec_` (optional) stripped, the rest base64-decoded,
    /// as every Svix and Standard Webhooks library does.
    pub fn svix(secret: &str) -> Result<SigningKey, WebhookError> {
        Ok(SigningKey {
            keys: vec![svix_key(secret)?],
        })
    }

    /// The Svix key and, second, the secret's UTF-8 bytes.
    pub fn svix_or_raw(secret: &str) -> Result<SigningKey, WebhookError> {
        let mut keys = Vec::new();
        if let Ok(key) = svix_key(secret) {
            keys.push(key);
        }
        if secret.is_empty() {
            return Err(WebhookError::InvalidSecret { reason: "is empty" });
        }
        keys.push(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()));
        Ok(SigningKey { keys })
    }

    /// The secret's UTF-8 bytes (OnlyFansAPI).
    pub fn raw(secret: &str) -> Result<SigningKey, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::InvalidSecret { reason: "is empty" });
        }
        Ok(SigningKey {
            keys: vec![hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())],
        })
    }

    /// The HMAC of `message` under each key: computed once per request,
    /// whatever number of signature entries it carries.
    fn tags(&self, message: &[u8]) -> Vec<hmac::Tag> {
        self.keys
            .iter()
            .map(|key| hmac::sign(key, message))
            .collect()
    }

    /// Whether `tag` is the HMAC of `message` under any of the keys
    /// (constant-time).
    fn verifies(&self, message: &[u8], tag: &[u8]) -> bool {
        matches_any(&self.tags(message), tag)
    }

    /// What names the endpoint this key verifies, in a store shared with
    /// others: 16 bytes of the HMAC of a fixed label under the first key,
    /// in hex. Two secrets never share a scope, and the scope tells nothing
    /// of the secret.
    pub fn scope(&self) -> String {
        let tag = self
            .keys
            .first()
            .map(|key| hmac::sign(key, b"onlyfans-clients webhook replay scope"));
        let bytes = tag.as_ref().map_or(&[][..], |tag| &tag.as_ref()[..16]);
        hex_encode(bytes)
    }

    /// The HMAC of `message` under the first key.
    #[cfg(any(test, feature = "mock"))]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.keys
            .first()
            .map(|key| hmac::sign(key, message).as_ref().to_vec())
            .unwrap_or_default()
    }
}

fn svix_key(secret: &str) -> Result<hmac::Key, WebhookError> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    if encoded.is_empty() {
        return Err(WebhookError::InvalidSecret { reason: "is empty" });
    }
    let bytes = base64_decode(encoded).ok_or(WebhookError::InvalidSecret {
        reason: "is not base64 after the optional `whsec_` prefix",
    })?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, &bytes))
}

/// Whether `candidate` equals one of `tags`, each compared in constant time
/// (every byte looked at, whatever differs first).
fn matches_any(tags: &[hmac::Tag], candidate: &[u8]) -> bool {
    tags.iter().any(|tag| {
        let tag = tag.as_ref();
        let difference = tag
            .iter()
            .zip(candidate)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0 && tag.len() == candidate.len()
    })
}

/// Most signature entries one request may carry: a sender rotating secrets
/// sends two or three; more is refused as malformed, before any is decoded.
pub const MAX_SIGNATURES: usize = 16;

/// Refuses a signature header with more than [`MAX_SIGNATURES`] entries.
fn within_signature_cap(header: &'static str, entries: usize) -> Result<(), WebhookError> {
    if entries > MAX_SIGNATURES {
        return Err(WebhookError::MalformedHeader {
            header,
            reason: "has more signatures than a sender rotating secrets sends (16)",
        });
    }
    Ok(())
}

/// What a verified request says about itself, for the replay guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The message id, for schemes with one.
    pub id: Option<String>,
    /// Unix seconds of the signed timestamp.
    pub timestamp: i64,
}

/// One header by the first of `names` the request has (non-empty).
fn header<'a>(headers: &'a HeaderMap, names: &[&'static str]) -> Option<(&'static str, &'a str)> {
    names.iter().find_map(|name| {
        let value = headers.get(*name)?;
        let text = value.to_str().ok()?.trim();
        (!text.is_empty()).then_some((*name, text))
    })
}

fn required<'a>(
    headers: &'a HeaderMap,
    names: &[&'static str],
) -> Result<(&'static str, &'a str), WebhookError> {
    header(headers, names).ok_or(WebhookError::MissingHeader { header: names[0] })
}

/// A unix timestamp within `tolerance` of `now`, in either direction.
fn check_timestamp(
    name: &'static str,
    text: &str,
    now: i64,
    tolerance: Duration,
) -> Result<i64, WebhookError> {
    let timestamp: i64 = text.parse().map_err(|_| WebhookError::MalformedHeader {
        header: name,
        reason: "is not a unix timestamp in seconds",
    })?;
    let allowed = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    let age = now.saturating_sub(timestamp);
    if age > allowed {
        return Err(WebhookError::TimestampTooOld {
            age: Duration::from_secs(age.unsigned_abs()),
            tolerance,
        });
    }
    if age < -allowed {
        return Err(WebhookError::TimestampTooNew {
            ahead: Duration::from_secs(age.unsigned_abs()),
            tolerance,
        });
    }
    Ok(timestamp)
}

/// Header names of the Svix scheme, with the Standard Webhooks aliases.
pub mod svix {
    use super::*;

    pub const ID: [&str; 2] = ["svix-id", "webhook-id"];
    pub const TIMESTAMP: [&str; 2] = ["svix-timestamp", "webhook-timestamp"];
    pub const SIGNATURE: [&str; 2] = ["svix-signature", "webhook-signature"];

    /// Whether the request carries this scheme's signature header.
    pub fn present(headers: &HeaderMap) -> bool {
        SIGNATURE.iter().any(|name| headers.contains_key(*name))
    }

    /// Verifies `{id}.{timestamp}.{body}` against the `v1,` entries of the
    /// space-separated signature header: any one match passes (secret
    /// rotation).
    pub fn verify(
        key: &SigningKey,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
        tolerance: Duration,
    ) -> Result<Verified, WebhookError> {
        let (_, id) = required(headers, &ID)?;
        let (timestamp_name, timestamp_text) = required(headers, &TIMESTAMP)?;
        let (signature_name, signatures) = required(headers, &SIGNATURE)?;
        let timestamp = check_timestamp(timestamp_name, timestamp_text, now, tolerance)?;
        let mut signed = Vec::with_capacity(id.len() + timestamp_text.len() + body.len() + 2);
        signed.extend_from_slice(id.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(timestamp_text.as_bytes());
        signed.push(b'.');
        signed.extend_from_slice(body);
        let entries: Vec<&str> = signatures.split(' ').filter(|e| !e.is_empty()).collect();
        within_signature_cap(signature_name, entries.len())?;
        let tags = key.tags(&signed);
        let mut any_v1 = false;
        for entry in entries {
            let Some(("v1", encoded)) = entry.split_once(',') else {
                continue;
            };
            any_v1 = true;
            if base64_decode(encoded).is_some_and(|tag| matches_any(&tags, &tag)) {
                return Ok(Verified {
                    id: Some(id.to_owned()),
                    timestamp,
                });
            }
        }
        Err(if any_v1 {
            WebhookError::SignatureMismatch {
                header: signature_name,
            }
        } else {
            WebhookError::NoSupportedSignature {
                header: signature_name,
            }
        })
    }

    /// The `svix-signature` value for a message: `v1,<base64>`.
    #[cfg(any(test, feature = "mock"))]
    pub fn sign(key: &SigningKey, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut signed = format!("{id}.{timestamp}.").into_bytes();
        signed.extend_from_slice(body);
        format!("v1,{}", base64_encode(&key.sign(&signed)))
    }
}

/// OFAuth's documented header: `OFAuth-Signature: t=<unix seconds>,v1=<sig>`
/// over `{t}.{body}`. The docs do not say whether `v1` is hex or base64;
/// both are accepted (one constant-time comparison of the decoded bytes each).
pub mod ofauth_header {
    use super::*;

    pub const NAME: &str = "ofauth-signature";

    pub fn present(headers: &HeaderMap) -> bool {
        headers.contains_key(NAME)
    }

    pub fn verify(
        key: &SigningKey,
        headers: &HeaderMap,
        body: &[u8],
        now: i64,
        tolerance: Duration,
    ) -> Result<Verified, WebhookError> {
        let (_, value) = required(headers, &[NAME])?;
        let mut timestamp_text = None;
        let mut signatures = Vec::new();
        for part in value.split(',').map(str::trim) {
            match part.split_once('=') {
                Some(("t", t)) => timestamp_text = Some(t),
                Some(("v1", s)) => signatures.push(s),
                _ => {}
            }
        }
        let timestamp_text = timestamp_text.ok_or(WebhookError::MalformedHeader {
            header: NAME,
            reason: "has no `t=` timestamp",
        })?;
        let timestamp = check_timestamp(NAME, timestamp_text, now, tolerance)?;
        if signatures.is_empty() {
            return Err(WebhookError::NoSupportedSignature { header: NAME });
        }
        within_signature_cap(NAME, signatures.len())?;
        let mut signed = format!("{timestamp_text}.").into_bytes();
        signed.extend_from_slice(body);
        let tags = key.tags(&signed);
        for signature in signatures {
            let decoded = [hex_decode(signature), base64_decode(signature)];
            if decoded
                .into_iter()
                .flatten()
                .any(|tag| matches_any(&tags, &tag))
            {
                return Ok(Verified {
                    id: None,
                    timestamp,
                });
            }
        }
        Err(WebhookError::SignatureMismatch { header: NAME })
    }

    /// The header value for a message: `t=<timestamp>,v1=<hex>`.
    #[cfg(any(test, feature = "mock"))]
    pub fn sign(key: &SigningKey, timestamp: i64, body: &[u8]) -> String {
        let mut signed = format!("{timestamp}.").into_bytes();
        signed.extend_from_slice(body);
        format!("t={timestamp},v1={}", hex_encode(&key.sign(&signed)))
    }
}

/// OnlyFansAPI's `Signature` header: the hex HMAC-SHA256 of the raw body,
/// keyed with the secret's bytes. No timestamp and no id: a replayed request
/// cannot be told from the first by its signature.
pub mod hex_body_signature {
    use super::*;

    pub const NAME: &str = "signature";

    pub fn verify(key: &SigningKey, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
        let (_, value) = required(headers, &[NAME])?;
        let tag = hex_decode(value).ok_or(WebhookError::MalformedHeader {
            header: NAME,
            reason: "is not hex",
        })?;
        if key.verifies(body, &tag) {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch { header: NAME })
        }
    }

    #[cfg(any(test, feature = "mock"))]
    pub fn sign(key: &SigningKey, body: &[u8]) -> String {
        hex_encode(&key.sign(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    /// The Standard Webhooks / Svix reference vector: published in the
    /// Standard Webhooks specification's test data and the svix libraries'
    /// own tests (e.g. svix-webhooks, PHP `testSignFunctionWorks`).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    const TOLERANCE: Duration = Duration::from_secs(300);

    fn svix_headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("svix-id", id),
            ("svix-timestamp", timestamp),
            ("svix-signature", signature),
        ] {
            headers.insert(name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn verify_vector(headers: &HeaderMap, body: &[u8], now: i64) -> Result<Verified, WebhookError> {
        svix::verify(
            &SigningKey::svix(SECRET).unwrap(),
            headers,
            body,
            now,
            TOLERANCE,
        )
    }

    #[test]
    fn the_published_vector_signs_and_verifies() {
        let key = SigningKey::svix(SECRET).unwrap();
        assert_eq!(svix::sign(&key, ID, TIMESTAMP, BODY), SIGNATURE);
        let headers = svix_headers(ID, "1614265330", SIGNATURE);
        assert_eq!(
            verify_vector(&headers, BODY, TIMESTAMP),
            Ok(Verified {
                id: Some(ID.into()),
                timestamp: TIMESTAMP
            })
        );
        // The `whsec_` prefix is optional.
        let bare = SigningKey::svix(SECRET.trim_start_matches("whsec_")).unwrap();
        assert!(svix::verify(&bare, &headers, BODY, TIMESTAMP, TOLERANCE).is_ok());
    }

    #[test]
    fn every_refusal_says_why() {
        let ok = |now| verify_vector(&svix_headers(ID, "1614265330", SIGNATURE), BODY, now);
        assert!(ok(TIMESTAMP + 300).is_ok() && ok(TIMESTAMP - 300).is_ok());
        assert!(matches!(
            ok(TIMESTAMP + 301),
            Err(WebhookError::TimestampTooOld { age, .. }) if age.as_secs() == 301
        ));
        assert!(matches!(
            ok(TIMESTAMP - 301),
            Err(WebhookError::TimestampTooNew { ahead, .. }) if ahead.as_secs() == 301
        ));
        let mut flipped = BODY.to_vec();
        flipped[3] ^= 1;
        assert_eq!(
            verify_vector(
                &svix_headers(ID, "1614265330", SIGNATURE),
                &flipped,
                TIMESTAMP
            ),
            Err(WebhookError::SignatureMismatch {
                header: "svix-signature"
            })
        );
        assert_eq!(
            verify_vector(
                &svix_headers(
                    ID,
                    "1614265330",
                    "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
                ),
                BODY,
                TIMESTAMP
            ),
            Err(WebhookError::NoSupportedSignature {
                header: "svix-signature"
            })
        );
        assert_eq!(
            verify_vector(&svix_headers(ID, "soon", SIGNATURE), BODY, TIMESTAMP),
            Err(WebhookError::MalformedHeader {
                header: "svix-timestamp",
                reason: "is not a unix timestamp in seconds"
            })
        );
        let mut missing = svix_headers(ID, "1614265330", SIGNATURE);
        missing.remove("svix-id");
        assert_eq!(
            verify_vector(&missing, BODY, TIMESTAMP),
            Err(WebhookError::MissingHeader { header: "svix-id" })
        );
        assert_eq!(
            verify_vector(&svix_headers(ID, "1614265330", " "), BODY, TIMESTAMP),
            Err(WebhookError::MissingHeader {
                header: "svix-signature"
            }),
            "an empty header is a missing one"
        );
        let wrong = SigningKey::svix("whsec_c2VjcmV0").unwrap();
        assert!(matches!(
            svix::verify(
                &wrong,
                &svix_headers(ID, "1614265330", SIGNATURE),
                BODY,
                TIMESTAMP,
                TOLERANCE
            ),
            Err(WebhookError::SignatureMismatch { .. })
        ));
        assert!(matches!(
            SigningKey::svix("whsec_not base64!"),
            Err(WebhookError::InvalidSecret { .. })
        ));
        assert!(matches!(
            SigningKey::svix("whsec_"),
            Err(WebhookError::InvalidSecret { .. })
        ));
    }

    /// Every single-bit change of the body, the id, the timestamp or the
    /// signature is refused (exhaustively, for the reference vector; a
    /// change that makes a header value unsendable is skipped).
    #[test]
    fn any_single_bit_change_is_refused() {
        let fields = [
            BODY,
            ID.as_bytes(),
            b"1614265330".as_slice(),
            SIGNATURE.as_bytes(),
        ];
        for (field, original) in fields.iter().enumerate() {
            for byte in 0..original.len() {
                for bit in 0..8 {
                    let mut changed = original.to_vec();
                    changed[byte] ^= 1 << bit;
                    let mut parts: Vec<Vec<u8>> = fields.iter().map(|f| f.to_vec()).collect();
                    parts[field] = changed;
                    let values: Option<Vec<HeaderValue>> = parts[1..]
                        .iter()
                        .map(|p| HeaderValue::from_bytes(p).ok())
                        .collect();
                    let Some(values) = values else { continue };
                    let mut headers = HeaderMap::new();
                    for (name, value) in ["svix-id", "svix-timestamp", "svix-signature"]
                        .into_iter()
                        .zip(values)
                    {
                        headers.insert(name, value);
                    }
                    assert!(
                        verify_vector(&headers, &parts[0], TIMESTAMP).is_err(),
                        "field {field}, byte {byte}, bit {bit}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// Any message signed with any key verifies, and any single-bit
        /// change of its body, id, timestamp or signature is refused (a
        /// change that makes a header value unsendable is skipped).
        #[test]
        fn a_random_message_verifies_and_any_flipped_bit_is_refused(
            key in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..64),
            id in "[A-Za-z0-9_.-]{1,40}",
            timestamp in 0i64..4_000_000_000,
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
            field in 0usize..4,
            at in proptest::prelude::any::<proptest::sample::Index>(),
            bit in 0u8..8,
        ) {
            let secret = format!("whsec_{}", base64_encode(&key));
            let key = SigningKey::svix(&secret).unwrap();
            let signature = svix::sign(&key, &id, timestamp, &body);
            let mut parts = [body.clone(), id.into_bytes(), timestamp.to_string().into_bytes(), signature.into_bytes()];
            let headers_of = |parts: &[Vec<u8>; 4]| -> Option<HeaderMap> {
                let mut headers = HeaderMap::new();
                for (name, value) in ["svix-id", "svix-timestamp", "svix-signature"].into_iter().zip(&parts[1..]) {
                    headers.insert(name, HeaderValue::from_bytes(value).ok()?);
                }
                Some(headers)
            };
            let headers = headers_of(&parts).unwrap();
            proptest::prop_assert!(svix::verify(&key, &headers, &parts[0], timestamp, TOLERANCE).is_ok());
            proptest::prop_assume!(!parts[field].is_empty());
            let byte = at.index(parts[field].len());
            parts[field][byte] ^= 1 << bit;
            if let Some(headers) = headers_of(&parts) {
                proptest::prop_assert!(svix::verify(&key, &headers, &parts[0], timestamp, TOLERANCE).is_err());
            }
        }
    }

    #[test]
    fn any_of_many_entries_may_match_and_aliases_work() {
        let mut entries: Vec<String> = (0..MAX_SIGNATURES as u8 - 1)
            .map(|i| format!("v1,{}", base64_encode(&[i; 32])))
            .collect();
        entries.push(SIGNATURE.to_owned());
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", HeaderValue::from_static(ID));
        headers.insert("webhook-timestamp", HeaderValue::from_static("1614265330"));
        headers.insert(
            "webhook-signature",
            HeaderValue::from_str(&entries.join(" ")).unwrap(),
        );
        assert!(verify_vector(&headers, BODY, TIMESTAMP).is_ok());
        // Tens of thousands of entries are refused before any is decoded.
        let flood = vec!["v1,AAAA"; 50_000].join(" ");
        headers.insert("webhook-signature", HeaderValue::from_str(&flood).unwrap());
        assert!(matches!(
            verify_vector(&headers, BODY, TIMESTAMP),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn a_large_non_utf8_body_signs_and_verifies() {
        let key = SigningKey::svix(SECRET).unwrap();
        let body: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8 | 0x80).collect();
        let signature = svix::sign(&key, ID, TIMESTAMP, &body);
        let headers = svix_headers(ID, "1614265330", &signature);
        assert!(svix::verify(&key, &headers, &body, TIMESTAMP, TOLERANCE).is_ok());
    }

    #[test]
    fn the_ofauth_header_takes_hex_or_base64_under_either_key() {
        let body = br#"{"type":"connection.created"}"#;
        for key in [
            SigningKey::svix(SECRET).unwrap(),
            SigningKey::raw(SECRET).unwrap(),
        ] {
            let hex = ofauth_header::sign(&key, TIMESTAMP, body);
            let tag = key.sign(&[b"1614265330.".as_slice(), body].concat());
            let b64 = format!("t={TIMESTAMP},v1={}", base64_encode(&tag));
            let verifier = SigningKey::svix_or_raw(SECRET).unwrap();
            for value in [hex, b64] {
                let mut headers = HeaderMap::new();
                headers.insert(ofauth_header::NAME, HeaderValue::from_str(&value).unwrap());
                let verified =
                    ofauth_header::verify(&verifier, &headers, body, TIMESTAMP, TOLERANCE);
                assert!(verified.is_ok(), "{value}");
                assert!(matches!(
                    ofauth_header::verify(&verifier, &headers, b"{}", TIMESTAMP, TOLERANCE),
                    Err(WebhookError::SignatureMismatch { .. })
                ));
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(ofauth_header::NAME, HeaderValue::from_static("v1=abcd"));
        assert!(matches!(
            ofauth_header::verify(
                &SigningKey::raw("s").unwrap(),
                &headers,
                b"",
                TIMESTAMP,
                TOLERANCE
            ),
            Err(WebhookError::MalformedHeader { .. })
        ));
    }

    #[test]
    fn the_onlyfansapi_signature_is_hex_of_the_body() {
        let key = SigningKey::raw("s3cret").unwrap();
        let body = br#"{"event":"messages.received"}"#;
        let signature = hex_body_signature::sign(&key, body);
        assert_eq!(signature.len(), 64);
        let mut headers = HeaderMap::new();
        headers.insert("Signature", HeaderValue::from_str(&signature).unwrap());
        assert!(hex_body_signature::verify(&key, &headers, body).is_ok());
        headers.insert(
            "Signature",
            HeaderValue::from_str(&signature.to_uppercase()).unwrap(),
        );
        assert!(hex_body_signature::verify(&key, &headers, body).is_ok());
        assert!(matches!(
            hex_body_signature::verify(&key, &headers, b"{}"),
            Err(WebhookError::SignatureMismatch { .. })
        ));
        headers.insert("Signature", HeaderValue::from_static("xyz"));
        assert!(matches!(
            hex_body_signature::verify(&key, &headers, body),
            Err(WebhookError::MalformedHeader { .. })
        ));
        assert!(matches!(
            SigningKey::raw(""),
            Err(WebhookError::InvalidSecret { .. })
        ));
    }

    #[test]
    fn scopes_differ_by_secret_and_never_show_it() {
        let scope = SigningKey::svix(SECRET).unwrap().scope();
        assert_eq!(scope.len(), 32);
        assert_eq!(scope, SigningKey::svix_or_raw(SECRET).unwrap().scope());
        assert_ne!(scope, SigningKey::svix("whsec_c2VjcmV0").unwrap().scope());
        assert_ne!(scope, SigningKey::raw(SECRET).unwrap().scope());
        assert!(!scope.contains("MfKQ9r8G"));
    }

    #[test]
    fn keys_never_print() {
        let key = SigningKey::svix(SECRET).unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }
}
