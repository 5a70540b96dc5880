//! Buckets in this process: the default store, and the fallback of a shared
//! one while it is unreachable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::{Correction, RateLimit, RateLimitStore, Reservation, StoreFuture, gcra, lock};

/// Rate-limit buckets in this process's memory, shared by every clone of the
/// client that owns them. The default: a client without
/// `rate_limit_store(..)` uses one of its own.
///
/// Time is tokio's clock, so a test with a paused clock runs the limiter in
/// no real time.
#[derive(Debug)]
pub struct MemoryStore {
    buckets: Mutex<Buckets>,
    origin: Instant,
}

#[derive(Debug, Default)]
struct Buckets {
    states: HashMap<String, gcra::State>,
    /// New buckets start empty instead of full (a fallback during an outage).
    start_empty: bool,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            buckets: Mutex::new(Buckets::default()),
            origin: Instant::now(),
        }
    }

    fn now_us(&self) -> i64 {
        let elapsed = Instant::now().saturating_duration_since(self.origin);
        i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX / 4)
    }

    /// Forgets every bucket; new ones start empty (no burst).
    pub(crate) fn start_empty(&self) {
        let mut buckets = lock(&self.buckets);
        buckets.states.clear();
        buckets.start_empty = true;
    }

    fn with_state<T>(
        &self,
        bucket: &str,
        limit: RateLimit,
        f: impl FnOnce(&mut gcra::State, i64) -> T,
    ) -> T {
        let now = self.now_us();
        let mut buckets = lock(&self.buckets);
        let start_empty = buckets.start_empty;
        let state = buckets.states.entry(bucket.to_owned()).or_insert_with(|| {
            if start_empty {
                gcra::State::empty(now, limit.rates())
            } else {
                gcra::State::default()
            }
        });
        f(state, now)
    }

    pub(crate) fn reserve_now(
        &self,
        bucket: &str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> Reservation {
        let max_wait_us = i64::try_from(max_wait.as_micros()).unwrap_or(i64::MAX / 4);
        let slot = self.with_state(bucket, limit, |state, now| {
            state.reserve(now, limit.rates(), max_wait_us)
        });
        slot.into()
    }

    pub(crate) fn correct_now(&self, bucket: &str, limit: RateLimit, correction: Correction) {
        self.with_state(bucket, limit, |state, now| {
            state.apply(now, limit.rates(), correction)
        });
    }
}

impl RateLimitStore for MemoryStore {
    fn reserve<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> StoreFuture<'a, Reservation> {
        let reservation = self.reserve_now(bucket, limit, max_wait);
        Box::pin(async move { Ok(reservation) })
    }

    fn correct<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        correction: Correction,
    ) -> StoreFuture<'a, ()> {
        self.correct_now(bucket, limit, correction);
        Box::pin(async { Ok(()) })
    }
}
