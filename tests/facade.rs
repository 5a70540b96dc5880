//! The generated facade against a real local HTTP server: every method,
//! body encoding and refusal goes through `Client::<operation>(…).send()`,
//! the code generated for all operations, not handwritten per operation.

use onlyfans_clients::{Error, ofauth, onlyfansapi};
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
    of.delete_user_list("55").send().await.unwrap();
    of.update_user_list("55").name("VIPs").send().await.unwrap();
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
        .upload_chunk_to_managed_media_upload("up_1", 2)
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
    api.send_message("acct_1", "9")
        .idempotency_key("k-1")
        .text("hi")
        .send()
        .await
        .unwrap();
    api.list_chat_messages("acct_1", "9")
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
            api.list_chat_messages("acct_1", "9")
                .limit(0)
                .send()
                .await
                .err(),
            "limit",
        ),
        (
            api.list_chat_messages("acct_1", "9")
                .limit(101)
                .send()
                .await
                .err(),
            "limit",
        ),
        (
            api.list_chat_messages("..", "9").send().await.err(),
            "account",
        ),
        (
            api.list_chat_messages("", "9").send().await.err(),
            "account",
        ),
        (
            of.chats_list().query("x".repeat(101)).send().await.err(),
            "query",
        ),
        (
            of.send_chat_message("1")
                .connection_id("bad\nid")
                .send()
                .await
                .err(),
            "connection_id",
        ),
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
    match of.delete_user_list("7").send().await {
        Err(Error::Api { request, response }) => {
            assert_eq!(response.status, 404);
            assert_eq!(response.body_excerpt, "no such list");
            assert_eq!(request.path, "/v2/access/users/lists/{listId}");
            assert_eq!(request.operation, "delete_user_list");
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    match of.send_chat_message("7").text("x").send().await {
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
