//! The typed httpmock helpers generated for each API (`<api>::mock`), used the
//! way a user would: a generated matcher and a typed body per operation.

use std::num::NonZeroU64;

use onlyfans_clients::mock::httpmock;
use onlyfans_clients::{ofauth, onlyfansapi};
use serde_json::json;

#[tokio::test]
async fn ofauth_chats_list_with_typed_matchers_and_body() {
    use ofauth::mock::MockServerExt;
    use ofauth::types::ChatsListResponse;

    let server = httpmock::MockServer::start_async().await;
    let body: ChatsListResponse = serde_json::from_value(json!({
        "list": [{"withUser": {"id": 7, "_view": "s"}, "canSendMessage": true}],
        "hasMore": false
    }))
    .unwrap();
    let mock = server.chats_list(|when, then| {
        when.limit(NonZeroU64::new(5)).offset(15u64).order(None); // must be absent
        then.ok(&body);
    });
    let of = ofauth::Client::builder()
        .api_key("key")
        .connection_id("conn")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let page = of
        .messages()
        .list_chats()
        .limit(5)
        .offset(15)
        .send()
        .await
        .unwrap();
    let chats = page.list.as_slice();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].with_user.as_ref().unwrap().id, 7);
    assert_eq!(page.has_more, Some(false));
    mock.assert_async().await;
}

#[tokio::test]
async fn onlyfansapi_messages_with_typed_path_matchers() {
    use onlyfansapi::mock::MockServerExt;
    use onlyfansapi::types::ListChatMessagesResponse;

    let server = httpmock::MockServer::start_async().await;
    let body: ListChatMessagesResponse = serde_json::from_value(json!({
        "data": [{"id": 5, "text": "hi", "fromUser": {"id": 1}}],
        "_pagination": {"next_page": null}
    }))
    .unwrap();
    // Regex metacharacters and characters the client percent-encodes are
    // matched literally, as sent.
    let account = "acct.1+(x) ü";
    let exact = server.list_chat_messages(|when, then| {
        when.account(account).chat_id("9").limit(NonZeroU64::new(3));
        then.ok(&body);
    });
    let api = onlyfansapi::Client::builder()
        .api_key("key")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let page = api
        .account(account)
        .chats()
        .messages()
        .list("9")
        .limit(3)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.as_slice()[0].id, 5);
    exact.assert_async().await;

    // `.` is not a wildcard: a look-alike account does not match.
    let error = api
        .account("acctX1+(x) ü")
        .chats()
        .messages()
        .list("9")
        .limit(3)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error:?}");
    exact.assert_calls_async(1).await;
}
