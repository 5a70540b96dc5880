//! Client-side rate limiting: wait instead of being refused.
//!
//! One bucket per credential identity (the OFAuth connection id; the key of an
//! OnlyFansAPI client), kept in a [`RateLimitStore`]: by default in this
//! process ([`MemoryStore`], shared by every clone of a client), or in Redis
//! (`RedisStore`, feature `redis`) so that every process
//! and machine acting for the same account shares one budget.
//!
//! Every store runs the same algorithm (GCRA with reservations, see `gcra`):
//! a caller reserves its slot in one step and sleeps until it, so callers are
//! served in the order they asked, across tasks, processes and machines, with
//! one store round trip per call. The server's own view corrects the bucket for
//! everyone sharing it: `X-RateLimit-Remaining`/`-Reset` headers, OnlyFansAPI's
//! `_meta._rate_limits`, and `Retry-After` on a 429.

mod gcra;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::lock;
use std::time::Duration;

use tokio::time::Instant;

use crate::store::within_deadline;
pub use crate::store::{StoreError, StoreFuture};
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// A published rate limit: `calls` per `period`, bursts up to `calls`;
/// optionally a second, daily limit on the same bucket
/// ([`and_per_day`](RateLimit::and_per_day)) and a floor under the credit
/// balance the server reports ([`credits_floor`](RateLimit::credits_floor)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    calls: u32,
    period: Duration,
    per_day: Option<u32>,
    credits_floor: Option<u64>,
    max_server_wait: Duration,
}

/// Longest a server's answer may close a bucket by default (see
/// [`RateLimit::max_server_wait`]).
pub const DEFAULT_MAX_SERVER_WAIT: Duration = Duration::from_secs(15 * 60);

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

impl RateLimit {
    /// `calls` calls per `period` (at least one call, a period of at least a
    /// millisecond).
    pub fn new(calls: u32, period: Duration) -> Self {
        Self {
            calls: calls.max(1),
            period: period.max(Duration::from_millis(1)),
            per_day: None,
            credits_floor: None,
            max_server_wait: DEFAULT_MAX_SERVER_WAIT,
        }
    }

    /// A limit that never makes a call wait: for a client that only wants
    /// the [`credits_floor`](Self::credits_floor) (or the server's
    /// `Retry-After` shared).
    pub fn unlimited() -> Self {
        Self::new(u32::MAX, Duration::from_millis(1))
    }

    /// A second limit on the same bucket: at most `calls` a day (a rolling
    /// 24 hours), as OnlyFansAPI's plans have (`_meta._rate_limits.limit_day`).
    /// A call waits for a slot both limits allow; the server's
    /// `remaining_day` tightens it once the day's calls run low.
    pub fn and_per_day(mut self, calls: u32) -> Self {
        self.per_day = Some(calls.max(1));
        self
    }

    /// Refuse calls, without sending them, once the credit balance the
    /// server last reported (OnlyFansAPI's `_meta._credits.balance`) is below
    /// `credits`: [`Error::CreditsFloor`](crate::Error::CreditsFloor). Shared
    /// through the store like the rate, so one client's report stops the
    /// whole fleet. A report is believed for 10 minutes; then one call goes
    /// out to learn whether the balance was topped up.
    pub fn credits_floor(mut self, credits: u64) -> Self {
        self.credits_floor = Some(credits);
        self
    }

    /// The longest wait a server's answer may impose on the bucket
    /// (`Retry-After`, `X-RateLimit-Reset`, a reported reset): longer ones are
    /// cut to this, and logged once, so that one absurd answer cannot close
    /// the bucket, for every process sharing it, for days. Default
    /// [`DEFAULT_MAX_SERVER_WAIT`] (15 minutes); never less than the period.
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// The longest wait a server's answer may impose, as applied.
    pub fn server_wait_cap(&self) -> Duration {
        self.max_server_wait.max(self.period)
    }

    /// `calls` calls per minute (OFAuth's lower plans: 60).
    pub fn per_minute(calls: u32) -> Self {
        Self::new(calls, Duration::from_secs(60))
    }

    /// Calls allowed per period (the largest burst).
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The period the calls are counted over.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Calls allowed a day, if the limit has a daily window.
    pub fn calls_per_day(&self) -> Option<u32> {
        self.per_day
    }

    /// The credit balance under which calls are refused, if any.
    pub fn floor(&self) -> Option<u64> {
        self.credits_floor
    }

    /// The limit in the whole microseconds every store computes with.
    fn rates(&self) -> gcra::Rates {
        let window = |calls: u32, period: Duration| {
            let period_us = gcra::micros(period);
            let interval_us = (period_us / i64::from(calls)).max(1);
            (interval_us, interval_us * i64::from(calls))
        };
        let (interval_us, tolerance_us) = window(self.calls, self.period);
        let (day_interval_us, day_tolerance_us) =
            self.per_day.map_or((0, 0), |calls| window(calls, DAY));
        gcra::Rates {
            interval_us,
            tolerance_us,
            day_interval_us,
            day_tolerance_us,
            credits_floor: self.credits_floor.map_or(-1, gcra::count),
        }
    }
}

/// What a store answers to a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// How long from now until the call may start.
    pub wait: Duration,
    /// Whether the slot was taken: `false` when it lies beyond the caller's
    /// longest wait (nothing was reserved then).
    pub taken: bool,
    /// Calls left in the bucket at the slot, after this one.
    pub remaining: u64,
    /// `Some(balance)` when nothing was reserved because the last reported
    /// credit balance is below the limit's [`credits_floor`](RateLimit::credits_floor).
    pub below_credits_floor: Option<u64>,
}

/// What a server said about a bucket, for the store to apply for everyone
/// sharing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Correction {
    /// The server counts `remaining` calls left; with none left, its window
    /// reopens (full) after `reset_in`.
    Remaining { remaining: u64, reset_in: Duration },
    /// The server refused a call (`429`) and asked for this wait.
    RetryAfter(Duration),
    /// The server counts `remaining` calls left today (the limit's daily
    /// window).
    DayRemaining { remaining: u64 },
    /// The server reports this credit balance, below the limit's floor:
    /// calls are refused until it is forgotten.
    Credits { balance: u64 },
}

/// Where rate-limit buckets live. [`MemoryStore`] (the default) keeps them in
/// this process; `RedisStore` (feature `redis`) shares them between every
/// process that uses the same Redis. Implement it to keep them elsewhere: each
/// method must act atomically on its bucket, as one step.
///
/// `bucket` names the bucket: the API's host and a keyed hash of the
/// credential and connection (never a secret). `limit` is the client's limit;
/// clients sharing a bucket should use the same one.
pub trait RateLimitStore: fmt::Debug + Send + Sync + 'static {
    /// Reserves the next call slot of `bucket`, unless it is more than
    /// `max_wait` away (then nothing is reserved and `taken` is `false`).
    fn reserve<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> StoreFuture<'a, Reservation>;

    /// Applies what a server said about `bucket`: it only ever tightens.
    fn correct<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        correction: Correction,
    ) -> StoreFuture<'a, ()>;
}

/// What a client does when its [`RateLimitStore`] fails (unreachable, too
/// slow, restarted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreFailure {
    /// Limit with a bucket in this process until the store answers again
    /// (probed at most once a second); logged once per outage. Processes
    /// sharing the budget then each keep the whole limit, so the server may
    /// refuse some calls until the store is back.
    #[default]
    UseLocalBucket,
    /// Fail the call with [`Error::RateLimitStore`](crate::Error::RateLimitStore):
    /// nothing is sent.
    FailCall,
}

/// How long after a store failure the next call tries the store again.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// Why the limiter did not let a call go.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The slot is farther away than the call's deadline.
    TooFar { wait: Duration },
    /// The store failed and the policy is to fail calls.
    Store(StoreError),
    /// The reported credit balance is below the limit's floor.
    Credits { balance: u64, floor: u64 },
}

/// A client's limit, its store and the fallback (shared by its clones).
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    /// The shared store; `None`: the local bucket is the store.
    store: Option<Arc<dyn RateLimitStore>>,
    on_failure: StoreFailure,
    local: MemoryStore,
    outage: Outage,
    /// Whether a server's wait was cut to the cap yet (logged once).
    capped_logged: AtomicBool,
}

/// A store outage: whether one is going on, and when to try the store again.
#[derive(Debug, Default)]
struct Outage {
    ongoing: AtomicBool,
    retry_at: Mutex<Option<Instant>>,
}

impl Limiter {
    pub(crate) fn new(
        limit: RateLimit,
        store: Option<Arc<dyn RateLimitStore>>,
        on_failure: StoreFailure,
    ) -> Self {
        Self {
            limit,
            store,
            on_failure,
            local: MemoryStore::new(),
            outage: Outage::default(),
            capped_logged: AtomicBool::new(false),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits for a slot of `bucket` and takes it; returns the calls left after
    /// it (what the server should report, if it agrees).
    pub(crate) async fn acquire(&self, bucket: &str, max_wait: Duration) -> Result<u64, Refusal> {
        let reservation = match self.shared_store() {
            Some(store) => {
                let answer = within_deadline(store.reserve(bucket, self.limit, max_wait)).await;
                match self.outcome(answer)? {
                    Some(reservation) => reservation,
                    None => self.local.reserve_now(bucket, self.limit, max_wait),
                }
            }
            None => self.local.reserve_now(bucket, self.limit, max_wait),
        };
        if let Some(balance) = reservation.below_credits_floor {
            return Err(Refusal::Credits {
                balance,
                floor: self.limit.credits_floor.unwrap_or(0),
            });
        }
        // A store that says it took a slot beyond the call's longest wait
        // (a custom store's bug, a bad reply) is not slept on: raw calls
        // have no outer deadline, so this is the only bound.
        if !reservation.taken || reservation.wait > max_wait {
            return Err(Refusal::TooFar {
                wait: reservation.wait,
            });
        }
        if !reservation.wait.is_zero() {
            tracing::debug!(
                wait_ms = reservation.wait.as_millis() as u64,
                "rate limit: waiting for a slot"
            );
            tokio::time::sleep(reservation.wait).await;
        }
        Ok(reservation.remaining)
    }

    /// Applies what the server said, for everyone sharing the bucket. A store
    /// failure here is only logged: the call itself already went through.
    pub(crate) async fn correct(&self, bucket: &str, correction: Correction) {
        let correction = self.bounded(correction);
        tracing::debug!(?correction, "rate limit: the server corrects the bucket");
        match self.shared_store() {
            Some(store) => {
                let answer = within_deadline(store.correct(bucket, self.limit, correction)).await;
                if let Ok(None) = self.outcome(answer) {
                    self.local.correct_now(bucket, self.limit, correction);
                }
            }
            None => self.local.correct_now(bucket, self.limit, correction),
        }
    }

    /// `correction` with its wait cut to the limit's cap and its count of
    /// calls left to the limit (a server can only tighten, and only so far);
    /// the first cut is logged.
    fn bounded(&self, correction: Correction) -> Correction {
        let cap = self.limit.server_wait_cap();
        let (bounded, wait) = match correction {
            Correction::Remaining {
                remaining,
                reset_in,
            } => (
                Correction::Remaining {
                    remaining: remaining.min(u64::from(self.limit.calls)),
                    reset_in: reset_in.min(cap),
                },
                reset_in,
            ),
            Correction::RetryAfter(wait) => (Correction::RetryAfter(wait.min(cap)), wait),
            Correction::DayRemaining { remaining } => (
                Correction::DayRemaining {
                    remaining: remaining.min(u64::from(self.limit.per_day.unwrap_or(0))),
                },
                Duration::ZERO,
            ),
            other @ Correction::Credits { .. } => (other, Duration::ZERO),
        };
        if wait > cap && !self.capped_logged.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                wait_s = wait.as_secs(),
                cap_s = cap.as_secs(),
                "rate limit: the server asked for a wait longer than the cap; cut to the cap (logged once)"
            );
        }
        bounded
    }

    /// The shared store, unless it failed less than a probe interval ago.
    fn shared_store(&self) -> Option<&Arc<dyn RateLimitStore>> {
        let store = self.store.as_ref()?;
        if self.outage.ongoing.load(Ordering::Acquire) {
            let retry_at = *lock(&self.outage.retry_at);
            if retry_at.is_some_and(|at| Instant::now() < at) {
                return match self.on_failure {
                    StoreFailure::UseLocalBucket => None,
                    // Failing calls must still ask the store each time.
                    StoreFailure::FailCall => Some(store),
                };
            }
        }
        Some(store)
    }

    /// A store's answer: `Some` value, `None` to use the local bucket, or the
    /// refusal the policy asks for. Logs an outage once, at its start and end.
    fn outcome<T>(&self, answer: Result<T, StoreError>) -> Result<Option<T>, Refusal> {
        let error = match answer {
            Ok(value) => {
                if self.outage.ongoing.swap(false, Ordering::AcqRel) {
                    // The outage's buckets are of no use any more.
                    self.local.clear();
                    tracing::info!("rate limit store answers again; sharing the budget resumes");
                }
                return Ok(Some(value));
            }
            Err(error) => error,
        };
        *lock(&self.outage.retry_at) = Some(Instant::now() + PROBE_INTERVAL);
        if !self.outage.ongoing.swap(true, Ordering::AcqRel) {
            match self.on_failure {
                StoreFailure::UseLocalBucket => {
                    // The local buckets start empty: a full one would let every
                    // process burst the whole limit at once.
                    self.local.start_empty();
                    tracing::warn!(%error, "rate limit store failed; limiting with a local bucket until it answers");
                }
                StoreFailure::FailCall => {
                    tracing::warn!(%error, "rate limit store failed; calls fail until it answers");
                }
            }
        }
        match self.on_failure {
            StoreFailure::UseLocalBucket => Ok(None),
            StoreFailure::FailCall => Err(Refusal::Store(error)),
        }
    }
}

/// What a response says about the server's budget and balance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ServerReport {
    /// Calls left in the main window (headers or body, the lower).
    pub(crate) remaining: Option<u64>,
    /// When the main window resets.
    pub(crate) reset_in: Option<Duration>,
    /// A 429's `Retry-After`.
    pub(crate) retry_after: Option<Duration>,
    /// Calls left today.
    pub(crate) remaining_day: Option<u64>,
    /// The credit balance.
    pub(crate) credits: Option<u64>,
}

/// The corrections worth sharing from what a response said: none when the
/// server agrees with the limiter (within the calls other workers may have
/// made meanwhile), so that a call costs one store round trip, not two. The
/// day's count is shared once it runs low (the last twentieth), the balance
/// once it is below the floor.
pub(crate) fn corrections(
    limit: RateLimit,
    expected_remaining: u64,
    report: ServerReport,
) -> Vec<Correction> {
    let mut out = Vec::new();
    if let Some(wait) = report.retry_after {
        out.push(Correction::RetryAfter(wait));
    } else if let Some(remaining) = report.remaining {
        let slack = u64::from(limit.calls / 20).max(1);
        if remaining == 0 || remaining.saturating_add(slack) < expected_remaining {
            out.push(Correction::Remaining {
                remaining,
                reset_in: report.reset_in.unwrap_or(limit.period),
            });
        }
    }
    if let (Some(per_day), Some(remaining)) = (limit.per_day, report.remaining_day)
        && remaining <= u64::from(per_day / 20).max(1)
    {
        out.push(Correction::DayRemaining { remaining });
    }
    if let (Some(floor), Some(balance)) = (limit.credits_floor, report.credits)
        && balance < floor
    {
        out.push(Correction::Credits { balance });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(remaining: Option<u64>) -> ServerReport {
        ServerReport {
            remaining,
            ..ServerReport::default()
        }
    }

    #[test]
    fn a_correction_is_sent_only_when_the_server_knows_fewer_calls_left() {
        let limit = RateLimit::per_minute(60);
        assert_eq!(corrections(limit, 10, report(Some(10))), []);
        assert_eq!(corrections(limit, 10, report(Some(7))), []);
        assert_eq!(corrections(limit, 10, report(None)), []);
        assert_eq!(
            corrections(limit, 10, report(Some(5))),
            [Correction::Remaining {
                remaining: 5,
                reset_in: Duration::from_secs(60)
            }]
        );
        let reset = ServerReport {
            reset_in: Some(Duration::from_secs(3)),
            ..report(Some(0))
        };
        assert_eq!(
            corrections(limit, 0, reset),
            [Correction::Remaining {
                remaining: 0,
                reset_in: Duration::from_secs(3)
            }]
        );
        let refused = ServerReport {
            retry_after: Some(Duration::from_secs(2)),
            ..report(Some(30))
        };
        assert_eq!(
            corrections(limit, 30, refused),
            [Correction::RetryAfter(Duration::from_secs(2))]
        );
    }

    #[test]
    fn the_day_and_the_balance_are_shared_only_when_they_matter() {
        let limit = RateLimit::per_minute(60)
            .and_per_day(1_000)
            .credits_floor(500);
        let said = |remaining_day, credits| ServerReport {
            remaining_day: Some(remaining_day),
            credits: Some(credits),
            ..report(Some(10))
        };
        assert_eq!(corrections(limit, 10, said(900, 10_000)), []);
        assert_eq!(
            corrections(limit, 10, said(50, 499)),
            [
                Correction::DayRemaining { remaining: 50 },
                Correction::Credits { balance: 499 }
            ]
        );
        // A client without a daily window or a floor ignores both.
        assert_eq!(corrections(RateLimit::per_minute(60), 10, said(0, 0)), []);
    }

    #[test]
    fn rates_are_whole_microseconds() {
        let rates = RateLimit::per_minute(60).rates();
        assert_eq!(rates.interval_us, 1_000_000);
        assert_eq!(rates.tolerance_us, 60_000_000);
        assert_eq!((rates.day_interval_us, rates.credits_floor), (0, -1));
        let rates = RateLimit::per_minute(60).and_per_day(50_000).rates();
        assert_eq!(rates.day_interval_us, 1_728_000);
        assert_eq!(rates.day_tolerance_us, 86_400_000_000);
        let rates = RateLimit::new(3, Duration::from_millis(1)).rates();
        assert_eq!((rates.interval_us, rates.tolerance_us), (333, 999));
    }
}
