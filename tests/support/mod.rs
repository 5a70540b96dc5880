//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod faults;
pub mod redis;

use std::path::Path;

use onlyfans_codegen::{ApiDef, Generated, Normalized};

/// The repository: this package is its `tests/` directory.
pub fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The two APIs, normalized and generated exactly as build.rs does it (once
/// per test binary: at full size a generation takes seconds).
pub fn generated(api: ApiDef) -> (Normalized, Generated) {
    static CACHE: OnceLock<Mutex<Vec<(ApiDef, Normalized, Generated)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, n, g)) = cache.iter().find(|(a, _, _)| *a == api) {
        return (n.clone(), g.clone());
    }
    let (n, g) = onlyfans_codegen::generate_api(api, repo_root()).expect("vendored spec generates");
    cache.push((api, n.clone(), g.clone()));
    (n, g)
}

pub fn normalized(api: ApiDef) -> Normalized {
    onlyfans_codegen::prepare(api, repo_root()).expect("vendored spec normalizes")
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

pub const OFAUTH_KEY: &str = "sk_test_SECRET_ofauth_key_123";
pub const CONNECTION: &str = "conn_SECRET_456";
pub const ONLYFANSAPI_KEY: &str = "ofapi_SECRET_bearer_789";

/// Fast retries for tests: no multi-second sleeps.
pub fn quick_retries() -> onlyfans_clients::RetryPolicy {
    onlyfans_clients::RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..Default::default()
    }
}

pub fn ofauth_client(base: &str) -> onlyfans_clients::ofauth::Client {
    onlyfans_clients::ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(base)
        .retry_policy(quick_retries())
        .build()
        .expect("client builds")
}

/// The error a first-page `chats_list()` call against `base` ends in (the test
/// expects one), decoding strictly: a part of the body that does not fit its
/// type is the error.
pub async fn ofauth_chats_error(base: &str) -> onlyfans_clients::Error {
    ofauth_client(base)
        .messages()
        .list_chats()
        .call_options(onlyfans_clients::CallOptions::new().strict_decoding(true))
        .send()
        .await
        .expect_err("the call fails")
}

pub fn onlyfansapi_client(base: &str) -> onlyfans_clients::onlyfansapi::Client {
    onlyfans_clients::onlyfansapi::Client::builder()
        .api_key(ONLYFANSAPI_KEY)
        .base_url(base)
        .retry_policy(quick_retries())
        .build()
        .expect("client builds")
}

/// An OFAuth chat whose fan has user id `id`.
pub fn ofauth_chat(id: u64) -> Value {
    json!({
        "withUser": {"id": id, "_view": "s"},
        "canSendMessage": true,
        "canNotSendReason": false,
        "unreadMessagesCount": 2,
        "lastMessage": {
            "id": 1_000_000_000_000u64 + id,
            "text": format!("hello from {id}"),
            "fromUser": {"id": id, "name": format!("fan {id}")},
            "media": [],
            "previews": [],
            "createdAt": null
        }
    })
}

pub fn ofauth_page(ids: std::ops::Range<u64>, has_more: bool, next_offset: Option<u64>) -> Value {
    let mut body = json!({
        "list": ids.map(ofauth_chat).collect::<Vec<_>>(),
        "hasMore": has_more,
    });
    if let Some(next) = next_offset {
        body["nextOffset"] = json!(next);
    }
    body
}

/// An OnlyFansAPI message with id `id`.
pub fn onlyfansapi_message(id: u64) -> Value {
    json!({
        "id": id,
        "text": format!("<p>message {id}</p>"),
        "fromUser": {"id": 987_654_321u64, "_view": "s"},
        "media": [],
        "previews": [],
        "isFree": true,
        "price": 0,
        "createdAt": "2025-09-02T21:02:18+00:00"
    })
}

pub fn onlyfansapi_page(ids: &[u64], next_cursor: Option<u64>) -> Value {
    json!({
        "data": ids.iter().map(|id| onlyfansapi_message(*id)).collect::<Vec<_>>(),
        "_pagination": {"next_page": next_cursor.map(|c| format!(
            "https://app.onlyfansapi.com/api/acct_1/chats/9/messages?order=desc&id={c}"))},
        "_meta": {
            "_credits": {"used": 1, "balance": 224_891, "note": "Always"},
            "_cache": {"is_cached": false, "note": "Cache disabled"},
            "_rate_limits": {"limit_minute": 1000, "limit_day": 50000, "remaining_minute": 999, "remaining_day": 49984}
        }
    })
}

/// Answers requests with the given responses in turn (the last one repeats).
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Sequence {
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        Self {
            responses,
            next: AtomicUsize::new(0),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self
            .next
            .fetch_add(1, Ordering::SeqCst)
            .min(self.responses.len() - 1);
        self.responses[i].clone()
    }
}

/// Answers by a function of the request (for servers that page by parameters).
pub struct ByRequest<F>(pub F);

impl<F: Fn(&Request) -> ResponseTemplate + Send + Sync + 'static> Respond for ByRequest<F> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        (self.0)(request)
    }
}

/// The value of a query parameter of a received request.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Collects `tracing` output of the code under test, to assert on it.
#[derive(Clone, Default)]
pub struct CapturedLogs(pub std::sync::Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLogs {
    /// A subscriber writing everything, at every level, into these logs.
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The `tracing` output of the whole test binary, captured by a global
/// subscriber installed on first use, at the most verbose level.
pub fn global_logs() -> &'static CapturedLogs {
    static LOGS: std::sync::OnceLock<CapturedLogs> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let subscriber = logs.subscriber();
        // Another test of this binary may have installed one first: then the
        // capture stays empty and the assertion below says so.
        let _ = tracing::subscriber::set_global_default(subscriber);
        logs
    })
}

/// No credential of the test clients appears in anything logged so far.
pub fn assert_no_secret_logged() {
    let text = global_logs().text();
    assert!(!text.is_empty(), "the global subscriber captured nothing");
    for secret in [OFAUTH_KEY, CONNECTION, ONLYFANSAPI_KEY, "SECRET"] {
        assert!(!text.contains(secret), "`{secret}` was logged");
    }
}

/// The page at `offset` of an OFAuth server holding chats `0..total`.
pub fn ofauth_offset_page(offset: u64, limit: u64, total: u64) -> Value {
    let end = (offset + limit).min(total);
    let more = end < total;
    ofauth_page(offset..end, more, more.then_some(end))
}

/// The page starting at message `start` of an OnlyFansAPI chat whose messages
/// are `1..=start…`, newest first; the next page starts at the cursor message.
pub fn onlyfansapi_cursor_page(start: u64, page_size: usize) -> Value {
    let ids: Vec<u64> = (1..=start).rev().take(page_size + 1).collect();
    let next = ids.get(page_size).copied();
    onlyfansapi_page(&ids[..ids.len().min(page_size)], next)
}

/// A server answering OFAuth's chat list (`/v2/access/chats`) with
/// `responses` in turn (the last one repeats).
pub async fn chats_server(responses: Vec<wiremock::ResponseTemplate>) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/v2/access/chats"))
        .respond_with(Sequence::new(responses))
        .mount(&server)
        .await;
    server
}
