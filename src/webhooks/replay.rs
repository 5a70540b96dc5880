//! Remembering accepted messages, to refuse the same one twice.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

/// The last `capacity` accepted message keys (a message id, or a signature
/// for schemes without ids), shared by every clone: a verifier refuses a key
/// it holds. Keys older than the verifier's tolerance are forgotten first,
/// since a signature check refuses their timestamps anyway; the memory used
/// is bounded by `capacity` whatever arrives.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    inner: Arc<Mutex<Seen>>,
}

#[derive(Debug)]
struct Seen {
    capacity: usize,
    /// `(key, unix seconds of its timestamp)`, oldest accepted first.
    order: VecDeque<(String, i64)>,
    keys: HashSet<String>,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` messages (at least one).
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard {
            inner: Arc::new(Mutex::new(Seen {
                capacity: capacity.max(1),
                order: VecDeque::new(),
                keys: HashSet::new(),
            })),
        }
    }

    /// Records `key` (signed at `timestamp`, unix seconds) and returns true,
    /// or returns false when it was recorded before. Keys signed before
    /// `expired_before` are dropped first.
    pub(crate) fn admit(&self, key: &str, timestamp: i64, expired_before: i64) -> bool {
        let mut seen = crate::lock(&self.inner);
        while let Some((old, at)) = seen.order.front().cloned() {
            if at >= expired_before && seen.order.len() < seen.capacity {
                break;
            }
            seen.order.pop_front();
            seen.keys.remove(&old);
        }
        if !seen.keys.insert(key.to_owned()) {
            return false;
        }
        seen.order.push_back((key.to_owned(), timestamp));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::ReplayGuard;

    #[test]
    fn a_key_is_admitted_once_and_memory_stays_bounded() {
        let guard = ReplayGuard::new(3);
        let clone = guard.clone();
        assert!(guard.admit("a", 100, 0));
        assert!(!clone.admit("a", 100, 0), "clones share what they saw");
        for key in ["b", "c", "d"] {
            assert!(guard.admit(key, 100, 0));
        }
        // Capacity 3: the oldest key made room and is forgotten.
        assert!(guard.admit("a", 100, 0));
        assert!(!guard.admit("d", 100, 0));
        let seen = guard.inner.lock().unwrap();
        assert!(seen.order.len() <= 3 && seen.keys.len() <= 3);
    }

    #[test]
    fn keys_past_the_window_are_forgotten() {
        let guard = ReplayGuard::new(100);
        assert!(guard.admit("a", 10, 0));
        assert!(!guard.admit("a", 10, 5));
        assert!(guard.admit("b", 400, 11), "a (signed at 10) expired");
        assert!(guard.admit("a", 10, 11));
    }
}
