//! What operators see: spans that follow a call into a stream's prefetch
//! tasks, OpenTelemetry HTTP field names, a completion event per call, and
//! the request hook that adds headers (trace context) without credentials.

use futures::TryStreamExt;
use tracing::Instrument;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;
use onlyfans_clients::transport::OutgoingRequest;
use onlyfans_clients::{ofauth, onlyfansapi};

const CHATS: &str = "/v2/access/chats";

/// The lines of the request spans' closing, each with its span's fields.
fn closed_requests(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("onlyfans.request{") && l.contains(" close time.busy"))
        .collect()
}

/// `line` has every one of `fields`.
fn assert_has(line: &str, fields: &[&str]) {
    for field in fields {
        assert!(line.contains(field), "{field}: {line}");
    }
}

/// Every span as it closes (with its fields) and every event, into logs of
/// this test's own (for the current thread: the tests run on a
/// current-thread runtime, so the prefetch tasks print here too).
fn span_logs() -> (CapturedLogs, tracing::subscriber::DefaultGuard) {
    // A callsite first reached while no dispatcher wants it (a test of
    // another thread, with no subscriber, sending the same operation) caches
    // `Interest::never` until the next dispatcher registers: with the global
    // capture installed, some dispatcher always wants every callsite.
    global_logs();
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// Three pages of a stream polled inside the application's span: every page
/// request (the two prefetched in spawned tasks too) is a child of the
/// stream's span, itself a child of the application's, with the
/// OpenTelemetry fields and a completion event.
#[tokio::test]
async fn a_streamed_list_keeps_its_spans_across_prefetch_tasks() {
    let (logs, _guard) = span_logs();
    let server = MockServer::start().await;
    // Pages at offsets 2 and 4, and the first (no offset) for the rest.
    for offset in [2u64, 4] {
        Mock::given(path(CHATS))
            .and(query_param("offset", offset.to_string()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(ofauth_offset_page(offset, 2, 6)),
            )
            .mount(&server)
            .await;
    }
    Mock::given(path(CHATS))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_offset_page(0, 2, 6)))
        .mount(&server)
        .await;
    let client = ofauth_client(&server.uri());
    let chats: Vec<ofauth::Chat> = async {
        client
            .messages()
            .list_chats()
            .limit(2)
            .stream()
            .try_collect()
            .await
    }
    .instrument(tracing::info_span!("sync_inbox"))
    .await
    .unwrap();
    assert_eq!(chats.len(), 6);
    let text = logs.text();
    let closed = closed_requests(&text);
    assert_eq!(closed.len(), 3, "{text}");
    for line in &closed {
        assert!(
            line.contains("sync_inbox:onlyfans.stream{onlyfans.operation=\"chats_list\""),
            "{line}"
        );
        assert_has(
            line,
            &[
                "otel.name=GET /v2/access/chats",
                "otel.kind=\"client\"",
                "http.request.method=GET",
                "url.template=\"/v2/access/chats\"",
                "server.address=127.0.0.1",
                "onlyfans.api=\"ofauth\"",
                "http.response.status_code=200",
            ],
        );
    }
    assert_eq!(text.matches("call completed").count(), 3, "{text}");
    assert!(
        text.contains("stream completed onlyfans.stream.pages=3 onlyfans.stream.items=6"),
        "{text}"
    );
}

/// A retried call says how often it was sent again, and a failed one its
/// `error.type` (the status, or the class of transport failure).
#[tokio::test]
async fn retries_and_failures_carry_resend_count_and_error_type() {
    let (logs, _guard) = span_logs();
    let server = chats_server(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(ofauth_page(0..1, false, None)),
        ResponseTemplate::new(404),
    ])
    .await;
    let client = ofauth_client(&server.uri());
    client.messages().list_chats().send().await.unwrap();
    client.messages().list_chats().send().await.unwrap_err();
    let text = logs.text();
    let closed = closed_requests(&text);
    assert_eq!(closed.len(), 2, "{text}");
    assert_has(
        closed[0],
        &[
            "http.request.resend_count=1",
            "http.response.status_code=200",
        ],
    );
    assert!(!closed[0].contains("error.type"), "{}", closed[0]);
    assert!(closed[1].contains("error.type=404"), "{}", closed[1]);
    assert!(!closed[1].contains("resend_count"), "{}", closed[1]);

    // Nothing listens: the class of failure, never its text.
    let (logs, _guard) = span_logs();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    unreachable
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap_err();
    assert!(
        logs.text().contains("error.type=\"connect\""),
        "{}",
        logs.text()
    );
}

/// OnlyFansAPI's spans carry the credits and headroom its `_meta` reports;
/// a call refused before sending says why.
#[tokio::test]
async fn onlyfansapi_spans_carry_credits_and_headroom() {
    let (logs, _guard) = span_logs();
    let server = MockServer::start().await;
    Mock::given(path("/api/whoami"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[1], None)))
        .mount(&server)
        .await;
    let client = onlyfansapi::Client::builder()
        .api_key(ONLYFANSAPI_KEY)
        .base_url(server.uri())
        .rate_limit(onlyfans_clients::RateLimit::per_minute(1_000))
        .credits_floor(300_000)
        .build()
        .unwrap();
    client.whoami().get().send().await.unwrap();
    let error = client.whoami().get().send().await.unwrap_err();
    assert!(
        matches!(error, onlyfans_clients::Error::CreditsFloor { .. }),
        "{error}"
    );
    let text = logs.text();
    let closed = closed_requests(&text);
    assert_eq!(closed.len(), 2, "{text}");
    assert_has(
        closed[0],
        &[
            "onlyfans.api=\"onlyfansapi\"",
            "onlyfans.credits.balance=224891",
            "onlyfans.rate_limit.remaining=999",
        ],
    );
    assert_has(closed[1], &["error.type=\"credits_floor\""]);
}

/// The hook adds headers to every attempt from inside the call's span; it
/// cannot replace a credential or set framing, and never sees either.
#[tokio::test]
async fn the_request_hook_adds_headers_but_never_credentials() {
    let (logs, _guard) = span_logs();
    let server = chats_server(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(ofauth_page(0..1, false, None)),
    ])
    .await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .retry_policy(quick_retries())
        .on_request(
            |request: &OutgoingRequest<'_>, headers: &mut http::HeaderMap| {
                let current = tracing::Span::current()
                    .metadata()
                    .map(|m| m.name())
                    .unwrap_or("none");
                let trace = format!(
                    "{}/{}/{}/{}/{}",
                    request.api, request.operation, request.url_template, request.attempt, current
                );
                headers.insert("traceparent", trace.parse().unwrap());
                headers.insert("apikey", "hook-key".parse().unwrap());
                headers.insert("authorization", "Bearer hook".parse().unwrap());
                headers.insert("host", "elsewhere.example".parse().unwrap());
            },
        )
        .build()
        .unwrap();
    client.messages().list_chats().send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for (attempt, request) in received.iter().enumerate() {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header("traceparent").as_deref(),
            Some(
                format!(
                    "ofauth/chats_list//v2/access/chats/{}/onlyfans.request",
                    attempt + 1
                )
                .as_str()
            )
        );
        assert_eq!(header("apikey").as_deref(), Some(OFAUTH_KEY));
        assert_eq!(header("authorization"), None);
        assert!(header("host").unwrap().starts_with("127.0.0.1"));
    }
    let text = logs.text();
    assert_eq!(
        text.matches("a header carrying credentials or framing is not added")
            .count(),
        1,
        "{text}"
    );
    assert!(
        !text.contains(OFAUTH_KEY) && !text.contains("hook-key"),
        "{text}"
    );
}
