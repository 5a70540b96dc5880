//! Streams of items across pages, shared by both APIs.
//!
//! A stream fetches lazily (nothing happens until it is polled) and, once a page
//! has arrived, starts fetching the next one in the background while the caller
//! works through the current one. It ends after the last page, after
//! `max_items`, or with an error; it never yields an item twice across a page
//! boundary and never follows a cursor it has already followed (a server that
//! repeats a cursor ends the stream with [`Error::Pagination`] naming it, after
//! every item already received has been yielded).

use std::collections::{HashSet, VecDeque};
use std::fmt::Display;
use std::hash::Hash;
use std::sync::Arc;

use futures_util::future::{BoxFuture, Either, FutureExt};
use futures_util::stream::{self, Stream};
use tracing::Instrument;

use crate::Error;
use crate::error::RequestInfo;

/// One page as the pager needs it.
pub(crate) struct PageOf<T, C> {
    pub(crate) items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub(crate) next: Option<C>,
    /// Why the page says there is a next one but not where it starts (a
    /// next-page link with no query): the stream ends with this reason.
    pub(crate) unusable_next: Option<String>,
}

/// Pages in a row whose items were all yielded before, after which a stream
/// ends with [`Error::Pagination`]: a server that repeats a page under new
/// cursors would otherwise be paged forever.
const MAX_PAGES_WITHOUT_NEW_ITEMS: usize = 3;

pub(crate) type FetchFn<T, C> =
    Arc<dyn Fn(Option<C>) -> BoxFuture<'static, Result<PageOf<T, C>, Error>> + Send + Sync>;

/// Aborts the background fetch when the stream is dropped early.
struct Prefetch<T, C>(tokio::task::JoinHandle<Result<PageOf<T, C>, Error>>);

impl<T, C> Drop for Prefetch<T, C> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct State<T, C> {
    fetch: FetchFn<T, C>,
    key: fn(&T) -> Option<u64>,
    request: RequestInfo,
    start: Option<Option<C>>,
    in_flight: Option<Prefetch<T, C>>,
    in_flight_cursor: Option<C>,
    buffer: VecDeque<T>,
    followed: HashSet<C>,
    previous_keys: HashSet<u64>,
    remaining: Option<usize>,
    pending_error: Option<Error>,
    /// Pages in a row that brought no new item.
    pages_without_new_items: usize,
    /// The stream's span, a child of the span the stream is first polled in
    /// (made then): every page request runs in it, the prefetched ones
    /// (spawned tasks) too.
    span: Option<tracing::Span>,
    pages: u64,
    items: u64,
    /// Whether the end was recorded (an error may be followed by polls).
    finished: bool,
}

/// The stream of a request: one error if its parameters were refused (nothing
/// is sent), else the items of every page from `start` on, each page fetched by
/// `fetch(context, cursor)`. `key` names an item for the duplicate check at
/// page boundaries (`None`: never treated as a duplicate).
pub(crate) fn stream<X, T, C, F, Fut>(
    context: Result<X, Error>,
    start: Option<C>,
    fetch: F,
    key: fn(&T) -> Option<u64>,
    max_items: Option<usize>,
    request: RequestInfo,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    X: Clone + Send + Sync + 'static,
    T: Send + 'static,
    C: Clone + Eq + Hash + Display + Send + Sync + 'static,
    F: Fn(X, Option<C>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<PageOf<T, C>, Error>> + Send + 'static,
{
    let context = match context {
        Ok(context) => context,
        Err(error) => return Either::Left(stream::once(async { Err(error) })),
    };
    let fetch: FetchFn<T, C> = Arc::new(move |cursor| fetch(context.clone(), cursor).boxed());
    Either::Right(paginate(start, fetch, key, max_items, request))
}

/// Items of every page from `start` on.
fn paginate<T, C>(
    start: Option<C>,
    fetch: FetchFn<T, C>,
    key: fn(&T) -> Option<u64>,
    max_items: Option<usize>,
    request: RequestInfo,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    C: Clone + Eq + Hash + Display + Send + Sync + 'static,
{
    let state = State {
        fetch,
        key,
        start: Some(start),
        in_flight: None,
        in_flight_cursor: None,
        buffer: VecDeque::new(),
        followed: HashSet::new(),
        previous_keys: HashSet::new(),
        remaining: max_items,
        pending_error: None,
        pages_without_new_items: 0,
        span: None,
        pages: 0,
        items: 0,
        finished: false,
        request,
    };
    stream::unfold(state, |mut state| async move {
        let item = state.next().await?;
        Some((item, state))
    })
}

impl<T, C> State<T, C>
where
    T: Send + 'static,
    C: Clone + Eq + Hash + Display + Send + Sync + 'static,
{
    fn spawn(&mut self, cursor: Option<C>) {
        self.in_flight_cursor = cursor.clone();
        let fetch = (self.fetch)(cursor).instrument(self.span().clone());
        self.in_flight = Some(Prefetch(tokio::spawn(fetch)));
    }

    fn span(&mut self) -> &tracing::Span {
        let request = &self.request;
        self.span.get_or_insert_with(|| {
            tracing::info_span!(
                "onlyfans.stream",
                onlyfans.operation = request.operation,
                url.template = request.path.as_ref(),
                onlyfans.stream.pages = tracing::field::Empty,
                onlyfans.stream.items = tracing::field::Empty,
            )
        })
    }

    /// Records the stream's totals on its span and says it ended.
    fn finished(&mut self, outcome: &'static str) {
        if std::mem::replace(&mut self.finished, true) {
            return;
        }
        let (pages, items) = (self.pages, self.items);
        let span = self.span();
        span.record("onlyfans.stream.pages", pages);
        span.record("onlyfans.stream.items", items);
        tracing::debug!(
            parent: span,
            onlyfans.stream.pages = pages,
            onlyfans.stream.items = items,
            outcome,
            "stream completed"
        );
    }

    async fn next(&mut self) -> Option<Result<T, Error>> {
        self.span();
        let next = self.advance().await;
        match &next {
            Some(Ok(_)) => self.items += 1,
            Some(Err(_)) => self.finished("error"),
            None => self.finished("end"),
        }
        next
    }

    async fn advance(&mut self) -> Option<Result<T, Error>> {
        loop {
            if self.remaining == Some(0) {
                self.in_flight = None;
                return None;
            }
            if let Some(item) = self.buffer.pop_front() {
                if let Some(n) = self.remaining.as_mut() {
                    *n -= 1;
                }
                return Some(Ok(item));
            }
            if let Some(error) = self.pending_error.take() {
                self.in_flight = None;
                return Some(Err(error));
            }
            if let Some(start) = self.start.take() {
                self.spawn(start);
            }
            let mut prefetch = self.in_flight.take()?;
            let page = match (&mut prefetch.0).await {
                Ok(Ok(page)) => page,
                Ok(Err(error)) => return Some(Err(error)),
                Err(join) => {
                    let reason = format!("the page fetch did not complete: {join}");
                    return Some(Err(self.pagination_error(self.resume_point(), reason)));
                }
            };
            self.pages += 1;
            self.accept(page);
        }
    }

    /// The stream's end: it cannot go on past `resume_from`, because of `reason`.
    fn pagination_error(&self, resume_from: String, reason: String) -> Error {
        Error::Pagination {
            request: Box::new(self.request.clone()),
            resume_from,
            reason,
        }
    }

    fn resume_point(&self) -> String {
        match &self.in_flight_cursor {
            Some(cursor) => cursor.to_string(),
            None => "the start".to_owned(),
        }
    }

    /// Buffers a page's new items and starts fetching the next page.
    fn accept(&mut self, page: PageOf<T, C>) {
        let key = self.key;
        let keys: HashSet<u64> = page.items.iter().filter_map(key).collect();
        let previous = std::mem::replace(&mut self.previous_keys, keys);
        let (received, buffered) = (page.items.len(), self.buffer.len());
        self.buffer.extend(
            page.items
                .into_iter()
                .filter(|item| key(item).is_none_or(|k| !previous.contains(&k))),
        );
        if received > 0 && self.buffer.len() == buffered {
            self.pages_without_new_items += 1;
        } else {
            self.pages_without_new_items = 0;
        }
        let wanted_more = self.remaining.is_none_or(|n| n > self.buffer.len());
        if let (Some(reason), true) = (page.unusable_next, wanted_more) {
            let resume_from = self.resume_point();
            let reason = format!("the page after {resume_from} cannot be requested: {reason}");
            self.pending_error = Some(self.pagination_error(resume_from, reason));
            return;
        }
        match page.next {
            None => {}
            Some(_) if !wanted_more => {}
            Some(cursor) if self.pages_without_new_items >= MAX_PAGES_WITHOUT_NEW_ITEMS => {
                let reason = format!(
                    "the last {MAX_PAGES_WITHOUT_NEW_ITEMS} pages held only items already yielded, under new cursors"
                );
                self.pending_error = Some(self.pagination_error(cursor.to_string(), reason));
            }
            Some(cursor)
                if self.followed.contains(&cursor)
                    || self.in_flight_cursor.as_ref() == Some(&cursor) =>
            {
                let reason = format!("the server returned cursor {cursor} again");
                self.pending_error = Some(self.pagination_error(cursor.to_string(), reason));
            }
            Some(cursor) => {
                if let Some(current) = self.in_flight_cursor.take() {
                    self.followed.insert(current);
                }
                self.spawn(Some(cursor));
            }
        }
    }
}
