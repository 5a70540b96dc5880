//! The rate-limit algorithm every store runs: GCRA (the generic cell rate
//! algorithm) with reservations.
//!
//! A bucket is three numbers: `tat`, the theoretical arrival time of the next
//! call (when the bucket would be full again), `tat_day`, the same for the
//! limit's second, daily window (when it has one), and `closed`, before which
//! no call may start (the server said so). A call's slot satisfies both
//! windows. A caller *reserves* its slot in one
//! step and then sleeps until it, so callers are served in the order they
//! reserved, across tasks, processes and machines, and nobody polls. The same
//! steps are written in Lua for Redis (`redis.lua`); `tests` run both on the
//! same inputs.
//!
//! Times are whole microseconds on the store's clock; only differences leave
//! the store, so workers' clocks never matter.

use std::time::Duration;

use super::{Correction, Reservation};

/// A duration in whole microseconds (saturating far beyond any real wait).
pub(crate) fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(SATURATED)
}

/// A count of calls as the algorithm's integers (saturating likewise).
pub(crate) fn count(calls: u64) -> i64 {
    i64::try_from(calls).unwrap_or(SATURATED)
}

/// Where conversions saturate: far beyond any real value, and far enough
/// below `i64::MAX` that adding a period cannot overflow.
const SATURATED: i64 = i64::MAX / 4;

/// The numbers of a limit the store needs: the interval between calls and the
/// burst tolerance (`interval × calls`: a full bucket), in microseconds, of
/// the main window and of the daily one (`day_interval_us` 0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rates {
    pub(crate) interval_us: i64,
    pub(crate) tolerance_us: i64,
    pub(crate) day_interval_us: i64,
    pub(crate) day_tolerance_us: i64,
    /// Refuse calls while the last reported credit balance is below this
    /// (negative: no floor).
    pub(crate) credits_floor: i64,
}

/// How long a reported credit balance is believed (10 minutes): a fleet
/// refused by its floor sends one call per this to learn whether the balance
/// was topped up.
pub(crate) const CREDITS_MEMORY_US: i64 = 600_000_000;

/// A bucket's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) tat: i64,
    pub(crate) tat_day: i64,
    pub(crate) closed: i64,
    /// The last credit balance a server reported below the floor (negative:
    /// none), believed until `credits_until`.
    pub(crate) credits: i64,
    pub(crate) credits_until: i64,
}

impl Default for State {
    fn default() -> Self {
        Self {
            tat: 0,
            tat_day: 0,
            closed: 0,
            credits: -1,
            credits_until: 0,
        }
    }
}

/// What a reservation decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Microseconds from now until the slot.
    pub(crate) wait_us: i64,
    /// Whether it was taken (`false`: farther away than the caller can wait).
    pub(crate) taken: bool,
    /// Calls left in the bucket at the slot, after this one.
    pub(crate) remaining: i64,
    /// The reported balance that refused the call (nothing reserved): it is
    /// below the limit's credits floor. Negative: not refused for credits.
    pub(crate) credits: i64,
}

impl State {
    /// A bucket with no calls left now (refilling from now on).
    pub(crate) fn empty(now: i64, rates: Rates) -> Self {
        Self {
            tat: now + rates.tolerance_us,
            ..Self::default()
        }
    }

    /// Applies a server's correction.
    pub(crate) fn apply(&mut self, now: i64, rates: Rates, correction: Correction) {
        match correction {
            Correction::Remaining {
                remaining,
                reset_in,
            } => self.remaining(now, rates, count(remaining), micros(reset_in)),
            Correction::RetryAfter(wait) => self.close(now, micros(wait)),
            Correction::DayRemaining { remaining } if rates.day_interval_us > 0 => {
                let used = count(remaining).saturating_mul(rates.day_interval_us);
                self.tat_day = self.tat_day.max(
                    now.saturating_add(rates.day_tolerance_us)
                        .saturating_sub(used),
                );
            }
            Correction::Credits { balance } => {
                self.credits = count(balance);
                self.credits_until = now.saturating_add(CREDITS_MEMORY_US);
            }
            Correction::DayRemaining { .. } => {}
        }
    }

    /// Reserves the next slot, unless it is more than `max_wait_us` away:
    /// the first start both windows allow.
    pub(crate) fn reserve(&mut self, now: i64, rates: Rates, max_wait_us: i64) -> Slot {
        if rates.credits_floor >= 0
            && self.credits >= 0
            && self.credits_until > now
            && self.credits < rates.credits_floor
        {
            return Slot {
                wait_us: 0,
                taken: false,
                remaining: 0,
                credits: self.credits,
            };
        }
        let start = now.max(self.closed);
        let earliest = |tat: i64, interval: i64, tolerance: i64| {
            (tat.max(start) + interval - tolerance).max(start)
        };
        let mut slot = earliest(self.tat, rates.interval_us, rates.tolerance_us);
        let day = rates.day_interval_us > 0;
        if day {
            slot = slot.max(earliest(
                self.tat_day,
                rates.day_interval_us,
                rates.day_tolerance_us,
            ));
        }
        let tat = self.tat.max(slot) + rates.interval_us;
        let mut remaining = (rates.tolerance_us - (tat - slot)) / rates.interval_us;
        let tat_day = self.tat_day.max(slot) + rates.day_interval_us;
        if day {
            remaining =
                remaining.min((rates.day_tolerance_us - (tat_day - slot)) / rates.day_interval_us);
        }
        let wait_us = slot - now;
        let taken = wait_us <= max_wait_us;
        if taken {
            self.tat = tat;
            if day {
                self.tat_day = tat_day;
            }
        }
        Slot {
            wait_us,
            taken,
            remaining,
            credits: -1,
        }
    }

    /// The server counts `remaining` calls left: never believe in more. With
    /// none left, nothing starts before the server's window reopens
    /// (`reset_us` from now), full.
    pub(crate) fn remaining(&mut self, now: i64, rates: Rates, remaining: i64, reset_us: i64) {
        if remaining <= 0 {
            self.close(now, reset_us);
        } else {
            // Saturating: a caller's own store may be handed any count.
            let used = remaining.saturating_mul(rates.interval_us);
            self.tat = self
                .tat
                .max(now.saturating_add(rates.tolerance_us).saturating_sub(used));
        }
    }

    /// Nothing starts in the next `wait_us` (a `Retry-After`).
    pub(crate) fn close(&mut self, now: i64, wait_us: i64) {
        self.closed = self.closed.max(now.saturating_add(wait_us));
    }
}

impl From<Slot> for Reservation {
    fn from(slot: Slot) -> Self {
        Reservation {
            wait: Duration::from_micros(u64::try_from(slot.wait_us).unwrap_or(0)),
            taken: slot.taken,
            remaining: u64::try_from(slot.remaining).unwrap_or(0),
            below_credits_floor: u64::try_from(slot.credits).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: Rates = Rates {
        interval_us: 1_000,
        tolerance_us: 10_000,
        day_interval_us: 0,
        day_tolerance_us: 0,
        credits_floor: -1,
    };

    #[test]
    fn a_balance_below_the_floor_refuses_until_it_is_forgotten() {
        let rates = Rates {
            credits_floor: 100,
            ..RATES
        };
        let mut state = State::default();
        assert!(state.reserve(0, rates, i64::MAX).taken);
        state.apply(0, rates, Correction::Credits { balance: 150 });
        assert!(state.reserve(0, rates, i64::MAX).taken, "above the floor");
        state.apply(0, rates, Correction::Credits { balance: 99 });
        let refused = state.reserve(0, rates, i64::MAX);
        assert_eq!((refused.taken, refused.credits), (false, 99));
        let before = state;
        assert_eq!(state.reserve(1, rates, i64::MAX).credits, 99);
        assert_eq!(state, before, "nothing reserved");
        // Without a floor, or once the report is old: one call may learn more.
        assert!(state.clone().reserve(1, RATES, i64::MAX).taken);
        assert!(state.reserve(CREDITS_MEMORY_US, rates, i64::MAX).taken);
    }

    #[test]
    fn a_daily_window_holds_calls_the_main_one_would_allow() {
        // 10 per 10 ms, and 15 per 150 ms.
        let rates = Rates {
            day_interval_us: 10_000,
            day_tolerance_us: 150_000,
            ..RATES
        };
        let mut state = State::default();
        let slots: Vec<Slot> = (0..17).map(|_| state.reserve(0, rates, i64::MAX)).collect();
        let waits: Vec<i64> = slots.iter().map(|s| s.wait_us).collect();
        // The burst of 10, then the main window's pace until the daily one
        // is spent (15), then the daily window's pace.
        assert_eq!(
            waits,
            [
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1_000, 2_000, 3_000, 4_000, 5_000, 10_000, 20_000
            ]
        );
        let remaining: Vec<i64> = slots.iter().map(|s| s.remaining).collect();
        assert_eq!(remaining[..10], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
        assert_eq!(remaining[14..], [0, 0, 0]);
        // The server counts 2 left today: after those, the daily pace.
        let mut state = State::default();
        state.apply(0, rates, Correction::DayRemaining { remaining: 2 });
        let waits: Vec<i64> = (0..4)
            .map(|_| state.reserve(0, rates, i64::MAX).wait_us)
            .collect();
        assert_eq!(waits, [0, 0, 10_000, 20_000]);
        // Without a daily window the report changes nothing.
        let mut state = State::default();
        state.apply(0, RATES, Correction::DayRemaining { remaining: 0 });
        assert_eq!(state, State::default());
    }

    #[test]
    fn a_full_bucket_bursts_then_slots_follow_at_the_interval() {
        let mut state = State::default();
        let slots: Vec<Slot> = (0..13).map(|_| state.reserve(0, RATES, i64::MAX)).collect();
        let waits: Vec<i64> = slots.iter().map(|s| s.wait_us).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1_000, 2_000, 3_000]);
        let remaining: Vec<i64> = slots.iter().map(|s| s.remaining).collect();
        assert_eq!(remaining, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn starts_never_outrun_a_full_bucket_refilled_at_the_rate() {
        // Callers arriving at arbitrary times, each starting at its slot: from
        // any start to any later one, at most a full bucket (`calls`) plus
        // what refills in between, as for the token bucket the servers use.
        let mut state = State::default();
        let mut starts = Vec::new();
        let mut now = 0;
        for step in 0..500i64 {
            now += (step * 7919) % 1_700;
            let slot = state.reserve(now, RATES, i64::MAX);
            assert!(slot.taken && slot.wait_us >= 0);
            starts.push(now + slot.wait_us);
        }
        let calls = RATES.tolerance_us / RATES.interval_us;
        for (i, first) in starts.iter().enumerate() {
            for (j, last) in starts.iter().enumerate().skip(i) {
                let started = (j - i + 1) as i64;
                assert!(
                    started <= calls + (last - first) / RATES.interval_us,
                    "{started} starts between {first} and {last}"
                );
            }
        }
        assert!(
            starts.windows(2).all(|w| w[0] <= w[1]),
            "served in arrival order"
        );
    }

    #[test]
    fn a_slot_beyond_the_longest_wait_is_not_taken() {
        let mut state = State::empty(0, RATES);
        let refused = state.reserve(0, RATES, 500);
        assert_eq!((refused.taken, refused.wait_us), (false, 1_000));
        assert_eq!(state, State::empty(0, RATES), "nothing reserved");
        assert!(state.reserve(0, RATES, 1_000).taken);
    }

    #[test]
    fn corrections_only_tighten() {
        let mut state = State::default();
        state.apply(
            0,
            RATES,
            Correction::Remaining {
                remaining: 3,
                reset_in: Duration::ZERO,
            },
        );
        let waits: Vec<i64> = (0..5)
            .map(|_| state.reserve(0, RATES, i64::MAX).wait_us)
            .collect();
        assert_eq!(waits, [0, 0, 0, 1_000, 2_000]);
        // More left than the bucket has changes nothing.
        let before = state;
        state.apply(
            0,
            RATES,
            Correction::Remaining {
                remaining: 9,
                reset_in: Duration::ZERO,
            },
        );
        assert_eq!(state, before);
        // None left: closed until the reset, then full again.
        let mut state = State::default();
        state.apply(
            0,
            RATES,
            Correction::Remaining {
                remaining: 0,
                reset_in: Duration::from_millis(50),
            },
        );
        let waits: Vec<i64> = (0..11)
            .map(|_| state.reserve(0, RATES, i64::MAX).wait_us)
            .collect();
        assert_eq!(&waits[..10], &[50_000; 10]);
        assert_eq!(waits[10], 51_000);
        // A Retry-After closes it too; a shorter one later does not reopen it.
        let mut state = State::default();
        state.apply(0, RATES, Correction::RetryAfter(Duration::from_millis(20)));
        state.apply(1, RATES, Correction::RetryAfter(Duration::from_millis(1)));
        assert_eq!(state.reserve(2, RATES, i64::MAX).wait_us, 19_998);
    }
}
