//! The operation model: what every facade output is emitted from.
//!
//! One [`Operation`] per operation of the normalized spec, joined from the
//! spec itself (methods, paths, parameters, the checks a value must pass
//! before it is sent) and the type space its types are generated from
//! ([`crate::type_space`]: the `TypeId` registered for each parameter, body
//! and response, each struct's fields). Nothing here reads generated code.
//! Operations the type generator rejected are absent.

use heck::ToUpperCamelCase;
use serde_json::Value;
use typify_impl::{TypeDetails, TypeId};

use crate::Error;
use crate::type_space::{BodyType, FieldType, ResponseType, TypeModel, template_names};
use crate::walk;

/// The extension on an operation whose `multipart/form-data` body only the
/// facade generates (progenitor cannot): the body's schema.
pub const FACADE_MULTIPART: &str = "x-facade-multipart";

/// One operation as the facade sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The raw client's method name (progenitor's snake case of the operation id).
    pub name: String,
    /// The operation id as the spec has it (synthesized from the summary
    /// where the vendor gives none).
    pub id: String,
    /// Where the facade puts it ([`naming`](crate::naming)).
    pub route: crate::naming::Route,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as the spec writes it (`/api/{account}/chats`).
    pub path: String,
    /// The raw method's documentation (summary, description, permission).
    pub doc: String,
    /// Path parameters in path order, then query parameters.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub response: ResponseKind,
    /// How the operation pages, when it is a list the facade can stream.
    pub pagination: Option<Pagination>,
    /// Why a list-like operation (paging parameters or an items array) has
    /// no stream.
    pub no_stream: Option<String>,
}

impl Operation {
    /// The path parameters a caller passes to the operation's method: all
    /// but the one its account handle fills in.
    pub fn handle_args(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| {
            p.location == Location::Path && self.route.account.as_deref() != Some(p.wire.as_str())
        })
    }
}

/// A list operation's paging: detected once, here, from the response schema
/// and the query parameters, or stated in the overlay (`x-pagination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub style: PagingStyle,
    /// Where the items are: `list`, `items`, `data`, `data.list`, `data.items`.
    pub items: String,
    /// The generated item type.
    pub item: String,
    /// How an item's `id` is read, for the duplicate check.
    pub key: ItemKey,
    /// The fields from the response to the items, each with whether it is
    /// an `Option` (`data` then `list`): how `Page::items` reads them.
    pub access: Vec<(String, bool)>,
}

/// How the next page is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingStyle {
    /// `offset` advanced by the page length (or to `nextOffset`) while `hasMore`.
    Offset(String),
    /// `marker` set to the page's `nextMarker`/`marker` while `hasMore`.
    Marker(String),
    /// The query of `_pagination.next_page`.
    NextPage,
    /// `last_id` set to the last item's id while `hasMore`.
    LastId(String),
}

impl std::fmt::Display for PagingStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PagingStyle::Offset(p) => write!(f, "offset (`{p}`, `hasMore`/`nextOffset`)"),
            PagingStyle::Marker(p) => write!(f, "marker (`{p}`, `nextMarker`)"),
            PagingStyle::NextPage => write!(f, "next page (`_pagination.next_page`)"),
            PagingStyle::LastId(p) => write!(f, "last id (`{p}` = last item's id)"),
        }
    }
}

/// The item's `id` field, as the generated type has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKey {
    None,
    Id,
    OptionalId,
    NonZeroId,
    OptionalNonZeroId,
    /// No `id`, but a `withUser`: a chat is the one with that user (OFAuth's
    /// chats list), so its user's id tells two chats apart.
    WithUser {
        optional: bool,
    },
}

impl ItemKey {
    /// Whether the key is the item's own `id` (what last-id paging sends).
    pub fn is_own_id(self) -> bool {
        !matches!(self, ItemKey::None | ItemKey::WithUser { .. })
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The raw client's argument name (a Rust identifier).
    pub ident: String,
    /// The name on the wire.
    pub wire: String,
    pub location: Location,
    /// The Rust type of one value, without `Option` or references
    /// (`str`, `u64`, `types::ChatsListOrder`): the registered `TypeId`
    /// as the type space prints an argument of it, for the emitters.
    pub ty: String,
    pub required: bool,
    pub checks: Checks,
    /// Only the vendor's documentation names it: the SDK the operation is
    /// derived from does not send it ([`UPSTREAM_ONLY_NOTE`]).
    pub upstream_only: bool,
}

/// The `x-derived-note` of a parameter `cargo xtask derive-specs` seeds from
/// the upstream operation list because the SDK does not send it.
pub const UPSTREAM_ONLY_NOTE: &str = "documented upstream; the SDK does not send it";

fn is_upstream_only(param: &Value) -> bool {
    param.get("x-derived-note").and_then(Value::as_str) == Some(UPSTREAM_ONLY_NOTE)
}

/// Bounds the spec puts on a value, checked before anything is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// `exclusiveMinimum: true` (OpenAPI 3.0): the minimum itself is refused.
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// The values an `enum` allows, as they are written on the wire.
    pub one_of: Vec<String>,
}

impl Checks {
    fn of(schema: &Value) -> Checks {
        let number = |k: &str| schema.get(k).and_then(Value::as_f64);
        let length = |k: &str| schema.get(k).and_then(Value::as_u64);
        let flag = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
        Checks {
            minimum: number("minimum"),
            maximum: number("maximum"),
            exclusive_minimum: flag("exclusiveMinimum"),
            exclusive_maximum: flag("exclusiveMaximum"),
            min_length: length("minLength"),
            max_length: length("maxLength"),
            one_of: schema
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

/// How the request body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    Form,
    /// Raw bytes (`application/octet-stream` and kin).
    Bytes,
    /// `multipart/form-data`: file parts and text fields.
    Multipart,
}

/// The request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub encoding: BodyEncoding,
    /// The generated body type (`types::SendMessageBody`); empty for bytes.
    pub ty: String,
    /// Its top-level fields when it is a plain struct: each gets a setter.
    pub fields: Vec<Field>,
}

/// A top-level field of a JSON body struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub ident: String,
    /// A file part of a multipart body (`format: binary`).
    pub file: bool,
    /// The JSON name.
    pub wire: String,
    /// The field's type without `Option` (qualified: `types::Media`).
    pub ty: String,
    /// The struct field is an `Option`.
    pub optional: bool,
    /// The type fills the field in when it is absent (`#[serde(default)]`),
    /// so the caller need not set it.
    pub has_default: bool,
    /// What is checked before sending (multipart form fields; a JSON body's
    /// values are typed by the generated struct).
    pub checks: Checks,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseKind {
    /// A JSON body of this type.
    Json(String),
    /// No body.
    Empty,
    /// Bytes that are not JSON.
    Bytes,
}

/// Builds the model of every operation of a normalized spec from its type
/// space.
pub fn operations(types: &TypeModel, spec: &Value) -> Result<Vec<Operation>, Error> {
    let mut out = Vec::new();
    for op_types in types.operations() {
        let op = spec_operation(spec, &op_types.method, &op_types.path).ok_or_else(|| {
            Error::Generate(format!(
                "{} {}: in the type space but not in the spec",
                op_types.method, op_types.path
            ))
        })?;
        out.push(operation(types, op_types, op, spec)?);
    }
    for (path, method, op) in walk::operations(spec) {
        if let Some(schema) = op.get(FACADE_MULTIPART) {
            out.push(multipart_operation(path, method, op, schema, spec)?);
        }
    }
    Ok(out)
}

/// An operation progenitor does not generate (a multipart body), modelled
/// from the spec alone: path and query parameters typed from their schemas,
/// the form's fields, and a JSON response read as `serde_json::Value`.
fn multipart_operation(
    path: &str,
    method: &str,
    op: &Value,
    schema: &Value,
    spec: &Value,
) -> Result<Operation, Error> {
    use heck::ToSnakeCase;
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::Generate(format!("{method} {path}: no operationId")))?;
    let spec_op = SpecOperation {
        item: &spec["paths"][path],
        op,
    };
    let mut params = Vec::new();
    for name in template_names(path) {
        let schema = spec_op.parameter_schema(spec, &name, Location::Path);
        let ty = match schema.map(scalar_type) {
            Some("u64") => "u64",
            Some("i64") => "i64",
            _ => "str",
        };
        params.push(Param {
            ident: rust_ident(&name),
            wire: name,
            location: Location::Path,
            ty: ty.to_owned(),
            required: true,
            checks: Checks::default(),
            upstream_only: false,
        });
    }
    for p in [spec_op.op, spec_op.item]
        .into_iter()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| walk::resolve_ref(spec, p))
        .filter(|p| p["in"] == "query")
    {
        let wire = p["name"].as_str().unwrap_or_default().to_owned();
        let schema = walk::resolve_ref(spec, &p["schema"]);
        params.push(Param {
            ident: rust_ident(&wire),
            ty: scalar_type(schema).to_owned(),
            wire,
            location: Location::Query,
            required: p["required"] == true,
            checks: Checks::of(schema),
            upstream_only: is_upstream_only(p),
        });
    }
    let schema = walk::resolve_ref(spec, schema);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let fields = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(wire, property)| {
            let property = walk::resolve_ref(spec, property);
            Field {
                ident: rust_ident(wire),
                file: property.get("format").and_then(Value::as_str) == Some("binary"),
                wire: wire.clone(),
                ty: scalar_type(property).to_owned(),
                optional: !required.contains(&wire.as_str()),
                has_default: false,
                checks: Checks::of(property),
            }
        })
        .collect();
    let summary = op
        .get("summary")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let description = op
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(Operation {
        name: id.to_snake_case(),
        id: id.to_owned(),
        route: Default::default(),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        doc: format!("{summary}\n\n{description}").trim().to_owned(),
        params,
        body: Some(Body {
            encoding: BodyEncoding::Multipart,
            ty: String::new(),
            fields,
        }),
        response: ResponseKind::Json(":: serde_json :: Value".to_owned()),
        pagination: None,
        no_stream: None,
    })
}

/// A wire name as a Rust identifier, as progenitor names its arguments
/// (snake case, `_` after a keyword: `async` → `async_`).
fn rust_ident(name: &str) -> String {
    crate::type_space::progenitor_name(name, false)
}

/// The Rust type of a scalar schema, for values the facade types itself.
fn scalar_type(schema: &Value) -> &'static str {
    let unsigned = schema
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= 0.0)
        || schema.get("format").and_then(Value::as_str) == Some("uint64");
    match walk::type_of(schema) {
        Some("integer") if unsigned => "u64",
        Some("integer") => "i64",
        Some("number") => "f64",
        Some("boolean") => "bool",
        Some("string") => ":: std :: string :: String",
        _ => ":: serde_json :: Value",
    }
}

fn operation(
    types: &TypeModel,
    op_types: &crate::type_space::OperationTypes,
    op: SpecOperation<'_>,
    spec: &Value,
) -> Result<Operation, Error> {
    let mut params = Vec::new();
    for param in &op_types.params {
        let schema = op.parameter_schema(spec, &param.wire, param.location);
        let upstream_only = op
            .parameter(spec, &param.wire, param.location)
            .is_some_and(is_upstream_only);
        params.push(Param {
            ident: param.ident.clone(),
            wire: param.wire.clone(),
            location: param.location,
            ty: types.render_argument(&param.type_id),
            required: param.required,
            checks: schema.map(Checks::of).unwrap_or_default(),
            upstream_only,
        });
    }
    params.extend(deep_object_params(op.op, spec));
    let body = op_types.body.as_ref().map(|body| match body {
        BodyType::Json(id) | BodyType::Form(id) => Body {
            encoding: if matches!(body, BodyType::Json(_)) {
                BodyEncoding::Json
            } else {
                BodyEncoding::Form
            },
            // Owned, as the builder keeps it (a nullable body is
            // `Option<types::X>`, where an argument would be `Option<&X>`).
            ty: types.render(id),
            fields: struct_fields(types, id),
        },
        BodyType::Bytes => Body {
            encoding: BodyEncoding::Bytes,
            ty: String::new(),
            fields: Vec::new(),
        },
    });
    let (response, response_id) = match &op_types.response {
        ResponseType::Json(id) => (ResponseKind::Json(types.render(id)), Some(id)),
        ResponseType::Empty => (ResponseKind::Empty, None),
        ResponseType::Bytes => (ResponseKind::Bytes, None),
    };
    let (pagination, no_stream) =
        match detect_pagination(types, &op_types.method, &params, response_id, op.op) {
            Ok(found) => (found, None),
            Err(reason) => (None, Some(reason)),
        };
    // progenitor's doc comment: the summary without its final stop, then the
    // description.
    let mut doc = String::new();
    if let Some(summary) = &op_types.summary {
        doc.push_str(summary.trim_end_matches(['.', ',']));
        doc.push_str("\n\n");
    }
    if let Some(description) = &op_types.description {
        doc.push_str(description);
    }
    Ok(Operation {
        name: crate::type_space::progenitor_name(&op_types.operation_id, false),
        id: op_types.operation_id.clone(),
        route: Default::default(),
        method: op_types.method.clone(),
        path: op_types.path.clone(),
        doc: doc.trim().to_owned(),
        params,
        body,
        response,
        pagination,
        no_stream,
    })
}

/// The properties of a deepObject query parameter the generator set aside
/// (`x-facade-deep-object`), each a query parameter of its own on the wire
/// (`filter[online]=1`), typed from its schema.
fn deep_object_params(op: &Value, spec: &Value) -> Vec<Param> {
    let mut out = Vec::new();
    for object in op
        .get("x-facade-deep-object")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = object["name"].as_str().unwrap_or_default();
        let schema = walk::resolve_ref(spec, &object["schema"]);
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (property, schema) in properties {
            let schema = walk::resolve_ref(spec, schema);
            let ty = scalar_type(schema);
            out.push(Param {
                ident: rust_ident(&format!("{name}_{property}")),
                wire: format!("{name}[{property}]"),
                location: Location::Query,
                ty: ty.to_owned(),
                required: false,
                checks: Checks::of(schema),
                upstream_only: is_upstream_only(object),
            });
        }
    }
    out
}

/// Query parameter names that mean "this is a page of a list".
const PAGING_PARAMS: &[&str] = &["offset", "marker", "last_id", "first_id", "cursor", "page"];

/// The one pagination detector: `Ok(None)` for an operation that is not a
/// list, `Err(reason)` for a list whose paging is not recognised.
fn detect_pagination(
    types: &TypeModel,
    method: &str,
    params: &[Param],
    response: Option<&TypeId>,
    op: &Value,
) -> Result<Option<Pagination>, String> {
    let stated = op.get("x-pagination");
    if stated == Some(&Value::Bool(false)) {
        return Ok(None);
    }
    let query: Vec<&str> = params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(|p| p.wire.as_str())
        .collect();
    let paged = query.iter().any(|q| PAGING_PARAMS.contains(q));
    let Some(response) = response else {
        return if paged {
            Err("the response is not JSON".into())
        } else {
            Ok(None)
        };
    };
    if method != "GET" && stated.is_none() {
        return Ok(None);
    }
    let top_fields = members(types, response);
    let field = |fs: &[Member], wire: &str| fs.iter().find(|m| m.field.wire == wire).cloned();
    let data = field(&top_fields, "data");
    let data_fields = data
        .as_ref()
        .map(|d| members(types, &d.value))
        .unwrap_or_default();
    let stated_items = stated.and_then(|s| s.get("items")).and_then(Value::as_str);
    let candidates = [
        ("list", &top_fields, "list"),
        ("items", &top_fields, "items"),
        ("data", &top_fields, "data"),
        ("data.list", &data_fields, "list"),
        ("data.items", &data_fields, "items"),
    ];
    let found = candidates
        .iter()
        .filter(|(name, _, _)| stated_items.is_none_or(|s| s == *name))
        .find_map(|(name, fs, wire)| {
            let f = field(fs, wire)?;
            let mut access = Vec::new();
            if name.starts_with("data.") {
                let data = data.as_ref()?;
                access.push((data.field.ident.clone(), data.field.optional));
            }
            access.push((f.field.ident.clone(), f.field.optional));
            let item = types.with_details(&f.value, |d| match d {
                TypeDetails::Vec(item) => Some(item),
                _ => None,
            })??;
            Some(((*name).to_owned(), item, access))
        });
    let Some((items, item, access)) = found else {
        return if paged {
            Err("no items array (`list`, `items`, `data`, `data.list` or `data.items`) in the response".into())
        } else {
            Ok(None)
        };
    };
    let signals: Vec<&str> = top_fields
        .iter()
        .chain(&data_fields)
        .map(|m| m.field.wire.as_str())
        .collect();
    let has = |w: &str| signals.contains(&w);
    let key = item_key(types, &item);
    let style = match stated.and_then(|s| s.get("style")).and_then(Value::as_str) {
        Some(style) => {
            let param = stated
                .and_then(|s| s.get("param"))
                .and_then(Value::as_str)
                .unwrap_or(match style {
                    "marker" => "marker",
                    "last_id" => "last_id",
                    _ => "offset",
                })
                .to_owned();
            match style {
                "offset" => PagingStyle::Offset(param),
                "marker" => PagingStyle::Marker(param),
                "next_page" => PagingStyle::NextPage,
                "last_id" => PagingStyle::LastId(param),
                other => {
                    return Err(format!(
                        "x-pagination style `{other}` is not one the client knows"
                    ));
                }
            }
        }
        None if has("_pagination") => PagingStyle::NextPage,
        None if query.contains(&"marker") && (has("nextMarker") || has("marker")) => {
            PagingStyle::Marker("marker".into())
        }
        None if query.contains(&"last_id") && has("hasMore") && key.is_own_id() => {
            PagingStyle::LastId("last_id".into())
        }
        None if query.contains(&"offset") && (has("hasMore") || has("nextOffset")) => {
            PagingStyle::Offset("offset".into())
        }
        None if paged => {
            return Err(format!(
                "paging parameters ({}) but no `hasMore`, `nextOffset`, `nextMarker` or `_pagination` in the response",
                query
                    .iter()
                    .filter(|q| PAGING_PARAMS.contains(q))
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // An items array without any paging: one page, not a stream.
        None => return Ok(None),
    };
    if matches!(style, PagingStyle::LastId(_)) && !key.is_own_id() {
        return Err("last-id paging, but the items have no integer `id`".into());
    }
    Ok(Some(Pagination {
        style,
        items,
        item: types.render(&item),
        key,
        access,
    }))
}

fn item_key(types: &TypeModel, item: &TypeId) -> ItemKey {
    let fields = members(types, item);
    let builtin = |m: &Member| {
        types
            .with_details(&m.value, |d| match d {
                TypeDetails::Builtin(name) => Some(name.to_owned()),
                _ => None,
            })
            .flatten()
    };
    // `withUser` as the crate's `UserRef` (see `replacements`).
    let with_user = fields.iter().find(|m| {
        m.field.wire == "withUser" && builtin(m).as_deref() == Some(runtime_path!("::UserRef"))
    });
    let Some(id) = fields.iter().find(|m| m.field.wire == "id") else {
        return with_user.map_or(ItemKey::None, |m| ItemKey::WithUser {
            optional: m.field.optional,
        });
    };
    match (builtin(id).as_deref(), id.field.optional) {
        (Some("u64"), false) => ItemKey::Id,
        (Some("u64"), true) => ItemKey::OptionalId,
        (Some("::std::num::NonZeroU64"), false) => ItemKey::NonZeroId,
        (Some("::std::num::NonZeroU64"), true) => ItemKey::OptionalNonZeroId,
        _ => ItemKey::None,
    }
}

/// The operation object of `method path`, with its path item (whose
/// parameters apply to every method).
pub(crate) struct SpecOperation<'a> {
    pub(crate) item: &'a Value,
    pub(crate) op: &'a Value,
}

pub(crate) fn spec_operation<'a>(
    spec: &'a Value,
    method: &str,
    path: &str,
) -> Option<SpecOperation<'a>> {
    let item = spec.get("paths")?.get(path)?;
    let op = item.get(method.to_ascii_lowercase())?;
    Some(SpecOperation { item, op })
}

impl SpecOperation<'_> {
    /// The parameter `name` in `location`: the operation's, its path item's,
    /// or a deepObject parameter set aside for the facade
    /// (`x-facade-deep-object`).
    pub(crate) fn parameter<'s>(
        &'s self,
        spec: &'s Value,
        name: &str,
        location: Location,
    ) -> Option<&'s Value> {
        let place = match location {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        };
        [
            self.op.get("parameters"),
            self.item.get("parameters"),
            self.op.get("x-facade-deep-object"),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| walk::resolve_ref(spec, p))
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(place)
        })
    }

    fn parameter_schema<'s>(
        &'s self,
        spec: &'s Value,
        wire: &str,
        location: Location,
    ) -> Option<&'s Value> {
        self.parameter(spec, wire, location)
            .and_then(|p| p.get("schema"))
            .map(|s| walk::resolve_ref(spec, s))
    }
}

/// A struct field with the type of its value (an `Option`'s inner type).
#[derive(Debug, Clone)]
struct Member {
    field: Field,
    value: TypeId,
}

/// The fields of a struct as callers use them, or none when any field is
/// flattened (its JSON names are not the struct's).
///
/// A field typify makes `Option<Vec<T>>` (or a map) because the answer may
/// leave it out or send `null` is a plain collection in the generated code
/// (see `generate::empty_collections`), read as empty when absent.
fn members(types: &TypeModel, id: &TypeId) -> Vec<Member> {
    let Some(fields) = types.fields(id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for FieldType {
        ident,
        wire,
        type_id,
        required,
    } in fields
    {
        let Some(wire) = wire else {
            return Vec::new();
        };
        let inner = types
            .with_details(&type_id, |d| match d {
                TypeDetails::Option(inner) => Some(inner),
                _ => None,
            })
            .flatten();
        // `has_default`: whether the decoder fills the field in when absent
        // by a default of its own (an `Option` needs none).
        let (value, optional, has_default) = match inner {
            Some(inner) => {
                let collection = types
                    .with_details(&inner, |d| {
                        matches!(d, TypeDetails::Vec(_) | TypeDetails::Map(..))
                    })
                    .unwrap_or(false);
                let empty = collection && !required;
                (inner, !empty, empty)
            }
            None => (type_id, false, !required),
        };
        out.push(Member {
            field: Field {
                file: false,
                ident,
                wire,
                ty: types.render(&value),
                optional,
                has_default,
                checks: Checks::default(),
            },
            value,
        });
    }
    out
}

fn struct_fields(types: &TypeModel, id: &TypeId) -> Vec<Field> {
    members(types, id).into_iter().map(|m| m.field).collect()
}

/// A webhook event the API sends (see [`crate::normalize::webhooks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    /// The event's name on the wire (`connection.created`).
    pub name: String,
    /// Its `Event` variant (`ConnectionCreated`).
    pub variant: String,
    /// The generated type of its body (`types::ConnectionCreatedEvent`).
    pub ty: String,
}

/// The webhook events of a normalized spec, each with the generated type of
/// its component (which must exist: every component is generated), by event
/// name.
pub fn webhook_events(spec: &Value) -> Result<Vec<WebhookEvent>, Error> {
    let schemas = spec.pointer("/components/schemas");
    crate::normalize::webhooks::events(spec)
        .into_iter()
        .map(|(name, component)| {
            if schemas.and_then(|s| s.get(&component)).is_none() {
                return Err(Error::Generate(format!(
                    "webhook event `{name}`: no component `{component}`"
                )));
            }
            let ty = component.to_upper_camel_case();
            Ok(WebhookEvent {
                variant: name.to_upper_camel_case(),
                ty: format!("types::{ty}"),
                name,
            })
        })
        .collect()
}

/// A named type of the generated code (`<api>::types`), as callers see it.
#[cfg(feature = "tools")]
#[derive(Debug, Clone, PartialEq)]
pub enum NamedType {
    /// A struct with named fields (empty for a newtype).
    Struct(Vec<Field>),
    /// A struct of flattened parts (progenitor's union of object shapes):
    /// the types of its parts.
    Union(Vec<String>),
    /// An enum: its variants, and the types its variants hold (a union's
    /// shapes).
    Enum {
        variants: Vec<String>,
        holds: Vec<String>,
    },
}

/// Every named type of the type space: what the drift report compares
/// field by field.
#[cfg(feature = "tools")]
pub fn named_types(types: &TypeModel) -> std::collections::BTreeMap<String, NamedType> {
    use typify_impl::TypeEnumVariant;
    let mut out = std::collections::BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = types.roots();
    while let Some(id) = queue.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        queue.extend(types.held(&id));
        let Some(name) = types.name(&id) else {
            continue;
        };
        let named = types.with_details(&id, |details| match details {
            TypeDetails::Struct(s) => {
                let all: Vec<(String, TypeId)> =
                    s.properties().map(|(n, id)| (n.to_owned(), id)).collect();
                let fields = types.fields(&id).unwrap_or_default();
                if fields.iter().any(|f| f.wire.is_none()) {
                    NamedType::Union(all.iter().map(|(_, id)| types.render(id)).collect())
                } else {
                    NamedType::Struct(struct_fields(types, &id))
                }
            }
            TypeDetails::Enum(e) => NamedType::Enum {
                variants: e.variants().map(|(name, _)| name.to_owned()).collect(),
                holds: e
                    .variants()
                    .flat_map(|(_, variant)| match variant {
                        TypeEnumVariant::Simple => Vec::new(),
                        TypeEnumVariant::Tuple(ids) => ids,
                        TypeEnumVariant::Struct(props) => {
                            props.into_iter().map(|(_, id)| id).collect()
                        }
                    })
                    .map(|id| types.render(&id))
                    .collect(),
            },
            _ => NamedType::Struct(Vec::new()),
        });
        if let Some(named) = named {
            out.insert(name, named);
        }
    }
    out
}
