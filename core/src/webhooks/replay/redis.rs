//! Webhook replay records in Redis (feature `redis`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{Claim, ReplayStore};
use crate::redis_connection::{RedisBacked, RedisConnection, RedisStoreBuilder};
use crate::store::{StoreError, StoreFuture};
use crate::webhooks::encoding::hex_encode;

/// What every script starts with: `split` reads a key's value,
/// `<state>|<message id>` (state: `handled` or the claim's token; the id
/// empty for a message without one), and `conflicts` is
/// [`conflicts`](super::conflicts).
const COMMON: &str = r"local function split(value)
  local bar = string.find(value, '|', 1, true)
  if not bar then return value, '' end
  return string.sub(value, 1, bar - 1), string.sub(value, bar + 1)
end
local function conflicts(holder, id)
  return holder == '' or id == '' or holder == id
end
local n = #KEYS - 1
";

/// Claims a message's keys, all or none (see [`ReplayStore::claim`]).
/// `KEYS`: the message's keys, then its claim's set of joined keys; `ARGV`:
/// the token, the hold and the time to remember (ms), the prefix of claim
/// sets, the message id. A key holding the token is this claim's: a claim
/// sent again after its reply was lost is claimed, not in flight.
const CLAIM: &str = r"local token, hold, remember, sets, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local holder, left
for i = 1, n do
  local value = redis.call('GET', KEYS[i])
  if value then
    local state, by = split(value)
    if state ~= token and conflicts(by, id) then
      if state == 'handled' then
        for j = 1, n do redis.call('SET', KEYS[j], 'handled|' .. id, 'PX', remember, 'NX') end
        return 'handled'
      end
      holder, left = state, redis.call('PTTL', KEYS[i])
    end
  end
end
if holder then
  if left < 1 then left = hold end
  for j = 1, n do
    if redis.call('SET', KEYS[j], holder .. '|' .. id, 'PX', left, 'NX') then
      redis.call('SADD', sets .. holder, KEYS[j])
    end
  end
  redis.call('PEXPIRE', sets .. holder, left)
  return 'in-flight'
end
for j = 1, n do
  if redis.call('SET', KEYS[j], token .. '|' .. id, 'PX', hold, 'NX') then
    redis.call('SADD', KEYS[n + 1], KEYS[j])
  end
end
redis.call('PEXPIRE', KEYS[n + 1], hold)
return 'claimed'";

/// Records a message's keys as handled (unless held for a message with
/// another id), and the keys that joined its claim. `KEYS` as [`CLAIM`]'s;
/// `ARGV`: the token, the time to remember (ms), the message id.
const COMMIT: &str = r"for i = 1, n do
  local value = redis.call('GET', KEYS[i])
  local by = ''
  if value then
    local _, holder = split(value)
    by = holder
  end
  if conflicts(by, ARGV[3]) then
    redis.call('SET', KEYS[i], 'handled|' .. ARGV[3], 'PX', ARGV[2])
  end
end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[n + 1])) do
  local value = redis.call('GET', key)
  if value then
    local state, by = split(value)
    if state == ARGV[1] then redis.call('SET', key, 'handled|' .. by, 'PX', ARGV[2]) end
  end
end
redis.call('DEL', KEYS[n + 1])
return 1";

/// Frees every key the token still holds (not once committed, nor once
/// another receiver claimed it after the hold ran out). `KEYS` as
/// [`CLAIM`]'s; `ARGV`: the token.
const RELEASE: &str = r"local function free(key)
  local value = redis.call('GET', key)
  if value and split(value) == ARGV[1] then redis.call('DEL', key) end
end
for i = 1, n do free(KEYS[i]) end
for _, key in ipairs(redis.call('SMEMBERS', KEYS[n + 1])) do free(key) end
redis.call('DEL', KEYS[n + 1])
return 1";

/// Message keys longer than this are stored by their SHA-256: keys stay
/// short whatever a sender puts in a header.
const LONGEST_PLAIN_KEY: usize = 128;

/// Webhook replay records in Redis, shared by every receiver that uses the
/// same Redis and prefix: a message handled by one is refused by all.
///
/// One script per step, atomic over all of a message's keys: a claim sets
/// every key to its token unless one is taken (only one receiver gets a
/// message; a duplicate learns at once whether it was handled or is being
/// handled, and its other keys join the record), a commit sets them to
/// `handled`, a release deletes those the claim's token still holds. Each
/// value names the message id it is held for (`<token or handled>|<id>`). Keys
/// are `<prefix>webhook-replay:<endpoint scope>:<message key>` (and
/// `<prefix>webhook-replay:claims:<token>` for a claim's joined keys) and
/// expire on their own: a handled message once its signature can no longer
/// verify (plus a margin), a claim once its hold runs out. A claim whose
/// reply was lost and that is sent again finds its own token: it is this
/// receiver's. Tested with Redis 7 (scripts use only commands of Redis 2.6.12); not a
/// cluster: a claim's scripts touch keys they are not given.
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
    scripts: Arc<[redis::Script; 3]>,
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
        let scripts =
            [CLAIM, COMMIT, RELEASE].map(|body| redis::Script::new(&format!("{COMMON}{body}")));
        for script in &scripts {
            connection.load(script).await?;
        }
        Ok(RedisReplayStore {
            connection,
            scripts: Arc::new(scripts),
        })
    }
}

impl RedisReplayStore {
    /// Connects to `url` (`rediss://[user:password@]host:port[/db]` for TLS,
    /// or `redis://` to this machine: see [`RedisStoreBuilder`] for the
    /// rules) with the default prefix and timeout.
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

impl RedisReplayStore {
    /// Runs script `which` over a message's `keys` and its claim's set.
    async fn script<T: redis::FromRedisValue>(
        &self,
        which: usize,
        what: &str,
        keys: &[String],
        token: &str,
        args: &[String],
    ) -> Result<T, StoreError> {
        let script = self
            .scripts
            .get(which)
            .ok_or_else(|| StoreError::new("no such script"))?;
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(self.key(key));
        }
        invocation.key(self.connection.key(&format!("claims:{token}")));
        invocation.arg(token);
        for arg in args {
            invocation.arg(arg);
        }
        let invocation = &invocation;
        self.connection
            .run(what, |mut connection| async move {
                invocation.invoke_async(&mut connection).await
            })
            .await
    }
}

impl ReplayStore for RedisReplayStore {
    fn claim<'a>(
        &'a self,
        keys: &'a [String],
        id: &'a str,
        token: &'a str,
        hold: Duration,
        remember: Duration,
    ) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            let args = [
                millis(hold).to_string(),
                millis(remember).to_string(),
                self.connection.key("claims:"),
                id.to_owned(),
            ];
            let answer: String = self.script(0, "claim", keys, token, &args).await?;
            match answer.as_str() {
                "claimed" => Ok(Claim::Claimed),
                "handled" => Ok(Claim::Handled),
                "in-flight" => Ok(Claim::InFlight),
                _ => Err(StoreError::new("claim: unexpected reply")),
            }
        })
    }

    fn commit<'a>(
        &'a self,
        keys: &'a [String],
        id: &'a str,
        token: &'a str,
        remember: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let args = [millis(remember).to_string(), id.to_owned()];
            self.script::<i64>(1, "commit", keys, token, &args)
                .await
                .map(|_| ())
        })
    }

    fn release<'a>(&'a self, keys: &'a [String], token: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.script::<i64>(2, "release", keys, token, &[])
                .await
                .map(|_| ())
        })
    }
}
