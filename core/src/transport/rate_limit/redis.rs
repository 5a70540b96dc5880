//! Buckets in Redis: one budget for every process and machine that uses the
//! same Redis (feature `redis`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::gcra::{count, micros};
use super::{Correction, RateLimit, RateLimitStore, Reservation, StoreError, StoreFuture};
use crate::redis_connection::{RedisBacked, RedisConnection, RedisStoreBuilder};

/// The limiter's algorithm in Lua: the same steps as `gcra.rs`, run by Redis
/// atomically on its own clock.
const SCRIPT: &str = include_str!("redis.lua");

/// Rate-limit buckets in Redis, shared by every client that uses the same
/// Redis and prefix, in this process or any other.
///
/// Each call costs one Redis round trip (a Lua script: it reserves the call's
/// slot atomically, on Redis's clock, so no two workers get the same slot and
/// workers' clocks never matter); a correction from the server costs a second
/// one, only when the server counts fewer calls left than the bucket. Keys are
/// `<prefix>rate-limit:<api host>:<keyed hash>`, never a secret, and expire once their
/// bucket is full again. The connection reconnects on its own; while Redis is
/// unreachable, calls follow the client's
/// [`StoreFailure`](crate::StoreFailure) policy. Needs Redis 5 or later (or
/// Valkey): the script reads `TIME` before it writes, which older versions
/// refuse to replicate.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use onlyfans_clients::{RateLimit, RedisStore, ofauth};
///
/// let store = RedisStore::connect("redis://127.0.0.1:6379").await?;
/// let client = ofauth::Client::builder()
///     .api_key("sk_…")
///     .connection_id("conn_…")
///     .rate_limit(RateLimit::per_minute(60))
///     .rate_limit_store(store)
///     .build()?;
/// # let _ = client; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: RedisConnection,
    script: Arc<redis::Script>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl RedisBacked for RedisStore {
    const NAMESPACE: &'static str = "rate-limit:";

    async fn open(connection: RedisConnection) -> Result<Self, StoreError> {
        let script = redis::Script::new(SCRIPT);
        connection.load(&script).await?;
        Ok(RedisStore {
            connection,
            script: Arc::new(script),
        })
    }
}

impl RedisStore {
    /// Connects to `url` (`rediss://[user:password@]host:port[/db]` for TLS,
    /// or `redis://` to this machine: see [`RedisStoreBuilder`] for the
    /// rules) with the default prefix and timeout.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        Self::builder(url).connect().await
    }

    /// A store to configure before connecting (key prefix, timeout, TLS
    /// roots).
    pub fn builder(url: &str) -> RedisStoreBuilder<RedisStore> {
        RedisStoreBuilder::new(url)
    }

    /// Runs the script on `bucket`'s key with `op` and its arguments.
    async fn run<T: redis::FromRedisValue>(
        &self,
        bucket: &str,
        limit: RateLimit,
        op: &str,
        args: [i64; 2],
    ) -> Result<T, StoreError> {
        let rates = limit.rates();
        let mut invocation = self.script.key(self.connection.key(bucket));
        invocation
            .arg(op)
            .arg(rates.interval_us)
            .arg(rates.tolerance_us)
            .arg(args[0])
            .arg(args[1])
            .arg(rates.day_interval_us)
            .arg(rates.day_tolerance_us)
            .arg(rates.credits_floor);
        let invocation = &invocation;
        self.connection
            .run(op, |mut connection| async move {
                invocation.invoke_async(&mut connection).await
            })
            .await
    }
}

impl RateLimitStore for RedisStore {
    fn reserve<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        max_wait: Duration,
    ) -> StoreFuture<'a, Reservation> {
        Box::pin(async move {
            let (wait_us, taken, remaining, credits): (i64, i64, i64, i64) = self
                .run(bucket, limit, "reserve", [micros(max_wait), 0])
                .await?;
            Ok(super::gcra::Slot {
                wait_us,
                taken: taken == 1,
                remaining,
                credits,
            }
            .into())
        })
    }

    fn correct<'a>(
        &'a self,
        bucket: &'a str,
        limit: RateLimit,
        correction: Correction,
    ) -> StoreFuture<'a, ()> {
        let (op, args) = match correction {
            Correction::Remaining {
                remaining,
                reset_in,
            } => ("remaining", [count(remaining), micros(reset_in)]),
            Correction::RetryAfter(wait) => ("close", [micros(wait), 0]),
            Correction::DayRemaining { remaining } => ("day_remaining", [count(remaining), 0]),
            Correction::Credits { balance } => {
                ("credits", [count(balance), super::gcra::CREDITS_MEMORY_US])
            }
        };
        Box::pin(async move {
            let _: redis::Value = self.run(bucket, limit, op, args).await?;
            Ok(())
        })
    }
}
