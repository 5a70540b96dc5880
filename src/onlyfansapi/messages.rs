//! `GET /api/{account}/chats/{chat_id}/messages`: one page, or every message
//! as a stream following the API's cursor.

use std::num::NonZeroU64;

use futures_util::stream::Stream;

use super::Client;
use super::raw::types as raw;
use super::types::{self, Message, Meta};
use crate::Error;
use crate::error::RequestInfo;
use crate::transport::config::call_option_methods;
use crate::transport::pagination::{self, PageOf};
use crate::transport::{self, CallOptions, validate};

const REQUEST: RequestInfo = RequestInfo::operation(
    "listChatMessages",
    "GET",
    "/api/{account}/chats/{chat_id}/messages",
);

/// Messages per page the API accepts.
pub const CHAT_MESSAGES_LIMIT_RANGE: std::ops::RangeInclusive<u64> = 1..=100;

/// The query parameter `_pagination.next_page` carries the cursor in.
const CURSOR_PARAM: &str = "id";

/// Order of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageOrder {
    /// Newest first (the API's default).
    Desc,
    /// Oldest first. The API then also inverts the list.
    Asc,
}

/// Whether user details are left out of the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipUsers {
    All,
    None,
}

/// Which messages to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageFilter {
    /// Pinned messages only.
    Pinned,
}

/// One page of messages.
#[derive(Debug, Clone, PartialEq)]
pub struct MessagesPage {
    pub items: Vec<Message>,
    /// Credits, cache and rate limits of this call.
    pub meta: Meta,
    /// `_pagination.next_page` as the API sent it.
    pub next_page: Option<String>,
    /// The cursor of the next page (pass it to
    /// [`ChatMessagesRequest::cursor`] to continue), when there is one.
    pub next_cursor: Option<u64>,
}

/// A list-chat-messages request; see [`Client::chat_messages`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `send` or `stream` is called"]
pub struct ChatMessagesRequest {
    client: Client,
    account: String,
    chat_id: String,
    limit: Option<u64>,
    filter: Option<MessageFilter>,
    first_id: Option<u64>,
    last_id: Option<u64>,
    order: Option<MessageOrder>,
    skip_users: Option<SkipUsers>,
    cursor: Option<u64>,
    max_items: Option<usize>,
    options: CallOptions,
}

#[derive(Debug, Clone)]
struct Params {
    account: String,
    chat_id: String,
    limit: Option<NonZeroU64>,
    filter: Option<raw::ListChatMessagesFilter>,
    first_id: Option<u64>,
    last_id: Option<u64>,
    order: Option<&'static str>,
    skip_users: Option<&'static str>,
    options: CallOptions,
}

impl ChatMessagesRequest {
    pub(crate) fn new(client: Client, account: String, chat_id: String) -> Self {
        Self {
            client,
            account,
            chat_id,
            limit: None,
            filter: None,
            first_id: None,
            last_id: None,
            order: None,
            skip_users: None,
            cursor: None,
            max_items: None,
            options: CallOptions::default(),
        }
    }

    call_option_methods!();

    /// Messages per page, 1 to 100 (the API's default is 10). Out of range is
    /// an [`Error::InvalidRequest`] and nothing is sent.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn filter(mut self, filter: MessageFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// With [`MessageOrder::Desc`]: start the results at this message id.
    pub fn first_id(mut self, id: u64) -> Self {
        self.first_id = Some(id);
        self
    }

    /// With [`MessageOrder::Asc`]: start the results at this message id.
    pub fn last_id(mut self, id: u64) -> Self {
        self.last_id = Some(id);
        self
    }

    pub fn order(mut self, order: MessageOrder) -> Self {
        self.order = Some(order);
        self
    }

    pub fn skip_users(mut self, skip: SkipUsers) -> Self {
        self.skip_users = Some(skip);
        self
    }

    /// Start at this pagination cursor (a page's
    /// [`next_cursor`](MessagesPage::next_cursor)); resumes a stream.
    pub fn cursor(mut self, cursor: u64) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Stop a [`stream`](Self::stream) after this many messages.
    pub fn max_items(mut self, max: usize) -> Self {
        self.max_items = Some(max);
        self
    }

    fn params(&self) -> Result<Params, Error> {
        validate::path_segment("account", &self.account)?;
        validate::path_segment("chat_id", &self.chat_id)?;
        let limit = self
            .limit
            .map(|l| validate::in_range("limit", l, CHAT_MESSAGES_LIMIT_RANGE))
            .transpose()?
            .and_then(NonZeroU64::new);
        let mut options = self.options.clone();
        options.path_template = Some(REQUEST.path.clone());
        Ok(Params {
            account: self.account.clone(),
            chat_id: self.chat_id.clone(),
            limit,
            filter: self
                .filter
                .map(|MessageFilter::Pinned| raw::ListChatMessagesFilter::Pinned),
            first_id: self.first_id,
            last_id: self.last_id,
            order: self.order.map(|o| match o {
                MessageOrder::Desc => "desc",
                MessageOrder::Asc => "asc",
            }),
            skip_users: self.skip_users.map(|s| match s {
                SkipUsers::All => "all",
                SkipUsers::None => "none",
            }),
            options,
        })
    }

    /// Fetches one page (from [`cursor`](Self::cursor), when set).
    pub async fn send(self) -> Result<MessagesPage, Error> {
        let params = self.params()?;
        fetch_page(&self.client, &params, self.cursor).await
    }

    /// Every message, page after page by the API's cursor (the next page is
    /// fetched while the caller works through the current one). Invalid
    /// parameters give one error and nothing is sent.
    pub fn stream(self) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        let context = self.params().map(|params| (self.client.clone(), params));
        let fetch = |(client, params): (Client, Params), cursor| async move {
            let page = fetch_page(&client, &params, cursor).await?;
            Ok(PageOf {
                items: page.items,
                next: page.next_cursor,
            })
        };
        pagination::stream(
            context,
            self.cursor,
            fetch,
            |m| Some(m.id),
            self.max_items,
            REQUEST,
        )
    }
}

async fn fetch_page(
    client: &Client,
    params: &Params,
    cursor: Option<u64>,
) -> Result<MessagesPage, Error> {
    let mut options = params.options.clone();
    if let Some(cursor) = cursor {
        options.extra_query.push((CURSOR_PARAM, cursor.to_string()));
    }
    let raw_client = client.raw_for_call(options);
    let request = RequestInfo {
        page: cursor.map(|c| format!("cursor {c}")),
        ..REQUEST
    };
    let call = raw_client.list_chat_messages(
        &params.account,
        &params.chat_id,
        params.filter,
        params.first_id,
        params.last_id,
        params.limit,
        params.order,
        params.skip_users,
    );
    let body = transport::call(request, &raw_client.inner, call)
        .await?
        .into_inner();
    Ok(MessagesPage::from_raw(body))
}

impl MessagesPage {
    /// Decodes a list-chat-messages response body (e.g. one stored or relayed
    /// elsewhere), as [`ChatMessagesRequest::send`] does. Never panics: a body
    /// that does not fit is an [`Error::Decode`] naming the JSON path.
    pub fn from_slice(body: &[u8]) -> Result<MessagesPage, Error> {
        let raw: raw::ListChatMessagesResponse = transport::decode(REQUEST, body)?;
        Ok(MessagesPage::from_raw(raw))
    }

    fn from_raw(body: raw::ListChatMessagesResponse) -> MessagesPage {
        let items: Vec<Message> = body
            .data
            .unwrap_or_default()
            .into_iter()
            .map(types::message)
            .collect();
        let next_page = body
            .pagination
            .and_then(|p| p.next_page)
            .filter(|p| !p.is_empty());
        let next_cursor = match &next_page {
            Some(url) if !items.is_empty() => {
                crate::transport::pagination::query_value_of(url, CURSOR_PARAM)
                    .or_else(|| items.last().map(|m| m.id))
            }
            _ => None,
        };
        MessagesPage {
            items,
            meta: types::meta(body.meta),
            next_page,
            next_cursor,
        }
    }
}
