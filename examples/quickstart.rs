//! Lists chats (OFAuth) and chat messages (OnlyFansAPI) as tables.
//!
//! `cargo run --example quickstart`
//!
//! With no API keys in the environment it runs both clients against the
//! crate's `mock::MockServer` (cargo feature `mock`, which this crate's own
//! examples and tests enable): the vendored specs' examples (OFAuth's spec has
//! none, so its body is synthesized from the response schema), paged. With keys
//! it talks to the real APIs:
//!
//! - OFAuth: `OFAUTH_API_KEY`, `OFAUTH_CONNECTION_ID`;
//! - OnlyFansAPI: `ONLYFANSAPI_API_KEY`, `ONLYFANSAPI_ACCOUNT` (`acct_…`) and
//!   `ONLYFANSAPI_CHAT_ID`.

use std::error::Error;

use futures::{StreamExt, TryStreamExt};
use onlyfans_clients::mock::MockServer;
use onlyfans_clients::{ofauth, onlyfansapi};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mock = if std::env::var_os("OFAUTH_API_KEY").is_none()
        || std::env::var_os("ONLYFANSAPI_API_KEY").is_none()
    {
        println!("No API keys set: using the embedded mock of both APIs.\n");
        Some(MockServer::start().await?)
    } else {
        None
    };

    let of = match &mock {
        Some(server) => server.ofauth().build()?,
        None => ofauth::Client::from_env()?,
    };
    let chats: Vec<ofauth::Chat> = of
        .messages()
        .list_chats()
        .limit(20)
        .stream()
        .take(12)
        .try_collect()
        .await?;
    println!("OFAuth chats ({})", chats.len());
    print_table(
        &["fan id", "fan", "unread", "last message"],
        chats.iter().map(|c| {
            let last = c.last_message.as_ref();
            vec![
                text(c.with_user.as_ref().map(|u| u.id)),
                last.and_then(|m| m.from_user.as_ref())
                    .and_then(|u| u.name.clone())
                    .unwrap_or_else(|| "-".into()),
                text(c.unread_messages_count),
                last.and_then(|m| m.text.as_deref())
                    .map(plain)
                    .unwrap_or_default(),
            ]
        }),
    );

    let (api, account, chat) = match &mock {
        Some(server) => (
            server.onlyfansapi().build()?,
            "acct_mock".to_owned(),
            "987654321".to_owned(),
        ),
        None => (
            onlyfansapi::Client::from_env()?,
            std::env::var("ONLYFANSAPI_ACCOUNT")?,
            std::env::var("ONLYFANSAPI_CHAT_ID")?,
        ),
    };
    let first = api
        .account(&account)
        .chats()
        .messages()
        .list(&chat)
        .limit(10)
        .send()
        .await?;
    let messages: Vec<onlyfansapi::Message> = api
        .account(&account)
        .chats()
        .messages()
        .list(&chat)
        .limit(10)
        .stream()
        .take(12)
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
                m.created_at
                    .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "-".into()),
                text(Some(m.media.len())),
                m.text.as_deref().map(plain).unwrap_or_default(),
            ]
        }),
    );
    let meta = first.meta.as_ref();
    let credits = meta.and_then(|m| m.credits.as_ref());
    println!(
        "\ncredits used {}, balance {}, requests left this minute {}",
        text(credits.and_then(|c| c.used)),
        text(credits.and_then(|c| c.balance)),
        text(
            meta.and_then(|m| m.rate_limits.as_ref())
                .and_then(|r| r.remaining_minute)
        )
    );
    Ok(())
}

/// A value the API may leave out, or `-`.
fn text<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".into(), |v| v.to_string())
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
