//! A webhook receiver for both APIs: one route each, every request verified
//! before anything else, `204` at once for a verified event (the vendors
//! retry what is not answered with 2xx within 10 s, so slow work belongs in a
//! queue), `{"error", "code"}` with the status `WebhookError::status_code`
//! gives for a refused one (`401` for a bad signature, `200` for a message
//! handled before, so the sender stops retrying it), and the typed event
//! logged.
//!
//! ```sh
//! OFAUTH_WEBHOOK_SECRET=whsec_… ONLYFANSAPI_WEBHOOK_SECRET=… cargo run --example webhook_receiver
//! ```
//!
//! Without both secrets it refuses to start. To try it with requests signed
//! by `onlyfans_clients::mock::sign_ofauth_event` (and kin) under the
//! published demo secrets, say it is a demo, on a loopback address only:
//!
//! ```sh
//! WEBHOOK_DEMO=1 cargo run --example webhook_receiver
//! ```

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use onlyfans_clients::webhooks::WebhookError;
use onlyfans_clients::{ofauth, onlyfansapi};

/// The demo secrets used when none is configured.
pub const DEMO_OFAUTH_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const DEMO_ONLYFANSAPI_SECRET: &str = "demo signing secret";

struct Verifiers {
    ofauth: ofauth::webhooks::Verifier,
    onlyfansapi: onlyfansapi::webhooks::Verifier,
}

/// The receiver: `POST /webhooks/ofauth` and `POST /webhooks/onlyfansapi`.
pub fn app(ofauth_secret: &str, onlyfansapi_secret: &str) -> Result<Router, WebhookError> {
    let verifiers = Arc::new(Verifiers {
        // Remember recent deliveries: OFAuth retries with the same id.
        ofauth: ofauth::webhooks::Verifier::new(ofauth_secret)?.replay_guard(10_000),
        onlyfansapi: onlyfansapi::webhooks::Verifier::new(onlyfansapi_secret)?,
    });
    Ok(Router::new()
        .route("/webhooks/ofauth", post(ofauth_event))
        .route("/webhooks/onlyfansapi", post(onlyfansapi_event))
        .with_state(verifiers))
}

async fn ofauth_event(
    State(verifiers): State<Arc<Verifiers>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match verifiers.ofauth.verify(&headers, &body) {
        Ok(delivery) => {
            match &*delivery {
                ofauth::webhooks::Event::ConnectionExpired(expired) => {
                    eprintln!("ofauth: connection expired: {:?}", expired.data)
                }
                other => eprintln!("ofauth: {}", other.event_type()),
            }
            // Handled: only now is the message remembered. Had the handler
            // failed (an early return drops the delivery), OFAuth's retry of
            // the same message would be accepted.
            delivery.commit();
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => refused("ofauth", &error),
    }
}

async fn onlyfansapi_event(
    State(verifiers): State<Arc<Verifiers>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match verifiers.onlyfansapi.verify(&headers, &body) {
        Ok(event) => {
            match &event {
                onlyfansapi::webhooks::Event::MessagesReceived(received) => eprintln!(
                    "onlyfansapi: message {:?} for {:?}",
                    received.payload.as_ref().map(|message| message.id),
                    received.account_id
                ),
                other => eprintln!("onlyfansapi: {}", other.event_type()),
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => refused("onlyfansapi", &error),
    }
}

/// What was wrong, with the status it deserves (never a secret:
/// `WebhookError` holds none).
fn refused(api: &str, error: &WebhookError) -> Response {
    eprintln!("{api}: refused: {error}");
    let body = serde_json::json!({ "error": error.to_string(), "code": error.code() });
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::UNAUTHORIZED);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// What the receiver serves with.
#[derive(Debug, PartialEq, Eq)]
pub struct Settings {
    pub ofauth_secret: String,
    pub onlyfansapi_secret: String,
    pub address: String,
}

/// The settings from the environment (`var` reads a variable): both secrets
/// (`OFAUTH_WEBHOOK_SECRET`, `ONLYFANSAPI_WEBHOOK_SECRET`) and the address
/// (`WEBHOOK_ADDRESS`, default `127.0.0.1:3000`). The demo secrets are
/// published, so anyone can sign events with them: they are used (for a
/// secret not given) only when `WEBHOOK_DEMO=1` says this is a demo and the
/// address is loopback, and refused as configured secrets otherwise. Any
/// other case is an error naming what is missing, never a secret.
pub fn settings(var: impl Fn(&str) -> Option<String>) -> Result<Settings, String> {
    let address = var("WEBHOOK_ADDRESS").unwrap_or_else(|| "127.0.0.1:3000".into());
    let demo = var("WEBHOOK_DEMO").as_deref() == Some("1");
    let loopback = is_loopback(&address);
    if demo && !loopback {
        return Err(format!(
            "WEBHOOK_DEMO=1 uses the published demo secrets: only on a loopback address, not `{address}`"
        ));
    }
    let secret = |name: &str, demo_secret: &str| match var(name).filter(|s| !s.is_empty()) {
        Some(secret) if secret == demo_secret && !demo => Err(format!(
            "{name} is the published demo secret: anyone can sign events with it"
        )),
        Some(secret) => Ok(secret),
        None if demo => Ok(demo_secret.to_owned()),
        None => Err(format!(
            "{name} is not set (to try the receiver with the demo secrets on loopback: WEBHOOK_DEMO=1)"
        )),
    };
    Ok(Settings {
        ofauth_secret: secret("OFAUTH_WEBHOOK_SECRET", DEMO_OFAUTH_SECRET)?,
        onlyfansapi_secret: secret("ONLYFANSAPI_WEBHOOK_SECRET", DEMO_ONLYFANSAPI_SECRET)?,
        address,
    })
}

/// Whether `address` (`host:port`) is on this machine only.
fn is_loopback(address: &str) -> bool {
    match address.parse::<std::net::SocketAddr>() {
        Ok(socket) => socket.ip().is_loopback(),
        Err(_) => address
            .rsplit_once(':')
            .is_some_and(|(host, _)| host.eq_ignore_ascii_case("localhost")),
    }
}

#[allow(dead_code)] // Not called where a test includes this file for `app`.
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = settings(|name| std::env::var(name).ok())?;
    let listener = tokio::net::TcpListener::bind(&settings.address).await?;
    eprintln!(
        "listening on http://{}/webhooks/{{ofauth,onlyfansapi}}",
        settings.address
    );
    let app = app(&settings.ofauth_secret, &settings.onlyfansapi_secret)?;
    axum::serve(listener, app).await?;
    Ok(())
}
