//! `mock::MockServer` as a user of the crate meets it: only the public API
//! (`onlyfans_clients::mock`, the facades, their raw clients), no test support.

use std::num::NonZeroU64;
use std::time::Duration;

use futures::TryStreamExt;
use onlyfans_clients::mock::{DEFAULT_ITEMS, Fault, MockServer};
use onlyfans_clients::{Error, ofauth, onlyfansapi};

const ACCOUNT: &str = "acct_mock";

#[tokio::test]
async fn both_facades_work_against_the_mock_with_no_setup() {
    let server = MockServer::start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    let api = server.onlyfansapi().build().unwrap();

    let page = of.messages().list_chats().send().await.unwrap();
    assert_eq!(page.list.len(), 10, "the spec's default limit");
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.next_offset, Some(10));

    let page = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 10);
    // The spec's own example message, first in the list.
    assert_eq!(page.data[0].text.as_deref(), Some("<p>yes lets do it</p>"));
    assert!(page.pagination.as_ref().unwrap().next_page.is_some());

    // Every operation of both specs is served but those the generator leaves
    // out (with a reason), each once.
    let ops = server.operations();
    assert!(ops.contains(&"chats_list") && ops.contains(&"listChatMessages"));
    let root = crate::support::repo_root();
    let expected: usize = onlyfans_codegen::apis::ALL
        .into_iter()
        .map(|api| {
            let (effective, _) = onlyfans_codegen::effective_spec(api, root).unwrap();
            let (normalized, _) = onlyfans_codegen::generate_api(api, root).unwrap();
            onlyfans_codegen::walk::operations(&effective).len() - normalized.report.omitted.len()
        })
        .sum();
    assert_eq!(ops.len(), expected);
}

#[tokio::test]
async fn ofauth_streams_every_item_over_several_pages() {
    let server = MockServer::builder().items(57).start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    let chats: Vec<_> = of
        .messages()
        .list_chats()
        .limit(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chats.len(), 57);
    let mut ids: Vec<u64> = chats
        .iter()
        .map(|c| c.with_user.as_ref().unwrap().id)
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 57, "every chat is a different fan");
    let offsets: Vec<String> = server
        .received()
        .iter()
        .map(|r| query(&r.query, "offset").unwrap_or("-").to_owned())
        .collect();
    // The first page is the request as built (no offset), then by offset.
    assert_eq!(offsets, ["-", "20", "40"]);
}

#[tokio::test]
async fn onlyfansapi_streams_every_item_by_cursor() {
    let server = MockServer::start().await.unwrap();
    let api = server.onlyfansapi().build().unwrap();
    let messages: Vec<_> = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .limit(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(messages.len(), DEFAULT_ITEMS);
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(query(&received[0].query, "id"), None);
    // Each next page starts at the id the previous `next_page` named.
    assert_eq!(
        query(&received[1].query, "id"),
        Some(messages[20].id.to_string().as_str())
    );
    assert_eq!(query(&received[1].query, "limit"), Some("20"));
}

#[tokio::test]
async fn an_empty_list_is_one_page() {
    let server = MockServer::builder().items(0).start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    let chats: Vec<_> = of
        .messages()
        .list_chats()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(chats.is_empty());
    assert_eq!(server.hits("chats_list"), 1);
}

#[tokio::test]
async fn injected_server_errors_are_retried_by_the_client() {
    let server = MockServer::start().await.unwrap();
    server
        .inject("chats_list", Fault::status(503).times(2))
        .unwrap();
    let of = server.ofauth().build().unwrap();
    let page = of.messages().list_chats().send().await.unwrap();
    assert_eq!(page.list.len(), 10);
    let statuses: Vec<u16> = server.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
}

#[tokio::test]
async fn injected_rate_limits_carry_retry_after() {
    let server = MockServer::start().await.unwrap();
    server
        .inject(
            "listChatMessages",
            Fault::rate_limited(Duration::from_secs(120)),
        )
        .unwrap();
    let api = server.onlyfansapi().build().unwrap();
    // 120 s is past the client's Retry-After cap: it gives up at once.
    let error = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    // The fault was used up: the next call is served.
    api.account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn injected_slow_responses_hit_the_callers_timeout() {
    let server = MockServer::start().await.unwrap();
    server
        .inject("listChatMessages", Fault::slow(Duration::from_secs(5)))
        .unwrap();
    // A fault slows one answer: without retries the one attempt meets the
    // deadline (a retry after the attempt's own timeout would be answered).
    let api = server
        .onlyfansapi()
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let error = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn faults_queue_in_order_and_unknown_operations_are_refused() {
    let server = MockServer::start().await.unwrap();
    server.inject("chats_list", Fault::status(500)).unwrap();
    server
        .inject("chats_list", Fault::rate_limited(Duration::ZERO))
        .unwrap();
    let of = server.ofauth().build().unwrap();
    of.messages().list_chats().send().await.unwrap();
    let statuses: Vec<u16> = server.received().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 429, 200]);

    let error = server
        .inject("chats_lists", Fault::status(500))
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("chats_lists"), "{message}");
    assert!(
        message.contains("chats_list,"),
        "lists the operations: {message}"
    );
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_401() {
    let server = MockServer::start().await.unwrap();
    let wrong = ofauth::Client::builder()
        .api_key("not-the-key")
        .connection_id(MockServer::OFAUTH_CONNECTION_ID)
        .base_url(server.ofauth_url())
        .build()
        .unwrap();
    let error = wrong.messages().list_chats().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");

    let no_connection = ofauth::Client::builder()
        .api_key(MockServer::OFAUTH_API_KEY)
        .base_url(server.ofauth_url())
        .build()
        .unwrap();
    let error = no_connection
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(error.to_string().contains("x-connection-id"), "{error}");

    let wrong = onlyfansapi::Client::builder()
        .api_key("nope")
        .base_url(server.onlyfansapi_url())
        .build()
        .unwrap();
    let error = wrong
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    // The key itself is never echoed back.
    assert!(!format!("{error:?}").contains("nope"));
}

#[tokio::test]
async fn parameters_out_of_the_specs_range_get_400() {
    let server = MockServer::start().await.unwrap();
    // The facades refuse these before sending; the raw clients let them through.
    let of = server.ofauth().build().unwrap();
    let error = of
        .raw()
        .chats_list(None, NonZeroU64::new(21), None, None, None, None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error:?}");
    let api = server.onlyfansapi().build().unwrap();
    let error = api
        .raw()
        .list_chat_messages(
            ACCOUNT,
            "1",
            None,
            None,
            None,
            NonZeroU64::new(101),
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));

    // What the typed clients cannot send at all, sent by hand.
    let http = onlyfans_clients::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let send = |method: reqwest::Method, path_and_query: &str| {
        http.request(method, format!("{}{path_and_query}", server.ofauth_url()))
            .header("apiKey", MockServer::OFAUTH_API_KEY)
            .header("x-connection-id", MockServer::OFAUTH_CONNECTION_ID)
            .send()
    };
    let response = send(reqwest::Method::GET, "/v2/access/chats?limit=ten")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["message"], "`limit` must be an integer, got `ten`");
    for (method, path, status) in [
        (reqwest::Method::GET, "/v2/access/chats?order=sideways", 400),
        (reqwest::Method::GET, "/v2/access/nothing", 404),
        (reqwest::Method::DELETE, "/v2/access/chats", 405),
    ] {
        let response = send(method, path).await.unwrap();
        assert_eq!(response.status(), status, "{path}");
    }
}

#[tokio::test]
async fn an_unknown_cursor_is_refused_and_a_stream_resumes_from_a_known_one() {
    let server = MockServer::start().await.unwrap();
    let api = server.onlyfansapi().build().unwrap();
    let error = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("1")
        .next_page("?id=7")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));

    let first = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("1")
        .send()
        .await
        .unwrap();
    let rest: Vec<_> = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("1")
        .next_page(
            first
                .pagination
                .as_ref()
                .unwrap()
                .next_page
                .as_ref()
                .unwrap(),
        )
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.data.len() + rest.len(), DEFAULT_ITEMS);
    assert!(rest.iter().all(|m| first.data.iter().all(|f| f.id != m.id)));
}

#[tokio::test]
async fn requests_are_recorded_without_credentials() {
    let server = MockServer::start().await.unwrap();
    let api = server.onlyfansapi().build().unwrap();
    api.account("acct 1/ü")
        .chats()
        .messages()
        .list("9")
        .limit(3)
        .send()
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.api, "onlyfansapi");
    assert_eq!(r.operation_id.as_deref(), Some("listChatMessages"));
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/api/acct%201%2F%C3%BC/chats/9/messages");
    assert_eq!(r.query, [("limit".to_owned(), "3".to_owned())]);
    assert_eq!(r.status, 200);
    assert!(!format!("{received:?}").contains(MockServer::ONLYFANSAPI_API_KEY));
}

fn query<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The generated streams against the mock, one list in each paging style the
/// model knows: every item arrives once, over several pages, with the mock
/// paging the way the operation model says (the same model the client uses).
#[tokio::test]
async fn generated_streams_page_in_every_style() {
    let server = MockServer::start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    let api = server.onlyfansapi().build().unwrap();

    // offset + hasMore (`data.list`), OnlyFansAPI
    let highlights: Vec<_> = api
        .account(ACCOUNT)
        .stories()
        .highlights()
        .list()
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    // marker + nextMarker, OFAuth (no page-size parameter: the mock's 10)
    let transactions: Vec<_> = of
        .earnings()
        .list_transactions()
        .stream()
        .try_collect()
        .await
        .unwrap();
    // marker + nextMarker in `data`, OnlyFansAPI
    let archive: Vec<_> = api
        .account(ACCOUNT)
        .stories()
        .list_archive()
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    // last id, OFAuth
    let media: Vec<_> = of
        .messages()
        .get_chat_media("42")
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    // `_pagination.next_page`, OnlyFansAPI
    let messages: Vec<_> = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    // `_pagination.next_page_url` with a `cursor`, OnlyFansAPI search
    let profiles: Vec<_> = api
        .search()
        .list_profiles()
        .limit(7)
        .stream()
        .try_collect()
        .await
        .unwrap();

    let counts = [
        ("listStoryHighlights", highlights.len()),
        ("list_transactions", transactions.len()),
        ("listStoryArchive", archive.len()),
        ("get_chat_media", media.len()),
        ("listChatMessages", messages.len()),
        ("searchProfiles", profiles.len()),
    ];
    for (operation, count) in counts {
        assert_eq!(count, DEFAULT_ITEMS, "{operation}");
        assert!(server.hits(operation) >= 3, "{operation}: several pages");
    }
    let ids: std::collections::BTreeSet<String> =
        transactions.iter().map(|t| format!("{:?}", t.id)).collect();
    assert_eq!(ids.len(), DEFAULT_ITEMS, "distinct transactions");
}

/// Request bodies are checked against the spec's schema: what the typed
/// builder sends passes; a hand-built body that breaks the schema gets a 400
/// naming the JSON path of what is wrong.
#[tokio::test]
async fn request_bodies_are_checked_against_the_schema() {
    let server = MockServer::start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    of.messages()
        .send_chat_message("42")
        .text("hi")
        .price(5.0)
        .send()
        .await
        .unwrap();

    let send = |body: serde_json::Value| {
        of.request(
            onlyfans_clients::Method::POST,
            "/v2/access/chats/42/messages",
        )
        .json(&body)
        .send_json()
    };
    let cases = [
        (
            serde_json::json!({"text": "hi", "price": 480}),
            "`$.price` must be at most",
        ),
        (
            serde_json::json!({"text": "hi", "mediaItems": [7, 0]}),
            "`$.mediaItems[1]` matches none of the 2 shapes",
        ),
        (serde_json::json!({"text": 12}), "`$.text`"),
    ];
    for (body, expected) in cases {
        let error = send(body.clone()).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{body}");
        assert!(error.to_string().contains(expected), "{body}: {error}");
    }
    let api = server.onlyfansapi().build().unwrap();
    let error = api
        .request(onlyfans_clients::Method::POST, "/api/data-exports")
        .json(&serde_json::json!({"start_date": "a", "end_date": "b", "type": "fans"}))
        .send_json()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("`$.file_type` is required"),
        "{error}"
    );
}

/// `whoami` is an operation of both APIs: a fault for it names its API.
#[tokio::test]
async fn a_fault_for_an_operation_both_apis_have_names_its_api() {
    let server = MockServer::start().await.unwrap();
    let error = server.inject("whoami", Fault::status(503)).unwrap_err();
    assert!(error.to_string().contains("inject_in"), "{error}");
    server
        .inject_in("onlyfansapi", "whoami", Fault::status(418))
        .unwrap();
    let of = server.ofauth().build().unwrap();
    let api = server.onlyfansapi().build().unwrap();
    of.account().whoami().send().await.unwrap();
    let error = api.whoami().get().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    assert!(
        server
            .inject_in("fansly", "whoami", Fault::status(503))
            .is_err()
    );
}

/// Every page reads its items the same way, wherever the API keeps them:
/// `list` (OFAuth), `data` and `data.list` (OnlyFansAPI), through `Page`.
#[tokio::test]
async fn every_page_exposes_its_items_the_same_way() {
    use onlyfans_clients::Page;
    let server = MockServer::start().await.unwrap();
    let of = server.ofauth().build().unwrap();
    let api = server.onlyfansapi().build().unwrap();

    let chats = of.messages().list_chats().send().await.unwrap();
    assert_eq!(chats.items().len(), 10);
    assert_eq!(chats.items(), chats.list.as_slice());

    let messages = api
        .account(ACCOUNT)
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap();
    assert_eq!(messages.items(), messages.data.as_slice());

    let media = api
        .account(ACCOUNT)
        .chats()
        .list_media("42")
        .send()
        .await
        .unwrap();
    let nested = media.data.as_ref().map_or(0, |data| data.list.len());
    assert!(nested > 0);
    assert_eq!(media.items().len(), nested);
}
