//! The generated facade against a real local HTTP server: every method,
//! body encoding and refusal goes through `Client::<operation>(…).send()`,
//! the code generated for all operations, not handwritten per operation.

use onlyfans_clients::{Error, FilePart, ofauth, onlyfansapi};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn ofauth_client(server: &MockServer) -> ofauth::Client {
    ofauth::Client::builder()
        .api_key("key_1")
        .connection_id("conn_1")
        .base_url(server.uri())
        .build()
        .unwrap()
}

async fn onlyfansapi_client(server: &MockServer) -> onlyfansapi::Client {
    onlyfansapi::Client::builder()
        .api_key("token_1")
        .base_url(server.uri())
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn json_post_sends_the_fields_set_and_decodes_the_reply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/access/chats/123/messages"))
        .and(header("apikey", "key_1"))
        .and(header("x-connection-id", "conn_1"))
        .and(body_json(
            json!({"text": "hello", "price": 5.0, "isMarkdown": false}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "59")
                .set_body_json(json!({"id": 987, "text": "hello"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    let sent = of
        .messages()
        .send_chat_message("123")
        .text("hello")
        .price(5.0)
        .is_markdown(false)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    assert_eq!(sent.rate_limit().remaining, Some(59));
    let body = serde_json::to_value(sent.data()).unwrap();
    assert_eq!(body["id"], 987);
}

#[tokio::test]
async fn delete_and_patch_go_to_their_paths() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/access/users/lists/55"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v2/access/users/lists/55"))
        .and(body_json(json!({"name": "VIPs"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 55, "name": "VIPs"})))
        .expect(1)
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    of.user_lists().delete("55").send().await.unwrap();
    of.user_lists()
        .update("55")
        .name("VIPs")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn octet_stream_put_sends_the_bytes_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v2/access/uploads/up_1/parts/2"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let result = of
        .upload()
        .upload_part("up_1", 2)
        .body(bytes.clone())
        .send()
        .await;
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1, "{result:?}");
    assert_eq!(requests[0].body, bytes, "the part arrives byte for byte");
}

#[tokio::test]
async fn header_and_query_parameters_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/acct_1/chats/9/messages"))
        .and(header("Idempotency-Key", "k-1"))
        .and(header("authorization", "Bearer token_1"))
        .and(body_json(json!({"text": "hi"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/acct_1/chats/9/messages"))
        .and(query_param("limit", "25"))
        .and(query_param("order", "desc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server).await;
    api.account("acct_1")
        .chats()
        .messages()
        .send("9")
        .idempotency_key("k-1")
        .text("hi")
        .send()
        .await
        .unwrap();
    api.account("acct_1")
        .chats()
        .messages()
        .list("9")
        .limit(25)
        .order("desc")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_values_are_refused_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let api = onlyfansapi_client(&server).await;
    let of = ofauth_client(&server).await;
    let refusals = [
        (
            api.account("acct_1")
                .chats()
                .messages()
                .list("9")
                .limit(0)
                .send()
                .await
                .err(),
            "limit",
        ),
        (
            api.account("acct_1")
                .chats()
                .messages()
                .list("9")
                .limit(101)
                .send()
                .await
                .err(),
            "limit",
        ),
        (
            api.account("..")
                .chats()
                .messages()
                .list("9")
                .send()
                .await
                .err(),
            "account",
        ),
        (
            api.account("")
                .chats()
                .messages()
                .list("9")
                .send()
                .await
                .err(),
            "account",
        ),
        (
            of.messages()
                .list_chats()
                .query("x".repeat(101))
                .send()
                .await
                .err(),
            "query",
        ),
        (of.for_connection("bad\nid").err(), "connection_id"),
    ];
    for (error, parameter) in refusals {
        match error {
            Some(Error::InvalidRequest { parameter: p, .. }) => assert_eq!(p, parameter),
            other => panic!("{parameter}: expected a refusal, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn error_statuses_and_bodies_that_do_not_fit_are_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no such list"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "not a number"})))
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    match of.user_lists().delete("7").send().await {
        Err(Error::Api { request, response }) => {
            assert_eq!(response.status, 404);
            assert_eq!(response.body_excerpt, "no such list");
            assert_eq!(request.path, "/v2/access/users/lists/{listId}");
            assert_eq!(request.operation, "delete_user_list");
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    match of.messages().send_chat_message("7").text("x").send().await {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "id"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn the_escape_hatch_uses_the_same_transport_and_stays_below_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/access/undocumented"))
        .and(query_param("a", "1"))
        .and(header("apikey", "key_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/access/undocumented"))
        .and(body_json(json!({"x": [1, 2]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"created": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    let value = of
        .request(reqwest::Method::GET, "/v2/access/undocumented")
        .query(&[("a", "1")])
        .send_json()
        .await
        .unwrap();
    assert_eq!(value.data()["ok"], true);
    #[derive(serde::Deserialize)]
    struct Created {
        created: u64,
    }
    let created: Created = of
        .request(reqwest::Method::POST, "/v2/access/undocumented")
        .json(&json!({"x": [1, 2]}))
        .send::<Created>()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.created, 1);
    let before = received(&server).await.len();
    for bad in [
        "https://evil.example/x",
        "//evil.example/x",
        "/v2/../../x",
        "v2/x",
    ] {
        match of.request(reqwest::Method::GET, bad).send_json().await {
            Err(Error::InvalidRequest { parameter, .. }) => assert_eq!(parameter, "path"),
            other => panic!("{bad}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(received(&server).await.len(), before, "nothing was sent");
}

/// A server paging through `total` items, `per_page` at a time, in one
/// operation's own style, reading where a page starts from the query.
struct Pager {
    total: u64,
    per_page: u64,
    /// The query parameter that says where a page starts.
    start_param: &'static str,
    /// Builds the page body from its items and the next start (if any).
    page: fn(Vec<serde_json::Value>, Option<u64>, &str) -> serde_json::Value,
    item: fn(u64) -> serde_json::Value,
}

impl wiremock::Respond for Pager {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let start: u64 = request
            .url
            .query_pairs()
            .find(|(n, _)| n == self.start_param)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let end = (start + self.per_page).min(self.total);
        let items = (start..end).map(|n| (self.item)(n + 1)).collect();
        let next = (end < self.total).then_some(end);
        let url = format!(
            "{}://{}{}",
            request.url.scheme(),
            request.url.authority(),
            request.url.path()
        );
        ResponseTemplate::new(200).set_body_json((self.page)(items, next, &url))
    }
}

async fn serve(server: &MockServer, route: &str, pager: Pager) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(pager)
        .mount(server)
        .await;
}

fn id_item(n: u64) -> serde_json::Value {
    json!({ "id": n })
}

/// Checks a stream yielded items 1..=total, each once, in order.
fn assert_every_item_once(ids: Vec<u64>, total: u64) {
    assert_eq!(ids, (1..=total).collect::<Vec<_>>());
}

#[tokio::test]
async fn streams_page_through_every_style_and_layout() {
    use futures::TryStreamExt;
    let server = MockServer::start().await;
    // OFAuth: offset with `nextOffset`, items in `list`.
    serve(&server, "/v2/access/chats", Pager {
        total: 7, per_page: 3, start_param: "offset",
        page: |items, next, _| json!({ "list": items, "hasMore": next.is_some(), "nextOffset": next }),
        item: |n| json!({ "withUser": { "id": n }, "unreadMessagesCount": 0 }),
    }).await;
    // OFAuth: offset by page length, items in `items`.
    serve(
        &server,
        "/v2/access/analytics/trials/top",
        Pager {
            total: 5,
            per_page: 2,
            start_param: "offset",
            page: |items, next, _| json!({ "items": items, "hasMore": next.is_some() }),
            item: id_item,
        },
    )
    .await;
    // OFAuth: marker, items in `list`.
    serve(&server, "/v2/access/earnings/transactions", Pager {
        total: 6, per_page: 4, start_param: "marker",
        page: |items, next, _| json!({ "list": items, "hasMore": next.is_some(), "nextMarker": next }),
        item: |n| json!({ "id": n.to_string() }),
    }).await;
    // OFAuth: last id, items in `list`.
    serve(
        &server,
        "/v2/access/chats/5/media",
        Pager {
            total: 8,
            per_page: 3,
            start_param: "last_id",
            page: |items, next, _| json!({ "list": items, "hasMore": next.is_some() }),
            item: id_item,
        },
    )
    .await;
    // OnlyFansAPI: `_pagination.next_page`, items in `data`.
    serve(&server, "/api/acct_1/chats/9/messages", Pager {
        total: 7, per_page: 3, start_param: "cursor",
        page: |items, next, url| json!({
            "data": items,
            "_pagination": { "next_page": next.map(|n| format!("{url}?cursor={n}&limit=3")) },
        }),
        item: id_item,
    }).await;
    // OnlyFansAPI: `_pagination.next_page`, items in `data.list`.
    serve(
        &server,
        "/api/acct_1/transactions",
        Pager {
            total: 5,
            per_page: 2,
            start_param: "page_from",
            page: |items, next, url| {
                json!({
                    "data": { "list": items, "hasMore": next.is_some() },
                    "_pagination": { "next_page": next.map(|n| format!("{url}?page_from={n}")) },
                })
            },
            item: |n| json!({ "id": n.to_string() }),
        },
    )
    .await;
    // OnlyFansAPI: marker inside `data`, items in `data.list`.
    serve(&server, "/api/acct_1/stories/archive", Pager {
        total: 5, per_page: 2, start_param: "marker",
        page: |items, next, _| json!({ "data": { "list": items, "hasMore": next.is_some(), "nextMarker": next } }),
        item: id_item,
    }).await;
    // OnlyFansAPI: offset, items in `data.list`.
    serve(
        &server,
        "/api/acct_1/stories/highlights",
        Pager {
            total: 4,
            per_page: 3,
            start_param: "offset",
            page: |items, next, _| json!({ "data": { "list": items, "hasMore": next.is_some() } }),
            item: id_item,
        },
    )
    .await;

    let of = ofauth_client(&server).await;
    let api = onlyfansapi_client(&server).await;
    let chats: Vec<_> = of
        .messages()
        .list_chats()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_every_item_once(
        chats
            .iter()
            .filter_map(|c| c.with_user.as_ref().map(|u| u.id))
            .collect(),
        7,
    );
    let trials: Vec<_> = of
        .analytics()
        .list_top_trials()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(trials.len(), 5);
    let transactions: Vec<_> = of
        .earnings()
        .list_transactions()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(transactions.len(), 6);
    let media: Vec<_> = of
        .messages()
        .get_chat_media("5")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_every_item_once(media.iter().map(|m| m.id).collect(), 8);
    let messages: Vec<_> = api
        .account("acct_1")
        .chats()
        .messages()
        .list("9")
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_every_item_once(messages.iter().map(|m| m.id).collect(), 7);
    let transactions: Vec<_> = api
        .account("acct_1")
        .transactions()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(transactions.len(), 5);
    let archive: Vec<_> = api
        .account("acct_1")
        .stories()
        .list_archive()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(archive.len(), 5);
    let highlights: Vec<_> = api
        .account("acct_1")
        .stories()
        .highlights()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(highlights.len(), 4);
}

#[tokio::test]
async fn a_stream_skips_an_overlapping_item_and_stops_on_a_repeated_cursor() {
    use futures::StreamExt;
    let server = MockServer::start().await;
    // Last-id paging where every page repeats the previous page's last item
    // and the server runs out at 5 but keeps saying `hasMore`: the stream
    // yields 1..=5 once each, then names where to resume.
    serve(
        &server,
        "/v2/access/chats/5/media",
        Pager {
            total: 5,
            per_page: 3,
            start_param: "last_id",
            page: |items, _, _| {
                let mut list = Vec::new();
                match items.first().and_then(|i| i["id"].as_u64()) {
                    Some(first) if first > 1 => list.push(json!({ "id": first - 1 })),
                    Some(_) => {}
                    None => list.push(json!({ "id": 5 })),
                }
                list.extend(items);
                json!({ "list": list, "hasMore": true })
            },
            item: id_item,
        },
    )
    .await;
    let of = ofauth_client(&server).await;
    let results: Vec<_> = of.messages().get_chat_media("5").stream().collect().await;
    let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let ids: Vec<u64> = ok.into_iter().filter_map(|r| Some(r.ok()?.id)).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5], "each item once, the overlaps skipped");
    match errors.as_slice() {
        [Err(Error::Pagination { resume_from, .. })] => assert_eq!(resume_from, "marker 5"),
        other => panic!("expected one Pagination error, got {other:?}"),
    }
}

#[tokio::test]
async fn deep_object_filters_are_sent_as_bracketed_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/acct_1/fans/active"))
        .and(query_param("filter[online]", "1"))
        .and(query_param("filter[total_spent]", "100"))
        .and(query_param("limit", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"list": []}})))
        .expect(1)
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server).await;
    api.account("acct_1")
        .fans()
        .list_active()
        .filter_online(1)
        .filter_total_spent(100)
        .limit(10)
        .send()
        .await
        .unwrap();
    // `filter[online]` is 1 or 0: anything else is refused before sending.
    match api
        .account("acct_1")
        .fans()
        .list_active()
        .filter_online(2)
        .send()
        .await
    {
        Err(Error::InvalidRequest { parameter, .. }) => assert_eq!(parameter, "filter[online]"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The part of a multipart body named `name`: its headers and its bytes.
fn multipart_part(request: &Request, name: &str) -> Option<(String, Vec<u8>)> {
    let content_type = request.headers.get("content-type")?.to_str().ok()?;
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut rest = body.as_slice();
    while let Some(at) = find(rest, delimiter.as_bytes()) {
        parts.push(&rest[..at]);
        rest = &rest[at + delimiter.len()..];
    }
    parts.into_iter().find_map(|part| {
        let part = part.strip_prefix(b"\r\n")?;
        let split = find(part, b"\r\n\r\n")?;
        let headers = String::from_utf8_lossy(&part[..split]).into_owned();
        let content = part[split + 4..].strip_suffix(b"\r\n")?.to_vec();
        headers
            .contains(&format!("name=\"{name}\""))
            .then_some((headers, content))
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn multipart_uploads_send_each_part_byte_for_byte() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/acct_1/media/vault"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"id": 1}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/acct_1/media/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {}})))
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server).await;
    let photo: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    let reply = api
        .account("acct_1")
        .media()
        .vault()
        .upload()
        .file(FilePart::bytes(photo.clone()).file_name("photo.jpg"))
        .async_(true)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.data()["data"]["id"], 1);

    // From disk: streamed, named after the file, typed from its extension.
    let dir = std::env::temp_dir().join(format!("onlyfans-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let video_path = dir.join("clip.mp4");
    let video: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&video_path, &video).unwrap();
    api.account("acct_1")
        .media()
        .upload()
        .file(FilePart::path(&video_path))
        .type_("avatar")
        .send()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let requests = received(&server).await;
    let (headers, content) = multipart_part(&requests[0], "file").expect("a file part");
    assert!(headers.contains("filename=\"photo.jpg\""), "{headers}");
    assert!(headers.contains("image/jpeg"), "{headers}");
    assert_eq!(content, photo, "the photo arrives byte for byte");
    let (_, flag) = multipart_part(&requests[0], "async").expect("the async field");
    assert_eq!(flag, b"true");
    let (headers, content) = multipart_part(&requests[1], "file").expect("a file part");
    assert!(headers.contains("filename=\"clip.mp4\""), "{headers}");
    assert!(headers.contains("video/mp4"), "{headers}");
    assert_eq!(content, video, "the file arrives byte for byte");
    let (_, kind) = multipart_part(&requests[1], "type").expect("the type field");
    assert_eq!(kind, b"avatar");

    // A file that cannot be opened is refused before anything is sent.
    let before = received(&server).await.len();
    match api
        .account("acct_1")
        .media()
        .vault()
        .upload()
        .file(FilePart::path(dir.join("missing.jpg")))
        .send()
        .await
    {
        Err(Error::InvalidRequest { parameter, .. }) => assert_eq!(parameter, "file"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), before);
}

/// A chat has no id of its own: it is the chat with `withUser`. When a new
/// message moves a chat to the top between two pages, the next page repeats
/// the chat that ended the previous one; the generated stream yields it once.
#[tokio::test]
async fn the_chats_stream_tells_chats_apart_by_their_user() {
    use futures::TryStreamExt;
    let server = MockServer::start().await;
    serve(
        &server,
        "/v2/access/chats",
        Pager {
            total: 6,
            per_page: 3,
            start_param: "offset",
            page: |items, next, _| {
                let mut list = items;
                // Each later page starts with the previous page's last chat.
                if let (Some(first), Some(_)) = (list.first().cloned(), next.or(Some(0))) {
                    let user = first["withUser"]["id"].as_u64().unwrap_or(1);
                    if user > 1 {
                        list.insert(0, json!({ "withUser": { "id": user - 1, "_view": "s" } }));
                    }
                }
                json!({ "list": list, "hasMore": next.is_some(), "nextOffset": next })
            },
            item: |n| json!({ "withUser": { "id": n, "_view": "s" } }),
        },
    )
    .await;
    let of = ofauth_client(&server).await;
    let chats: Vec<_> = of
        .messages()
        .list_chats()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let users: Vec<u64> = chats
        .iter()
        .filter_map(|c| c.with_user.as_ref().map(|u| u.id))
        .collect();
    assert_every_item_once(users, 6);
}

/// A multipart form field with an enum is checked like a query parameter:
/// a value the spec does not allow is refused and nothing is sent.
#[tokio::test]
async fn multipart_text_fields_are_checked_before_sending() {
    let server = MockServer::start().await;
    let api = onlyfansapi_client(&server).await;
    let error = api
        .account("acct_1")
        .media()
        .upload()
        .file(FilePart::bytes(vec![1, 2, 3]).file_name("a.jpg"))
        .type_("selfie")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("type"), "{error}");
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

/// What an OnlyFans session is made of: whoever holds it holds the account.
const SESSION: [&str; 4] = [
    "sess=SESSION_abc; auth_id=42",
    "XBC_device_123",
    "SIGN_7:abc:0",
    "CSRF_token_9",
];

fn assert_hidden(text: &str) {
    for secret in SESSION
        .iter()
        .chain(&["RTMP_key", "HUB_token", "APP_token"])
    {
        assert!(!text.contains(secret), "`{secret}` shown in: {text}");
    }
}

/// The session set on a builder (OFAuth's import of a connection,
/// OnlyFansAPI's start of an authentication) prints `[redacted]` in the
/// builder's `Debug` and reaches the server as it was set.
#[tokio::test]
async fn session_credentials_set_on_builders_print_redacted_and_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/account/connections/import"))
        .and(body_json(json!({
            "cookie": SESSION[0], "userAgent": "Mozilla/5.0", "permissions": ["messages"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "conn_9"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/authenticate"))
        .and(body_json(json!({
            "email": "creator@example.com", "cookies": SESSION[0], "xbc": SESSION[1], "auth_id": "42"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"attempt_id": "a1"})))
        .expect(1)
        .mount(&server)
        .await;
    let of = ofauth_client(&server).await;
    let import = of
        .account()
        .import_connection()
        .cookie(SESSION[0])
        .user_agent("Mozilla/5.0")
        .permissions(["messages".to_owned()]);
    let api = onlyfansapi_client(&server).await;
    let start = api
        .authenticate()
        .start()
        .email("creator@example.com")
        .cookies(SESSION[0])
        .xbc(SESSION[1])
        .auth_id("42");
    let shown = format!("{import:?} {start:?}");
    assert_hidden(&shown);
    assert!(
        shown.contains("[redacted]") && shown.contains("creator@example.com"),
        "{shown}"
    );
    import.send().await.unwrap();
    start.send().await.unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

/// Answers and webhook events shaped as the APIs send them decode, print
/// none of the session, and serialize back to the same JSON.
#[test]
fn answers_and_events_holding_a_session_decode_and_never_print_it() {
    fn check<T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug>(
        body: serde_json::Value,
    ) -> T {
        let decoded: T = onlyfans_clients::decode(body.to_string().as_bytes()).unwrap();
        assert_hidden(&format!("{decoded:?}"));
        assert_eq!(serde_json::to_value(&decoded).unwrap(), body);
        decoded
    }
    let status: ofauth::types::GetLoginStatusResponse = check(json!({
        "status": "completed",
        "data": {"id": "conn_9", "session": {
            "user-id": "42", "user-agent": "Mozilla/5.0", "cookie": SESSION[0], "x-bc": SESSION[1]
        }}
    }));
    let session = status.data.unwrap().session.unwrap();
    assert_eq!(session.cookie.unwrap().expose(), SESSION[0]);
    assert_eq!(session.x_bc.unwrap().expose(), SESSION[1]);
    assert_eq!(session.user_agent.as_deref(), Some("Mozilla/5.0"));

    let signed: ofauth::types::GenerateSignHeadersForARequestResponse = check(json!({
        "signed": {"sign": SESSION[2], "time": "1700000000", "app-token": "APP_token"}
    }));
    assert_eq!(signed.signed.unwrap().sign.unwrap().expose(), SESSION[2]);

    let settings: onlyfansapi::types::GetSettingsResponse = check(json!({"data": {
        "streamingRtmpKey": "RTMP_key",
        "activityHubTokens": [{"token": "HUB_token", "channel": "chat"}]
    }}));
    let data = settings.data.unwrap();
    assert_eq!(
        data.activity_hub_tokens.unwrap().expose()[0]["token"],
        "HUB_token"
    );

    let me: onlyfansapi::types::GetCurrentAccountResponse =
        check(json!({"data": {"id": 42, "csrf": SESSION[3]}}));
    assert_eq!(me.data.unwrap().csrf.unwrap().expose(), SESSION[3]);

    let event = ofauth::webhooks::Event::decode(
        json!({"eventType": "rules.updated", "data": {"rules": {"app_token": "APP_token"}}})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_hidden(&format!("{event:?}"));
}
