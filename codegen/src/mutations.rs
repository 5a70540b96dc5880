//! Vendor-plausible shapes the generator must survive, each as one operation
//! added to a vendored spec: nullable and union answers, scalars, maps,
//! mixed enums, recursion, empty schemas, every form of
//! `additionalProperties`, names that collide in Rust, parameters in every
//! location and style, operations without an id or a summary, non-ASCII
//! names. `cargo xtask generator-test` generates and compiles the crate with
//! them; the generator's own test (`codegen/tests/mutations.rs`) runs the
//! generator over each.
//!
//! Each case adds one path, `/v2/mutations/<case>`, under a tag the API
//! already has (so a build of that one resource includes it), and the
//! components it names, prefixed `Mutation`.

use std::path::Path;

use serde_json::{Value, json};

use crate::{ApiDef, Error};

/// One shape, as the operation that carries it.
#[derive(Debug, Clone, Copy)]
pub struct Mutation {
    /// Short, snake case: the path segment and the case's name.
    pub name: &'static str,
    /// What vendor text it stands for.
    pub shape: &'static str,
    /// Only in an OpenAPI 3.1 document (`type: [T, "null"]`).
    pub openapi_31: bool,
    /// What the generator must make of it.
    pub expect: Expect,
    /// `(method, operation, components)` of the case.
    build: fn() -> Case,
}

/// What the generator must make of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Generated, on the surface and in the drift report.
    Generated,
    /// Left out, with a reason holding this text, and named in the drift
    /// report: a shape the client cannot send correctly.
    LeftOut(&'static str),
}

/// What a case adds: the operation under its method, and components (by
/// kind: `{"schemas": {…}, "parameters": {…}}`).
struct Case {
    method: &'static str,
    operation: Value,
    components: Value,
    /// After the case's path (`/{thing_id}`).
    path_suffix: &'static str,
}

impl Mutation {
    /// The path the case adds.
    pub fn path(&self) -> String {
        format!("/v2/mutations/{}{}", self.name, (self.build)().path_suffix)
    }

    /// The case's operation id, if it has one.
    pub fn operation_id(&self) -> Option<String> {
        let case = (self.build)();
        case.operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Whether this case applies to `spec` (a 3.1 shape needs a 3.1 document).
    pub fn applies_to(&self, spec: &Value) -> bool {
        let version = spec.get("openapi").and_then(Value::as_str).unwrap_or("");
        !self.openapi_31 || version.starts_with("3.1")
    }

    /// Adds the case's operation under `tag`, and its components, to `spec`.
    pub fn apply(&self, spec: &mut Value, tag: &str) {
        let Case {
            method,
            mut operation,
            components,
            ..
        } = (self.build)();
        operation["tags"] = json!([tag]);
        let path = self.path();
        spec["paths"][path.as_str()][method] = operation;
        if let Value::Object(kinds) = components {
            for (kind, entries) in kinds {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for (name, entry) in entries {
                    spec["components"][kind.as_str()][name.as_str()] = entry;
                }
            }
        }
    }
}

/// Every case of `cases` that applies to `spec`, applied under `tag`.
pub fn apply_all(spec: &mut Value, tag: &str, cases: &[Mutation]) -> Vec<Mutation> {
    let applied: Vec<Mutation> = cases
        .iter()
        .filter(|m| m.applies_to(spec))
        .copied()
        .collect();
    for mutation in &applied {
        mutation.apply(spec, tag);
    }
    applied
}

/// The catalogue.
pub const ALL: &[Mutation] = &[
    Mutation {
        name: "nullable_answer",
        shape: "an answer that is `nullable: true` beside an `anyOf` of an object and `{}` (3.0)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "nullableAnswer",
                json!({
                    "nullable": true,
                    "anyOf": [
                        {"type": "object", "properties": {"id": {"type": "integer"}}},
                        {}
                    ]
                }),
            )
        },
    },
    Mutation {
        name: "null_typed_answer",
        shape: "an answer typed `[\"object\", \"null\"]` (3.1)",
        openapi_31: true,
        expect: Expect::Generated,
        build: || {
            get(
                "nullTypedAnswer",
                json!({
                    "type": ["object", "null"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}}
                }),
            )
        },
    },
    Mutation {
        name: "null_or_ref_answer",
        shape: "an answer that is a `$ref` or `null` (3.1 `anyOf` with `type: null`)",
        openapi_31: true,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "nullOrRefAnswer",
                    json!({"anyOf": [{"$ref": "#/components/schemas/MutationItem"}, {"type": "null"}]}),
                ),
                json!({"MutationItem": item()}),
            )
        },
    },
    Mutation {
        name: "nullable_ref_answer",
        shape: "an answer that is `nullable: true` beside `allOf: [$ref]` (3.0)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "nullableRefAnswer",
                    json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/MutationItem"}]}),
                ),
                json!({"MutationItem": item()}),
            )
        },
    },
    Mutation {
        name: "any_of_objects",
        shape: "an `anyOf` of two objects",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "anyOfObjects",
                json!({"anyOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {"type": "object", "properties": {"b": {"type": "integer"}}}
                ]}),
            )
        },
    },
    Mutation {
        name: "one_of_objects",
        shape: "a `oneOf` of two objects with a discriminating property",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "oneOfObjects",
                json!({"oneOf": [
                    {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["a"]}, "a": {"type": "string"}}},
                    {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["b"]}, "b": {"type": "number"}}}
                ]}),
            )
        },
    },
    Mutation {
        name: "all_of_objects",
        shape: "an `allOf` of a `$ref` and an inline object",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "allOfObjects",
                    json!({"allOf": [
                        {"$ref": "#/components/schemas/MutationItem"},
                        {"type": "object", "properties": {"extra": {"type": "boolean"}}}
                    ]}),
                ),
                json!({"MutationItem": item()}),
            )
        },
    },
    Mutation {
        name: "any_of_mixed",
        shape: "an `anyOf` of an array, an object and `{}`",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "anyOfMixed",
                json!({"anyOf": [
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {}
                ]}),
            )
        },
    },
    Mutation {
        name: "array_answer",
        shape: "an answer that is an array of objects",
        openapi_31: false,
        expect: Expect::Generated,
        build: || get("arrayAnswer", json!({"type": "array", "items": item()})),
    },
    Mutation {
        name: "map_answer",
        shape: "an answer that is a map (`additionalProperties` only)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "mapAnswer",
                json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            )
        },
    },
    Mutation {
        name: "string_answer",
        shape: "a JSON answer that is a string",
        openapi_31: false,
        expect: Expect::Generated,
        build: || get("stringAnswer", json!({"type": "string"})),
    },
    Mutation {
        name: "number_answer",
        shape: "a JSON answer that is a number",
        openapi_31: false,
        expect: Expect::Generated,
        build: || get("numberAnswer", json!({"type": "number"})),
    },
    Mutation {
        name: "boolean_answer",
        shape: "a JSON answer that is a boolean",
        openapi_31: false,
        expect: Expect::Generated,
        build: || get("booleanAnswer", json!({"type": "boolean"})),
    },
    Mutation {
        name: "mixed_enum",
        shape: "an enum of mixed types (string, integer, boolean, null)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "mixedEnum",
                json!({"type": "object", "properties": {
                    "state": {"enum": ["on", 1, true, null]}
                }}),
            )
        },
    },
    Mutation {
        name: "numeric_enum",
        shape: "enums of integers and of numbers, as an answer and a property",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "numericEnum",
                json!({"type": "object", "properties": {
                    "level": {"type": "integer", "enum": [1, 2, 3]},
                    "ratio": {"type": "number", "enum": [0.5, 1.5]}
                }}),
            )
        },
    },
    Mutation {
        name: "enum_name_clash",
        shape: "string enum values that make the same Rust variant (`a-b`, `a_b`, `A B`, ``)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "enumNameClash",
                json!({"type": "object", "properties": {
                    "mode": {"type": "string", "enum": ["a-b", "a_b", "A B", "", "1st"]}
                }}),
            )
        },
    },
    Mutation {
        name: "recursive_ref",
        shape: "a component that refers to itself through an array",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "recursiveRef",
                    json!({"$ref": "#/components/schemas/MutationNode"}),
                ),
                json!({"MutationNode": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "children": {"type": "array", "items": {"$ref": "#/components/schemas/MutationNode"}},
                        "parent": {"$ref": "#/components/schemas/MutationNode"}
                    }
                }}),
            )
        },
    },
    Mutation {
        name: "mutual_ref",
        shape: "two components that refer to each other",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "mutualRef",
                    json!({"$ref": "#/components/schemas/MutationLeft"}),
                ),
                json!({
                    "MutationLeft": {"type": "object", "properties": {
                        "name": {"type": "string"},
                        "right": {"$ref": "#/components/schemas/MutationRight"}
                    }},
                    "MutationRight": {"type": "object", "properties": {
                        "lefts": {"type": "array", "items": {"$ref": "#/components/schemas/MutationLeft"}}
                    }}
                }),
            )
        },
    },
    Mutation {
        name: "empty_schema_answer",
        shape: "an answer whose schema is `{}`",
        openapi_31: false,
        expect: Expect::Generated,
        build: || get("emptySchemaAnswer", json!({})),
    },
    Mutation {
        name: "empty_properties",
        shape: "an object with `{}` properties and an object without properties",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "emptyProperties",
                json!({"type": "object", "properties": {
                    "anything": {},
                    "bag": {"type": "object"},
                    "list": {"type": "array"}
                }}),
            )
        },
    },
    Mutation {
        name: "additional_properties",
        shape: "`additionalProperties` as true, false, a schema, `{}` and beside properties",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "additionalProperties",
                json!({"type": "object", "properties": {
                    "open": {"type": "object", "additionalProperties": true},
                    "closed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false},
                    "typed": {"type": "object", "additionalProperties": {"type": "string"}},
                    "empty": {"type": "object", "additionalProperties": {}},
                    "mixed": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}},
                    "nested": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": item()}}
                }}),
            )
        },
    },
    Mutation {
        name: "rust_keywords",
        shape: "properties named like Rust keywords (`type`, `self`, `Self`, `ref`, `crate`, `super`, `fn`, `async`)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            let names = [
                "type", "self", "Self", "ref", "crate", "super", "fn", "async", "await", "dyn",
                "match", "mod", "r#type",
            ];
            let properties: serde_json::Map<String, Value> = names
                .iter()
                .map(|n| ((*n).to_owned(), json!({"type": "string"})))
                .collect();
            get(
                "rustKeywords",
                json!({"type": "object", "properties": properties}),
            )
        },
    },
    Mutation {
        name: "camel_twins",
        shape: "a field and its camel, kebab and upper twins (`fooBar`, `foo_bar`, `foo-bar`, `FOO_BAR`)",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "camelTwins",
                json!({"type": "object", "properties": {
                    "fooBar": {"type": "string"},
                    "foo_bar": {"type": "integer"},
                    "foo-bar": {"type": "boolean"},
                    "FOO_BAR": {"type": "number"},
                    "_fooBar": {"type": "string"}
                }}),
            )
        },
    },
    Mutation {
        name: "parameters_everywhere",
        shape: "parameters in the path, the query (arrays, a deepObject, a non-exploded list), a header and a cookie",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "parametersEverywhere",
                "summary": "Parameters in every location",
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "tags", "in": "query", "style": "form", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "filter", "in": "query", "style": "deepObject", "explode": true, "schema": {"type": "object", "properties": {"from": {"type": "string", "format": "date"}, "to": {"type": "string"}}}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                    {"name": "X-Request-Tag", "in": "header", "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}}
                ],
                "responses": json_answer(item())
            }),
            components: json!({}),
            path_suffix: "/{thing_id}",
        },
    },
    Mutation {
        name: "parameter_styles",
        shape: "the other parameter styles: label and matrix path parameters, space- and pipe-delimited query lists, an exploded header object, a required enum header",
        openapi_31: false,
        expect: Expect::LeftOut(
            "in the label style: the client sends path parameters in the simple style",
        ),
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "parameterStyles",
                "summary": "Parameters in other styles",
                "parameters": [
                    {"name": "label", "in": "path", "required": true, "style": "label", "schema": {"type": "string"}},
                    {"name": "matrix", "in": "path", "required": true, "style": "matrix", "schema": {"type": "integer"}},
                    {"name": "spaced", "in": "query", "style": "spaceDelimited", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "piped", "in": "query", "style": "pipeDelimited", "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "X-Meta", "in": "header", "explode": true, "schema": {"type": "object", "properties": {"a": {"type": "string"}}}},
                    {"name": "X-Mode", "in": "header", "required": true, "schema": {"type": "string", "enum": ["fast", "safe"]}}
                ],
                "responses": json_answer(item())
            }),
            components: json!({}),
            path_suffix: "/{label}/{matrix}",
        },
    },
    Mutation {
        name: "stray_path_parameter",
        shape: "a path parameter the path does not name",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "strayPathParameter",
                "summary": "A parameter the path forgot",
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": json_answer(item())
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "string_patterns",
        shape: "string patterns a Rust regex does not read (lookbehind, an unclosed class) and formats it does not know",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "stringPatterns",
                json!({"type": "object", "properties": {
                    "after": {"type": "string", "pattern": "(?<=@)[a-z]+"},
                    "broken": {"type": "string", "pattern": "[a-"},
                    "handle": {"type": "string", "pattern": "^[a-z0-9_]{3,}$", "minLength": 3, "maxLength": 30},
                    "odd": {"type": "string", "format": "x-vendor-thing"},
                    "bytes": {"type": "string", "format": "byte"},
                    "binary": {"type": "string", "format": "binary"}
                }}),
            )
        },
    },
    Mutation {
        name: "more_keywords",
        shape: "contradictory `allOf`, `not`, a `oneOf` of scalars, a discriminator with a mapping, `uniqueItems` of numbers and objects, `readOnly` in `required`, `nullable` without a type, a `$ref` with siblings",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            with_components(
                get(
                    "moreKeywords",
                    json!({"type": "object", "required": ["id"], "properties": {
                        "id": {"type": "integer", "readOnly": true},
                        "contradiction": {"allOf": [{"type": "string"}, {"type": "integer"}]},
                        "not_a_string": {"not": {"type": "string"}},
                        "scalar": {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]},
                        "pet": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/MutationCat"},
                                {"$ref": "#/components/schemas/MutationDog"}
                            ],
                            "discriminator": {"propertyName": "kind", "mapping": {
                                "cat": "#/components/schemas/MutationCat",
                                "dog": "#/components/schemas/MutationDog"
                            }}
                        },
                        "scores": {"type": "array", "uniqueItems": true, "items": {"type": "number"}},
                        "items": {"type": "array", "uniqueItems": true, "minItems": 1, "maxItems": 3, "items": item()},
                        "maybe": {"nullable": true},
                        "described": {"$ref": "#/components/schemas/MutationCat", "description": "A cat", "nullable": true}
                    }}),
                ),
                json!({
                    "MutationCat": {"type": "object", "required": ["kind"], "properties": {
                        "kind": {"type": "string"}, "meows": {"type": "boolean"}}},
                    "MutationDog": {"type": "object", "required": ["kind"], "properties": {
                        "kind": {"type": "string"}, "barks": {"type": "integer"}}}
                }),
            )
        },
    },
    Mutation {
        name: "component_refs",
        shape: "a parameter, a request body and a response given by `$ref` to `components`, deprecated",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "put",
            operation: json!({
                "operationId": "componentRefs",
                "summary": "Everything by reference",
                "deprecated": true,
                "parameters": [{"$ref": "#/components/parameters/MutationLimit"}],
                "requestBody": {"$ref": "#/components/requestBodies/MutationBody"},
                "responses": {"200": {"$ref": "#/components/responses/MutationAnswer"}}
            }),
            components: json!({
                "parameters": {"MutationLimit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
                "requestBodies": {"MutationBody": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/MutationItem"}}}}},
                "responses": {"MutationAnswer": {"description": "OK", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/MutationItem"}}}}},
                "schemas": {"MutationItem": item()}
            }),
            path_suffix: "",
        },
    },
    Mutation {
        name: "status_shapes",
        shape: "answers only under `default`, and a `201` beside a `202` of another shape",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "post",
            operation: json!({
                "operationId": "statusShapes",
                "summary": "Created or accepted",
                "responses": {
                    "201": {"description": "Created", "content": {"application/json": {"schema": item()}}},
                    "202": {"description": "Accepted", "content": {"application/json": {"schema": {"type": "object", "properties": {"queued": {"type": "boolean"}}}}}},
                    "default": {"description": "Error", "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}}
                }
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "default_only",
        shape: "an operation whose only answer is `default`",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "defaultOnly",
                "summary": "Whatever comes",
                "responses": {"default": {"description": "Any", "content": {"application/json": {"schema": item()}}}}
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "deep_nesting",
        shape: "objects nested forty levels deep",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            let mut schema = item();
            for level in 0..40 {
                schema = json!({"type": "object", "properties": {
                    format!("level{level}"): schema, "n": {"type": "integer"}
                }});
            }
            get("deepNesting", schema)
        },
    },
    Mutation {
        name: "no_operation_id",
        shape: "an operation without an operation id",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            let mut case = get("-", item());
            if let Some(op) = case.operation.as_object_mut() {
                op.remove("operationId");
            }
            case
        },
    },
    Mutation {
        name: "no_summary",
        shape: "an operation without a summary or description",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            let mut case = get("noSummary", item());
            if let Some(op) = case.operation.as_object_mut() {
                op.remove("summary");
            }
            case
        },
    },
    Mutation {
        name: "long_summary",
        shape: "a very long summary and description, with markdown, HTML and `*/`",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            let mut case = get("longSummary", item());
            let long = "Lists the things <b>of</b> a `creator` */ with [links](https://example.com) and \"quotes\". ".repeat(40);
            case.operation["summary"] = json!(long);
            case.operation["description"] = json!(format!(
                "{long}\n\n```\ncode */\n```\n\n| a | b |\n|---|---|\n"
            ));
            case
        },
    },
    Mutation {
        name: "non_ascii",
        shape: "non-ASCII names: operation id, properties and a query parameter",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "listCafés",
                "summary": "Liste des cafés — ☕",
                "parameters": [
                    {"name": "naïve", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": json_answer(json!({"type": "object", "properties": {
                    "名前": {"type": "string"},
                    "café": {"type": "string"},
                    "émoji_😀": {"type": "integer"}
                }}))
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "credentials",
        shape: "credentials of every shape: an `x-bc` header, a `sessionCookie` string, a list of cookie objects, a list of token strings, an untyped list of tokens, a map of sessions, a session object",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "post",
            operation: json!({
                "operationId": "credentialShapes",
                "summary": "Credentials of every shape",
                "parameters": [
                    {"name": "x-bc", "in": "header", "schema": {"type": "string"}}
                ],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "sessionCookie": {"type": "string"},
                        "cookies": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
                        "refreshTokens": {"type": "array", "items": {"type": "string"}},
                        "code": {"type": "string"}
                    }
                }}}},
                "responses": json_answer(json!({"type": "object", "properties": {
                    "session": {"type": "object", "properties": {"cookie": {"type": "string"}, "x-bc": {"type": "string"}, "user-agent": {"type": "string"}}},
                    "activityHubTokens": {"type": "array", "items": {}, "nullable": true},
                    "sessions": {"type": "object", "additionalProperties": {"type": "string"}},
                    "code": {"type": "string"}
                }}))
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "union_body",
        shape: "a JSON request body that is a `oneOf` of two objects, nullable",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "post",
            operation: json!({
                "operationId": "unionBody",
                "summary": "A body of one of two shapes",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "nullable": true,
                    "oneOf": [
                        {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
                        {"type": "object", "required": ["media"], "properties": {"media": {"type": "array", "items": {"type": "integer"}}}}
                    ]
                }}}},
                "responses": json_answer(item())
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "form_body",
        shape: "a form-encoded body with a nested object and an array",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "post",
            operation: json!({
                "operationId": "formBody",
                "summary": "A form body",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "ids": {"type": "array", "items": {"type": "integer"}},
                        "meta": {"type": "object", "properties": {"a": {"type": "string"}}}
                    }
                }}}},
                "responses": json_answer(item())
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "no_content_answers",
        shape: "answers without content: `204`, and a `200` that declares none",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "delete",
            operation: json!({
                "operationId": "noContentAnswers",
                "summary": "Removes a thing",
                "responses": {
                    "200": {"description": "Removed"},
                    "204": {"description": "Removed, nothing to say"}
                }
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "text_answer",
        shape: "a `text/plain` answer and an error answer with a different JSON shape",
        openapi_31: false,
        expect: Expect::Generated,
        build: || Case {
            method: "get",
            operation: json!({
                "operationId": "textAnswer",
                "summary": "A text answer",
                "responses": {
                    "200": {"description": "Text", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "400": {"description": "Bad", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}}}
                }
            }),
            components: json!({}),
            path_suffix: "",
        },
    },
    Mutation {
        name: "odd_bounds",
        shape: "numbers with extreme bounds and formats, and a default of the wrong type",
        openapi_31: false,
        expect: Expect::Generated,
        build: || {
            get(
                "oddBounds",
                json!({"type": "object", "properties": {
                    "big": {"type": "integer", "format": "int64", "minimum": -9_223_372_036_854_775_808_i64, "maximum": 9_223_372_036_854_775_807_i64},
                    "small": {"type": "integer", "format": "int32", "minimum": 0, "exclusiveMaximum": 10},
                    "price": {"type": "number", "format": "double", "minimum": 0},
                    "count": {"type": "integer", "default": "many"},
                    "when": {"type": "string", "format": "date-time", "default": "yesterday"}
                }}),
            )
        },
    },
];

/// The tag each API's cases go under: one its resource tree already has, so
/// that the one-resource build (`ofauth-messages`) carries them too.
pub fn tag(api: ApiDef) -> &'static str {
    match api.name {
        "ofauth" => "Messages",
        _ => "Chats",
    }
}

/// `api`'s vendored spec (`specs/<api>/openapi.yaml` under `repo_root`)
/// with every case of `cases` that applies to it, and those cases.
pub fn mutated_spec(
    api: ApiDef,
    repo_root: &Path,
    cases: &[Mutation],
) -> Result<(Value, Vec<Mutation>), Error> {
    let mut spec = vendored_spec(api, repo_root)?;
    let applied = apply_all(&mut spec, tag(api), cases);
    Ok((spec, applied))
}

/// `api`'s vendored spec, as it is.
fn vendored_spec(api: ApiDef, repo_root: &Path) -> Result<Value, Error> {
    let path = api.spec_path(repo_root);
    let text = crate::spec::read_to_string(&path)?;
    crate::spec::parse(&text, &path.display().to_string())
}

/// What the generator made of one case: empty when it went through every
/// output whole.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub mutation: Mutation,
    pub problems: Vec<String>,
}

/// Runs the generator over `api`'s vendored spec with every case applied,
/// as the build script and `cargo xtask` do: normalization, the type space
/// and the model, the request builders, resources, mocks, conformance calls
/// (and with `progenitor`, the raw client and the httpmock helpers), the
/// build of the cases' resource alone, the surface and the drift report
/// against the spec without them. Each case's problems: not generated (with
/// the reason the generator gave), missing from the surface or the drift
/// report. A stage that fails or panics for all is run again per case, so
/// that the case that broke it is named. Never panics.
pub fn check(api: ApiDef, repo_root: &Path, cases: &[Mutation]) -> Result<Vec<Outcome>, Error> {
    let original = vendored_spec(api, repo_root)?;
    let mut spec = original.clone();
    let applied = apply_all(&mut spec, tag(api), cases);
    let derived = crate::read_derived(api, repo_root)?;
    let overlay = crate::read_overlay(api, repo_root)?;
    let effective = |doc: Value| -> Result<Value, Error> {
        crate::assemble(doc, derived.as_ref(), overlay.as_deref(), api).map(|(doc, _)| doc)
    };
    let before = crate::api_model(api, effective(original.clone())?)?;
    let all = run(api, effective(spec)?, &before, &applied);
    let mut outcomes: Vec<Outcome> = applied
        .iter()
        .map(|&mutation| Outcome {
            mutation,
            problems: Vec::new(),
        })
        .collect();
    match all {
        Ok(per_case) => {
            for (outcome, problems) in outcomes.iter_mut().zip(per_case) {
                outcome.problems = problems;
            }
        }
        // Something failed for the whole spec: which case was it?
        Err(whole) => {
            for outcome in &mut outcomes {
                let mut alone = original.clone();
                outcome.mutation.apply(&mut alone, tag(api));
                outcome.problems = match run(api, effective(alone)?, &before, &[outcome.mutation]) {
                    Ok(mut problems) => problems.pop().unwrap_or_default(),
                    Err(problem) => vec![problem],
                };
            }
            if outcomes.iter().all(|o| o.problems.is_empty()) {
                return Err(Error::Generate(format!(
                    "{}: with every case at once: {whole}",
                    api.name
                )));
            }
        }
    }
    Ok(outcomes)
}

/// One generator run over an effective spec with `cases` in it: each case's
/// problems, or what failed for all of them.
fn run(
    api: ApiDef,
    effective: Value,
    before: &crate::ApiModel,
    cases: &[Mutation],
) -> Result<Vec<Vec<String>>, String> {
    let outputs = crate::generate::quietly(|| outputs(api, effective, before))
        .map_err(|panic| format!("the generator panicked: {panic}"))?
        .map_err(|e| e.to_string())?;
    Ok(cases.iter().map(|case| outputs.problems_of(case)).collect())
}

/// What the checks read of one run.
struct Outputs {
    operations: Vec<crate::model::Operation>,
    omitted: Vec<crate::Omitted>,
    surface: String,
    drift: String,
}

impl Outputs {
    fn problems_of(&self, case: &Mutation) -> Vec<String> {
        let path = case.path();
        if let Expect::LeftOut(why) = case.expect {
            let mut problems = Vec::new();
            if self.operations.iter().any(|op| op.path == path) {
                problems.push(format!("generated, where it should be left out ({why})"));
            } else if !self
                .omitted
                .iter()
                .any(|o| o.path == path && o.reason.contains(why))
            {
                problems.push(format!("not left out with the reason `{why}`"));
            }
            if !self.drift.contains(&path) {
                problems.push(format!("the drift report does not mention `{path}`"));
            }
            return problems;
        }
        let Some(op) = self.operations.iter().find(|op| op.path == path) else {
            let why = self
                .omitted
                .iter()
                .find(|o| o.path == path)
                .map_or("no reason given".to_owned(), |o| o.reason.clone());
            return vec![format!("not generated: {why}")];
        };
        let mut problems = Vec::new();
        if !self.surface.contains(&format!("{}(", op.route.method)) {
            problems.push(format!("the surface does not show `{}`", op.route.method));
        }
        if !self.drift.contains(&path) {
            problems.push(format!("the drift report does not mention `{path}`"));
        }
        problems
    }
}

fn outputs(api: ApiDef, effective: Value, before: &crate::ApiModel) -> Result<Outputs, Error> {
    let normalized = crate::normalize::normalize(effective.clone());
    let raw = cfg!(feature = "progenitor");
    let (normalized, _, types) = crate::generate_normalized(api, normalized, raw)?;
    let operations = crate::operations_of(api, &normalized, &types)?;
    let events = crate::api_events(&normalized)?;
    crate::generate_api_facade(api, &normalized, &operations, &events)?;
    crate::generate_api_resources(api, &operations)?;
    crate::generate_api_mocks(api, &normalized, &operations)?;
    crate::generate_api_conformance(api, &normalized, &operations)?;
    #[cfg(feature = "progenitor")]
    crate::generate_api_httpmock(api, &normalized)?;
    // The cases' resource alone, as its cargo feature builds it.
    let feature = operations
        .iter()
        .filter(|op| op.path.starts_with("/v2/mutations/"))
        .find_map(|op| crate::subset::operation_feature(api, op));
    if let Some(feature) = feature {
        let (cut, _, kept) =
            crate::generate_api_subset(api, &normalized, &operations, |f| f == feature, false)?;
        crate::generate_api_facade(api, &cut, &kept, &crate::api_events(&cut)?)?;
    }
    let surface = crate::facade::surface(&operations, &events)?;
    let after = crate::api_model(api, effective)?;
    let drift = crate::drift::diff(api.name, before, &after).to_text();
    Ok(Outputs {
        operations,
        omitted: normalized.report.omitted,
        surface,
        drift,
    })
}

/// A GET operation `id` answering `schema` as JSON.
fn get(id: &str, schema: Value) -> Case {
    Case {
        method: "get",
        operation: json!({
            "operationId": id,
            "summary": format!("Mutation case {id}"),
            "responses": json_answer(schema)
        }),
        components: json!({}),
        path_suffix: "",
    }
}

/// `case` with component `schemas`.
fn with_components(mut case: Case, schemas: Value) -> Case {
    case.components = json!({ "schemas": schemas });
    case
}

fn json_answer(schema: Value) -> Value {
    json!({"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}})
}

/// A small object most cases answer with.
fn item() -> Value {
    json!({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_have_unique_names_and_apply_by_version() {
        let mut names: Vec<&str> = ALL.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        let mut spec = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {}}});
        let applied = apply_all(&mut spec, "Things", ALL);
        assert!(applied.iter().all(|m| !m.openapi_31));
        assert_eq!(
            spec["paths"].as_object().map(serde_json::Map::len),
            Some(applied.len())
        );
        assert_eq!(
            spec["paths"]["/v2/mutations/recursive_ref"]["get"]["tags"],
            json!(["Things"])
        );
        let mut spec = json!({"openapi": "3.1.0", "paths": {}});
        assert_eq!(apply_all(&mut spec, "Things", ALL).len(), ALL.len());
    }
}
