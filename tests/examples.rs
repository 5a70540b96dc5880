//! The vendors' own documentation examples decode into the generated types.
//!
//! `tests/data/examples/<api>/` holds real response bodies, one per
//! operation, with their sources in `tests/data/examples/SOURCES.md` (the
//! OnlyFansAPI ones are the 2xx examples of the upstream Scribe spec; no real
//! OFAuth response body is published). Each is decoded by the decoder of its
//! operation, which the build generates from the client itself
//! (`mock::decoders::RESPONSE_DECODERS`).
//!
//! Every example must decode with no misfit: where the vendor's description
//! and its own examples disagree, the normalization rules (and overlay facts)
//! follow the examples, which are real data.

use std::collections::BTreeMap;

use onlyfans_codegen::apis::ONLYFANSAPI;

#[test]
fn onlyfansapi_documentation_examples_decode_into_the_generated_types() {
    let root = crate::support::repo_root();
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
            Ok(misfits) if misfits.is_empty() => decoded += 1,
            Ok(misfits) => {
                let list: Vec<String> = misfits.iter().map(|m| m.to_string()).collect();
                failures.insert(id, list.join("; "));
            }
            Err(error) => {
                failures.insert(id, error.to_string());
            }
        }
    }
    println!(
        "{} examples: {decoded} decoded with no misfit, {} for operations left out",
        files.len(),
        left_out.len()
    );
    let unexpected: Vec<String> = failures
        .iter()
        .map(|(id, error)| format!("{id}: {error}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "examples that do not decode without a misfit:\n{}",
        unexpected.join("\n")
    );
    assert_eq!(decoded + left_out.len(), files.len());
}
