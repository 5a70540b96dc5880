//! `GET /v2/access/chats`: one page, or every chat as a stream.

use std::num::NonZeroU64;

use futures_util::stream::Stream;

use super::Client;
use super::raw::types as raw;
use super::types::{self, Chat};
use crate::Error;
use crate::error::RequestInfo;
use crate::transport::config::call_option_methods;
use crate::transport::pagination::{self, PageOf};
use crate::transport::{self, CallOptions, RateLimitHeaders, Secret, validate};

const REQUEST: RequestInfo = RequestInfo::operation("chats_list", "GET", "/v2/access/chats");

/// Chats per page the API accepts.
pub const CHATS_LIMIT_RANGE: std::ops::RangeInclusive<u64> = 1..=20;
/// Longest search text the API accepts, in characters.
pub const QUERY_MAX_CHARS: usize = 100;

/// Sort order of the chats list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatOrder {
    /// Newest activity first (the API's default).
    Recent,
    /// Oldest first.
    Old,
}

/// Which chats to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatFilter {
    Priority,
    WhoTipped,
    Unread,
}

/// One page of chats.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatsPage {
    pub items: Vec<Chat>,
    /// Whether more chats follow this page.
    pub has_more: bool,
    /// The offset of the next page, when there is one.
    pub next_offset: Option<u64>,
    /// The rate-limit headers of the response.
    pub rate_limit: RateLimitHeaders,
}

/// A chats-list request; see [`Client::chats`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `send` or `stream` is called"]
pub struct ChatsRequest {
    client: Client,
    limit: Option<u64>,
    offset: Option<u64>,
    order: Option<ChatOrder>,
    filter: Option<ChatFilter>,
    query: Option<String>,
    user_list_id: Option<u64>,
    connection_id: Option<Secret>,
    max_items: Option<usize>,
    options: CallOptions,
}

/// Parameters checked and converted, ready for any number of pages.
#[derive(Debug, Clone)]
struct Params {
    limit: Option<NonZeroU64>,
    order: Option<raw::ChatsListOrder>,
    filter: Option<raw::ChatsListFilter>,
    query: Option<raw::ChatsListQuery>,
    user_list_id: Option<NonZeroU64>,
    options: CallOptions,
}

impl ChatsRequest {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            limit: None,
            offset: None,
            order: None,
            filter: None,
            query: None,
            user_list_id: None,
            connection_id: None,
            max_items: None,
            options: CallOptions::default(),
        }
    }

    call_option_methods!();

    /// Chats per page, 1 to 20 (the API's default is 10). Out of range is an
    /// [`Error::InvalidRequest`] and nothing is sent.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Chats to skip; also where a stream starts (to resume one).
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn order(mut self, order: ChatOrder) -> Self {
        self.order = Some(order);
        self
    }

    pub fn filter(mut self, filter: ChatFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Search text (at most 100 characters).
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// Only chats with users on this user list.
    pub fn user_list_id(mut self, id: u64) -> Self {
        self.user_list_id = Some(id);
        self
    }

    /// Act for this connection instead of the client's.
    pub fn connection_id(mut self, id: impl Into<String>) -> Self {
        self.connection_id = Some(Secret::new(id.into()));
        self
    }

    /// Stop a [`stream`](Self::stream) after this many chats.
    pub fn max_items(mut self, max: usize) -> Self {
        self.max_items = Some(max);
        self
    }

    fn params(&self) -> Result<Params, Error> {
        let limit = self
            .limit
            .map(|l| validate::in_range("limit", l, CHATS_LIMIT_RANGE))
            .transpose()?
            .and_then(NonZeroU64::new);
        let query = match &self.query {
            Some(q) => {
                validate::max_chars("query", q, QUERY_MAX_CHARS)?;
                Some(
                    raw::ChatsListQuery::try_from(q.as_str())
                        .map_err(|e| Error::invalid("query", e.to_string()))?,
                )
            }
            None => None,
        };
        let user_list_id = match self.user_list_id {
            Some(id) => Some(
                NonZeroU64::new(id)
                    .ok_or_else(|| Error::invalid("user_list_id", "must be at least 1"))?,
            ),
            None => None,
        };
        let mut options = self.options.clone();
        options.path_template = Some(REQUEST.path.clone());
        if let Some(id) = &self.connection_id {
            options
                .headers
                .push(super::client::connection_header(id.expose())?);
        }
        Ok(Params {
            limit,
            order: self.order.map(|o| match o {
                ChatOrder::Recent => raw::ChatsListOrder::Recent,
                ChatOrder::Old => raw::ChatsListOrder::Old,
            }),
            filter: self.filter.map(|f| match f {
                ChatFilter::Priority => raw::ChatsListFilter::Priority,
                ChatFilter::WhoTipped => raw::ChatsListFilter::WhoTipped,
                ChatFilter::Unread => raw::ChatsListFilter::Unread,
            }),
            query,
            user_list_id,
            options,
        })
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<ChatsPage, Error> {
        let params = self.params()?;
        fetch_page(&self.client, &params, self.offset).await
    }

    /// Every chat from `offset` on, page after page (the next page is fetched
    /// while the caller works through the current one). Invalid parameters
    /// give one error and nothing is sent.
    pub fn stream(self) -> impl Stream<Item = Result<Chat, Error>> + Send + 'static {
        let context = self.params().map(|params| (self.client.clone(), params));
        let fetch = |(client, params): (Client, Params), offset| async move {
            let page = fetch_page(&client, &params, offset).await?;
            Ok(PageOf {
                items: page.items,
                next: page.next_offset,
            })
        };
        let start = Some(self.offset.unwrap_or(0));
        pagination::stream(
            context,
            start,
            fetch,
            |chat| Some(chat.with_user.id),
            self.max_items,
            REQUEST,
        )
    }
}

async fn fetch_page(
    client: &Client,
    params: &Params,
    offset: Option<u64>,
) -> Result<ChatsPage, Error> {
    let raw_client = client.raw_for_call(params.options.clone());
    let request = RequestInfo {
        page: offset.map(|o| format!("offset {o}")),
        ..REQUEST
    };
    let call = raw_client.chats_list(
        params.filter,
        params.limit,
        offset,
        params.order,
        params.query.as_ref(),
        params.user_list_id,
    );
    let response = transport::call(request.clone(), &raw_client.inner, call).await?;
    let rate_limit = RateLimitHeaders::from_headers(response.headers());
    ChatsPage::from_raw(response.into_inner(), offset, rate_limit, request)
}

impl ChatsPage {
    /// Decodes a chats-list response body (e.g. one stored or relayed
    /// elsewhere), as [`ChatsRequest::send`] does. Never panics: a body that
    /// does not fit is an [`Error::Decode`] naming the JSON path.
    pub fn from_slice(body: &[u8]) -> Result<ChatsPage, Error> {
        let raw: raw::ChatsListResponse = transport::decode(REQUEST, body)?;
        ChatsPage::from_raw(raw, None, RateLimitHeaders::default(), REQUEST)
    }

    fn from_raw(
        body: raw::ChatsListResponse,
        offset: Option<u64>,
        rate_limit: RateLimitHeaders,
        request: RequestInfo,
    ) -> Result<ChatsPage, Error> {
        let items = body
            .list
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, chat)| types::chat(chat, &format!("list[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|path| Error::Decode {
                request: Box::new(request),
                path,
                message: "missing required value".into(),
                body_excerpt: String::new(),
            })?;
        let has_more = body.has_more.unwrap_or(false);
        let next_offset = has_more.then(|| {
            body.next_offset
                .unwrap_or_else(|| offset.unwrap_or(0).saturating_add(items.len() as u64))
        });
        Ok(ChatsPage {
            items,
            has_more,
            next_offset,
            rate_limit,
        })
    }
}
