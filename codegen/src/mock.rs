//! Test support generated from the same normalized spec as the clients: the
//! route table the crate's example-driven mock server serves, and the
//! response decoders of the crate's own tests (the typed httpmock helpers are
//! `crate::httpmock`, feature `progenitor`).

use serde_json::{Map, Value, json};

use crate::generate;
use crate::model::{Operation, Pagination, PagingStyle};
use crate::{Error, Omitted, examples, walk};

/// The routes of one API for the crate's mock server, as JSON: for every
/// generated operation its method, path template, auth schemes, parameter
/// constraints, success status and body (the spec's example, else one
/// synthesized from the response schema), and how it pages (the operation
/// model's pagination, the one the client's streams follow).
///
/// The shape is read by `src/mock/routes.rs` (`RouteTable`); a test there
/// decodes the tables build.rs writes.
pub fn route_table(spec: &Value, omitted: &[Omitted], operations: &[Operation]) -> Value {
    let mut doc = spec.clone();
    generate::remove_operations(&mut doc, omitted);
    let no_schemes = Value::Null;
    let schemes = doc
        .pointer("/components/securitySchemes")
        .unwrap_or(&no_schemes);
    let no_security = json!([]);
    let global_security = doc.get("security").unwrap_or(&no_security);
    let routes: Vec<Value> = walk::operations(&doc)
        .into_iter()
        .map(|(path, method, op)| {
            // Path-level parameters first, then the operation's own.
            let shared = doc["paths"][path].get("parameters");
            let parameters: Vec<Value> = [shared, op.get("parameters")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .flatten()
                .map(|p| parameter(&doc, walk::resolve_ref(&doc, p)))
                .collect();
            let status = examples::success_response(&doc, method, path)
                .and_then(|(status, _)| status.parse::<u16>().ok())
                .unwrap_or(200);
            let body = examples::declared_response_example(&doc, method, path).or_else(|| {
                examples::response_schema(&doc, method, path).map(|s| examples::synthesize(&doc, s))
            });
            let pagination = operations
                .iter()
                .find(|o| o.path == path && o.method.eq_ignore_ascii_case(method))
                .and_then(|o| o.pagination.as_ref());
            let paging = pagination.map_or(Value::Null, |p| paging(p, &parameters, body.as_ref()));
            let request_body = request_body(&doc, op);
            json!({
                "operationId": op.get("operationId"),
                "method": method.to_uppercase(),
                "path": path,
                "auth": auth(op.get("security").unwrap_or(global_security), schemes),
                "parameters": parameters,
                "status": status,
                "body": body,
                "paging": paging,
                "requestBody": request_body,
            })
        })
        .collect();
    let schemas = referenced_schemas(&doc, &routes);
    json!({ "routes": routes, "schemas": schemas })
}

/// What the mock checks of a JSON request body: whether one is required,
/// and its schema (`$ref`s into the table's `schemas`); with a body that
/// fits it, for tests.
fn request_body(doc: &Value, op: &Value) -> Value {
    let Some(body) = op.get("requestBody").map(|b| walk::resolve_ref(doc, b)) else {
        return Value::Null;
    };
    let Some(schema) = body.pointer("/content/application~1json/schema") else {
        return Value::Null;
    };
    json!({
        "required": body.get("required").and_then(Value::as_bool).unwrap_or(false),
        "schema": schema,
        "example": examples::synthesize(doc, schema),
    })
}

/// The component schemas the routes' request bodies refer to, directly or
/// through each other: only those travel in the table.
fn referenced_schemas(doc: &Value, routes: &[Value]) -> Value {
    let components = doc
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or(Value::Null);
    let mut names = std::collections::BTreeSet::new();
    for route in routes {
        walk::collect_component_refs(&route["requestBody"], &components, &mut names);
    }
    let schemas: Map<String, Value> = names
        .into_iter()
        .filter_map(|name| Some((name.clone(), components.get(&name)?.clone())))
        .collect();
    Value::Object(schemas)
}

/// What the mock checks of a parameter.
fn parameter(doc: &Value, p: &Value) -> Value {
    let schema = walk::resolve_ref(doc, p.get("schema").unwrap_or(&Value::Null));
    json!({
        "name": p.get("name"),
        "in": p.get("in"),
        "required": p.get("required").and_then(Value::as_bool).unwrap_or(false),
        "type": walk::type_of(schema),
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
        "maxLength": schema.get("maxLength"),
        "default": schema.get("default"),
        "enum": schema.get("enum"),
    })
}

/// The headers an operation's security requirements ask for: every scheme of
/// the first requirement (alternatives beyond it are not modelled).
fn auth(security: &Value, schemes: &Value) -> Value {
    let first = security
        .as_array()
        .and_then(|s| s.first())
        .and_then(Value::as_object);
    let Some(first) = first else {
        return json!([]);
    };
    let required: Vec<Value> = first
        .keys()
        .filter_map(|name| {
            let scheme = schemes.get(name)?;
            match (
                walk::type_of(scheme),
                scheme.get("in").and_then(Value::as_str),
            ) {
                (Some("apiKey"), Some("header")) => Some(json!({
                    "scheme": name, "header": scheme.get("name"), "bearer": false,
                })),
                (Some("http"), _)
                    if scheme.get("scheme").and_then(Value::as_str) == Some("bearer") =>
                {
                    Some(json!({ "scheme": name, "header": "authorization", "bearer": true }))
                }
                _ => None,
            }
        })
        .collect();
    Value::Array(required)
}

/// How the mock serves an operation's pages, in the style the operation
/// model found: the query parameter that asks for a page, where the items are
/// (`data.list`), and the page-size parameter. For `_pagination.next_page`
/// the cursor is the undeclared query parameter of the spec's example link
/// (OnlyFansAPI's `id`), else a declared `cursor`, else one of the mock's own.
fn paging(pagination: &Pagination, parameters: &[Value], body: Option<&Value>) -> Value {
    let declared = |name: &str| {
        parameters
            .iter()
            .any(|p| p["in"] == "query" && p["name"] == name)
    };
    let (style, param) = match &pagination.style {
        PagingStyle::Offset(param) => ("offset", param.clone()),
        PagingStyle::Marker(param) => ("marker", param.clone()),
        PagingStyle::LastId(param) => ("lastId", param.clone()),
        PagingStyle::NextPage => {
            let example = body
                .and_then(|b| b.pointer("/_pagination/next_page"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let cursor = example
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or_default()
                .split('&')
                .filter_map(|pair| pair.split_once('=').map(|(k, _)| k))
                .find(|k| !declared(k))
                .or_else(|| declared("cursor").then_some("cursor"))
                .unwrap_or(MOCK_CURSOR);
            ("nextPage", cursor.to_owned())
        }
    };
    json!({
        "style": style,
        "param": param,
        "items": pagination.items,
        "limit": declared("limit").then_some("limit"),
    })
}

/// The next-page cursor parameter of a route whose example link names none.
const MOCK_CURSOR: &str = "mock_cursor";

/// `mock::decoders::RESPONSE_DECODERS`: `(METHOD, path template, decoder)`
/// for every operation of the model whose success response is JSON, each
/// decoding into the generated type as `send()` does (leniently), answering
/// the misfits.
pub fn response_decoders(
    operations: &[crate::model::Operation],
    crate_path: &str,
    header: &str,
) -> Result<String, Error> {
    let rt = crate::runtime();
    let crate_path: syn::Path = syn::parse_str(crate_path)
        .map_err(|e| Error::Generate(format!("`{crate_path}` is not a path: {e}")))?;
    let mut entries = Vec::new();
    for op in operations {
        let crate::model::ResponseKind::Json(ty) = &op.response else {
            continue;
        };
        let body: proc_macro2::TokenStream = ty
            .parse()
            .map_err(|e| Error::Generate(format!("type `{ty}`: {e}")))?;
        let (method, path) = (&op.method, &op.path);
        entries.push(quote::quote! {
            (#method, #path, |body: &[u8]| #rt::decode_lenient::<#body>(body).map(|(_, misfits)| misfits))
        });
    }
    let tokens = quote::quote! {
        #[doc(hidden)]
        pub mod decoders {
            #[allow(unused_imports)]
            use #crate_path::*;
            /// `(METHOD, path template, decoder)` for every generated operation
            /// whose success response is JSON: the decoder answers the parts
            /// of a body that do not fit (empty when it fits).
            pub const RESPONSE_DECODERS: &[(
                &str,
                &str,
                fn(&[u8]) -> ::std::result::Result<::std::vec::Vec<#rt::Misfit>, #rt::Error>,
            )] = &[#(#entries),*];
        }
    };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generate(format!("generated decoders do not parse: {e}")))?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}
