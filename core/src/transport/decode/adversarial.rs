//! The lenient decode against the worst bodies: every item misfitting in a
//! place of its own, misfits in maps, in untagged unions and deep down a
//! recursive type, thousands of them. Each must decode with every misfit
//! recorded where the body had it, and cost at most the budget
//! ([`WORK_PER_BODY_BYTE`] times the body), counted in bytes decoded, not
//! time.

use super::*;
use std::collections::HashMap;

fn lenient<T: DeserializeOwned>(body: &Value) -> (Result<Decoded<T>, Error>, LenientWork, usize) {
    let bytes = bytes::Bytes::from(serde_json::to_vec(body).unwrap());
    let result = decode::<T>(
        &RequestInfo::operation("op", "GET", "/p"),
        &bytes,
        || bytes.clone(),
        false,
    );
    (result, last_lenient_work(), bytes.len())
}

/// Each misfit's path leads to a value in `body` (as received); a misfit
/// taken out whole holds what was there (less its own misfits, recorded
/// before it), and a leaf misfit exactly what was there.
fn assert_lossless(body: &Value, misfits: &[Misfit]) {
    for misfit in misfits {
        let pointer = pointer_of(&misfit.path);
        let there = body
            .pointer(&pointer)
            .unwrap_or_else(|| panic!("{} is not in the body", misfit.path));
        if !matches!(misfit.received, Value::Object(_) | Value::Array(_)) {
            assert_eq!(&misfit.received, there, "{}", misfit.path);
        }
    }
}

/// `list[3].media.a` → `/list/3/media/a` (the keys here hold no `.` or `[`).
fn pointer_of(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            pointer.push('/');
            pointer.push_str(key);
        }
        for index in pieces {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

/// The work asserted: within the budget, and under `at_most` times the
/// body (what these bodies cost today, with room; the budget is the bound).
fn assert_work(work: LenientWork, body_bytes: usize, at_most: usize) {
    eprintln!(
        "{work:?}: {:.2}x the body",
        work.decoded_bytes as f64 / body_bytes as f64
    );
    assert_eq!(work.body_bytes, body_bytes);
    assert!(
        work.decoded_bytes <= work.budget && work.budget == budget_for(body_bytes),
        "{work:?}"
    );
    assert!(
        work.decoded_bytes <= at_most * body_bytes,
        "{} bytes decoded for a body of {body_bytes} ({:.1}x)",
        work.decoded_bytes,
        work.decoded_bytes as f64 / body_bytes as f64
    );
}

/// Item `i` misfits in one of five ways (a number, a kind, an item of a
/// list, a required id, a negative), each value distinct.
fn misfitting_item(i: u64) -> Value {
    match i % 5 {
        0 => json!({"id": i, "price": -(i as i64) - 1}),
        1 => json!({"id": i, "thumb": {"url": format!("u{i}")}}),
        2 => json!({"id": i, "tags": ["a", i, "b"]}),
        3 => json!({"id": format!("n{i}"), "price": i}),
        _ => json!({"id": i, "price": i as f64 + 0.5, "thumb": [i]}),
    }
}

#[test]
fn every_item_misfitting_in_its_own_place_decodes_within_the_budget() {
    let n = 5000u64;
    let items: Vec<Value> = (0..n).map(misfitting_item).collect();
    // A large field beside the list, which no round should decode again.
    let body = json!({ "list": items, "hasMore": true, "pad": "x".repeat(300_000) });
    let (result, work, len) = lenient::<Page>(&body);
    let page = result.unwrap();
    // Items with a string id go (two misfits each: the id, then the item).
    let gone = (0..n).filter(|i| i % 5 == 3).count();
    assert_eq!(page.value.list.len(), n as usize - gone);
    assert_eq!(page.misfits.len(), n as usize + gone + (n as usize / 5));
    assert_eq!(page.value.has_more, Some(true));
    assert!(
        page.misfits.len() > 4096,
        "past the old cap of 4096 misfits"
    );
    assert_eq!(page.misfits[0].path, "list[0].price");
    assert_eq!(page.misfits[3].path, "list[3].id");
    assert_eq!(page.misfits[4].path, "list[3]");
    assert_eq!(page.misfits[6].path, "list[4].thumb");
    let last = page.misfits.last().unwrap();
    assert_eq!(last.path, format!("list[{}].thumb", n - 1));
    assert_lossless(&body, &page.misfits);
    assert_work(work, len, 6);
}

#[test]
fn tiny_items_all_misfitting_decode_within_the_budget() {
    // The least body per misfit: a list of strings where numbers belong.
    let list: Vec<Value> = (0..20_000).map(|i| json!(format!("{i}"))).collect();
    #[derive(Debug, Deserialize)]
    struct Numbers {
        list: Vec<u64>,
    }
    let body = json!({ "list": list });
    let (result, work, len) = lenient::<Numbers>(&body);
    let numbers = result.unwrap();
    assert!(numbers.value.list.is_empty());
    assert_eq!(numbers.misfits.len(), 20_000);
    assert_eq!(numbers.misfits[19_999].path, "list[19999]");
    assert_lossless(&body, &numbers.misfits);
    assert_work(work, len, WORK_PER_BODY_BYTE);
}

#[derive(Debug, Deserialize)]
struct Holders {
    list: Vec<Holder>,
}

#[derive(Debug, Deserialize)]
struct Holder {
    id: u64,
    media: HashMap<String, Media>,
    value: Option<Union>,
    values: Option<Vec<Union>>,
}

#[derive(Debug, Deserialize)]
struct Media {
    id: u64,
    size: Option<u64>,
    kind: Option<String>,
}

/// An untagged union, as the generator writes `oneOf`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Union {
    Number(u64),
    Text(String),
    Media(Media),
}

#[test]
fn misfits_in_maps_and_unions_decode_within_the_budget() {
    let holders: Vec<Value> = (0..300u64)
        .map(|h| {
            let media: serde_json::Map<String, Value> = (0..20u64)
                .map(|m| {
                    let entry = match (h + m) % 4 {
                        0 => json!({"id": m, "size": format!("{m}kb")}),
                        1 => json!({"id": m, "kind": 7}),
                        2 => json!({"id": [m]}),
                        _ => json!({"id": m, "size": m}),
                    };
                    (format!("m{m}"), entry)
                })
                .collect();
            json!({
                "id": h,
                "media": media,
                "value": {"id": "not a number"},
                "values": [h, {"id": h}, [h], "t", {"size": -1}],
            })
        })
        .collect();
    let body = json!({ "list": holders });
    let (result, work, len) = lenient::<Holders>(&body);
    let page = result.unwrap();
    assert_eq!(page.value.list.len(), 300);
    let first = &page.value.list[0];
    // Entries with an id of the wrong kind go; the others lose their misfit.
    assert_eq!(first.media.len(), 15);
    assert_eq!(first.id, 0);
    let (fits, sized) = (&first.media["m3"], &first.media["m0"]);
    assert_eq!(
        (fits.id, fits.size, fits.kind.as_deref()),
        (3, Some(3), None)
    );
    assert_eq!((sized.id, sized.size), (0, None));
    assert!(first.value.is_none());
    assert_eq!(first.values.as_ref().map(Vec::len), Some(3));
    let paths: Vec<&str> = page.misfits.iter().map(|m| m.path.as_str()).collect();
    assert!(paths.contains(&"list[0].media.m2"), "{:?}", &paths[..10]);
    assert!(paths.contains(&"list[0].media.m1.kind"));
    assert!(paths.contains(&"list[0].value"));
    assert!(paths.contains(&"list[0].values[2]"));
    assert!(paths.contains(&"list[0].values[4]"));
    assert!(paths.contains(&"list[299].values[4]"));
    // Per holder: 10 entries' misfits (a kind or a size), 5 entries out
    // (whose id is a list, taken out first), the value and two of its values.
    assert_eq!(page.misfits.len(), 300 * (10 + 5 * 2 + 1 + 2));
    assert_lossless(&body, &page.misfits);
    assert_work(work, len, 10);
}

/// A recursive type, nested nearly as deep as serde_json parses (128).
#[derive(Debug, Deserialize)]
struct Node {
    id: u64,
    note: Option<u64>,
    #[serde(default)]
    children: Vec<Node>,
}

/// A chain `depth` deep: with `every_level`, a misfit and a child that
/// cannot be used at each level; at the bottom, `leaves` misfitting leaves.
fn deep(depth: u64, every_level: bool, leaves: u64) -> Value {
    if depth == 0 {
        let leaves: Vec<Value> = (0..leaves)
            .map(|i| json!({"id": i, "note": format!("x{i}"), "text": "a leaf's text ".repeat(8)}))
            .collect();
        return json!({"id": 0, "note": "leaf", "children": leaves});
    }
    let below = deep(depth - 1, every_level, leaves);
    if every_level {
        json!({"id": depth, "note": -(depth as i64), "children": [below, {"id": "x"}]})
    } else {
        json!({"id": depth, "children": [below]})
    }
}

#[test]
fn misfits_deep_down_decode_within_the_budget() {
    let body = deep(10, false, 4000);
    let (result, work, len) = lenient::<Node>(&body);
    let root = result.unwrap();
    assert_eq!((root.value.id, root.value.note), (10, None));
    let mut depth = 0;
    let mut here = &root.value;
    while here.children.len() == 1 {
        here = &here.children[0];
        depth += 1;
    }
    assert_eq!((depth, here.children.len()), (10, 4000));
    assert_eq!(root.misfits.len(), 4001);
    assert_lossless(&body, &root.misfits);
    assert_work(work, len, 10);
}

/// Misfits at every level of a deep chain: each is found by a round of its
/// own that carries the chain above it, so the work grows with the square
/// of the depth. The budget ends it; it never goes past.
#[test]
fn misfits_at_every_level_of_a_deep_body_stay_within_the_budget() {
    for depth in [5, 50] {
        let body = deep(depth, true, 20);
        let (result, work, len) = lenient::<Node>(&body);
        assert!(work.decoded_bytes <= work.budget + len, "{work:?}");
        match result {
            Ok(root) => {
                assert_eq!(root.misfits.len(), depth as usize * 3 + 1 + 20);
                assert_lossless(&body, &root.misfits);
            }
            Err(Error::Decode { message, .. }) => {
                assert!(message.contains("budget"), "{message}");
                assert_eq!(depth, 50, "a shallow chain decodes");
            }
            Err(other) => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_body_past_the_budget_is_an_error_that_says_so() {
    // Every round must carry a large required field (`big`) beside the item
    // it decodes: the narrowing cannot make rounds small, so the budget ends it.
    #[derive(Debug, Deserialize)]
    struct Heavy {
        #[allow(dead_code)]
        big: Vec<u64>,
        #[allow(dead_code)]
        list: Vec<Item>,
    }
    let items: Vec<Value> = (0..2000).map(misfitting_item).collect();
    let big: Vec<u64> = (0..100_000).collect();
    let body = json!({ "big": big, "list": items });
    let (result, work, len) = lenient::<Heavy>(&body);
    let Err(Error::Decode { message, body, .. }) = result else {
        panic!("a body past the budget decoded");
    };
    assert!(message.contains("budget"), "{message}");
    assert_eq!(body.as_bytes().len(), len, "the whole body is kept");
    assert!(work.decoded_bytes > work.budget);
    assert!(work.decoded_bytes <= work.budget + 2 * len, "{work:?}");
}
