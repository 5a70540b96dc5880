//! When and how long to wait before trying a request again.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Retry behaviour shared by every request of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (at least 1).
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured by waiting; a longer one is returned to the
    /// caller as [`crate::Error::RateLimited`] at once.
    pub max_retry_after: Duration,
    /// Retry requests that are not idempotent (`POST`, `PATCH`) too, but
    /// only after failures where the server cannot have acted on them: the
    /// connection was never made, or the answer was `408` or `429`. After
    /// anything else (a `5xx`, a timeout, a body cut off) the server may
    /// have acted, and a second attempt could send money twice: such calls
    /// are retried only when they carry an `Idempotency-Key` (the facade
    /// sends one, fresh per call and kept across its retries, for every
    /// operation whose spec documents the header).
    pub retry_non_idempotent: bool,
    /// Longest one attempt of a call that may be retried may take, so that
    /// a stalled attempt leaves time for the next within the call's
    /// deadline. `None`: the call's timeout divided by `max_attempts`. An
    /// attempt that cannot be retried (the last, or a streamed upload) may
    /// take what is left of the deadline.
    pub attempt_timeout: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
            attempt_timeout: None,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with "equal jitter": half fixed, half random, so that
    /// clients that failed together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_backoff);
        let half = exp / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let random = if jitter_nanos == 0 {
            0
        } else {
            random_u64() % jitter_nanos
        };
        half + Duration::from_nanos(random)
    }
}

/// A random number without a dependency: std's `RandomState` is seeded randomly
/// per instance.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    hasher.finish()
}

/// Statuses worth another attempt of an idempotent request.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Statuses after which a server has certainly not acted on a request: the
/// only ones worth another attempt of a request that is not idempotent.
pub fn is_refusal_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429)
}

/// Methods that may be repeated without changing the outcome.
pub fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
    ]
    .contains(method)
}

/// `Retry-After` as a duration from now: delay-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        for retry in 1..10 {
            let d = p.backoff(retry);
            let exp = (p.initial_backoff * 2u32.pow(retry - 1)).min(p.max_backoff);
            assert!(d >= exp / 2 && d <= exp, "retry {retry}: {d:?} vs {exp:?}");
        }
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let future = SystemTime::now() + Duration::from_secs(30);
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_str(&httpdate::fmt_http_date(future)).unwrap(),
        );
        let d = retry_after(&h).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }
}
