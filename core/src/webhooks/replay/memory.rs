//! Remembering handled messages, to refuse the same one twice, and holding
//! back a message while it is being handled.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use super::Claim;

/// Message keys (a message id, or the canonical signature for schemes
/// without ids) shared by every clone of a verifier: those being handled
/// now, and the last `capacity` handled. A verifier refuses a key it holds.
/// Handled keys older than the verifier's tolerance are forgotten first,
/// since a signature check refuses their timestamps anyway; the memory used
/// is bounded by `capacity` plus the deliveries in flight.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    inner: Arc<Mutex<Seen>>,
}

#[derive(Debug)]
struct Seen {
    capacity: usize,
    /// `(key, unix seconds of its timestamp)`, oldest handled first.
    order: VecDeque<(String, i64)>,
    handled: HashSet<String>,
    /// Keys verified and not yet committed or released.
    in_flight: HashSet<String>,
}

/// A verified message's claim on its key: [`commit`](Receipt::commit) once
/// handled records it; dropped uncommitted (the handler failed), the key is
/// free again, so the sender's redelivery is accepted.
#[derive(Debug)]
pub struct Receipt {
    guard: ReplayGuard,
    key: String,
    timestamp: i64,
    settled: bool,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` handled messages (at least one).
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard {
            inner: Arc::new(Mutex::new(Seen {
                capacity: capacity.max(1),
                order: VecDeque::new(),
                handled: HashSet::new(),
                in_flight: HashSet::new(),
            })),
        }
    }

    /// Claims `key` (signed at `timestamp`, unix seconds): a receipt, or
    /// why not ([`Claim::Handled`], [`Claim::InFlight`]). Handled keys
    /// signed before `expired_before` are dropped first.
    pub fn claim(&self, key: &str, timestamp: i64, expired_before: i64) -> Result<Receipt, Claim> {
        let mut seen = crate::lock(&self.inner);
        seen.forget(expired_before, 0);
        if seen.handled.contains(key) {
            return Err(Claim::Handled);
        }
        if !seen.in_flight.insert(key.to_owned()) {
            return Err(Claim::InFlight);
        }
        Ok(Receipt {
            guard: self.clone(),
            key: key.to_owned(),
            timestamp,
            settled: false,
        })
    }
}

impl Seen {
    /// Drops handled keys signed before `expired_before`, and the oldest
    /// until `room` more fit in the capacity.
    fn forget(&mut self, expired_before: i64, room: usize) {
        while let Some((old, at)) = self.order.front().cloned() {
            if at >= expired_before && self.order.len() + room <= self.capacity {
                break;
            }
            self.order.pop_front();
            self.handled.remove(&old);
        }
    }
}

impl Receipt {
    /// Records the message as handled: the same message is refused from now
    /// on (as long as the guard remembers it).
    pub fn commit(mut self) {
        let mut seen = crate::lock(&self.guard.inner);
        seen.in_flight.remove(&self.key);
        seen.forget(i64::MIN, 1);
        if seen.handled.insert(self.key.clone()) {
            seen.order.push_back((self.key.clone(), self.timestamp));
        }
        self.settled = true;
    }
}

impl Drop for Receipt {
    fn drop(&mut self) {
        if !self.settled {
            crate::lock(&self.guard.inner).in_flight.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Claim, ReplayGuard};

    #[test]
    fn a_handled_key_is_refused_and_a_released_one_accepted_again() {
        let guard = ReplayGuard::new(2);
        let first = guard.claim("a", 10, 0).unwrap();
        assert_eq!(guard.claim("a", 10, 0).unwrap_err(), Claim::InFlight);
        drop(first);
        let again = guard.claim("a", 10, 0).expect("released: a redelivery");
        again.commit();
        assert_eq!(guard.claim("a", 10, 0).unwrap_err(), Claim::Handled);
        guard.claim("b", 20, 0).unwrap().commit();
        guard.claim("c", 30, 0).unwrap().commit();
        assert!(guard.claim("a", 10, 0).is_ok(), "a was the oldest of 3 > 2");
        assert!(guard.claim("c", 30, 11).is_err());
        assert!(guard.claim("b", 20, 25).is_ok(), "b (signed at 20) expired");
    }
}
