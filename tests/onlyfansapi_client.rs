//! The OnlyFansAPI facade against a real HTTP server on loopback.

use crate::support::*;
use futures::{StreamExt, TryStreamExt};
use onlyfans_clients::{Error, onlyfansapi};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MESSAGES: &str = "/api/acct_123/chats/456/messages";

#[tokio::test]
async fn sends_bearer_auth_and_typed_parameters_as_strings() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MESSAGES))
        .and(header(
            "authorization",
            format!("Bearer {ONLYFANSAPI_KEY}").as_str(),
        ))
        .and(query_param("limit", "50"))
        .and(query_param("order", "desc"))
        .and(query_param("skip_users", "all"))
        .and(query_param("filter", "pinned"))
        .and(query_param("first_id", "1234567890123"))
        .and(query_param_is_missing("last_id"))
        .and(query_param_is_missing("id"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[3, 2, 1], Some(1))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = onlyfansapi_client(&server.uri())
        .account("acct_123")
        .chats()
        .messages()
        .list("456")
        .limit(50)
        .order("desc")
        .skip_users("all")
        .filter(onlyfansapi::raw::types::ListChatMessagesFilter::Pinned)
        .first_id(1_234_567_890_123)
        .send()
        .await
        .unwrap();
    let messages = page.data.as_slice();
    assert_eq!(
        messages.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
    let next_page = page.pagination.as_ref().unwrap().next_page.as_deref();
    assert!(next_page.unwrap().ends_with("id=1"), "{next_page:?}");
    let meta = page.meta.as_ref().unwrap();
    let credits = meta.credits.as_ref().unwrap();
    assert_eq!(credits.used, Some(1));
    assert_eq!(credits.balance, Some(224_891));
    assert_eq!(meta.cache.as_ref().unwrap().is_cached, Some(false));
    assert_eq!(
        meta.rate_limits.as_ref().unwrap().remaining_minute,
        Some(999)
    );
    let first = &page.data[0];
    assert_eq!(first.from_user.as_ref().unwrap().id, 987_654_321);
    assert_eq!(first.price, Some(0.0));
    assert_eq!(first.is_free, Some(true));
}

#[tokio::test]
async fn the_spec_example_decodes_through_the_facade() {
    let spec = crate::support::normalized(onlyfans_codegen::apis::ONLYFANSAPI).spec;
    let example = onlyfans_codegen::examples::declared_response_example(
        &spec,
        "get",
        "/api/{account}/chats/{chat_id}/messages",
    )
    .unwrap();
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .respond_with(ResponseTemplate::new(200).set_body_json(example))
        .mount(&server)
        .await;
    let page = onlyfansapi_client(&server.uri())
        .account("acct_123")
        .chats()
        .messages()
        .list("456")
        .send()
        .await
        .unwrap();
    assert_eq!(page.data[0].id, 1_234_567_890_123);
    assert_eq!(Some(page.data[1].media.len()), Some(1));
    let next_page = page.pagination.as_ref().unwrap().next_page.as_deref();
    assert!(
        next_page.unwrap().contains("id=1234567890125"),
        "{next_page:?}"
    );
}

/// A chat of 250 messages, newest first, paged by the `id` cursor of
/// `next_page` (the cursor message starts the next page, as with `first_id`).
async fn cursor_server(total: u64, page_size: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .respond_with(ByRequest(move |request: &wiremock::Request| {
            let start: u64 = query(request, "id")
                .and_then(|c| c.parse().ok())
                .unwrap_or(total);
            ResponseTemplate::new(200).set_body_json(onlyfansapi_cursor_page(start, page_size))
        }))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn stream_follows_the_cursor_and_yields_each_message_once_in_order() {
    let server = cursor_server(250, 100).await;
    let messages: Vec<onlyfansapi::Message> = onlyfansapi_client(&server.uri())
        .account("acct_123")
        .chats()
        .messages()
        .list("456")
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = messages.iter().map(|m| m.id).collect();
    assert_eq!(ids, (1..=250).rev().collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap();
    let cursors: Vec<Option<String>> = requests.iter().map(|r| query(r, "id")).collect();
    assert_eq!(cursors, vec![None, Some("150".into()), Some("50".into())]);
}

/// When the next page starts with the cursor message itself, it is not yielded twice.
#[tokio::test]
async fn overlapping_pages_do_not_duplicate_messages() {
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .and(query_param_is_missing("id"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[9, 8, 7], Some(7))),
        )
        .mount(&server)
        .await;
    Mock::given(path(MESSAGES))
        .and(query_param("id", "7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[7, 6, 5], None)))
        .mount(&server)
        .await;
    let ids: Vec<u64> = onlyfansapi_client(&server.uri())
        .account("acct_123")
        .chats()
        .messages()
        .list("456")
        .stream()
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, vec![9, 8, 7, 6, 5]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error_naming_it() {
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .and(query_param_is_missing("id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[9, 8], Some(7))))
        .mount(&server)
        .await;
    Mock::given(path(MESSAGES))
        .and(query_param("id", "7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[7, 6], Some(7))))
        .mount(&server)
        .await;
    let mut stream = Box::pin(
        onlyfansapi_client(&server.uri())
            .account("acct_123")
            .chats()
            .messages()
            .list("456")
            .stream(),
    );
    let mut ids = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(m)) => ids.push(m.id),
            Ok(None) => panic!("no error for the repeated cursor"),
            Err(e) => break e,
        }
    };
    assert_eq!(ids, vec![9, 8, 7, 6]);
    assert!(
        matches!(&error, Error::Pagination { resume_from, .. } if resume_from == "?order=desc&id=7"),
        "{error:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "the repeated cursor is not fetched again"
    );
}

#[tokio::test]
async fn resuming_from_a_cursor_and_max_items() {
    let server = cursor_server(250, 100).await;
    let ids: Vec<u64> = onlyfansapi_client(&server.uri())
        .account("acct_123")
        .chats()
        .messages()
        .list("456")
        .next_page("?id=150")
        .stream()
        .take(120)
        .map_ok(|m| m.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, (31..=150).rev().collect::<Vec<_>>());
}

#[tokio::test]
async fn invalid_parameters_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = onlyfansapi_client(&server.uri());
    for (request, parameter) in [
        (
            client
                .account("acct_123")
                .chats()
                .messages()
                .list("456")
                .limit(101),
            "limit",
        ),
        (
            client
                .account("acct_123")
                .chats()
                .messages()
                .list("456")
                .limit(0),
            "limit",
        ),
        (
            client.account("..").chats().messages().list("456"),
            "account",
        ),
        (
            client.account(".").chats().messages().list("456"),
            "account",
        ),
        (
            client.account("acct_123").chats().messages().list(".."),
            "chat_id",
        ),
        (client.account("").chats().messages().list("1"), "account"),
    ] {
        match request.send().await.unwrap_err() {
            Error::InvalidRequest { parameter: p, .. } => assert_eq!(p, parameter),
            other => panic!("expected InvalidRequest for {parameter}, got {other:?}"),
        }
    }
}

/// Slashes, percent signs and query characters in path parameters stay inside
/// their segment: the exact request line is checked.
#[tokio::test]
async fn hostile_path_parameters_are_encoded_into_their_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[1], None)))
        .mount(&server)
        .await;
    let client = onlyfansapi_client(&server.uri());
    client
        .account("a/../b?x=1#f")
        .chats()
        .messages()
        .list("50%/ü")
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        request.url.path(),
        "/api/a%2F..%2Fb%3Fx%3D1%23f/chats/50%25%2F%C3%BC/messages"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn a_success_without_a_body_is_a_success() {
    // The spec says 200 with a JSON body; the API answers 204 with none
    // (and 202 for queued work).
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/webhooks/wh_1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/webhooks/wh_2"))
        .respond_with(ResponseTemplate::new(202).set_body_string("  \n"))
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server.uri());
    for (id, status) in [("wh_1", 204), ("wh_2", 202)] {
        let deleted = api
            .webhooks()
            .delete(id)
            .call_options(onlyfans_clients::CallOptions::new().strict_decoding(true))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status().as_u16(), status);
        assert!(deleted.misfits().is_empty());
    }
    // A plain 200 without a body is still an error: a JSON body was promised.
    Mock::given(method("DELETE"))
        .and(path("/api/webhooks/wh_3"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let error = api.webhooks().delete("wh_3").send().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}
