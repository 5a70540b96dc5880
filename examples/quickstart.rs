//! Lists chats (OFAuth) and chat messages (OnlyFansAPI) as tables.
//!
//! `cargo run --example quickstart`
//!
//! With no API keys in the environment it runs both clients against an embedded
//! local mock that serves the vendored specs' examples (OFAuth's spec has none,
//! so its body is synthesized from the response schema). With keys it talks to
//! the real APIs:
//!
//! - OFAuth: `OFAUTH_API_KEY`, `OFAUTH_CONNECTION_ID`;
//! - OnlyFansAPI: `ONLYFANSAPI_API_KEY`, `ONLYFANSAPI_ACCOUNT` (`acct_…`) and
//!   `ONLYFANSAPI_CHAT_ID`.

use std::error::Error;

use futures::TryStreamExt;
use onlyfans_clients::{ofauth, onlyfansapi};
use onlyfans_codegen::apis::{OFAUTH, ONLYFANSAPI};
use serde_json::Value;
use wiremock::matchers::{header, path, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MOCK_KEY: &str = "mock-key";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mock = if std::env::var_os("OFAUTH_API_KEY").is_none()
        || std::env::var_os("ONLYFANSAPI_API_KEY").is_none()
    {
        println!("No API keys set: using the embedded mock of both APIs.\n");
        Some(start_mock().await?)
    } else {
        None
    };

    let of = match &mock {
        Some(server) => ofauth::Client::builder()
            .api_key(MOCK_KEY)
            .connection_id("conn_mock")
            .base_url(server.uri())
            .build()?,
        None => ofauth::Client::from_env()?,
    };
    let chats: Vec<ofauth::Chat> = of
        .chats()
        .limit(20)
        .max_items(50)
        .stream()
        .try_collect()
        .await?;
    println!("OFAuth chats ({})", chats.len());
    print_table(
        &["fan id", "fan", "unread", "last message"],
        chats.iter().map(|c| {
            let last = c.last_message.as_ref();
            vec![
                c.with_user.id.to_string(),
                last.and_then(|m| m.from_user.as_ref())
                    .and_then(|u| u.name.clone())
                    .unwrap_or_else(|| "-".into()),
                c.unread_messages_count.to_string(),
                last.map(|m| plain(&m.text)).unwrap_or_default(),
            ]
        }),
    );

    let (api, account, chat) = match &mock {
        Some(server) => (
            onlyfansapi::Client::builder()
                .api_key(MOCK_KEY)
                .base_url(server.uri())
                .build()?,
            "acct_mock".to_owned(),
            "987654321".to_owned(),
        ),
        None => (
            onlyfansapi::Client::from_env()?,
            std::env::var("ONLYFANSAPI_ACCOUNT")?,
            std::env::var("ONLYFANSAPI_CHAT_ID")?,
        ),
    };
    let first = api.chat_messages(&account, &chat).limit(10).send().await?;
    let messages: Vec<onlyfansapi::Message> = api
        .chat_messages(&account, &chat)
        .limit(10)
        .max_items(50)
        .stream()
        .try_collect()
        .await?;
    println!("\nOnlyFansAPI messages of chat {chat} ({})", messages.len());
    print_table(
        &["message id", "from", "sent at", "media", "text"],
        messages.iter().map(|m| {
            vec![
                m.id.to_string(),
                m.from_user
                    .as_ref()
                    .map(|u| u.id.to_string())
                    .unwrap_or_default(),
                m.created_at.clone().unwrap_or_else(|| "-".into()),
                m.media.len().to_string(),
                plain(&m.text),
            ]
        }),
    );
    let meta = &first.meta;
    println!(
        "\ncredits used {:?}, balance {:?}, requests left this minute {:?}",
        meta.credits_used,
        meta.credits_balance,
        meta.rate_limits.and_then(|r| r.remaining_minute)
    );
    Ok(())
}

/// A loopback server answering both APIs from their vendored specs.
async fn start_mock() -> Result<MockServer, Box<dyn Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = MockServer::start().await;

    let ofauth_spec = onlyfans_codegen::prepare(OFAUTH, root)?.spec;
    let schema =
        onlyfans_codegen::examples::response_schema(&ofauth_spec, "get", "/v2/access/chats")
            .ok_or("OFAuth spec has no chats response")?;
    let mut chats = onlyfans_codegen::examples::synthesize(&ofauth_spec, schema);
    chats["hasMore"] = Value::Bool(false);
    // Three chats from the one synthesized entry, told apart.
    let template = chats["list"][0].clone();
    let fans = [
        ("Anna", "See you tonight?"),
        ("Bruno", "Thanks for the tip!"),
        ("Chloé", "<p>New set is up</p>"),
    ];
    chats["list"] = fans
        .iter()
        .enumerate()
        .map(|(i, (name, text))| {
            let mut chat = template.clone();
            let fan_id = 100_000_001 + i as u64;
            chat["withUser"]["id"] = Value::from(fan_id);
            chat["unreadMessagesCount"] = Value::from(i as u64);
            chat["lastMessage"]["id"] = Value::from(1_234_567_890_200 + i as u64);
            chat["lastMessage"]["fromUser"] = serde_json::json!({"id": fan_id, "name": name});
            chat["lastMessage"]["text"] = Value::from(*text);
            chat
        })
        .collect();
    Mock::given(path("/v2/access/chats"))
        .and(header("apiKey", MOCK_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(chats))
        .mount(&server)
        .await;

    let api_spec = onlyfans_codegen::prepare(ONLYFANSAPI, root)?.spec;
    let messages_path = "/api/{account}/chats/{chat_id}/messages";
    let example =
        onlyfans_codegen::examples::declared_response_example(&api_spec, "get", messages_path)
            .ok_or("OnlyFansAPI spec has no example")?;
    let mock_path = "/api/acct_mock/chats/987654321/messages";
    // First page: the spec's example (its `next_page` points at a second page).
    Mock::given(path(mock_path))
        .and(header(
            "authorization",
            format!("Bearer {MOCK_KEY}").as_str(),
        ))
        .and(query_param_is_missing("id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .mount(&server)
        .await;
    // Second and last page: older messages.
    let mut older = example.clone();
    if let Some(items) = older["data"].as_array_mut() {
        for (i, item) in items.iter_mut().enumerate() {
            item["id"] = Value::from(1_234_567_890_100u64 - i as u64);
            item["text"] = Value::from(format!("<p>older message {}</p>", i + 1));
        }
    }
    older["_pagination"]["next_page"] = Value::Null;
    Mock::given(path(mock_path))
        .and(header(
            "authorization",
            format!("Bearer {MOCK_KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(older))
        .mount(&server)
        .await;
    Ok(server)
}

/// Message text without HTML tags, on one line, at most 48 characters.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(if c.is_whitespace() { ' ' } else { c }),
            _ => {}
        }
    }
    let out = out.trim().to_owned();
    if out.chars().count() > 48 {
        out.chars().take(47).chain(['…']).collect()
    } else {
        out
    }
}

fn print_table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows.collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!("{}", line(headers.iter().map(|h| h.to_string()).collect()));
    println!(
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
    );
    for row in rows {
        println!("{}", line(row));
    }
}
