//! Offline testing kit (cargo feature `mock`): a local server that answers
//! every operation of the enabled APIs the way the specs describe them, so
//! code built on this crate can be tested with no network, no key and no
//! hand-written JSON.
//!
//! [`MockServer`] serves each API on its own loopback port, from the specs'
//! response examples (or, where a spec has none, a deterministic body built
//! from the response schema). It checks what the real APIs check: the auth
//! headers (`401` without or with a wrong key), parameter types and ranges
//! (`400` for `limit=0` or an unknown enum value), JSON request bodies
//! against the spec's schema (`400` naming the JSON path:
//! `` `$.mediaItems[1]` matches none of the 2 shapes it may take ``), and it
//! pages through [`items`](MockServerBuilder::items) list items (several
//! pages by default) in each list operation's own paging style (offset,
//! marker, last id, next-page link), so `stream()` runs for real. Faults —
//! `429` with `Retry-After`, `5xx`, slow responses — can be injected per
//! operation.
//!
//! ```
//! use futures::TryStreamExt;
//! use onlyfans_clients::mock::{Fault, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start().await?;
//! let of = server.ofauth().build()?;
//!
//! // The first call gets a 503; the client retries and pages through all 45 chats.
//! server.inject("chats_list", Fault::status(503))?;
//! let chats: Vec<_> = of.messages().list_chats().limit(20).stream().try_collect().await?;
//! assert_eq!(chats.len(), 45);
//! assert_eq!(server.received().len(), 4); // 503, then pages at offset 0, 20, 40
//! # Ok(()) }
//! ```
//!
//! For exact control over one response, the typed httpmock helpers
//! (feature `httpmock`) generated for each API ([`ofauth::mock`](crate::ofauth::mock),
//! [`onlyfansapi::mock`](crate::onlyfansapi::mock)) mock single operations
//! with the generated request and response types.

#[cfg(feature = "__conformance")]
#[doc(hidden)]
pub use onlyfans_clients_core::conformance;
mod routes;
mod schema;
mod server;
mod webhooks;

/// The httpmock crate the typed helpers are generated for, re-exported so
/// that tests need no version-matched dependency of their own.
#[cfg(feature = "httpmock")]
#[cfg_attr(docsrs, doc(cfg(feature = "httpmock")))]
pub use httpmock;
pub use webhooks::{sign_ofauth_event, sign_ofauth_header_event, sign_onlyfansapi_event};

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::Error;
use routes::ApiMock;

/// Default number of items every list operation pages through: several pages
/// at each API's default page size.
pub const DEFAULT_ITEMS: usize = 45;

/// A local stand-in for the APIs. Stops serving when dropped.
#[derive(Debug)]
pub struct MockServer {
    apis: Vec<Arc<ApiMock>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Configures a [`MockServer`]; see [`MockServer::builder`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    items: usize,
}

/// A fault the mock serves instead of (or before) an operation's answer.
#[derive(Debug, Clone, Copy)]
pub struct Fault {
    kind: FaultKind,
    times: usize,
}

#[derive(Debug, Clone, Copy)]
enum FaultKind {
    Status(u16),
    RateLimited(Duration),
    Slow(Duration),
}

impl Fault {
    /// Answers with this status (e.g. `500`, `503`) and a JSON error body.
    pub fn status(status: u16) -> Fault {
        Fault {
            kind: FaultKind::Status(status),
            times: 1,
        }
    }

    /// Answers `429 Too Many Requests` with `Retry-After` in whole seconds.
    pub fn rate_limited(retry_after: Duration) -> Fault {
        Fault {
            kind: FaultKind::RateLimited(retry_after),
            times: 1,
        }
    }

    /// Answers normally, after `delay` (to exercise timeouts).
    pub fn slow(delay: Duration) -> Fault {
        Fault {
            kind: FaultKind::Slow(delay),
            times: 1,
        }
    }

    /// Serves the fault to this many consecutive requests (default 1).
    pub fn times(mut self, times: usize) -> Fault {
        self.times = times.max(1);
        self
    }
}

/// A request the mock received. Headers are not kept: they carry the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// `"ofauth"` or `"onlyfansapi"`.
    pub api: &'static str,
    /// The spec's operation id, when the request matched one.
    pub operation_id: Option<String>,
    pub method: String,
    /// As sent (percent-encoded).
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The status the mock answered with.
    pub status: u16,
}

impl MockServer {
    /// The OFAuth API key the mock accepts (what [`ofauth`](Self::ofauth) sets).
    pub const OFAUTH_API_KEY: &'static str = "mock-ofauth-key";
    /// The OFAuth connection id the mock accepts.
    pub const OFAUTH_CONNECTION_ID: &'static str = "conn_mock";
    /// The OnlyFansAPI bearer token the mock accepts.
    pub const ONLYFANSAPI_API_KEY: &'static str = "mock-onlyfansapi-key";

    /// Starts a mock with the default settings ([`DEFAULT_ITEMS`] per list).
    /// Must run inside a tokio runtime.
    pub async fn start() -> std::io::Result<MockServer> {
        MockServer::builder().start().await
    }

    /// Starts configuring a mock.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            items: DEFAULT_ITEMS,
        }
    }

    /// Serves `fault` to the next request(s) for `operation_id` (the spec's
    /// operation id, as listed by [`operations`](Self::operations)); faults
    /// queue in the order given. An unknown operation, or one both APIs have
    /// (`whoami`: say which with [`inject_in`](Self::inject_in)), is an
    /// [`Error::InvalidRequest`].
    pub fn inject(&self, operation_id: &str, fault: Fault) -> Result<(), Error> {
        let serving: Vec<&std::sync::Arc<routes::ApiMock>> = self
            .apis
            .iter()
            .filter(|a| a.has_operation(operation_id))
            .collect();
        match serving.as_slice() {
            [api] => {
                api.inject(operation_id, fault);
                Ok(())
            }
            [] => Err(self.unknown_operation(operation_id)),
            several => Err(Error::invalid(
                "operation_id",
                format!(
                    "`{operation_id}` is an operation of {}: say which with `inject_in(api, ..)`",
                    several
                        .iter()
                        .map(|a| a.api)
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )),
        }
    }

    /// [`inject`](Self::inject) for one API's operation (`"ofauth"` or
    /// `"onlyfansapi"`), for operation ids both APIs have.
    ///
    /// ```
    /// # use onlyfans_clients::mock::{Fault, MockServer};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = MockServer::start().await?;
    /// assert!(server.inject("whoami", Fault::status(503)).is_err());
    /// server.inject_in("onlyfansapi", "whoami", Fault::status(503))?;
    /// # Ok(()) }
    /// ```
    pub fn inject_in(&self, api: &str, operation_id: &str, fault: Fault) -> Result<(), Error> {
        let mock = self.apis.iter().find(|a| a.api == api).ok_or_else(|| {
            Error::invalid(
                "api",
                format!(
                    "`{api}` is not an API of the mock (it serves: {})",
                    self.apis
                        .iter()
                        .map(|a| a.api)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        if !mock.has_operation(operation_id) {
            return Err(self.unknown_operation(operation_id));
        }
        mock.inject(operation_id, fault);
        Ok(())
    }

    fn unknown_operation(&self, operation_id: &str) -> Error {
        Error::invalid(
            "operation_id",
            format!(
                "`{operation_id}` is not an operation of the mock (it has: {})",
                self.operations().join(", ")
            ),
        )
    }

    /// The operation ids the mock serves.
    pub fn operations(&self) -> Vec<&str> {
        self.apis
            .iter()
            .flat_map(|a| a.routes.iter().map(|r| r.operation_id.as_str()))
            .collect()
    }

    /// Every request received so far, in order per API.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.apis.iter().flat_map(|a| a.received()).collect()
    }

    /// How many requests matched `operation_id`.
    pub fn hits(&self, operation_id: &str) -> usize {
        self.received()
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(operation_id))
            .count()
    }

    #[cfg_attr(
        not(any(feature = "_ofauth", feature = "_onlyfansapi")),
        allow(dead_code)
    )]
    fn base_url(&self, api: &str) -> &str {
        self.apis
            .iter()
            .find(|a| a.api == api)
            .map_or("", |a| a.base_url.as_str())
    }
}

#[cfg(feature = "_ofauth")]
impl MockServer {
    /// The base URL the OFAuth mock listens on.
    pub fn ofauth_url(&self) -> &str {
        self.base_url("ofauth")
    }

    /// An OFAuth client builder pointed at the mock, with its key and
    /// connection id set: `server.ofauth().build()?` is a working client.
    pub fn ofauth(&self) -> crate::ofauth::ClientBuilder {
        crate::ofauth::Client::builder()
            .api_key(Self::OFAUTH_API_KEY)
            .connection_id(Self::OFAUTH_CONNECTION_ID)
            .base_url(self.ofauth_url())
    }
}

#[cfg(feature = "_onlyfansapi")]
impl MockServer {
    /// The base URL the OnlyFansAPI mock listens on.
    pub fn onlyfansapi_url(&self) -> &str {
        self.base_url("onlyfansapi")
    }

    /// An OnlyFansAPI client builder pointed at the mock, with its key set.
    pub fn onlyfansapi(&self) -> crate::onlyfansapi::ClientBuilder {
        crate::onlyfansapi::Client::builder()
            .api_key(Self::ONLYFANSAPI_API_KEY)
            .base_url(self.onlyfansapi_url())
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl MockServerBuilder {
    /// How many items every list operation pages through (default
    /// [`DEFAULT_ITEMS`]).
    pub fn items(mut self, items: usize) -> Self {
        self.items = items;
        self
    }

    /// Binds the loopback ports and starts serving.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let mut apis = Vec::new();
        let mut tasks = Vec::new();
        for mock in self.api_mocks()? {
            let (api, task) = server::serve(mock).await?;
            apis.push(api);
            tasks.push(task);
        }
        Ok(MockServer { apis, tasks })
    }

    #[allow(unused_mut, clippy::vec_init_then_push)] // which pushes exist depends on the features
    fn api_mocks(&self) -> std::io::Result<Vec<ApiMock>> {
        let mut mocks = Vec::new();
        #[cfg(feature = "_ofauth")]
        mocks.push(self.api_mock(
            "ofauth",
            onlyfans_clients_ofauth::MOCK_ROUTES,
            &[
                ("ApiKey", MockServer::OFAUTH_API_KEY),
                ("ConnectionId", MockServer::OFAUTH_CONNECTION_ID),
            ],
        )?);
        #[cfg(feature = "_onlyfansapi")]
        mocks.push(self.api_mock(
            "onlyfansapi",
            onlyfans_clients_onlyfansapi::MOCK_ROUTES,
            &[("default", MockServer::ONLYFANSAPI_API_KEY)],
        )?);
        Ok(mocks)
    }

    /// One API's mock from its route table and the value each of its security
    /// schemes (named as in its spec) accepts.
    #[cfg_attr(
        not(any(feature = "_ofauth", feature = "_onlyfansapi")),
        allow(dead_code)
    )]
    fn api_mock(
        &self,
        api: &'static str,
        table: &str,
        credentials: &[(&'static str, &'static str)],
    ) -> std::io::Result<ApiMock> {
        ApiMock::new(
            api,
            table,
            credentials.iter().copied().collect(),
            self.items,
        )
        .map_err(|e| std::io::Error::other(format!("{api} route table does not decode: {e}")))
    }
}

#[cfg(all(test, feature = "_ofauth", feature = "_onlyfansapi"))]
mod tests {
    use super::*;

    #[test]
    fn route_tables_decode_and_every_scheme_has_a_credential() {
        let mocks = MockServer::builder().api_mocks().unwrap();
        assert_eq!(mocks.len(), 2);
        for mock in &mocks {
            assert!(!mock.routes.is_empty(), "{}", mock.api);
            assert_eq!(mock.schemes_without_credentials(), Vec::<&str>::new());
        }
    }
}
