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
use crate::store::{StoreError, StoreFuture, within_deadline as deadline};

/// Where the receivers of a fleet record the messages they handle, so that a
/// message handled by one is refused by all.
///
/// A message's key is claimed while it is handled, then either recorded as
/// handled (refused until it is forgotten) or freed again (the sender's
/// redelivery is accepted). Each method must act atomically on its key.
/// [`RedisReplayStore`] (feature `redis`) is the one this crate ships;
/// implement this to keep the records elsewhere.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Claims `key` for a message about to be handled, for at most `hold`
    /// (then it is free again, should its receiver die meanwhile): a token
    /// when claimed, or why not (handled before, or being handled now).
    fn claim<'a>(&'a self, key: &'a str, hold: Duration) -> StoreFuture<'a, Claim>;

    /// Records `key` as handled, for `remember` from now (whoever holds it).
    fn commit<'a>(&'a self, key: &'a str, remember: Duration) -> StoreFuture<'a, ()>;

    /// Frees `key` if the claim `token` still holds it (not once committed,
    /// nor once another receiver claimed it after the hold ran out).
    fn release<'a>(&'a self, key: &'a str, token: &'a str) -> StoreFuture<'a, ()>;
}

/// What a claim of a message's key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is this claim's, under this token (for
    /// [`ReplayStore::release`]).
    Claimed(String),
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

/// A verifier's shared replay protection: the store, its failure policy and
/// how long a claim holds (internal: the API verifiers build it).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct SharedReplay {
    store: Arc<dyn ReplayStore>,
    on_failure: ReplayStoreFailure,
    hold: Duration,
}

impl SharedReplay {
    pub fn new(store: impl ReplayStore) -> Self {
        Self {
            store: Arc::new(store),
            on_failure: ReplayStoreFailure::default(),
            hold: DEFAULT_HOLD,
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

    /// Claims a verified message's `key` (signed at `timestamp`, unix
    /// seconds; `now` likewise), remembered once handled until its signature
    /// can no longer verify (`timestamp + tolerance`) plus
    /// [`REPLAY_MARGIN`]. `shown_id` is what a refusal says.
    pub async fn claim(
        &self,
        key: &str,
        timestamp: i64,
        now: i64,
        tolerance: Duration,
        shown_id: String,
    ) -> Result<Option<SharedReceipt>, WebhookError> {
        let answer = deadline(self.store.claim(key, self.hold)).await;
        let token = match answer {
            Ok(Claim::Claimed(token)) => token,
            Ok(taken) => return Err(taken.refusal(shown_id)),
            Err(error) => return failure(self.on_failure, error, "claim").map(|()| None),
        };
        let valid_for = timestamp
            .saturating_add(i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX))
            .saturating_sub(now)
            .max(0);
        let remember = Duration::from_secs(u64::try_from(valid_for).unwrap_or(0)) + REPLAY_MARGIN;
        Ok(Some(SharedReceipt {
            store: Arc::clone(&self.store),
            on_failure: self.on_failure,
            key: key.to_owned(),
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
    key: String,
    token: String,
    remember: Duration,
    settled: bool,
}

impl SharedReceipt {
    async fn commit(mut self) -> Result<(), WebhookError> {
        self.settled = true;
        let answer = deadline(self.store.commit(&self.key, self.remember)).await;
        answer.or_else(|error| failure(self.on_failure, error, "commit"))
    }

    async fn release(mut self) {
        self.settled = true;
        release(self.store.as_ref(), &self.key, &self.token).await;
    }
}

/// Frees a claim; a failure is only logged, since the claim frees itself
/// once its hold runs out.
async fn release(store: &dyn ReplayStore, key: &str, token: &str) {
    if let Err(error) = deadline(store.release(key, token)).await {
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
        let (key, token) = (
            std::mem::take(&mut self.key),
            std::mem::take(&mut self.token),
        );
        runtime.spawn(async move { release(store.as_ref(), &key, &token).await });
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
