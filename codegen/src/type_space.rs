//! The generated types and what each operation sends and receives, as typify
//! holds them.
//!
//! Every schema of a normalized spec is registered with one typify
//! `TypeSpace`, in progenitor's order and under progenitor's names (the
//! components; then per operation its parameters `{operationId}-{name}`, its
//! body `{operationId}-body` and its responses `{operationId}-response`). The
//! types module is printed from this space, and the operation model
//! ([`crate::model`]) reads each parameter, body and response as the
//! `TypeId` registered for it, each struct's fields from typify's
//! properties, and their JSON names from the schema that made the struct.
//! progenitor itself only prints the raw client (feature `raw`) and the
//! httpmock helpers; a unit test below holds this space's types to
//! progenitor's, for both specs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{OpenAPI, Parameter, ReferenceOr};
use schemars::schema::{Schema, SchemaObject, SingleOrVec};
use typify_impl::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace, TypeSpaceSettings};

use crate::model::Location;
use crate::normalize::Omitted;
use crate::schema::convert;

/// How a request body is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyType {
    /// JSON of this type.
    Json(TypeId),
    /// `application/x-www-form-urlencoded` of this type.
    Form(TypeId),
    /// Bytes (`application/octet-stream`, text).
    Bytes,
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseType {
    Json(TypeId),
    Empty,
    Bytes,
}

/// One parameter as registered.
#[derive(Debug, Clone)]
pub struct ParamType {
    /// Its name on the wire.
    pub wire: String,
    /// Its Rust name (progenitor's: the wire name in snake case).
    pub ident: String,
    pub location: Location,
    pub type_id: TypeId,
    /// Whether the caller must give it (a query parameter whose schema is
    /// itself nullable is optional, whatever the spec says).
    pub required: bool,
}

/// The types of one operation.
#[derive(Debug, Clone)]
pub struct OperationTypes {
    /// `GET`, `POST`, …
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// Path parameters in template order, then query parameters, then
    /// headers, each group by name (progenitor's argument order).
    pub params: Vec<ParamType>,
    pub body: Option<BodyType>,
    pub response: ResponseType,
    pub summary: Option<String>,
    pub description: Option<String>,
}

/// A struct field: its Rust name, its JSON name and its type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldType {
    pub ident: String,
    /// The JSON name; `None` for a field typify flattens (the rest of an
    /// object, or one part of a union of object shapes).
    pub wire: Option<String>,
    pub type_id: TypeId,
    pub required: bool,
}

/// The type space of one normalized spec and the types of its operations.
pub struct TypeModel {
    space: TypeSpace,
    operations: Vec<OperationTypes>,
    /// The JSON names of each struct's fields, by Rust name.
    wire_names: HashMap<TypeId, BTreeMap<String, String>>,
    /// The types of the component schemas, by schema name.
    components: BTreeMap<String, TypeId>,
    /// The types registered for parameters, bodies and responses.
    registered: Vec<TypeId>,
}

impl std::fmt::Debug for TypeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeModel")
            .field("operations", &self.operations.len())
            .field("components", &self.components.len())
            .finish_non_exhaustive()
    }
}

/// A name as progenitor and typify make one (`sanitize`): the case applied
/// after every character that cannot continue an identifier became `-`, a
/// prefix when it cannot start one, and `_` after a keyword.
pub(crate) fn sanitize(input: &str, pascal: bool, prefix: &str) -> String {
    use heck::{ToPascalCase, ToSnakeCase};
    let case = |s: &str| {
        if pascal {
            s.to_pascal_case()
        } else {
            s.to_snake_case()
        }
    };
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => case(
            &input
                .replace('\'', "")
                .replace(|c: char| !unicode_ident::is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if typify_impl::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// progenitor's name for a type or method made from `input`.
pub(crate) fn progenitor_name(input: &str, pascal: bool) -> String {
    sanitize(input, pascal, "_")
}

/// typify's Rust name of a JSON property.
pub(crate) fn property_ident(key: &str) -> String {
    sanitize(key, false, "x")
}

type Key = (String, String);

/// Why building stopped: an operation that failed (left out, and the space
/// built again without it), or the document itself.
enum Failure {
    Operation(Key, String, String),
    Document(String),
}

impl TypeModel {
    /// Registers every schema of `api` (the document progenitor reads) with
    /// a type space made with `settings`. An operation whose types typify
    /// rejects is left out (with typify's reason), as progenitor's probing
    /// leaves it out, and the space is built again without it.
    pub fn build(
        api: &OpenAPI,
        settings: &TypeSpaceSettings,
    ) -> Result<(TypeModel, Vec<Omitted>), String> {
        let mut omitted: Vec<Omitted> = Vec::new();
        loop {
            let skip: BTreeSet<Key> = omitted
                .iter()
                .map(|o| (o.method.to_ascii_uppercase(), o.path.clone()))
                .collect();
            // typify panics on some shapes; keep its messages out of the build output.
            let failure = match crate::generate::quietly(|| build(api, settings, &skip)) {
                Ok(Ok(model)) => return Ok((model, omitted)),
                Ok(Err(failure)) => failure,
                Err(panic) => Failure::Document(format!("the type generator panicked: {panic}")),
            };
            match failure {
                Failure::Operation((method, path), operation_id, reason) => omitted.push(Omitted {
                    method: method.to_ascii_lowercase(),
                    path,
                    operation_id,
                    reason,
                }),
                Failure::Document(reason) => return Err(reason),
            }
        }
    }

    /// The operations, in the document's order.
    pub fn operations(&self) -> &[OperationTypes] {
        &self.operations
    }

    /// The type space (for printing the types module).
    pub fn space(&self) -> &TypeSpace {
        &self.space
    }

    /// The type of a component schema.
    pub fn component(&self, name: &str) -> Option<&TypeId> {
        self.components.get(name)
    }

    /// `f` of the details of a type (a struct's properties, a `Vec`'s item).
    pub fn with_details<R>(&self, id: &TypeId, f: impl FnOnce(TypeDetails<'_>) -> R) -> Option<R> {
        let ty = self.space.get_type(id).ok()?;
        Some(f(ty.details()))
    }

    /// The name of a named type (a struct, an enum or a newtype).
    pub fn name(&self, id: &TypeId) -> Option<String> {
        let ty = self.space.get_type(id).ok()?;
        matches!(
            ty.details(),
            TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
        )
        .then(|| ty.name())
    }

    /// The type as a field or a return value names it (`types::Chat`,
    /// `::std::vec::Vec<types::Chat>`), as tokens text.
    pub fn render(&self, id: &TypeId) -> String {
        self.space
            .get_type(id)
            .map(|t| canonical(t.ident(), false))
            .unwrap_or_default()
    }

    /// The type as an argument takes it, without the reference (`str` for a
    /// string, `types::Chat` for a struct), as tokens text.
    pub fn render_argument(&self, id: &TypeId) -> String {
        self.space
            .get_type(id)
            .map(|t| canonical(t.parameter_ident(), true))
            .unwrap_or_default()
    }

    /// The fields of a struct, in typify's order (by Rust name).
    pub fn fields(&self, id: &TypeId) -> Option<Vec<FieldType>> {
        let wire = self.wire_names.get(id);
        self.with_details(id, |details| {
            let TypeDetails::Struct(s) = details else {
                return None;
            };
            Some(
                s.properties_info()
                    .map(|p| FieldType {
                        ident: p.name.to_owned(),
                        wire: wire.and_then(|w| w.get(p.name)).cloned(),
                        type_id: p.type_id,
                        required: p.required,
                    })
                    .collect(),
            )
        })
        .flatten()
    }

    /// Every named type (struct, enum, newtype) reachable from `roots`, by
    /// name: what a value of those types may hold.
    pub fn reachable_names(&self, roots: impl IntoIterator<Item = TypeId>) -> BTreeSet<String> {
        let mut seen: BTreeSet<TypeId> = BTreeSet::new();
        let mut queue: Vec<TypeId> = roots.into_iter().collect();
        let mut names = BTreeSet::new();
        while let Some(id) = queue.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(name) = self.name(&id) {
                names.insert(name);
            }
            queue.extend(self.held(&id));
        }
        names
    }

    /// The types a type holds directly.
    pub fn held(&self, id: &TypeId) -> Vec<TypeId> {
        self.with_details(id, |details| match details {
            TypeDetails::Struct(s) => s.properties().map(|(_, id)| id).collect(),
            TypeDetails::Enum(e) => e
                .variants()
                .flat_map(|(_, variant)| match variant {
                    TypeEnumVariant::Simple => Vec::new(),
                    TypeEnumVariant::Tuple(ids) => ids,
                    TypeEnumVariant::Struct(props) => props.into_iter().map(|(_, id)| id).collect(),
                })
                .collect(),
            TypeDetails::Newtype(n) => vec![n.inner()],
            TypeDetails::Option(id)
            | TypeDetails::Vec(id)
            | TypeDetails::Set(id)
            | TypeDetails::Box(id)
            | TypeDetails::Array(id, _) => vec![id],
            TypeDetails::Map(key, value) => vec![key, value],
            TypeDetails::Tuple(ids) => ids.collect(),
            TypeDetails::Builtin(_) | TypeDetails::Unit | TypeDetails::String => Vec::new(),
        })
        .unwrap_or_default()
    }

    /// Every type registered (components, parameters, bodies, responses):
    /// every other type is held by one of them.
    pub fn roots(&self) -> Vec<TypeId> {
        self.components
            .values()
            .chain(&self.registered)
            .cloned()
            .collect()
    }

    /// The types of every parameter and request body.
    pub fn request_roots(&self) -> Vec<TypeId> {
        let mut roots = Vec::new();
        for op in &self.operations {
            roots.extend(op.params.iter().map(|p| p.type_id.clone()));
            if let Some(BodyType::Json(id) | BodyType::Form(id)) = &op.body {
                roots.push(id.clone());
            }
        }
        roots
    }
}

/// A type's tokens as text in one spelling: no trailing comma among generic
/// arguments (typify writes `Open<T,>` in some places and `Open<T>` in
/// others), and without the reference when `dereference`.
fn canonical(tokens: proc_macro2::TokenStream, dereference: bool) -> String {
    use quote::ToTokens;
    use syn::visit_mut::VisitMut;
    struct NoTrailingComma;
    impl VisitMut for NoTrailingComma {
        fn visit_angle_bracketed_generic_arguments_mut(
            &mut self,
            args: &mut syn::AngleBracketedGenericArguments,
        ) {
            syn::visit_mut::visit_angle_bracketed_generic_arguments_mut(self, args);
            if args.args.trailing_punct() {
                args.args.pop_punct();
            }
        }
    }
    let Ok(mut ty) = syn::parse2::<syn::Type>(tokens.clone()) else {
        return tokens.to_string();
    };
    NoTrailingComma.visit_type_mut(&mut ty);
    match ty {
        syn::Type::Reference(r) if dereference => r.elem.to_token_stream().to_string(),
        other => other.to_token_stream().to_string(),
    }
}

/// A `$ref`'s target in `components` (progenitor reads parameters, bodies
/// and responses through references; schemas stay references for typify).
fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    components: &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<&'a T, String> {
    let mut item = item;
    for _ in 0..8 {
        match item {
            ReferenceOr::Item(value) => return Ok(value),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                item = components
                    .get(name)
                    .ok_or_else(|| format!("unresolved reference {reference}"))?;
            }
        }
    }
    Err("a reference chain too long".into())
}

fn build(
    api: &OpenAPI,
    settings: &TypeSpaceSettings,
    skip: &BTreeSet<Key>,
) -> Result<TypeModel, Failure> {
    let mut space = TypeSpace::new(settings);
    let empty = openapiv3::Components::default();
    let components = api.components.as_ref().unwrap_or(&empty);
    let schemas: Vec<(String, Schema)> = components
        .schemas
        .iter()
        .map(|(name, schema)| (name.clone(), convert(schema)))
        .collect();
    space
        .add_ref_types(schemas.clone())
        .map_err(|e| Failure::Document(format!("component schemas: {e}")))?;
    let mut registered: Vec<(TypeId, Schema)> = Vec::new();
    let mut operations = Vec::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let key = (method.to_ascii_uppercase(), path.clone());
            if skip.contains(&key) {
                continue;
            }
            let operation_id = op.operation_id.clone().unwrap_or_default();
            let fail =
                |reason: String| Failure::Operation(key.clone(), operation_id.clone(), reason);
            // A panic of typify's on this operation's schemas is this
            // operation's failure (the space is built again without it).
            let types = crate::generate::quietly(|| {
                register(
                    &mut space,
                    components,
                    path,
                    method,
                    item,
                    op,
                    &mut registered,
                )
            })
            .unwrap_or_else(|panic| Err(format!("the type generator panicked: {panic}")))
            .map_err(fail)?;
            operations.push(types);
        }
    }
    let mut model = TypeModel {
        space,
        operations,
        wire_names: HashMap::new(),
        components: BTreeMap::new(),
        registered: registered.iter().map(|(id, _)| id.clone()).collect(),
    };
    let definitions: BTreeMap<String, Schema> = schemas.into_iter().collect();
    let mut pairing = Pairing {
        definitions: &definitions,
        seen: BTreeSet::new(),
        wire_names: HashMap::new(),
    };
    for (name, schema) in &definitions {
        let reference = SchemaObject::new_ref(format!("#/components/schemas/{name}")).into();
        // A reference adds no type: it names the component's.
        if let Ok(id) = model.space.add_type(&reference) {
            pairing.pair(&model, &id, schema);
            model.components.insert(name.clone(), id);
        }
    }
    for (id, schema) in &registered {
        pairing.pair(&model, id, schema);
    }
    model.wire_names = pairing.wire_names;
    Ok(model)
}

/// Registers one operation's parameters, body and responses, as progenitor
/// does (`process_operation`), and says what it rejects.
fn register(
    space: &mut TypeSpace,
    components: &openapiv3::Components,
    path: &str,
    method: &str,
    item: &openapiv3::PathItem,
    op: &openapiv3::Operation,
    registered: &mut Vec<(TypeId, Schema)>,
) -> Result<OperationTypes, String> {
    let operation_id = op
        .operation_id
        .clone()
        .ok_or_else(|| format!("{method} {path}: no operationId"))?;
    // The path item's parameters, those of the operation replacing them by
    // name; registered in name order.
    let mut by_name: BTreeMap<&str, &Parameter> = BTreeMap::new();
    for parameter in item.parameters.iter().chain(&op.parameters) {
        let parameter = resolve(parameter, &components.parameters)?;
        by_name.insert(&parameter.parameter_data_ref().name, parameter);
    }
    let mut add = |schema: Schema, name: String| -> Result<TypeId, String> {
        let id = space
            .add_type_with_name(&schema, Some(name))
            .map_err(|e| e.to_string())?;
        registered.push((id.clone(), schema));
        Ok(id)
    };
    let mut params = Vec::new();
    for parameter in by_name.values() {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            Parameter::Path {
                style: openapiv3::PathStyle::Simple,
                ..
            } => Location::Path,
            Parameter::Query {
                style: openapiv3::QueryStyle::Form,
                ..
            } => Location::Query,
            Parameter::Header {
                style: openapiv3::HeaderStyle::Simple,
                ..
            } => Location::Header,
            other => {
                return Err(format!(
                    "parameter `{}` is not supported: {other:?}",
                    data.name
                ));
            }
        };
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(format!(
                "parameter `{}` has content, not a schema",
                data.name
            ));
        };
        if location == Location::Path && !data.required {
            return Err(format!("path parameter `{}` is not required", data.name));
        }
        let name = progenitor_name(&format!("{operation_id}-{}", data.name), true);
        let type_id = add(convert(schema), name)?;
        params.push((data, location, type_id));
    }
    let body = match &op.request_body {
        None => None,
        Some(body) => {
            let body = resolve(body, &components.request_bodies)?;
            match body.content.len() {
                0 => None,
                1 => {
                    let (content_type, media) = body.content.first().ok_or("no media type")?;
                    let schema = media
                        .schema
                        .as_ref()
                        .ok_or("no schema specified for the request body")?;
                    let essence = content_type.split(';').next().unwrap_or_default();
                    match essence {
                        "application/json" | "application/x-www-form-urlencoded" => {
                            if !media.encoding.is_empty() {
                                return Err("a request body media type with an encoding".into());
                            }
                            let id = add(
                                convert(schema),
                                progenitor_name(&format!("{operation_id}-body"), true),
                            )?;
                            Some(if essence == "application/json" {
                                BodyType::Json(id)
                            } else {
                                BodyType::Form(id)
                            })
                        }
                        "application/octet-stream" | "text/plain" | "text/x-markdown" => {
                            let schema = resolve(schema, &components.schemas)?;
                            let binary = essence == "application/octet-stream";
                            if !is_plain_string(schema, binary) {
                                return Err(format!(
                                    "a request body of {essence} must be {}",
                                    if binary {
                                        "a binary string"
                                    } else {
                                        "a plain string"
                                    }
                                ));
                            }
                            Some(BodyType::Bytes)
                        }
                        other => {
                            return Err(format!(
                                "request body media type {other} is not supported by progenitor"
                            ));
                        }
                    }
                }
                n => return Err(format!("{n} request body media types")),
            }
        }
    };
    // Every response is registered (progenitor types the error bodies
    // too); the successful ones give the answer.
    let responses = op
        .responses
        .default
        .iter()
        .map(|r| (None, r))
        .chain(op.responses.responses.iter().map(|(s, r)| (Some(s), r)));
    let mut success: BTreeSet<ResponseKey> = BTreeSet::new();
    for (status, response) in responses {
        let response = resolve(response, &components.responses)?;
        let json = response.content.iter().find_map(|(ct, media)| {
            (ct == "application/json" || ct.starts_with("application/json;")).then_some(media)
        });
        let kind = if let Some(media) = json {
            let schema = media
                .schema
                .as_ref()
                .ok_or("a JSON response without a schema")?;
            let id = add(
                convert(schema),
                progenitor_name(&format!("{operation_id}-response"), true),
            )?;
            ResponseKey::Json(id)
        } else if response.content.is_empty() {
            ResponseKey::Empty
        } else {
            ResponseKey::Bytes
        };
        let is_success = match status {
            None => true,
            Some(openapiv3::StatusCode::Code(code)) => (200..300).contains(code),
            Some(openapiv3::StatusCode::Range(range)) => *range == 2,
        };
        if is_success {
            success.insert(kind);
        }
    }
    // A query parameter whose type is optional is optional, its inner type
    // the argument's.
    let mut params: Vec<ParamType> = params
        .into_iter()
        .map(|(data, location, type_id)| {
            let inner = match space.get_type(&type_id) {
                Ok(ty) if location == Location::Query => match ty.details() {
                    TypeDetails::Option(inner) => Some(inner),
                    _ => None,
                },
                _ => None,
            };
            ParamType {
                wire: data.name.clone(),
                ident: progenitor_name(&data.name, false),
                location,
                required: data.required && inner.is_none(),
                type_id: inner.unwrap_or(type_id),
            }
        })
        .collect();
    let response = match success.len() {
        // No success declared: progenitor answers with the raw bytes.
        0 => ResponseType::Bytes,
        1 => match success.pop_first() {
            Some(ResponseKey::Json(id)) => ResponseType::Json(id),
            Some(ResponseKey::Bytes) => ResponseType::Bytes,
            _ => ResponseType::Empty,
        },
        _ => return Err("successful responses of more than one type".into()),
    };
    let template = template_names(path);
    params.sort_by(|a, b| {
        let rank = |p: &ParamType| match p.location {
            Location::Path => (0, template.iter().position(|n| *n == p.wire)),
            Location::Query => (1, None),
            Location::Header => (2, None),
        };
        rank(a).cmp(&rank(b)).then_with(|| a.wire.cmp(&b.wire))
    });
    Ok(OperationTypes {
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        operation_id,
        params,
        body,
        response,
        summary: op.summary.clone().filter(|s| !s.is_empty()),
        description: op.description.clone().filter(|s| !s.is_empty()),
    })
}

/// A string schema with nothing but a description: `format: binary` when
/// `binary`, no format otherwise (what progenitor sends as bytes).
fn is_plain_string(schema: &openapiv3::Schema, binary: bool) -> bool {
    let data = &schema.schema_data;
    let openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) = &schema.schema_kind else {
        return false;
    };
    let format_fits = match &s.format {
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => binary,
        openapiv3::VariantOrUnknownOrEmpty::Empty => !binary,
        _ => false,
    };
    !data.nullable
        && data.discriminator.is_none()
        && data.default.is_none()
        && format_fits
        && s.pattern.is_none()
        && s.enumeration.is_empty()
        && s.min_length.is_none()
        && s.max_length.is_none()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ResponseKey {
    Json(TypeId),
    Empty,
    Bytes,
}

/// `{name}`s of a path template, in order.
pub(crate) fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Pairs each struct type with the schema it was made from, to learn its
/// fields' JSON names: a field is the property whose name typify turns
/// into the field's (`hasMore` → `has_more`).
struct Pairing<'a> {
    definitions: &'a BTreeMap<String, Schema>,
    seen: BTreeSet<TypeId>,
    wire_names: HashMap<TypeId, BTreeMap<String, String>>,
}

/// The schema a reference names, and the object itself otherwise.
fn resolved<'s>(
    defs: &'s BTreeMap<String, Schema>,
    schema: &'s Schema,
) -> Option<&'s SchemaObject> {
    let mut schema = schema;
    for _ in 0..16 {
        let Schema::Object(object) = schema else {
            return None;
        };
        match &object.reference {
            Some(reference) => {
                let name = reference.rsplit('/').next()?;
                schema = defs.get(name)?;
            }
            None => return Some(object),
        }
    }
    None
}

/// Every property of a schema and of the schemas it composes.
fn all_properties<'s>(
    defs: &'s BTreeMap<String, Schema>,
    schema: &'s Schema,
    out: &mut Vec<(&'s str, &'s Schema)>,
    depth: u8,
) {
    let Some(object) = resolved(defs, schema) else {
        return;
    };
    if depth > 8 {
        return;
    }
    if let Some(validation) = &object.object {
        out.extend(validation.properties.iter().map(|(k, v)| (k.as_str(), v)));
    }
    if let Some(sub) = &object.subschemas {
        for part in [&sub.all_of, &sub.any_of, &sub.one_of]
            .into_iter()
            .flatten()
            .flatten()
        {
            all_properties(defs, part, out, depth + 1);
        }
    }
}

/// The `items` schema of an array schema (or of a nullable one's array).
fn items<'s>(defs: &'s BTreeMap<String, Schema>, schema: &'s Schema) -> Option<&'s Schema> {
    let object = resolved(defs, schema)?;
    if let Some(array) = &object.array {
        return match array.items.as_ref()? {
            SingleOrVec::Single(items) => Some(items),
            SingleOrVec::Vec(_) => None,
        };
    }
    let sub = object.subschemas.as_ref()?;
    sub.one_of
        .iter()
        .chain(&sub.any_of)
        .flatten()
        .find_map(|part| items(defs, part))
}

/// The value schema of a map schema.
fn values<'s>(defs: &'s BTreeMap<String, Schema>, schema: &'s Schema) -> Option<&'s Schema> {
    let object = resolved(defs, schema)?;
    match object.object.as_ref()?.additional_properties.as_deref()? {
        Schema::Bool(_) => None,
        values => Some(values),
    }
}

/// The parts of a union schema, in order.
fn parts<'s>(defs: &'s BTreeMap<String, Schema>, schema: &'s Schema) -> Vec<&'s Schema> {
    let Some(sub) = resolved(defs, schema).and_then(|o| o.subschemas.as_ref()) else {
        return Vec::new();
    };
    sub.one_of.iter().chain(&sub.any_of).flatten().collect()
}

impl<'a> Pairing<'a> {
    fn pair(&mut self, model: &TypeModel, id: &TypeId, schema: &'a Schema) {
        let defs = self.definitions;
        let Ok(ty) = model.space.get_type(id) else {
            return;
        };
        match ty.details() {
            TypeDetails::Struct(s) => {
                if !self.seen.insert(id.clone()) {
                    return;
                }
                let mut properties = Vec::new();
                all_properties(defs, schema, &mut properties, 0);
                let mut names = BTreeMap::new();
                let mut next = Vec::new();
                for (field, field_id) in s.properties() {
                    if let Some((key, property)) = properties
                        .iter()
                        .find(|(key, _)| property_ident(key) == field)
                    {
                        names.insert(field.to_owned(), (*key).to_owned());
                        next.push((field_id, *property));
                    } else {
                        // A flattened part: its type holds the schema's other shapes.
                        next.push((field_id, schema));
                    }
                }
                self.wire_names.insert(id.clone(), names);
                for (field_id, property) in next {
                    self.pair(model, &field_id, property);
                }
            }
            TypeDetails::Option(inner) | TypeDetails::Box(inner) => {
                // A nullable schema's other part, when it is a union with null.
                let parts = parts(defs, schema);
                let non_null: Vec<&Schema> = parts
                    .into_iter()
                    .filter(|p| !is_null(resolved(defs, p)))
                    .collect();
                match non_null.as_slice() {
                    [one] => self.pair(model, &inner, one),
                    _ => self.pair(model, &inner, schema),
                }
            }
            TypeDetails::Vec(inner) | TypeDetails::Set(inner) | TypeDetails::Array(inner, _) => {
                if let Some(items) = items(defs, schema) {
                    self.pair(model, &inner, items);
                }
            }
            TypeDetails::Map(_, value) => {
                if let Some(values) = values(defs, schema) {
                    self.pair(model, &value, values);
                }
            }
            TypeDetails::Enum(e) => {
                if !self.seen.insert(id.clone()) {
                    return;
                }
                let parts = parts(defs, schema);
                let held: Vec<Vec<TypeId>> = e
                    .variants()
                    .map(|(_, v)| match v {
                        TypeEnumVariant::Tuple(ids) => ids,
                        _ => Vec::new(),
                    })
                    .collect();
                if parts.len() == held.len() {
                    for (part, ids) in parts.into_iter().zip(held) {
                        if let [one] = ids.as_slice() {
                            self.pair(model, one, part);
                        }
                    }
                }
            }
            TypeDetails::Newtype(n) if self.seen.insert(id.clone()) => {
                self.pair(model, &n.inner(), schema);
            }
            _ => {}
        }
    }
}

fn is_null(schema: Option<&SchemaObject>) -> bool {
    schema.is_some_and(|s| {
        matches!(&s.instance_type, Some(SingleOrVec::Single(t)) if **t == schemars::schema::InstanceType::Null)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(template_names("/a/{x}/b/{y_z}"), ["x", "y_z"]);
        assert_eq!(property_ident("hasMore"), "has_more");
        assert_eq!(property_ident("type"), "type_");
        assert_eq!(property_ident("2fa"), "x2fa");
        assert_eq!(
            progenitor_name("chats_list-userId", true),
            "ChatsListUserId"
        );
    }

    /// Each struct's fields keep their JSON names, through references,
    /// arrays, nullable unions and `allOf` merges; operations keep their
    /// parameters in progenitor's order, and a query parameter whose schema
    /// is nullable is optional.
    #[test]
    fn fields_parameters_and_answers_are_read_by_type() {
        let spec = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/chats/{chatId}": {"get": {
                "operationId": "list_messages",
                "parameters": [
                    {"name": "limit", "in": "query", "required": true,
                     "schema": {"type": "integer", "nullable": true}},
                    {"name": "chatId", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "after", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "hasMore": {"type": "boolean"},
                        "list": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                        "data": {"nullable": true, "allOf": [
                            {"type": "object", "properties": {"nextMarker": {"type": "string"}}},
                            {"type": "object", "properties": {"total_count": {"type": "integer"}}}
                        ]}
                    }
                }}}}}
            }}},
            "components": {"schemas": {"Message": {
                "type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer", "minimum": 0}, "fromUser": {"type": "string"}}
            }}}
        });
        let api: OpenAPI = serde_json::from_value(spec).unwrap();
        let (model, omitted) = TypeModel::build(&api, &TypeSpaceSettings::default()).unwrap();
        assert!(omitted.is_empty());
        let [op] = model.operations() else {
            panic!("one operation");
        };
        assert_eq!(
            (op.method.as_str(), op.path.as_str()),
            ("GET", "/chats/{chatId}")
        );
        let params: Vec<(&str, &str, bool)> = op
            .params
            .iter()
            .map(|p| (p.wire.as_str(), p.ident.as_str(), p.required))
            .collect();
        assert_eq!(
            params,
            [
                ("chatId", "chat_id", true),
                ("after", "after", false),
                ("limit", "limit", false)
            ]
        );
        let ResponseType::Json(answer) = &op.response else {
            panic!("a JSON answer");
        };
        let wire = |id: &TypeId| -> Vec<(String, Option<String>)> {
            model
                .fields(id)
                .unwrap()
                .into_iter()
                .map(|f| (f.ident, f.wire))
                .collect()
        };
        let fields = model.fields(answer).unwrap();
        assert_eq!(
            wire(answer),
            [
                ("data".to_owned(), Some("data".to_owned())),
                ("has_more".to_owned(), Some("hasMore".to_owned())),
                ("list".to_owned(), Some("list".to_owned())),
            ]
        );
        let inner = |id: &TypeId| {
            model
                .with_details(id, |d| match d {
                    TypeDetails::Option(inner) | TypeDetails::Vec(inner) => Some(inner),
                    _ => None,
                })
                .flatten()
                .unwrap()
        };
        let data = inner(&fields[0].type_id);
        assert_eq!(
            wire(&data),
            [
                ("next_marker".to_owned(), Some("nextMarker".to_owned())),
                ("total_count".to_owned(), Some("total_count".to_owned())),
            ]
        );
        let message = inner(&fields[2].type_id);
        assert_eq!(model.component("Message"), Some(&message));
        assert_eq!(
            wire(&message),
            [
                ("from_user".to_owned(), Some("fromUser".to_owned())),
                ("id".to_owned(), Some("id".to_owned())),
            ]
        );
        assert_eq!(model.render(&message), "Message");
    }

    /// The types printed from this space are progenitor's, for both specs.
    #[cfg(feature = "progenitor")]
    #[test]
    fn the_space_prints_progenitors_types() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for api in crate::apis::ALL {
            let normalized = crate::prepare(api, &root).unwrap();
            let settings = crate::library_settings(api, &normalized.spec);
            let document = crate::generate::openapi(&normalized.spec).unwrap();
            let mut generator = crate::generate::generator(&settings).unwrap();
            let tokens = generator.generate_tokens(&document).unwrap();
            let file: syn::File = syn::parse2(tokens).unwrap();
            let theirs = file
                .items
                .into_iter()
                .find_map(|item| match item {
                    syn::Item::Mod(m) if m.ident == "types" => Some(m.content.unwrap().1),
                    _ => None,
                })
                .unwrap();
            let theirs = prettyplease::unparse(&syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: theirs,
            });
            let (model, omitted) =
                TypeModel::build(&document, &crate::generate::type_settings(&settings)).unwrap();
            assert!(omitted.is_empty(), "{omitted:?}");
            let ours = prettyplease::unparse(&syn::parse2(model.space().to_stream()).unwrap());
            if ours != theirs {
                std::fs::write(format!("/tmp/{}_ours.rs", api.name), &ours).unwrap();
                std::fs::write(format!("/tmp/{}_theirs.rs", api.name), &theirs).unwrap();
                panic!("{}: the types differ", api.name);
            }
        }
    }
}
