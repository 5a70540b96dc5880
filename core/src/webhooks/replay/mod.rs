//! Refusing a message handled before: in this process ([`ReplayGuard`]), or
//! in a store every receiver of a fleet shares ([`ReplayStore`]; Redis:
//! `RedisReplayStore`, feature `redis`).

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub use memory::{Receipt, ReplayGuard};
#[cfg(feature = "redis")]
pub use redis::RedisReplayStore;

use super::WebhookError;
use super::encoding::hex_encode;
use crate::store::{StoreError, StoreFuture, within_deadline as deadline};

/// Where the receivers of a fleet record the messages they handle, so that a
/// message handled by one is refused by all.
///
/// A message is known by several keys (its Svix id, and what its signatures
/// sign: see the verifier's documentation), all held together: claimed
/// while it is handled, then either recorded as handled (refused until it is
/// forgotten) or freed again (the sender's redelivery is accepted). The same
/// message sent again with fewer or other signatures carries some of the
/// same keys, so it is refused. Each method must act atomically on all its
/// keys. [`RedisReplayStore`] (feature `redis`) is the one this crate ships;
/// implement this to keep the records elsewhere.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Claims all `keys` of a message about to be handled (`id`: its message
    /// id, empty without one), under `token`, for at most `hold` (then they
    /// are free again, should its receiver die meanwhile), or none of them.
    /// A key held for a message with another id is not this message's
    /// business (see [`conflicts`]): it is neither claimed nor in the way.
    /// Of the keys held for this message:
    ///
    /// - one handled: every free key is recorded as handled, for `remember`,
    ///   and the answer is [`Claim::Handled`];
    /// - one claimed under another token: the free keys join that claim (its
    ///   commit or release settles them too), and the answer is
    ///   [`Claim::InFlight`];
    /// - else the free keys are claimed: [`Claim::Claimed`]. A key that
    ///   already holds `token` is this claim's (a claim sent again after its
    ///   reply was lost).
    fn claim<'a>(
        &'a self,
        keys: &'a [String],
        id: &'a str,
        token: &'a str,
        hold: Duration,
        remember: Duration,
    ) -> StoreFuture<'a, Claim>;

    /// Records `keys` as handled for the message `id`, for `remember` from
    /// now (whoever of this message holds them), and the keys that joined
    /// the claim `token`.
    fn commit<'a>(
        &'a self,
        keys: &'a [String],
        id: &'a str,
        token: &'a str,
        remember: Duration,
    ) -> StoreFuture<'a, ()>;

    /// Frees every key the claim `token` still holds, its own and those that
    /// joined it (not once committed, nor once another receiver claimed them
    /// after the hold ran out).
    fn release<'a>(&'a self, keys: &'a [String], token: &'a str) -> StoreFuture<'a, ()>;
}

/// Whether a key held for the message `holder` (its id; empty without one)
/// stands in the way of the message `id`: unless both have ids and they
/// differ. Two messages with their own ids are two, however alike their
/// bodies and timestamps; a message without an id (`OFAuth-Signature`
/// alone) cannot be told from one with an id it was stripped of, so any
/// holder stops it, and it stops any message.
pub fn conflicts(holder: &str, id: &str) -> bool {
    holder.is_empty() || id.is_empty() || holder == id
}

/// What a claim of a message's keys found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The keys are this claim's.
    Claimed,
    /// The message was handled before.
    Handled,
    /// The message is being handled now, by this receiver or another.
    InFlight,
}

impl Claim {
    /// The refusal of a message whose claim found it taken (`id`: what the
    /// refusal shows of it).
    #[doc(hidden)]
    pub fn refusal(&self, id: String) -> WebhookError {
        WebhookError::Replayed {
            id,
            handled: *self == Claim::Handled,
        }
    }
}

/// The keys a verified message is known by (internal): `id:<id>` for a
/// Svix id, and `signed:<SHA-256 of "<timestamp>.<body>">` for each
/// timestamp a signature of it signs. Every scheme signs the timestamp and
/// the body, so a request stripped of one of its signatures still carries a
/// key of the original; a Svix redelivery (signed again later) keeps its id.
/// Two messages with their own ids are two whatever keys they share (see
/// [`conflicts`]).
#[doc(hidden)]
pub fn message_keys(
    id: Option<&str>,
    timestamps: impl IntoIterator<Item = i64>,
    body: &[u8],
) -> Vec<String> {
    let mut keys: Vec<String> = id.map(|id| format!("id:{id}")).into_iter().collect();
    for timestamp in timestamps {
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        digest.update(format!("{timestamp}.").as_bytes());
        digest.update(body);
        let key = format!("signed:{}", hex_encode(digest.finish().as_ref()));
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
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

/// What a verifier does when its [`ReplayStore`] fails (unreachable, too
/// slow). Neither waits longer than the store's deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayStoreFailure {
    /// Refuse the message ([`WebhookError::ReplayStoreUnavailable`]): answer
    /// it with a 5xx and the sender delivers it again later, when the store
    /// may be back. No replay gets through; deliveries wait for the store.
    #[default]
    Refuse,
    /// Accept the message unrecorded and log a warning: deliveries go on
    /// while the store is down, and a replay within the signature's
    /// tolerance can get through meanwhile.
    AcceptAndLog,
}

/// How long past the end of its signature's tolerance a handled message is
/// remembered: covers receivers whose clocks run behind the store's.
pub const REPLAY_MARGIN: Duration = Duration::from_secs(60);

/// Default longest time a message stays claimed while it is handled
/// (see [`SharedReplay::hold`]).
pub const DEFAULT_HOLD: Duration = Duration::from_secs(60);

/// A verifier's shared replay protection: the store, its failure policy,
/// how long a claim holds, and the endpoint's scope of every key
/// (internal: the API verifiers build it).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct SharedReplay {
    store: Arc<dyn ReplayStore>,
    on_failure: ReplayStoreFailure,
    hold: Duration,
    scope: String,
}

impl SharedReplay {
    /// Shared protection in `store` for the endpoint whose signing key
    /// gives `scope` ([`SigningKey::scope`](crate::webhooks::SigningKey::scope)):
    /// every key is `<scope>:<key>`, so that endpoints with other secrets
    /// sharing the store never refuse each other's messages (a sender may
    /// reuse a message id across endpoints).
    pub fn new(store: impl ReplayStore, scope: String) -> Self {
        Self {
            store: Arc::new(store),
            on_failure: ReplayStoreFailure::default(),
            hold: DEFAULT_HOLD,
            scope,
        }
    }

    pub fn on_failure(mut self, policy: ReplayStoreFailure) -> Self {
        self.on_failure = policy;
        self
    }

    /// Longest a message stays claimed while handled: past it (its receiver
    /// died, or is slower than this) another receiver may take it.
    pub fn hold(mut self, hold: Duration) -> Self {
        self.hold = hold.max(Duration::from_secs(1));
        self
    }

    /// Claims a verified message's `keys` (see [`message_keys`]; signed at
    /// `timestamp`, unix seconds; `now` likewise), remembered once handled
    /// until its signature can no longer verify (`timestamp + tolerance`)
    /// plus [`REPLAY_MARGIN`]. `shown_id` is what a refusal says.
    pub async fn claim(
        &self,
        keys: &[String],
        id: &str,
        timestamp: i64,
        now: i64,
        tolerance: Duration,
        shown_id: String,
    ) -> Result<Option<SharedReceipt>, WebhookError> {
        let keys: Vec<String> = keys.iter().map(|k| format!("{}:{k}", self.scope)).collect();
        let valid_for = timestamp
            .saturating_add(i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX))
            .saturating_sub(now)
            .max(0);
        let remember = Duration::from_secs(u64::try_from(valid_for).unwrap_or(0)) + REPLAY_MARGIN;
        let token = match token() {
            Ok(token) => token,
            Err(error) => return failure(self.on_failure, error, "claim").map(|()| None),
        };
        let answer = deadline(self.store.claim(&keys, id, &token, self.hold, remember)).await;
        match answer {
            Ok(Claim::Claimed) => {}
            Ok(taken) => return Err(taken.refusal(shown_id)),
            Err(error) => return failure(self.on_failure, error, "claim").map(|()| None),
        }
        Ok(Some(SharedReceipt {
            store: Arc::clone(&self.store),
            on_failure: self.on_failure,
            keys,
            id: id.to_owned(),
            token,
            remember,
            settled: false,
        }))
    }
}

/// A store failure by the policy: an error to refuse the message, or `Ok`
/// after a warning.
fn failure(policy: ReplayStoreFailure, error: StoreError, step: &str) -> Result<(), WebhookError> {
    match policy {
        ReplayStoreFailure::Refuse => Err(WebhookError::ReplayStoreUnavailable {
            reason: format!("{step}: {error}"),
        }),
        ReplayStoreFailure::AcceptAndLog => {
            tracing::warn!(%error, step, "webhook replay store failed; the message is accepted unrecorded");
            Ok(())
        }
    }
}

/// A message's claim in a [`ReplayStore`] (internal: held by a
/// [`SharedDelivery`]). Dropped unsettled, it frees the key in a task of
/// the current Tokio runtime (or, outside one, when the hold runs out).
#[doc(hidden)]
#[derive(Debug)]
pub struct SharedReceipt {
    store: Arc<dyn ReplayStore>,
    on_failure: ReplayStoreFailure,
    keys: Vec<String>,
    id: String,
    token: String,
    remember: Duration,
    settled: bool,
}

impl SharedReceipt {
    async fn commit(mut self) -> Result<(), WebhookError> {
        self.settled = true;
        let answer = deadline(
            self.store
                .commit(&self.keys, &self.id, &self.token, self.remember),
        )
        .await;
        answer.or_else(|error| failure(self.on_failure, error, "commit"))
    }

    async fn release(mut self) {
        self.settled = true;
        release(self.store.as_ref(), &self.keys, &self.token).await;
    }
}

/// Frees a claim; a failure is only logged, since the claim frees itself
/// once its hold runs out.
async fn release(store: &dyn ReplayStore, keys: &[String], token: &str) {
    if let Err(error) = deadline(store.release(keys, token)).await {
        tracing::warn!(%error, "webhook replay store: a claim was not freed; it frees itself when its hold runs out");
    }
}

impl Drop for SharedReceipt {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = Arc::clone(&self.store);
        let (keys, token) = (
            std::mem::take(&mut self.keys),
            std::mem::take(&mut self.token),
        );
        runtime.spawn(async move { release(store.as_ref(), &keys, &token).await });
    }
}

/// A verified webhook event whose message is claimed in a shared
/// [`ReplayStore`] while you handle it: the async counterpart of
/// [`Delivery`](super::Delivery), for a fleet of receivers.
///
/// [`commit`](SharedDelivery::commit) it once handled, and every receiver
/// refuses the message from then on; drop it or
/// [`release`](SharedDelivery::release) it when handling failed, and the
/// sender's redelivery is accepted by any receiver. It dereferences to the
/// event.
#[derive(Debug)]
#[must_use = "commit the delivery once handled: the store records a message only then"]
pub struct SharedDelivery<E> {
    event: E,
    receipt: Option<SharedReceipt>,
}

impl<E> SharedDelivery<E> {
    #[doc(hidden)]
    pub fn new(event: E, receipt: Option<SharedReceipt>) -> Self {
        Self { event, receipt }
    }

    /// The event.
    pub fn event(&self) -> &E {
        &self.event
    }

    /// Whether the message is claimed in the store: `false` only when the
    /// store failed and the verifier accepts messages unrecorded then
    /// ([`ReplayStoreFailure::AcceptAndLog`]).
    pub fn is_recorded(&self) -> bool {
        self.receipt.is_some()
    }

    /// Records the message as handled, for every receiver sharing the
    /// store, and returns the event. A store failure is an error (with
    /// [`ReplayStoreFailure::Refuse`]): the message is then not recorded,
    /// and is accepted again once its claim's hold runs out.
    pub async fn commit(mut self) -> Result<E, WebhookError> {
        if let Some(receipt) = self.receipt.take() {
            receipt.commit().await?;
        }
        Ok(self.event)
    }

    /// Gives the message up unhandled (the sender's redelivery will be
    /// accepted by any receiver) and returns the event.
    pub async fn release(mut self) -> E {
        if let Some(receipt) = self.receipt.take() {
            receipt.release().await;
        }
        self.event
    }
}

impl<E> std::ops::Deref for SharedDelivery<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}
