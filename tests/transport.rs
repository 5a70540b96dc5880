//! Behaviour shared by both clients: retries, timeouts, error reporting,
//! secrets and tracing, against a real HTTP server on loopback.

use std::time::{Duration, Instant};

use crate::support::*;
use onlyfans_clients::{Error, RetryPolicy, ofauth, onlyfansapi};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CHATS: &str = "/v2/access/chats";

use crate::support::chats_server as server_with;

fn ok_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(ofauth_page(0..2, false, None))
}

#[tokio::test]
async fn retries_429_honouring_retry_after_then_succeeds() {
    let server = server_with(vec![
        ResponseTemplate::new(429)
            .insert_header("Retry-After", "1")
            .set_body_string("slow down"),
        ok_page(),
    ])
    .await;
    let started = Instant::now();
    let page = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    assert_eq!(page.list.len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn retries_each_retryable_status() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = server_with(vec![ResponseTemplate::new(status), ok_page()]).await;
        ofauth_client(&server.uri())
            .messages()
            .list_chats()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "status {status}"
        );
    }
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let server = server_with(vec![ResponseTemplate::new(status), ok_page()]).await;
        let error = ofauth_chats_error(&server.uri()).await;
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "status {status}"
        );
    }
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error_with_status_body_and_request_id() {
    let server = server_with(vec![
        ResponseTemplate::new(502).set_body_string("first"),
        ResponseTemplate::new(503).set_body_string("second"),
        ResponseTemplate::new(500)
            .set_body_string(format!(
                "{{\"error\":\"boom\",\"pad\":\"{}\"}}",
                "x".repeat(5000)
            ))
            .insert_header("x-request-id", "req_42"),
    ])
    .await;
    let error = ofauth_chats_error(&server.uri()).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "3 attempts by default"
    );
    match &error {
        Error::Api { request, response } => {
            assert_eq!(response.status.as_u16(), 500);
            assert_eq!(response.request_id.as_deref(), Some("req_42"));
            assert!(response.body_excerpt.starts_with("{\"error\":\"boom\""));
            assert!(
                response.body_excerpt.len() <= onlyfans_clients::ErrorResponse::EXCERPT_LIMIT + 3
            );
            assert_eq!(request.path, CHATS);
        }
        other => panic!("expected Api, got {other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("500") && text.contains("req_42") && text.contains("chats_list"),
        "{text}"
    );
}

#[tokio::test]
async fn attempts_are_configurable_per_client_and_per_call() {
    let server = server_with(vec![ResponseTemplate::new(503)]).await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .base_url(server.uri())
        .retry_policy(quick_retries())
        .max_retries(4)
        .build()
        .unwrap();
    client.messages().list_chats().send().await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
    server.reset().await;
    Mock::given(path(CHATS))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    client
        .messages()
        .list_chats()
        .call_options(onlyfans_clients::CallOptions::new().max_retries(0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_is_returned_at_once_as_rate_limited() {
    let server = server_with(vec![
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
        ok_page(),
    ])
    .await;
    let error = ofauth_chats_error(&server.uri()).await;
    match &error {
        Error::RateLimited { response, .. } => {
            assert_eq!(response.retry_after, Some(Duration::from_secs(3600)))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_error_per_client_and_per_call() {
    let server = server_with(vec![ok_page().set_delay(Duration::from_secs(5))]).await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    match client.messages().list_chats().send().await.unwrap_err() {
        Error::Timeout { after, request } => {
            assert_eq!(after, Duration::from_millis(300));
            assert_eq!(request.operation, "chats_list");
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    match client
        .messages()
        .list_chats()
        .call_options(onlyfans_clients::CallOptions::new().timeout(Duration::from_millis(100)))
        .send()
        .await
        .unwrap_err()
    {
        Error::Timeout { after, .. } => assert_eq!(after, Duration::from_millis(100)),
        other => panic!("expected Timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported_as_transport_errors() {
    // Bind and drop a listener: its port is closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ofauth_client(&format!("http://127.0.0.1:{port}"));
    let error = client.messages().list_chats().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("chats_list") && text.contains("transport"),
        "{text}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn only_https_or_loopback_base_urls_are_accepted() {
    for (url, ok) in [
        ("http://api.ofauth.com", false),
        ("http://10.0.0.1:8080", false),
        ("https://user:pass@api.ofauth.com", false),
        ("not a url", false),
        ("https://api.ofauth.com", true),
        ("http://127.0.0.1:9", true),
        ("http://localhost:9", true),
    ] {
        let result = ofauth::Client::builder().api_key("k").base_url(url).build();
        assert_eq!(result.is_ok(), ok, "{url}");
        let result = onlyfansapi::Client::builder()
            .api_key("k")
            .base_url(url)
            .build();
        assert_eq!(result.is_ok(), ok, "{url}");
    }
    assert_eq!(
        ofauth::Client::builder()
            .api_key("k")
            .build()
            .unwrap()
            .base_url(),
        "https://api.ofauth.com"
    );
    assert_eq!(
        onlyfansapi::Client::builder()
            .api_key("k")
            .build()
            .unwrap()
            .base_url(),
        "https://app.onlyfansapi.com"
    );
}

#[tokio::test]
async fn credentials_with_line_breaks_are_refused() {
    let error = ofauth::Client::builder()
        .api_key("key\r\nX-Injected: 1")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidRequest {
                parameter: "api_key",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        !error.to_string().contains("Injected"),
        "the value is not echoed: {error}"
    );
    let error = ofauth::Client::builder()
        .api_key("k")
        .connection_id("c\n")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidRequest {
            parameter: "connection_id",
            ..
        }
    ));
    let error = onlyfansapi::Client::builder()
        .api_key("k\n")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidRequest {
            parameter: "api_key",
            ..
        }
    ));
    let error = onlyfansapi::Client::builder().build().unwrap_err();
    assert!(error.to_string().contains("ONLYFANSAPI_API_KEY"), "{error}");
}

#[tokio::test]
async fn the_raw_client_authenticates_and_retries_like_the_facade() {
    let server = MockServer::start().await;
    Mock::given(path(CHATS))
        .and(wiremock::matchers::header("apiKey", OFAUTH_KEY))
        .respond_with(Sequence::new(vec![ResponseTemplate::new(503), ok_page()]))
        .mount(&server)
        .await;
    let client = ofauth_client(&server.uri());
    let response = client
        .raw()
        .chats_list(None, None, None, None, None, None)
        .await
        .unwrap();
    assert_eq!(response.into_inner().list.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// No credential appears in `Debug` or `Display` of clients, builders, requests
/// or errors, nor in the `tracing` output of a run with retries and failures.
#[tokio::test]
async fn secrets_never_appear_in_debug_errors_or_logs() {
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());

    let server = server_with(vec![
        ResponseTemplate::new(503),
        ResponseTemplate::new(401).set_body_string("bad key"),
    ])
    .await;
    let of = ofauth_client(&server.uri());
    let api = onlyfansapi_client(&server.uri());
    let mut texts = vec![
        format!("{of:?}"),
        format!("{api:?}"),
        format!("{:?}", of.for_connection("conn_SECRET_override").unwrap()),
        format!("{:?}", api.account("acct_1").chats().messages().list("1")),
        // Parameters and fields the spec names as secrets.
        format!(
            "{:?}",
            of.link().get_login_status("cs_SECRET_client_secret")
        ),
        format!(
            "{:?}",
            api.authenticate()
                .start()
                .email("fan@example.com")
                .password("pw_SECRET_password")
        ),
        format!("{:?}", of.raw()),
        format!(
            "{:?}",
            ofauth::Client::builder()
                .api_key(OFAUTH_KEY)
                .connection_id(CONNECTION)
        ),
        format!("{:?}", onlyfans_clients::Secret::new(OFAUTH_KEY)),
        format!("{}", onlyfans_clients::Secret::new(OFAUTH_KEY)),
    ];
    let api_error = of
        .for_connection("conn_SECRET_override")
        .unwrap()
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap_err();
    texts.push(format!("{api_error:?}"));
    texts.push(api_error.to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let transport_error = onlyfansapi_client(&format!("http://127.0.0.1:{port}"))
        .account("acct_1")
        .chats()
        .messages()
        .list("1")
        .send()
        .await
        .unwrap_err();
    texts.push(format!("{transport_error:?}"));
    texts.push(transport_error.to_string());
    let log_text = logs.text();
    assert!(
        log_text.contains("chats_list"),
        "tracing spans name the operation: {log_text}"
    );
    assert!(log_text.contains("retrying"), "{log_text}");
    texts.push(log_text);
    for text in &texts {
        for secret in [
            OFAUTH_KEY,
            CONNECTION,
            ONLYFANSAPI_KEY,
            "conn_SECRET_override",
            "SECRET",
        ] {
            assert!(!text.contains(secret), "`{secret}` leaked in: {text}");
        }
    }
    // The credentials did reach the server.
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("apiKey").unwrap(), OFAUTH_KEY);
}

#[test]
fn default_retry_policy_is_three_attempts() {
    assert_eq!(RetryPolicy::default().max_attempts, 3);
}
