//! The conformance calls: for every operation of the model, one call through
//! its facade builder with every parameter and body field set, to a value
//! the spec allows (its example, its first enum value, a value within its
//! bounds and of its format: [`crate::examples::synthesize`]).
//!
//! The crate's conformance test (`tests/conformance.rs`) sends each call to
//! an independent validator serving the spec (Prism) and checks that the
//! validator finds nothing wrong with the request and that its answer
//! decodes. The calls are emitted from the same model as the builders, so
//! every operation the specs gain is sent too.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;
use crate::examples;
use crate::facade::{self, Kind};
use crate::model::{self, BodyEncoding, Location, Operation, SpecOperation};
use crate::walk;

/// Emits the conformance calls of one API: a `CALLS` table of
/// `(method, path template, operation, call)`, where `call` takes the facade
/// client and sends the operation.
pub fn emit(operations: &[Operation], spec: &Value, header: &str) -> Result<String, Error> {
    let rt = crate::runtime();
    let mut functions = Vec::new();
    let mut entries = Vec::new();
    for (index, op) in operations.iter().enumerate() {
        let function = format_ident!("call_{index}");
        let body = call(op, spec)?;
        functions.push(quote! {
            fn #function(client: &super::Client) -> Pending<'_> {
                ::std::boxed::Box::pin(async move { #body })
            }
        });
        let (method, path, name) = (&op.method, &op.path, &op.name);
        entries.push(quote!((#method, #path, #name, #function)));
    }
    let tokens = quote! {
        #[allow(unused_imports)]
        use super::types;
        use #rt::conformance::{Call, Pending, answer, value};

        /// Every operation: `(method, path template, operation, call)`.
        pub static CALLS: &[(&str, &str, &str, Call<super::Client>)] = &[
            #(#entries),*
        ];

        #(#functions)*
    };
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generate(format!("generated conformance calls do not parse: {e}")))?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// The body of one call: the builder with every setter, then `send()`,
/// answering what came back.
fn call(op: &Operation, spec: &Value) -> Result<TokenStream, Error> {
    let rt = crate::runtime();
    let spec_op = model::spec_operation(spec, &op.method, &op.path)
        .ok_or_else(|| Error::Generate(format!("{} {}: not in the spec", op.method, op.path)))?;
    let parameter =
        |location: Location, wire: &str| parameter_value(spec, &spec_op, location, wire);
    // Through the public surface: `client.account(..).chats().messages().send(..)`.
    let method = format_ident!("{}", op.route.method);
    let mut receiver = quote!(client);
    let mut args = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Path) {
        let value = parameter(Location::Path, &param.wire);
        let value = argument(&param.ty, &value)?;
        if op.route.account.as_deref() == Some(param.wire.as_str()) {
            receiver = quote!(#receiver.account(#value));
        } else {
            args.push(value);
        }
    }
    for resource in &op.route.resources {
        let resource = format_ident!("{}", resource);
        receiver = quote!(#receiver.#resource());
    }
    let mut setters = Vec::new();
    let mut taken: Vec<String> = facade::RESERVED.iter().map(|s| s.to_string()).collect();
    for param in op.params.iter().filter(|p| p.location != Location::Path) {
        let name = facade::setter_name(&param.ident, &mut taken);
        let value = parameter(param.location, &param.wire);
        let argument = argument(&param.ty, &value)?;
        setters.push(quote!(.#name(#argument)));
    }
    if let Some(body) = &op.body {
        let schema = body_schema(spec, spec_op.op, body.encoding);
        let whole = schema.map_or(Value::Null, |s| examples::synthesize(spec, s));
        match body.encoding {
            BodyEncoding::Multipart => {
                for field in &body.fields {
                    let name = facade::setter_name(&field.ident, &mut taken);
                    if field.file {
                        setters.push(quote! {
                            .#name(#rt::FilePart::bytes(&b"\xFF\xD8\xFF conformance"[..]).file_name("conformance.jpg"))
                        });
                    } else {
                        let value = whole.get(&field.wire).cloned().unwrap_or(Value::Null);
                        let argument = argument(&field.ty, &value)?;
                        setters.push(quote!(.#name(#argument)));
                    }
                }
            }
            BodyEncoding::Bytes => setters.push(quote!(.body(&b"conformance"[..]))),
            BodyEncoding::Json | BodyEncoding::Form => {
                let value = json_as(facade::tokens(&body.ty)?, &whole);
                setters.push(quote!(.body(#value)));
            }
        }
    }
    let send = quote!(.send().await.map(|response| answer(&response)));
    Ok(quote! {
        ::std::result::Result::Ok(#receiver.#method(#(#args),*) #(#setters)* #send)
    })
}

/// The value a setter of `ty` takes, for the spec's `value`.
fn argument(ty: &str, value: &Value) -> Result<TokenStream, Error> {
    Ok(match Kind::of(ty)? {
        Kind::Text | Kind::Secret => {
            let text = as_text(value);
            quote!(#text)
        }
        Kind::NonZero => json_as(quote!(u64), &at_least_one(value)),
        Kind::NonZeroList => {
            let items = match value {
                Value::Array(items) => items.iter().map(at_least_one).collect(),
                other => vec![at_least_one(other)],
            };
            json_as(quote!(::std::vec::Vec<u64>), &Value::Array(items))
        }
        Kind::List(item) => {
            let list = match value {
                Value::Array(_) => value.clone(),
                other => Value::Array(vec![other.clone()]),
            };
            json_as(quote!(::std::vec::Vec<#item>), &list)
        }
        Kind::Scalar(ty) | Kind::Typed(ty) => json_as(ty, value),
    })
}

/// `value::<T>(json)?`: the JSON decoded into the setter's type (a value the
/// type refuses is reported by the call, not a panic).
fn json_as(ty: TokenStream, value: &Value) -> TokenStream {
    let json = value.to_string();
    quote!(value::<#ty>(#json)?)
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) if !text.is_empty() => text.clone(),
        Value::Null | Value::String(_) => "value".to_owned(),
        other => other.to_string(),
    }
}

fn at_least_one(value: &Value) -> Value {
    match value.as_u64() {
        Some(n) if n >= 1 => value.clone(),
        _ => Value::from(1u64),
    }
}

/// A value for the parameter `wire` (a deepObject property's setter is named
/// `name[property]` on the wire).
fn parameter_value(spec: &Value, op: &SpecOperation, location: Location, wire: &str) -> Value {
    let (name, property) = match wire.split_once('[') {
        Some((name, rest)) => (name, rest.strip_suffix(']')),
        None => (wire, None),
    };
    let Some(parameter) = op.parameter(spec, name, location) else {
        return Value::Null;
    };
    if let Some(example) = parameter.get("example").filter(|e| !e.is_null())
        && property.is_none()
    {
        return example.clone();
    }
    let schema = walk::resolve_ref(spec, parameter.get("schema").unwrap_or(&Value::Null));
    let schema = match property {
        Some(property) => walk::resolve_ref(
            spec,
            schema
                .pointer(&format!("/properties/{property}"))
                .unwrap_or(&Value::Null),
        ),
        None => schema,
    };
    let value = examples::synthesize_named(spec, schema, property.unwrap_or(name));
    if value.is_null() {
        Value::String(name.to_owned())
    } else {
        value
    }
}

/// The request body schema of the encoding the model chose.
fn body_schema<'a>(spec: &'a Value, op: &'a Value, encoding: BodyEncoding) -> Option<&'a Value> {
    if encoding == BodyEncoding::Multipart {
        return op.get(crate::model::FACADE_MULTIPART);
    }
    let content = walk::resolve_ref(spec, op.get("requestBody")?).get("content")?;
    let media = match encoding {
        BodyEncoding::Form => content.get("application/x-www-form-urlencoded"),
        _ => content
            .get("application/json")
            .or_else(|| content.as_object()?.values().next()),
    }?;
    media.get("schema")
}
