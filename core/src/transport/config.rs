//! Settings shared by both client builders, and the per-call overrides shared
//! by every request builder.

use std::sync::Arc;
use std::time::Duration;

use super::{
    CallSettings, Credentials, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, RateLimit, RetryPolicy,
    Secret, Transport, TransportSettings,
    rate_limit::{Limiter, RateLimitStore, StoreFailure},
};
use crate::Error;

/// What both client builders collect.
#[derive(Debug, Clone, Default)]
pub struct ClientConfig {
    pub api_key: Option<Secret>,
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
    pub retry: RetryPolicy,
    /// The caller's HTTP client, built with this crate's redirect policy
    /// (or why it could not be built, reported by `build`).
    pub http: Option<Result<reqwest::Client, String>>,
    pub max_response_bytes: Option<usize>,
    pub rate_limit: Option<RateLimit>,
    /// Refuse calls once the reported credit balance is below this (set on
    /// the rate limit at `build`, whichever was set first).
    pub credits_floor: Option<u64>,
    /// Where the rate-limit buckets live (default: in this process).
    pub rate_limit_store: Option<Arc<dyn RateLimitStore>>,
    pub rate_limit_store_failure: StoreFailure,
    /// How the API reports its budget (calls left, credits) in a response
    /// body, if it does.
    pub body_report: Option<super::ReadBodyReport>,
    pub strict_decoding: bool,
    pub on_misfits: Option<MisfitHook>,
    /// Adds headers to every request (see `on_request`).
    pub request_hook: Option<super::RequestHook>,
}

/// What a client calls with the misfits of every response that had some
/// (see `on_misfits` on the client builders).
#[derive(Clone)]
pub struct MisfitHook(pub Arc<MisfitFn>);

type MisfitFn = dyn Fn(&crate::RequestInfo, &[crate::Misfit]) + Send + Sync;

impl std::fmt::Debug for MisfitHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MisfitHook")
    }
}

/// What a facade client is made of, whichever the API.
#[derive(Clone, Debug)]
pub struct Core {
    pub http: reqwest::Client,
    pub base_url: String,
    pub transport: Transport,
    /// Whether a success body that does not fit its type fails the call
    /// (otherwise the misfits are taken out and reported).
    pub strict_decoding: bool,
    pub on_misfits: Option<MisfitHook>,
}

impl Core {
    /// The transport for one call, carrying that call's overrides after the
    /// headers every call of this client sends (a scoped client's, see
    /// [`Core::with_headers`]).
    pub fn for_call(&self, mut call: CallSettings) -> Transport {
        call.headers
            .splice(0..0, self.transport.call_headers().iter().cloned());
        self.transport.with_call(call)
    }

    /// The same client sending `headers` with every call (the raw client's
    /// included).
    pub fn with_headers(
        &self,
        headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    ) -> Core {
        let mut core = self.clone();
        core.transport = self.transport.with_call(CallSettings {
            headers,
            ..CallSettings::default()
        });
        core
    }
}

impl ClientConfig {
    /// The API key, or an error naming the environment variable to set.
    pub fn api_key(&self, env_var: &str) -> Result<&Secret, Error> {
        self.api_key
            .as_ref()
            .filter(|k| !k.expose().is_empty())
            .ok_or_else(|| {
                Error::invalid(
                    "api_key",
                    format!("is required (set it on the builder or in {env_var})"),
                )
            })
    }

    /// The client of `api` (its name in spans), at `default_base_url` unless
    /// another was set.
    pub fn build(
        self,
        api: &'static str,
        default_base_url: &str,
        credentials: Credentials,
    ) -> Result<Core, Error> {
        let base_url =
            super::validate::base_url(self.base_url.as_deref().unwrap_or(default_base_url))?;
        let http = match self.http {
            Some(Ok(http)) => http,
            Some(Err(reason)) => return Err(Error::invalid("http_client", reason)),
            None => super::tls::default_http_client()?,
        };
        let rate_limit = match (self.rate_limit, self.credits_floor) {
            (limit, Some(floor)) => Some(
                limit
                    .unwrap_or_else(RateLimit::unlimited)
                    .credits_floor(floor),
            ),
            (limit, None) => limit,
        };
        let limiter = rate_limit
            .map(|limit| Limiter::new(limit, self.rate_limit_store, self.rate_limit_store_failure));
        let transport = Transport::new(TransportSettings {
            api,
            credentials,
            retry: self.retry,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_response_bytes: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            limiter,
            base_url: &base_url,
            body_report: self.body_report,
            request_hook: self.request_hook,
        });
        Ok(Core {
            http,
            base_url,
            transport,
            strict_decoding: self.strict_decoding,
            on_misfits: self.on_misfits,
        })
    }
}

/// Builder methods every client builder has (documented once, here).
#[doc(hidden)]
#[macro_export]
macro_rules! client_builder_methods {
    () => {
        /// The API key (required). It is sent only as the API's auth header and
        /// never appears in `Debug`, errors or logs.
        pub fn api_key(mut self, key: impl Into<$crate::transport::Secret>) -> Self {
            self.config.api_key = Some(key.into());
            self
        }

        /// The API's address. Default: the server the spec names. Must be
        /// `https://`, except for loopback hosts (tests and mocks).
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.config.base_url = Some(url.into());
            self
        }

        /// Time a call may take, retries included (default 60 s). Overridable per call.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.config.timeout = Some(timeout);
            self
        }

        /// Retries after the first attempt (default 2: three attempts in total).
        /// Overridable per call.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.config.retry.max_attempts = retries.saturating_add(1);
            self
        }

        /// The whole retry policy (backoff, `Retry-After` cap, non-idempotent retries).
        pub fn retry_policy(mut self, policy: $crate::transport::RetryPolicy) -> Self {
            self.config.retry = policy;
            self
        }

        /// Largest response body read into memory (default 32 MiB); a larger one
        /// is refused with [`Error::ResponseTooLarge`]($crate::Error::ResponseTooLarge).
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.config.max_response_bytes = Some(limit);
            self
        }

        /// Keep calls under `limit` by waiting before sending (off by default).
        /// One bucket per connection id (OFAuth) or per client key
        /// (OnlyFansAPI), shared by every clone of the client and every task,
        /// served in arrival order, corrected by what the server reports
        /// (`X-RateLimit-*`, `_meta._rate_limits`, `Retry-After`). A call
        /// whose turn would come after its timeout fails at once with
        /// [`Error::RateLimitWait`]($crate::Error::RateLimitWait).
        pub fn rate_limit(mut self, limit: $crate::transport::RateLimit) -> Self {
            self.config.rate_limit = Some(limit);
            self
        }

        /// Where the [`rate_limit`](Self::rate_limit) buckets live: by default
        /// in this process; a [`RedisStore`]($crate::RedisStore) (feature
        /// `redis`), or any [`RateLimitStore`]($crate::RateLimitStore), shares
        /// one budget between every process and machine using it. Without
        /// `rate_limit(..)` it does nothing.
        pub fn rate_limit_store(mut self, store: impl $crate::RateLimitStore) -> Self {
            self.config.rate_limit_store = Some(::std::sync::Arc::new(store));
            self
        }

        /// Adds headers to every request, each retry included: for trace
        /// context propagation (`traceparent`, with your OpenTelemetry
        /// propagator) or a header of your own. `hook` runs inside the
        /// call's span and fills an empty map, told the API, operation,
        /// method, path template and attempt
        /// ([`OutgoingRequest`]($crate::transport::OutgoingRequest)); it
        /// never sees the credentials, and a header carrying credentials or
        /// framing that it sets is not sent.
        ///
        /// ```
        /// use onlyfans_clients::ofauth;
        /// use onlyfans_clients::transport::OutgoingRequest;
        ///
        /// let client = ofauth::Client::builder()
        ///     .api_key("sk_…")
        ///     .on_request(|request: &OutgoingRequest<'_>, headers: &mut http::HeaderMap| {
        ///         // e.g. opentelemetry's propagator injecting the current span's context
        ///         headers.insert("x-agency-operation", http::HeaderValue::from_static("sync"));
        ///         let _ = request.operation;
        ///     })
        ///     .build()?;
        /// # Ok::<(), onlyfans_clients::Error>(())
        /// ```
        pub fn on_request(
            mut self,
            hook: impl Fn(&$crate::transport::OutgoingRequest<'_>, &mut ::http::HeaderMap)
            + Send
            + Sync
            + 'static,
        ) -> Self {
            self.config.request_hook = Some($crate::transport::RequestHook::new(hook));
            self
        }

        /// What calls do while the [`rate_limit_store`](Self::rate_limit_store)
        /// fails: limit with a local bucket (the default) or fail.
        pub fn rate_limit_store_failure(mut self, policy: $crate::StoreFailure) -> Self {
            self.config.rate_limit_store_failure = policy;
            self
        }

        /// With `true`, a success body with a part that does not fit its type
        /// fails the call with [`Error::Decode`]($crate::Error::Decode)
        /// (for tests, and for programs that prefer an error). By default
        /// (`false`) that part is taken out, the rest is returned, and
        /// [`Response::misfits`]($crate::Response::misfits) lists what was
        /// taken out with the value received. Overridable per call.
        pub fn strict_decoding(mut self, strict: bool) -> Self {
            self.config.strict_decoding = strict;
            self
        }

        /// Called with the misfits of every response that had some, streamed
        /// pages included (whose misfits no [`Response`]($crate::Response)
        /// shows): the place to count, log or alert on them. It runs on the
        /// task that made the call; keep it short.
        ///
        /// ```
        /// let client = onlyfans_clients::ofauth::Client::builder()
        ///     .api_key("sk_…")
        ///     .connection_id("conn_…")
        ///     .on_misfits(|request, misfits| {
        ///         for misfit in misfits {
        ///             eprintln!("{request}: {misfit}");
        ///         }
        ///     })
        ///     .build()
        ///     .unwrap();
        /// # let _ = client;
        /// ```
        pub fn on_misfits(
            mut self,
            hook: impl Fn(&$crate::RequestInfo, &[$crate::Misfit]) + Send + Sync + 'static,
        ) -> Self {
            self.config.on_misfits = Some($crate::transport::config::MisfitHook(
                ::std::sync::Arc::new(hook),
            ));
            self
        }

        /// An HTTP client of your own (proxies, pool sizes, TLS roots), from
        /// a `reqwest::ClientBuilder`. Start from
        /// [`http_client_builder`]($crate::http_client_builder) so that it has
        /// a TLS provider.
        ///
        /// The client is built here with this crate's redirect policy, which
        /// replaces the builder's own: a redirect is followed only within the
        /// API's origin (scheme, host and port), so the credentials never
        /// reach another host or a plain-text connection. That is why this
        /// takes a builder, not a finished `reqwest::Client`, whose policy
        /// could not be checked. Clones of the API client share the one
        /// built.
        pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
            self.config.http = Some(
                builder
                    .redirect($crate::transport::same_origin_redirects())
                    .build()
                    .map_err(|e| format!("cannot be built: {e}")),
            );
            self
        }
    };
}
#[doc(hidden)]
pub use crate::client_builder_methods;

/// Methods every facade client has, given its generated client type.
#[doc(hidden)]
#[macro_export]
macro_rules! facade_client_methods {
    ($raw:ty) => {
        /// The raw progenitor client over this client's transport (cargo
        /// feature `raw`): it authenticates, retries and keeps the rate limit
        /// like the facade. Cheap: it shares this client's connections.
        #[cfg(feature = "raw")]
        #[cfg_attr(docsrs, doc(cfg(feature = "raw")))]
        pub fn raw(&self) -> $raw {
            <$raw>::new_with_client(
                &self.core.base_url,
                self.core.http.clone(),
                self.core.transport.clone(),
            )
        }

        /// The base URL calls go to.
        pub fn base_url(&self) -> &str {
            &self.core.base_url
        }

        /// A request to a path no operation of the spec covers, sent through
        /// the same transport as every operation (auth, retries, rate limiter,
        /// deadline, size limit, errors). `path` is relative to the base URL
        /// (`/v2/access/me`); an absolute URL, or a path that leaves the base
        /// (`..`), is refused when sent, and nothing goes out.
        pub fn request(
            &self,
            method: reqwest::Method,
            path: &str,
        ) -> $crate::transport::request::CustomRequest {
            $crate::transport::request::CustomRequest::new(&self.core, method, path)
        }

        /// The shared transport settings of this client.
        pub fn core(&self) -> &$crate::transport::config::Core {
            &self.core
        }

        /// The facade client over `core`.
        fn from_core(core: $crate::transport::config::Core) -> Self {
            Self { core }
        }
    };
}
#[doc(hidden)]
pub use crate::facade_client_methods;

/// Settings of one call that override the client's, kept apart from the
/// operation's own parameters (a parameter named `timeout` stays the
/// operation's): `request.call_options(CallOptions::new().timeout(..))`.
///
/// ```
/// use std::time::Duration;
/// use onlyfans_clients::CallOptions;
///
/// let quick = CallOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// # let _ = quick;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    timeout: Option<std::time::Duration>,
    max_retries: Option<u32>,
    strict_decoding: Option<bool>,
}

impl CallOptions {
    /// No overrides: the client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time this call may take, retries included.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// With `true`, a success body with a part that does not fit its type
    /// fails the call with [`Error::Decode`] instead
    /// of being taken out and listed in
    /// [`Response::misfits`](crate::Response::misfits).
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = Some(strict);
        self
    }

    /// Sets what these options set on a call's settings.
    pub fn apply(&self, call: &mut super::CallSettings) {
        if let Some(timeout) = self.timeout {
            call.timeout = Some(timeout);
        }
        if let Some(retries) = self.max_retries {
            call.max_attempts = Some(retries.saturating_add(1));
        }
        if let Some(strict) = self.strict_decoding {
            call.strict_decoding = Some(strict);
        }
    }
}

/// The `call_options` method every request builder has.
#[doc(hidden)]
#[macro_export]
macro_rules! call_option_methods {
    () => {
        /// Overrides the client's settings for this call (timeout, retries,
        /// strict decoding); see [`CallOptions`]($crate::CallOptions).
        pub fn call_options(mut self, options: $crate::CallOptions) -> Self {
            options.apply(&mut self.options);
            self
        }
    };
}
#[doc(hidden)]
pub use crate::call_option_methods;
