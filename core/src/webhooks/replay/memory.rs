//! Remembering handled messages, to refuse the same one twice, and holding
//! back a message while it is being handled.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use super::Claim;

/// Message keys shared by every clone of a verifier: those of messages
/// being handled now, and the last `capacity` handled. A message has one key
/// per identity its request carries (see [`message_keys`](super::message_keys));
/// a verifier refuses a message any of whose keys it holds (for a message
/// of the same id, or without one: see [`conflicts`](super::conflicts)), and
/// then holds them all, so that the same message sent again with fewer or
/// other signatures is refused too. Handled keys older than the verifier's
/// tolerance are forgotten first, since a signature check refuses their
/// timestamps anyway; the memory used is bounded by `capacity` plus the
/// deliveries in flight.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    inner: Arc<Mutex<Seen>>,
}

#[derive(Debug)]
struct Seen {
    capacity: usize,
    /// Handled keys with the unix seconds of their message's timestamp,
    /// oldest first.
    order: VecDeque<(String, i64)>,
    /// Every key held (handled, or claimed by a delivery in flight), and
    /// the id of the message holding it (empty: none).
    keys: HashMap<String, (Entry, String)>,
    /// Each claim's keys: its own, and those a duplicate carrying more
    /// linked to it (they are settled with it).
    claims: HashMap<u64, Vec<String>>,
    next_claim: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Handled,
    /// Claimed by this claim, not yet committed or released.
    InFlight(u64),
}

/// A verified message's claim on its keys: [`commit`](Receipt::commit) once
/// handled records them; dropped uncommitted (the handler failed), they are
/// free again, so the sender's redelivery is accepted.
#[derive(Debug)]
pub struct Receipt {
    guard: ReplayGuard,
    claim: u64,
    timestamp: i64,
    settled: bool,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` handled keys (at least one).
    pub fn new(capacity: usize) -> ReplayGuard {
        ReplayGuard {
            inner: Arc::new(Mutex::new(Seen {
                capacity: capacity.max(1),
                order: VecDeque::new(),
                keys: HashMap::new(),
                claims: HashMap::new(),
                next_claim: 0,
            })),
        }
    }

    /// Claims every key of a message (signed at `timestamp`, unix seconds),
    /// all or none: a receipt, or why not. A message one of whose keys was
    /// handled is [`Claim::Handled`], and all its keys are recorded as
    /// handled; one of whose keys is claimed is [`Claim::InFlight`], and its
    /// other keys join that claim. Handled keys signed before
    /// `expired_before` are dropped first.
    pub fn claim(
        &self,
        keys: &[String],
        id: &str,
        timestamp: i64,
        expired_before: i64,
    ) -> Result<Receipt, Claim> {
        let mut seen = crate::lock(&self.inner);
        seen.forget(expired_before, 0);
        let held: Vec<Entry> = keys
            .iter()
            .filter_map(|key| seen.keys.get(key))
            .filter(|(_, by)| super::conflicts(by, id))
            .map(|(entry, _)| *entry)
            .collect();
        if held.contains(&Entry::Handled) {
            for key in keys {
                if !seen.keys.contains_key(key) {
                    seen.record_handled(key, id, timestamp);
                }
            }
            return Err(Claim::Handled);
        }
        let holder = held.iter().find_map(|entry| match entry {
            Entry::InFlight(claim) => Some(*claim),
            Entry::Handled => None,
        });
        let claim = holder.unwrap_or_else(|| {
            seen.next_claim += 1;
            seen.next_claim
        });
        for key in keys {
            if !seen.keys.contains_key(key) {
                let entry = (Entry::InFlight(claim), id.to_owned());
                seen.keys.insert(key.clone(), entry);
                seen.claims.entry(claim).or_default().push(key.clone());
            }
        }
        if holder.is_some() {
            return Err(Claim::InFlight);
        }
        Ok(Receipt {
            guard: self.clone(),
            claim,
            timestamp,
            settled: false,
        })
    }
}

impl Seen {
    /// Drops handled keys signed before `expired_before`, and the oldest
    /// until `room` more fit in the capacity.
    fn forget(&mut self, expired_before: i64, room: usize) {
        while let Some((_, at)) = self.order.front() {
            if *at >= expired_before && self.order.len() + room <= self.capacity {
                break;
            }
            if let Some((old, _)) = self.order.pop_front() {
                self.keys.remove(&old);
            }
        }
    }

    fn record_handled(&mut self, key: &str, id: &str, timestamp: i64) {
        self.forget(i64::MIN, 1);
        self.keys
            .insert(key.to_owned(), (Entry::Handled, id.to_owned()));
        self.order.push_back((key.to_owned(), timestamp));
    }

    /// The keys `claim` still holds, with their message ids, no longer
    /// claimed.
    fn settle(&mut self, claim: u64) -> Vec<(String, String)> {
        let keys = self.claims.remove(&claim).unwrap_or_default();
        let mut held = Vec::new();
        for key in keys {
            if let Some((entry, id)) = self.keys.get(&key)
                && *entry == Entry::InFlight(claim)
            {
                let id = id.clone();
                self.keys.remove(&key);
                held.push((key, id));
            }
        }
        held
    }
}

impl Receipt {
    /// Records the message as handled: the same message is refused from now
    /// on (as long as the guard remembers it).
    pub fn commit(mut self) {
        let mut seen = crate::lock(&self.guard.inner);
        for (key, id) in seen.settle(self.claim) {
            seen.record_handled(&key, &id, self.timestamp);
        }
        self.settled = true;
    }
}

impl Drop for Receipt {
    fn drop(&mut self) {
        if !self.settled {
            crate::lock(&self.guard.inner).settle(self.claim);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Claim, ReplayGuard};

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn a_handled_key_is_refused_and_a_released_one_accepted_again() {
        let guard = ReplayGuard::new(2);
        let a = keys(&["a"]);
        let first = guard.claim(&a, "", 10, 0).unwrap();
        assert_eq!(guard.claim(&a, "", 10, 0).unwrap_err(), Claim::InFlight);
        drop(first);
        let again = guard.claim(&a, "", 10, 0).expect("released: a redelivery");
        again.commit();
        assert_eq!(guard.claim(&a, "", 10, 0).unwrap_err(), Claim::Handled);
        guard.claim(&keys(&["b"]), "", 20, 0).unwrap().commit();
        guard.claim(&keys(&["c"]), "", 30, 0).unwrap().commit();
        assert!(
            guard.claim(&a, "", 10, 0).is_ok(),
            "a was the oldest of 3 > 2"
        );
        assert!(guard.claim(&keys(&["c"]), "", 30, 11).is_err());
        assert!(
            guard.claim(&keys(&["b"]), "", 20, 25).is_ok(),
            "b (signed at 20) expired"
        );
    }

    /// A message is claimed by all its keys or none; a duplicate with more
    /// keys links them to the claim in flight (settled with it), and one
    /// found handled records all of its keys.
    #[test]
    fn keys_of_one_message_are_claimed_together() {
        let guard = ReplayGuard::new(10);
        let first = guard.claim(&keys(&["id", "m1"]), "i", 10, 0).unwrap();
        // A redelivery (new timestamp, same id) while the first is handled.
        assert_eq!(
            guard.claim(&keys(&["id", "m2"]), "i", 11, 0).unwrap_err(),
            Claim::InFlight
        );
        assert_eq!(
            guard.claim(&keys(&["m2"]), "", 11, 0).unwrap_err(),
            Claim::InFlight,
            "linked to the claim in flight"
        );
        first.commit();
        for (message, id) in [
            (&["m1"][..], ""),
            (&["m2"], ""),
            (&["id"], "i"),
            (&["id", "m3"], "i"),
        ] {
            assert_eq!(
                guard.claim(&keys(message), id, 12, 0).unwrap_err(),
                Claim::Handled,
                "{message:?}"
            );
        }
        assert_eq!(
            guard.claim(&keys(&["m3"]), "", 12, 0).unwrap_err(),
            Claim::Handled,
            "recorded when found handled"
        );
        // Two messages with their own ids are two, whatever keys they share;
        // one without an id is stopped by either.
        let with_id = guard.claim(&keys(&["id:x", "same"]), "x", 30, 0).unwrap();
        let other = guard.claim(&keys(&["id:y", "same"]), "y", 30, 0).unwrap();
        assert_eq!(
            guard.claim(&keys(&["same"]), "", 30, 0).unwrap_err(),
            Claim::InFlight
        );
        with_id.commit();
        other.commit();
        assert_eq!(
            guard
                .claim(&keys(&["id:x", "same"]), "x", 30, 0)
                .unwrap_err(),
            Claim::Handled
        );
        assert!(guard.claim(&keys(&["id:z", "same"]), "z", 30, 0).is_ok());
        // Released: every key, the linked ones too, is free again.
        let second = guard.claim(&keys(&["id2", "n1"]), "j", 20, 0).unwrap();
        assert!(guard.claim(&keys(&["id2", "n2"]), "j", 21, 0).is_err());
        drop(second);
        assert!(guard.claim(&keys(&["n2"]), "", 21, 0).is_ok());
    }

    proptest::proptest! {
        /// A model of what the guard promises: deliveries of one message in
        /// any order, each with both signatures (Svix at `t`), its
        /// `OFAuth-Signature` alone (at `t`), or re-signed later under its
        /// id (at `t + k`); each accepted one is committed. A delivery is
        /// refused exactly when it shares an identity with one seen before,
        /// and after the first, every delivery of the original (both, or
        /// either alone) is refused.
        #[test]
        fn a_delivery_is_refused_exactly_when_it_shares_an_identity_seen_before(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
            id in "[A-Za-z0-9_]{1,24}",
            t in 0i64..4_000_000_000,
            deliveries in proptest::collection::vec((0u8..3, 1i64..5), 1..12),
        ) {
            use super::super::message_keys;
            let guard = ReplayGuard::new(1_000);
            let mut seen: Vec<String> = Vec::new();
            for (kind, k) in deliveries {
                let (keys, message_id) = match kind {
                    0 => (message_keys(Some(&id), [t], &body), id.as_str()),
                    1 => (message_keys(None, [t], &body), ""),
                    _ => (message_keys(Some(&id), [t + k], &body), id.as_str()),
                };
                let known = keys.iter().any(|key| seen.contains(key));
                match guard.claim(&keys, message_id, t, 0) {
                    Ok(receipt) => {
                        proptest::prop_assert!(!known, "{keys:?} accepted again");
                        receipt.commit();
                    }
                    Err(claim) => {
                        proptest::prop_assert!(known, "{keys:?} refused as new");
                        proptest::prop_assert_eq!(claim, Claim::Handled);
                    }
                }
                seen.extend(keys);
            }
            if seen.contains(&message_keys(None, [t], &body)[0]) {
                for keys in [message_keys(Some(&id), [t], &body), message_keys(None, [t], &body)] {
                    let id = if keys.len() > 1 { id.as_str() } else { "" };
                    proptest::prop_assert!(guard.claim(&keys, id, t, 0).is_err());
                }
            }
        }
    }
}
