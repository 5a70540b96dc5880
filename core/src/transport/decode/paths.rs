//! Places in a parsed body: steps and paths, the misfits taken out with
//! where they were in the body as received, and the weight of a value (about
//! its length as JSON), by which the lenient repair's rounds are charged.

use std::collections::HashMap;

use serde_json::Value;

use super::Misfit;

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// The value at `steps` in `json`.
pub(super) fn node_mut<'a>(json: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    let mut here = json;
    for step in steps {
        here = match (step, here) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(here)
}

/// About the length of `value` as compact JSON (numbers by their digits, a
/// float as 8), without writing it.
pub(super) fn weight(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Bool(_) => 5,
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.checked_ilog10().unwrap_or(0) as usize + 1,
            (None, Some(i)) => i.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 2,
            _ => 8,
        },
        Value::String(s) => s.len() + 2,
        Value::Array(items) => 2 + items.iter().map(|i| weight(i) + 1).sum::<usize>(),
        Value::Object(map) => {
            2 + map
                .iter()
                .map(|(k, v)| k.len() + 4 + weight(v))
                .sum::<usize>()
        }
    }
}

/// Adds `value`'s weight to `total`, walking only while `total` stays
/// under `limit`; whether it did.
pub(super) fn weighs_less(value: &Value, limit: usize, total: &mut usize) -> bool {
    match value {
        Value::Array(items) => {
            *total += 2;
            items.iter().all(|item| {
                *total += 1;
                weighs_less(item, limit, total)
            })
        }
        Value::Object(map) => {
            *total += 2;
            map.iter().all(|(key, item)| {
                *total += key.len() + 4;
                weighs_less(item, limit, total)
            })
        }
        leaf => {
            *total += weight(leaf);
            *total < limit
        }
    }
}

/// The steps of a serde path that lead into the JSON (an enum variant or an
/// unknown step ends the walk: the place is its parent).
pub(super) fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    let mut steps = Vec::new();
    for segment in path.iter() {
        match segment {
            Segment::Map { key } => steps.push(Step::Key(key.clone())),
            Segment::Seq { index } => steps.push(Step::Index(*index)),
            Segment::Enum { .. } | Segment::Unknown => break,
        }
    }
    steps
}

/// The longest start of `steps` that leads to a value in `json`.
pub(super) fn existing_prefix(json: &Value, steps: &[Step]) -> Vec<Step> {
    let mut here = json;
    let mut prefix = Vec::new();
    for step in steps {
        let next = match (step, here) {
            (Step::Key(key), Value::Object(map)) => map.get(key),
            (Step::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        prefix.push(step.clone());
        here = next;
    }
    prefix
}

/// `list[3].thumb`, as serde_path_to_error writes paths (`.` for the root).
pub(super) fn render(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// What serde says was expected (`invalid type: string "x", expected u64` →
/// `u64`); a type's own parse error (a date's `premature end of input`) or a
/// missing field says what was wrong instead: `a valid value (…)`.
pub(super) fn expected_of(message: &str) -> std::borrow::Cow<'_, str> {
    match message.rsplit_once(", expected ") {
        Some((_, expected)) => expected.into(),
        None => format!("a valid value ({message})").into(),
    }
}

/// What was taken out so far, and where items left their lists (so that every
/// misfit names its place in the body as received).
#[derive(Default)]
pub(super) struct Taken {
    pub(super) misfits: Vec<Misfit>,
    /// Per list (by its path in the body as received): the indices, as
    /// received, of the items taken out of it, increasing.
    removed_items: HashMap<Vec<Step>, Vec<usize>>,
}

impl Taken {
    /// The place in the body as received of `steps` in the current body.
    pub(super) fn original(&self, steps: &[Step]) -> Vec<Step> {
        let mut original = Vec::with_capacity(steps.len());
        for step in steps {
            let step = match step {
                Step::Index(i) => Step::Index(self.original_index(&original, *i)),
                key => key.clone(),
            };
            original.push(step);
        }
        original
    }

    pub(super) fn original_index(&self, list: &[Step], current: usize) -> usize {
        let Some(removed) = self.removed_items.get(list) else {
            return current;
        };
        // Before the item, `k` items were removed where `removed[k] - k`
        // (the current index it would have had) is at most `current`.
        let mut low = 0;
        let mut high = removed.len();
        while low < high {
            let mid = (low + high) / 2;
            if removed[mid] - mid <= current {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        current + low
    }

    /// Records that the items at `current` indices (increasing) of the list
    /// at `list` (as received) were taken out.
    pub(super) fn removed(&mut self, list: Vec<Step>, current: &[usize]) {
        let originals: Vec<usize> = current
            .iter()
            .map(|&i| self.original_index(&list, i))
            .collect();
        let removed = self.removed_items.entry(list).or_default();
        removed.extend(originals);
        removed.sort_unstable();
    }
}

/// Takes the value at `place` out of `json` (an object's field is removed, a
/// list's item too) and records it; `None` when there is nothing there.
pub(super) fn take(
    json: &mut Value,
    place: &[Step],
    taken: &mut Taken,
    expected: String,
) -> Option<()> {
    let (last, parent_steps) = place.split_last()?;
    let original = taken.original(place);
    let received = match (last, node_mut(json, parent_steps)?) {
        (Step::Key(key), Value::Object(map)) => map.remove(key)?,
        (Step::Index(i), Value::Array(items)) if *i < items.len() => {
            taken.removed(original[..original.len() - 1].to_vec(), &[*i]);
            items.remove(*i)
        }
        _ => return None,
    };
    taken.misfits.push(Misfit {
        path: render(&original),
        expected,
        received,
    });
    Some(())
}
