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
    pub code: String,
    pub omitted: Vec<Omitted>,
}

/// Generates the raw client for a normalized spec.
pub fn generate(spec: &Value, settings: &Settings, header: &str) -> Result<Generated, Error> {
    match try_generate(spec, settings) {
        Ok(code) => Ok(Generated {
            code: format!("{header}{code}"),
            omitted: Vec::new(),
        }),
        Err(whole) => {
            let omitted = probe_operations(spec, settings);
            if omitted.is_empty() {
                // No single operation is to blame: the document itself is.
                return Err(Error::Generate(whole));
            }
            let mut rest = spec.clone();
            remove_operations(&mut rest, &omitted);
            let code = try_generate(&rest, settings).map_err(Error::Generate)?;
            Ok(Generated {
                code: format!("{header}{code}"),
                omitted,
            })
        }
    }
}

fn try_generate(spec: &Value, settings: &Settings) -> Result<String, String> {
    let api = openapi(spec)?;
    let mut generator = generator(settings)?;
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&api)))
        .map_err(|panic| format!("generator panicked: {}", panic_message(&panic)))?
        .map_err(|e| e.to_string())?;
    format(tokens)
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
    // `x-rust-type` naming this crate (open enums) is used, not generated.
    gen_settings.with_crate(
        crate::normalize::open_enums::OPEN_CRATE,
        progenitor_impl::CrateVers::Any,
        None,
    );
    Ok(Generator::new(&gen_settings))
}

pub(crate) fn format(tokens: proc_macro2::TokenStream) -> Result<String, String> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
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
