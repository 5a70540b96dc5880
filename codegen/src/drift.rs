//! Spec drift in words: what changed between two versions of a spec for the
//! callers of this crate, each change classified as breaking or additive.
//!
//! Two models are compared ([`crate::ApiModel`]: each version normalized,
//! generated and modelled once, as the library is), so the report speaks of
//! what callers meet: facade methods, their parameters with the checks made
//! before sending, request bodies, response types, streams, and the generated
//! types field by field. Key order, descriptions and examples are not drift,
//! nor is anything the generated code does not show (a response field
//! turning nullable is already an `Option`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use crate::ApiModel;
use crate::merge::OperationKey;
use crate::model::{self, Checks, Location, NamedType, Operation, ResponseKind};
use crate::normalize::Omitted;

/// What a change means for code that calls this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Code that compiled and worked may no longer compile or may fail.
    Breaking,
    /// New capability; existing code keeps working.
    Additive,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub impact: Impact,
    pub description: String,
    /// For a change of type: the type before and after, as shown, so a
    /// change that only spells a renamed type's new name is not listed
    /// again beside the rename.
    #[serde(skip)]
    pub retype: Option<(String, String)>,
}

/// A name callers write that changed: a generated type, or the call that
/// reaches an operation. Listed once, in its own section.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rename {
    /// `type` or `call`.
    pub kind: &'static str,
    pub from: String,
    pub to: String,
    /// The operations it belongs to (`POST /api/…`): a call's own; for a
    /// type, the operations whose parameters, bodies or answers hold it
    /// (after the change, or before it when nothing holds it any more).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<String>,
}

/// The changes of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationDrift {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    pub changes: Vec<Change>,
}

/// The drift of one API between two spec versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    pub api: String,
    pub operations: Vec<OperationDrift>,
    /// Named types of the generated code (`raw::types`) added or removed,
    /// and the fields and variants of those of the same name.
    pub types: Vec<Change>,
    /// Types and calls renamed (each breaks every caller that names it),
    /// paired, and not repeated as a removal and an addition, nor as the
    /// changed type of a field that names them.
    pub renames: Vec<Rename>,
    /// Operations of the new version the generator leaves out, with reasons.
    pub omitted: Vec<Omitted>,
    pub breaking: usize,
    pub additive: usize,
    /// SDK-derived operations the new upstream version has: upstream wins, and
    /// the derived entries are to be removed.
    pub superseded: Vec<OperationKey>,
}

impl DriftReport {
    /// True when nothing callers can see changed.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.types.is_empty() && self.renames.is_empty()
    }

    /// `ofauth: 2 breaking, 5 additive`.
    pub fn summary_line(&self) -> String {
        format!(
            "{}: {} breaking, {} additive",
            self.api, self.breaking, self.additive
        )
    }

    /// The report for people, ending with the summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for op in &self.operations {
            let _ = writeln!(
                out,
                "{}: {} {} ({})",
                self.api,
                op.method.to_uppercase(),
                op.path,
                op.operation_id
            );
            for change in &op.changes {
                let tag = match change.impact {
                    Impact::Breaking => "breaking",
                    Impact::Additive => "additive",
                };
                let _ = writeln!(out, "  [{tag}] {}", change.description);
            }
        }
        if !self.renames.is_empty() {
            let _ = writeln!(out, "{}: renames", self.api);
        }
        for rename in &self.renames {
            let place = match rename.operations.as_slice() {
                [] => String::new(),
                [one] => format!(" ({one})"),
                [first, rest @ ..] => format!(" ({first} and {} more)", rest.len()),
            };
            let _ = writeln!(
                out,
                "  [breaking] {} `{}` → `{}`{place}",
                rename.kind, rename.from, rename.to
            );
        }
        if !self.types.is_empty() {
            let _ = writeln!(out, "{}: types", self.api);
        }
        for change in &self.types {
            let tag = match change.impact {
                Impact::Breaking => "breaking",
                Impact::Additive => "additive",
            };
            let _ = writeln!(out, "  [{tag}] {}", change.description);
        }
        for omitted in &self.omitted {
            let _ = writeln!(out, "{}: left out by the generator: {omitted}", self.api);
        }
        for key in &self.superseded {
            let _ = writeln!(
                out,
                "{}: superseded: {key} is derived from the SDK and now upstream has it; remove it from sdk-derived.yaml (`cargo xtask update-specs --prune-derived`)",
                self.api
            );
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }
}

/// Compares two models of an API ([`crate::api_model`]).
pub fn diff(api: &str, old: &ApiModel, new: &ApiModel) -> DriftReport {
    let key = |op: &Operation| (op.path.clone(), op.method.to_lowercase());
    let old_ops: BTreeMap<_, &Operation> = old.operations.iter().map(|o| (key(o), o)).collect();
    let new_ops: BTreeMap<_, &Operation> = new.operations.iter().map(|o| (key(o), o)).collect();
    let mut drift = Vec::new();
    for (key, new_op) in &new_ops {
        let changes = match old_ops.get(key) {
            None => vec![additive("operation added".into())],
            Some(old_op) => compare(old_op, new_op),
        };
        if !changes.is_empty() {
            drift.push(op_drift(key, &new_op.name, changes));
        }
    }
    for (key, old_op) in &old_ops {
        if !new_ops.contains_key(key) {
            drift.push(op_drift(
                key,
                &old_op.name,
                vec![breaking("operation removed".into())],
            ));
        }
    }
    let (mut types, renamed) = type_changes(&old.types, &new.types);
    types.extend(event_changes(&old.events, &new.events));
    let (old_users, new_users) = (type_users(old), type_users(new));
    let mut renames: Vec<Rename> = renamed
        .iter()
        .map(|(from, to)| Rename {
            kind: "type",
            from: from.clone(),
            to: to.clone(),
            operations: new_users
                .get(to)
                .or_else(|| old_users.get(from))
                .map(|users| users.iter().cloned().collect())
                .unwrap_or_default(),
        })
        .collect();
    for (key, new_op) in &new_ops {
        if let Some(old_op) = old_ops.get(key)
            && old_op.route.dotted() != new_op.route.dotted()
        {
            renames.push(Rename {
                kind: "call",
                from: old_op.route.dotted(),
                to: new_op.route.dotted(),
                operations: vec![format!("{} {}", new_op.method, new_op.path)],
            });
        }
    }
    renames.sort();
    // A type change that only spells a renamed type's new name is the rename.
    let explained = |change: &Change| {
        change
            .retype
            .as_ref()
            .is_some_and(|(before, after)| &with_renames(before, &renamed) == after)
    };
    types.retain(|c| !explained(c));
    for op in &mut drift {
        op.changes.retain(|c| !explained(c));
    }
    drift.retain(|op| !op.changes.is_empty());
    drift.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let count = |impact| {
        drift
            .iter()
            .flat_map(|o| &o.changes)
            .chain(&types)
            .filter(|c| c.impact == impact)
            .count()
    };
    DriftReport {
        api: api.to_owned(),
        breaking: count(Impact::Breaking) + renames.len(),
        additive: count(Impact::Additive),
        omitted: new.omitted.clone(),
        operations: drift,
        types,
        renames,
        superseded: Vec::new(),
    }
}

/// The operations holding each named type (`GET /chats`): through their
/// parameters, bodies, answers and stream items, and the fields of the
/// structs those hold; and the webhook events (`webhook connection.created`).
pub fn type_users(model: &ApiModel) -> BTreeMap<String, BTreeSet<String>> {
    let named = |ty: &str| -> Vec<String> {
        ty.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| model.types.contains_key(*word))
            .map(str::to_owned)
            .collect()
    };
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut roots: Vec<(String, Vec<String>)> = model
        .events
        .iter()
        .map(|event| (format!("webhook {}", event.name), named(&event.ty)))
        .collect();
    for op in &model.operations {
        let mut todo: Vec<String> = Vec::new();
        for param in &op.params {
            todo.extend(named(&param.ty));
        }
        if let Some(body) = &op.body {
            todo.extend(named(&body.ty));
            for field in &body.fields {
                todo.extend(named(&field.ty));
            }
        }
        if let ResponseKind::Json(ty) = &op.response {
            todo.extend(named(ty));
        }
        if let Some(paging) = &op.pagination {
            todo.extend(named(&paging.item));
        }
        roots.push((format!("{} {}", op.method, op.path), todo));
    }
    for (label, mut todo) in roots {
        while let Some(ty) = todo.pop() {
            if !users.entry(ty.clone()).or_default().insert(label.clone()) {
                continue;
            }
            match model.types.get(&ty) {
                Some(NamedType::Struct(fields)) => {
                    for field in fields {
                        todo.extend(named(&field.ty));
                    }
                }
                Some(NamedType::Enum { holds, .. } | NamedType::Union(holds)) => {
                    for held in holds {
                        todo.extend(named(held));
                    }
                }
                None => {}
            }
        }
    }
    users
}

/// `ty` with every renamed type's old name replaced by its new one.
fn with_renames(ty: &str, renamed: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(renamed.get(word.as_str()).unwrap_or(word));
        word.clear();
    };
    for c in ty.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Webhook events added (additive), removed or retyped (breaking: callers
/// match on their `Event` variants).
fn event_changes(old: &[model::WebhookEvent], new: &[model::WebhookEvent]) -> Vec<Change> {
    let mut changes = Vec::new();
    for event in new {
        match old.iter().find(|e| e.name == event.name) {
            None => changes.push(additive(format!(
                "webhook event `{}` added (`Event::{}`)",
                event.name, event.variant
            ))),
            Some(before) if before.ty != event.ty => changes.push(retyped(
                &format!("webhook event `{}`", event.name),
                rust(&before.ty),
                rust(&event.ty),
            )),
            Some(_) => {}
        }
    }
    for event in old {
        if !new.iter().any(|e| e.name == event.name) {
            changes.push(breaking(format!(
                "webhook event `{}` removed (it is `Event::Unknown` now)",
                event.name
            )));
        }
    }
    changes
}

fn breaking(description: String) -> Change {
    Change {
        impact: Impact::Breaking,
        description,
        retype: None,
    }
}

fn additive(description: String) -> Change {
    Change {
        impact: Impact::Additive,
        description,
        retype: None,
    }
}

/// `{what} type changed: `before` → `after``, breaking.
fn retyped(what: &str, before: String, after: String) -> Change {
    Change {
        retype: Some((before.clone(), after.clone())),
        ..breaking(format!("{what} type changed: `{before}` → `{after}`"))
    }
}

/// Types removed (breaking), added (additive) and renamed (returned apart: a
/// removed and an added struct with the same, non-empty field names, or enum
/// with the same variants, and no other removed or added type with those);
/// the fields of structs and the variants of enums of the same name.
fn type_changes(
    old: &BTreeMap<String, NamedType>,
    new: &BTreeMap<String, NamedType>,
) -> (Vec<Change>, BTreeMap<String, String>) {
    let wire_names = |t: &NamedType| -> BTreeSet<String> {
        match t {
            NamedType::Struct(fields) => fields.iter().map(|f| f.wire.clone()).collect(),
            // An enum is known by its variants (prefixed: never a struct's fields).
            NamedType::Enum { variants, .. } => {
                variants.iter().map(|v| format!("enum:{v}")).collect()
            }
            // A union is known by its parts' names, which carry its own.
            NamedType::Union(parts) => parts.iter().map(|p| format!("union:{p}")).collect(),
        }
    };
    let removed: Vec<&String> = old.keys().filter(|n| !new.contains_key(*n)).collect();
    let added: Vec<&String> = new.keys().filter(|n| !old.contains_key(*n)).collect();
    let mut renamed: BTreeMap<&String, &String> = BTreeMap::new();
    for from in &removed {
        let fields = wire_names(&old[*from]);
        let same = |names: &[&String], types: &BTreeMap<String, NamedType>| {
            names
                .iter()
                .filter(|n| wire_names(&types[**n]) == fields)
                .count()
        };
        let twin = added.iter().find(|n| wire_names(&new[**n]) == fields);
        if let Some(to) = twin
            && same(&added, new) == 1
            && same(&removed, old) == 1
            && !fields.is_empty()
        {
            renamed.insert(from, to);
        }
    }
    let mut changes = Vec::new();
    for name in removed.iter().filter(|n| !renamed.contains_key(**n)) {
        changes.push(breaking(format!("type `{name}` removed")));
    }
    let renamed_to: BTreeSet<&String> = renamed.values().copied().collect();
    for name in added.iter().filter(|n| !renamed_to.contains(**n)) {
        changes.push(additive(format!("type `{name}` added")));
    }
    for (name, before) in old {
        let Some(after) = new.get(name) else { continue };
        let label = format!("type `{name}`");
        match (before, after) {
            (NamedType::Struct(a), NamedType::Struct(b)) => {
                compare_fields(&label, a, b, Side::Response, &mut changes);
            }
            (NamedType::Enum { variants: a, .. }, NamedType::Enum { variants: b, .. }) => {
                for gone in a.iter().filter(|v| !b.contains(v)) {
                    changes.push(breaking(format!("{label}: variant `{gone}` removed")));
                }
                for new_variant in b.iter().filter(|v| !a.contains(v)) {
                    changes.push(additive(format!("{label}: variant `{new_variant}` added")));
                }
            }
            (NamedType::Union(a), NamedType::Union(b)) => {
                let shown = |parts: &[String]| {
                    parts
                        .iter()
                        .map(|p| rust(p))
                        .collect::<Vec<_>>()
                        .join(" | ")
                };
                if shown(a) != shown(b) {
                    changes.push(retyped(&format!("{label}: union"), shown(a), shown(b)));
                }
            }
            _ => changes.push(breaking(format!("{label} changed kind (struct / enum)"))),
        }
    }
    changes.sort();
    let renamed = renamed
        .into_iter()
        .map(|(from, to)| (from.clone(), to.clone()))
        .collect();
    (changes, renamed)
}

fn op_drift(key: &(String, String), name: &str, mut changes: Vec<Change>) -> OperationDrift {
    changes.sort();
    OperationDrift {
        path: key.0.clone(),
        method: key.1.clone(),
        operation_id: name.to_owned(),
        changes,
    }
}

fn compare(old: &Operation, new: &Operation) -> Vec<Change> {
    let mut changes = Vec::new();
    // A changed route is listed with the renames; the raw client's method
    // follows the operation id.
    if old.name != new.name && old.route.dotted() == new.route.dotted() {
        changes.push(breaking(format!(
            "raw client method renamed: `{}` → `{}`",
            old.name, new.name
        )));
    }
    compare_params(&old.params, &new.params, &mut changes);
    match (&old.body, &new.body) {
        (None, None) => {}
        (None, Some(body)) => {
            let needed = body.fields.iter().any(|f| !f.optional && !f.has_default);
            let change = format!("request body added ({:?})", body.encoding);
            changes.push(if needed {
                breaking(change)
            } else {
                additive(change)
            });
        }
        (Some(_), None) => changes.push(breaking("request body removed".into())),
        (Some(a), Some(b)) => {
            if a.encoding != b.encoding {
                changes.push(breaking(format!(
                    "request body encoding changed: {:?} → {:?}",
                    a.encoding, b.encoding
                )));
            }
            if a.ty != b.ty {
                changes.push(retyped("request body", rust(&a.ty), rust(&b.ty)));
            }
            compare_fields(
                "request body",
                &a.fields,
                &b.fields,
                Side::Request,
                &mut changes,
            );
        }
    }
    if old.response != new.response {
        let (before, after) = (response(&old.response), response(&new.response));
        changes.push(Change {
            retype: Some((before.clone(), after.clone())),
            ..breaking(format!("response changed: {before} → {after}"))
        });
    }
    match (&old.pagination, &new.pagination) {
        (None, Some(p)) => changes.push(additive(format!("stream added: {}", p.style))),
        (Some(_), None) => {
            let why = new.no_stream.as_deref().unwrap_or("paging not recognised");
            changes.push(breaking(format!("stream removed: {why}")));
        }
        (Some(a), Some(b)) => {
            if a.item != b.item {
                changes.push(retyped("stream item", rust(&a.item), rust(&b.item)));
            }
            if a.style != b.style || a.items != b.items {
                changes.push(additive(format!(
                    "paging changed: {} in `{}` → {} in `{}`",
                    a.style, a.items, b.style, b.items
                )));
            }
        }
        (None, None) => {}
    }
    changes
}

/// A generated type as a reader writes it: `NonZeroU64`, `Vec<types::Media>`.
fn rust(ty: &str) -> String {
    let mut out = crate::facade::compact(ty);
    for prefix in [
        "::std::num::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::option::",
        "::std::boxed::",
        runtime_path!("::"),
    ] {
        out = out.replace(prefix, "");
    }
    out
}

fn response(kind: &ResponseKind) -> String {
    match kind {
        ResponseKind::Json(ty) => format!("`{}`", rust(ty)),
        ResponseKind::Empty => "no body".into(),
        ResponseKind::Bytes => "bytes".into(),
    }
}

fn compare_params(old: &[model::Param], new: &[model::Param], out: &mut Vec<Change>) {
    let label = |p: &model::Param| {
        let place = match p.location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        };
        format!("parameter `{}` ({place})", p.wire)
    };
    // A parameter only the upstream documentation named (the SDK did not
    // send it) was seeded with the type `string`: say so, so that its change
    // reads as the SDK's first word on it rather than a vendor change.
    let seeded = |before: &model::Param, after: &model::Param| match (
        before.upstream_only,
        after.upstream_only,
    ) {
        (true, false) => " [was documented upstream only: the SDK now sends it]",
        (true, true) => " [documented upstream only: the SDK does not send it]",
        (false, true) => " [now documented upstream only: the SDK no longer sends it]",
        (false, false) => "",
    };
    let find = |list: &[model::Param], p: &model::Param| {
        list.iter()
            .find(|q| q.wire == p.wire && q.location == p.location)
            .cloned()
    };
    for param in new {
        let Some(before) = find(old, param) else {
            let name = label(param);
            let (impact, req) = if param.required {
                (Impact::Breaking, "required")
            } else {
                (Impact::Additive, "optional")
            };
            out.push(Change {
                impact,
                description: format!(
                    "{name} added ({req}, `{}`){}",
                    rust(&param.ty),
                    seeded(param, param)
                ),
                retype: None,
            });
            continue;
        };
        let name = label(param);
        let start = out.len();
        if before.ty != param.ty {
            out.push(retyped(&name, rust(&before.ty), rust(&param.ty)));
        }
        if before.required != param.required {
            let (impact, now) = if param.required {
                (Impact::Breaking, "required")
            } else {
                (Impact::Additive, "optional")
            };
            out.push(Change {
                impact,
                description: format!("{name} is now {now}"),
                retype: None,
            });
        }
        compare_checks(&name, &before.checks, &param.checks, out);
        for change in &mut out[start..] {
            change.description.push_str(seeded(&before, param));
        }
    }
    for param in old {
        if find(new, param).is_none() {
            out.push(breaking(format!(
                "{} removed{}",
                label(param),
                seeded(param, param)
            )));
        }
    }
}

/// What is checked before sending: a value that passed before and is
/// refused now breaks callers; the reverse is new capability.
fn compare_checks(name: &str, old: &Checks, new: &Checks, out: &mut Vec<Change>) {
    let removed: Vec<&String> = old
        .one_of
        .iter()
        .filter(|v| !new.one_of.contains(v))
        .collect();
    let added: Vec<&String> = new
        .one_of
        .iter()
        .filter(|v| !old.one_of.contains(v))
        .collect();
    let list = |values: &[&String]| {
        values
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if new.one_of.is_empty() && !old.one_of.is_empty() {
        out.push(additive(format!(
            "{name} enum values changed: now any value"
        )));
    } else if old.one_of.is_empty() && !new.one_of.is_empty() {
        out.push(breaking(format!(
            "{name} now one of: {}",
            new.one_of.join(", ")
        )));
    } else {
        if !removed.is_empty() {
            out.push(breaking(format!(
                "{name} enum values removed: {}",
                list(&removed)
            )));
        }
        if !added.is_empty() {
            out.push(additive(format!(
                "{name} enum values added: {}",
                list(&added)
            )));
        }
    }
    let bound = |what: &str, before: Option<f64>, after: Option<f64>, lower: bool| {
        if before == after {
            return None;
        }
        let show = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| v.to_string());
        let tighter = match (before, after) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(b), Some(a)) => (lower && a > b) || (!lower && a < b),
        };
        let text = format!("{name} {what}: {} → {}", show(before), show(after));
        Some(if tighter {
            breaking(text)
        } else {
            additive(text)
        })
    };
    let as_f64 = |v: Option<u64>| v.map(|v| v as f64);
    for (bound_name, before, after) in [
        ("minimum", old.exclusive_minimum, new.exclusive_minimum),
        ("maximum", old.exclusive_maximum, new.exclusive_maximum),
    ] {
        if before != after {
            let text = format!(
                "{name} {bound_name}: {}",
                if after {
                    "now exclusive"
                } else {
                    "now inclusive"
                }
            );
            out.push(if after {
                breaking(text)
            } else {
                additive(text)
            });
        }
    }
    out.extend(
        [
            bound("minimum", old.minimum, new.minimum, true),
            bound("maximum", old.maximum, new.maximum, false),
            bound(
                "minimum length",
                as_f64(old.min_length),
                as_f64(new.min_length),
                true,
            ),
            bound(
                "maximum length",
                as_f64(old.max_length),
                as_f64(new.max_length),
                false,
            ),
        ]
        .into_iter()
        .flatten(),
    );
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Fields callers set: a new required one breaks them.
    Request,
    /// Fields callers read: a new one is new capability.
    Response,
}

fn compare_fields(
    owner: &str,
    old: &[model::Field],
    new: &[model::Field],
    side: Side,
    out: &mut Vec<Change>,
) {
    let find = |list: &[model::Field], wire: &str| list.iter().find(|f| f.wire == wire).cloned();
    let shown = |f: &model::Field| {
        if f.optional {
            format!("Option<{}>", rust(&f.ty))
        } else {
            rust(&f.ty)
        }
    };
    for field in new {
        let name = format!("{owner}: field `{}`", field.wire);
        let Some(before) = find(old, &field.wire) else {
            let needed = !field.optional && !field.has_default;
            let impact = if side == Side::Request && needed {
                Impact::Breaking
            } else {
                Impact::Additive
            };
            out.push(Change {
                impact,
                description: format!("{name} added (`{}`)", shown(field)),
                retype: None,
            });
            continue;
        };
        if shown(&before) != shown(field) {
            out.push(retyped(&name, shown(&before), shown(field)));
        }
        compare_checks(&name, &before.checks, &field.checks, out);
    }
    for field in old {
        if find(new, &field.wire).is_none() {
            out.push(breaking(format!("{owner}: field `{}` removed", field.wire)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn model(doc: &Value) -> ApiModel {
        crate::api_model(crate::apis::OFAUTH, doc.clone()).expect("the test spec generates")
    }

    fn diff(api: &str, old: &Value, new: &Value) -> DriftReport {
        super::diff(api, &model(old), &model(new))
    }

    fn spec(extra_params: &str, response_props: &str) -> Value {
        let yaml = format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /chats:
    get:
      operationId: list_chats
      parameters:
        - {{name: limit, in: query, schema: {{type: integer}}}}
{extra_params}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [list]
                properties:
                  list:
                    type: array
                    items:
                      type: object
                      required: [id]
                      properties:
                        id: {{type: number}}
{response_props}
"#
        );
        serde_norway::from_str(&yaml).unwrap()
    }

    const BASE_PARAMS: &str =
        "        - {name: order, in: query, schema: {type: string, enum: [recent, old]}}";
    const BASE_PROPS: &str = "                        text: {type: string, example: hi}\n                        kind: {type: string, enum: [photo, video]}";

    fn report(params: &str, props: &str) -> String {
        diff("test", &spec(BASE_PARAMS, BASE_PROPS), &spec(params, props)).to_text()
    }

    #[test]
    fn no_drift_for_examples_descriptions_and_key_order() {
        let props = "                        kind: {enum: [photo, video], type: string, description: new words}\n                        text: {type: string, example: bye}";
        insta::assert_snapshot!(report(BASE_PARAMS, props), @"test: 0 breaking, 0 additive");
    }

    #[test]
    fn parameter_changes() {
        let params = "        - {name: order, in: query, required: true, schema: {type: string, enum: [recent, old, top]}}\n        - {name: query, in: query, schema: {type: string}}\n        - {name: userListId, in: query, required: true, schema: {type: integer}}";
        insta::assert_snapshot!(report(params, BASE_PROPS));
    }

    #[test]
    fn parameter_removed_enum_narrowed_and_type_changed() {
        let params = "        - {name: order, in: query, schema: {type: string, enum: [recent]}}";
        let mut new = spec(params, BASE_PROPS);
        new["paths"]["/chats"]["get"]["parameters"][0]["schema"]["type"] = "string".into();
        insta::assert_snapshot!(diff("test", &spec(BASE_PARAMS, BASE_PROPS), &new).to_text());
    }

    #[test]
    fn response_field_changes() {
        let props = "                        text: {type: string, nullable: true}\n                        kind: {type: string, enum: [photo, video, gif]}\n                        price: {type: number}";
        insta::assert_snapshot!(report(BASE_PARAMS, props));
    }

    #[test]
    fn response_field_removed_and_retyped() {
        let props = "                        kind: {type: integer}";
        insta::assert_snapshot!(report(BASE_PARAMS, props));
    }

    #[test]
    fn identity_changes_break() {
        let mut new = spec(BASE_PARAMS, BASE_PROPS);
        new["paths"]["/chats"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["properties"]["list"]["items"]
            .as_object_mut()
            .unwrap()
            .remove("required");
        insta::assert_snapshot!(diff("test", &spec(BASE_PARAMS, BASE_PROPS), &new).to_text());
    }

    /// An operation added beside another renames none of its types (each
    /// type carries its operation's name); the vendor renaming an operation
    /// renames its types, each paired, listed once, with its operation.
    #[test]
    fn renamed_and_added_types() {
        let old = spec(BASE_PARAMS, BASE_PROPS);
        let mut added = old.clone();
        let mut fans = old["paths"]["/chats"].clone();
        fans["get"]["operationId"] = "list_fans".into();
        fans["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["list"]
            ["items"]["properties"] = serde_json::json!({"name": {"type": "string"}});
        added["paths"]["/fans"] = fans;
        insta::assert_snapshot!(diff("test", &old, &added).to_text(), @r"
        test: GET /fans (list_fans)
          [additive] operation added
        test: types
          [additive] type `ListFansList` added
          [additive] type `ListFansOrder` added
          [additive] type `ListFansResponse` added
        test: 0 breaking, 4 additive
        ");

        let mut renamed = old.clone();
        renamed["paths"]["/chats"]["get"]["operationId"] = "list_conversations".into();
        let report = diff("test", &old, &renamed);
        insta::assert_snapshot!(report.to_text(), @r"
        test: renames
          [breaking] call `other.list_chats` → `other.list_conversations` (GET /chats)
          [breaking] type `ListChatsList` → `ListConversationsList` (GET /chats)
          [breaking] type `ListChatsOrder` → `ListConversationsOrder` (GET /chats)
          [breaking] type `ListChatsResponse` → `ListConversationsResponse` (GET /chats)
        test: 4 breaking, 0 additive
        ");
        assert!(
            report
                .renames
                .iter()
                .filter(|r| r.kind == "type")
                .all(|r| r.operations == ["GET /chats"]),
            "{report:?}"
        );
    }

    /// An operation placed under another resource is a call rename, listed
    /// once with the renames (and not again as a raw method rename).
    #[test]
    fn a_moved_call_is_a_rename() {
        let old = spec(BASE_PARAMS, BASE_PROPS);
        let mut new = old.clone();
        new["paths"]["/chats"]["get"]["tags"] = serde_json::json!(["Messages"]);
        let report = diff("test", &old, &new);
        assert_eq!(report.renames.len(), 1, "{}", report.to_text());
        let rename = &report.renames[0];
        assert_eq!(
            (rename.kind, rename.from.as_str(), rename.to.as_str()),
            ("call", "other.list_chats", "messages.list_chats")
        );
        assert_eq!(rename.operations, ["GET /chats"]);
        assert!(report.operations.is_empty(), "{}", report.to_text());
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["renames"][0]["kind"], "call");
    }

    #[test]
    fn operations_added_removed_and_omitted() {
        let old = spec(BASE_PARAMS, BASE_PROPS);
        let mut new = old.clone();
        let paths = new["paths"].as_object_mut().unwrap();
        let chats = paths.remove("/chats").unwrap();
        paths.insert("/v2/chats".into(), chats);
        paths.insert(
            "/upload".into(),
            serde_json::json!({"post": {"operationId": "upload", "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}, "responses": {"200": {"description": "ok"}}}}),
        );
        let report = diff("test", &old, &new);
        // The CSV upload is left out, so it is listed with its reason, not added.
        assert_eq!((report.breaking, report.additive), (1, 1));
        assert_eq!(report.omitted.len(), 1, "{report:?}");
        insta::assert_snapshot!(report.to_text());
        insta::assert_json_snapshot!(report);
    }
}
