//! Normalization: the one place where a vendored spec becomes a document
//! progenitor generates good code from. build.rs, xtask and the tests all call
//! [`normalize`]; each rule lives in its own module with its reasons and a
//! before/after snapshot test.
//!
//! Rules run in this order (later rules rely on earlier ones):
//!
//! 1. [`place_refs`]: references to a schema's place become copies of it;
//! 2. [`webhooks`]: the events of a 3.1 `webhooks` section become types;
//! 3. [`downgrade`]: OpenAPI 3.1 → 3.0.3 (3.1 schemas in any document);
//! 4. [`enums`]: enums the generator cannot type or name keep their values;
//! 5. [`defaults`]: a `default` that does not fit its schema is dropped;
//! 6. [`field_names`]: properties whose Rust names collide are kept as additional ones;
//! 7. [`operation_ids`]: every operation gets a unique readable `operationId`;
//! 8. [`unsupported`]: operations progenitor cannot generate are left out, with a reason;
//! 9. [`any_of`]: unions of object shapes become one object;
//! 10. [`money`]: amounts of money are numbers with cents;
//! 11. [`string_objects`]: a property typed `string` where the API mostly types
//!     it an object is that object;
//! 12. [`keyed_maps`]: objects keyed by ids or dates become maps;
//! 13. [`integers`]: ids and counts become `uint64`;
//! 14. [`string_ids`]: a response `id` typed string may arrive as a number;
//! 15. [`dates`]: strings named as dates are `date-time`s;
//! 16. [`envelopes`]: the envelope most answers carry (`_meta`) is described once;
//! 17. [`error_bodies`]: body-less error responses are dropped, so bodies reach callers;
//! 18. [`tolerant`]: response schemas accept what the APIs really send;
//! 19. [`constraints`]: `pattern` and `not`, which the types do not enforce, are dropped;
//! 20. [`secrets`]: strings named as secrets are `Secret`, never shown by `Debug`;
//! 21. [`hoist`]: one named component per distinct object shape;
//! 22. [`shared_types`]: one type per thing sent in several shapes (the
//!     handwritten quirk types, the one recursive `Message`);
//! 23. [`open_enums`]: response enums the vendor may extend are `Open<E>`.

pub mod any_of;
pub mod constraints;
pub mod dates;
pub mod defaults;
pub mod downgrade;
pub mod enums;
pub mod envelopes;
pub mod error_bodies;
pub mod field_names;
pub mod hoist;
pub mod integers;
pub mod keyed_maps;
pub mod money;
pub mod open_enums;
pub mod operation_ids;
pub mod place_refs;
pub mod secrets;
pub mod shared_types;
pub mod string_ids;
pub mod string_objects;
pub mod tolerant;
pub mod unsupported;
pub mod webhooks;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// An operation left out of generation, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Omitted {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    pub reason: String,
}

impl fmt::Display for Omitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({}): {}",
            self.method.to_uppercase(),
            self.path,
            self.operation_id,
            self.reason
        )
    }
}

/// What normalization did, for humans (build warnings, xtask) and snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// One line per change of note, in the order made.
    pub notes: Vec<String>,
    /// Operations left out of generation.
    pub omitted: Vec<Omitted>,
    /// Components created by hoisting → number of places that refer to each.
    pub hoisted: BTreeMap<String, usize>,
    /// SDK-derived operations the upstream text now has (left out of the
    /// merge; to be removed from the derived file).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<crate::merge::OperationKey>,
}

impl Report {
    pub fn note(&mut self, line: impl Into<String>) {
        self.notes.push(line.into());
    }
}

/// A normalized document with its report.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub spec: Value,
    pub report: Report,
}

/// Runs every rule on `spec` (a vendored spec with its overlay already applied).
pub fn normalize(mut spec: Value) -> Normalized {
    let mut report = Report::default();
    for (_, rule) in RULES {
        rule(&mut spec, &mut report);
    }
    Normalized { spec, report }
}

/// Every rule but hoisting: the baseline that shows what hoisting saves
/// (`cargo xtask bench-build`).
pub fn normalize_without_hoisting(mut spec: Value) -> Normalized {
    let mut report = Report::default();
    for (_, rule) in RULES.iter().filter(|(name, _)| *name != "hoist") {
        rule(&mut spec, &mut report);
    }
    Normalized { spec, report }
}

type Rule = fn(&mut Value, &mut Report);

/// The rules that correct what the vendors say a value's type is (money,
/// objects typed as strings, maps written as structs, ids and counts,
/// dates), rather than shape the document for generation: an independent validator
/// judges by the vendor's description with these corrections
/// (`validator_spec`).
pub const TYPE_FACTS: [&str; 7] = [
    "money",
    "string_objects",
    "keyed_maps",
    "integers",
    "string_ids",
    "dates",
    "envelopes",
];

/// Runs the [`TYPE_FACTS`] rules on `spec`, in pipeline order.
pub fn correct_types(spec: &mut Value, report: &mut Report) {
    for (name, rule) in RULES {
        if TYPE_FACTS.contains(&name) {
            rule(spec, report);
        }
    }
}

/// The rules in order, by name.
const RULES: [(&str, Rule); 23] = [
    ("place_refs", place_refs::apply),
    ("webhooks", webhooks::apply),
    ("downgrade", downgrade::apply),
    ("enums", enums::apply),
    ("defaults", defaults::apply),
    ("field_names", field_names::apply),
    ("operation_ids", operation_ids::apply),
    ("unsupported", unsupported::apply),
    ("any_of", any_of::apply),
    ("money", money::apply),
    ("string_objects", string_objects::apply),
    ("keyed_maps", keyed_maps::apply),
    ("integers", integers::apply),
    ("string_ids", string_ids::apply),
    ("dates", dates::apply),
    ("envelopes", envelopes::apply),
    ("error_bodies", error_bodies::apply),
    ("tolerant", tolerant::apply),
    ("constraints", constraints::apply),
    ("secrets", secrets::apply),
    ("hoist", hoist::apply),
    ("shared_types", shared_types::apply),
    ("open_enums", open_enums::apply),
];

#[cfg(test)]
pub(crate) mod test_support {
    use super::Report;
    use serde_json::Value;

    /// Runs one rule on a YAML spec and renders before, after and the report,
    /// for a snapshot that a reviewer can read top to bottom.
    pub fn before_after(rule: fn(&mut Value, &mut Report), yaml: &str) -> String {
        let before: Value = serde_norway::from_str(yaml).expect("test spec parses");
        let mut after = before.clone();
        let mut report = Report::default();
        rule(&mut after, &mut report);
        let render = |v: &Value| serde_norway::to_string(v).expect("renders");
        let after_text = if after == before {
            "unchanged\n".to_owned()
        } else {
            render(&after)
        };
        let report_text = serde_norway::to_string(&report).expect("renders");
        format!(
            "# before\n{}\n# after\n{}\n# report\n{}",
            render(&before),
            after_text,
            report_text
        )
    }
}
