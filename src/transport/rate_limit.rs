//! Client-side rate limiting: wait instead of being refused.
//!
//! A token bucket per credential identity (the OFAuth connection id; the one
//! key of an OnlyFansAPI client), shared by every clone of a client and by all
//! tasks using it. Callers queue in arrival order (a fair mutex), so N
//! concurrent callers finish in the least time the limit allows. The server's
//! own view corrects the bucket: `X-RateLimit-Remaining`/`-Reset` headers,
//! OnlyFansAPI's `_meta._rate_limits`, and `Retry-After` on a 429.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A published rate limit: `calls` per `period`, bursts up to `calls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    calls: u32,
    period: Duration,
}

impl RateLimit {
    /// `calls` calls per `period` (at least one call, a period above zero).
    pub fn new(calls: u32, period: Duration) -> Self {
        Self {
            calls: calls.max(1),
            period: period.max(Duration::from_millis(1)),
        }
    }

    /// `calls` calls per minute (OFAuth's lower plans: 60).
    pub fn per_minute(calls: u32) -> Self {
        Self::new(calls, Duration::from_secs(60))
    }

    fn refill_per_sec(&self) -> f64 {
        f64::from(self.calls) / self.period.as_secs_f64()
    }
}

#[derive(Debug)]
struct Tokens {
    tokens: f64,
    updated: Instant,
}

/// What the server said since the bucket was last used. Kept apart from the
/// tokens (a plain mutex, held for an instant) so that reporting it never waits
/// behind the callers queued for tokens.
#[derive(Debug, Default)]
struct Hints {
    /// Calls the server says are left.
    remaining: Option<f64>,
    /// Nothing before this instant.
    closed_until: Option<Instant>,
}

#[derive(Debug)]
struct Bucket {
    tokens: Mutex<Tokens>,
    hints: SyncMutex<Hints>,
}

impl Bucket {
    fn hints(&self) -> std::sync::MutexGuard<'_, Hints> {
        match self.hints.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// The buckets of one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    buckets: SyncMutex<HashMap<String, Arc<Bucket>>>,
}

/// Rounding slack so a caller never arrives a hair before its token.
const SLACK: Duration = Duration::from_millis(1);

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: SyncMutex::new(HashMap::new()),
        }
    }

    fn bucket(&self, identity: &str) -> Arc<Bucket> {
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        Arc::clone(buckets.entry(identity.to_owned()).or_insert_with(|| {
            Arc::new(Bucket {
                tokens: Mutex::new(Tokens {
                    tokens: f64::from(self.limit.calls),
                    updated: Instant::now(),
                }),
                hints: SyncMutex::new(Hints::default()),
            })
        }))
    }

    /// Waits for a token of `identity`'s bucket and takes it.
    pub(crate) async fn acquire(&self, identity: &str) {
        let bucket = self.bucket(identity);
        // Held while waiting: later callers queue behind this one, in order.
        let mut state = bucket.tokens.lock().await;
        let full = f64::from(self.limit.calls);
        loop {
            let now = Instant::now();
            let elapsed = now.saturating_duration_since(state.updated).as_secs_f64();
            state.tokens = (state.tokens + elapsed * self.limit.refill_per_sec()).min(full);
            state.updated = now;
            let (remaining, closed_until) = {
                let mut hints = bucket.hints();
                (hints.remaining.take(), hints.closed_until.take())
            };
            if let Some(remaining) = remaining {
                state.tokens = state.tokens.min(remaining);
            }
            if let Some(until) = closed_until.filter(|u| *u > now) {
                tracing::debug!(
                    wait_ms = (until - now).as_millis() as u64,
                    "rate limit: server window closed"
                );
                tokio::time::sleep_until(until).await;
                // The server's window reopens full.
                state.tokens = full;
                state.updated = Instant::now();
                continue;
            }
            if state.tokens >= 1.0 {
                state.tokens -= 1.0;
                return;
            }
            let wait =
                Duration::from_secs_f64((1.0 - state.tokens) / self.limit.refill_per_sec()) + SLACK;
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "rate limit: waiting for a token"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// The server's count of calls left (and, when known, when its window
    /// resets): the bucket never believes it has more than the server.
    pub(crate) fn observe(&self, identity: &str, remaining: u64, reset_in: Option<Duration>) {
        let bucket = self.bucket(identity);
        let mut hints = bucket.hints();
        hints.remaining = Some(remaining as f64);
        if remaining == 0 {
            let reopen = Instant::now() + reset_in.unwrap_or(self.limit.period);
            hints.closed_until = Some(hints.closed_until.map_or(reopen, |c| c.max(reopen)));
        }
    }

    /// A 429 with `Retry-After`: nobody on this bucket calls before then.
    pub(crate) fn close_for(&self, identity: &str, wait: Duration) {
        let bucket = self.bucket(identity);
        let mut hints = bucket.hints();
        hints.remaining = Some(0.0);
        let reopen = Instant::now() + wait;
        hints.closed_until = Some(hints.closed_until.map_or(reopen, |c| c.max(reopen)));
    }
}
