//! The OFAuth facade against a real HTTP server on loopback.

use std::time::Duration;

use crate::support::*;
use futures::{StreamExt, TryStreamExt};
use onlyfans_clients::{Error, ofauth};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn sends_auth_headers_and_every_parameter_as_the_api_expects() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/access/chats"))
        .and(header("apiKey", OFAUTH_KEY))
        .and(header("x-connection-id", CONNECTION))
        .and(query_param("limit", "20"))
        .and(query_param("offset", "40"))
        .and(query_param("order", "recent"))
        .and(query_param("filter", "who_tipped"))
        .and(query_param("query", "anna & co"))
        .and(query_param("userListId", "7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_page(1..3, true, Some(60))))
        .expect(1)
        .mount(&server)
        .await;
    let page = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .limit(20)
        .offset(40)
        .order(ofauth::ChatOrder::Recent)
        .filter(ofauth::ChatFilter::WhoTipped)
        .query("anna & co")
        .user_list_id(7)
        .send()
        .await
        .unwrap();
    assert_eq!(page.list.len(), 2);
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.next_offset, Some(60));
    let chat = &page.list[0];
    assert_eq!(chat.with_user.as_ref().unwrap().id, 1);
    assert_eq!(chat.with_user.as_ref().unwrap().view.as_deref(), Some("s"));
    assert_eq!(chat.unread_messages_count, Some(2));
    assert_eq!(
        chat.can_not_send_reason,
        Some(onlyfans_clients::CanNotSendReason::CanSend)
    );
    let message = chat.last_message.as_ref().unwrap();
    assert_eq!(message.id, 1_000_000_000_001);
    assert_eq!(
        message.from_user.as_ref().unwrap().name.as_deref(),
        Some("fan 1")
    );
    assert_eq!(message.created_at, None);
}

#[tokio::test]
async fn unset_parameters_are_not_sent_and_connection_id_is_overridable_per_call() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .and(header("x-connection-id", "conn_other"))
        .and(query_param_is_missing("limit"))
        .and(query_param_is_missing("order"))
        .and(query_param_is_missing("query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_page(1..2, false, None)))
        .expect(1)
        .mount(&server)
        .await;
    let page = ofauth_client(&server.uri())
        .for_connection("conn_other")
        .unwrap()
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    assert_ne!(page.has_more, Some(true));
    assert_eq!(page.next_offset, None);
}

/// A body field named like a per-call setting is the operation's own: the
/// link session's `connectionId` goes in the body, the client's connection
/// stays in the header, and call settings ride apart in `call_options`.
#[tokio::test]
async fn operation_parameters_and_call_settings_never_share_a_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/link/init"))
        .and(header("x-connection-id", CONNECTION))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"connectionId": "conn_relink"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    ofauth_client(&server.uri())
        .link()
        .initialize_session()
        .connection_id("conn_relink")
        .call_options(onlyfans_clients::CallOptions::new().timeout(Duration::from_secs(5)))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn rate_limit_headers_are_exposed_on_every_page() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ofauth_page(1..2, false, None))
                .insert_header("X-RateLimit-Limit", "60")
                .insert_header("X-RateLimit-Remaining", "57")
                .insert_header("X-RateLimit-Reset", "31"),
        )
        .mount(&server)
        .await;
    let page = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    assert_eq!(page.rate_limit().limit, Some(60));
    assert_eq!(page.rate_limit().remaining, Some(57));
    assert_eq!(page.rate_limit().reset, Some(31));
}

/// A server with `total` chats paging by offset/limit.
async fn paging_server(total: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(ByRequest(move |request: &wiremock::Request| {
            let offset: u64 = query(request, "offset")
                .and_then(|o| o.parse().ok())
                .unwrap_or(0);
            let limit: u64 = query(request, "limit")
                .and_then(|l| l.parse().ok())
                .unwrap_or(10);
            ResponseTemplate::new(200).set_body_json(ofauth_offset_page(offset, limit, total))
        }))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn stream_yields_every_chat_across_pages_once_in_order() {
    let server = paging_server(47).await;
    let chats: Vec<ofauth::Chat> = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .limit(20)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = chats
        .iter()
        .map(|c| c.with_user.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, (0..47).collect::<Vec<_>>());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn stream_starts_at_offset_and_stops_at_max_items() {
    let server = paging_server(100).await;
    let chats: Vec<ofauth::Chat> = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .limit(10)
        .offset(30)
        .stream()
        .take(15)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = chats
        .iter()
        .map(|c| c.with_user.as_ref().unwrap().id)
        .collect();
    assert_eq!(ids, (30..45).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_server_that_repeats_its_offset_ends_the_stream_with_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_page(0..5, true, Some(0))))
        .mount(&server)
        .await;
    let mut stream = Box::pin(
        ofauth_client(&server.uri())
            .messages()
            .list_chats()
            .stream(),
    );
    let mut ids = Vec::new();
    let error = loop {
        match stream.try_next().await {
            Ok(Some(chat)) => ids.push(chat.with_user.as_ref().unwrap().id),
            Ok(None) => panic!("stream ended without reporting the repeated cursor"),
            Err(error) => break error,
        }
    };
    assert_eq!(
        ids,
        vec![0, 1, 2, 3, 4],
        "items before the repeat are delivered once"
    );
    match error {
        Error::Pagination { resume_from, .. } => assert_eq!(resume_from, "offset 0"),
        other => panic!("expected a pagination error, got {other:?}"),
    }
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn out_of_range_or_oversized_parameters_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_page(0..1, false, None)))
        .expect(0)
        .mount(&server)
        .await;
    let client = ofauth_client(&server.uri());
    for (request, parameter, words) in [
        (client.messages().list_chats().limit(21), "limit", "1..=20"),
        (client.messages().list_chats().limit(0), "limit", "1..=20"),
        (
            client.messages().list_chats().query("x".repeat(101)),
            "query",
            "100",
        ),
        (
            client.messages().list_chats().user_list_id(0),
            "userListId",
            "above 0",
        ),
    ] {
        let error = request.clone().send().await.unwrap_err();
        match &error {
            Error::InvalidRequest {
                parameter: p,
                reason,
            } => {
                assert_eq!(*p, parameter);
                assert!(reason.contains(words), "{reason}");
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
        assert!(error.to_string().contains("nothing was sent"));
        let streamed: Result<Vec<_>, _> = request.stream().try_collect().await;
        assert!(matches!(streamed, Err(Error::InvalidRequest { .. })));
    }
    // Another connection's client refuses a header-breaking id before any call.
    match client.for_connection("conn\r\nX-Evil: 1") {
        Err(Error::InvalidRequest { parameter, reason }) => {
            assert_eq!(parameter, "connection_id");
            assert!(reason.contains("CR"), "{reason}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn a_chat_whose_user_is_not_a_user_is_a_decode_error_naming_the_path() {
    let server = MockServer::start().await;
    let mut body = ofauth_page(0..3, false, None);
    body["list"][2]["withUser"] = serde_json::json!("fan 2");
    Mock::given(path("/v2/access/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    match ofauth_chats_error(&server.uri()).await {
        Error::Decode { path, request, .. } => {
            assert_eq!(path, "list[2].withUser");
            assert_eq!(request.operation, "chats_list");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrongly_typed_value_is_a_decode_error_naming_the_json_path() {
    let server = MockServer::start().await;
    let mut body = ofauth_page(0..5, false, None);
    body["list"][3]["lastMessage"]["media"] = serde_json::json!([{"id": 5, "createdAt": 12}]);
    Mock::given(path("/v2/access/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let error = ofauth_chats_error(&server.uri()).await;
    match &error {
        Error::Decode {
            path,
            message,
            body: whole,
            ..
        } => {
            assert_eq!(path, "list[3].lastMessage.media[0].createdAt");
            assert!(
                message.contains("expected an RFC 3339 formatted date and time string"),
                "{message}"
            );
            assert_eq!(whole.as_bytes(), serde_json::to_vec(&body).unwrap());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .contains("GET /v2/access/chats (chats_list)"),
        "{error}"
    );
}

#[tokio::test]
async fn by_default_misfits_are_taken_out_listed_and_the_page_kept() {
    let server = MockServer::start().await;
    let mut body = ofauth_page(0..5, false, None);
    body["list"][3]["lastMessage"]["media"] = serde_json::json!([{"id": 5, "createdAt": 12}]);
    body["list"][2]["withUser"] = serde_json::json!("fan 2");
    Mock::given(path("/v2/access/chats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let page = ofauth_client(&server.uri())
        .messages()
        .list_chats()
        .send()
        .await
        .unwrap();
    let list = &page.list;
    assert_eq!(list.len(), 5);
    assert!(list[2].with_user.is_none());
    let media = &list[3].last_message.as_ref().unwrap().media;
    assert_eq!(media[0].id, 5);
    assert!(media[0].created_at.is_none());
    let misfits: Vec<(&str, &serde_json::Value)> = page
        .misfits()
        .iter()
        .map(|m| (m.path.as_str(), &m.received))
        .collect();
    assert_eq!(
        misfits,
        [
            ("list[2].withUser", &serde_json::json!("fan 2")),
            (
                "list[3].lastMessage.media[0].createdAt",
                &serde_json::json!(12)
            ),
        ]
    );
    assert!(page.misfits()[1].expected.contains("RFC 3339"));
}

#[tokio::test]
async fn a_stream_keeps_every_item_and_hands_each_page_s_misfits_to_the_hook() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .respond_with(ByRequest(move |request: &wiremock::Request| {
            let offset: u64 = query(request, "offset")
                .and_then(|o| o.parse().ok())
                .unwrap_or(0);
            let mut page = ofauth_offset_page(offset, 10, 25);
            // Every chat's unread count has cents: a misfit on every item.
            for chat in page["list"].as_array_mut().unwrap() {
                chat["unreadMessagesCount"] = serde_json::json!(1.5);
            }
            ResponseTemplate::new(200).set_body_json(page)
        }))
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let client = ofauth::Client::builder()
        .api_key(OFAUTH_KEY)
        .connection_id(CONNECTION)
        .base_url(server.uri())
        .on_misfits(move |request, misfits| {
            let mut seen = sink.lock().unwrap();
            for misfit in misfits {
                seen.push((
                    request.page.clone(),
                    misfit.path.clone(),
                    misfit.received.clone(),
                ));
            }
        })
        .build()
        .unwrap();
    let chats: Vec<ofauth::Chat> = client
        .messages()
        .list_chats()
        .limit(10)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chats.len(), 25);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 25, "{seen:?}");
    assert!(
        seen.iter()
            .all(|(_, path, value)| path.ends_with(".unreadMessagesCount")
                && *value == serde_json::json!(1.5))
    );
    // Strict decoding ends the stream at the first page instead.
    let strict: Result<Vec<ofauth::Chat>, _> = client
        .messages()
        .list_chats()
        .limit(10)
        .call_options(onlyfans_clients::CallOptions::new().strict_decoding(true))
        .stream()
        .try_collect()
        .await;
    assert!(matches!(strict, Err(Error::Decode { .. })), "{strict:?}");
}

/// Set (to `missing` or `set`) only in the child process that
/// [`from_env_reads_key_connection_and_base_url`] starts.
const FROM_ENV_CHILD: &str = "ONLYFANS_TEST_FROM_ENV_CHILD";

/// `from_env` reads the key, the connection and the base URL. The other tests
/// of this binary run on threads beside this one, so the environment is not
/// changed here: this test binary runs again as a child process, with the
/// variables given to it, for the one test below.
#[tokio::test]
async fn from_env_reads_key_connection_and_base_url() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/access/chats"))
        .and(header("apiKey", "env_key"))
        .and(header("x-connection-id", "env_conn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ofauth_page(0..1, false, None)))
        .expect(1)
        .mount(&server)
        .await;
    let child = |case: &str| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "ofauth_client::from_env_in_a_child_process"])
            .args(["--test-threads", "1", "--nocapture"])
            .env(FROM_ENV_CHILD, case)
            .env_remove("OFAUTH_API_KEY")
            .env_remove("OFAUTH_CONNECTION_ID")
            .env_remove("OFAUTH_BASE_URL");
        if case == "set" {
            command
                .env("OFAUTH_API_KEY", "env_key")
                .env("OFAUTH_CONNECTION_ID", "env_conn")
                .env("OFAUTH_BASE_URL", server.uri());
        }
        let output = command.output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{case}: {text}");
        assert!(
            text.contains("1 passed"),
            "{case}: the child ran no test: {text}"
        );
    };
    child("missing");
    child("set");
}

/// Runs only as the child process of the test above (otherwise it returns).
#[tokio::test]
async fn from_env_in_a_child_process() {
    let Ok(case) = std::env::var(FROM_ENV_CHILD) else {
        return;
    };
    if case == "missing" {
        let missing = ofauth::Client::from_env().unwrap_err();
        assert!(missing.to_string().contains("OFAUTH_API_KEY"), "{missing}");
        return;
    }
    let client = ofauth::Client::from_env().unwrap();
    client
        .messages()
        .list_chats()
        .call_options(onlyfans_clients::CallOptions::new().timeout(Duration::from_secs(5)))
        .send()
        .await
        .unwrap();
}
