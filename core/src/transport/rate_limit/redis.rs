//! Buckets in Redis: one budget for every process and machine that uses the
//! same Redis (feature `redis`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::gcra::{count, micros};
use super::{Correction, RateLimit, RateLimitStore, Reservation, StoreError, StoreFuture};

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
/// `<prefix><api host>:<keyed hash>`, never a secret, and expire once their
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
    connection: ConnectionManager,
    script: Arc<redis::Script>,
    prefix: Arc<str>,
    timeout: Duration,
}

impl fmt::Debug for RedisStore {
    // The URL may hold a password: never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`RedisStore`] before it connects.
#[derive(Clone)]
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key (default [`RedisStore::DEFAULT_PREFIX`]): separates
    /// environments or applications sharing one Redis.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Longest wait for an answer from Redis, connecting included (default
    /// 250 ms). Past it the call goes on per the client's
    /// [`StoreFailure`](crate::StoreFailure) policy.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects now: an unreachable Redis or a bad URL is an error here, not
    /// at the first call.
    pub async fn connect(self) -> Result<RedisStore, StoreError> {
        let client = redis::Client::open(self.url.as_str())
            .map_err(|e| StoreError::new(format!("invalid Redis URL: {}", kind_description(&e))))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // Reconnecting is retried by later calls: a short attempt here
            // keeps a call from waiting on a long backoff.
            .set_number_of_retries(1)
            .set_max_delay(self.timeout);
        let mut connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| redis_error("cannot connect", &e))?;
        let script = redis::Script::new(SCRIPT);
        // Loaded now, so that the first calls run it by hash at once (a Redis
        // restart empties its cache: the first call after it reloads it).
        tokio::time::timeout(self.timeout, script.load_async(&mut connection))
            .await
            .map_err(|_| StoreError::new("cannot load the limiter script: no answer"))?
            .map_err(|e| redis_error("cannot load the limiter script", &e))?;
        Ok(RedisStore {
            connection,
            script: Arc::new(script),
            prefix: self.prefix.into(),
            timeout: self.timeout,
        })
    }
}

/// A Redis error without what it might echo of the URL: its kind and code.
fn redis_error(what: &str, error: &redis::RedisError) -> StoreError {
    let detail = match error.code() {
        Some(code) => format!("{} ({code})", kind_description(error)),
        None => kind_description(error).to_owned(),
    };
    StoreError::new(format!("{what}: {detail}"))
}

fn kind_description(error: &redis::RedisError) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connection_refusal() {
        "connection refused"
    } else if error.is_connection_dropped() || error.is_io_error() {
        "connection lost"
    } else {
        match error.kind() {
            redis::ErrorKind::Server(_) => "server error",
            redis::ErrorKind::InvalidClientConfig => "invalid client configuration",
            redis::ErrorKind::AuthenticationFailed => "authentication failed",
            redis::ErrorKind::UnexpectedReturnType => "unexpected reply",
            _ => "client error",
        }
    }
}

impl RedisStore {
    /// Default prefix of every key the store writes.
    pub const DEFAULT_PREFIX: &str = "onlyfans-clients:rate-limit:";

    /// Default longest wait for a Redis answer (connecting included) before
    /// the call goes on without it (see [`StoreFailure`](crate::StoreFailure)).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

    /// Connects to `url` (`redis://[user:password@]host:port[/db]`) with the
    /// default prefix and timeout.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        Self::builder(url).connect().await
    }

    /// A store to configure before connecting.
    pub fn builder(url: &str) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.to_owned(),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
        }
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
        let mut invocation = self.script.key(format!("{}{bucket}", self.prefix));
        invocation
            .arg(op)
            .arg(rates.interval_us)
            .arg(rates.tolerance_us)
            .arg(args[0])
            .arg(args[1]);
        let attempts = async {
            let mut connection = self.connection.clone();
            match invocation.invoke_async(&mut connection).await {
                // The first command after Redis came back meets the old, dead
                // connection; the manager reconnects as it fails: once more.
                Err(error) if error.is_connection_dropped() || error.is_io_error() => {
                    invocation.invoke_async(&mut connection).await
                }
                other => other,
            }
        };
        match tokio::time::timeout(self.timeout, attempts).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(redis_error(op, &error)),
            Err(_) => Err(StoreError::new(format!(
                "{op}: no answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
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
            let (wait_us, taken, remaining): (i64, i64, i64) = self
                .run(bucket, limit, "reserve", [micros(max_wait), 0])
                .await?;
            Ok(super::gcra::Slot {
                wait_us,
                taken: taken == 1,
                remaining,
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
        };
        Box::pin(async move {
            let _: redis::Value = self.run(bucket, limit, op, args).await?;
            Ok(())
        })
    }
}
