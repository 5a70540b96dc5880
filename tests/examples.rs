//! The vendors' own documentation examples decode into the generated types.
//!
//! `tests/data/examples/<api>/` holds real response bodies, one per
//! operation, with their sources in `tests/data/examples/SOURCES.md` (the
//! OnlyFansAPI ones are the 2xx examples of the upstream Scribe spec; no real
//! OFAuth response body is published). Each is decoded by the decoder of its
//! operation, which the build generates from the client itself
//! (`mock::decoders::RESPONSE_DECODERS`).
//!
//! Examples that do not decode are listed below with the reason, each a
//! difference between the vendor's example and its description of it: the
//! test fails when one more fails, and also when a listed one starts to decode
//! (then the list shrinks).

use std::collections::BTreeMap;
use std::path::Path;

use onlyfans_codegen::apis::ONLYFANSAPI;

/// Examples that do not decode, and a part of serde's message saying why.
const ONLYFANSAPI_KNOWN_FAILURES: &[(&str, &str)] = &[
    // List ids are strings for the built-in lists (`"recent"`) and numbers
    // for the user's own; the SDK (and so the derived spec) says string.
    ("listLabels", "integer `123`, expected a string"),
    (
        "massListUserDetails",
        "integer `1000000`, expected a string",
    ),
    (
        "searchUsersInNotifications",
        "integer `1181087239`, expected a string",
    ),
    (
        "setFansCustomName",
        "integer `859770744`, expected a string",
    ),
    // Objects where the SDK's model says list (`sortList`) or string
    // (`files.thumb`): the example and the SDK disagree.
    ("listUserLists", "invalid type: map, expected a sequence"),
    ("listVaultMedia", "invalid type: map, expected a string"),
];

#[test]
fn onlyfansapi_documentation_examples_decode_into_the_generated_types() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (normalized, _) = onlyfans_codegen::generate_api(ONLYFANSAPI, root).unwrap();
    // operationId → (METHOD, path template), as generated.
    let operations: BTreeMap<String, (String, String)> =
        onlyfans_codegen::walk::operations(&normalized.spec)
            .into_iter()
            .filter_map(|(path, method, op)| {
                let id = op.get("operationId")?.as_str()?.to_owned();
                Some((id, (method.to_uppercase(), path.to_owned())))
            })
            .collect();
    let decoders = onlyfans_clients::onlyfansapi::mock::decoders::RESPONSE_DECODERS;

    let dir = root.join("tests/data/examples/onlyfansapi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut decoded, mut left_out) = (0, Vec::new());
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    for file in &files {
        let id = file.file_stem().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(file).unwrap();
        let Some((method, path)) = operations.get(&id) else {
            // Only an operation the generator leaves out, with its reason.
            assert!(
                normalized
                    .report
                    .omitted
                    .iter()
                    .any(|o| o.operation_id == id),
                "{id}: an example for an operation the spec does not have"
            );
            left_out.push(id);
            continue;
        };
        let decoder = decoders
            .iter()
            .find(|(m, p, _)| m == method && p == path)
            .map(|(_, _, decode)| decode)
            .unwrap_or_else(|| panic!("{id}: no decoder for {method} {path}"));
        match decoder(&body) {
            Ok(()) => decoded += 1,
            Err(error) => {
                failures.insert(id, error.to_string());
            }
        }
    }
    println!(
        "{} examples: {decoded} decoded, {} known failures, {} for operations left out",
        files.len(),
        failures.len(),
        left_out.len()
    );
    let known: BTreeMap<&str, &str> = ONLYFANSAPI_KNOWN_FAILURES.iter().copied().collect();
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(id, error)| {
            known
                .get(id.as_str())
                .is_none_or(|why| !error.contains(why))
        })
        .map(|(id, error)| format!("{id}: {error}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "examples that do not decode:\n{}",
        unexpected.join("\n")
    );
    let now_decoding: Vec<&&str> = known
        .keys()
        .filter(|id| !failures.contains_key(**id))
        .collect();
    assert!(
        now_decoding.is_empty(),
        "listed as failing but decode now (remove them): {now_decoding:?}"
    );
    assert!(decoded >= 200, "only {decoded} examples decoded");
}
