//! Client generation: a normalized spec in, formatted Rust source out.
//!
//! progenitor generates the whole client at once and gives up on the first
//! operation it cannot handle (sometimes by panicking). So that one odd endpoint of
//! a full upstream spec does not cost every other one, a failed run is followed by
//! one probe per operation; the operations that fail alone are left out, each
//! with the generator's own message as the reason, and the rest is generated.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::OpenAPI;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle};
use serde_json::Value;

use crate::Error;
use crate::normalize::Omitted;
use crate::walk;

/// How the raw client is generated.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A Rust path to the type the generated `Client` carries as `inner`; when
    /// set, the crate must implement `progenitor_client::ClientHooks` for it.
    pub inner_type: Option<String>,
    /// Component schemas generated as a handwritten type instead:
    /// `(schema name, Rust path)` (see [`crate::replacements`]).
    pub replacements: Vec<(String, String)>,
}

/// Generated source and what had to be left out.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Everything progenitor generated: the types and the raw client.
    pub code: String,
    /// The types alone: the items of progenitor's `types` module, which the
    /// crate compiles as `<api>::types` whatever else it builds.
    pub types: String,
    /// The raw client alone (cargo feature `raw`), for a module beside
    /// `types` (it opens with `pub use super::types;`).
    pub client: String,
    pub omitted: Vec<Omitted>,
}

/// The three texts of one generation, before the header.
struct Parts {
    code: String,
    types: String,
    client: String,
}

impl Parts {
    fn with(self, header: &str, omitted: Vec<Omitted>) -> Generated {
        Generated {
            code: format!("{header}{}", self.code),
            types: format!("{header}{}", self.types),
            client: format!("{header}{}", self.client),
            omitted,
        }
    }
}

/// Generates the raw client for a normalized spec.
pub fn generate(spec: &Value, settings: &Settings, header: &str) -> Result<Generated, Error> {
    match try_generate(spec, settings) {
        Ok(parts) => Ok(parts.with(header, Vec::new())),
        Err(whole) => {
            let omitted = probe_operations(spec, settings);
            if omitted.is_empty() {
                // No single operation is to blame: the document itself is.
                return Err(Error::Generate(whole));
            }
            let mut rest = spec.clone();
            remove_operations(&mut rest, &omitted);
            let parts = try_generate(&rest, settings).map_err(Error::Generate)?;
            Ok(parts.with(header, omitted))
        }
    }
}

fn try_generate(spec: &Value, settings: &Settings) -> Result<Parts, String> {
    let api = openapi(spec)?;
    let mut generator = generator(settings)?;
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&api)))
        .map_err(|panic| format!("generator panicked: {}", panic_message(&panic)))?
        .map_err(|e| e.to_string())?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    empty_collections(&mut file);
    let code = prettyplease::unparse(&file);
    let (types, client) = split_types(file)?;
    Ok(Parts {
        code,
        types: prettyplease::unparse(&types),
        client: prettyplease::unparse(&client),
    })
}

/// Splits progenitor's file into its `types` module's items and the rest
/// (the raw client), so that the types compile without the client.
fn split_types(file: syn::File) -> Result<(syn::File, syn::File), String> {
    let mut types = None;
    let mut client: Vec<syn::Item> = vec![syn::parse_quote! { pub use super::types; }];
    for item in file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                let (_, items) = module
                    .content
                    .ok_or("the generated `types` module has no body")?;
                types = Some(items);
            }
            other => client.push(other),
        }
    }
    let types = types.ok_or("the generated code has no `types` module")?;
    Ok((
        syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: types,
        },
        syn::File {
            shebang: None,
            attrs: file.attrs,
            items: client,
        },
    ))
}

/// Where `null` or an absent value means an empty collection.
const NULL_AS_EMPTY: &str = "crate::transport::decode::null_as_default";

/// The collections a type holds are plain collections, absent or `null`
/// read as empty: a field typify makes `Option<Vec<T>>` (or a map) because
/// the answer may leave it out or send `null` becomes `Vec<T>`, decoded
/// with [`NULL_AS_EMPTY`] and left out when empty on the way back. Callers
/// iterate a list without asking whether it came.
fn empty_collections(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;
    struct Fields;
    impl VisitMut for Fields {
        fn visit_field_mut(&mut self, field: &mut syn::Field) {
            let Some(inner) = option_of_collection(&field.ty) else {
                return;
            };
            let Some(is_empty) = collection_is_empty(&inner) else {
                return;
            };
            for attr in &mut field.attrs {
                if !attr.path().is_ident("serde") {
                    continue;
                }
                let Ok(items) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                let skips_none = items.iter().any(|m| match m {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                        matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })
                            if s.value().ends_with("Option::is_none"))
                    }
                    _ => false,
                });
                // A flattened field gathers the rest of an object: left as it is.
                if !skips_none || items.iter().any(|m| m.path().is_ident("flatten")) {
                    return;
                }
                let kept = items.iter().filter(|m| {
                    !m.path().is_ident("skip_serializing_if") && !m.path().is_ident("default")
                });
                *attr = syn::parse_quote! {
                    #[serde(#(#kept,)* default, deserialize_with = #NULL_AS_EMPTY, skip_serializing_if = #is_empty)]
                };
                field.ty = inner;
                return;
            }
        }
    }
    Fields.visit_file_mut(file);
}

/// `T` of a field typed `::std::option::Option<T>`.
fn option_of_collection(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// The path of `is_empty` of the collection a type is.
fn collection_is_empty(ty: &syn::Type) -> Option<&'static str> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let text: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let text = text.join("::");
    let is_empty = match text.as_str() {
        "std::vec::Vec" => "::std::vec::Vec::is_empty",
        "std::collections::HashMap" => "::std::collections::HashMap::is_empty",
        "serde_json::Map" => "::serde_json::Map::is_empty",
        _ => return None,
    };
    Some(is_empty)
}

/// The document progenitor reads: the spec without the operations only the
/// facade generates (`x-facade-multipart`, see `normalize::unsupported`).
pub(crate) fn openapi(spec: &Value) -> Result<OpenAPI, String> {
    let mut spec = spec.clone();
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|_, op| op.get(crate::model::FACADE_MULTIPART).is_none());
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|i| i.keys().any(|k| crate::walk::METHODS.contains(&k.as_str())))
        });
    }
    serde_json::from_value(spec).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))
}

/// The one progenitor configuration: the client and its mocks must agree on
/// every type name.
pub(crate) fn generator(settings: &Settings) -> Result<Generator, String> {
    let mut gen_settings = GenerationSettings::new();
    gen_settings
        .with_interface(InterfaceStyle::Positional)
        .with_derive("PartialEq");
    if let Some(inner) = &settings.inner_type {
        let tokens: proc_macro2::TokenStream = inner
            .parse()
            .map_err(|e| format!("inner type `{inner}` is not a Rust path: {e}"))?;
        gen_settings
            .with_inner_type(tokens)
            .with_hooks(HooksMode::Expected);
    }
    for (schema, rust_type) in &settings.replacements {
        gen_settings.with_replacement(schema, rust_type, std::iter::empty());
    }
    // `x-rust-type` naming this crate (open enums, secrets) is used, not generated.
    gen_settings.with_crate(
        crate::normalize::open_enums::OPEN_CRATE,
        progenitor_impl::CrateVers::Any,
        None,
    );
    Ok(Generator::new(&gen_settings))
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Finds the operations the generator rejects, with its reason for each:
/// groups of operations are generated together and a failing group is split
/// in halves, so a few bad operations among hundreds cost a few dozen
/// generations, not one per operation.
fn probe_operations(spec: &Value, settings: &Settings) -> Vec<Omitted> {
    let mut spec = spec.clone();
    let operations: Vec<(String, String, String)> = walk::operations_mut(&mut spec)
        .into_iter()
        .map(|(path, method, op)| {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            (path, method, id)
        })
        .collect();
    // Probing panics on purpose; keep their messages out of the build output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = Vec::new();
    bisect(&spec, &operations, settings, &mut failed);
    std::panic::set_hook(hook);
    failed
}

fn bisect(
    spec: &Value,
    group: &[(String, String, String)],
    settings: &Settings,
    failed: &mut Vec<Omitted>,
) {
    let mut only = spec.clone();
    if let Some(paths) = only.get_mut("paths").and_then(Value::as_object_mut) {
        paths.retain(|p, _| group.iter().any(|(path, _, _)| path == p));
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                item.retain(|k, _| {
                    !walk::METHODS.contains(&k.as_str())
                        || group.iter().any(|(p, m, _)| p == path && m == k)
                });
            }
        }
    }
    let Err(reason) = try_generate(&only, settings) else {
        return;
    };
    match group {
        [] => {}
        [(path, method, operation_id)] => failed.push(Omitted {
            method: method.clone(),
            path: path.clone(),
            operation_id: operation_id.clone(),
            reason,
        }),
        _ => {
            let (left, right) = group.split_at(group.len() / 2);
            bisect(spec, left, settings, failed);
            bisect(spec, right, settings, failed);
        }
    }
}

/// Removes the given operations (and path items left without any).
pub(crate) fn remove_operations(spec: &mut Value, omitted: &[Omitted]) {
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for o in omitted {
            if let Some(item) = paths.get_mut(&o.path).and_then(Value::as_object_mut) {
                item.remove(&o.method);
            }
        }
        paths.retain(|_, item| {
            item.as_object()
                .is_none_or(|i| i.keys().any(|k| walk::METHODS.contains(&k.as_str())))
        });
    }
}
