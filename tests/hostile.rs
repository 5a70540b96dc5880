//! Hostile input: response bodies that are random or mangled, and caller
//! parameters that try to escape their place in the request.

mod support;

use onlyfans_clients::{Error, ofauth, onlyfansapi};
use onlyfans_codegen::apis::{OFAUTH, ONLYFANSAPI};
use proptest::prelude::*;
use serde_json::Value;
use support::faults::{Fault, FaultServer};
use support::*;

/// Cases per property: enough to cover every mutation kind on every field of
/// both examples many times, and still a few seconds in CI.
const CASES: u32 = 1000;

// Normalizing a spec is the slow part: do it once per test binary.
fn onlyfansapi_example() -> Value {
    static EXAMPLE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXAMPLE
        .get_or_init(|| {
            let spec = normalized(ONLYFANSAPI).spec;
            let path = "/api/{account}/chats/{chat_id}/messages";
            onlyfans_codegen::examples::declared_response_example(&spec, "get", path).unwrap()
        })
        .clone()
}

fn ofauth_example() -> Value {
    static EXAMPLE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    EXAMPLE
        .get_or_init(|| {
            let spec = normalized(OFAUTH).spec;
            let schema =
                onlyfans_codegen::examples::response_schema(&spec, "get", "/v2/access/chats")
                    .unwrap();
            onlyfans_codegen::examples::synthesize(&spec, schema)
        })
        .clone()
}

/// Every JSON pointer inside a value.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Only `Ok` or a decode error, never a panic or another error kind.
fn decodes_or_reports(result: Result<usize, Error>) -> Result<(), TestCaseError> {
    match result {
        Ok(_) | Err(Error::Decode { .. }) => Ok(()),
        Err(other) => Err(TestCaseError::fail(format!(
            "unexpected error kind: {other:?}"
        ))),
    }
}

fn decode_both(body: &[u8]) -> Result<(), TestCaseError> {
    let chats = onlyfans_clients::decode::<ofauth::raw::types::ChatsListResponse>(body);
    decodes_or_reports(chats.map(|p| p.list.map_or(0, |l| l.len())))?;
    let messages =
        onlyfans_clients::decode::<onlyfansapi::raw::types::ListChatMessagesResponse>(body);
    decodes_or_reports(messages.map(|p| p.data.map_or(0, |d| d.len())))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_both(&body)?;
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        decode_both(&serde_json::to_vec(&value).unwrap())?;
    }

    #[test]
    fn real_examples_with_a_field_replaced_never_panic(pick in any::<prop::sample::Index>(), replacement in any_json(), which in any::<bool>()) {
        let mut body = if which { ofauth_example() } else { onlyfansapi_example() };
        let mut all = Vec::new();
        pointers(&body, String::new(), &mut all);
        let at = &all[pick.index(all.len())];
        if let Some(slot) = body.pointer_mut(at) {
            *slot = replacement;
        }
        decode_both(&serde_json::to_vec(&body).unwrap())?;
    }

    #[test]
    fn real_examples_with_bytes_mangled_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8), which in any::<bool>()) {
        let example = if which { ofauth_example() } else { onlyfansapi_example() };
        let mut bytes = serde_json::to_vec(&example).unwrap();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        decode_both(&bytes)?;
    }
}

#[test]
fn decode_errors_from_bytes_name_the_path() {
    let mut body = onlyfansapi_example();
    body["data"][1]["media"] = Value::from("not a list");
    match onlyfans_clients::decode::<onlyfansapi::raw::types::ListChatMessagesResponse>(
        &serde_json::to_vec(&body).unwrap(),
    ) {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "data[1].media"),
        other => panic!("{other:?}"),
    }
}

/// Query text with separators, percent signs and non-ASCII reaches the server
/// as one encoded parameter; path parameters stay in their segment.
#[tokio::test]
async fn hostile_parameters_are_encoded_exactly() {
    let server = FaultServer::start(vec![Fault::json(200, &ofauth_page(0..1, false, None))]).await;
    ofauth_client(&server.uri())
        .chats_list()
        .query("a&b=c#d%e/ü ?")
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines(),
        vec!["GET /v2/access/chats?query=a%26b%3Dc%23d%25e%2F%C3%BC+%3F HTTP/1.1".to_owned()]
    );

    let server = FaultServer::start(vec![Fault::json(200, &onlyfansapi_page(&[1], None))]).await;
    onlyfansapi_client(&server.uri())
        .list_chat_messages("acct/../../admin", "1?x=2#frag")
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.request_lines(),
        vec![
            "GET /api/acct%2F..%2F..%2Fadmin/chats/1%3Fx=2%23frag/messages?limit=100 HTTP/1.1"
                .to_owned()
        ]
    );
}

#[tokio::test]
async fn numbers_out_of_range_and_oversized_text_are_refused_locally() {
    let server = FaultServer::start(vec![Fault::status(500)]).await;
    let of = ofauth_client(&server.uri());
    let api = onlyfansapi_client(&server.uri());
    let refused = [
        of.chats_list().limit(u64::MAX).send().await.unwrap_err(),
        of.chats_list()
            .query("ü".repeat(101))
            .send()
            .await
            .unwrap_err(),
        api.list_chat_messages("acct_1", "1")
            .limit(101)
            .send()
            .await
            .unwrap_err(),
        api.list_chat_messages("acct\r\n", "1")
            .send()
            .await
            .unwrap_err(),
    ];
    for error in refused {
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    }
    assert_eq!(server.hits(), 0, "nothing was sent");
}

/// rustls with ring only: no OpenSSL or native-tls, and no aws-lc (chosen
/// against on build time; a dependency enabling reqwest's default TLS would
/// bring it back) anywhere in the dependency tree.
#[test]
fn only_rustls_with_ring_in_the_dependency_tree() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"'))
        .collect();
    assert!(names.contains(&"rustls"));
    assert!(names.contains(&"ring"));
    for banned in [
        "aws-lc-rs",
        "aws-lc-sys",
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(!names.contains(&banned), "{banned} is in Cargo.lock");
    }
}
