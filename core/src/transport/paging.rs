//! Streams for the generated request builders: every list operation's pages,
//! whatever its pagination style, through the one pager of
//! [`pagination`](super::pagination).
//!
//! The generator detects each list operation's style and page layout once
//! (`codegen/src/model.rs`) and names them here ([`Paging`], a [`Layout`]);
//! a page is decoded straight into [`Envelope`], which keeps the items and
//! the fields that say where the next page starts and skips the rest.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::stream::Stream;
use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::pagination::{self, PageOf};
use super::request::Call;
use crate::Error;

/// How an operation asks for its next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// `?offset=` advances by the page's length (or to `nextOffset`) while
    /// `hasMore` says so.
    Offset(&'static str),
    /// `?marker=` takes the page's `nextMarker` (or `marker`) while `hasMore`.
    Marker(&'static str),
    /// `_pagination.next_page` is the next page's URL: its query replaces the
    /// request's (the host and path stay the client's own).
    NextPage,
    /// `?last_id=` takes the last item's id while `hasMore`.
    LastId(&'static str),
}

/// Where a page keeps its items: the field name, at the top or inside `data`.
pub trait Layout: Send + Sync + 'static {
    const ITEMS: &'static str;
    const IN_DATA: bool;
}

macro_rules! layouts {
    ($($name:ident = $items:literal, $in_data:literal;)*) => {
        $(
            /// A page layout (see [`Layout`]).
            pub struct $name;
            impl Layout for $name {
                const ITEMS: &'static str = $items;
                const IN_DATA: bool = $in_data;
            }
        )*
    };
}

layouts! {
    List = "list", false;
    Items = "items", false;
    Data = "data", false;
    DataList = "list", true;
    DataItems = "items", true;
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cursor {
    Offset(u64),
    Marker(String),
    /// The query of a `next_page` URL.
    Query(String),
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cursor::Offset(n) => write!(f, "offset {n}"),
            Cursor::Marker(m) => write!(f, "marker {m}"),
            // As a query string, so that `.next_page(page)` takes it back.
            Cursor::Query(q) => write!(f, "?{q}"),
        }
    }
}

/// A marker as the APIs send it: a string or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker(String);

impl<'de> Deserialize<'de> for Marker {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(serde_json::Number),
        }
        Ok(Marker(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Number(n) => n.to_string(),
        }))
    }
}

/// `_pagination`: the next page's URL is `next_page` (most lists) or
/// `next_page_url` (search, which pages by `cursor`).
#[derive(Deserialize)]
struct NextPageLink {
    next_page: Option<String>,
    next_page_url: Option<String>,
}

/// One page: the items and whatever says where the next one starts.
pub struct Envelope<I, L> {
    items: Vec<I>,
    has_more: Option<bool>,
    next_offset: Option<u64>,
    next_marker: Option<String>,
    next_page: Option<String>,
    layout: PhantomData<L>,
}

impl<I, L> Default for Envelope<I, L> {
    fn default() -> Self {
        Envelope {
            items: Vec::new(),
            has_more: None,
            next_offset: None,
            next_marker: None,
            next_page: None,
            layout: PhantomData,
        }
    }
}

impl<'de, I: Deserialize<'de>, L: Layout> Deserialize<'de> for Envelope<I, L> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut page = Envelope::default();
        d.deserialize_map(Level {
            page: &mut page,
            items_here: !L::IN_DATA,
        })?;
        Ok(page)
    }
}

/// Reads one object level of a page into `page`: the items when they are at
/// this level, else `data` (one level down); the paging fields at any level.
struct Level<'p, I, L> {
    page: &'p mut Envelope<I, L>,
    items_here: bool,
}

impl<'de, I: Deserialize<'de>, L: Layout> Visitor<'de> for Level<'_, I, L> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a page object with `{}`", L::ITEMS)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                k if self.items_here && k == L::ITEMS => {
                    self.page.items = map.next_value::<Option<Vec<I>>>()?.unwrap_or_default();
                }
                "data" if !self.items_here => {
                    map.next_value_seed(Level {
                        page: &mut *self.page,
                        items_here: true,
                    })?;
                }
                "hasMore" | "has_more" => self.page.has_more = map.next_value()?,
                "nextOffset" => self.page.next_offset = map.next_value()?,
                "nextMarker" | "marker" => {
                    let marker: Option<Marker> = map.next_value()?;
                    // `nextMarker` wins over a `marker` echoing the request.
                    if key.as_ref() == "nextMarker" || self.page.next_marker.is_none() {
                        self.page.next_marker = marker.map(|m| m.0);
                    }
                }
                "_pagination" => {
                    let link: Option<NextPageLink> = map.next_value()?;
                    self.page.next_page = link.and_then(|l| l.next_page.or(l.next_page_url));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de, I: Deserialize<'de>, L: Layout> DeserializeSeed<'de> for Level<'_, I, L> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<I, L> Envelope<I, L> {
    /// The items and where the next page starts, given the offset this page
    /// was asked for and the key naming an item.
    fn into_page(
        self,
        paging: Paging,
        offset: u64,
        key: fn(&I) -> Option<u64>,
    ) -> PageOf<I, Cursor> {
        let more = self.has_more.unwrap_or(!self.items.is_empty()) && !self.items.is_empty();
        let next = match paging {
            Paging::Offset(_) => more.then(|| {
                Cursor::Offset(
                    self.next_offset
                        .unwrap_or_else(|| offset.saturating_add(self.items.len() as u64)),
                )
            }),
            Paging::Marker(_) => self.next_marker.filter(|_| more).map(Cursor::Marker),
            Paging::NextPage => self
                .next_page
                .as_deref()
                .filter(|url| !url.is_empty() && !self.items.is_empty())
                .map(next_page_query)
                .map(Cursor::Query),
            Paging::LastId(_) => self
                .items
                .last()
                .and_then(key)
                .filter(|_| more)
                .map(|id| Cursor::Marker(id.to_string())),
        };
        // A link with no query cannot name the next page (the same request
        // again would repeat this one): the stream ends saying so.
        let (next, unusable_next) = match next {
            Some(Cursor::Query(query)) if query.is_empty() => {
                (None, Some("its next-page link has no query".to_owned()))
            }
            next => (next, None),
        };
        PageOf {
            items: self.items,
            next,
            unusable_next,
        }
    }
}

/// The query of a `_pagination.next_page` link, given as a whole URL, a
/// path with a query (`/api/x?page=2`) or a query alone (`?page=2`,
/// `page=2`); empty when the link has none.
pub fn next_page_query(next_page: &str) -> String {
    if let Ok(url) = reqwest::Url::parse(next_page) {
        return url.query().unwrap_or_default().to_owned();
    }
    match next_page.split_once('?') {
        Some((_, query)) => query.to_owned(),
        None if next_page.contains('=') && !next_page.contains('/') => next_page.to_owned(),
        None => String::new(),
    }
}

/// Every item of a list operation across pages: the first page is `call` as
/// the caller built it; each next page is the same request with the cursor
/// applied. The next page is fetched while the caller works through the
/// current one; a repeated cursor ends the stream with
/// [`Error::Pagination`] naming where to resume.
pub fn stream<I, L>(
    call: Result<Call, Error>,
    paging: Paging,
    key: fn(&I) -> Option<u64>,
) -> impl Stream<Item = Result<I, Error>> + Send + 'static
where
    I: DeserializeOwned + Send + 'static,
    L: Layout,
{
    let request = call
        .as_ref()
        .map(|c| c.request().clone())
        .unwrap_or_else(|_| crate::RequestInfo::operation("stream", "GET", ""));
    let context = call.map(Arc::new);
    let fetch = move |call: Arc<Call>, cursor: Option<Cursor>| async move {
        let page = call.for_page(paging, cursor.as_ref())?;
        let offset = match (&cursor, paging) {
            (Some(Cursor::Offset(n)), _) => *n,
            (_, Paging::Offset(name)) => page.query_number(name).unwrap_or(0),
            _ => 0,
        };
        let envelope = page.send_json::<Envelope<I, L>>().await?.into_inner();
        Ok(envelope.into_page(paging, offset, key))
    };
    pagination::stream(context, None, fetch, key, None, request)
}

/// One page of a list operation's answer, whatever the API calls its items
/// (`list`, `data`, `data.list`, …): `page.items()` reads them the same way
/// for every list (a [`Response`](crate::Response) derefs to its page).
///
/// ```
/// use onlyfans_clients::Page;
/// use onlyfans_clients::ofauth::types::ChatsListResponse;
///
/// let page: ChatsListResponse = onlyfans_clients::decode(br#"{"list": [{"withUser": {"id": 7}}]}"#).unwrap();
/// assert_eq!(page.items().len(), 1);
/// ```
pub trait Page {
    /// What the list holds.
    type Item;

    /// The items of this page (none when the answer left them out).
    fn items(&self) -> &[Self::Item];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page<L: Layout>(json: serde_json::Value) -> Envelope<u64, L> {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn layouts_and_styles() {
        let key: fn(&u64) -> Option<u64> = |n| Some(*n);
        let p = page::<List>(
            serde_json::json!({"list": [1, 2], "hasMore": true, "other": {"list": 5}}),
        );
        let next = p.into_page(Paging::Offset("offset"), 10, key).next;
        assert_eq!(next, Some(Cursor::Offset(12)));

        let p = page::<DataList>(
            serde_json::json!({"data": {"list": [3], "hasMore": true, "nextMarker": 77}}),
        );
        assert_eq!(
            p.into_page(Paging::Marker("marker"), 0, key).next,
            Some(Cursor::Marker("77".into()))
        );

        let p = page::<Data>(
            serde_json::json!({"data": [4, 5], "_pagination": {"next_page": "https://x/api/a?limit=2&offset=2"}}),
        );
        assert_eq!(
            p.into_page(Paging::NextPage, 0, key).next,
            Some(Cursor::Query("limit=2&offset=2".into()))
        );

        let p = page::<List>(serde_json::json!({"list": [8, 9], "hasMore": true}));
        assert_eq!(
            p.into_page(Paging::LastId("last_id"), 0, key).next,
            Some(Cursor::Marker("9".into()))
        );

        let p = page::<Items>(serde_json::json!({"items": [], "hasMore": true}));
        assert_eq!(
            p.into_page(Paging::Offset("offset"), 0, key).next,
            None,
            "an empty page ends the stream"
        );

        let p = page::<DataItems>(serde_json::json!({"data": {"items": [1], "hasMore": false}}));
        assert_eq!(p.into_page(Paging::Offset("offset"), 0, key).next, None);
    }
}
