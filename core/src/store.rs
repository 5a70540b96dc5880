//! What every shared store answers with: the rate-limit buckets' and the
//! webhook replay records'.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A store could not be reached or answered nonsense. Its message names what
/// failed, never a password or key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with this description.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// The future a store's method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Longest a store may take to answer (its own timeout is usually shorter)
/// before its user goes on by its failure policy.
pub(crate) const STORE_DEADLINE: Duration = Duration::from_secs(1);

/// A store call bounded by [`STORE_DEADLINE`]: past it, an error saying so.
pub(crate) async fn within_deadline<T>(call: StoreFuture<'_, T>) -> Result<T, StoreError> {
    tokio::time::timeout(STORE_DEADLINE, call)
        .await
        .unwrap_or_else(|_| {
            Err(StoreError::new(format!(
                "no answer within {} ms",
                STORE_DEADLINE.as_millis()
            )))
        })
}
