//! Hostile input: response bodies that are random or mangled, and caller
//! parameters that try to escape their place in the request.

use crate::support::faults::{Fault, FaultServer};
use crate::support::*;
use onlyfans_clients::{Error, ofauth, onlyfansapi};
use onlyfans_codegen::apis::{OFAUTH, ONLYFANSAPI};
use proptest::prelude::*;
use serde_json::Value;

/// Cases per property: enough to cover every mutation kind on every field of
/// both examples many times, and still a few seconds in CI.
const CASES: u32 = 1000;

// Normalizing a spec is the slow part: do it once per test binary.
fn onlyfansapi_example() -> Value {
    static EXAMPLE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXAMPLE
        .get_or_init(|| {
            let spec = normalized(ONLYFANSAPI).spec;
            let path = "/api/{account}/chats/{chat_id}/messages";
            onlyfans_codegen::examples::declared_response_example(&spec, "get", path).unwrap()
        })
        .clone()
}

fn ofauth_example() -> Value {
    static EXAMPLE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXAMPLE
        .get_or_init(|| {
            let spec = normalized(OFAUTH).spec;
            let schema =
                onlyfans_codegen::examples::response_schema(&spec, "get", "/v2/access/chats")
                    .unwrap();
            onlyfans_codegen::examples::synthesize(&spec, schema)
        })
        .clone()
}

/// Every JSON pointer inside a value.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Only `Ok` or a decode error, never a panic or another error kind.
fn decodes_or_reports(result: Result<usize, Error>) -> Result<(), TestCaseError> {
    match result {
        Ok(_) | Err(Error::Decode { .. }) => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!(
            "unexpected error kind: {other:?}"
        ))),
    }
}

fn decode_both(body: &[u8]) -> Result<(), TestCaseError> {
    let chats = onlyfans_clients::decode::<ofauth::types::ChatsListResponse>(body);
    decodes_or_reports(chats.map(|p| p.list.len()))?;
    let messages = onlyfans_clients::decode::<onlyfansapi::types::ListChatMessagesResponse>(body);
    decodes_or_reports(messages.map(|p| p.data.len()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_both(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        decode_both(&serde_json::to_vec(&value).unwrap())?;
    }

    #[test]
    fn real_examples_with_a_field_replaced_never_panic(pick in any::<prop::sample::Index>(), replacement in any_json(), which in any::<bool>()) {
        let mut body = if which { ofauth_example() } else { onlyfansapi_example() };
        let mut all = Vec::new();
        pointers(&body, String::new(), &mut all);
        let at = &all[pick.index(all.len())];
        if let Some(slot) = body.pointer_mut(at) {
            *slot = replacement;
        }
        decode_both(&serde_json::to_vec(&body).unwrap())?;
    }

    #[test]
    fn real_examples_with_bytes_mangled_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8), which in any::<bool>()) {
        let example = if which { ofauth_example() } else { onlyfansapi_example() };
        let mut bytes = serde_json::to_vec(&example).unwrap();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        decode_both(&bytes)?;
    }
}

#[test]
fn decode_errors_from_bytes_name_the_path() {
    let mut body = onlyfansapi_example();
    body["data"][1]["media"] = Value::from("not a list");
    match onlyfans_clients::decode::<onlyfansapi::types::ListChatMessagesResponse>(
        &serde_json::to_vec(&body).unwrap(),
    ) {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "data[1].media"),
        other => panic!("{other:?}"),
    }
}

/// Query text with separators, percent signs and non-ASCII reaches the server
/// as one encoded parameter; path parameters stay in their segment.
#[tokio::test]
async fn hostile_parameters_are_encoded_exactly() {
    let server = FaultServer::start(vec![Fault::json(200, &ofauth_page(0..1, false, None))]).await;
    ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .query("a&b=c#d%e/ü ?")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines(),
        vec!["GET /v2/access/chats?query=a%26b%3Dc%23d%25e%2F%C3%BC+%3F HTTP/1.1".to_owned()]
    );

    let server = FaultServer::start(vec![Fault::json(200, &onlyfansapi_page(&[1], None))]).await;
    onlyfansapi_client(&server.uri())
        .account("acct/../../admin")
        .chats()
        .messages()
        .list("1?x=2#frag")
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines(),
        vec![
            "GET /api/acct%2F..%2F..%2Fadmin/chats/1%3Fx%3D2%23frag/messages?limit=100 HTTP/1.1"
                .to_owned()
        ]
    );
}

/// `\\` (a `/` to URL parsers), dot segments spelled with it, fullwidth
/// look-alikes and every other byte outside RFC 3986's unreserved set reach
/// the server as data of their one segment through the facade; the raw
/// client, which encodes paths itself, refuses a value that left its segment
/// before sending anything.
#[tokio::test]
async fn path_parameters_never_leave_their_segment() {
    let answer = Fault::json(200, &onlyfansapi_page(&[1], None));
    let server = FaultServer::start(vec![answer.clone(), answer.clone(), answer]).await;
    let api = onlyfansapi_client(&server.uri());
    for (account, chat) in [
        ("..\\..\\admin", "..\\x"),
        ("acct\\..", "%2e%2e"),
        ("\u{ff0e}\u{ff0e}", "a;b@c:d+e!f"),
    ] {
        api.account(account)
            .chats()
            .messages()
            .list(chat)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        server.request_lines(),
        [
            "GET /api/..%5C..%5Cadmin/chats/..%5Cx/messages HTTP/1.1",
            "GET /api/acct%5C../chats/%252e%252e/messages HTTP/1.1",
            "GET /api/%EF%BC%8E%EF%BC%8E/chats/a%3Bb%40c%3Ad%2Be%21f/messages HTTP/1.1",
        ]
    );

    let server = FaultServer::start(vec![Fault::status(200)]).await;
    let api = onlyfansapi_client(&server.uri());
    for account in ["..\\admin", "acct\\x", "..", "."] {
        let refused = api.raw().get_current_account(account).await.unwrap_err();
        assert!(
            refused.to_string().contains("does not stay in its segment"),
            "{account}: {refused}"
        );
    }
    // A value that stays in its segment is sent.
    let _ = api.raw().get_current_account("acct_1").await;
    assert_eq!(server.hits(), 1, "only the well-formed call was sent");
}

/// A redirect to another origin is not followed, whatever the caller's own
/// HTTP client would do: OFAuth's `apikey` and `x-connection-id` (which
/// reqwest does not strip) never reach it. One within the origin is.
#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_origin() {
    let elsewhere = FaultServer::start(vec![Fault::status(200)]).await;
    let target = format!("{}/steal", elsewhere.uri());
    let redirect = |status| Fault::status(status).with_header("location", &target);
    let server = FaultServer::start(vec![redirect(302), redirect(307), redirect(308)]).await;
    let own_redirects = onlyfans_clients::http_client_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::limited(10));
    let clients = [
        ofauth_client(&server.uri()),
        ofauth::Client::builder()
            .api_key(OFAUTH_KEY)
            .connection_id(CONNECTION)
            .base_url(server.uri())
            .http_client(own_redirects)
            .build()
            .unwrap(),
    ];
    for client in &clients {
        let error = client.messages().list_chats().send().await.unwrap_err();
        assert!(
            matches!(&error, Error::Api { response, .. } if response.status.is_redirection()),
            "{error:?}"
        );
    }
    let error = clients[0]
        .raw()
        .chats_list(None, None, None, None, None, None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("308"), "{error}");
    assert_eq!(elsewhere.hits(), 0, "nothing reached the other origin");

    // Within the API's origin a redirect is followed, credentials and all.
    let server = FaultServer::start(vec![
        Fault::status(307).with_header("location", "/moved"),
        Fault::json(200, &ofauth_page(0..1, false, None)),
    ])
    .await;
    let page = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    assert_eq!(page.list.len(), 1);
    assert_eq!(server.hits(), 2);
}

/// A call's own headers can add what the API documents, never replace or
/// add a credential; OFAuth's connection id is set per call by its setter.
#[tokio::test]
async fn per_call_headers_cannot_replace_credentials() {
    let server = FaultServer::start(vec![Fault::status(500)]).await;
    let of = ofauth_client(&server.uri());
    for name in [
        "apikey",
        "APIKEY",
        "Authorization",
        "x-connection-id",
        "cookie",
    ] {
        let error = of
            .request(onlyfans_clients::Method::GET, "/v2/access/me")
            .header(name, "evil")
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidRequest { parameter, .. } if *parameter == "header"),
            "{name}: {error:?}"
        );
    }
    assert_eq!(server.hits(), 0);
}

/// Waits a server imposes are capped (one absurd `X-RateLimit-Reset`, even a
/// millisecond epoch, cannot close the bucket for days), and a `Retry-After`
/// beyond the call's deadline ends the call at once as `RateLimited`.
#[tokio::test]
async fn server_waits_are_bounded() {
    let far_ms = (std::time::SystemTime::now() + std::time::Duration::from_secs(86_400 * 365))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let closed = Fault::json(200, &ofauth_page(0..1, false, None))
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", &far_ms);
    let open = Fault::json(200, &ofauth_page(0..1, false, None));
    let server = FaultServer::start(vec![closed, open]).await;
    let limit = onlyfans_clients::RateLimit::new(100, std::time::Duration::from_millis(100))
        .max_server_wait(std::time::Duration::from_millis(300));
    let of = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .rate_limit(limit)
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    of.messages().list_chats().send().await.unwrap();
    let started = std::time::Instant::now();
    of.messages().list_chats().send().await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(200)
            && waited < std::time::Duration::from_secs(3),
        "waited {waited:?}: the cap, not a year"
    );

    let server = FaultServer::start(vec![
        Fault::status(429).with_header("retry-after", "30"),
        Fault::status(200),
    ])
    .await;
    let of = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = of.messages().list_chats().send().await.unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    match error {
        Error::RateLimited { response, .. } => {
            assert_eq!(
                response.retry_after,
                Some(std::time::Duration::from_secs(30))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.hits(), 1);
}

/// A path can hold a secret (`/v2/link/{clientSecret}`): neither errors
/// (the raw client's too) nor logs show a filled-in path, only its template.
#[tokio::test]
async fn errors_and_logs_never_show_a_filled_in_path() {
    let logs = global_logs();
    let secret = "cs_SECRET_in_the_path";
    // Nothing listens on port 1: every attempt fails to connect, and is retried.
    let of = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .base_url("http://127.0.0.1:1")
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    let raw = of.raw().get_login_status(secret).await.unwrap_err();
    let facade = of.link().get_login_status(secret).send().await.unwrap_err();
    for error in [
        raw.to_string(),
        facade.to_string(),
        format!("{raw:?}"),
        format!("{facade:?}"),
    ] {
        assert!(!error.contains(secret), "{error}");
    }
    assert!(
        facade.to_string().contains("/v2/link/{clientSecret}"),
        "{facade}"
    );
    let text = logs.text();
    assert!(text.contains("retrying after transport error"), "{text}");
    assert!(text.contains("/v2/link/{clientSecret}"), "{text}");
    assert!(!text.contains(secret), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No value a caller can hand the rate limiter's public surface panics
    /// it, however extreme.
    #[test]
    fn the_limiter_takes_any_numbers(
        calls in any::<u32>(),
        period_ns in any::<u64>(),
        remaining in any::<u64>(),
        wait_ns in any::<u64>(),
        max_wait_ns in any::<u64>(),
    ) {
        use onlyfans_clients::{Correction, MemoryStore, RateLimitStore};
        use std::time::Duration;
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let store = MemoryStore::new();
            let limit = onlyfans_clients::RateLimit::new(calls, Duration::from_nanos(period_ns))
                .max_server_wait(Duration::from_nanos(wait_ns));
            let far = Duration::MAX;
            for correction in [
                Correction::Remaining { remaining, reset_in: Duration::from_nanos(wait_ns) },
                Correction::Remaining { remaining: u64::MAX, reset_in: far },
                Correction::Remaining { remaining: 0, reset_in: far },
                Correction::RetryAfter(far),
            ] {
                store.correct("b", limit, correction).await.unwrap();
                store.reserve("b", limit, Duration::from_nanos(max_wait_ns)).await.unwrap();
                store.reserve("b", limit, far).await.unwrap();
            }
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Client and call settings at their extremes (a zero or endless
    /// timeout, no retries or `u32::MAX`, a zero body limit, a retry policy
    /// of extreme durations) build and make a call that ends with a value or
    /// an error, never a panic.
    #[test]
    fn extreme_settings_never_panic(
        timeout_ns in prop_oneof![Just(0u64), Just(u64::MAX), 1u64..5_000_000_000],
        retries in prop_oneof![Just(0u32), Just(u32::MAX), 0u32..4],
        body_limit in prop_oneof![Just(0usize), Just(usize::MAX), 0usize..4096],
        backoff_ns in prop_oneof![Just(0u64), Just(u64::MAX)],
        status in prop_oneof![Just(200u16), Just(503u16), Just(429u16)],
    ) {
        use std::time::Duration;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let answer = Fault::json(status, &ofauth_page(0..1, false, None))
                .with_header("retry-after", "0");
            let server = FaultServer::start(vec![answer, Fault::json(200, &ofauth_page(0..1, false, None))]).await;
            let policy = onlyfans_clients::RetryPolicy {
                max_attempts: retries.saturating_add(1).min(3),
                initial_backoff: Duration::from_nanos(backoff_ns.min(1_000_000)),
                max_backoff: Duration::from_nanos(backoff_ns),
                max_retry_after: Duration::from_nanos(backoff_ns),
                retry_non_idempotent: true,
                attempt_timeout: Some(Duration::from_nanos(timeout_ns)),
            };
            let of = ofauth::Client::builder()
                .api_key(OFAUTH_KEY)
                .connection_id(CONNECTION)
                .base_url(server.uri())
                .retry_policy(policy)
                .max_response_bytes(body_limit)
                .timeout(Duration::from_nanos(timeout_ns).max(Duration::from_millis(1)))
                .build()
                .unwrap();
            let call = of
                .messages().list_chats()
                .call_options(onlyfans_clients::CallOptions::new().max_retries(retries))
                .call_options(onlyfans_clients::CallOptions::new().timeout(Duration::from_nanos(timeout_ns).min(Duration::from_secs(5))))
                .send();
            let _ = tokio::time::timeout(Duration::from_secs(20), call)
                .await
                .expect("the call ends by its own deadline");
        });
    }
}

#[tokio::test]
async fn numbers_out_of_range_and_oversized_text_are_refused_locally() {
    let server = FaultServer::start(vec![Fault::status(500)]).await;
    let of = ofauth_client(&server.uri());
    let api = onlyfansapi_client(&server.uri());
    let refused = [
        of.messages()
            .list_chats()
            .limit(u64::MAX)
            .send()
            .await
            .unwrap_err(),
        of.messages()
            .list_chats()
            .query("ü".repeat(101))
            .send()
            .await
            .unwrap_err(),
        api.account("acct_1")
            .chats()
            .messages()
            .list("1")
            .limit(101)
            .send()
            .await
            .unwrap_err(),
        api.account("acct\r\n")
            .chats()
            .messages()
            .list("1")
            .send()
            .await
            .unwrap_err(),
    ];
    for error in refused {
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }
    assert_eq!(server.hits(), 0, "nothing was sent");
}

/// rustls with ring only: no OpenSSL or native-tls, and no aws-lc (chosen
/// against on build time; a dependency enabling reqwest's default TLS would
/// bring it back) anywhere in the dependency tree.
#[test]
fn only_rustls_with_ring_in_the_dependency_tree() {
    let lock = std::fs::read_to_string(crate::support::repo_root().join("Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"rustls"));
    assert!(names.contains(&"ring"));
    for banned in [
        "aws-lc-rs",
        "aws-lc-sys",
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(!names.contains(&banned), "{banned} is in Cargo.lock");
    }
}

/// `list[3].media.a` → `/list/3/media/a` (for keys without `.`, `[` or `/`).
fn pointer_of(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            pointer.push('/');
            pointer.push_str(key);
        }
        for index in pieces {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// A real page of 20 chats with up to 60 values replaced by random JSON:
    /// the lenient decode never works past its budget (16x the body), and
    /// when it decodes, every misfit names a place of the body as received
    /// and holds the value that was there.
    #[test]
    fn lenient_decoding_stays_within_its_budget(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any_json()), 1..60),
    ) {
        let chat = ofauth_example()["list"][0].clone();
        let mut body = serde_json::json!({"list": vec![chat; 20], "hasMore": true});
        let mut all = Vec::new();
        pointers(&body, String::new(), &mut all);
        for (pick, replacement) in edits {
            let at = &all[pick.index(all.len())];
            if let (false, Some(slot)) = (at.is_empty(), body.pointer_mut(at)) {
                *slot = replacement;
            }
        }
        let bytes = serde_json::to_vec(&body).unwrap();
        // As received: floats read back may differ in their last digit.
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        let decoded = onlyfans_clients::decode_lenient::<ofauth::types::ChatsListResponse>(&bytes);
        let work = onlyfans_clients::transport::decode::last_lenient_work();
        prop_assert!(work.decoded_bytes <= work.budget + bytes.len(), "{:?}", work);
        match decoded {
            Ok((_, misfits)) => {
                for misfit in misfits {
                    let there = body.pointer(&pointer_of(&misfit.path));
                    prop_assert!(there.is_some(), "{} is not in the body", misfit.path);
                    if !matches!(misfit.received, Value::Object(_) | Value::Array(_)) {
                        prop_assert_eq!(Some(&misfit.received), there);
                    }
                }
            }
            Err(Error::Decode { .. }) => {}
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

/// Stands for a body's type whose decode (the first time it runs) says it
/// started and waits for another task on the same runtime to answer.
struct Gate;

static GATE_STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static GATE_ANSWERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static GATE_WAITED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl<'de> serde::Deserialize<'de> for Gate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use std::sync::atomic::Ordering::SeqCst;
        if !GATE_WAITED.swap(true, SeqCst) {
            GATE_STARTED.store(true, SeqCst);
            // Bounded only so that a decode on the runtime's own thread
            // fails the test instead of hanging it.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while !GATE_ANSWERED.load(SeqCst) && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Gate)
    }
}

#[derive(serde::Deserialize)]
struct Gated {
    #[serde(rename = "aMisfit")]
    #[allow(dead_code)] // Read by serde: the misfit that sends the body to the lenient path.
    a_misfit: Option<u64>,
    #[allow(dead_code)]
    gate: Gate,
}

/// A large body that does not fit is repaired off the runtime's thread: on
/// a current-thread runtime, another task runs (and answers the decode)
/// while the repair is under way.
#[tokio::test(flavor = "current_thread")]
async fn a_hostile_body_never_holds_the_runtime() {
    use std::sync::atomic::Ordering::SeqCst;
    let body = serde_json::json!({"aMisfit": "x", "gate": 1, "pad": "p".repeat(100_000)});
    let server = FaultServer::start(vec![Fault::json(200, &body)]).await;
    let of = ofauth_client(&server.uri());
    let other = tokio::spawn(async {
        let mut turns = 0u64;
        while !GATE_STARTED.load(SeqCst) {
            turns += 1;
            tokio::task::yield_now().await;
        }
        // The decode has started and waits: this task runs all the same.
        GATE_ANSWERED.store(true, SeqCst);
        turns
    });
    let response = of
        .request(onlyfans_clients::Method::GET, "/v2/gated")
        .send::<Gated>()
        .await
        .unwrap();
    assert!(
        GATE_ANSWERED.load(SeqCst),
        "the other task never ran during the decode"
    );
    assert_eq!(response.misfits().len(), 1);
    assert_eq!(response.misfits()[0].path, "aMisfit");
    assert!(other.await.unwrap() > 0);
}
