//! Buckets in this process: the default store, and the fallback of a shared
//! one while it is unreachable.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::{Correction, RateLimit, RateLimitStore, Reservation, StoreFuture, gcra};
use crate::lock;

/// Rate-limit buckets in this process's memory, shared by every clone of the
/// client that owns them. The default: a client without
/// `rate_limit_store(..)` uses one of its own.
///
/// Time is tokio's clock, so a test with a paused clock runs the limiter in
/// no real time. Buckets that are full again are forgotten once there are
/// more than a thousand, so memory follows the connections in use, not every
/// connection ever used.
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
    /// Forget idle buckets when there are this many (doubling with what is
    /// left, so that the work stays proportional to the buckets created).
    prune_at: usize,
}

/// Buckets kept before idle ones are first forgotten.
const PRUNE_FROM: usize = 1024;

impl Buckets {
    /// Forgets every bucket that is full and open again: one created anew is
    /// the same (or, during a store outage, starts empty: stricter), so an
    /// agency cycling through many connection ids does not grow the map for
    /// ever, an outage's fallback buckets included.
    fn prune(&mut self, now: i64) {
        if self.states.len() < self.prune_at.max(PRUNE_FROM) {
            return;
        }
        self.states.retain(|_, state| {
            state
                .tat
                .max(state.tat_day)
                .max(state.closed)
                .max(state.credits_until)
                > now
        });
        self.prune_at = (self.states.len() * 2).max(PRUNE_FROM);
    }
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
        gcra::micros(Instant::now().saturating_duration_since(self.origin))
    }

    /// Forgets every bucket; new ones start empty (no burst).
    pub(crate) fn start_empty(&self) {
        let mut buckets = lock(&self.buckets);
        buckets.states.clear();
        buckets.prune_at = PRUNE_FROM;
        buckets.start_empty = true;
    }

    /// Forgets every bucket (the end of an outage: the shared store counts
    /// again).
    pub(crate) fn clear(&self) {
        let mut buckets = lock(&self.buckets);
        buckets.states.clear();
        buckets.prune_at = PRUNE_FROM;
    }

    fn with_state<T>(
        &self,
        bucket: &str,
        limit: RateLimit,
        f: impl FnOnce(&mut gcra::State, i64) -> T,
    ) -> T {
        let now = self.now_us();
        let mut buckets = lock(&self.buckets);
        buckets.prune(now);
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
        let max_wait_us = gcra::micros(max_wait);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_buckets_are_forgotten_and_busy_ones_kept() {
        let store = MemoryStore::new();
        let limit = RateLimit::new(2, Duration::from_secs(1));
        let forever = Duration::from_secs(3600);
        // Busy: two calls take the whole bucket, the third waits.
        for _ in 0..3 {
            store.reserve_now("busy", limit, forever);
        }
        // Up to the threshold (reached with the next bucket).
        for n in 0..PRUNE_FROM - 1 {
            store.reserve_now(&format!("idle {n}"), limit, forever);
        }
        tokio::time::advance(Duration::from_millis(1_100)).await;
        let next = store.reserve_now("new", limit, forever);
        assert_eq!(next.wait, Duration::ZERO);
        let buckets = lock(&store.buckets);
        assert_eq!(buckets.states.len(), 2, "only `busy` and `new` are left");
        assert!(buckets.states.contains_key("busy"));
        drop(buckets);
        // The kept bucket still remembers its reservations: a new one would
        // have a call left after this one.
        let busy = store.reserve_now("busy", limit, forever);
        assert_eq!((busy.wait, busy.remaining), (Duration::ZERO, 0));
    }

    /// The fallback of a store outage (new buckets start empty) forgets idle
    /// buckets too: an outage with connections cycling does not grow the
    /// map for ever.
    #[tokio::test(start_paused = true)]
    async fn an_outage_s_buckets_are_forgotten_too() {
        let store = MemoryStore::new();
        store.start_empty();
        let limit = RateLimit::new(2, Duration::from_secs(1));
        let forever = Duration::from_secs(3600);
        for round in 0..3 {
            for n in 0..PRUNE_FROM {
                store.reserve_now(&format!("connection {round} {n}"), limit, forever);
            }
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        store.reserve_now("last", limit, forever);
        let kept = lock(&store.buckets).states.len();
        assert!(kept <= PRUNE_FROM + 1, "{kept}");
    }
}
