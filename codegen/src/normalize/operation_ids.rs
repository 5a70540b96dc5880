//! Every operation gets a unique, readable `operationId` (progenitor names client
//! methods after it and refuses documents without one).
//!
//! - missing: derived from the summary ("Chats list" → `chats_list`), falling back to
//!   method + path (`get /v2/access/chats` → `get_v2_access_chats`);
//! - duplicated (Scribe emits those): the first in document order keeps it, later
//!   ones get the method + path form, so the outcome never depends on hash order;
//! - any collision left is broken with a numeric suffix (`_2`, `_3`, …).

use std::collections::HashSet;

use heck::ToSnakeCase;
use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut taken: HashSet<String> = HashSet::new();
    for (path, method, op) in walk::operations_mut(doc) {
        let existing = op
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let id = match existing {
            Some(id) if !id.trim().is_empty() && !taken.contains(&id.to_snake_case()) => {
                taken.insert(id.to_snake_case());
                continue;
            }
            Some(id) => {
                let fresh = unique(&mut taken, from_method_path(&method, &path));
                report.note(format!(
                    "{method} {path}: duplicate operationId `{id}` renamed to `{fresh}`"
                ));
                fresh
            }
            None => {
                let base = op
                    .get("summary")
                    .and_then(Value::as_str)
                    .map(|summary| identifier(&without_remarks(summary)))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| from_method_path(&method, &path));
                let fresh = unique(&mut taken, base);
                report.note(format!(
                    "{method} {path}: synthesized operationId `{fresh}`"
                ));
                fresh
            }
        };
        op.insert("operationId".into(), Value::String(id));
    }
}

/// A summary without its parenthesized remarks, which explain rather than
/// name: "Upload single-part media and finalize (No need to call /complete
/// …)" names `upload_single_part_media_and_finalize`. A summary that is all
/// remark stays as it is.
fn without_remarks(summary: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in summary.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.chars().any(|c| c.is_ascii_alphanumeric()) {
        out
    } else {
        summary.to_owned()
    }
}

/// A snake_case identifier from free text; empty when the text has no letters.
fn identifier(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    // A plural acronym is one word: "List users by IDs" → `list_users_by_ids`,
    // not `…_i_ds`.
    let words: Vec<String> = cleaned
        .split_whitespace()
        .map(|word| match word.strip_suffix('s') {
            Some(stem) if stem.len() >= 2 && stem.chars().all(|c| c.is_ascii_uppercase()) => {
                word.to_ascii_lowercase()
            }
            _ => word.to_owned(),
        })
        .collect();
    let snake = words.join(" ").to_snake_case();
    match snake.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("op_{snake}"),
        Some(_) => snake,
        None => String::new(),
    }
}

fn from_method_path(method: &str, path: &str) -> String {
    identifier(&format!("{method} {path}"))
}

fn unique(taken: &mut HashSet<String>, base: String) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn remarks_in_parentheses_do_not_name_operations() {
        use super::{identifier, without_remarks};
        let summary = "Upload single-part media and finalize (No need to call /complete after upload if using this endpoint)";
        assert_eq!(
            identifier(&without_remarks(summary)),
            "upload_single_part_media_and_finalize"
        );
        assert_eq!(without_remarks("(beta)"), "(beta)");
    }

    #[test]
    fn synthesizes_and_deduplicates() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /v2/access/chats:
    get:
      summary: Chats list
      responses: {'200': {description: ok}}
    post:
      responses: {'200': {description: ok}}
  /v2/access/chats/{id}:
    get:
      summary: Chats list
      responses: {'200': {description: ok}}
  /api/{account}/messages:
    get:
      operationId: listMessages
      responses: {'200': {description: ok}}
    post:
      operationId: listMessages
      responses: {'200': {description: ok}}
  /v2/access/users/list:
    get:
      summary: List users by IDs
      responses: {'200': {description: ok}}
"#
        ));
    }
}
