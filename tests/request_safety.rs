//! What a call may not change about its own request, tried as an attacker
//! would against a real server on loopback: HTTP's framing and routing
//! headers, a method override, a second credential (per call, through the
//! escape hatch and through the request hook), and an escape-hatch path that
//! climbs above the base URL however a proxy decodes it or that carries a
//! secret into errors, spans and `Debug`.

use tracing::Instrument;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;
use onlyfans_clients::transport::OutgoingRequest;
use onlyfans_clients::{Error, ofauth};

/// A server answering every request `{}`.
async fn open_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

async fn sent(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

const RESERVED: [&str; 20] = [
    "Host",
    "HOST",
    "Content-Length",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "TE",
    "Trailer",
    "Upgrade",
    "Proxy-Authorization",
    "Proxy-Connection",
    "Forwarded",
    "X-Forwarded-Host",
    "X-HTTP-Method-Override",
    "X-Method-Override",
    "Authorization",
    "apikey",
    "x-connection-id",
    "Cookie",
    "X-BC",
];

#[tokio::test]
async fn the_escape_hatch_refuses_every_reserved_header_before_sending() {
    let server = open_server().await;
    let of = ofauth_client(&server.uri());
    for name in RESERVED {
        match of
            .request(reqwest::Method::POST, "/v2/access/undocumented")
            .header(name, "3")
            .json(&serde_json::json!({"text": "a body longer than three bytes"}))
            .send_json()
            .await
        {
            Err(Error::InvalidRequest { parameter, reason }) => {
                assert_eq!(parameter, "header", "{name}");
                assert!(
                    !reason.contains('3'),
                    "{name}: the value is not echoed: {reason}"
                );
            }
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
    for (query, body) in [
        (Some(("_method", "DELETE")), None),
        (None, Some(serde_json::json!({"_method": "DELETE"}))),
    ] {
        let mut request = of.request(reqwest::Method::POST, "/v2/access/undocumented");
        if let Some(query) = query {
            request = request.query(&[query]);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        assert!(
            matches!(request.send_json().await, Err(Error::InvalidRequest { .. })),
            "a method override in the query or body is refused"
        );
    }
    assert_eq!(sent(&server).await, 0, "nothing was sent");
    // A header of the caller's own still goes, once, with the client's credentials.
    of.request(reqwest::Method::GET, "/v2/access/undocumented")
        .header("x-agency-tenant", "t1")
        .send_json()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let headers = &received[0].headers;
    assert_eq!(headers.get("x-agency-tenant").unwrap(), "t1");
    assert_eq!(headers.get_all("apikey").iter().count(), 1);
    assert_eq!(headers.get("apikey").unwrap(), OFAUTH_KEY);
    assert!(
        headers
            .get("host")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("127.0.0.1")
    );
}

/// The hook may add headers of its own, but nothing reserved, no credential
/// (OFAuth's connection id included, which picks the rate-limit bucket) and
/// no second value of a header the call carries.
#[tokio::test]
async fn the_request_hook_cannot_frame_route_override_or_add_a_second_credential() {
    global_logs(); // see `observability::span_logs`
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(logs.subscriber());
    let server = open_server().await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .on_request(|_: &OutgoingRequest<'_>, headers: &mut http::HeaderMap| {
            for name in RESERVED {
                headers.append(
                    http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    http::HeaderValue::from_static("hook"),
                );
            }
            headers.append("idempotency-key", http::HeaderValue::from_static("hook"));
            headers.append("x-trace", http::HeaderValue::from_static("one"));
            headers.append("x-trace", http::HeaderValue::from_static("two"));
        })
        .build()
        .unwrap();
    client
        .request(reqwest::Method::POST, "/v2/access/undocumented")
        .header("idempotency-key", "the-call's")
        .json(&serde_json::json!({"text": "hello"}))
        .send_json()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    let values = |name: &str| -> Vec<String> {
        request
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(values("x-connection-id"), [CONNECTION]);
    assert_eq!(values("apikey"), [OFAUTH_KEY]);
    assert_eq!(values("idempotency-key"), ["the-call's"]);
    assert_eq!(values("x-trace"), ["one", "two"]);
    for name in [
        "authorization",
        "cookie",
        "x-bc",
        "proxy-authorization",
        "proxy-connection",
        "forwarded",
        "x-forwarded-host",
        "x-http-method-override",
        "x-method-override",
        "upgrade",
        "trailer",
        "keep-alive",
    ] {
        assert!(
            values(name).is_empty(),
            "{name} was sent: {:?}",
            values(name)
        );
    }
    assert!(values("host")[0].starts_with("127.0.0.1"));
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
        serde_json::json!({"text": "hello"}),
        "the body is whole"
    );
    let text = logs.text();
    assert_eq!(
        text.matches("request hook: a header carrying credentials or framing is not added")
            .count(),
        1,
        "{text}"
    );
}

const PATH_SECRET: &str = "cs_SECRET_f00dfeed";

/// A secret in a custom path reaches the server and nothing else: not the
/// error, not `Debug`, not the span, not the hook.
#[tokio::test]
async fn a_custom_path_is_shown_redacted_in_errors_debug_spans_and_the_hook() {
    global_logs(); // see `observability::span_logs`
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("no such link"))
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .base_url(server.uri())
        .on_request({
            let seen = seen.clone();
            move |request: &OutgoingRequest<'_>, _: &mut http::HeaderMap| {
                seen.lock().unwrap().push(request.url_template.to_owned());
            }
        })
        .build()
        .unwrap();
    let path = format!("/v2/link/{PATH_SECRET}");
    let request = client
        .request(reqwest::Method::GET, &path)
        .query(&[("code", "SECRET_query_value")])
        .json(&serde_json::json!({"password": "SECRET_body_value"}));
    let debug = format!("{request:?}");
    let error = request
        .send_json()
        .instrument(tracing::info_span!("app"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.path(),
        path,
        "the server gets the path as written"
    );
    let shown = format!(
        "{error} {error:?} {debug} {:?} {}",
        seen.lock().unwrap(),
        logs.text()
    );
    assert!(shown.contains("/v2/link/{…}"), "{shown}");
    for secret in [
        PATH_SECRET,
        "SECRET_query_value",
        "SECRET_body_value",
        "SECRET",
    ] {
        assert!(!shown.contains(secret), "`{secret}` shown: {shown}");
    }
    // A refused path is not echoed either.
    let refused = client
        .request(
            reqwest::Method::GET,
            &format!("/v2/link/{PATH_SECRET}/..%2f..%2fadmin"),
        )
        .send_json()
        .await
        .unwrap_err();
    let text = format!("{refused} {refused:?}");
    assert!(matches!(refused, Error::InvalidRequest { .. }), "{text}");
    assert!(!text.contains(PATH_SECRET), "{text}");
}

/// Every encoding of a climb that some server or proxy on the way decodes:
/// refused before anything is sent.
#[tokio::test]
async fn encoded_traversal_in_custom_paths_is_refused_before_sending() {
    let server = open_server().await;
    let of = ofauth_client(&server.uri());
    for bad in [
        "/v2/access/..%2f..%2fadmin",
        "/v2/access/%2e%2e%2fadmin",
        "/v2/access/%2E%2E/admin",
        "/v2/access/%252e%252e/admin",
        "/v2/access/%25252e%25252e/admin",
        "/v2/access/..%5cadmin",
        "/v2/access/..;/admin",
        "/v2/access/..;jsessionid=x/admin",
        "/v2/access/%EF%BC%8E%EF%BC%8E/admin",
        "/v2/access/．．/admin",
        "/v2/access/x%00y",
        "/v2/access/x%0d%0aHost:%20evil.example",
    ] {
        match of.request(reqwest::Method::GET, bad).send_json().await {
            Err(Error::InvalidRequest { parameter, .. }) => assert_eq!(parameter, "path", "{bad}"),
            other => panic!("{bad}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(sent(&server).await, 0, "nothing was sent");
    for good in [
        "/v2/access/a%20b",
        "/v2/access/.well-known",
        "/v2/access/a..b",
    ] {
        of.request(reqwest::Method::GET, good)
            .send_json()
            .await
            .unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/v2/access/a%20b",
            "/v2/access/.well-known",
            "/v2/access/a..b"
        ]
    );
}

/// What reqwest frames from the body itself stays: a multipart upload of
/// bytes goes with its exact `Content-Length`, not chunked.
#[tokio::test]
async fn an_upload_keeps_the_content_length_the_client_computed() {
    let server = open_server().await;
    let api = onlyfansapi_client(&server.uri());
    api.account("acct_1")
        .media()
        .vault()
        .upload()
        .file(onlyfans_clients::FilePart::bytes(vec![7u8; 10_000]).file_name("a.jpg"))
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let length = received[0]
        .headers
        .get("content-length")
        .expect("a content-length");
    assert_eq!(length.to_str().unwrap(), received[0].body.len().to_string());
    assert!(received[0].headers.get("transfer-encoding").is_none());
}
