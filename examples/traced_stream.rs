//! The spans of a streamed list, as a `tracing` subscriber prints them.
//!
//! `cargo run --example traced_stream`
//!
//! Streams OFAuth chats from the crate's embedded mock (no API key needed),
//! three pages of fifteen, inside a span of the application's own. Every page
//! request is an `onlyfans.request` span inside the stream's
//! `onlyfans.stream` span, inside the application's span, the pages fetched
//! ahead in background tasks too; each carries the OpenTelemetry HTTP
//! fields (`http.request.method`, `url.template`,
//! `http.response.status_code`, `http.request.resend_count`, `error.type`)
//! and ends with a `call completed` event. A request hook adds a header to
//! every request from inside its span (where an OpenTelemetry propagator
//! would write `traceparent`).

use futures::TryStreamExt;
use onlyfans_clients::mock::MockServer;
use onlyfans_clients::ofauth;
use onlyfans_clients::transport::OutgoingRequest;
use tracing::Instrument;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What an application sets up once: its subscriber, here printing every
    // span as it closes (with its fields), the crate's debug events and the
    // application's own; not the HTTP stack's.
    let print = tracing_subscriber::fmt::layer()
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .without_time()
        .with_ansi(false);
    let only = Targets::new()
        .with_target("onlyfans_clients_core", tracing::Level::DEBUG)
        .with_target("traced_stream", tracing::Level::INFO);
    tracing_subscriber::registry()
        .with(print.with_filter(only))
        .init();

    let mock = MockServer::start().await?;
    let client = mock
        .ofauth()
        .on_request(
            |request: &OutgoingRequest<'_>, headers: &mut http::HeaderMap| {
                // A propagator would inject `traceparent` for the current span here.
                let value = format!("{}:{}", request.operation, request.attempt);
                if let Ok(value) = http::HeaderValue::from_str(&value) {
                    headers.insert("x-trace-demo", value);
                }
            },
        )
        .build()?;
    let chats = sync_inbox(&client)
        .instrument(tracing::info_span!("sync_inbox", agency = "demo"))
        .await?;
    println!("{} chats", chats.len());
    Ok(())
}

/// The application's work: a stream of every chat, three pages.
async fn sync_inbox(client: &ofauth::Client) -> Result<Vec<ofauth::Chat>, onlyfans_clients::Error> {
    client
        .messages()
        .list_chats()
        .limit(15)
        .stream()
        .try_collect()
        .await
}
