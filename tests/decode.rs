//! Real-shaped response bodies decode into the generated types: the spec's own
//! examples, schema-following bodies, and bodies carrying the nulls and missing
//! fields real OnlyFans payloads have.

use crate::support::normalized;
use onlyfans_clients::{ofauth, onlyfansapi};
use onlyfans_codegen::apis::{OFAUTH, ONLYFANSAPI};
use onlyfans_codegen::examples;
use serde_json::Value;

const CHATS: (&str, &str) = ("get", "/v2/access/chats");
const MESSAGES: (&str, &str) = ("get", "/api/{account}/chats/{chat_id}/messages");

fn onlyfansapi_example() -> Value {
    let n = normalized(ONLYFANSAPI);
    examples::declared_response_example(&n.spec, MESSAGES.0, MESSAGES.1)
        .expect("spec has an example")
}

fn ofauth_synthesized() -> Value {
    let n = normalized(OFAUTH);
    let schema = examples::response_schema(&n.spec, CHATS.0, CHATS.1).unwrap();
    examples::synthesize(&n.spec, schema)
}

#[test]
fn onlyfansapi_spec_example_decodes_and_ids_round_trip() {
    let body = onlyfansapi_example();
    let decoded: onlyfansapi::types::ListChatMessagesResponse =
        serde_json::from_value(body.clone()).expect("example decodes");
    let data = &decoded.data;
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].id, 1_234_567_890_123);
    assert_eq!(data[1].from_user.as_ref().unwrap().id, 123_456_789);
    // The video's `createdAt` and `files.full.url` are null in the example.
    assert_eq!(data[1].media.len(), 1);
    assert_eq!(
        decoded
            .meta
            .as_ref()
            .unwrap()
            .rate_limits
            .as_ref()
            .unwrap()
            .remaining_minute,
        Some(999)
    );
    let text = serde_json::to_string(&decoded).unwrap();
    assert!(
        text.contains("\"id\":1234567890123,") || text.contains("\"id\":1234567890123}"),
        "{text}"
    );
    assert!(!text.contains("1234567890123.0"));
}

#[test]
fn ofauth_schema_following_body_decodes() {
    let body = ofauth_synthesized();
    let decoded: ofauth::types::ChatsListResponse = serde_json::from_value(body.clone()).unwrap();
    let chat = &decoded.list[0];
    let message = chat.last_message.as_ref().unwrap();
    assert!(message.id >= 1_234_567_890_123);
    assert!(message.from_user.as_ref().unwrap().id > 0);
    // Serializing gives back integers, and every field the body carried.
    let again = serde_json::to_value(&decoded).unwrap();
    assert_eq!(
        again["list"][0]["lastMessage"]["id"],
        body["list"][0]["lastMessage"]["id"]
    );
    assert!(again["list"][0]["lastMessage"]["id"].is_u64());
    assert!(
        !serde_json::to_string(&decoded)
            .unwrap()
            .contains(".0,\"text\"")
    );
}

/// OFAuth relays OnlyFans' own message objects: the media of the OnlyFansAPI
/// example (null `createdAt`, null `files.full.url`, no `releaseForms`, no
/// `files.preview.options`, an extra `drm` object) must decode as OFAuth media.
#[test]
fn ofauth_body_with_real_media_objects_decodes() {
    let real_media = onlyfansapi_example()["data"][1]["media"].clone();
    assert!(
        real_media[0]["createdAt"].is_null() && real_media[0]["files"]["full"]["url"].is_null()
    );
    let mut body = ofauth_synthesized();
    body["list"][0]["lastMessage"]["media"] = real_media;
    body["list"][0]["lastMessage"]["createdAt"] = Value::Null;
    let decoded: ofauth::types::ChatsListResponse = serde_json::from_value(body).unwrap();
    let media = &decoded.list[0].last_message.as_ref().unwrap().media[0].clone();
    assert_eq!(media.id, 9_876_543_210);
    assert_eq!(media.created_at, None);
    assert_eq!(media.type_, Some(onlyfans_clients::MediaKind::Video));
    let files = media.files.as_ref().unwrap();
    assert_eq!(files.full.as_ref().unwrap().url, None);
    assert!(files.preview.as_ref().unwrap().options.is_empty());
}

#[test]
fn unknown_fields_and_enum_values_do_not_fail_decoding() {
    let mut body = ofauth_synthesized();
    body["list"][0]["lastMessage"]["media"][0]["type"] = Value::from("hologram");
    body["list"][0]["brandNewField"] = Value::from(42);
    let decoded: ofauth::types::ChatsListResponse = serde_json::from_value(body).unwrap();
    let media = &decoded.list[0].last_message.as_ref().unwrap().media[0].clone();
    assert_eq!(
        media.type_,
        Some(onlyfans_clients::MediaKind::Other("hologram".into()))
    );
}

#[test]
fn a_missing_id_is_still_an_error() {
    let mut body = onlyfansapi_example();
    body["data"][0].as_object_mut().unwrap().remove("id");
    let err =
        serde_json::from_value::<onlyfansapi::types::ListChatMessagesResponse>(body).unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
}

/// A list the answer leaves out or sends as `null` is an empty list, not a
/// misfit: callers iterate without asking whether it came.
#[test]
fn absent_or_null_collections_are_empty() {
    for body in [
        &br#"{"hasMore": false}"#[..],
        br#"{"list": null, "hasMore": false}"#,
    ] {
        let (page, misfits) =
            onlyfans_clients::decode_lenient::<ofauth::types::ChatsListResponse>(body).unwrap();
        assert!(page.list.is_empty());
        assert!(misfits.is_empty(), "{misfits:?}");
    }
    let (page, _) =
        onlyfans_clients::decode_lenient::<onlyfansapi::types::ListChatMessagesResponse>(
            br#"{"data": null, "_meta": {"_credits": {"used": 1}}}"#,
        )
        .unwrap();
    assert!(page.data.is_empty());
    // An empty list is left out on the way back, as an absent one came.
    let json = serde_json::to_value(&page).unwrap();
    assert!(json.get("data").is_none(), "{json}");
}

/// A password in a request body and a session token in an answer are
/// `Secret`s: sent and read as the plain string, never shown by `Debug`.
#[test]
fn secrets_in_bodies_and_answers_never_show_in_debug() {
    let body: onlyfansapi::types::StartAuthenticationBody = serde_json::from_value(
        serde_json::json!({"email": "creator@example.com", "password": "hunter2-body"}),
    )
    .expect("a body decodes");
    let shown = format!("{body:?}");
    assert!(!shown.contains("hunter2-body"), "{shown}");
    assert!(shown.contains("creator@example.com"), "{shown}");
    assert_eq!(
        serde_json::to_value(&body).expect("serializes")["password"],
        "hunter2-body"
    );

    let account: onlyfansapi::types::GetCurrentAccountData =
        serde_json::from_value(serde_json::json!({"id": 1, "wsAuthToken": "ws-token-123"}))
            .expect("an answer decodes");
    assert!(!format!("{account:?}").contains("ws-token-123"));
    assert_eq!(
        account.ws_auth_token.as_ref().map(|t| t.expose()),
        Some("ws-token-123")
    );
}

/// A real page whose every chat misfits somewhere of its own (ten kinds of
/// misfit, at the chat, in its last message, in its media, its sender):
/// every chat is kept, each with its misfits recorded where the body had
/// them, for a bounded amount of work (counted in bytes decoded, at most
/// 16x the body by construction; about 3x here).
#[test]
fn a_page_with_a_misfit_of_its_own_in_every_chat_decodes() {
    let template = ofauth_synthesized()["list"][0].clone();
    let breakers: [(&str, Value); 10] = [
        ("/unreadMessagesCount", serde_json::json!(1.5)),
        ("/lastMessage/id", serde_json::json!("abc")),
        ("/lastMessage/createdAt", serde_json::json!("not a date")),
        ("/lastMessage/fromUser/id", serde_json::json!(-5)),
        ("/withUser", serde_json::json!("u1")),
        ("/lastMessage/previews", serde_json::json!(["a"])),
        ("/lastMessage/text", serde_json::json!(7)),
        ("/canSendMessage", serde_json::json!("yes")),
        ("/lastMessage/mediaCount", serde_json::json!({"n": 1})),
        ("/countPinnedMessages", serde_json::json!([1])),
    ];
    let chats = 2000;
    let list: Vec<Value> = (0..chats)
        .map(|i| {
            let mut chat = template.clone();
            let (at, value) = &breakers[i % breakers.len()];
            *chat.pointer_mut(at).unwrap_or_else(|| panic!("{at}")) = value.clone();
            chat
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({"list": list, "hasMore": true})).unwrap();
    let (page, misfits) =
        onlyfans_clients::decode_lenient::<ofauth::types::ChatsListResponse>(&body).unwrap();
    let work = onlyfans_clients::transport::decode::last_lenient_work();
    assert_eq!(page.list.len(), chats);
    assert_eq!(page.has_more, Some(true));
    for i in 0..chats {
        let prefix = format!("list[{i}].");
        assert!(
            misfits.iter().any(|m| m.path.starts_with(&prefix)),
            "no misfit in chat {i}"
        );
    }
    assert_eq!(misfits[0].path, "list[0].unreadMessagesCount");
    assert_eq!(misfits[0].received, serde_json::json!(1.5));
    assert!(page.list[0].unread_messages_count.is_none());
    assert!(page.list[1].last_message.is_none(), "its id did not fit");
    assert!(
        work.decoded_bytes <= 6 * body.len(),
        "{work:?}: {:.1}x",
        work.decoded_bytes as f64 / body.len() as f64
    );
}
