//! The lenient path's repair: the parts of a parsed body that do not fit `T`
//! are found and taken out at a cost proportional to the body, whatever the
//! number of misfits.
//!
//! serde stops at the first failure and cannot resume, so a part that does not
//! fit is found by decoding `T` again. Decoding the whole body once per misfit
//! costs the body times the misfits (a 1 MB page with a misfit in each of its
//! thousand items: a thousand megabytes). Instead, a failure inside a list or
//! an object narrows the body there: the container holds only some of its
//! children (the "skeleton"), the rest wait aside, and rounds decode the
//! skeleton, which is small:
//!
//! - the children before the one that failed fit (serde decodes in order);
//! - the failing child is settled alone (recursively, the same way: its
//!   misfits are taken out, or the child itself when it cannot be used);
//! - the children after it are decoded a chunk at a time (a chunk weighs at
//!   least what the rest of the skeleton does, so that the rest's cost is at
//!   most doubled), and a failing chunk points at the next child to settle;
//! - an object keeps in every skeleton the fields its type requires (learned
//!   from serde's `missing field` errors), and a required field taken out
//!   takes its object with it.
//!
//! Each round is charged the size of the skeleton it decodes; every byte of
//! the body is decoded in a few rounds at most (one per enclosing level that
//! failed), and past [`WORK_PER_BODY_BYTE`] times the body the repair stops
//! ([`Stop::Exhausted`]). Nothing is copied: the parts aside are moved out of
//! the body and back, and the parts taken out move into their [`Misfit`]s.

use std::cell::Cell;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Misfit;
use super::paths::{
    Step, Taken, existing_prefix, expected_of, node_mut, render, steps, take, weighs_less, weight,
};

/// How much the lenient repair of a body may decode in all its rounds
/// together, as a multiple of the body's length (plus what the misfits' paths
/// and messages hold): a body the repair cannot fix within that is an
/// [`Error::Decode`](crate::Error::Decode) saying the budget was spent. A page
/// whose every item misfits somewhere of its own takes about 3 (see
/// `BENCHMARKS.md`), so 16 leaves room for nested misfits; it is a bound on
/// the worst body, not a cost most bodies pay.
pub const WORK_PER_BODY_BYTE: usize = 16;

/// The least any body's repair may decode: a round has costs of its own
/// (a chunk of at least 512 bytes, a misfit's path and message), which
/// for a body of a few kilobytes weigh as much as the body, and the order of
/// an object's keys (serde_json's `preserve_order`, which many applications
/// enable) moves them further. 64 KiB of decoding takes well under a
/// millisecond; from 4 KiB on, the proportional budget is the larger.
pub const MIN_WORK_BYTES: usize = 64 * 1024;

/// The budget of the repair of a body of `body_len` bytes.
#[doc(hidden)]
pub fn budget_for(body_len: usize) -> usize {
    WORK_PER_BODY_BYTE
        .saturating_mul(body_len)
        .max(MIN_WORK_BYTES)
}

/// The least weight of a chunk of children decoded together (below it, the
/// per-round cost of serde's setup outweighs the bytes).
const MIN_CHUNK: usize = 512;

/// What the last lenient decode on this thread did (tests and the runtime
/// benchmark read it; no one else needs it).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LenientWork {
    /// The body's length.
    pub body_bytes: usize,
    /// The bytes decoded in all rounds together (each round's skeleton, as
    /// JSON), plus the misfits' paths and messages.
    pub decoded_bytes: usize,
    /// How many rounds decoded.
    pub rounds: usize,
    /// What the repair may decode ([`budget_for`] the body).
    pub budget: usize,
}

thread_local! {
    static LAST: Cell<LenientWork> = const { Cell::new(LenientWork { body_bytes: 0, decoded_bytes: 0, rounds: 0, budget: 0 }) };
}

/// What the last lenient decode on this thread did.
#[doc(hidden)]
pub fn last_lenient_work() -> LenientWork {
    LAST.with(Cell::get)
}

/// Why the repair ended without a value.
pub(super) enum Stop {
    /// The root itself does not fit, or nothing more can be taken out.
    Unusable,
    /// The budget was spent.
    Exhausted { misfits: usize },
}

/// Repairs `json` (parsed from a body of `body_len` bytes) until it decodes
/// into `T`.
pub(super) fn repair<T: DeserializeOwned>(
    json: Value,
    body_len: usize,
) -> Result<(T, Vec<Misfit>), Stop> {
    let budget = budget_for(body_len);
    let mut repair = Repair {
        json,
        taken: Taken::default(),
        frames: Vec::new(),
        work: LenientWork {
            body_bytes: body_len,
            budget,
            ..LenientWork::default()
        },
    };
    let result = repair.run::<T>();
    LAST.with(|last| last.set(repair.work));
    result.map(|value| (value, repair.taken.misfits))
}

/// Where a decode failed: the deepest existing place on serde's path (in the
/// skeleton decoded), the steps serde named below it, and what it said.
#[derive(Debug, Clone)]
struct Failure {
    place: Vec<Step>,
    below: Vec<Step>,
    message: String,
}

impl Failure {
    fn new(json: &Value, error: serde_path_to_error::Error<serde_json::Error>) -> Failure {
        let steps = steps(error.path());
        // serde may name a field the body lacks (a missing field is reported
        // on its parent already): the place is the deepest that exists.
        let place = existing_prefix(json, &steps);
        Failure {
            below: steps[place.len()..].to_vec(),
            place,
            message: error.into_inner().to_string(),
        }
    }

    /// What the type expected there (`u64`; `a valid value (missing field
    /// `id`)`), with the steps below when the place is taken out whole.
    fn expected(&self) -> String {
        let expected = expected_of(&self.message);
        if self.below.is_empty() {
            expected.into_owned()
        } else {
            format!("{expected} at `{}` below it", render(&self.below))
        }
    }

    /// The field serde said was missing.
    fn missing_field(&self) -> Option<&str> {
        self.message
            .strip_prefix("missing field `")?
            .strip_suffix('`')
    }
}

/// Whether the node at hand fits now, or must itself be taken out.
enum Fate {
    Fits,
    /// It fits unless its type requires a field taken out of it: the next
    /// decode of it as a whole tells.
    Unchecked,
    Unfit(Failure),
}

/// What settling a child did to its node.
enum Removal {
    /// Nothing to its node (a list's item taken out, or a child that fits).
    None,
    /// A field its object requires was taken out: the object goes too,
    /// with this failure.
    Required(Failure),
    /// A field its object may require was taken out.
    Maybe,
    /// The child fits unless it requires a field taken out of it: decode it
    /// again (with what follows it).
    Recheck,
}

/// A container whose children wait aside while its skeleton holds some.
struct Frame {
    /// Its path in the skeleton.
    at: Vec<Step>,
    held: Held,
}

enum Held {
    /// An array's items; the skeleton holds `full[offset..offset + len]`
    /// (moved out: `Null` here). `removed` are the items taken out (indices
    /// in `full`, increasing), dropped when the frame closes.
    Items {
        full: Vec<Value>,
        offset: usize,
        removed: Vec<usize>,
    },
    /// An object's entries; the skeleton holds `shown` (moved out: `Null`
    /// here), which always include `required`.
    Entries {
        full: Map<String, Value>,
        shown: Vec<String>,
        required: Vec<String>,
    },
}

struct Repair {
    json: Value,
    taken: Taken,
    /// The containers narrowed, outermost first (each one's path extends the
    /// previous one's).
    frames: Vec<Frame>,
    work: LenientWork,
}

impl Repair {
    fn run<T: DeserializeOwned>(&mut self) -> Result<T, Stop> {
        loop {
            let before = self.taken.misfits.len();
            let failure = match self.attempt::<T>()? {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if failure.place.is_empty() {
                return Err(Stop::Unusable);
            }
            if let Fate::Unfit(_) = self.settle::<T>(&[], failure.clone())? {
                return Err(Stop::Unusable);
            }
            if self.taken.misfits.len() == before {
                // The narrowing did not get anywhere (a type that does not
                // decode in order): take the failing place out directly.
                let expected = failure.expected();
                self.charge(failure.place.len() + expected.len())?;
                if take(&mut self.json, &failure.place, &mut self.taken, expected).is_none() {
                    return Err(Stop::Unusable);
                }
            }
        }
    }

    fn charge(&mut self, bytes: usize) -> Result<(), Stop> {
        self.work.decoded_bytes = self.work.decoded_bytes.saturating_add(bytes);
        if self.work.decoded_bytes > self.work.budget {
            return Err(Stop::Exhausted {
                misfits: self.taken.misfits.len(),
            });
        }
        Ok(())
    }

    /// Decodes the skeleton, charged its weight. A field an open frame's
    /// type requires and the skeleton left aside is brought in (and kept in
    /// from then on), and the decode tried again.
    fn attempt<T: DeserializeOwned>(&mut self) -> Result<Result<T, Failure>, Stop> {
        loop {
            self.charge(weight(&self.json))?;
            self.work.rounds += 1;
            let error = match serde_path_to_error::deserialize::<_, T>(&self.json) {
                Ok(value) => return Ok(Ok(value)),
                Err(error) => error,
            };
            let failure = Failure::new(&self.json, error);
            if !self.bring_in_required(&failure) {
                return Ok(Err(failure));
            }
        }
    }

    fn bring_in_required(&mut self, failure: &Failure) -> bool {
        let Some(name) = failure.missing_field() else {
            return false;
        };
        let Some(frame) = self.frames.iter_mut().find(|f| f.at == failure.place) else {
            return false;
        };
        let Held::Entries {
            full,
            shown,
            required,
        } = &mut frame.held
        else {
            return false;
        };
        if shown.iter().any(|k| k == name) {
            return false;
        }
        let (Some(value), Some(Value::Object(node))) =
            (full.get_mut(name), node_mut(&mut self.json, &frame.at))
        else {
            return false;
        };
        node.insert(name.to_owned(), std::mem::take(value));
        shown.push(name.to_owned());
        required.push(name.to_owned());
        true
    }

    /// Makes the node at `at` (whole in the skeleton) fit, given that a
    /// decode failed at `failure`, inside it or at it.
    fn settle<T: DeserializeOwned>(&mut self, at: &[Step], failure: Failure) -> Result<Fate, Stop> {
        if failure.place.len() <= at.len() {
            return Ok(Fate::Unfit(failure));
        }
        let first = failure.place[at.len()].clone();
        let Some(node) = node_mut(&mut self.json, at) else {
            return Ok(Fate::Fits);
        };
        let (held, children) = match node {
            Value::Array(items) => {
                let Step::Index(i) = first else {
                    return Ok(Fate::Fits);
                };
                let children = (i..items.len()).map(Step::Index).collect();
                let held = Held::Items {
                    full: std::mem::take(items),
                    offset: 0,
                    removed: Vec::new(),
                };
                (held, children)
            }
            Value::Object(map) => {
                let children: Vec<Step> = map
                    .keys()
                    .skip_while(|k| !matches!(&first, Step::Key(f) if f == *k))
                    .map(|k| Step::Key(k.clone()))
                    .collect();
                let held = Held::Entries {
                    full: std::mem::take(map),
                    shown: Vec::new(),
                    required: Vec::new(),
                };
                (held, children)
            }
            _ => return Ok(Fate::Unfit(failure)),
        };
        self.frames.push(Frame {
            at: at.to_vec(),
            held,
        });
        let fate = self.sweep::<T>(at, &children, failure);
        self.close(at);
        fate
    }

    /// Goes through `children` of the node at `at` (the first one failing
    /// at `failure`): each failing child is settled alone, the others
    /// decoded a chunk at a time. A chunk starts as heavy as the rest of the
    /// skeleton (so that the rest at most doubles its cost); after a chunk
    /// that fails the next holds one child, and each chunk that fits doubles
    /// the next, so that a failing chunk costs about what the chunks before
    /// it verified, and a run of failing children one round each.
    fn sweep<T: DeserializeOwned>(
        &mut self,
        at: &[Step],
        children: &[Step],
        failure: Failure,
    ) -> Result<Fate, Stop> {
        let spine = weight(&self.json);
        let mut target = spine.max(MIN_CHUNK);
        let mut known = Some(failure);
        let mut next = 0;
        let mut retried: Option<Step> = None;
        // A field taken out that its object may require: the next decode of
        // the object as a whole tells (its parent's, when it ends here).
        let mut unchecked = false;
        // A child settled whose own fields may be missing now: the next
        // chunk starts with it.
        let mut recheck: Option<usize> = None;
        while next < children.len() {
            if let Some(failure) = known.take() {
                let before = self.taken.misfits.len();
                match self.settle_child::<T>(at, &children[next], failure)? {
                    Removal::Required(gone) => return Ok(Fate::Unfit(gone)),
                    Removal::Maybe => unchecked = true,
                    Removal::Recheck if self.taken.misfits.len() > before => {
                        recheck = Some(next);
                        continue;
                    }
                    Removal::Recheck | Removal::None => {}
                }
                next += 1;
                if next < children.len() && self.lighter_than(spine) {
                    // The node costs less than a round of its own: the
                    // parent's next round decodes it with what follows.
                    return Ok(Fate::Unchecked);
                }
                continue;
            }
            let (mut end, chunk) = self.chunk_end(children, next, target);
            if recheck == Some(next) && end == next + 1 && end < children.len() {
                // Not the child rechecked alone: it most likely fits now.
                end += 1;
            }
            self.show(&children[next..end]);
            let Err(failure) = self.attempt::<T>()? else {
                self.hide();
                next = end;
                target = target.max(chunk).saturating_mul(2);
                unchecked = false;
                continue;
            };
            self.hide();
            target = 1;
            if !failure.place.starts_with(at) || failure.place.len() == at.len() {
                // At the node itself (a required field it lacks): it cannot
                // be used. Elsewhere: not this node's to fix.
                return Ok(if failure.place.len() == at.len() {
                    Fate::Unfit(failure)
                } else {
                    Fate::Fits
                });
            }
            let step = failure.place[at.len()].clone();
            if let Some(p) = self.position(&children[next..end], &step) {
                next += p;
                known = Some(failure);
                continue;
            }
            // A required field outside the chunk fails: settle it where it
            // is, then try the chunk again.
            if matches!(step, Step::Index(_)) || retried.as_ref() == Some(&step) {
                return Ok(Fate::Fits);
            }
            retried = Some(step.clone());
            if let Removal::Required(gone) = self.settle_child::<T>(at, &step, failure)? {
                return Ok(Fate::Unfit(gone));
            }
        }
        Ok(if unchecked {
            Fate::Unchecked
        } else {
            Fate::Fits
        })
    }

    /// Settles `child` of the node at `at` alone, given that it fails at
    /// `failure` (a place in a skeleton where it was first shown, or where
    /// the node was whole), and takes it out if it cannot be used.
    fn settle_child<T: DeserializeOwned>(
        &mut self,
        at: &[Step],
        child: &Step,
        mut failure: Failure,
    ) -> Result<Removal, Stop> {
        self.show(std::slice::from_ref(child));
        failure.place[at.len()] = self.shown_step(child);
        let mut below = at.to_vec();
        below.push(failure.place[at.len()].clone());
        let fate = self.settle::<T>(&below, failure)?;
        self.hide();
        match fate {
            Fate::Fits => Ok(Removal::None),
            Fate::Unchecked => Ok(Removal::Recheck),
            Fate::Unfit(failure) => self.take_child(at, child, &failure),
        }
    }

    /// Where `step` (a step into the skeleton) is among `chunk`.
    fn position(&self, chunk: &[Step], step: &Step) -> Option<usize> {
        match step {
            Step::Index(k) => (*k < chunk.len()).then_some(*k),
            key => chunk.iter().position(|c| c == key),
        }
    }

    /// The step into the skeleton of `child` while it is the first shown.
    fn shown_step(&self, child: &Step) -> Step {
        match child {
            Step::Index(_) => Step::Index(0),
            key => key.clone(),
        }
    }

    /// The end of the chunk starting at `next` (children until their weight
    /// reaches `target`, at least one) and its weight.
    fn chunk_end(&self, children: &[Step], next: usize, target: usize) -> (usize, usize) {
        let mut total = 0;
        let mut end = next;
        while end < children.len() && (end == next || total < target) {
            total += self.child_weight(&children[end]);
            end += 1;
        }
        (end, total)
    }

    /// Whether the innermost frame's children weigh less than `limit`
    /// (weighed only until they reach it).
    fn lighter_than(&self, limit: usize) -> bool {
        let mut total = 0;
        let values: Box<dyn Iterator<Item = (usize, &Value)>> = match self.frames.last() {
            Some(Frame {
                held: Held::Items { full, .. },
                ..
            }) => Box::new(full.iter().map(|v| (0, v))),
            Some(Frame {
                held: Held::Entries { full, .. },
                ..
            }) => Box::new(full.iter().map(|(k, v)| (k.len(), v))),
            None => return false,
        };
        for (key, value) in values {
            total += key;
            if !weighs_less(value, limit, &mut total) {
                return false;
            }
        }
        true
    }

    fn child_weight(&self, child: &Step) -> usize {
        match (self.frames.last().map(|f| &f.held), child) {
            (Some(Held::Items { full, .. }), Step::Index(i)) => full.get(*i).map_or(0, weight),
            (Some(Held::Entries { full, .. }), Step::Key(k)) => {
                k.len() + full.get(k).map_or(0, weight)
            }
            _ => 0,
        }
    }

    /// Puts `children` (consecutive) of the innermost frame in its skeleton
    /// node, with the fields it requires.
    fn show(&mut self, children: &[Step]) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let Some(node) = node_mut(&mut self.json, &frame.at) else {
            return;
        };
        match (&mut frame.held, node) {
            (Held::Items { full, offset, .. }, Value::Array(items)) => {
                let start = match children.first() {
                    Some(Step::Index(i)) => *i,
                    _ => return,
                };
                *offset = start;
                let end = (start + children.len()).min(full.len());
                items.extend(full[start..end].iter_mut().map(std::mem::take));
            }
            (
                Held::Entries {
                    full,
                    shown,
                    required,
                },
                Value::Object(map),
            ) => {
                let keys = required
                    .iter()
                    .chain(children.iter().filter_map(|c| match c {
                        Step::Key(k) if !required.contains(k) => Some(k),
                        _ => None,
                    }));
                for key in keys {
                    if shown.contains(key) {
                        continue;
                    }
                    if let Some(value) = full.get_mut(key) {
                        map.insert(key.clone(), std::mem::take(value));
                        shown.push(key.clone());
                    }
                }
            }
            _ => {}
        }
    }

    /// Moves the innermost frame's shown children back aside.
    fn hide(&mut self) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        let Some(node) = node_mut(&mut self.json, &frame.at) else {
            return;
        };
        match (&mut frame.held, node) {
            (Held::Items { full, offset, .. }, Value::Array(items)) => {
                for (k, item) in items.drain(..).enumerate() {
                    if let Some(slot) = full.get_mut(*offset + k) {
                        *slot = item;
                    }
                }
            }
            (Held::Entries { full, shown, .. }, Value::Object(map)) => {
                for key in shown.drain(..) {
                    if let (Some(value), Some(slot)) = (map.remove(&key), full.get_mut(&key)) {
                        *slot = value;
                    }
                }
            }
            _ => {}
        }
    }

    /// Closes the innermost frame (at `at`): its children, less those taken
    /// out, go back into the node.
    fn close(&mut self, at: &[Step]) {
        self.hide();
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let restored = match frame.held {
            Held::Items {
                mut full, removed, ..
            } => {
                if !removed.is_empty() {
                    let list = self.taken.original(&self.current(at));
                    self.taken.removed(list, &removed);
                    let mut gone = removed.iter().peekable();
                    let mut index = 0;
                    full.retain(|_| {
                        let keep = gone.next_if_eq(&&index).is_none();
                        index += 1;
                        keep
                    });
                }
                Value::Array(full)
            }
            Held::Entries { full, .. } => Value::Object(full),
        };
        if let Some(node) = node_mut(&mut self.json, at) {
            *node = restored;
        }
    }

    /// Takes `child` (aside, in the innermost frame, at `at`) out, recording
    /// it as not fitting at `failure`; says whether its object requires it.
    fn take_child(
        &mut self,
        at: &[Step],
        child: &Step,
        failure: &Failure,
    ) -> Result<Removal, Stop> {
        let mut path = self.current(at);
        let Some(frame) = self.frames.last_mut() else {
            return Ok(Removal::None);
        };
        let (received, required) = match (&mut frame.held, child) {
            (Held::Items { full, removed, .. }, Step::Index(i)) => {
                let Some(slot) = full.get_mut(*i) else {
                    return Ok(Removal::None);
                };
                removed.push(*i);
                (std::mem::take(slot), None)
            }
            (Held::Entries { full, required, .. }, Step::Key(key)) => {
                let Some(value) = full.remove(key) else {
                    return Ok(Removal::None);
                };
                (value, Some(required.contains(key)))
            }
            _ => return Ok(Removal::None),
        };
        path.push(child.clone());
        let original = self.taken.original(&path);
        let expected = failure.expected();
        let path = render(&original);
        self.charge(path.len() + expected.len())?;
        self.taken.misfits.push(Misfit {
            path,
            expected,
            received,
        });
        let Step::Key(key) = child else {
            return Ok(Removal::None);
        };
        Ok(if required == Some(true) {
            Removal::Required(Failure {
                place: at.to_vec(),
                below: Vec::new(),
                message: format!("missing field `{key}`"),
            })
        } else {
            Removal::Maybe
        })
    }

    /// The path in the body as it is now (every list whole) of `steps` in
    /// the skeleton.
    fn current(&self, steps: &[Step]) -> Vec<Step> {
        let mut current = steps.to_vec();
        for frame in &self.frames {
            let depth = frame.at.len();
            if let (Held::Items { offset, .. }, true) = (
                &frame.held,
                steps.len() > depth && steps.starts_with(&frame.at),
            ) && let Step::Index(k) = steps[depth]
            {
                current[depth] = Step::Index(offset + k);
            }
        }
        current
    }
}
