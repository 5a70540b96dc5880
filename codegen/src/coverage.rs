//! The "API coverage" tables of `docs/COVERAGE.md`: per API and tag, how many
//! operations there are, where their descriptions come from (upstream text or
//! derived from the official SDK), which have a facade method and a stream, and
//! which the generator leaves out and why. Generated from the effective spec,
//! so a test can hold `docs/COVERAGE.md` to it.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::merge::DERIVED_FROM;
use crate::normalize::Omitted;
use crate::walk;

#[derive(Default)]
struct Row {
    operations: usize,
    upstream: usize,
    derived: usize,
    facade: usize,
    streams: usize,
    left_out: usize,
}

/// The coverage table of one API, as Markdown. `effective` is the merged
/// spec before normalization (every operation, with its tags and origin);
/// `facade` and `streams` name the operations (by `operationId` after
/// normalization, as `omitted` does) that have a facade method and a stream.
pub fn markdown(
    title: &str,
    effective: &Value,
    normalized: &Value,
    omitted: &[Omitted],
    facade: &[&str],
    streams: &[&str],
) -> String {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let ids = operation_ids(normalized);
    for (path, method, op) in walk::operations(effective) {
        let tag = op
            .pointer("/tags/0")
            .and_then(Value::as_str)
            .unwrap_or("(untagged)")
            .to_owned();
        let row = rows.entry(tag).or_default();
        row.operations += 1;
        if op.get(DERIVED_FROM).is_some() {
            row.derived += 1;
        } else {
            row.upstream += 1;
        }
        if omitted.iter().any(|o| o.method == method && o.path == path) {
            row.left_out += 1;
            continue;
        }
        let id = ids
            .get(&(method.to_owned(), path.to_owned()))
            .map(String::as_str)
            .unwrap_or_default();
        row.facade += usize::from(facade.contains(&id));
        row.streams += usize::from(streams.contains(&id));
    }
    let mut out = String::new();
    let _ = writeln!(out, "#### {title}\n");
    let _ = writeln!(
        out,
        "| tag | operations | upstream text | SDK-derived | facade methods | streams | left out |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    let mut total = Row::default();
    for (tag, row) in &rows {
        let _ = writeln!(
            out,
            "| {tag} | {} | {} | {} | {} | {} | {} |",
            row.operations, row.upstream, row.derived, row.facade, row.streams, row.left_out
        );
        total.operations += row.operations;
        total.upstream += row.upstream;
        total.derived += row.derived;
        total.facade += row.facade;
        total.streams += row.streams;
        total.left_out += row.left_out;
    }
    let _ = writeln!(
        out,
        "| **all** | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** |",
        total.operations,
        total.upstream,
        total.derived,
        total.facade,
        total.streams,
        total.left_out
    );
    if !omitted.is_empty() {
        let _ = writeln!(out, "\nLeft out of the generated client:\n");
        let mut lines: Vec<String> = omitted.iter().map(|o| format!("- {o}")).collect();
        lines.sort();
        lines.dedup();
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// `(method, path)` → `operationId` of a normalized spec.
fn operation_ids(normalized: &Value) -> BTreeMap<(String, String), String> {
    walk::operations(normalized)
        .into_iter()
        .filter_map(|(path, method, op)| {
            let id = op.get("operationId")?.as_str()?.to_owned();
            Some(((method.to_owned(), path.to_owned()), id))
        })
        .collect()
}
