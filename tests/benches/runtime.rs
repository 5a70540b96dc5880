//! Runtime benchmarks, each against its baseline in the same run:
//!
//! 1. decode: 1 MB bodies of both APIs into the generated types vs `serde_json::Value`;
//! 2. requests: 1,000 sequential GETs through each generated request builder vs bare reqwest +
//!    `serde_json::from_slice` into the generated type, on a loopback server;
//! 3. paging: 50 pages × 100 items with 2 ms server latency and 1 ms of caller
//!    work per page, `stream()` vs a hand-written sequential loop;
//! 4. memory: peak heap while streaming 10k vs 100k messages (counting allocator);
//! 5. rate limiter: per-call time with a Redis-backed limiter vs the in-process
//!    one vs none, on loopback (a `redis-server` of its own), and Redis round
//!    trips per call;
//! 6. lenient: the lenient decode of adversarial bodies (every item misfitting
//!    in a place of its own; misfits in maps and untagged unions) of 78 KB,
//!    1 MB and 8 MB vs one `serde_json::Value` parse of the same body.
//!
//! `cargo bench -p onlyfans-clients-tests --bench runtime` prints criterion's figures, then the ratios;
//! `-- lenient` runs the sixth alone.
//! The ratios come from alternating rounds of the two sides (not from
//! criterion's runs one after the other): this shared machine's speed drifts
//! enough between consecutive benchmarks to move a ratio by 30%.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use futures::{StreamExt, TryStreamExt};
use onlyfans_clients::{RateLimit, ofauth, onlyfansapi};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Counts live and peak heap bytes (for the memory benchmark).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const KEY: &str = "bench-key";

/// The repository (this package is its `tests/` directory).
fn root() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The OnlyFansAPI spec's example page.
fn onlyfansapi_example() -> Value {
    let spec = onlyfans_codegen::prepare(onlyfans_codegen::apis::ONLYFANSAPI, root())
        .unwrap()
        .spec;
    onlyfans_codegen::examples::declared_response_example(
        &spec,
        "get",
        "/api/{account}/chats/{chat_id}/messages",
    )
    .unwrap()
}

/// A chat as OFAuth sends it: schema-synthesized, with the real media objects.
fn ofauth_chat_template() -> Value {
    let spec = onlyfans_codegen::prepare(onlyfans_codegen::apis::OFAUTH, root())
        .unwrap()
        .spec;
    let schema =
        onlyfans_codegen::examples::response_schema(&spec, "get", "/v2/access/chats").unwrap();
    let mut chat = onlyfans_codegen::examples::synthesize(&spec, schema)["list"][0].clone();
    chat["lastMessage"]["media"] = onlyfansapi_example()["data"][1]["media"].clone();
    chat
}

fn ofauth_body(chats: usize, template: &Value) -> Value {
    let list: Vec<Value> = (0..chats as u64)
        .map(|i| {
            let mut chat = template.clone();
            chat["withUser"]["id"] = json!(100_000 + i);
            chat["lastMessage"]["id"] = json!(1_234_567_000_000u64 + i);
            chat
        })
        .collect();
    json!({"list": list, "hasMore": false})
}

fn onlyfansapi_body(ids: &[u64], next: Option<u64>, example: &Value) -> Value {
    let items = example["data"].as_array().unwrap();
    let data: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut m = items[(*id % 2) as usize].clone();
            m["id"] = json!(id);
            m
        })
        .collect();
    let mut body = example.clone();
    body["data"] = Value::Array(data);
    body["_pagination"]["next_page"] = match next {
        Some(c) => json!(format!(
            "https://app.onlyfansapi.com/api/acct_1/chats/9/messages?id={c}"
        )),
        None => Value::Null,
    };
    body
}

/// Repeats items until the serialized body is at least 1 MB.
fn one_megabyte(make: impl Fn(usize) -> Value) -> Vec<u8> {
    let mut n = 16;
    loop {
        let bytes = serde_json::to_vec(&make(n)).unwrap();
        if bytes.len() >= 1 << 20 {
            return bytes;
        }
        n = n * 3 / 2;
    }
}

/// Given a request's path and query: the body to send and the latency to simulate.
type Answer = Arc<dyn Fn(&str) -> (Vec<u8>, Duration) + Send + Sync>;

/// A keep-alive HTTP/1.1 server on loopback.
async fn serve(answer: Answer) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            // Without it, delayed ACKs stall each small response ~40 ms.
            let _ = socket.set_nodelay(true);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buf = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    buf.drain(..end);
                    let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
                    let (body, delay) = answer(&target);
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    let mut response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    response.extend_from_slice(&body);
                    if socket.write_all(&response).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn query(target: &str, name: &str) -> Option<u64> {
    let q = target.split_once('?')?.1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// Criterion throughput of typed and `Value` decoding of 1 MB bodies, and per
/// API how many times faster typed decoding is (interleaved rounds).
fn bench_decode(c: &mut Criterion, rt: &tokio::runtime::Runtime) -> Vec<(&'static str, f64)> {
    let template = ofauth_chat_template();
    let example = onlyfansapi_example();
    let ofauth = one_megabyte(|n| ofauth_body(n, &template));
    let onlyfansapi =
        one_megabyte(|n| onlyfansapi_body(&(1..=n as u64).collect::<Vec<_>>(), None, &example));
    let typed = |api: &str, body: &[u8]| match api {
        "ofauth" => onlyfans_clients::decode::<ofauth::raw::types::ChatsListResponse>(body)
            .map(|p| p.list.len())
            .unwrap(),
        _ => onlyfans_clients::decode::<onlyfansapi::raw::types::ListChatMessagesResponse>(body)
            .map(|p| p.data.len())
            .unwrap(),
    };
    let value = |body: &[u8]| serde_json::from_slice::<Value>(body).unwrap();
    let mut group = c.benchmark_group("decode");
    let mut speedups = Vec::new();
    for (api, body) in [("ofauth", &ofauth), ("onlyfansapi", &onlyfansapi)] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("typed", api), body, |b, body| {
            b.iter(|| typed(api, body))
        });
        group.bench_with_input(BenchmarkId::new("value", api), body, |b, body| {
            b.iter(|| value(body))
        });
        let ratio = interleaved_ratio(
            rt,
            40,
            async || {
                std::hint::black_box(value(body));
            },
            async || {
                std::hint::black_box(typed(api, body));
            },
        );
        speedups.push((api, ratio));
    }
    // The misfit path: the same OFAuth megabyte with a misfit in every chat
    // (an unread count with cents, where the type says integer), decoded
    // leniently, against the fitting body's typed decode (the fast path, which
    // the lenient default takes when a body fits).
    let misfitting: Vec<u8> = {
        let mut body: Value = serde_json::from_slice(&ofauth).unwrap();
        for chat in body["list"].as_array_mut().unwrap() {
            chat["unreadMessagesCount"] = json!(1.5);
        }
        serde_json::to_vec(&body).unwrap()
    };
    let lenient = |body: &[u8]| {
        onlyfans_clients::decode_lenient::<ofauth::raw::types::ChatsListResponse>(body)
            .map(|(page, misfits)| (page.list.len(), misfits.len()))
            .unwrap()
    };
    let (items, misfits) = lenient(&misfitting);
    assert!(
        items > 0 && misfits == items,
        "{items} items, {misfits} misfits"
    );
    group.throughput(Throughput::Bytes(misfitting.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("lenient, a misfit per item", "ofauth"),
        &misfitting,
        |b, body| b.iter(|| lenient(body)),
    );
    let misfit_cost = interleaved_ratio(
        rt,
        40,
        async || {
            std::hint::black_box(lenient(&misfitting));
        },
        async || {
            std::hint::black_box(typed("ofauth", &ofauth));
        },
    );
    speedups.push(("ofauth misfit path", misfit_cost));
    group.finish();
    speedups
}

/// A chat of the OFAuth page with a misfit of its own: ten kinds, at the
/// chat, in its last message, its sender, its media count.
fn misfitting_chat(template: &Value, i: usize) -> Value {
    let breakers: [(&str, Value); 10] = [
        ("/unreadMessagesCount", json!(1.5)),
        ("/lastMessage/id", json!("abc")),
        ("/lastMessage/createdAt", json!("not a date")),
        ("/lastMessage/fromUser/id", json!(-5)),
        ("/withUser", json!("u1")),
        ("/lastMessage/previews", json!(["a"])),
        ("/lastMessage/text", json!(7)),
        ("/canSendMessage", json!("yes")),
        ("/lastMessage/mediaCount", json!({"n": 1})),
        ("/countPinnedMessages", json!([1])),
    ];
    let mut chat = template.clone();
    chat["withUser"]["id"] = json!(100_000 + i);
    let (at, value) = &breakers[i % breakers.len()];
    *chat.pointer_mut(at).unwrap() = value.clone();
    chat
}

/// Holders of media maps and untagged unions, misfitting in both.
#[derive(serde::Deserialize)]
struct Holders {
    #[allow(dead_code)]
    list: Vec<Holder>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Holder {
    id: u64,
    media: std::collections::HashMap<String, Media>,
    value: Option<Union>,
    values: Option<Vec<Union>>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Media {
    id: u64,
    size: Option<u64>,
    kind: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Union {
    Number(u64),
    Text(String),
    Media(Media),
}

/// A large required field beside the list: every round must carry it, so
/// the lenient decode spends its whole budget and gives up.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Heavy {
    big: Vec<u64>,
    list: Vec<Holder>,
}

fn misfitting_holder(h: usize) -> Value {
    let media: serde_json::Map<String, Value> = (0..20usize)
        .map(|m| {
            let entry = match (h + m) % 4 {
                0 => json!({"id": m, "size": format!("{m}kb")}),
                1 => json!({"id": m, "kind": 7, "size": m * 1000}),
                2 => json!({"id": [m], "kind": "photo"}),
                _ => json!({"id": m, "size": m, "kind": "video"}),
            };
            (format!("media_{m}"), entry)
        })
        .collect();
    json!({
        "id": h,
        "media": media,
        "value": {"id": "not a number", "kind": "photo"},
        "values": [h, {"id": h, "kind": "photo"}, [h], "text", {"size": -1}],
    })
}

/// Items until the serialized body reaches `bytes`.
fn body_of(bytes: usize, item: impl Fn(usize) -> Value) -> Vec<u8> {
    let mut list = Vec::new();
    let mut size = 0;
    while size < bytes {
        let next = item(list.len());
        size += serde_json::to_vec(&next).unwrap().len() + 1;
        list.push(next);
    }
    serde_json::to_vec(&json!({"list": list, "hasMore": true})).unwrap()
}

/// Per adversarial body: its size, the lenient decode's time over one
/// `Value` parse's (interleaved rounds), and the bytes it decoded over the
/// body's.
fn bench_lenient(rt: &tokio::runtime::Runtime) -> Vec<(&'static str, usize, f64, f64)> {
    let template = ofauth_chat_template();
    let chats = |size| body_of(size, |i| misfitting_chat(&template, i));
    let holders = |size| body_of(size, misfitting_holder);
    let chats_lenient = |body: &[u8]| {
        let (page, misfits) =
            onlyfans_clients::decode_lenient::<ofauth::raw::types::ChatsListResponse>(body)
                .unwrap();
        assert!(misfits.len() >= page.list.len());
    };
    let holders_lenient = |body: &[u8]| {
        let (_, misfits) = onlyfans_clients::decode_lenient::<Holders>(body).unwrap();
        assert!(!misfits.is_empty());
    };
    let heavy_lenient = |body: &[u8]| {
        let error = onlyfans_clients::decode_lenient::<Heavy>(body)
            .err()
            .unwrap();
        assert!(error.to_string().contains("budget"), "{error}");
    };
    let heavy = |size: usize| {
        let mut body: Value = serde_json::from_slice(&holders(size / 2)).unwrap();
        body["big"] = json!((0..size as u64 / 16).collect::<Vec<_>>());
        serde_json::to_vec(&body).unwrap()
    };
    let value = |body: &[u8]| {
        std::hint::black_box(serde_json::from_slice::<Value>(body).unwrap());
    };
    let mut results = Vec::new();
    for (name, size, rounds) in [
        ("every chat misfitting its own way", 78_000, 20),
        ("every chat misfitting its own way", 1_000_000, 8),
        ("every chat misfitting its own way", 8_000_000, 3),
        ("maps and untagged unions misfitting", 78_000, 20),
        ("maps and untagged unions misfitting", 1_000_000, 8),
        (
            "a required large field in every round (budget spent)",
            78_000,
            20,
        ),
        (
            "a required large field in every round (budget spent)",
            1_000_000,
            8,
        ),
    ] {
        let body = match name.split(' ').next() {
            Some("maps") => holders(size),
            Some("a") => heavy(size),
            _ => chats(size),
        };
        let decode = |body: &[u8]| match name.split(' ').next() {
            Some("maps") => holders_lenient(body),
            Some("a") => heavy_lenient(body),
            _ => chats_lenient(body),
        };
        decode(&body);
        let work = onlyfans_clients::transport::decode::last_lenient_work();
        let ratio = interleaved_ratio(rt, rounds, async || decode(&body), async || value(&body));
        results.push((
            name,
            body.len(),
            ratio,
            work.decoded_bytes as f64 / body.len() as f64,
        ));
    }
    results
}

const REQUESTS: usize = 1000;

/// Criterion figures for 1,000 sequential GETs through each facade and a bare
/// reqwest client, and the facade/bare ratio per API.
fn bench_requests(c: &mut Criterion, rt: &tokio::runtime::Runtime) -> Vec<(&'static str, f64)> {
    let template = ofauth_chat_template();
    let example = onlyfansapi_example();
    let ofauth_page = serde_json::to_vec(&ofauth_body(10, &template)).unwrap();
    let messages_page = serde_json::to_vec(&onlyfansapi_body(
        &(1..=10).collect::<Vec<_>>(),
        None,
        &example,
    ))
    .unwrap();
    let base = rt.block_on(serve(Arc::new(move |target: &str| {
        let body = if target.starts_with("/v2/") {
            ofauth_page.clone()
        } else {
            messages_page.clone()
        };
        (body, Duration::ZERO)
    })));
    let of = ofauth::Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .build()
        .unwrap();
    let api = onlyfansapi::Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .build()
        .unwrap();
    // Same TLS setup as the facade's (rustls with ring); the requests are plain HTTP anyway.
    let bare = onlyfans_clients::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    // The generated request builders (every operation's builder is this same
    // code path).
    let ofauth_facade = async || {
        for _ in 0..BATCH {
            of.messages().list_chats().send().await.unwrap();
        }
    };
    // What the bare side does per call: send, read the whole body.
    let body_of = async |request: reqwest::RequestBuilder| {
        request.send().await.unwrap().bytes().await.unwrap()
    };
    let ofauth_bare = async || {
        for _ in 0..BATCH {
            let bytes = body_of(
                bare.get(format!("{base}/v2/access/chats"))
                    .header("apiKey", KEY),
            )
            .await;
            serde_json::from_slice::<ofauth::raw::types::ChatsListResponse>(&bytes).unwrap();
        }
    };
    let onlyfansapi_facade = async || {
        for _ in 0..BATCH {
            api.account("acct_1")
                .chats()
                .messages()
                .list("9")
                .send()
                .await
                .unwrap();
        }
    };
    let onlyfansapi_bare = async || {
        for _ in 0..BATCH {
            let bytes = body_of(
                bare.get(format!("{base}/api/acct_1/chats/9/messages"))
                    .bearer_auth(KEY),
            )
            .await;
            serde_json::from_slice::<onlyfansapi::raw::types::ListChatMessagesResponse>(&bytes)
                .unwrap();
        }
    };
    // Criterion's absolute figures, 1,000 requests per iteration.
    let mut group = c.benchmark_group("requests");
    group.sample_size(10);
    thousand_requests(&mut group, rt, "ofauth facade", &ofauth_facade);
    thousand_requests(&mut group, rt, "ofauth bare", &ofauth_bare);
    thousand_requests(&mut group, rt, "onlyfansapi facade", &onlyfansapi_facade);
    thousand_requests(&mut group, rt, "onlyfansapi bare", &onlyfansapi_bare);
    group.finish();
    // The ratios: facade and bare in alternating rounds, so that this shared
    // machine's drifting speed hits both alike (criterion's runs one after
    // the other differed by up to 30% between identical benchmarks).
    vec![
        (
            "ofauth",
            interleaved_ratio(rt, 60, ofauth_facade, ofauth_bare),
        ),
        (
            "onlyfansapi",
            interleaved_ratio(rt, 60, onlyfansapi_facade, onlyfansapi_bare),
        ),
        // Control: the same code against itself shows the method's own noise.
        (
            "control (ofauth bare vs itself)",
            interleaved_ratio(rt, 60, ofauth_bare, ofauth_bare),
        ),
    ]
}

fn thousand_requests(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rt: &tokio::runtime::Runtime,
    name: &str,
    batch: &impl AsyncFn(),
) {
    group.bench_function(name, |b| {
        b.to_async(rt).iter(|| async {
            for _ in 0..REQUESTS / BATCH {
                batch().await;
            }
        })
    });
}

/// Requests per timed batch of the interleaved comparison.
const BATCH: usize = 50;

/// Median time of `a` over median time of `b`, measured in alternating rounds
/// (which goes first alternates too).
fn interleaved_ratio(
    rt: &tokio::runtime::Runtime,
    rounds: usize,
    a: impl AsyncFn(),
    b: impl AsyncFn(),
) -> f64 {
    let (mut times_a, mut times_b) = (Vec::new(), Vec::new());
    rt.block_on(async {
        for round in 0..rounds {
            for a_turn in [round % 2 == 0, round % 2 == 1] {
                let started = std::time::Instant::now();
                if a_turn {
                    a().await
                } else {
                    b().await
                }
                let elapsed = started.elapsed();
                if a_turn {
                    times_a.push(elapsed);
                } else {
                    times_b.push(elapsed);
                }
            }
        }
    });
    let median = |mut t: Vec<Duration>| {
        t.sort();
        t[t.len() / 2].as_secs_f64()
    };
    median(times_a) / median(times_b)
}

const PAGES: u64 = 50;
const PER_PAGE: u64 = 100;

/// A chat of 5,000 messages, newest first, by cursor.
fn paging_server(rt: &tokio::runtime::Runtime, latency: Duration) -> String {
    let example = onlyfansapi_example();
    let total = PAGES * PER_PAGE;
    rt.block_on(serve(Arc::new(move |target: &str| {
        let start = query(target, "id").unwrap_or(total);
        let ids: Vec<u64> = (1..=start).rev().take(PER_PAGE as usize + 1).collect();
        let next = (ids.len() > PER_PAGE as usize).then(|| ids[PER_PAGE as usize]);
        let page = &ids[..ids.len().min(PER_PAGE as usize)];
        (
            serde_json::to_vec(&onlyfansapi_body(page, next, &example)).unwrap(),
            latency,
        )
    })))
}

/// The caller's work on one page.
async fn work_on_page() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

/// Criterion figures for consuming 50 pages through `stream()` and through a
/// sequential page loop, and the stream/loop ratio (interleaved rounds).
fn bench_paging(c: &mut Criterion, rt: &tokio::runtime::Runtime) -> f64 {
    let base = paging_server(rt, Duration::from_millis(2));
    let api = onlyfansapi::Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .build()
        .unwrap();
    let stream = async || {
        let mut stream = std::pin::pin!(
            api.account("acct_1")
                .chats()
                .messages()
                .list("9")
                .limit(PER_PAGE)
                .stream()
        );
        let mut n = 0u64;
        while let Some(_message) = stream.try_next().await.unwrap() {
            n += 1;
            if n.is_multiple_of(PER_PAGE) {
                work_on_page().await;
            }
        }
        assert_eq!(n, PAGES * PER_PAGE);
    };
    let sequential = async || {
        let mut next_page: Option<String> = None;
        let mut n = 0u64;
        loop {
            let mut request = api
                .account("acct_1")
                .chats()
                .messages()
                .list("9")
                .limit(PER_PAGE);
            if let Some(next) = &next_page {
                request = request.next_page(next);
            }
            let page = request.send().await.unwrap().into_inner();
            n += page.data.len() as u64;
            work_on_page().await;
            match page.pagination.and_then(|p| p.next_page) {
                Some(next) => next_page = Some(next),
                None => break,
            }
        }
        assert_eq!(n, PAGES * PER_PAGE);
    };
    let mut group = c.benchmark_group("paging");
    group.sample_size(10);
    group.bench_function("stream", |b| b.to_async(rt).iter(&stream));
    group.bench_function("sequential loop", |b| b.to_async(rt).iter(&sequential));
    group.finish();
    interleaved_ratio(rt, 12, stream, sequential)
}

/// Peak heap growth while streaming `total` messages.
fn peak_while_streaming(
    rt: &tokio::runtime::Runtime,
    base: &str,
    start: u64,
    total: usize,
) -> usize {
    let api = onlyfansapi::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .build()
        .unwrap();
    rt.block_on(async {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let mut stream = std::pin::pin!(
            api.account("acct_1")
                .chats()
                .messages()
                .list("9")
                .next_page(format!("?id={start}"))
                .stream()
                .take(total)
        );
        let mut n = 0;
        while stream.try_next().await.unwrap().is_some() {
            n += 1;
        }
        assert_eq!(n, total);
        PEAK.load(Ordering::Relaxed) - before
    })
}

#[path = "../support/redis.rs"]
#[allow(dead_code)] // The tests' helper: the benchmark needs start and stats only.
mod redis_server;

/// Per-call time of a limited client (a limit it never reaches, so only the
/// limiter's own cost shows) on a Redis store and in process, against no
/// limiter; and Redis round trips per call. `None` without `redis-server`.
fn bench_rate_limiter(rt: &tokio::runtime::Runtime) -> Option<(f64, f64, f64, f64)> {
    if std::process::Command::new("redis-server")
        .arg("--version")
        .output()
        .is_err()
    {
        return None;
    }
    let redis = redis_server::RedisServer::start();
    let template = ofauth_chat_template();
    let page = serde_json::to_vec(&ofauth_body(10, &template)).unwrap();
    let base = rt.block_on(serve(Arc::new(move |_: &str| {
        (page.clone(), Duration::ZERO)
    })));
    let never_reached = RateLimit::new(u32::MAX, Duration::from_secs(1));
    let builder = || {
        ofauth::Client::builder()
            .api_key(KEY)
            .connection_id("conn_bench")
            .base_url(&base)
    };
    let none = builder().build().unwrap();
    let memory = builder().rate_limit(never_reached).build().unwrap();
    let store = rt
        .block_on(onlyfans_clients::RedisStore::connect(&redis.url()))
        .unwrap();
    let shared = builder()
        .rate_limit(never_reached)
        .rate_limit_store(store)
        .build()
        .unwrap();
    let batch = |client: &ofauth::Client| {
        let client = client.clone();
        async move || {
            for _ in 0..BATCH {
                client.messages().list_chats().send().await.unwrap();
            }
        }
    };
    let before = redis.calls_of("evalsha");
    let redis_vs_none = interleaved_ratio(rt, 40, batch(&shared), batch(&none));
    let redis_calls = 40 * BATCH as u64;
    let round_trips = (redis.calls_of("evalsha") - before) as f64 / redis_calls as f64;
    let memory_vs_none = interleaved_ratio(rt, 40, batch(&memory), batch(&none));
    let redis_vs_memory = interleaved_ratio(rt, 40, batch(&shared), batch(&memory));
    Some((redis_vs_none, memory_vs_none, redis_vs_memory, round_trips))
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut c = Criterion::default().configure_from_args();
    let lenient = bench_lenient(&rt);
    println!(
        "\n== lenient decode of adversarial bodies vs one Value parse (interleaved rounds) =="
    );
    for (name, bytes, ratio, work) in &lenient {
        println!(
            "lenient {name}, {} KB: {ratio:.2}x the time of one Value parse; {work:.2}x the body decoded (budget {}x)",
            bytes / 1000,
            onlyfans_clients::transport::decode::WORK_PER_BODY_BYTE
        );
    }
    if std::env::args().any(|a| a == "lenient") {
        return;
    }
    let decode_speedups = bench_decode(&mut c, &rt);
    let request_ratios = bench_requests(&mut c, &rt);
    let paging_ratio = bench_paging(&mut c, &rt);
    c.final_summary();

    // Memory: a server with 100k messages, streamed 10k and 100k at a time.
    let example = onlyfansapi_example();
    let total = 100_000u64;
    let base = rt.block_on(serve(Arc::new(move |target: &str| {
        let start = query(target, "id").unwrap_or(total);
        let ids: Vec<u64> = (1..=start).rev().take(101).collect();
        let next = (ids.len() > 100).then(|| ids[100]);
        (
            serde_json::to_vec(&onlyfansapi_body(
                &ids[..ids.len().min(100)],
                next,
                &example,
            ))
            .unwrap(),
            Duration::ZERO,
        )
    })));
    let small = peak_while_streaming(&rt, &base, total, 10_000);
    let large = peak_while_streaming(&rt, &base, total, 100_000);
    let limiter = bench_rate_limiter(&rt);

    println!("\n== ratios (interleaved rounds, same run) ==");
    for (api, speedup) in &decode_speedups {
        if *api == "ofauth misfit path" {
            println!(
                "decode ofauth, a misfit in every item: lenient decode takes {speedup:.2}x the fitting body's typed decode (interleaved rounds; the cost of the safety net)"
            );
        } else {
            println!(
                "decode {api}: typed is {speedup:.2}x as fast as Value (interleaved rounds; target >= 1.5)"
            );
        }
    }
    for (api, r) in &request_ratios {
        println!(
            "requests {api}: time ratio {r:.3} (facade / bare, interleaved rounds of {BATCH} requests; target <= 1.05; the control shows the method's own noise)"
        );
    }
    println!(
        "paging: stream / sequential loop = {paging_ratio:.3} (interleaved rounds; target <= 0.8)"
    );
    println!(
        "memory: peak heap while streaming 10k messages {} KiB, 100k messages {} KiB (ratio {:.2}, flat = ~1)",
        small / 1024,
        large / 1024,
        large as f64 / small.max(1) as f64
    );
    match limiter {
        Some((redis_vs_none, memory_vs_none, redis_vs_memory, round_trips)) => println!(
            "rate limiter per call (interleaved rounds of {BATCH} calls): Redis / none {redis_vs_none:.3}, in-process / none {memory_vs_none:.3}, Redis / in-process {redis_vs_memory:.3}; Redis round trips per call {round_trips:.2} (target 1)"
        ),
        None => println!("rate limiter: skipped (no redis-server on this machine)"),
    }
}
