//! One rate-limit budget shared through a real Redis (`redis-server` on a free
//! loopback port, started and stopped by each test) by separate client
//! instances, against a fake API that enforces the limit per connection.
//!
//! Redis's clock is real, so the limit is scaled: 60 calls per 2 s instead of
//! per minute (the arithmetic is the same). The fake API forgives 50 ms of
//! arrival jitter (a call reaches it a little after its slot, and not always
//! by the same delay), as any real server's window does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::faults::{Fault, FaultServer};
use crate::support::redis::RedisServer;
use crate::support::*;
use onlyfans_clients::{
    Correction, Error, MemoryStore, RateLimit, RateLimitStore, RedisStore, StoreFailure, ofauth,
    onlyfansapi,
};

const PERIOD: Duration = Duration::from_secs(2);
const CALLS: u32 = 60;
const INTERVAL: Duration = Duration::from_micros(2_000_000 / 60);
const JITTER: Duration = Duration::from_millis(50);

fn limit() -> RateLimit {
    RateLimit::new(CALLS, PERIOD)
}

/// A fake API allowing `CALLS` per `PERIOD` per connection (bursts up to
/// `CALLS`), answering 429 beyond it; counts the refusals.
struct LimitedApi {
    server: FaultServer,
    refused: Arc<AtomicUsize>,
}

async fn limited_api() -> LimitedApi {
    let refused = Arc::new(AtomicUsize::new(0));
    let counted = refused.clone();
    // Per connection: the theoretical arrival time of its next call.
    let buckets: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let ok = Fault::json(200, &ofauth_page(0..1, false, None));
    let server = FaultServer::start_with(Arc::new(move |_, head| {
        let connection = head
            .lines()
            .find_map(|l| l.strip_prefix("x-connection-id: "))
            .unwrap_or_default()
            .to_owned();
        let now = Instant::now();
        let mut buckets = buckets.lock().unwrap();
        let tat = buckets.entry(connection).or_insert(now);
        let next = (*tat).max(now) + INTERVAL;
        if next <= now + INTERVAL * CALLS + JITTER {
            *tat = next;
            ok.clone()
        } else {
            counted.fetch_add(1, Ordering::SeqCst);
            Fault::status(429)
        }
    }))
    .await;
    LimitedApi { server, refused }
}

async fn store(redis: &RedisServer, prefix: &str) -> RedisStore {
    RedisStore::builder(&redis.url())
        .prefix(prefix)
        .connect()
        .await
        .unwrap()
}

/// A separate client (not a clone) on the shared store.
fn client(api: &LimitedApi, store: RedisStore, policy: StoreFailure) -> ofauth::Client {
    ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(api.server.uri())
        .timeout(Duration::from_secs(30))
        .max_retries(0)
        .rate_limit(limit())
        .rate_limit_store(store)
        .rate_limit_store_failure(policy)
        .build()
        .unwrap()
}

/// Four separate clients on one Redis (each its own connection and store).
async fn four_clients(
    api: &LimitedApi,
    redis: &RedisServer,
    prefix: &str,
    policy: StoreFailure,
) -> Vec<ofauth::Client> {
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(client(api, store(redis, prefix).await, policy));
    }
    clients
}

/// `clients` separate clients, each running `loops` sequential loops of
/// `calls` calls on `connections` (taken in turn); returns each client's
/// results and the time its last call finished.
async fn run(
    clients: &[ofauth::Client],
    loops: usize,
    calls: usize,
    connections: &[&'static str],
    started: Instant,
) -> Vec<(Vec<Result<(), Error>>, Duration)> {
    let tasks: Vec<_> = clients
        .iter()
        .map(|client| {
            let client = client.clone();
            let connections = connections.to_vec();
            tokio::spawn(async move {
                let loops: Vec<_> = (0..loops)
                    .map(|n| {
                        let client = client.clone();
                        let connections = connections.clone();
                        tokio::spawn(async move {
                            let mut results = Vec::new();
                            for call in 0..calls {
                                let connection = connections[(n + call) % connections.len()];
                                let result = client
                                    .for_connection(connection)
                                    .unwrap()
                                    .messages()
                                    .list_chats()
                                    .send()
                                    .await
                                    .map(|_| ());
                                results.push(result);
                            }
                            results
                        })
                    })
                    .collect();
                let mut results = Vec::new();
                for one in loops {
                    results.extend(one.await.unwrap());
                }
                (results, started.elapsed())
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// The least time `calls` calls on one bucket can take: a full bucket at
/// once, then one per interval.
fn minimum(calls: u32) -> Duration {
    INTERVAL * calls.saturating_sub(CALLS)
}

/// The run used the budget (no slower than 5 % over the least possible time)
/// and never outran it. Half a second more is allowed for the last call's
/// scheduling on a loaded machine (slots are computed by the store, so a late
/// worker delays only its own call, never the ones after it): a behaviour
/// bound, not a speed target.
fn assert_within_5_percent_of_the_least(elapsed: Duration, calls_per_bucket: u32) {
    let least = minimum(calls_per_bucket);
    let scheduling = Duration::from_millis(500);
    assert!(
        elapsed >= least - Duration::from_millis(5) && elapsed <= least.mul_f64(1.05) + scheduling,
        "{calls_per_bucket} calls per bucket took {elapsed:?}; the least possible is {least:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_clients_share_one_budget_fairly_with_no_429() {
    let redis = RedisServer::start();
    let api = limited_api().await;
    let clients = four_clients(&api, &redis, "t1:", StoreFailure::FailCall).await;
    let started = Instant::now();
    let results = run(&clients, 5, 10, &[CONNECTION], started).await;
    let elapsed = started.elapsed();
    for (client_results, _) in &results {
        for result in client_results {
            assert!(result.is_ok(), "{result:?}");
        }
    }
    assert_eq!(api.refused.load(Ordering::SeqCst), 0, "no call was refused");
    assert_eq!(api.server.hits(), 200);
    assert_within_5_percent_of_the_least(elapsed, 200);
    // Served in arrival order: the 20 loops take turns, so no client finishes
    // more than about one turn of them (20 intervals) before the last one;
    // a starved client would finish last by far, a favoured one early.
    for (_, finished) in &results {
        assert!(
            *finished + INTERVAL * 25 >= elapsed,
            "a client finished at {finished:?} of {elapsed:?}"
        );
    }
    // One Redis round trip per call: the server agreed with the bucket.
    assert_eq!(redis.calls_of("evalsha"), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_connections_interleaved_each_have_their_own_budget() {
    let redis = RedisServer::start();
    let api = limited_api().await;
    let clients = four_clients(&api, &redis, "t2:", StoreFailure::FailCall).await;
    let started = Instant::now();
    let results = run(&clients, 5, 10, &["conn_a", "conn_b"], started).await;
    let elapsed = started.elapsed();
    assert!(results.iter().flat_map(|(r, _)| r).all(Result::is_ok));
    assert_eq!(api.refused.load(Ordering::SeqCst), 0, "no call was refused");
    // 100 calls on each bucket, side by side.
    assert_within_5_percent_of_the_least(elapsed, 100);
    // Two buckets, named without the key or the connection, expiring.
    let keys = redis.command("KEYS t2:*").unwrap();
    assert_eq!(
        keys.matches("t2:rate-limit:127.0.0.1:").count(),
        2,
        "{keys}"
    );
    for secret in [OFAUTH_KEY, "conn_a", "conn_b"] {
        assert!(!keys.contains(secret), "{keys}");
    }
    let key = keys.lines().find(|l| l.starts_with("t2:")).unwrap();
    let ttl = redis.command(&format!("PTTL {key}")).unwrap();
    let ttl: i64 = ttl.trim().trim_start_matches(':').parse().unwrap();
    assert!(ttl > 0 && ttl <= PERIOD.as_millis() as i64 + 1_000, "{ttl}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_calls_go_on_with_local_buckets_then_share_again() {
    let logs = global_logs();
    let mut redis = RedisServer::start();
    let api = limited_api().await;
    let clients = four_clients(&api, &redis, "t3:", StoreFailure::UseLocalBucket).await;
    let started = Instant::now();
    let run_all = run(&clients, 5, 10, &[CONNECTION], started);
    let outage = async {
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        redis.kill();
        tokio::time::sleep(Duration::from_millis(1_000)).await;
        redis.restart();
    };
    let (results, ()) = tokio::join!(run_all, outage);
    // Every call completed or failed with a typed error (the API's 429: each
    // process limited alone for a while); none hung or panicked.
    for result in results.iter().flat_map(|(r, _)| r) {
        match result {
            Ok(()) | Err(Error::RateLimited { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(started.elapsed() < Duration::from_secs(15));
    // Back: let the API's window refill, then the four share again.
    tokio::time::sleep(PERIOD + Duration::from_millis(200)).await;
    let refused_before = api.refused.load(Ordering::SeqCst);
    let evals_before = redis.calls_of("evalsha");
    let again = Instant::now();
    let results = run(&clients, 5, 10, &[CONNECTION], again).await;
    for result in results.iter().flat_map(|(r, _)| r) {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_eq!(api.refused.load(Ordering::SeqCst), refused_before);
    assert!(redis.calls_of("evalsha") >= evals_before + 200);
    assert!(again.elapsed() >= minimum(200) - Duration::from_millis(5));
    // Logged once per outage and client, not per call: these four, and at
    // most two more from the other test of this binary with such a client.
    let text = logs.text();
    let outages = text.matches("limiting with a local bucket").count();
    let recoveries = text.matches("rate limit store answers again").count();
    assert!((4..=6).contains(&outages), "{outages} outage warnings");
    assert!(recoveries >= 4, "{recoveries} recoveries logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_or_frozen_redis_never_holds_a_call_past_its_deadline() {
    let mut redis = RedisServer::start();
    let api = limited_api().await;
    let failing = client(&api, store(&redis, "t4:").await, StoreFailure::FailCall);
    let local = client(
        &api,
        store(&redis, "t4:").await,
        StoreFailure::UseLocalBucket,
    );
    failing.messages().list_chats().send().await.unwrap();

    // Frozen: connections open, no answer. Bounded by the store's timeout.
    redis.freeze();
    let started = Instant::now();
    let error = failing.messages().list_chats().send().await.unwrap_err();
    assert!(matches!(error, Error::RateLimitStore { .. }), "{error:?}");
    assert!(error.to_string().contains("not sent"), "{error}");
    local.messages().list_chats().send().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    redis.thaw();

    // Killed: refused at once, then reconnected on its own once it is back.
    redis.kill();
    let started = Instant::now();
    assert!(matches!(
        failing.messages().list_chats().send().await,
        Err(Error::RateLimitStore { .. })
    ));
    local.messages().list_chats().send().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    redis.restart();
    let back = Instant::now();
    loop {
        match failing.messages().list_chats().send().await {
            Ok(_) => break,
            Err(Error::RateLimitStore { .. }) if back.elapsed() < Duration::from_secs(10) => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            other => panic!("{other:?}"),
        }
    }
}

/// What one client hears from the server pauses the others: a 429's
/// `Retry-After`, or `X-RateLimit-Remaining: 0` with its reset.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_pause_seen_by_one_client_delays_the_others() {
    let redis = RedisServer::start();
    let pauses = [
        (
            "retry-after",
            Fault::status(429).with_header("retry-after", "1"),
        ),
        (
            "none left",
            Fault::json(200, &ofauth_page(0..1, false, None))
                .with_header("x-ratelimit-remaining", "0")
                .with_header("x-ratelimit-reset", "1"),
        ),
    ];
    for (n, (what, pause)) in pauses.into_iter().enumerate() {
        let server = FaultServer::start_with(Arc::new(move |n, _| {
            if n == 0 {
                pause.clone()
            } else {
                Fault::json(200, &ofauth_page(0..1, false, None))
            }
        }))
        .await;
        let api = LimitedApi {
            server,
            refused: Arc::default(),
        };
        let prefix = format!("t5-{n}:");
        let first = client(&api, store(&redis, &prefix).await, StoreFailure::FailCall);
        let second = client(&api, store(&redis, &prefix).await, StoreFailure::FailCall);
        let _ = first.messages().list_chats().send().await;
        let started = Instant::now();
        second.messages().list_chats().send().await.unwrap();
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(900) && waited < Duration::from_millis(1_500),
            "{what}: the other client waited {waited:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_beyond_the_deadline_fails_at_once_without_taking_it() {
    let redis = RedisServer::start();
    let api = limited_api().await;
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(api.server.uri())
        .timeout(Duration::from_millis(500))
        .rate_limit(RateLimit::new(2, Duration::from_secs(10)))
        .rate_limit_store(store(&redis, "t6:").await)
        .build()
        .unwrap();
    client.messages().list_chats().send().await.unwrap();
    client.messages().list_chats().send().await.unwrap();
    let started = Instant::now();
    let error = client.messages().list_chats().send().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(200));
    match &error {
        Error::RateLimitWait { wait, timeout, .. } => {
            assert!(*wait > Duration::from_secs(4), "{wait:?}");
            assert_eq!(*timeout, Duration::from_millis(500));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(api.server.hits(), 2, "nothing was sent");
}

/// The Lua in Redis and the Rust in memory are one algorithm: the same
/// operations give the same answers (waits within the few milliseconds
/// the sequence takes to run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_and_memory_stores_answer_alike() {
    let redis = RedisServer::start();
    let shared = store(&redis, "t7:").await;
    let memory = MemoryStore::new();
    let limit = RateLimit::new(5, Duration::from_secs(50));
    let stores: [&dyn RateLimitStore; 2] = [&shared, &memory];
    let mut answers: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
    let forever = Duration::from_secs(3600);
    for (store, answers) in stores.iter().zip(&mut answers) {
        for step in 0..12 {
            let bucket = if step % 4 == 3 { "other" } else { "one" };
            match step {
                5 => store
                    .correct(
                        "one",
                        limit,
                        Correction::Remaining {
                            remaining: 0,
                            reset_in: Duration::from_secs(30),
                        },
                    )
                    .await
                    .unwrap(),
                8 => store
                    .correct(
                        "other",
                        limit,
                        Correction::RetryAfter(Duration::from_secs(70)),
                    )
                    .await
                    .unwrap(),
                _ => {}
            }
            let max_wait = if step == 10 {
                Duration::from_secs(5)
            } else {
                forever
            };
            let r = store.reserve(bucket, limit, max_wait).await.unwrap();
            answers.push(format!(
                "{bucket}: wait {}s taken {} remaining {}",
                (r.wait.as_millis() + 50) / 1000,
                r.taken,
                r.remaining
            ));
        }
    }
    assert_eq!(answers[0], answers[1]);
    insta::assert_snapshot!(answers[0].join("\n"), @r"
    one: wait 0s taken true remaining 4
    one: wait 0s taken true remaining 3
    one: wait 0s taken true remaining 2
    other: wait 0s taken true remaining 4
    one: wait 0s taken true remaining 1
    one: wait 30s taken true remaining 3
    one: wait 30s taken true remaining 2
    other: wait 0s taken true remaining 3
    one: wait 30s taken true remaining 1
    one: wait 30s taken true remaining 0
    one: wait 40s taken false remaining 0
    other: wait 70s taken true remaining 4
    ");
}

/// The balance one client hears is shared through Redis: another client (a
/// separate process's, in production) is refused without sending, and
/// neither the day limit nor the floor costs a round trip while the
/// server's numbers are far from them.
#[tokio::test]
async fn a_balance_below_the_floor_heard_by_one_client_stops_the_other() {
    let redis = RedisServer::start();
    let body = |balance: u64| {
        let mut body = onlyfansapi_page(&[1], None);
        body["_meta"]["_credits"]["balance"] = balance.into();
        body
    };
    let server = FaultServer::start(vec![
        Fault::json(200, &body(5_000)),
        Fault::json(200, &body(5_000)),
        Fault::json(200, &body(40)),
    ])
    .await;
    let mut clients = Vec::new();
    for _ in 0..2 {
        let store = store(&redis, "credits:").await;
        clients.push(
            onlyfansapi::Client::builder()
                .api_key(ONLYFANSAPI_KEY)
                .base_url(server.uri())
                .rate_limit(RateLimit::per_minute(1_000).and_per_day(50_000))
                .credits_floor(100)
                .rate_limit_store(store)
                .build()
                .unwrap(),
        );
    }
    let evalsha_before = redis.calls_of("evalsha");
    clients[0].whoami().get().send().await.unwrap();
    clients[1].whoami().get().send().await.unwrap();
    assert_eq!(
        redis.calls_of("evalsha") - evalsha_before,
        2,
        "one round trip a call while far from the day limit and the floor"
    );
    clients[0].whoami().get().send().await.unwrap();
    let error = clients[1].whoami().get().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            onlyfans_clients::Error::CreditsFloor { balance: 40, .. }
        ),
        "{error}"
    );
    assert_eq!(server.hits(), 3);
}

/// The daily window and the credits floor too: the Lua and the Rust agree
/// step by step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_and_memory_stores_agree_on_the_day_and_the_floor() {
    let redis = RedisServer::start();
    let shared = store(&redis, "t8:").await;
    let memory = MemoryStore::new();
    let limit = RateLimit::new(5, Duration::from_secs(50))
        .and_per_day(8)
        .credits_floor(10);
    let stores: [&dyn RateLimitStore; 2] = [&shared, &memory];
    let mut answers: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
    let forever = Duration::from_secs(7 * 86_400);
    for (store, answers) in stores.iter().zip(&mut answers) {
        for step in 0..12 {
            match step {
                3 => store
                    .correct("d", limit, Correction::DayRemaining { remaining: 3 })
                    .await
                    .unwrap(),
                9 => store
                    .correct("d", limit, Correction::Credits { balance: 9 })
                    .await
                    .unwrap(),
                _ => {}
            }
            let r = store.reserve("d", limit, forever).await.unwrap();
            answers.push(format!(
                "wait {}s taken {} remaining {} below floor {:?}",
                (r.wait.as_millis() + 50) / 1000,
                r.taken,
                r.remaining,
                r.below_credits_floor
            ));
        }
    }
    assert_eq!(answers[0], answers[1]);
    insta::assert_snapshot!(answers[0].join("\n"), @r"
    wait 0s taken true remaining 4 below floor None
    wait 0s taken true remaining 3 below floor None
    wait 0s taken true remaining 2 below floor None
    wait 0s taken true remaining 1 below floor None
    wait 0s taken true remaining 0 below floor None
    wait 10s taken true remaining 0 below floor None
    wait 10800s taken true remaining 0 below floor None
    wait 21600s taken true remaining 0 below floor None
    wait 32400s taken true remaining 0 below floor None
    wait 0s taken false remaining 0 below floor Some(9)
    wait 0s taken false remaining 0 below floor Some(9)
    wait 0s taken false remaining 0 below floor Some(9)
    ");
}
