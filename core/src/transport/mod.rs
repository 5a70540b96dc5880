//! The transport shared by both clients: authentication, retries with backoff,
//! timeouts, tracing, error mapping and pagination. One implementation; each API
//! module only declares its operations.
//!
//! It plugs into the generated clients through progenitor's `ClientHooks`: the
//! generated `Client` carries a [`Transport`] as its `inner` value, `pre` adds
//! the credentials and `exec` runs the retry loop. So the raw client, reached
//! through `raw()`, authenticates and retries exactly like the facade.

#[doc(hidden)]
pub mod auth;
#[doc(hidden)]
pub mod config;
mod custom;
#[doc(hidden)]
pub mod decode;
mod headers;
mod observe;
pub mod pagination;
#[doc(hidden)]
pub mod paging;
pub mod rate_limit;
pub mod request;
pub mod retry;
mod tls;
#[doc(hidden)]
pub mod validate;

use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::Error;
use crate::error::{ErrorResponse, RequestInfo, excerpt, transport_message};
#[doc(hidden)]
pub use auth::Credentials;
pub use auth::{Secret, SecretValue};
pub use observe::{OutgoingRequest, RequestHook};
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use tls::http_client_builder;
#[doc(hidden)]
pub use tls::same_origin_redirects;

/// Default time a call may take, retries included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The per-client state the generated client carries (`inner`).
#[derive(Clone, Debug)]
pub struct Transport {
    shared: Arc<Shared>,
    call: CallSettings,
}

#[derive(Debug)]
struct Shared {
    credentials: Credentials,
    retry: RetryPolicy,
    timeout: Duration,
    max_response_bytes: usize,
    limiter: Option<rate_limit::Limiter>,
    /// What rate-limit buckets are named after besides the credential: the
    /// API's host.
    bucket_scope: String,
    /// The key of the buckets' keyed hash: the credentials (derived once).
    bucket_key: ring::hmac::Key,
    body_report: Option<ReadBodyReport>,
    /// The API's name, for spans and the request hook.
    api: &'static str,
    /// The base URL's host, for spans (`server.address`).
    server_address: String,
    request_hook: Option<RequestHook>,
    /// The base URL's path segments (empty for `https://host`), before
    /// every operation's own: what the raw client's paths are checked by.
    #[cfg(feature = "raw")]
    base_segments: Vec<String>,
}

/// What an API reports about its budget in a response body (OnlyFansAPI's
/// `_meta`): each `None` when the body does not say.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyReport {
    /// Calls left this minute.
    pub remaining_minute: Option<u64>,
    /// Calls left today.
    pub remaining_day: Option<u64>,
    /// The account's credit balance.
    pub credits: Option<u64>,
}

/// Reads an API's [`BodyReport`] from a response body.
#[doc(hidden)]
pub type ReadBodyReport = fn(&[u8]) -> BodyReport;

/// Default largest response body read into memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Status of the stand-in response `exec` returns when it refused a call or a
/// body; the real error waits in the call's [`CallOutcome`].
const REFUSED_STATUS: u16 = 599;

/// Where `exec` leaves an error the generated code cannot carry.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct CallOutcome(Arc<std::sync::Mutex<Option<Refused>>>);

/// What `exec` refused.
#[derive(Debug)]
enum Refused {
    /// A response body larger than the limit.
    Body { limit: usize },
    /// The rate limiter's slot lies beyond the call's deadline.
    RateLimitWait { wait: Duration },
    /// The rate-limit store failed and the policy is to fail the call.
    Store(rate_limit::StoreError),
    /// The reported credit balance is below the client's floor.
    Credits { balance: u64, floor: u64 },
}

/// Settings one call may override.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct CallSettings {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub max_attempts: Option<u32>,
    pub timeout: Option<Duration>,
    /// The query of the page to start at (a `_pagination.next_page`), for
    /// lists paged by next-page links.
    pub start_query: Option<String>,
    pub path_template: Option<std::borrow::Cow<'static, str>>,
    pub outcome: CallOutcome,
    /// Whether a success body that does not fit its type fails the call.
    pub strict_decoding: Option<bool>,
}

/// What a [`Transport`] is made of (see `ClientConfig::build`).
pub(crate) struct TransportSettings<'a> {
    pub(crate) api: &'static str,
    pub(crate) credentials: Credentials,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) limiter: Option<rate_limit::Limiter>,
    pub(crate) base_url: &'a str,
    pub(crate) body_report: Option<ReadBodyReport>,
    pub(crate) request_hook: Option<RequestHook>,
}

impl Transport {
    pub(crate) fn new(settings: TransportSettings<'_>) -> Self {
        let TransportSettings {
            api,
            credentials,
            retry,
            timeout,
            max_response_bytes,
            limiter,
            base_url,
            body_report,
            request_hook,
        } = settings;
        let base = url::Url::parse(base_url).ok();
        // Buckets are per API: named after its host (and port), never after
        // anything else of the URL (a user name or password).
        let bucket_scope = base
            .as_ref()
            .map(|url| {
                let host = url.host_str().unwrap_or_default().to_owned();
                match url.port_or_known_default() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                }
            })
            .unwrap_or_default();
        #[cfg(feature = "raw")]
        let base_segments = base
            .as_ref()
            .and_then(|url| url.path_segments())
            .map(|segments| {
                segments
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let bucket_key = ring::hmac::Key::new(
            ring::hmac::HMAC_SHA256,
            &credentials
                .headers()
                .iter()
                .fold(Vec::new(), |mut key, (name, value)| {
                    key.extend_from_slice(name.as_str().as_bytes());
                    key.push(b':');
                    key.extend_from_slice(value.as_bytes());
                    key.push(b'\n');
                    key
                }),
        );
        Self {
            shared: Arc::new(Shared {
                credentials,
                retry,
                timeout,
                max_response_bytes,
                limiter,
                bucket_scope,
                bucket_key,
                body_report,
                api,
                server_address: base
                    .as_ref()
                    .and_then(|url| url.host_str().map(str::to_owned))
                    .unwrap_or_default(),
                request_hook,
                #[cfg(feature = "raw")]
                base_segments,
            }),
            call: CallSettings::default(),
        }
    }

    /// The same transport with one call's overrides (and its own outcome slot).
    /// The headers every call through this transport sends.
    #[doc(hidden)]
    pub fn call_headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.call.headers
    }

    #[doc(hidden)]
    pub fn with_call(&self, mut call: CallSettings) -> Self {
        call.outcome = CallOutcome::default();
        Self {
            shared: Arc::clone(&self.shared),
            call,
        }
    }

    /// Reads the whole body now, within the size limit, so that a body that
    /// breaks off (reset, truncation, wrong `Content-Length`) is a transport
    /// error the retry loop sees, and a body that is too large is refused
    /// before it fills memory.
    ///
    /// A kept body is also where an API that reports its rate limits in
    /// bodies says them: returned with the response for the limiter, for every
    /// path to the network (read only when a limiter is set).
    async fn buffer(
        &self,
        mut response: reqwest::Response,
    ) -> reqwest::Result<(reqwest::Response, BodyReport)> {
        let limit = self.shared.max_response_bytes;
        let declared = response
            .content_length()
            .and_then(|n| usize::try_from(n).ok());
        // Chunks are kept as they come: a body that arrives in one chunk (most
        // do) is handed on without a copy.
        let mut chunks = Vec::new();
        let mut received = 0usize;
        let refused = declared.is_some_and(|n| n > limit)
            || loop {
                match response.chunk().await? {
                    Some(chunk) if received + chunk.len() > limit => break true,
                    Some(chunk) => {
                        received += chunk.len();
                        chunks.push(chunk);
                    }
                    None => break false,
                }
            };
        let mut builder = http::Response::builder().version(response.version());
        if refused {
            self.refuse(Refused::Body { limit });
            tracing::warn!(limit, "response body larger than the limit; refused");
            builder = builder.status(REFUSED_STATUS);
            chunks.clear();
        } else {
            builder = builder.status(response.status());
            if let Some(headers) = builder.headers_mut() {
                *headers = response.headers().clone();
            }
        }
        let body = match <[_; 1]>::try_from(chunks) {
            Ok([only]) => only,
            Err(chunks) => bytes::Bytes::from(chunks.concat()),
        };
        let body_report = match (&self.shared.limiter, self.shared.body_report) {
            (Some(_), Some(read)) => read(&body),
            _ => BodyReport::default(),
        };
        let body = reqwest::Body::from(body);
        // Only a status or header map could make this fail, and both came from
        // a valid response; fall back to an empty 599 all the same.
        let rebuilt = builder
            .body(body)
            .unwrap_or_else(|_| http::Response::new(reqwest::Body::from(Vec::new())));
        Ok((reqwest::Response::from(rebuilt), body_report))
    }

    fn refuse(&self, refused: Refused) {
        if let Ok(mut slot) = self.call.outcome.0.lock() {
            *slot = Some(refused);
        }
    }

    /// A stand-in for a call `execute` refused before sending it.
    fn refused_call(&self, refused: Refused) -> reqwest::Response {
        self.refuse(refused);
        let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
        if let Ok(status) = http::StatusCode::from_u16(REFUSED_STATUS) {
            *response.status_mut() = status;
        }
        reqwest::Response::from(response)
    }

    /// The error of a call or body `execute` refused, if it did.
    #[doc(hidden)]
    pub fn refusal(&self, request: &RequestInfo) -> Option<Error> {
        let refused = self.call.outcome.0.lock().ok()?.take()?;
        let request = Box::new(request.clone());
        Some(match refused {
            Refused::Body { limit } => Error::ResponseTooLarge { request, limit },
            Refused::RateLimitWait { wait } => Error::RateLimitWait {
                request,
                wait,
                timeout: self.timeout(),
            },
            Refused::Store(source) => Error::RateLimitStore { request, source },
            Refused::Credits { balance, floor } => Error::CreditsFloor {
                request,
                balance,
                floor,
            },
        })
    }

    /// Runs a whole call (retries and body read included) under this call's
    /// timeout; running out is an [`Error::Timeout`] naming the call.
    #[doc(hidden)]
    pub async fn within_deadline<T>(
        &self,
        request: &RequestInfo,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let timeout = self.timeout();
        match tokio::time::timeout(timeout, call).await {
            // The last attempt ran out of time (each attempt carries its own
            // limit, within the deadline): the call timed out.
            Ok(Err(Error::Transport { request, source })) if source.is_timeout() => {
                Err(Error::Timeout {
                    request,
                    after: timeout,
                })
            }
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                request: Box::new(request.clone()),
                after: timeout,
            }),
        }
    }

    /// The timeout of the call this transport serves.
    #[doc(hidden)]
    pub fn timeout(&self) -> Duration {
        self.call.timeout.unwrap_or(self.shared.timeout)
    }

    fn max_attempts(&self) -> u32 {
        self.call
            .max_attempts
            .unwrap_or(self.shared.retry.max_attempts)
            .max(1)
    }

    /// The rate-limit bucket of a request: the API's host and a keyed hash
    /// (HMAC-SHA256, keyed with the credentials) of its connection id. One per
    /// credential and connection, the same in every process, and neither the
    /// key nor the connection can be read from it.
    fn bucket(&self, request: &reqwest::Request) -> String {
        let connection = request
            .headers()
            .get("x-connection-id")
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        let tag = ring::hmac::sign(&self.shared.bucket_key, connection);
        let hash = crate::webhooks::encoding::hex_encode(&tag.as_ref()[..16]);
        format!("{}:{hash}", self.shared.bucket_scope)
    }

    /// Whether `url`'s path is the base URL's path followed by `template`
    /// with one segment per parameter.
    #[cfg(feature = "raw")]
    #[doc(hidden)]
    pub fn path_fits(&self, template: &str, url: &reqwest::Url) -> bool {
        let Some(segments) = url.path_segments() else {
            return false;
        };
        let segments: Vec<&str> = segments.collect();
        let base = &self.shared.base_segments;
        let expected: Vec<&str> = template.trim_start_matches('/').split('/').collect();
        segments.len() == base.len() + expected.len()
            && segments.iter().zip(base).all(|(got, want)| got == want)
            && segments[base.len()..]
                .iter()
                .zip(&expected)
                .all(|(got, want)| {
                    if want.contains('{') {
                        !got.is_empty() && *got != "." && *got != ".."
                    } else {
                        got == want
                    }
                })
    }

    /// `pre` hook: credentials and per-call headers. A call's own header
    /// never replaces a credential nor sets a header HTTP reserves for the
    /// client (its setters refuse both already; this is where the promise is
    /// kept whatever the caller did). What reqwest set from the body itself
    /// (a multipart upload's `Content-Length`) stays.
    #[doc(hidden)]
    pub fn prepare(&self, request: &mut reqwest::Request) {
        let credentials = &self.shared.credentials;
        let headers = request.headers_mut();
        for (name, value) in &self.call.headers {
            // A credential only where the client lets calls set it (OFAuth's
            // connection id, set by a scoped client): `guards` decides.
            let framing_or_routing = headers::Reserved::of(name)
                .is_some_and(|reserved| reserved != headers::Reserved::Credential);
            if !framing_or_routing && !credentials.guards(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        for (name, value) in credentials.headers() {
            let set_per_call = self.call.headers.iter().any(|(own, _)| own == name);
            if !set_per_call || credentials.guards(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
    }

    /// `exec` hook: sends the request, retrying idempotent requests on
    /// connection errors and on 408/429/5xx, honouring `Retry-After`.
    #[doc(hidden)]
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
        template: Option<&str>,
    ) -> reqwest::Result<reqwest::Response> {
        let policy = &self.shared.retry;
        let max_attempts = self.max_attempts();
        // A request is safe to repeat when its method is idempotent or it
        // carries an idempotency key; another may be repeated (if the policy
        // allows) only after a failure where the server cannot have acted.
        let repeatable = retry::is_idempotent(request.method())
            || request.headers().contains_key("idempotency-key");
        let retryable_method = repeatable || policy.retry_non_idempotent;
        let method = request.method().clone();
        // The template, never the filled-in path: a path can hold a secret
        // (`/v2/link/{clientSecret}`).
        let template = self
            .call
            .path_template
            .as_deref()
            .or(template)
            .unwrap_or("(unknown)");
        // Field names of the OpenTelemetry HTTP client conventions (what
        // tracing-opentelemetry exports as they are), and the API's own.
        let span = tracing::info_span!(
            "onlyfans.request",
            otel.name = %format_args!("{method} {template}"),
            otel.kind = "client",
            http.request.method = %method,
            url.template = template,
            server.address = %self.shared.server_address,
            onlyfans.api = self.shared.api,
            onlyfans.operation = info.operation_id,
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
            onlyfans.credits.balance = tracing::field::Empty,
            onlyfans.rate_limit.remaining = tracing::field::Empty,
            onlyfans.rate_limit.wait_ms = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let bucket = self.shared.limiter.as_ref().map(|_| self.bucket(&request));
        let mut current = request;
        let mut attempt = 0u32;
        async move {
            let result = async {
                loop {
                    attempt += 1;
                    // Keep a copy for the next attempt; a body that cannot be cloned
                    // (a stream) makes this the last attempt.
                    let next = if attempt < max_attempts && retryable_method {
                        current.try_clone()
                    } else {
                        None
                    };
                    let mut expected_remaining = None;
                    if let (Some(limiter), Some(bucket)) = (&self.shared.limiter, &bucket) {
                        let max_wait = self.timeout().saturating_sub(started.elapsed());
                        let asked = Instant::now();
                        let acquired = limiter.acquire(bucket, max_wait).await;
                        tracing::Span::current().record(
                            "onlyfans.rate_limit.wait_ms",
                            asked.elapsed().as_millis() as u64,
                        );
                        match acquired {
                            Ok(remaining) => {
                                expected_remaining = Some(remaining);
                                tracing::Span::current()
                                    .record("onlyfans.rate_limit.remaining", remaining);
                            }
                            Err(rate_limit::Refusal::TooFar { wait }) => {
                                tracing::warn!(
                                    wait_ms = wait.as_millis() as u64,
                                    "rate limit: the next slot is beyond the call's deadline"
                                );
                                return Ok(self.refused_call(Refused::RateLimitWait { wait }));
                            }
                            Err(rate_limit::Refusal::Store(error)) => {
                                return Ok(self.refused_call(Refused::Store(error)));
                            }
                            Err(rate_limit::Refusal::Credits { balance, floor }) => {
                                tracing::warn!(
                                    balance,
                                    floor,
                                    "credits: the reported balance is below the floor; not sent"
                                );
                                return Ok(self.refused_call(Refused::Credits { balance, floor }));
                            }
                        }
                    }
                    // Every attempt ends by the deadline (the raw client's calls
                    // too, which no outer timeout wraps); one that may be retried
                    // ends sooner, leaving time for the next.
                    let left = self.timeout().saturating_sub(started.elapsed());
                    let attempt_limit = match &next {
                        Some(_) => policy
                            .attempt_timeout
                            .unwrap_or(self.timeout() / max_attempts)
                            .min(left),
                        None => left,
                    };
                    *current.timeout_mut() = Some(attempt_limit.max(Duration::from_millis(1)));
                    if let Some(hook) = &self.shared.request_hook {
                        let outgoing = OutgoingRequest {
                            api: self.shared.api,
                            operation: info.operation_id,
                            method: &method,
                            url_template: template,
                            attempt,
                        };
                        hook.apply(&outgoing, &self.shared.credentials, current.headers_mut());
                    }
                    let result = match client.execute(current).await {
                        Ok(response) => self.buffer(response).await,
                        Err(error) => Err(error),
                    };
                    let result = match result {
                        Ok((response, body_report)) => {
                            if let Some(balance) = body_report.credits {
                                tracing::Span::current()
                                    .record("onlyfans.credits.balance", balance);
                            }
                            if let Some(remaining) = body_report.remaining_minute {
                                tracing::Span::current()
                                    .record("onlyfans.rate_limit.remaining", remaining);
                            }
                            if let (Some(limiter), Some(bucket), Some(expected)) =
                                (&self.shared.limiter, &bucket, expected_remaining)
                            {
                                for correction in
                                    server_corrections(limiter, expected, &response, body_report)
                                {
                                    limiter.correct(bucket, correction).await;
                                }
                            }
                            Ok(response)
                        }
                        Err(error) => Err(error),
                    };
                    let span = tracing::Span::current();
                    if attempt > 1 {
                        span.record("http.request.resend_count", attempt - 1);
                    }
                    let delay = match &result {
                        Ok(response) => {
                            span.record("http.response.status_code", response.status().as_u16());
                            let retryable = if repeatable {
                                retry::is_retryable_status(response.status())
                            } else {
                                retry::is_refusal_status(response.status())
                            };
                            if !retryable {
                                return result;
                            }
                            match retry::retry_after(response.headers()) {
                                Some(wait) if wait > policy.max_retry_after => {
                                    return result;
                                }
                                Some(wait) => wait,
                                None => policy.backoff(attempt),
                            }
                        }
                        // `is_decode` here is a body that broke off while being read
                        // (JSON is decoded later, by the generated code).
                        // A connection never made: the server saw nothing.
                        Err(error) if error.is_connect() => policy.backoff(attempt),
                        // Sent, perhaps acted on: repeated only when that is safe.
                        Err(error)
                            if repeatable
                                && (error.is_request()
                                    || error.is_body()
                                    || error.is_decode()
                                    || error.is_timeout()) =>
                        {
                            policy.backoff(attempt)
                        }
                        Err(_) => return result,
                    };
                    let Some(next) = next else {
                        return result;
                    };
                    // A wait that outlasts the call's deadline ends the call now,
                    // with what the server said (a 429 is `RateLimited` with its
                    // `Retry-After`), instead of sleeping into a `Timeout`.
                    if started.elapsed().saturating_add(delay) >= self.timeout() {
                        tracing::debug!(
                            delay_ms = delay.as_millis() as u64,
                            "the next attempt would start after the deadline; not retried"
                        );
                        return result;
                    }
                    match &result {
                        Ok(response) => tracing::warn!(
                            status = response.status().as_u16(),
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            "retrying after error status"
                        ),
                        Err(error) => tracing::warn!(
                            error = %transport_message(error),
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            "retrying after transport error"
                        ),
                    }
                    drop(result);
                    tokio::time::sleep(delay).await;
                    current = next;
                }
            }
            .await;
            self.completed(result, started)
        }
        .instrument(span)
        .await
        // The URL holds the filled-in path and query (a path can hold a
        // secret): no error leaves with it, raw client's included.
        .map_err(reqwest::Error::without_url)
    }
}

/// Implements progenitor's `ClientHooks` for a generated client whose `inner`
/// is a [`Transport`] (cargo feature `raw`).
#[cfg(feature = "raw")]
#[doc(hidden)]
#[macro_export]
macro_rules! transport_hooks {
    ($client:ty, $paths:expr) => {
        impl progenitor_client::ClientHooks<$crate::transport::Transport> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                // The generated client encodes path values itself, leaving `\`
                // (a `/` to the URL parser) and dot segments to resolve: a
                // value that left its segment is refused before it is sent.
                let template = $crate::transport::template_of($paths, info);
                if let Some(template) = template
                    && !self.inner.path_fits(template, request.url())
                {
                    return Err(progenitor_client::Error::InvalidRequest(format!(
                        "{}: a path parameter does not stay in its segment of `{template}`",
                        info.operation_id
                    )));
                }
                self.inner.prepare(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let template = $crate::transport::template_of($paths, info);
                self.inner
                    .execute(&self.client, request, info, template)
                    .await
            }
        }
    };
}
#[cfg(feature = "raw")]
#[doc(hidden)]
pub use crate::transport_hooks;

/// The path template of the operation a generated client reports.
#[cfg(feature = "raw")]
#[doc(hidden)]
pub fn template_of(
    paths: &'static [(&'static str, &'static str)],
    info: &OperationInfo,
) -> Option<&'static str> {
    paths
        .iter()
        .find(|(operation, _)| *operation == info.operation_id)
        .map(|(_, template)| *template)
}

fn status_error(
    request: RequestInfo,
    status: reqwest::StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    let response = ErrorResponse {
        status,
        body_excerpt: excerpt(body, ErrorResponse::EXCERPT_LIMIT),
        request_id: request_id(headers),
        retry_after: retry::retry_after(headers),
    };
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        Error::RateLimited {
            request: Box::new(request),
            response,
        }
    } else {
        Error::Api {
            request: Box::new(request),
            response,
        }
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    [
        "x-request-id",
        "x-amzn-requestid",
        "cf-ray",
        "x-correlation-id",
    ]
    .iter()
    .find_map(|name| headers.get(*name))
    .and_then(|v| v.to_str().ok())
    // The server's text reaches every error and log line of the call: an
    // id is short, so a long one is cut.
    .map(|id| excerpt(id.as_bytes(), MAX_REQUEST_ID))
}

/// The longest request id kept (ids are UUIDs or shorter; Cloudflare's are 20).
const MAX_REQUEST_ID: usize = 128;

impl Refused {
    /// The `error.type` of a call refused this way.
    fn error_type(&self) -> &'static str {
        match self {
            Refused::Body { .. } => "response_too_large",
            Refused::RateLimitWait { .. } => "rate_limit_wait",
            Refused::Store(_) => "rate_limit_store",
            Refused::Credits { .. } => "credits_floor",
        }
    }
}

impl Transport {
    /// Ends a call, whichever way it ended: records its outcome on the
    /// current (the call's) span and emits the completion event, with the
    /// OpenTelemetry fields (`http.response.status_code`, `error.type`: the
    /// status, the class of transport failure, or why it was refused) and the
    /// time taken.
    fn completed(
        &self,
        result: reqwest::Result<reqwest::Response>,
        started: Instant,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::Span::current();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        span.record("elapsed_ms", elapsed_ms);
        let refused = self
            .call
            .outcome
            .0
            .lock()
            .ok()
            .and_then(|slot| slot.as_ref().map(Refused::error_type));
        match (&result, refused) {
            (_, Some(error_type)) => {
                span.record("error.type", error_type);
                tracing::debug!(error.type = error_type, elapsed_ms, "call completed");
            }
            (Ok(response), None)
                if response.status().is_client_error() || response.status().is_server_error() =>
            {
                let status = response.status().as_u16();
                span.record("error.type", status);
                tracing::debug!(
                    http.response.status_code = status,
                    error.type = status,
                    elapsed_ms,
                    "call completed"
                );
            }
            (Ok(response), None) => tracing::debug!(
                http.response.status_code = response.status().as_u16(),
                elapsed_ms,
                "call completed"
            ),
            (Err(error), None) => {
                let error_type = observe::transport_error_type(error);
                span.record("error.type", error_type);
                tracing::debug!(error.type = error_type, elapsed_ms, "call completed");
            }
        }
        result
    }
}

/// What a response says about the server's budget that the limiter should
/// share: its headers (`X-RateLimit-*`, `Retry-After` on a 429) and what the
/// body said (`body`).
fn server_corrections(
    limiter: &rate_limit::Limiter,
    expected_remaining: u64,
    response: &reqwest::Response,
    body: BodyReport,
) -> Vec<rate_limit::Correction> {
    let headers = RateLimitHeaders::from_headers(response.headers());
    let retry_after = (response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS)
        .then(|| retry::retry_after(response.headers()))
        .flatten();
    let remaining = match (headers.remaining, body.remaining_minute) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let report = rate_limit::ServerReport {
        remaining,
        reset_in: headers.reset.map(reset_in),
        retry_after,
        remaining_day: body.remaining_day,
        credits: body.credits,
    };
    rate_limit::corrections(limiter.limit(), expected_remaining, report)
}

/// How long until a window resets, from `X-RateLimit-Reset` as servers write
/// it: seconds to wait, a Unix time in seconds, or one in milliseconds (a
/// JavaScript `Date.now()` taken for seconds). The limiter caps the result.
fn reset_in(reset: u64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    if reset > 100_000_000_000 {
        Duration::from_millis(reset).saturating_sub(now)
    } else if reset > 1_000_000_000 {
        Duration::from_secs(reset).saturating_sub(now)
    } else {
        Duration::from_secs(reset)
    }
}

/// The `X-RateLimit-*` headers of a response (OFAuth sends them on every call).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// `X-RateLimit-Limit`: calls allowed in the current window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: calls left in the current window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets, as the server states it
    /// (seconds until reset or a Unix time, depending on the server).
    pub reset: Option<u64>,
}

impl RateLimitHeaders {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse().ok();
        Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn a_server_request_id_is_kept_short() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req_1"));
        assert_eq!(request_id(&headers).as_deref(), Some("req_1"));
        let long = "a".repeat(64 * 1024);
        headers.insert("x-request-id", HeaderValue::from_str(&long).unwrap());
        let kept = request_id(&headers).unwrap();
        assert!(
            kept.len() <= MAX_REQUEST_ID + '…'.len_utf8(),
            "{}",
            kept.len()
        );
    }

    fn transport(retry_non_idempotent: bool) -> Transport {
        let retry = RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            retry_non_idempotent,
            ..RetryPolicy::default()
        };
        Transport::new(TransportSettings {
            api: "test",
            credentials: Credentials::new(Vec::new()),
            retry,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            limiter: None,
            base_url: "http://127.0.0.1",
            body_report: None,
            request_hook: None,
        })
    }

    /// A loopback server that answers every request `503` and counts them.
    async fn unavailable_server() -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    // Each request is small: its head and `{}` arrive in a few reads.
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 1024];
                    loop {
                        let Ok(n) = socket.read(&mut buffer).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..n]);
                        let Some(head) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
                            continue;
                        };
                        if request.len() < head + 4 + 2 {
                            continue;
                        }
                        request.clear();
                        counter.fetch_add(1, Ordering::SeqCst);
                        let answer =
                            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n";
                        if socket.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (url, count)
    }

    async fn attempts(method: reqwest::Method, transport: &Transport) -> usize {
        let (url, count) = unavailable_server().await;
        let client = tls::default_http_client().unwrap();
        let request = client.request(method, url).body("{}").build().unwrap();
        let info = OperationInfo {
            operation_id: "test",
        };
        let response = transport
            .execute(&client, request, &info, None)
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            503,
            "the last response is returned"
        );
        count.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn non_idempotent_requests_are_retried_only_when_asked() {
        assert_eq!(attempts(reqwest::Method::POST, &transport(false)).await, 1);
        assert_eq!(attempts(reqwest::Method::PATCH, &transport(false)).await, 1);
        // A 503 may come after the server acted: not repeated without a key
        // even when non-idempotent retries are on (tests/faults.rs has the
        // rest of the rule).
        assert_eq!(attempts(reqwest::Method::POST, &transport(true)).await, 1);
        assert_eq!(attempts(reqwest::Method::PUT, &transport(false)).await, 3);
        assert_eq!(attempts(reqwest::Method::GET, &transport(false)).await, 3);
    }
}
