//! The operation model: what every facade output is emitted from.
//!
//! One [`Operation`] per operation the raw client has, joined from two
//! readings of the same normalized spec: progenitor's generated client (the
//! Rust names and types it chose for each parameter, body and response, so
//! the facade can never disagree with the raw types) and the spec itself (the
//! checks a value must pass before it is sent). Operations the generator left
//! out are absent from the client, so absent here too.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use quote::ToTokens;
use serde_json::Value;

use crate::Error;
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
    /// (`str`, `u64`, `types::ChatsListOrder`).
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

/// Builds the model of every operation of `file` (progenitor's output for
/// `spec`).
pub fn operations(file: &syn::File, spec: &Value) -> Result<Vec<Operation>, Error> {
    let structs = type_structs(file);
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client || block.trait_.is_some() {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(function) = member else {
                continue;
            };
            let Some((method, path)) = sends(&function.attrs) else {
                continue;
            };
            let op = spec_operation(spec, &method, &path).ok_or_else(|| {
                Error::Generate(format!(
                    "{method} {path}: in the generated client but not in the spec"
                ))
            })?;
            out.push(operation(function, method, path, op, spec, &structs)?);
        }
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

/// A wire name as a Rust identifier: snake case, with `_` appended to a
/// keyword (`async` → `async_`), as progenitor names its own.
fn rust_ident(name: &str) -> String {
    use heck::ToSnakeCase;
    const KEYWORDS: &[&str] = &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
        "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
        "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
        "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type",
        "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    let snake = name.to_snake_case();
    if KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
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
    function: &syn::ImplItemFn,
    method: String,
    path: String,
    op: SpecOperation<'_>,
    spec: &Value,
    structs: &BTreeMap<String, &syn::ItemStruct>,
) -> Result<Operation, Error> {
    let name = function.sig.ident.to_string();
    let calls = Calls::of(&function.block);
    let mut params = Vec::new();
    let mut body = None;
    let path_names = template_names(&path);
    for input in &function.sig.inputs {
        let syn::FnArg::Typed(arg) = input else {
            continue;
        };
        let syn::Pat::Ident(ident) = &*arg.pat else {
            continue;
        };
        let ident = ident.ident.to_string();
        let (ty, optional) = value_type(&arg.ty);
        if ident == "body" {
            body = Some(request_body(&calls, ty, structs));
            continue;
        }
        let (wire, location) = if let Some(i) = calls.path_args.iter().position(|a| *a == ident) {
            let wire = path_names.get(i).cloned().ok_or_else(|| {
                Error::Generate(format!("{name}: path argument `{ident}` not in {path}"))
            })?;
            (wire, Location::Path)
        } else if let Some((wire, _)) = calls.query_args.iter().find(|(_, a)| *a == ident) {
            (wire.clone(), Location::Query)
        } else if let Some(wire) = op.header_named(spec, &ident) {
            (wire, Location::Header)
        } else {
            return Err(Error::Generate(format!(
                "{name}: argument `{ident}` is neither a path nor a query parameter"
            )));
        };
        let schema = op.parameter_schema(spec, &wire, location);
        let upstream_only = op
            .parameter(spec, &wire, location)
            .is_some_and(is_upstream_only);
        params.push(Param {
            ident,
            wire,
            location,
            ty: qualify(&ty, structs),
            required: !optional,
            checks: schema.map(Checks::of).unwrap_or_default(),
            upstream_only,
        });
    }
    params.extend(deep_object_params(op.op, spec));
    // Path order, as the template has them; then query parameters as the raw method.
    params.sort_by_key(|p| match p.location {
        Location::Path => path_names.iter().position(|n| *n == p.wire).unwrap_or(0),
        Location::Query | Location::Header => usize::MAX,
    });
    let response = response_kind(&function.sig.output, structs);
    let (pagination, no_stream) =
        match detect_pagination(&method, &params, &response, op.op, structs) {
            Ok(found) => (found, None),
            Err(reason) => (None, Some(reason)),
        };
    Ok(Operation {
        name,
        id: op
            .op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        route: Default::default(),
        method,
        path,
        doc: doc_before_sends(&function.attrs),
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
    method: &str,
    params: &[Param],
    response: &ResponseKind,
    op: &Value,
    structs: &BTreeMap<String, &syn::ItemStruct>,
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
    let ResponseKind::Json(ty) = response else {
        return if paged {
            Err("the response is not JSON".into())
        } else {
            Ok(None)
        };
    };
    if method != "GET" && stated.is_none() {
        return Ok(None);
    }
    let top = struct_of(ty, structs);
    let fields =
        |s: Option<&syn::ItemStruct>| s.map(|s| struct_fields(s, structs)).unwrap_or_default();
    let top_fields = fields(top);
    let field = |fs: &[Field], wire: &str| fs.iter().find(|f| f.wire == wire).cloned();
    let data = field(&top_fields, "data");
    let data_fields = data
        .as_ref()
        .map(|d| fields(struct_of(&d.ty, structs)))
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
                access.push((data.ident.clone(), data.optional));
            }
            access.push((f.ident.clone(), f.optional));
            Some(((*name).to_owned(), vec_item(&f.ty)?, access))
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
        .map(|f| f.wire.as_str())
        .collect();
    let has = |w: &str| signals.contains(&w);
    let key = item_key(&item, structs);
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
        item,
        key,
        access,
    }))
}

/// The struct a qualified type names (`types::X`).
fn struct_of<'a>(
    ty: &str,
    structs: &BTreeMap<String, &'a syn::ItemStruct>,
) -> Option<&'a syn::ItemStruct> {
    let compact: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    structs.get(compact.strip_prefix("types::")?).copied()
}

/// `T` of a qualified `::std::vec::Vec<T>`.
fn vec_item(ty: &str) -> Option<String> {
    let parsed: syn::Type = syn::parse_str(ty).ok()?;
    let syn::Type::Path(p) = &parsed else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.to_token_stream().to_string()),
        _ => None,
    }
}

fn item_key(item: &str, structs: &BTreeMap<String, &syn::ItemStruct>) -> ItemKey {
    let fields = struct_of(item, structs)
        .map(|s| struct_fields(s, structs))
        .unwrap_or_default();
    let with_user = fields
        .iter()
        .find(|f| f.wire == "withUser" && f.ty.replace(' ', "") == "crate::UserRef");
    let Some(id) = fields.iter().find(|f| f.wire == "id") else {
        return with_user.map_or(ItemKey::None, |f| ItemKey::WithUser {
            optional: f.optional,
        });
    };
    let compact: String = id.ty.chars().filter(|c| !c.is_whitespace()).collect();
    match (compact.as_str(), id.optional) {
        ("u64", false) => ItemKey::Id,
        ("u64", true) => ItemKey::OptionalId,
        ("::std::num::NonZeroU64", false) => ItemKey::NonZeroId,
        ("::std::num::NonZeroU64", true) => ItemKey::OptionalNonZeroId,
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
    /// The wire name of the header parameter progenitor calls `ident` (its
    /// snake case: `Idempotency-Key` → `idempotency_key`).
    fn header_named(&self, spec: &Value, ident: &str) -> Option<String> {
        use heck::ToSnakeCase;
        [self.op, self.item]
            .into_iter()
            .filter_map(|v| v.get("parameters").and_then(Value::as_array))
            .flatten()
            .map(|p| walk::resolve_ref(spec, p))
            .filter(|p| p.get("in").and_then(Value::as_str) == Some("header"))
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .find(|name| name.to_snake_case() == ident)
            .map(str::to_owned)
    }

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

/// What the raw method's body says about its arguments.
#[derive(Default)]
struct Calls {
    /// Arguments of `encode_path(&x.to_string())`, in path order.
    path_args: Vec<String>,
    /// `(wire name, argument)` of `QueryParam::new("wire", &x)`.
    query_args: Vec<(String, String)>,
    /// Names of the request builder methods called (`json`, `form_urlencoded`, `body`).
    builder_methods: Vec<String>,
}

impl Calls {
    fn of(block: &syn::Block) -> Calls {
        let mut calls = Calls::default();
        syn::visit::visit_block(&mut calls, block);
        calls
    }
}

impl<'ast> syn::visit::Visit<'ast> for Calls {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(func) = &*call.func {
            let last = func.path.segments.last().map(|s| s.ident.to_string());
            let args: Vec<&syn::Expr> = call.args.iter().collect();
            match (last.as_deref(), args.as_slice()) {
                (Some("encode_path"), [arg]) => {
                    if let Some(ident) = first_ident(arg) {
                        self.path_args.push(ident);
                    }
                }
                (Some("new"), [syn::Expr::Lit(lit), arg])
                    if func.path.segments.iter().any(|s| s.ident == "QueryParam") =>
                {
                    if let (syn::Lit::Str(wire), Some(ident)) = (&lit.lit, first_ident(arg)) {
                        self.query_args.push((wire.value(), ident));
                    }
                }
                _ => {}
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    /// `format!("{}/x/{}", self.baseurl, encode_path(&id.to_string()))`: the
    /// path arguments sit inside the macro's tokens.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        use syn::parse::Parser;
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = parser.parse2(mac.tokens.clone()) {
            for arg in &args {
                syn::visit::Visit::visit_expr(self, arg);
            }
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.builder_methods.push(call.method.to_string());
        syn::visit::visit_expr_method_call(self, call);
    }
}

/// The first identifier an expression names (`&x.to_string()` → `x`).
fn first_ident(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Reference(r) => first_ident(&r.expr),
        syn::Expr::MethodCall(m) => first_ident(&m.receiver),
        syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn request_body(
    calls: &Calls,
    ty: syn::Type,
    structs: &BTreeMap<String, &syn::ItemStruct>,
) -> Body {
    let has = |m: &str| calls.builder_methods.iter().any(|c| c == m);
    let encoding = if has("json") {
        BodyEncoding::Json
    } else if has("form_urlencoded") {
        BodyEncoding::Form
    } else {
        BodyEncoding::Bytes
    };
    if encoding == BodyEncoding::Bytes {
        return Body {
            encoding,
            ty: String::new(),
            fields: Vec::new(),
        };
    }
    let fields = types_name(&ty)
        .and_then(|name| structs.get(&name))
        .map(|s| struct_fields(s, structs))
        .unwrap_or_default();
    Body {
        encoding,
        ty: qualify(&ty, structs),
        fields,
    }
}

/// The top-level fields of a named-field struct, or none when any field is
/// flattened (its JSON names are not the struct's).
fn struct_fields(
    item: &syn::ItemStruct,
    structs: &BTreeMap<String, &syn::ItemStruct>,
) -> Vec<Field> {
    let syn::Fields::Named(named) = &item.fields else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for field in &named.named {
        let Some(ident) = &field.ident else {
            return Vec::new();
        };
        let serde = SerdeAttrs::of(&field.attrs);
        if serde.flatten {
            return Vec::new();
        }
        let (ty, optional) = value_type(&field.ty);
        let ident = ident.to_string();
        fields.push(Field {
            file: false,
            wire: serde.rename.unwrap_or_else(|| ident.clone()),
            ident,
            ty: qualify(&ty, structs),
            optional,
            has_default: serde.default,
            checks: Checks::default(),
        });
    }
    fields
}

#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    default: bool,
    flatten: bool,
}

impl SerdeAttrs {
    fn of(attrs: &[syn::Attribute]) -> SerdeAttrs {
        let mut out = SerdeAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let _ = attr.parse_nested_meta(|meta| {
                let value = || -> syn::Result<String> {
                    let lit: syn::LitStr = meta.value()?.parse()?;
                    Ok(lit.value())
                };
                if meta.path.is_ident("rename") {
                    out.rename = Some(value()?);
                } else if meta.path.is_ident("default") {
                    out.default = true;
                    if meta.input.peek(syn::Token![=]) {
                        value()?;
                    }
                } else if meta.path.is_ident("flatten") {
                    out.flatten = true;
                } else if meta.input.peek(syn::Token![=]) {
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            });
        }
        out
    }
}

/// The type of one value: `Option<T>` and `&'a T` unwrapped, with whether it
/// was an `Option`.
fn value_type(ty: &syn::Type) -> (syn::Type, bool) {
    let ty = strip_reference(ty);
    if let syn::Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Option"
        && let syn::PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return (strip_reference(inner).clone(), true);
    }
    (ty.clone(), false)
}

fn strip_reference(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Reference(r) => &r.elem,
        other => other,
    }
}

/// `X` of `types::X`.
fn types_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [module, name] if module == "types" => Some(name.clone()),
        _ => None,
    }
}

/// A type as tokens text, with the `types` module's own names (used bare
/// inside it) qualified as `types::X` so the facade can name them.
fn qualify(ty: &syn::Type, structs: &BTreeMap<String, &syn::ItemStruct>) -> String {
    struct Qualify<'a>(&'a BTreeMap<String, &'a syn::ItemStruct>);
    impl syn::visit_mut::VisitMut for Qualify<'_> {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, p);
            if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
                let name = p.path.segments[0].ident.to_string();
                if self.0.contains_key(&name) || is_types_item(&name) {
                    p.path.segments.insert(0, syn::parse_quote!(types));
                }
            }
        }
    }
    let mut ty = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify(structs), &mut ty);
    ty.to_token_stream().to_string()
}

/// Bare names in the generated types module that are not Rust's own: typify
/// names types in UpperCamelCase, and the primitives are lower case.
fn is_types_item(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && !matches!(
            name,
            "Option" | "Vec" | "String" | "Box" | "HashMap" | "BTreeMap"
        )
}

/// Every struct of the generated `types` module, by name.
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

/// A named type of the generated code (`raw::types`), as callers see it.
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

/// Every named type of `file` (progenitor's output): what the drift report
/// compares field by field.
pub fn named_types(file: &syn::File) -> BTreeMap<String, NamedType> {
    let structs = type_structs(file);
    let mut out: BTreeMap<String, NamedType> = structs
        .iter()
        .map(|(name, s)| {
            let flattened = s
                .fields
                .iter()
                .any(|field| SerdeAttrs::of(&field.attrs).flatten);
            let named = if flattened {
                NamedType::Union(
                    s.fields
                        .iter()
                        .map(|field| qualify(&field.ty, &structs))
                        .collect(),
                )
            } else {
                NamedType::Struct(struct_fields(s, &structs))
            };
            (name.clone(), named)
        })
        .collect();
    for item in types_module(file) {
        if let syn::Item::Enum(e) = item {
            let variants = e.variants.iter().map(|v| v.ident.to_string()).collect();
            let holds = e
                .variants
                .iter()
                .flat_map(|v| v.fields.iter())
                .map(|field| qualify(&field.ty, &structs))
                .collect();
            out.insert(e.ident.to_string(), NamedType::Enum { variants, holds });
        }
    }
    out
}

/// The items of the generated `types` module.
fn types_module(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                module.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn type_structs(file: &syn::File) -> BTreeMap<String, &syn::ItemStruct> {
    let mut out = BTreeMap::new();
    for item in types_module(file) {
        if let syn::Item::Struct(s) = item {
            out.insert(s.ident.to_string(), s);
        }
    }
    out
}

fn response_kind(
    output: &syn::ReturnType,
    structs: &BTreeMap<String, &syn::ItemStruct>,
) -> ResponseKind {
    let syn::ReturnType::Type(_, ty) = output else {
        return ResponseKind::Empty;
    };
    fn first_argument(ty: &syn::Type) -> Option<&syn::Type> {
        let syn::Type::Path(p) = ty else { return None };
        let segment = p.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
            return None;
        };
        args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
    }
    let Some(body) = first_argument(ty).and_then(first_argument) else {
        return ResponseKind::Empty;
    };
    let text = body.to_token_stream().to_string();
    if matches!(body, syn::Type::Tuple(t) if t.elems.is_empty()) {
        ResponseKind::Empty
    } else if text.contains("ByteStream") || text.contains("Upgraded") {
        ResponseKind::Bytes
    } else {
        ResponseKind::Json(qualify(body, structs))
    }
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `("GET", "/v2/access/chats")` from progenitor's "Sends a `GET` request to
/// `/v2/access/chats`" doc line.
fn sends(attrs: &[syn::Attribute]) -> Option<(String, String)> {
    let doc = doc_text(attrs);
    let rest = doc.split_once("Sends a `")?.1;
    let (method, rest) = rest.split_once('`')?;
    let path = rest.split_once("request to `")?.1.split_once('`')?.0;
    Some((method.to_owned(), path.to_owned()))
}

fn doc_before_sends(attrs: &[syn::Attribute]) -> String {
    let doc = doc_text(attrs);
    let text = doc.split_once("Sends a `").map_or(doc.as_str(), |(d, _)| d);
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_and_types() {
        assert_eq!(template_names("/a/{x}/b/{y_z}"), ["x", "y_z"]);
        let ty: syn::Type = syn::parse_quote!(Option<&'a ::std::vec::Vec<Chat>>);
        let (inner, optional) = value_type(&ty);
        assert!(optional);
        assert_eq!(
            qualify(&inner, &BTreeMap::new()),
            ":: std :: vec :: Vec < types :: Chat >"
        );
    }
}
