//! Client-side rate limiting on a paused tokio clock: the server enforces the
//! published limit with the same virtual clock, so "zero 429s in the minimum
//! time" is exact and the suite takes no real time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::faults::{Fault, FaultServer};
use crate::support::*;
use onlyfans_clients::{RateLimit, ofauth, onlyfansapi};
use tokio::time::Instant;

const HOUR: Duration = Duration::from_secs(3600);

/// The crate's HTTP setup without its 10 s connect timeout, which the paused
/// clock could reach while a loopback socket connects.
fn patient_http_client() -> reqwest::ClientBuilder {
    onlyfans_clients::http_client_builder()
        .unwrap()
        .connect_timeout(Duration::from_secs(365 * 86_400))
}

/// A server that allows `per_minute` calls per minute per connection (token
/// bucket, bursts up to the limit) and answers 429 beyond it.
async fn limited_server(per_minute: u32, ok: Fault, refused: Arc<AtomicUsize>) -> FaultServer {
    let bucket = Arc::new(Mutex::new((f64::from(per_minute), Instant::now())));
    FaultServer::start_with(Arc::new(move |_, _| {
        let mut b = bucket.lock().unwrap();
        let now = Instant::now();
        b.0 = (b.0 + now.duration_since(b.1).as_secs_f64() * f64::from(per_minute) / 60.0)
            .min(f64::from(per_minute));
        b.1 = now;
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            ok.clone()
        } else {
            refused.fetch_add(1, Ordering::SeqCst);
            Fault::status(429)
        }
    }))
    .await
}

fn ofauth_limited(base: &str, limit: RateLimit) -> ofauth::Client {
    ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(base)
        .timeout(HOUR)
        .max_retries(0)
        .rate_limit(limit)
        // No short connect timeout: the paused clock may jump while a socket connects.
        .http_client(patient_http_client())
        .build()
        .unwrap()
}

fn onlyfansapi_client(base: &str, limit: Option<RateLimit>) -> onlyfansapi::Client {
    let builder = onlyfansapi::Client::builder()
        .api_key(ONLYFANSAPI_KEY)
        .base_url(base)
        .timeout(HOUR)
        .http_client(patient_http_client());
    match limit {
        Some(limit) => builder.rate_limit(limit),
        None => builder,
    }
    .build()
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_get_no_429_and_finish_in_the_minimum_time() {
    let refused = Arc::new(AtomicUsize::new(0));
    let server = limited_server(
        60,
        Fault::json(200, &ofauth_page(0..1, false, None)),
        refused.clone(),
    )
    .await;
    let client = ofauth_limited(&server.uri(), RateLimit::per_minute(60));
    let started = Instant::now();
    let calls: Vec<_> = (0..150)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.messages().list_chats().send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(refused.load(Ordering::SeqCst), 0, "no call was refused");
    assert_eq!(server.hits(), 150);
    // 60 at once, then one per second: the 150th goes out at 90 s.
    assert!(
        elapsed >= Duration::from_secs(90) && elapsed < Duration::from_secs(91),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn connections_have_their_own_buckets() {
    let refused = Arc::new(AtomicUsize::new(0));
    let server = limited_server(
        1000,
        Fault::json(200, &ofauth_page(0..1, false, None)),
        refused,
    )
    .await;
    let client = ofauth_limited(&server.uri(), RateLimit::per_minute(2));
    let started = Instant::now();
    for connection in ["conn_a", "conn_b", "conn_c"] {
        for _ in 0..2 {
            client
                .for_connection(connection)
                .unwrap()
                .messages()
                .list_chats()
                .send()
                .await
                .unwrap();
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "each connection had its own burst"
    );
    client
        .for_connection("conn_a")
        .unwrap()
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(30),
        "conn_a's third call waited for a token"
    );
}

#[tokio::test(start_paused = true)]
async fn the_servers_remaining_count_closes_the_bucket_until_reset() {
    let ok = Fault::json(200, &ofauth_page(0..1, false, None))
        .with_header("x-ratelimit-remaining", "0")
        .with_header("x-ratelimit-reset", "42");
    let server = FaultServer::start(vec![ok]).await;
    let client = ofauth_limited(&server.uri(), RateLimit::per_minute(60));
    let started = Instant::now();
    client.messages().list_chats().send().await.unwrap();
    client.messages().list_chats().send().await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(42) && elapsed < Duration::from_secs(43),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn onlyfansapi_meta_feeds_the_limiter() {
    let mut body = onlyfansapi_page(&[1], None);
    body["_meta"]["_rate_limits"]["remaining_minute"] = 0.into();
    let server = FaultServer::start(vec![Fault::json(200, &body)]).await;
    let client = onlyfansapi_client(&server.uri(), Some(RateLimit::per_minute(1000)));
    let started = Instant::now();
    client
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .send()
        .await
        .unwrap();
    client
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(60),
        "waited for the minute: {:?}",
        started.elapsed()
    );
}

/// Every operation feeds `_meta._rate_limits` to the limiter, not only the
/// handwritten chat messages: a generated one, then the escape hatch.
#[tokio::test(start_paused = true)]
async fn onlyfansapi_meta_of_every_operation_feeds_the_limiter() {
    let body = serde_json::json!({"_meta": {"_rate_limits": {"remaining_minute": 0}}});
    let server = FaultServer::start(vec![Fault::json(200, &body)]).await;
    let client = onlyfansapi_client(&server.uri(), Some(RateLimit::per_minute(1000)));
    let started = Instant::now();
    client.whoami().get().send().await.unwrap();
    client.whoami().get().send().await.unwrap();
    let after_generated = started.elapsed();
    assert!(
        after_generated >= Duration::from_secs(60),
        "the generated call waited for the minute: {after_generated:?}"
    );
    client
        .request(onlyfans_clients::Method::GET, "/api/whoami")
        .send_json()
        .await
        .unwrap();
    let after_escape = started.elapsed() - after_generated;
    assert!(
        after_escape >= Duration::from_secs(60),
        "the escape hatch's call waited for the next minute: {after_escape:?}"
    );
}

/// Without a limiter, a body with `_meta` is never read for it: no wait.
#[tokio::test(start_paused = true)]
async fn onlyfansapi_meta_is_ignored_without_a_limiter() {
    let body = serde_json::json!({"_meta": {"_rate_limits": {"remaining_minute": 0}}});
    let server = FaultServer::start(vec![Fault::json(200, &body)]).await;
    let client = onlyfansapi_client(&server.uri(), None);
    let started = Instant::now();
    client.whoami().get().send().await.unwrap();
    client.whoami().get().send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
}
