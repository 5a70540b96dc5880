//! Receiving webhooks: both APIs' signatures verified (published vectors,
//! the mock kit's signer, every refusal with its exact error) and events
//! decoded into the generated types.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use onlyfans_clients::mock::{sign_ofauth_event, sign_ofauth_header_event, sign_onlyfansapi_event};
use onlyfans_clients::webhooks::WebhookError;
use onlyfans_clients::{ofauth, onlyfansapi};

/// The Standard Webhooks / Svix reference vector (published in the Standard
/// Webhooks specification and the svix libraries' tests).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const VECTOR_TIMESTAMP: u64 = 1_614_265_330;
const VECTOR_BODY: &[u8] = br#"{"test": 2432232314}"#;
const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const NOW: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn created_body() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "eventType": "connection.created",
        "live": true,
        "data": {
            "connection": {"id": "conn_1", "platformUserId": "42", "status": "active",
                           "userData": {"username": "anna"}, "permissions": ["messages"]},
            "clientReferenceId": "ref-7"
        }
    }))
    .unwrap()
}

fn verifier() -> ofauth::webhooks::Verifier {
    ofauth::webhooks::Verifier::new(SECRET).unwrap()
}

#[test]
fn the_published_vector_verifies_and_its_body_is_not_an_event() {
    let mut headers = HeaderMap::new();
    headers.insert("svix-id", HeaderValue::from_static(VECTOR_ID));
    headers.insert("svix-timestamp", HeaderValue::from_static("1614265330"));
    headers.insert("svix-signature", HeaderValue::from_static(VECTOR_SIGNATURE));
    // The signature passes; the vector's body names no event.
    match verifier().verify_at(&headers, VECTOR_BODY, at(VECTOR_TIMESTAMP)) {
        Err(WebhookError::InvalidPayload { reason }) => {
            assert!(reason.contains("no event name"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let mut flipped = VECTOR_BODY.to_vec();
    flipped[2] ^= 0x20;
    assert_eq!(
        verifier().verify_at(&headers, &flipped, at(VECTOR_TIMESTAMP)),
        Err(WebhookError::SignatureMismatch {
            header: "svix-signature"
        })
    );
}

#[test]
fn a_signed_ofauth_event_decodes_into_its_generated_type() {
    let body = created_body();
    let headers = sign_ofauth_event(SECRET, "msg_1", NOW as i64, &body).unwrap();
    let event = verifier()
        .verify_at(&headers, &body, at(NOW))
        .unwrap()
        .commit();
    assert_eq!(event.event_type(), "connection.created");
    let ofauth::webhooks::Event::ConnectionCreated(created) = event else {
        panic!("{event:?}")
    };
    assert_eq!(created.live, Some(true));
    let data = created.data.unwrap();
    assert_eq!(data.client_reference_id.as_deref(), Some("ref-7"));
    assert_eq!(data.connection.unwrap().id.as_deref(), Some("conn_1"));

    // The documented header scheme alone, and both schemes together.
    let by_header = sign_ofauth_header_event(SECRET, NOW as i64, &body).unwrap();
    assert!(verifier().verify_at(&by_header, &body, at(NOW)).is_ok());
    let mut both = headers.clone();
    both.extend(by_header.clone());
    assert!(verifier().verify_at(&both, &body, at(NOW)).is_ok());
    // Both present means both must pass.
    let mut one_wrong = headers.clone();
    one_wrong.insert(
        "ofauth-signature",
        HeaderValue::from_str(&format!("t={NOW},v1={}", "0".repeat(64))).unwrap(),
    );
    assert_eq!(
        verifier().verify_at(&one_wrong, &body, at(NOW)),
        Err(WebhookError::SignatureMismatch {
            header: "ofauth-signature"
        })
    );
}

#[test]
fn unknown_events_verify_as_unknown() {
    // An event the spec does not describe (the docs list it; no shape yet).
    let body =
        br#"{"type":"realtime.stories.updated","timestamp":"2026-01-01T00:00:00Z","data":{"x":1}}"#;
    let headers = sign_ofauth_event(SECRET, "msg_2", NOW as i64, body).unwrap();
    match verifier()
        .verify_at(&headers, body, at(NOW))
        .unwrap()
        .commit()
    {
        ofauth::webhooks::Event::Unknown { event_type, data } => {
            assert_eq!(event_type, "realtime.stories.updated");
            assert_eq!(data["data"]["x"], 1);
        }
        other => panic!("{other:?}"),
    }
}

/// The events only the vendors' docs describe (overlay) decode into their
/// own types, and a chat message in an event is the very `Message` type the
/// chat endpoints return.
#[test]
fn documented_events_decode_into_the_operations_types() {
    let body = br#"{"type":"realtime.chat_message.received","timestamp":"2026-04-23T14:30:15.143Z","data":{"connection":{"id":"conn_1","clientReferenceId":"ref_1"},"environment":"live","eventBody":{"id":1002003004005,"text":"<p>Hi</p>","price":0,"isFree":true,"fromUser":{"id":123456789,"name":"Fan","username":"fan"},"media":[],"previews":[]}}}"#;
    let headers = sign_ofauth_header_event(SECRET, NOW as i64, body).unwrap();
    let event = verifier()
        .verify_at(&headers, body, at(NOW))
        .unwrap()
        .commit();
    assert_eq!(event.event_type(), "realtime.chat_message.received");
    let ofauth::webhooks::Event::RealtimeChatMessageReceived(received) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        received.type_.as_deref(),
        Some("realtime.chat_message.received")
    );
    assert_eq!(
        received.timestamp.as_deref(),
        Some("2026-04-23T14:30:15.143Z")
    );
    let data = received.data.unwrap();
    assert_eq!(
        data.connection.unwrap().client_reference_id.as_deref(),
        Some("ref_1")
    );
    let environment = data.environment.unwrap();
    assert_eq!(
        environment,
        ofauth::types::Environment::Live,
        "a documented value is known"
    );
    assert!(environment == *"live");
    let message: ofauth::Message = *data.event_body.unwrap();
    assert_eq!(message.id, 1_002_003_004_005);
    assert_eq!(message.text.as_deref(), Some("<p>Hi</p>"));

    // `connection.disconnected` in the docs' envelope; typing's body is kept whole.
    let body = br#"{"type":"connection.disconnected","timestamp":"2026-04-23T14:30:15Z","data":{"clientReferenceId":"ref_1","connection":{"id":"conn_1","status":"disconnected"}}}"#;
    let headers = sign_ofauth_event(SECRET, "msg_d", NOW as i64, body).unwrap();
    let event = verifier()
        .verify_at(&headers, body, at(NOW))
        .unwrap()
        .commit();
    assert!(
        matches!(&event, ofauth::webhooks::Event::ConnectionDisconnected(d)
            if d.data.as_ref().and_then(|d| d.client_reference_id.as_deref()) == Some("ref_1")),
        "{event:?}"
    );
    let body = br#"{"type":"realtime.chat_typing.updated","data":{"connection":{"id":"c"},"environment":"test","eventBody":{"typing":{"id":42}}}}"#;
    let headers = sign_ofauth_event(SECRET, "msg_t", NOW as i64, body).unwrap();
    let event = verifier()
        .verify_at(&headers, body, at(NOW))
        .unwrap()
        .commit();
    let ofauth::webhooks::Event::RealtimeChatTypingUpdated(typing) = event else {
        panic!("{event:?}")
    };
    assert_eq!(typing.data.unwrap().event_body["typing"]["id"], 42);

    // OnlyFansAPI: a received message is the chat endpoints' `Message`; the
    // account events share one state type.
    let verifier = onlyfansapi::webhooks::Verifier::unsigned();
    let body = br#"{"event":"messages.received","account_id":"acct_1","payload":{"id":5,"text":"hello","fromUser":{"id":77},"isFree":true,"price":0}}"#;
    let onlyfansapi::webhooks::Event::MessagesReceived(received) =
        verifier.verify(&HeaderMap::new(), body).unwrap()
    else {
        panic!()
    };
    assert_eq!(received.account_id.as_deref(), Some("acct_1"));
    let message: onlyfansapi::Message = received.payload.unwrap();
    assert_eq!((message.id, message.text.as_deref()), (5, Some("hello")));
    let body = br#"{"event":"accounts.session_expired","account_id":"acct_123","payload":{"state":"authenticated","progress":"started","latestAuthAttempt":{"started_at":"2025-05-13T20:26:56.000000Z","completed_at":null,"success":false,"error_message":null,"needs_otp":false,"needs_face_otp":false,"otp_phone_ending":null}}}"#;
    let onlyfansapi::webhooks::Event::AccountsSessionExpired(expired) =
        verifier.verify(&HeaderMap::new(), body).unwrap()
    else {
        panic!()
    };
    let attempt = expired.payload.unwrap().latest_auth_attempt.unwrap();
    assert_eq!(
        (attempt.success, attempt.needs_otp),
        (Some(false), Some(false))
    );
    // A PPV unlock's payload is not documented: every field is kept.
    let body = br#"{"event":"messages.ppv.unlocked","account_id":"a","payload":{"type":"paided_message","user":{"id":3}}}"#;
    let onlyfansapi::webhooks::Event::MessagesPpvUnlocked(unlocked) =
        verifier.verify(&HeaderMap::new(), body).unwrap()
    else {
        panic!()
    };
    assert_eq!(unlocked.payload["user"]["id"], 3);
}

#[test]
fn every_refusal_is_its_own_error() {
    let body = created_body();
    let headers = sign_ofauth_event(SECRET, "msg_1", NOW as i64, &body).unwrap();
    let v = verifier();
    assert!(v.verify_at(&headers, &body, at(NOW + 300)).is_ok());
    assert!(matches!(
        v.verify_at(&headers, &body, at(NOW + 301)),
        Err(WebhookError::TimestampTooOld { .. })
    ));
    assert!(matches!(
        v.verify_at(&headers, &body, at(NOW - 301)),
        Err(WebhookError::TimestampTooNew { .. })
    ));
    assert!(
        v.clone()
            .tolerance(Duration::from_secs(600))
            .verify_at(&headers, &body, at(NOW + 301))
            .is_ok()
    );
    let other = ofauth::webhooks::Verifier::new("whsec_c2VjcmV0").unwrap();
    assert!(matches!(
        other.verify_at(&headers, &body, at(NOW)),
        Err(WebhookError::SignatureMismatch { .. })
    ));
    let mut v2_only = headers.clone();
    let signature = headers["svix-signature"]
        .to_str()
        .unwrap()
        .replace("v1,", "v2,");
    v2_only.insert("svix-signature", HeaderValue::from_str(&signature).unwrap());
    assert_eq!(
        v.verify_at(&v2_only, &body, at(NOW)),
        Err(WebhookError::NoSupportedSignature {
            header: "svix-signature"
        })
    );
    let mut empty = headers.clone();
    empty.insert("svix-signature", HeaderValue::from_static(""));
    assert_eq!(
        v.verify_at(&empty, &body, at(NOW)),
        Err(WebhookError::MissingHeader {
            header: "svix-signature"
        })
    );
    assert_eq!(
        v.verify_at(&HeaderMap::new(), &body, at(NOW)),
        Err(WebhookError::MissingHeader {
            header: "svix-signature"
        })
    );
    // Sixteen entries, the last one valid (a rotation list), pass; one more
    // is refused before any is decoded.
    let mut many: Vec<String> = (0..15)
        .map(|i| format!("v1,{}", "A".repeat(43 + i % 2)))
        .collect();
    many.push(headers["svix-signature"].to_str().unwrap().to_owned());
    let mut rotated = headers.clone();
    rotated.insert(
        "svix-signature",
        HeaderValue::from_str(&many.join(" ")).unwrap(),
    );
    assert!(v.verify_at(&rotated, &body, at(NOW)).is_ok());
    many.insert(0, "v1,AAAA".to_owned());
    rotated.insert(
        "svix-signature",
        HeaderValue::from_str(&many.join(" ")).unwrap(),
    );
    assert!(matches!(
        v.verify_at(&rotated, &body, at(NOW)),
        Err(WebhookError::MalformedHeader {
            header: "svix-signature",
            ..
        })
    ));
    // A body over the limit is refused before any HMAC is computed over it.
    let huge = vec![b' '; onlyfans_clients::webhooks::DEFAULT_MAX_BODY_BYTES + 1];
    assert_eq!(
        v.verify_at(&headers, &huge, at(NOW)),
        Err(WebhookError::BodyTooLarge {
            limit: onlyfans_clients::webhooks::DEFAULT_MAX_BODY_BYTES
        })
    );
    // A megabyte of non-UTF-8 bytes: the signature passes, the body is no event.
    let big: Vec<u8> = (0..1_000_000u32).map(|i| 0x80 | (i % 97) as u8).collect();
    let signed = sign_ofauth_event(SECRET, "msg_big", NOW as i64, &big).unwrap();
    assert!(matches!(
        v.verify_at(&signed, &big, at(NOW)),
        Err(WebhookError::InvalidPayload { .. })
    ));
    // A secret that says it is a Svix secret but is not one.
    assert!(matches!(
        ofauth::webhooks::Verifier::new("whsec_not base64!"),
        Err(WebhookError::InvalidSecret { .. })
    ));
    assert!(matches!(
        ofauth::webhooks::Verifier::new(""),
        Err(WebhookError::InvalidSecret { .. })
    ));
}

/// At least once: a delivery whose handling failed (dropped uncommitted) is
/// accepted when the sender retries it; one being handled refuses a
/// concurrent duplicate; a committed one is refused however its signature
/// is spelled.
#[test]
fn a_redelivery_after_a_failed_handler_is_accepted_and_a_replay_is_not() {
    let body = created_body();
    let headers = sign_ofauth_event(SECRET, "msg_retry", NOW as i64, &body).unwrap();
    let v = verifier().replay_guard(100);
    let first = v.verify_at(&headers, &body, at(NOW)).unwrap();
    let during = v.verify_at(&headers, &body, at(NOW)).unwrap_err();
    assert!(
        matches!(during, WebhookError::Replayed { handled: false, .. }),
        "{during}"
    );
    assert_eq!(during.status_code(), 409, "retried later, in case it fails");
    drop(first); // the handler failed: no commit
    let retried = v.verify_at(&headers, &body, at(NOW + 30)).unwrap();
    retried.commit();
    let after = v.verify_at(&headers, &body, at(NOW + 60)).unwrap_err();
    assert!(
        matches!(after, WebhookError::Replayed { handled: true, .. }),
        "{after}"
    );
    assert_eq!(after.status_code(), 200, "acknowledged, not handled again");

    // `OFAuth-Signature`: the same tag in upper-case hex, or in base64, is
    // the same message.
    // (Signed a second later: with the same body and second it would be
    // the Svix message above, stripped of its id.)
    let signed = sign_ofauth_header_event(SECRET, NOW as i64 + 1, &body).unwrap();
    let value = signed["ofauth-signature"].to_str().unwrap().to_owned();
    v.verify_at(&signed, &body, at(NOW)).unwrap().commit();
    let (prefix, hex) = value.split_once("v1=").unwrap();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    use base64::Engine as _;
    for spelling in [
        hex.to_ascii_uppercase(),
        base64::engine::general_purpose::STANDARD.encode(&bytes),
    ] {
        let mut respelled = signed.clone();
        respelled.insert(
            "ofauth-signature",
            HeaderValue::from_str(&format!("{prefix}v1={spelling}")).unwrap(),
        );
        assert!(
            matches!(
                v.verify_at(&respelled, &body, at(NOW)),
                Err(WebhookError::Replayed { .. })
            ),
            "{spelling}"
        );
    }
}

#[test]
fn the_replay_guard_refuses_a_second_delivery_across_clones() {
    let body = created_body();
    let headers = sign_ofauth_event(SECRET, "msg_once", NOW as i64, &body).unwrap();
    let v = verifier().replay_guard(100);
    let clone = v.clone();
    v.verify_at(&headers, &body, at(NOW)).unwrap().commit();
    assert_eq!(
        clone.verify_at(&headers, &body, at(NOW + 1)),
        Err(WebhookError::Replayed {
            id: "msg_once".into(),
            handled: true,
        })
    );
    // Without a guard, the same delivery verifies again (as the SDKs do).
    assert!(verifier().verify_at(&headers, &body, at(NOW + 1)).is_ok());
    // The header scheme is guarded by its signature.
    let by_header = sign_ofauth_header_event(SECRET, NOW as i64 + 1, &body).unwrap();
    v.verify_at(&by_header, &body, at(NOW)).unwrap().commit();
    assert!(matches!(
        v.verify_at(&by_header, &body, at(NOW)),
        Err(WebhookError::Replayed { .. })
    ));
}

#[test]
fn errors_and_verifiers_never_show_the_secret_or_a_signature() {
    let body = created_body();
    let headers = sign_ofauth_event(SECRET, "msg_1", NOW as i64, &body).unwrap();
    let signature = headers["svix-signature"].to_str().unwrap().to_owned();
    let secret_part = SECRET.trim_start_matches("whsec_");
    let shown = format!(
        "{:?} {:?} {:?}",
        verifier(),
        onlyfansapi::webhooks::Verifier::new("hunter2").unwrap(),
        [
            verifier().verify_at(&headers, b"{}", at(NOW)),
            verifier().verify_at(&headers, &body, at(NOW + 999)),
        ]
    );
    for error in [
        WebhookError::SignatureMismatch {
            header: "svix-signature",
        },
        WebhookError::Replayed {
            id: "msg_1".into(),
            handled: false,
        },
    ] {
        assert!(!error.to_string().contains(secret_part));
        assert!(!error.code().is_empty());
    }
    assert!(!shown.contains(secret_part), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!shown.contains(&signature[3..]), "{shown}");
}

#[test]
fn onlyfansapi_events_verify_by_the_hex_signature_of_the_body() {
    let body = br#"{"event":"messages.received","account_id":"acct_1","payload":{"id":5}}"#;
    let headers = sign_onlyfansapi_event("s3cret", body).unwrap();
    let verifier = onlyfansapi::webhooks::Verifier::new("s3cret").unwrap();
    let event = verifier.verify(&headers, body).unwrap();
    assert_eq!(event.event_type(), "messages.received");
    assert!(matches!(
        verifier.verify(&headers, br#"{"event":"messages.sent"}"#),
        Err(WebhookError::SignatureMismatch {
            header: "signature"
        })
    ));
    assert_eq!(
        verifier.verify(&HeaderMap::new(), body),
        Err(WebhookError::MissingHeader {
            header: "signature"
        })
    );
    // Without a secret nothing is verified, only decoded.
    let unsigned = onlyfansapi::webhooks::Verifier::unsigned();
    assert_eq!(
        unsigned
            .verify(&HeaderMap::new(), body)
            .unwrap()
            .event_type(),
        "messages.received"
    );
    assert!(matches!(
        onlyfansapi::webhooks::Verifier::new(""),
        Err(WebhookError::InvalidSecret { .. })
    ));
}

/// The example receiver, end to end over loopback HTTP.
#[path = "../examples/webhook_receiver.rs"]
mod receiver;

#[tokio::test]
async fn the_example_receiver_answers_204_or_the_reason_with_its_status() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = receiver::app(
        receiver::DEMO_OFAUTH_SECRET,
        receiver::DEMO_ONLYFANSAPI_SECRET,
    )
    .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    // The crate's own client setup (rustls with ring).
    let client = onlyfans_clients::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    let body = created_body();
    let headers = sign_ofauth_event(receiver::DEMO_OFAUTH_SECRET, "msg_e2e", now, &body).unwrap();
    let post = |path: &str, headers: HeaderMap, body: Vec<u8>| {
        client
            .post(format!("{base}{path}"))
            .headers(headers)
            .body(body)
            .send()
    };
    let response = post("/webhooks/ofauth", headers.clone(), body.clone())
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    // The same delivery again is a duplicate: acknowledged, not handled.
    let response = post("/webhooks/ofauth", headers, body.clone())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["code"], "REPLAYED");
    // A body changed on the way.
    let headers = sign_ofauth_event(receiver::DEMO_OFAUTH_SECRET, "msg_e2e_2", now, &body).unwrap();
    let response = post("/webhooks/ofauth", headers, b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["code"], "SIGNATURE_MISMATCH");
    assert!(!answer.to_string().contains("MfKQ9r8G"), "{answer}");

    let body =
        br#"{"event":"messages.received","account_id":"acct_1","payload":{"id":9}}"#.to_vec();
    let headers = sign_onlyfansapi_event(receiver::DEMO_ONLYFANSAPI_SECRET, &body).unwrap();
    let response = post("/webhooks/onlyfansapi", headers, body.clone())
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = post("/webhooks/onlyfansapi", HeaderMap::new(), body)
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(answer["code"], "MISSING_HEADERS");
}

/// Vectors signed by a second, independent implementation (Python's standard
/// library; `tests/data/webhooks/make_vectors.py`, which says how to
/// regenerate them) verify, and a changed body does not.
#[test]
fn vectors_from_an_independent_implementation_verify() {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("data/webhooks/vectors.json")).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 12);
    // What each body is to each API: OFAuth names its events in
    // `eventType`/`type`, OnlyFansAPI in `event`.
    let ofauth_events = [
        Some("connection.created"),
        Some("rules.updated"),
        Some("realtime.chat_message.received"),
        None,
    ];
    let onlyfansapi_events = [None, None, None, Some("messages.received")];
    for (n, vector) in vectors.iter().enumerate() {
        let mut headers = HeaderMap::new();
        for (name, value) in vector["headers"].as_object().unwrap() {
            headers.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
            );
        }
        let secret = vector["secret"].as_str().unwrap();
        let body = vector["body"].as_str().unwrap().as_bytes();
        let now = at(vector["timestamp"].as_u64().unwrap());
        let verify = |body: &[u8]| -> Result<String, WebhookError> {
            match vector["scheme"].as_str().unwrap() {
                "hex" => onlyfansapi::webhooks::Verifier::new(secret)
                    .unwrap()
                    .verify(&headers, body)
                    .map(|e| e.event_type().to_owned()),
                _ => ofauth::webhooks::Verifier::new(secret)
                    .unwrap()
                    .verify_at(&headers, body, now)
                    .map(|e| e.event_type().to_owned()),
            }
        };
        // The signature passes; a body of the other API's envelope names
        // no event this API knows where to find.
        let expected = match vector["scheme"].as_str().unwrap() {
            "hex" => onlyfansapi_events[n / 3],
            _ => ofauth_events[n / 3],
        };
        match (verify(body), expected) {
            (Ok(event_type), Some(expected)) => assert_eq!(event_type, expected),
            (Err(WebhookError::InvalidPayload { .. }), None) => {}
            (other, _) => panic!("{vector}: {other:?}"),
        }
        let mut changed = body.to_vec();
        changed[1] ^= 0x01;
        assert!(
            matches!(
                verify(&changed),
                Err(WebhookError::SignatureMismatch { .. })
            ),
            "{vector}"
        );
    }
}

/// Every event of both APIs travels: an example body of its schema decodes
/// (by `Event::decode`, as a serde `Deserialize`, and from a parsed value)
/// to the same event, which serialized (JSON, or any serde format) and read
/// back is that event again, with its name on the wire.
#[test]
fn every_event_travels_through_serde_and_decodes_again() {
    use onlyfans_codegen::apis::{OFAUTH, ONLYFANSAPI};
    fn travels<E>(
        api: &str,
        name: &str,
        body: &[u8],
        decode: fn(&[u8]) -> E,
        type_of: fn(&E) -> &str,
    ) where
        E: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let event = decode(body);
        assert_eq!(
            type_of(&event),
            name,
            "{api}: {}",
            String::from_utf8_lossy(body)
        );
        let deserialized: E = serde_json::from_slice(body).unwrap();
        assert_eq!(deserialized, event, "{api} {name}: Deserialize is decode");
        let written = serde_json::to_vec(&event).unwrap();
        assert_eq!(
            decode(&written),
            event,
            "{api} {name}: {}",
            String::from_utf8_lossy(&written)
        );
        let read_back: E = serde_json::from_slice(&written).unwrap();
        assert_eq!(read_back, event, "{api} {name}");
    }
    let mut seen = 0;
    for (api, field) in [(OFAUTH, "eventType"), (ONLYFANSAPI, "event")] {
        let normalized = onlyfans_codegen::prepare(api, crate::support::repo_root()).unwrap();
        let spec = &normalized.spec;
        let events = onlyfans_codegen::normalize::webhooks::events(spec);
        assert!(!events.is_empty(), "{}", api.name);
        for (name, component) in events {
            let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{component}") });
            let mut body = onlyfans_codegen::examples::synthesize(spec, &schema);
            body[field] = serde_json::Value::from(name.as_str());
            let body = serde_json::to_vec(&body).unwrap();
            if api.name == OFAUTH.name {
                travels(
                    api.name,
                    &name,
                    &body,
                    |b| ofauth::webhooks::Event::decode(b).unwrap(),
                    |e| e.event_type(),
                );
            } else {
                travels(
                    api.name,
                    &name,
                    &body,
                    |b| onlyfansapi::webhooks::Event::decode(b).unwrap(),
                    |e| e.event_type(),
                );
            }
            seen += 1;
        }
    }
    assert!(seen > 10, "{seen}");
    // An event this version does not know travels whole.
    let body = br#"{"eventType":"payouts.sent","data":{"amount":"12.50"}}"#;
    travels(
        "ofauth",
        "payouts.sent",
        body,
        |b| ofauth::webhooks::Event::decode(b).unwrap(),
        |e| e.event_type(),
    );
    // Not an event: the reason, never a panic.
    let error = ofauth::webhooks::Event::decode(br#"{"data":{}}"#).unwrap_err();
    assert_eq!(error.code(), "INVALID_JSON");
    assert!(serde_json::from_str::<ofauth::webhooks::Event>("[1]").is_err());
}

/// A delivery signed both ways (Svix headers and `OFAuth-Signature`) and
/// handled is refused however it comes again: with both signatures, with
/// either one alone, and re-signed later by the sender (a redelivery keeps
/// its Svix id); one only claimed is in flight by either signature. The
/// same the other way round: handled by its `OFAuth-Signature`, it is
/// refused with both.
#[test]
fn a_replay_is_a_replay_whichever_signature_it_carries() {
    let body = created_body();
    let svix_only = sign_ofauth_event(SECRET, "msg_both", NOW as i64, &body).unwrap();
    let header_only = sign_ofauth_header_event(SECRET, NOW as i64, &body).unwrap();
    let mut both = svix_only.clone();
    both.extend(header_only.clone());
    let v = verifier().replay_guard(100);

    let first = v.verify_at(&both, &body, at(NOW)).unwrap();
    for replay in [&svix_only, &header_only, &both] {
        assert!(
            matches!(
                v.verify_at(replay, &body, at(NOW)),
                Err(WebhookError::Replayed { handled: false, .. })
            ),
            "in flight"
        );
    }
    first.commit();
    let mut resigned = sign_ofauth_event(SECRET, "msg_both", NOW as i64 + 40, &body).unwrap();
    resigned.extend(sign_ofauth_header_event(SECRET, NOW as i64 + 40, &body).unwrap());
    for replay in [&svix_only, &header_only, &both, &resigned] {
        assert!(
            matches!(
                v.verify_at(replay, &body, at(NOW + 50)),
                Err(WebhookError::Replayed { handled: true, .. })
            ),
            "handled"
        );
    }

    // Handled by its header alone first, then sent with both.
    let later = NOW as i64 + 100;
    let header_only = sign_ofauth_header_event(SECRET, later, &body).unwrap();
    let mut both = sign_ofauth_event(SECRET, "msg_other", later, &body).unwrap();
    both.extend(header_only.clone());
    v.verify_at(&header_only, &body, at(NOW + 100))
        .unwrap()
        .commit();
    assert!(matches!(
        v.verify_at(&both, &body, at(NOW + 100)),
        Err(WebhookError::Replayed { handled: true, .. })
    ));
    // Found handled, all its keys were recorded: its Svix id alone too.
    let svix_only = sign_ofauth_event(SECRET, "msg_other", later, &body).unwrap();
    assert!(matches!(
        v.verify_at(&svix_only, &body, at(NOW + 100)),
        Err(WebhookError::Replayed { handled: true, .. })
    ));
    // A message with another body, or signed in another second, is another.
    let changed = String::from_utf8(body.clone())
        .unwrap()
        .replace("conn_1", "conn_2")
        .into_bytes();
    for (id, t, other) in [("msg_3", later, changed), ("msg_4", later + 1, body)] {
        let mut both = sign_ofauth_event(SECRET, id, t, &other).unwrap();
        both.extend(sign_ofauth_header_event(SECRET, t, &other).unwrap());
        let accepted = v.verify_at(&both, &other, at(NOW + 100));
        assert!(accepted.is_ok(), "{id}: {accepted:?}");
    }
}

/// Issue 39, 8: the example receiver does not start with the published demo
/// secrets unless told it is a demo, and then only on loopback; a secret
/// configured as the demo one is refused too. Errors name the variable,
/// never a secret.
/// The environment `pairs` describe, for `receiver::settings`.
fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn the_example_receiver_refuses_to_start_without_secrets() {
    let refused = |pairs: &[(&str, &str)], says: &str| {
        let error = receiver::settings(env(pairs)).unwrap_err();
        assert!(error.contains(says), "{pairs:?}: {error}");
        assert!(
            !error.contains("MfKQ9r8G") && !error.contains("real-"),
            "{error}"
        );
    };
    refused(&[], "OFAUTH_WEBHOOK_SECRET is not set");
    refused(
        &[("OFAUTH_WEBHOOK_SECRET", "whsec_cmVhbA==")],
        "ONLYFANSAPI_WEBHOOK_SECRET is not set",
    );
    refused(
        &[
            ("OFAUTH_WEBHOOK_SECRET", ""),
            ("ONLYFANSAPI_WEBHOOK_SECRET", "real-1"),
        ],
        "OFAUTH_WEBHOOK_SECRET is not set",
    );
    for address in [
        "0.0.0.0:3000",
        "[::]:80",
        "10.0.0.5:3000",
        "example.com:3000",
        "localhost.example.com:1",
    ] {
        refused(
            &[("WEBHOOK_DEMO", "1"), ("WEBHOOK_ADDRESS", address)],
            "only on a loopback address",
        );
    }
    refused(
        &[
            ("OFAUTH_WEBHOOK_SECRET", SECRET),
            ("ONLYFANSAPI_WEBHOOK_SECRET", "real-2"),
            ("WEBHOOK_ADDRESS", "127.0.0.1:3000"),
        ],
        "OFAUTH_WEBHOOK_SECRET is the published demo secret",
    );
    refused(&[("WEBHOOK_DEMO", "yes")], "is not set");

    // A demo on loopback: the demo secrets, or those given.
    for address in ["127.0.0.1:3000", "[::1]:3000", "localhost:8080"] {
        let pairs = [("WEBHOOK_DEMO", "1"), ("WEBHOOK_ADDRESS", address)];
        let settings = receiver::settings(env(&pairs)).unwrap();
        assert_eq!(settings.ofauth_secret, receiver::DEMO_OFAUTH_SECRET);
        assert_eq!(settings.address, address);
    }
    let configured = receiver::settings(env(&[
        ("OFAUTH_WEBHOOK_SECRET", "whsec_cmVhbA=="),
        ("ONLYFANSAPI_WEBHOOK_SECRET", "real-3"),
        ("WEBHOOK_ADDRESS", "0.0.0.0:8080"),
    ]))
    .unwrap();
    assert_eq!(
        configured,
        receiver::Settings {
            ofauth_secret: "whsec_cmVhbA==".into(),
            onlyfansapi_secret: "real-3".into(),
            address: "0.0.0.0:8080".into(),
        }
    );
}
