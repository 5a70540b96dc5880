//! Nothing is lost while paging: with seeded, reproducible transient failures a
//! stream yields exactly the server's items in order, each once; after a
//! permanent failure the error names the page to resume from, and resuming
//! there completes the set without duplicates. Both APIs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::support::*;
use futures::{StreamExt, TryStreamExt};
use onlyfans_clients::Error;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::path};

/// xorshift64*: a reproducible sequence without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Fails each page a seeded number of times (0 to `max_failures`) before
/// serving it; pages listed in `broken` always fail.
#[derive(Clone)]
struct Flaky {
    failures_left: Arc<Mutex<HashMap<String, u64>>>,
    seed: Arc<Mutex<Rng>>,
    max_failures: u64,
    broken: Arc<Mutex<Vec<String>>>,
}

impl Flaky {
    fn new(seed: u64, max_failures: u64) -> Self {
        Flaky {
            failures_left: Default::default(),
            seed: Arc::new(Mutex::new(Rng(seed))),
            max_failures,
            broken: Default::default(),
        }
    }

    /// `Some(error response)` when this request of `page` must fail.
    fn fail(&self, page: &str) -> Option<ResponseTemplate> {
        if self.broken.lock().unwrap().iter().any(|b| b == page) {
            return Some(ResponseTemplate::new(500).set_body_string("page is broken"));
        }
        let mut left = self.failures_left.lock().unwrap();
        let n = left
            .entry(page.to_owned())
            .or_insert_with(|| self.seed.lock().unwrap().next() % (self.max_failures + 1));
        if *n > 0 {
            *n -= 1;
            let status = [500, 502, 503, 504, 429][(*n % 5) as usize];
            return Some(ResponseTemplate::new(status));
        }
        None
    }
}

const TOTAL: u64 = 230;

async fn ofauth_server(flaky: Flaky) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(ByRequest(move |request: &wiremock::Request| {
            let offset: u64 = query(request, "offset")
                .and_then(|o| o.parse().ok())
                .unwrap_or(0);
            if let Some(failure) = flaky.fail(&offset.to_string()) {
                return failure;
            }
            ResponseTemplate::new(200).set_body_json(ofauth_offset_page(offset, 20, TOTAL))
        }))
        .mount(&server)
        .await;
    server
}

async fn onlyfansapi_server(flaky: Flaky) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/api/acct_1/chats/9/messages"))
        .respond_with(ByRequest(move |request: &wiremock::Request| {
            let start: u64 = query(request, "id")
                .and_then(|c| c.parse().ok())
                .unwrap_or(TOTAL);
            if let Some(failure) = flaky.fail(&start.to_string()) {
                return failure;
            }
            ResponseTemplate::new(200).set_body_json(onlyfansapi_cursor_page(start, 25))
        }))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn transient_failures_lose_and_duplicate_nothing() {
    for seed in [1, 7, 42, 1234] {
        let server = ofauth_server(Flaky::new(seed, 2)).await;
        let ids: Vec<u64> = ofauth_client(&server.uri())
            .messages()
            .list_chats()
            .limit(20)
            .stream()
            .map_ok(|c| c.with_user.as_ref().unwrap().id)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(ids, (0..TOTAL).collect::<Vec<_>>(), "seed {seed}");

        let server = onlyfansapi_server(Flaky::new(seed, 2)).await;
        let ids: Vec<u64> = onlyfansapi_client(&server.uri())
            .account("acct_1")
            .chats()
            .messages()
            .list("9")
            .stream()
            .map_ok(|m| m.id)
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(ids, (1..=TOTAL).rev().collect::<Vec<_>>(), "seed {seed}");
    }
}

/// Collects a stream until its first error.
async fn until_error<T>(
    stream: impl futures::Stream<Item = Result<T, Error>>,
) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    let mut stream = std::pin::pin!(stream);
    while let Some(next) = stream.next().await {
        match next {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

#[tokio::test]
async fn a_permanent_failure_names_the_page_and_resuming_there_completes_the_set() {
    // OFAuth: the page at offset 100 is broken.
    let flaky = Flaky::new(3, 1);
    flaky.broken.lock().unwrap().push("100".into());
    let server = ofauth_server(flaky.clone()).await;
    let client = ofauth_client(&server.uri());
    let (first, error) = until_error(client.messages().list_chats().limit(20).stream()).await;
    let error = error.expect("the broken page ends the stream");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.request().unwrap().page.as_deref(), Some("offset 100"));
    let mut ids: Vec<u64> = first
        .iter()
        .map(|c| c.with_user.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, (0..100).collect::<Vec<_>>());
    flaky.broken.lock().unwrap().clear();
    let rest: Vec<u64> = client
        .messages()
        .list_chats()
        .limit(20)
        .offset(100)
        .stream()
        .map_ok(|c| c.with_user.as_ref().unwrap().id)
        .try_collect()
        .await
        .unwrap();
    ids.extend(rest);
    assert_eq!(ids, (0..TOTAL).collect::<Vec<_>>());

    // OnlyFansAPI: the page at cursor 155 is broken.
    let flaky = Flaky::new(3, 1);
    flaky.broken.lock().unwrap().push("155".into());
    let server = onlyfansapi_server(flaky.clone()).await;
    let client = onlyfansapi_client(&server.uri());
    let (first, error) = until_error(
        client
            .account("acct_1")
            .chats()
            .messages()
            .list("9")
            .stream(),
    )
    .await;
    let error = error.expect("the broken page ends the stream");
    let page = error.request().unwrap().page.clone().unwrap();
    assert!(page.ends_with("id=155"), "{page}");
    let mut ids: Vec<u64> = first.iter().map(|m| m.id).collect();
    assert_eq!(ids, (156..=TOTAL).rev().collect::<Vec<_>>());
    flaky.broken.lock().unwrap().clear();
    let rest: Vec<u64> = client
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .next_page(&page)
        .stream()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    ids.extend(rest);
    assert_eq!(ids, (1..=TOTAL).rev().collect::<Vec<_>>());
}

/// The number after `name=` in a request head's first line.
fn query_number(head: &str, name: &str) -> Option<u64> {
    let line = head.lines().next()?;
    let at = line.find(&format!("{name}="))? + name.len() + 1;
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A server that ignores the cursor and repeats its first page under new
/// cursors: the stream yields that page once and then ends with
/// `Error::Pagination` after a bounded number of pages, instead of paging
/// forever.
#[tokio::test]
async fn a_stream_that_makes_no_progress_ends_with_an_error() {
    use crate::support::faults::{Fault, FaultServer};
    let server = FaultServer::start_with(Arc::new(|_, head: &str| {
        let offset = query_number(head, "offset").unwrap_or(0);
        Fault::json(200, &ofauth_page(0..3, true, Some(offset + 3)))
    }))
    .await;
    let items: Vec<Result<_, Error>> = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 4, "three items, then the error");
    match items.last() {
        Some(Err(Error::Pagination {
            resume_from,
            reason,
            ..
        })) => {
            assert!(reason.contains("already yielded"), "{reason}");
            assert!(resume_from.contains("offset"), "{resume_from}");
        }
        other => panic!("{other:?}"),
    }
    assert!(server.hits() <= 5, "{} pages fetched", server.hits());
}

/// `_pagination.next_page` as a path and query (or a query alone) is
/// followed; a link without a query ends the stream with an error naming
/// where it stopped, not silently.
#[tokio::test]
async fn relative_next_page_links_are_followed_and_unusable_ones_reported() {
    use crate::support::faults::{Fault, FaultServer};
    let path = "/api/acct_1/chats/9/messages";
    let server = FaultServer::start_with(Arc::new(move |_, head: &str| {
        let cursor = query_number(head, "cursor").unwrap_or(0);
        let end = (cursor + 3).min(7);
        let next = (end < 7).then(|| match cursor {
            0 => format!("{path}?cursor={end}&limit=3"),
            _ => format!("?cursor={end}&limit=3"),
        });
        Fault::json(
            200,
            &serde_json::json!({
                "data": (cursor..end).map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>(),
                "_pagination": {"next_page": next},
            }),
        )
    }))
    .await;
    let api = onlyfansapi_client(&server.uri());
    let ids: Vec<u64> = api
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .stream()
        .map_ok(|message| message.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, (0..7).collect::<Vec<_>>());

    let server = FaultServer::start(vec![crate::support::faults::Fault::json(
        200,
        &serde_json::json!({"data": [{"id": 1}], "_pagination": {"next_page": "/api/acct_1/chats/9/messages"}}),
    )])
    .await;
    let items: Vec<Result<_, Error>> = onlyfansapi_client(&server.uri())
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .stream()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    match &items[1] {
        Err(Error::Pagination { reason, .. }) => assert!(reason.contains("no query"), "{reason}"),
        other => panic!("{other:?}"),
    }
}
