//! The HTTP client this crate builds: rustls with the *ring* crypto provider
//! and the operating system's trust roots.
//!
//! Why ring: reqwest's default rustls provider is aws-lc-rs, whose C build is
//! the largest single item of a clean build (measured: a clean build of this
//! library takes 132.4 s with aws-lc-rs and 103.6 s with ring, BENCHMARKS.md
//! "TLS provider"). The provider is handed to reqwest inside a finished
//! `rustls::ClientConfig`, never installed process-wide, so an application
//! that picked another provider for itself is left alone.

use std::sync::Arc;
use std::time::Duration;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::Error;

/// A `reqwest::ClientBuilder` set up the way this crate's clients build theirs:
/// TLS through rustls with the *ring* provider, certificates checked against
/// the operating system's roots, HTTP/2 offered by ALPN, a 10 s connect timeout,
/// this crate's user agent and redirects followed only within the API's
/// origin.
///
/// Start from it when you hand a client of your own to
/// `http_client(...)` (for a proxy, a pool size, extra root certificates):
/// this crate enables no crypto provider of reqwest's own, so a plain
/// `reqwest::Client::new()` works only if your application enables one
/// (reqwest's default features do) or installs a process-wide rustls provider.
///
/// ```
/// # fn main() -> Result<(), onlyfans_clients::Error> {
/// let http = onlyfans_clients::http_client_builder()?.pool_max_idle_per_host(4);
/// let of = onlyfans_clients::ofauth::Client::builder()
///     .api_key("key")
///     .http_client(http)
///     .build()?;
/// # let _ = of;
/// # Ok(()) }
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map_err(|e| Error::invalid("http_client", format!("TLS cannot be set up: {e}")))?
        .with_no_client_auth();
    // reqwest leaves ALPN to a preconfigured config; without it every
    // connection would stay on HTTP/1.1.
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(same_origin_redirects())
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("onlyfans-clients/", env!("CARGO_PKG_VERSION"))))
}

/// Redirects are followed only to the origin (scheme, host and port) of the
/// request that was sent, at most 10 times: the credential headers
/// (`apikey`, `x-connection-id`, the bearer token) travel with every
/// followed redirect, and reqwest strips only `Authorization` and cookies on
/// a change of host. A redirect elsewhere is not followed; the `3xx` answer
/// is the call's error.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            tracing::warn!(
                "redirect to another origin not followed (credentials stay with the API)"
            );
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The client used when the caller brings none.
pub fn default_http_client() -> Result<reqwest::Client, Error> {
    http_client_builder()?
        .build()
        .map_err(|e| Error::invalid("http_client", format!("cannot be built: {e}")))
}
