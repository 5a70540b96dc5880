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

/// An OnlyFansAPI answer whose `_meta` reports `remaining_day` calls left
/// today and a `balance` of credits.
fn meta_body(remaining_day: u64, balance: u64) -> serde_json::Value {
    let mut body = onlyfansapi_page(&[1], None);
    body["_meta"]["_rate_limits"]["remaining_day"] = remaining_day.into();
    body["_meta"]["_credits"]["balance"] = balance.into();
    body
}

async fn whoami(client: &onlyfansapi::Client) -> Result<(), onlyfans_clients::Error> {
    client.whoami().get().send().await.map(|_| ())
}

/// The daily limit is a second window on the same bucket: a burst the
/// minute allows stops at the day's calls, and a call whose turn is beyond
/// its timeout fails at once, unsent.
#[tokio::test(start_paused = true)]
async fn a_day_limit_holds_calls_the_minute_limit_allows() {
    let server = FaultServer::start(vec![Fault::json(200, &meta_body(40_000, 9_999))]).await;
    let client = onlyfansapi_client(
        &server.uri(),
        Some(RateLimit::per_minute(1_000).and_per_day(3)),
    );
    let started = Instant::now();
    for _ in 0..3 {
        whoami(&client).await.unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(1));
    // The fourth call's turn is 8 hours away (a day / 3), beyond its hour.
    let error = whoami(&client).await.unwrap_err();
    let onlyfans_clients::Error::RateLimitWait { wait, .. } = &error else {
        panic!("{error}")
    };
    assert!(*wait > Duration::from_secs(7 * 3600), "{wait:?}");
    assert_eq!(server.hits(), 3, "the refused call was not sent");
}

/// `remaining_day` tightens the daily window once the day's calls run low:
/// the server counts one left, so after it calls go at the day's pace.
#[tokio::test(start_paused = true)]
async fn the_reported_remaining_day_tightens_the_day_limit() {
    let server = FaultServer::start(vec![Fault::json(200, &meta_body(1, 9_999))]).await;
    let client = onlyfansapi_client(
        &server.uri(),
        Some(RateLimit::per_minute(1_000).and_per_day(1_000)),
    );
    let started = Instant::now();
    whoami(&client).await.unwrap();
    whoami(&client).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "the one left");
    whoami(&client).await.unwrap();
    let waited = started.elapsed();
    // A day / 1,000 = 86.4 s.
    assert!(
        waited >= Duration::from_secs(86) && waited < Duration::from_secs(88),
        "{waited:?}"
    );
}

/// Once the reported balance is below the floor, calls are refused with a
/// typed error and not sent; the report is believed for 10 minutes, then
/// one call goes out and a topped-up balance lets calls go again.
#[tokio::test(start_paused = true)]
async fn the_credits_floor_refuses_calls_once_the_balance_is_below_it() {
    let server = FaultServer::start(vec![
        Fault::json(200, &meta_body(40_000, 150)),
        Fault::json(200, &meta_body(40_000, 99)),
        Fault::json(200, &meta_body(40_000, 5_000)),
    ])
    .await;
    // No rate limit: the floor alone.
    let client = onlyfansapi::Client::builder()
        .api_key(ONLYFANSAPI_KEY)
        .base_url(server.uri())
        .credits_floor(100)
        .http_client(patient_http_client())
        .build()
        .unwrap();
    whoami(&client).await.unwrap();
    whoami(&client).await.unwrap();
    let error = whoami(&client).await.unwrap_err();
    assert!(
        matches!(
            error,
            onlyfans_clients::Error::CreditsFloor {
                balance: 99,
                floor: 100,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("balance of 99 credits, below the client's floor of 100"),
        "{error}"
    );
    assert_eq!(server.hits(), 2, "refused before sending");
    tokio::time::advance(Duration::from_secs(9 * 60)).await;
    assert!(whoami(&client).await.is_err(), "still believed");
    tokio::time::advance(Duration::from_secs(61)).await;
    whoami(&client).await.unwrap();
    whoami(&client).await.unwrap();
    assert_eq!(server.hits(), 4);
}

/// A store that says it took a slot an hour away, whatever the caller's
/// longest wait (a custom store's bug, or a bad reply).
#[derive(Debug)]
struct MisreportingStore;

impl onlyfans_clients::RateLimitStore for MisreportingStore {
    fn reserve<'a>(
        &'a self,
        _bucket: &'a str,
        _limit: RateLimit,
        _max_wait: Duration,
    ) -> onlyfans_clients::StoreFuture<'a, onlyfans_clients::Reservation> {
        Box::pin(async {
            Ok(onlyfans_clients::Reservation {
                wait: HOUR,
                taken: true,
                remaining: 0,
                below_credits_floor: None,
            })
        })
    }

    fn correct<'a>(
        &'a self,
        _bucket: &'a str,
        _limit: RateLimit,
        _correction: onlyfans_clients::Correction,
    ) -> onlyfans_clients::StoreFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// Issue 39, 7: a wait beyond the call's limit is never slept, whatever the
/// store answers: the call ends at once with `RateLimitWait`, nothing sent.
#[tokio::test(start_paused = true)]
async fn a_store_answering_a_wait_beyond_the_call_s_limit_is_not_slept() {
    let server = FaultServer::start(vec![Fault::json(200, &ofauth_page(0..1, false, None))]).await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .rate_limit(RateLimit::per_minute(60))
        .rate_limit_store(MisreportingStore)
        .http_client(patient_http_client())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.messages().list_chats().send().await.unwrap_err();
    assert!(
        matches!(error, onlyfans_clients::Error::RateLimitWait { wait, .. } if wait == HOUR),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 0);
}
