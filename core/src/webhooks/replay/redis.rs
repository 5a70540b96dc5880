//! Webhook replay records in Redis (feature `redis`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Claim, ReplayStore};
use crate::redis_connection::{RedisBacked, RedisConnection, RedisStoreBuilder};
use crate::store::{StoreError, StoreFuture};
use crate::webhooks::encoding::hex_encode;

/// Frees a claim only if the token still holds it (not once committed, nor
/// once another receiver claimed the key after the hold ran out).
const RELEASE: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

/// The value of a handled message's key.
const HANDLED: &str = "handled";

/// Message ids longer than this are stored by their SHA-256: keys stay short
/// whatever a sender puts in a header.
const LONGEST_PLAIN_KEY: usize = 128;

/// Webhook replay records in Redis, shared by every receiver that uses the
/// same Redis and prefix: a message handled by one is refused by all.
///
/// One command per step: a claim is `SET <key> <token> NX PX <hold>` (only
/// one receiver gets it; a duplicate then reads the key once more, to say
/// whether the message was handled or is being handled), a commit `SET <key> handled PX <remember>`, a
/// release a script that deletes the key only while the claim's token still
/// holds it. Keys are `<prefix>webhook-replay:<message id>` and expire on
/// their own: a handled message once its signature can no longer verify
/// (plus a margin), a claim once its hold runs out. Needs Redis 2.6.12 or
/// later (or Valkey).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use onlyfans_clients::ofauth::webhooks::Verifier;
/// use onlyfans_clients::webhooks::RedisReplayStore;
///
/// let store = RedisReplayStore::builder("rediss://default:password@redis.example.com:6380")
///     .prefix("agency-eu:prod:")
///     .connect()
///     .await?;
/// let verifier = Verifier::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?.replay_store(store);
/// # let _ = verifier; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisReplayStore {
    connection: RedisConnection,
    release: Arc<redis::Script>,
}

impl fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl RedisBacked for RedisReplayStore {
    const NAMESPACE: &'static str = "webhook-replay:";

    async fn open(connection: RedisConnection) -> Result<Self, StoreError> {
        let release = redis::Script::new(RELEASE);
        connection.load(&release).await?;
        Ok(RedisReplayStore {
            connection,
            release: Arc::new(release),
        })
    }
}

impl RedisReplayStore {
    /// Connects to `url` (`redis://[user:password@]host:port[/db]`, or
    /// `rediss://` for TLS) with the default prefix and timeout.
    pub async fn connect(url: &str) -> Result<RedisReplayStore, StoreError> {
        Self::builder(url).connect().await
    }

    /// A store to configure before connecting (key prefix, timeout, TLS
    /// roots).
    pub fn builder(url: &str) -> RedisStoreBuilder<RedisReplayStore> {
        RedisStoreBuilder::new(url)
    }

    fn key(&self, id: &str) -> String {
        if id.len() <= LONGEST_PLAIN_KEY {
            return self.connection.key(id);
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, id.as_bytes());
        self.connection
            .key(&format!("sha256:{}", hex_encode(digest.as_ref())))
    }
}

/// Whole milliseconds of `duration`, at least one (Redis refuses `PX 0`).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// A fresh claim token: 16 random bytes in hex.
fn token() -> Result<String, StoreError> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| StoreError::new("no randomness for a claim token"))?;
    Ok(hex_encode(&bytes))
}

impl ReplayStore for RedisReplayStore {
    fn claim<'a>(&'a self, key: &'a str, hold: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let token = token()?;
            let key = self.key(key);
            let mut claim = redis::cmd("SET");
            claim
                .arg(&key)
                .arg(&token)
                .arg("NX")
                .arg("PX")
                .arg(millis(hold));
            let claim = &claim;
            let claimed: Option<String> = self
                .connection
                .run("claim", |mut connection| async move {
                    claim.query_async(&mut connection).await
                })
                .await?;
            if claimed.is_some() {
                return Ok(Claim::Claimed(token));
            }
            // Taken: which way only decides the answer to the sender (a
            // duplicate's second round trip; a claim committed in between
            // reads as handled, one expired as in flight: both are retried
            // or acknowledged safely).
            let mut read = redis::cmd("GET");
            read.arg(&key);
            let read = &read;
            let value: Option<String> = self
                .connection
                .run("claim", |mut connection| async move {
                    read.query_async(&mut connection).await
                })
                .await?;
            Ok(if value.as_deref() == Some(HANDLED) {
                Claim::Handled
            } else {
                Claim::InFlight
            })
        })
    }

    fn commit<'a>(&'a self, key: &'a str, remember: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut command = redis::cmd("SET");
            command
                .arg(self.key(key))
                .arg(HANDLED)
                .arg("PX")
                .arg(millis(remember));
            let command = &command;
            self.connection
                .run("commit", |mut connection| async move {
                    command.query_async::<()>(&mut connection).await
                })
                .await
        })
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut invocation = self.release.key(self.key(key));
            invocation.arg(token);
            let invocation = &invocation;
            self.connection
                .run("release", |mut connection| async move {
                    invocation.invoke_async::<i64>(&mut connection).await
                })
                .await
                .map(|_| ())
        })
    }
}
