//! Fault injection: both facades against a loopback server that misbehaves in
//! every way listed in the fault table of `docs/ARCHITECTURE.md`. Each case
//! checks the outcome (success after retries or the right `Error` variant),
//! the number of attempts and that the call returns within its deadline.

use std::time::{Duration, Instant, SystemTime};

use crate::support::faults::{Fault, FaultServer};
use crate::support::*;
use onlyfans_clients::{Error, ofauth, onlyfansapi};

const TIMEOUT: Duration = Duration::from_millis(1500);

#[derive(Clone, Copy, Debug)]
enum Api {
    OfAuth,
    OnlyFansApi,
}

const APIS: [Api; 2] = [Api::OfAuth, Api::OnlyFansApi];

fn ok(api: Api) -> Fault {
    match api {
        Api::OfAuth => Fault::json(200, &ofauth_page(0..3, false, None)),
        Api::OnlyFansApi => Fault::json(200, &onlyfansapi_page(&[3, 2, 1], None)),
    }
}

/// One call through the facade; the number of items on success. `strict`
/// decoding makes a part that does not fit its type the call's error.
async fn call(
    api: Api,
    server: &FaultServer,
    max_body: usize,
    strict: bool,
) -> Result<usize, Error> {
    match api {
        Api::OfAuth => ofauth::Client::builder()
            .api_key(OFAUTH_KEY)
            .connection_id(CONNECTION)
            .base_url(server.uri())
            .retry_policy(quick_retries())
            .timeout(TIMEOUT)
            .max_response_bytes(max_body)
            .strict_decoding(strict)
            .build()?
            .messages()
            .list_chats()
            .send()
            .await
            .map(|p| p.list.len()),
        Api::OnlyFansApi => onlyfansapi::Client::builder()
            .api_key(ONLYFANSAPI_KEY)
            .base_url(server.uri())
            .retry_policy(quick_retries())
            .timeout(TIMEOUT)
            .max_response_bytes(max_body)
            .strict_decoding(strict)
            .build()?
            .account("acct_1")
            .chats()
            .messages()
            .list("9")
            .send()
            .await
            .map(|p| p.data.len()),
    }
}

/// Runs `script` for both APIs; returns each outcome with the attempts made.
async fn run(script: impl Fn(Api) -> Vec<Fault>) -> Vec<(Api, Result<usize, Error>, usize)> {
    run_decoding(false, script).await
}

/// [`run`], decoding strictly or not.
async fn run_decoding(
    strict: bool,
    script: impl Fn(Api) -> Vec<Fault>,
) -> Vec<(Api, Result<usize, Error>, usize)> {
    // Every fault of this suite runs under a global log capture.
    global_logs();
    let mut out = Vec::new();
    for api in APIS {
        let server = FaultServer::start(script(api)).await;
        let started = Instant::now();
        let result = call(api, &server, 1024 * 1024, strict).await;
        // Every outcome arrives within the call's deadline (plus scheduling slack).
        assert!(
            started.elapsed() < TIMEOUT + Duration::from_secs(2),
            "{api:?}: {:?}",
            started.elapsed()
        );
        out.push((api, result, server.hits()));
    }
    assert_no_secret_logged();
    out
}

fn assert_recovers(outcomes: Vec<(Api, Result<usize, Error>, usize)>, attempts: usize) {
    for (api, result, hits) in outcomes {
        assert_eq!(result.as_ref().ok(), Some(&3), "{api:?}: {result:?}");
        assert_eq!(hits, attempts, "{api:?}");
    }
}

#[tokio::test]
async fn status_429_with_retry_after_seconds_recovers() {
    assert_recovers(
        run(|api| vec![Fault::status(429).with_header("retry-after", "1"), ok(api)]).await,
        2,
    );
}

#[tokio::test]
async fn status_429_with_retry_after_http_date_recovers() {
    let when = httpdate_in(Duration::ZERO); // the next whole second: a wait of at most 1 s
    assert_recovers(
        run(|api| {
            vec![
                Fault::status(429).with_header("retry-after", &when),
                ok(api),
            ]
        })
        .await,
        2,
    );
}

fn httpdate_in(delay: Duration) -> String {
    // Rounded up to the next whole second, as HTTP dates have no fractions.
    let at = SystemTime::now() + delay + Duration::from_secs(1);
    httpdate::fmt_http_date(at)
}

#[tokio::test]
async fn status_429_without_retry_after_backs_off_and_recovers() {
    assert_recovers(run(|api| vec![Fault::status(429), ok(api)]).await, 2);
}

#[tokio::test]
async fn server_error_bursts_recover_within_the_attempt_limit() {
    assert_recovers(
        run(|api| vec![Fault::status(500), Fault::status(502), ok(api)]).await,
        3,
    );
    assert_recovers(
        run(|api| vec![Fault::status(503), Fault::status(504), ok(api)]).await,
        3,
    );
    assert_recovers(run(|api| vec![Fault::status(408), ok(api)]).await, 2);
}

#[tokio::test]
async fn a_burst_longer_than_the_attempt_limit_returns_the_last_error() {
    for (api, result, hits) in
        run(|_| vec![Fault::status(500), Fault::status(502), Fault::status(503)]).await
    {
        assert_eq!(hits, 3, "{api:?}: retries stop at the limit");
        assert_eq!(
            result.unwrap_err().status().map(|s| s.as_u16()),
            Some(503),
            "{api:?}"
        );
    }
}

#[tokio::test]
async fn connection_reset_before_the_response_is_retried() {
    assert_recovers(
        run(|api| vec![Fault::ResetBeforeResponse, ok(api)]).await,
        2,
    );
    for (api, result, hits) in run(|_| vec![Fault::ResetBeforeResponse]).await {
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{api:?}: {result:?}"
        );
        assert_eq!(hits, 3);
    }
}

#[tokio::test]
async fn connection_reset_mid_body_is_retried() {
    let cut = |_| Fault::ResetMidBody {
        declared: 4000,
        sent: b"{\"list\": [".to_vec(),
    };
    assert_recovers(run(|api| vec![cut(api), ok(api)]).await, 2);
    for (api, result, hits) in run(|api| vec![cut(api)]).await {
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{api:?}: {result:?}"
        );
        assert_eq!(hits, 3);
    }
}

#[tokio::test]
async fn a_truncated_body_is_retried_then_a_transport_error() {
    let cut = |_| Fault::Truncated {
        declared: 4000,
        sent: b"{\"data\": [".to_vec(),
    };
    assert_recovers(run(|api| vec![cut(api), ok(api)]).await, 2);
    for (api, result, _) in run(|api| vec![cut(api)]).await {
        assert!(
            matches!(result, Err(Error::Transport { .. })),
            "{api:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_content_length_shorter_than_the_body_is_a_decode_error() {
    // The server says 10 bytes and sends more: the client reads 10, which is not JSON.
    let script = |api| {
        let Fault::Respond { body, .. } = ok(api) else {
            unreachable!()
        };
        vec![Fault::Truncated {
            declared: 10,
            sent: body,
        }]
    };
    for (api, result, hits) in run(script).await {
        assert!(
            matches!(result, Err(Error::Decode { .. })),
            "{api:?}: {result:?}"
        );
        assert_eq!(hits, 1, "a decode error is not retried");
    }
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_with_the_whole_body() {
    let body = "{\"list\": [1, 2,";
    for (api, result, hits) in run(|_| vec![Fault::raw(200, "application/json", body)]).await {
        match result {
            Err(Error::Decode { body: whole, .. }) => assert_eq!(whole.as_bytes(), body.as_bytes()),
            other => panic!("{api:?}: {other:?}"),
        }
        assert_eq!(hits, 1);
    }
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape_is_taken_out_or_in_strict_mode_an_error_naming_the_field() {
    let script = |api| match api {
        Api::OfAuth => vec![Fault::json(200, &serde_json::json!({"list": "not a list"}))],
        Api::OnlyFansApi => vec![Fault::json(
            200,
            &serde_json::json!({"data": [{"id": "seven"}]}),
        )],
    };
    for (api, result, _) in run_decoding(true, script).await {
        match (api, result) {
            (Api::OfAuth, Err(Error::Decode { path, .. })) => assert_eq!(path, "list"),
            (Api::OnlyFansApi, Err(Error::Decode { path, .. })) => assert_eq!(path, "data[0].id"),
            (api, other) => panic!("{api:?}: {other:?}"),
        }
    }
    // By default the parts that do not fit are taken out: the page has no
    // usable item, and the call succeeds.
    for (api, result, _) in run(script).await {
        assert_eq!(result.unwrap_or_else(|e| panic!("{api:?}: {e}")), 0);
    }
}

#[tokio::test]
async fn an_html_error_page_is_retried_then_an_api_error_with_its_excerpt() {
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    for (api, result, hits) in run(|_| vec![Fault::raw(502, "text/html", page)]).await {
        match result {
            Err(Error::Api { response, .. }) => {
                assert_eq!(response.status.as_u16(), 502);
                assert!(response.body_excerpt.contains("502 Bad Gateway"));
            }
            other => panic!("{api:?}: {other:?}"),
        }
        assert_eq!(hits, 3);
    }
    for (api, result, _) in run(|_| vec![Fault::raw(200, "text/html", page)]).await {
        assert!(
            matches!(result, Err(Error::Decode { .. })),
            "{api:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    for (api, result, _) in run(|_| vec![Fault::raw(200, "application/json", "")]).await {
        match result {
            Err(Error::Decode { message, .. }) => assert!(message.contains("EOF"), "{message}"),
            other => panic!("{api:?}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_reading_it() {
    // Declared tens of MB over the 1 MiB limit of these clients: refused at once.
    for (api, result, hits) in run(|_| {
        vec![Fault::Large {
            bytes: 40 * 1024 * 1024,
        }]
    })
    .await
    {
        assert!(
            matches!(
                result,
                Err(Error::ResponseTooLarge {
                    limit: 1_048_576,
                    ..
                })
            ),
            "{api:?}: {result:?}"
        );
        assert_eq!(hits, 1, "not retried");
    }
}

#[tokio::test]
async fn a_large_body_within_the_limit_is_read() {
    let server = FaultServer::start(vec![Fault::Large {
        bytes: 3 * 1024 * 1024,
    }])
    .await;
    // A 3 MB JSON string is not a chats page: it is read whole, then fails to decode.
    match call(Api::OfAuth, &server, 8 * 1024 * 1024, false).await {
        Err(Error::Decode { message, .. }) => assert!(message.contains("expected"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout() {
    let script = |api| {
        vec![Fault::Slow {
            delay: Duration::from_secs(10),
            then: Box::new(ok(api)),
        }]
    };
    for (api, result, _) in run(script).await {
        assert!(
            matches!(result, Err(Error::Timeout { after: TIMEOUT, .. })),
            "{api:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_server_that_never_closes_is_a_timeout() {
    for (api, result, _) in run(|_| vec![Fault::NeverClose]).await {
        assert!(
            matches!(result, Err(Error::Timeout { .. })),
            "{api:?}: {result:?}"
        );
    }
}

/// A server that never answers cannot hang a raw call past its deadline,
/// and a stalled attempt leaves time for the retry that succeeds.
#[tokio::test]
async fn every_call_ends_by_its_deadline_and_a_stalled_attempt_leaves_time_to_retry() {
    let stall = || Fault::Slow {
        delay: Duration::from_secs(3600),
        then: Box::new(Fault::status(200)),
    };
    let server = FaultServer::start(vec![stall()]).await;
    let of = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .timeout(Duration::from_millis(800))
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = of
        .raw()
        .chats_list(None, None, None, None, None, None)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&error, ofauth::raw::Error::CommunicationError(e) if e.is_timeout()),
        "{error:?}"
    );

    let server = FaultServer::start(vec![
        stall(),
        Fault::json(200, &ofauth_page(0..1, false, None)),
    ])
    .await;
    let of = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .retry_policy(onlyfans_clients::RetryPolicy {
            attempt_timeout: Some(Duration::from_millis(300)),
            ..quick_retries()
        })
        .build()
        .unwrap();
    let page = of.messages().list_chats().send().await.unwrap();
    assert_eq!(page.list.len(), 1);
    assert_eq!(server.hits(), 2);
}

/// Money is not sent twice: a call that is not idempotent is repeated only
/// where the server cannot have acted, unless it carries an idempotency
/// key, which the facade generates (once per call, kept across retries)
/// for every operation whose spec documents one.
#[tokio::test]
async fn non_idempotent_calls_are_repeated_only_when_that_is_safe() {
    use std::sync::{Arc, Mutex};
    let heads = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorded = heads.clone();
    let server = FaultServer::start_with(Arc::new(move |n, head: &str| {
        recorded.lock().unwrap().push(head.to_lowercase());
        match n {
            0 => Fault::status(502),
            _ => Fault::json(200, &serde_json::json!({})),
        }
    }))
    .await;
    let api = onlyfansapi_client(&server.uri());
    api.account("acct_1")
        .chats()
        .messages()
        .send("42")
        .text("hi")
        .send()
        .await
        .unwrap();
    let keys: Vec<String> = heads
        .lock()
        .unwrap()
        .iter()
        .map(|head| {
            head.lines()
                .find_map(|line| line.strip_prefix("idempotency-key: "))
                .expect("a key on every attempt")
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 2, "a 502 is retried: the key makes it safe");
    assert_eq!(keys[0], keys[1], "the same key on the retry");
    assert_eq!(keys[0].len(), 32);

    // A caller's own key is sent as given; each call gets a fresh one.
    heads.lock().unwrap().clear();
    api.account("acct_1")
        .chats()
        .messages()
        .send("42")
        .text("hi")
        .idempotency_key("order-77")
        .send()
        .await
        .unwrap();
    api.account("acct_1")
        .chats()
        .messages()
        .send("42")
        .text("hi")
        .send()
        .await
        .unwrap();
    let heads_now = heads.lock().unwrap().clone();
    assert!(heads_now[0].contains("idempotency-key: order-77"));
    assert!(!heads_now[1].contains(&keys[0]), "a fresh key per call");

    // Without a key, even with non-idempotent retries switched on, a 502 or
    // a cut-off body is not repeated; a 429 (the server refused) is.
    for (fault, attempts) in [
        (Fault::status(502), 1),
        (
            Fault::Truncated {
                declared: 100,
                sent: b"{\"a\":".to_vec(),
            },
            1,
        ),
        (Fault::status(429).with_header("retry-after", "0"), 2),
    ] {
        let server =
            FaultServer::start(vec![fault, Fault::json(200, &serde_json::json!({}))]).await;
        let of = ofauth::Client::builder()
            .api_key(OFAUTH_KEY)
            .connection_id(CONNECTION)
            .base_url(server.uri())
            .retry_policy(onlyfans_clients::RetryPolicy {
                retry_non_idempotent: true,
                ..quick_retries()
            })
            .build()
            .unwrap();
        let _ = of
            .request(onlyfans_clients::Method::POST, "/v2/access/payouts")
            .json(&serde_json::json!({"amount": 100}))
            .send::<serde_json::Value>()
            .await;
        assert_eq!(server.hits(), attempts);
    }
    // By default a POST is never repeated.
    let server = FaultServer::start(vec![Fault::status(429).with_header("retry-after", "0")]).await;
    let of = ofauth_client(&server.uri());
    let _ = of
        .request(onlyfans_clients::Method::POST, "/v2/access/payouts")
        .send::<serde_json::Value>()
        .await;
    assert_eq!(server.hits(), 1);
}
