//! Spec drift in words: what changed between two versions of a spec for the
//! callers of this crate, each change classified as breaking or additive.
//!
//! Semantic, not textual: both versions go through the same view as generation
//! ([`crate::normalize::semantic_view`]), `$ref`s are resolved, and only what
//! shapes the generated code is compared (paths, methods, parameters, field
//! types, enums, required, nullable). Key order, descriptions and examples are
//! not drift.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use crate::merge::OperationKey;
use crate::normalize::{self, Omitted};
use crate::summary;
use crate::walk::{METHODS, resolve_ref};

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
    /// Named types of the generated code (`raw::types`) added, removed or
    /// renamed: a rename breaks every caller that names the type.
    pub types: Vec<Change>,
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
        self.operations.is_empty() && self.types.is_empty()
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

/// Compares two versions of a spec (vendored text parsed, overlay applied).
pub fn diff(api: &str, old: &Value, new: &Value) -> DriftReport {
    let old_ops = operations(&normalize::semantic_view(old.clone()));
    let new_ops = operations(&normalize::semantic_view(new.clone()));
    let mut drift = Vec::new();
    for (key, new_op) in &new_ops {
        let changes = match old_ops.get(key) {
            None => vec![Change {
                impact: Impact::Additive,
                description: "operation added".into(),
            }],
            Some(old_op) => compare(old_op, new_op),
        };
        if !changes.is_empty() {
            drift.push(op_drift(key, &new_op.id, changes));
        }
    }
    for (key, old_op) in &old_ops {
        if !new_ops.contains_key(key) {
            let change = Change {
                impact: Impact::Breaking,
                description: "operation removed".into(),
            };
            drift.push(op_drift(key, &old_op.id, vec![change]));
        }
    }
    drift.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    let new_normalized = normalize::normalize(new.clone());
    let types = type_changes(
        &named_types(&normalize::normalize(old.clone()).spec),
        &named_types(&new_normalized.spec),
    );
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
        breaking: count(Impact::Breaking),
        additive: count(Impact::Additive),
        omitted: new_normalized.report.omitted,
        operations: drift,
        types,
        superseded: Vec::new(),
    }
}

/// The named types of a normalized spec (its components, which become
/// `raw::types`), each with the names of its fields.
fn named_types(normalized: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let Some(schemas) = normalized
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    schemas
        .iter()
        .map(|(name, schema)| {
            let fields = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            (name.clone(), fields)
        })
        .collect()
}

/// Types removed (breaking), added (additive) and renamed (breaking): a
/// removed and an added type with the same, non-empty field names, and no
/// other removed or added type with those fields, are one type renamed.
fn type_changes(
    old: &BTreeMap<String, BTreeSet<String>>,
    new: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Change> {
    let removed: Vec<&String> = old.keys().filter(|n| !new.contains_key(*n)).collect();
    let added: Vec<&String> = new.keys().filter(|n| !old.contains_key(*n)).collect();
    let mut renamed: BTreeMap<&String, &String> = BTreeMap::new();
    for from in &removed {
        let fields = &old[*from];
        let same = |names: &[&String], types: &BTreeMap<String, BTreeSet<String>>| {
            names.iter().filter(|n| &types[**n] == fields).count()
        };
        let twin = added.iter().find(|n| &new[**n] == fields);
        if let Some(to) = twin
            && same(&added, new) == 1
            && same(&removed, old) == 1
            && !fields.is_empty()
        {
            renamed.insert(from, to);
        }
    }
    let mut changes = Vec::new();
    for (from, to) in &renamed {
        changes.push(Change {
            impact: Impact::Breaking,
            description: format!("type `{from}` renamed to `{to}` (same fields)"),
        });
    }
    for name in removed.iter().filter(|n| !renamed.contains_key(**n)) {
        changes.push(Change {
            impact: Impact::Breaking,
            description: format!("type `{name}` removed"),
        });
    }
    let renamed_to: BTreeSet<&String> = renamed.values().copied().collect();
    for name in added.iter().filter(|n| !renamed_to.contains(**n)) {
        changes.push(Change {
            impact: Impact::Additive,
            description: format!("type `{name}` added"),
        });
    }
    changes.sort();
    changes
}

fn op_drift(key: &(String, String), id: &str, mut changes: Vec<Change>) -> OperationDrift {
    changes.sort();
    OperationDrift {
        path: key.0.clone(),
        method: key.1.clone(),
        operation_id: id.to_owned(),
        changes,
    }
}

/// What the generated code depends on, for one field or parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    ty: String,
    values: Option<BTreeSet<String>>,
    required: bool,
    nullable: bool,
}

#[derive(Debug, Default)]
struct Operation {
    id: String,
    params: BTreeMap<String, Field>,
    request: BTreeMap<String, Field>,
    response: BTreeMap<String, Field>,
}

fn operations(doc: &Value) -> BTreeMap<(String, String), Operation> {
    let mut out = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let shared = item.get("parameters").and_then(Value::as_array);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let mut operation = Operation {
                id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned(),
                ..Default::default()
            };
            let own = op.get("parameters").and_then(Value::as_array);
            for param in shared.into_iter().chain(own).flatten() {
                let param = resolve_ref(doc, param);
                let name = format!(
                    "`{}` ({})",
                    param.get("name").and_then(Value::as_str).unwrap_or("?"),
                    param.get("in").and_then(Value::as_str).unwrap_or("?")
                );
                let schema = param
                    .get("schema")
                    .map(|s| resolve_ref(doc, s))
                    .unwrap_or(&Value::Null);
                let required = param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                operation.params.insert(name, field(schema, required));
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                flatten(
                    doc,
                    schema,
                    "",
                    true,
                    &mut operation.request,
                    &mut Vec::new(),
                );
            }
            if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('2')) {
                    let response = resolve_ref(doc, response);
                    if let Some(schema) = response.pointer("/content/application~1json/schema") {
                        let prefix = format!("{status} ");
                        flatten(
                            doc,
                            schema,
                            &prefix,
                            true,
                            &mut operation.response,
                            &mut Vec::new(),
                        );
                    }
                }
            }
            out.insert((path.clone(), method.to_owned()), operation);
        }
    }
    out
}

fn field(schema: &Value, required: bool) -> Field {
    let ty = match schema.get("type").and_then(Value::as_str) {
        Some("array") => "array".to_owned(),
        Some("object") => "object".to_owned(),
        Some(t) => match schema.get("format").and_then(Value::as_str) {
            Some(f) => format!("{t}<{f}>"),
            None => t.to_owned(),
        },
        None if schema.get("properties").is_some() => "object".to_owned(),
        None => {
            let mut s = schema.clone();
            if let Some(o) = s.as_object_mut() {
                o.remove("nullable");
            }
            summary::describe(&s)
        }
    };
    Field {
        ty,
        values: schema.get("enum").and_then(Value::as_array).map(|v| {
            v.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                .collect()
        }),
        required,
        nullable: schema
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// Every field below `schema`, keyed by its path (`list[].lastMessage.id`).
fn flatten(
    doc: &Value,
    schema: &Value,
    path: &str,
    required: bool,
    out: &mut BTreeMap<String, Field>,
    stack: &mut Vec<String>,
) {
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(r) = &reference {
        if stack.contains(r) {
            out.insert(
                path.to_owned(),
                Field {
                    ty: format!("recursive {}", r.rsplit('/').next().unwrap_or(r)),
                    values: None,
                    required,
                    nullable: false,
                },
            );
            return;
        }
        stack.push(r.clone());
    }
    let schema = resolve_ref(doc, schema);
    out.insert(path.to_owned(), field(schema, required));
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let required_names: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, sub) in props {
            let sub_path = if path.is_empty() || path.ends_with(' ') {
                format!("{path}{name}")
            } else {
                format!("{path}.{name}")
            };
            flatten(
                doc,
                sub,
                &sub_path,
                required_names.contains(name.as_str()),
                out,
                stack,
            );
        }
    }
    if let Some(items) = schema.get("items") {
        flatten(doc, items, &format!("{path}[]"), true, out, stack);
    }
    if reference.is_some() {
        stack.pop();
    }
}

fn compare(old: &Operation, new: &Operation) -> Vec<Change> {
    let mut changes = Vec::new();
    compare_fields(
        "parameter",
        &old.params,
        &new.params,
        Side::Request,
        &mut changes,
    );
    compare_fields(
        "request field",
        &old.request,
        &new.request,
        Side::Request,
        &mut changes,
    );
    compare_fields(
        "response field",
        &old.response,
        &new.response,
        Side::Response,
        &mut changes,
    );
    changes
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

fn compare_fields(
    kind: &str,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    side: Side,
    out: &mut Vec<Change>,
) {
    let mut push = |impact, description: String| {
        out.push(Change {
            impact,
            description,
        })
    };
    let label = |name: &str| {
        if name.starts_with('`') {
            format!("{kind} {name}")
        } else {
            format!("{kind} `{}`", name.trim())
        }
    };
    for (name, field) in new {
        let Some(before) = old.get(name) else {
            // A new required input breaks every existing call; anything else is new capability.
            let impact = if side == Side::Request && field.required {
                Impact::Breaking
            } else {
                Impact::Additive
            };
            let req = if field.required {
                "required"
            } else {
                "optional"
            };
            push(
                impact,
                format!("{} added ({req}, {})", label(name), field.ty),
            );
            continue;
        };
        if before.ty != field.ty {
            push(
                Impact::Breaking,
                format!("{} type changed: {} → {}", label(name), before.ty, field.ty),
            );
        }
        if before.values != field.values {
            let old_values = before.values.clone().unwrap_or_default();
            let new_values = field.values.clone().unwrap_or_default();
            let added: Vec<_> = new_values.difference(&old_values).cloned().collect();
            let removed: Vec<_> = old_values.difference(&new_values).cloned().collect();
            // Response enums decode as open strings, so only a request losing
            // a value (or gaining a closed list) breaks callers.
            let impact = match side {
                Side::Response => Impact::Additive,
                Side::Request if removed.is_empty() && before.values.is_some() => Impact::Additive,
                Side::Request => Impact::Breaking,
            };
            let mut what = Vec::new();
            if !added.is_empty() {
                what.push(format!("added {}", added.join(", ")));
            }
            if !removed.is_empty() {
                what.push(format!("removed {}", removed.join(", ")));
            }
            if field.values.is_none() {
                what = vec!["now any value".into()];
            }
            push(
                impact,
                format!("{} enum values changed: {}", label(name), what.join("; ")),
            );
        }
        let is_identity = name.rsplit(['.', ' ']).next() == Some("id");
        if before.required != field.required {
            let impact = match side {
                Side::Request => Impact::Breaking,
                // Responses decode every non-id field as optional anyway.
                Side::Response if is_identity => Impact::Breaking,
                Side::Response => Impact::Additive,
            };
            let now = if field.required {
                "required"
            } else {
                "optional"
            };
            push(impact, format!("{} is now {now}", label(name)));
        }
        if before.nullable != field.nullable {
            let impact = match side {
                Side::Request if !field.nullable => Impact::Breaking,
                Side::Response if is_identity && field.nullable => Impact::Breaking,
                _ => Impact::Additive,
            };
            let now = if field.nullable {
                "nullable"
            } else {
                "no longer nullable"
            };
            push(impact, format!("{} is now {now}", label(name)));
        }
    }
    for (name, field) in old {
        if !new.contains_key(name) {
            // A removed optional request field only breaks callers that set it,
            // and the generated signature changes: breaking either way.
            let _ = field;
            push(Impact::Breaking, format!("{} removed", label(name)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A second list whose items take the name `List` renames the first
    /// operation's item type; the report says so.
    #[test]
    fn renamed_and_added_types() {
        let old = spec(BASE_PARAMS, BASE_PROPS);
        let mut new = old.clone();
        let mut fans = old["paths"]["/chats"].clone();
        fans["get"]["operationId"] = "list_fans".into();
        fans["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["list"]
            ["items"]["properties"] = serde_json::json!({"name": {"type": "string"}});
        new["paths"]["/fans"] = fans;
        insta::assert_snapshot!(diff("test", &old, &new).to_text(), @r"
        test: GET /fans (list_fans)
          [additive] operation added
        test: types
          [breaking] type `List` renamed to `ListChatsList` (same fields)
          [additive] type `ListFansList` added
        test: 1 breaking, 2 additive
        ");
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
            serde_json::json!({"post": {"operationId": "upload", "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}, "responses": {"200": {"description": "ok"}}}}),
        );
        let report = diff("test", &old, &new);
        assert_eq!((report.breaking, report.additive), (1, 2));
        insta::assert_snapshot!(report.to_text());
        insta::assert_json_snapshot!(report);
    }
}
