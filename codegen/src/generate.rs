//! Client generation: a normalized spec in, formatted Rust source out.
//!
//! The types come from the generator's own type space
//! ([`crate::type_space`]), which the operation model reads too; an
//! operation whose types typify rejects is left out, with typify's reason.
//! progenitor prints the raw client (feature `raw`) from the same document,
//! and its types must be the same: the type space registers every schema as
//! progenitor does.

use openapiv3::OpenAPI;
#[cfg(feature = "progenitor")]
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle};
use serde_json::Value;

use crate::Error;
use crate::normalize::Omitted;
use crate::type_space::TypeModel;
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
    /// The cargo feature under which a type only answers carry (no request
    /// body or parameter reaches it) derives `Serialize`; `None` derives it
    /// for every type. Decoding an answer needs `Deserialize` alone, and the
    /// `Serialize` impls are a quarter of the types' compile time.
    pub serialize_feature: Option<String>,
}

/// Generated source and what had to be left out.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The types and the raw client, as one text to read and snapshot.
    pub code: String,
    /// The types module's items, which the crate compiles as
    /// `<api>::types` whatever else it builds.
    pub types: String,
    /// The raw client (cargo feature `raw`), for a module beside `types` (it
    /// opens with `pub use super::types;`); empty when not asked for.
    pub client: String,
    pub omitted: Vec<Omitted>,
    /// Component schemas typify rejects, left out of the types with every
    /// operation that reaches them ([`type_model`]).
    pub left_out_components: Vec<String>,
}

/// Generates the types and the raw client for a normalized spec.
pub fn generate(spec: &Value, settings: &Settings, header: &str) -> Result<Generated, Error> {
    generate_modelled(spec, settings, header, true).map(|(generated, _)| generated)
}

/// [`generate`], with the type space the types were printed from (what the
/// operation model reads; it cannot cross threads), and the raw client only
/// when `raw_client` (progenitor's run is a second of the build script).
pub fn generate_modelled(
    spec: &Value,
    settings: &Settings,
    header: &str,
    raw_client: bool,
) -> Result<(Generated, TypeModel), Error> {
    let (model, omitted, left_out_components) = type_model_isolating(spec, settings)?;
    let cut;
    let spec = if left_out_components.is_empty() {
        spec
    } else {
        cut = without_components(spec, &left_out_components);
        &cut
    };
    let mut types: syn::File = syn::parse2(model.space().to_stream())
        .map_err(|e| Error::Generate(format!("generated types do not parse: {e}")))?;
    empty_collections(&mut types);
    if let Some(feature) = &settings.serialize_feature {
        serialize_under_feature(&mut types, spec, &model, feature);
    }
    compact_deserialize(&mut types, settings.serialize_feature.as_deref());
    inline_methods(&mut types);
    let types = prettyplease::unparse(&types);
    let client = if raw_client {
        let mut rest = spec.clone();
        remove_operations(&mut rest, &omitted);
        raw_client_of(&rest, settings)
            .map_err(|e| Error::Generate(format!("the raw client: {e}")))?
    } else {
        String::new()
    };
    let generated = Generated {
        code: format!("{header}{types}{client}"),
        types: format!("{header}{types}"),
        client: format!("{header}{client}"),
        omitted,
        left_out_components,
    };
    Ok((generated, model))
}

/// [`type_model`], surviving a component schema typify rejects (an error,
/// or a panic, which fails the whole space): each component is tried alone
/// with the components it refers to, those that fail are left out with
/// every operation that reaches them (the reason names the component and
/// typify's message), and the space is built without them. What cannot be
/// pinned on a component fails as before.
pub fn type_model_isolating(
    spec: &Value,
    settings: &Settings,
) -> Result<(TypeModel, Vec<Omitted>, Vec<String>), Error> {
    let whole = match type_model(spec, settings) {
        Ok((model, omitted)) => return Ok((model, omitted, Vec::new())),
        Err(error) => error,
    };
    let empty = serde_json::Map::new();
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let schemas_value = Value::Object(schemas.clone());
    // A component with every component it reaches (itself included).
    let reach = |value: &Value| {
        let mut seen = std::collections::BTreeSet::new();
        walk::collect_component_refs(value, &schemas_value, &mut seen);
        seen
    };
    let mut rejected: Vec<(String, String)> = Vec::new();
    for name in schemas.keys() {
        let closure = reach(&walk::component_ref(name));
        // A document of those components alone, without any operation.
        let alone = serde_json::json!({
            "openapi": spec.get("openapi"),
            "info": spec.get("info"),
            "paths": {},
            "components": {"schemas": schemas
                .iter()
                .filter(|(key, _)| closure.contains(*key))
                .map(|(key, schema)| (key.clone(), schema.clone()))
                .collect::<serde_json::Map<String, Value>>()},
        });
        if let Err(e) = type_model(&alone, settings) {
            rejected.push((name.clone(), e.to_string()));
        }
    }
    if rejected.is_empty() {
        return Err(whole);
    }
    let names: Vec<String> = rejected.iter().map(|(name, _)| name.clone()).collect();
    // The culprits first: a rejected component whose references all pass
    // (the others fail for holding it).
    rejected.sort_by_key(|(name, _)| {
        reach(&walk::component_ref(name))
            .iter()
            .any(|other| other != name && names.contains(other))
    });
    let mut omitted = Vec::new();
    for (path, method, op) in walk::operations(spec) {
        let reached = reach(op);
        if let Some((name, reason)) = rejected.iter().find(|(name, _)| reached.contains(name)) {
            omitted.push(Omitted {
                method: method.to_owned(),
                path: path.to_owned(),
                operation_id: op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                reason: format!("its type `{name}` cannot be generated: {reason}"),
            });
        }
    }
    let mut cut = without_components(spec, &names);
    remove_operations(&mut cut, &omitted);
    let (model, more) = type_model(&cut, settings)?;
    omitted.extend(more);
    Ok((model, omitted, names))
}

/// `spec` without the named component schemas.
fn without_components(spec: &Value, names: &[String]) -> Value {
    let mut cut = spec.clone();
    if let Some(schemas) = cut
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|key, _| !names.contains(key));
    }
    cut
}

/// The type space of a normalized spec, and the operations whose types
/// typify rejects (left out).
pub fn type_model(spec: &Value, settings: &Settings) -> Result<(TypeModel, Vec<Omitted>), Error> {
    let api = openapi(spec).map_err(Error::Generate)?;
    TypeModel::build(&api, &type_settings(settings)).map_err(Error::Generate)
}

/// Without progenitor, no raw client.
#[cfg(not(feature = "progenitor"))]
fn raw_client_of(_: &Value, _: &Settings) -> Result<String, String> {
    Err("generating it needs onlyfans-codegen's `progenitor` feature".into())
}

/// progenitor's client for `spec`, without its types module (the same types
/// as the type space's, printed from it).
#[cfg(feature = "progenitor")]
fn raw_client_of(spec: &Value, settings: &Settings) -> Result<String, String> {
    let api = openapi(spec)?;
    let mut generator = generator(settings)?;
    let tokens = quietly(|| generator.generate_tokens(&api))
        .map_err(|panic| format!("generator panicked: {panic}"))?
        .map_err(|e| e.to_string())?;
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    let (_, mut client) = split_types(file)?;
    inline_methods(&mut client);
    Ok(prettyplease::unparse(&client))
}

/// Marks every function of the `impl` blocks of `file` `#[inline]`.
///
/// Rustc compiles a non-generic function to machine code in the crate that
/// defines it, called or not; an `#[inline]` one only in a crate that calls
/// it. The generated code has hundreds of request builders and a thousand
/// types, of which a program calls a few: marked, they cost the library type
/// and borrow checking only, and each user's build generates machine code for
/// what it calls (measured on the library with both APIs: code generation and
/// LLVM 13.7 s → 1.6 s, the whole compilation 39.8 s → 32.3 s).
pub(crate) fn inline_methods(file: &mut syn::File) {
    struct Inline;
    impl syn::visit_mut::VisitMut for Inline {
        fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
            if !function.attrs.iter().any(|a| a.path().is_ident("inline")) {
                function.attrs.push(syn::parse_quote!(#[inline]));
            }
            syn::visit_mut::visit_impl_item_fn_mut(self, function);
        }
    }
    syn::visit_mut::VisitMut::visit_file_mut(&mut Inline, file);
}

/// Splits progenitor's file into its `types` module's items and the rest
/// (the raw client), so that the types compile without the client.
#[cfg(feature = "progenitor")]
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
const NULL_AS_EMPTY: &str = "::onlyfans_clients_core::transport::decode::null_as_default";

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

/// The component schemas a request reaches (its parameters, its body, the
/// multipart body only the facade sends: everything of an operation but its
/// answers), by schema name.
fn request_components(spec: &Value) -> std::collections::BTreeSet<String> {
    let no_schemas = Value::Null;
    let schemas = spec.pointer("/components/schemas").unwrap_or(&no_schemas);
    let mut asked = std::collections::BTreeSet::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for (key, part) in item {
                match part.as_object() {
                    Some(op) if walk::METHODS.contains(&key.as_str()) => {
                        for (field, value) in op {
                            if field != "responses" {
                                walk::collect_component_refs(value, schemas, &mut asked);
                            }
                        }
                    }
                    _ => walk::collect_component_refs(part, schemas, &mut asked),
                }
            }
        }
    }
    asked
}

/// Moves `::serde::Serialize` out of the derives of every type no request
/// and no webhook event reaches into
/// `#[cfg_attr(feature = "…", derive(::serde::Serialize))]`. What requests
/// reach: the components of [`request_components`], the types of every
/// parameter and body (a parameter's own type, which typify may share with an
/// answer's alike schema), and what those hold. Webhook events are
/// serialized to travel (a receiver queues them for a worker).
fn serialize_under_feature(file: &mut syn::File, spec: &Value, model: &TypeModel, feature: &str) {
    let mut roots = model.request_roots();
    let mut components = request_components(spec);
    let schemas = spec.pointer("/components/schemas").unwrap_or(&Value::Null);
    for (_, component) in crate::normalize::webhooks::events(spec) {
        // Through the spec, not the type space: an open enum's parameter
        // (`Open<Environment>`) is a reference only the spec shows.
        walk::collect_component_refs(&walk::component_ref(&component), schemas, &mut components);
    }
    roots.extend(
        components
            .iter()
            .filter_map(|name| model.component(name).cloned()),
    );
    let needed = model.reachable_names(roots);
    for item in &mut file.items {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &mut s.attrs),
            syn::Item::Enum(e) => (&e.ident, &mut e.attrs),
            _ => continue,
        };
        if needed.contains(&ident.to_string()) {
            continue;
        }
        let is_serialize =
            |p: &syn::Path| named(p, "Serialize") && p.segments.iter().any(|s| s.ident == "serde");
        if remove_derive(attrs, is_serialize) {
            attrs.push(syn::parse_quote! {
                #[cfg_attr(feature = #feature, derive(::serde::Serialize))]
            });
            // With no serde derive left in place (typify writes its own
            // `Deserialize` for a constrained newtype), the container's
            // `#[serde]` attributes belong to `Serialize` alone: under its
            // feature, after it.
            let derives_serde = attrs
                .iter()
                .filter_map(derived)
                .any(|paths| paths.iter().any(|p| named(p, "Deserialize")));
            if !derives_serde {
                let (serde, mut rest): (Vec<syn::Attribute>, Vec<syn::Attribute>) =
                    attrs.drain(..).partition(|a| a.path().is_ident("serde"));
                for attr in serde {
                    if let syn::Meta::List(list) = &attr.meta {
                        let args = &list.tokens;
                        rest.push(syn::parse_quote!(#[cfg_attr(feature = #feature, serde(#args))]));
                    }
                }
                *attrs = rest;
            }
        }
    }
}

/// The library's `Deserialize` in place of serde's derive for every struct
/// whose fields are all optional (see `transport::decode::Fields` in the
/// library: a `match` on the key per struct, a third of the derive's code)
/// and every enum of plain strings (`transport::decode::variant`, through
/// the enum's `FromStr`). A struct with a required field, a flattened one, a
/// field default of its own or any container attribute keeps the derive, as
/// does an enum with data or any attribute but a rename. The members'
/// `#[serde]` attributes follow the `Serialize` derive ([`gate_serde_attrs`]).
fn compact_deserialize(file: &mut syn::File, serialize_feature: Option<&str>) {
    let rt = crate::runtime();
    let from_str = from_str_impls(file);
    let mut impls: Vec<syn::Item> = Vec::new();
    for item in &mut file.items {
        match item {
            syn::Item::Struct(s) => {
                let eligible = derives(&s.attrs, |p| named(p, "Default"))
                    && derives(&s.attrs, |p| named(p, "Deserialize"))
                    && !s.attrs.iter().any(|a| a.path().is_ident("serde"));
                let Some(arms) = eligible.then(|| optional_field_arms(&s.fields)).flatten() else {
                    continue;
                };
                remove_derive(&mut s.attrs, |p| named(p, "Deserialize"));
                let serialized = serialized(&s.attrs, serialize_feature);
                gate_serde_attrs(s.fields.iter_mut().map(|f| &mut f.attrs), serialized);
                let ident = &s.ident;
                let expecting = format!("struct {ident}");
                impls.push(syn::parse_quote! {
                    impl #rt::transport::decode::Fields for #ident {
                        const EXPECTING: &'static str = #expecting;
                        fn field<'de, A: ::serde::de::MapAccess<'de>>(
                            &mut self,
                            key: &str,
                            map: &mut A,
                        ) -> ::std::result::Result<(), A::Error> {
                            match key {
                                #(#arms)*
                                _ => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                            Ok(())
                        }
                    }
                });
                impls.push(syn::parse_quote! {
                    impl<'de> ::serde::Deserialize<'de> for #ident {
                        fn deserialize<D: ::serde::Deserializer<'de>>(
                            deserializer: D,
                        ) -> ::std::result::Result<Self, D::Error> {
                            #rt::transport::decode::object(deserializer)
                        }
                    }
                });
            }
            syn::Item::Enum(e) => {
                let eligible = derives(&e.attrs, |p| named(p, "Deserialize"))
                    && !e.attrs.iter().any(|a| a.path().is_ident("serde"))
                    && from_str.contains(&e.ident.to_string());
                let Some(names) = eligible.then(|| variant_names(e)).flatten() else {
                    continue;
                };
                remove_derive(&mut e.attrs, |p| named(p, "Deserialize"));
                let serialized = serialized(&e.attrs, serialize_feature);
                gate_serde_attrs(e.variants.iter_mut().map(|v| &mut v.attrs), serialized);
                let ident = &e.ident;
                impls.push(syn::parse_quote! {
                    impl<'de> ::serde::Deserialize<'de> for #ident {
                        fn deserialize<D: ::serde::Deserializer<'de>>(
                            deserializer: D,
                        ) -> ::std::result::Result<Self, D::Error> {
                            #rt::transport::decode::variant(deserializer, &[#(#names),*])
                        }
                    }
                });
            }
            _ => {}
        }
    }
    file.items.extend(impls);
}

/// How a type is serialized, for its members' `#[serde]` attributes:
/// `Some(None)` by an unconditional derive, `Some(Some(feature))` by one
/// under the feature, `None` not at all.
fn serialized<'f>(attrs: &[syn::Attribute], feature: Option<&'f str>) -> Option<Option<&'f str>> {
    if derives(attrs, |p| named(p, "Serialize")) {
        Some(None)
    } else if attrs.iter().any(|a| {
        a.path().is_ident("cfg_attr")
            && quote::ToTokens::to_token_stream(a)
                .to_string()
                .contains("Serialize")
    }) {
        feature.map(Some)
    } else {
        None
    }
}

/// The members' `#[serde]` attributes stay for a `Serialize` derive, under
/// its feature when it is, and go when there is none (the attribute exists
/// only with a serde derive).
fn gate_serde_attrs<'a>(
    members: impl Iterator<Item = &'a mut Vec<syn::Attribute>>,
    serialized: Option<Option<&str>>,
) {
    for attrs in members {
        match serialized {
            Some(None) => {}
            Some(Some(feature)) => {
                for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
                    let syn::Meta::List(list) = &attr.meta else {
                        continue;
                    };
                    let args = &list.tokens;
                    *attr = syn::parse_quote!(#[cfg_attr(feature = #feature, serde(#args))]);
                }
            }
            None => attrs.retain(|a| !a.path().is_ident("serde")),
        }
    }
}

/// The types of `file` that implement `FromStr` (typify writes it for
/// every enum of strings).
fn from_str_impls(file: &syn::File) -> std::collections::BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block)
                if block
                    .trait_
                    .as_ref()
                    .is_some_and(|(_, path, _)| named(path, "FromStr")) =>
            {
                match &*block.self_ty {
                    syn::Type::Path(p) => p.path.get_ident().map(ToString::to_string),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// The strings of an enum whose variants are all plain strings (unit
/// variants, renamed or not, with no other serde attribute); `None` for any
/// other enum.
fn variant_names(e: &syn::ItemEnum) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for variant in &e.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            return None;
        }
        let mut wire = variant.ident.to_string();
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<syn::LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("not a plain string variant"))
                }
            })
            .ok()?;
        }
        names.push(wire);
    }
    Some(names)
}

/// The `match` arms that read each field of `fields` by its JSON name, or
/// `None` when a field is not plainly optional: absent means `None` (an
/// `Option`) or the type's default (`#[serde(default)]`), and nothing but
/// a rename, a skip on the way out or the library's `null` as empty applies.
fn optional_field_arms(fields: &syn::Fields) -> Option<Vec<proc_macro2::TokenStream>> {
    let syn::Fields::Named(named) = fields else {
        return None;
    };
    let mut arms = Vec::new();
    for field in &named.named {
        let ident = field.ident.as_ref()?;
        let mut wire = ident.to_string().trim_start_matches("r#").to_owned();
        let (mut default, mut null_as_empty) = (false, false);
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let text = |meta: &syn::meta::ParseNestedMeta| -> syn::Result<String> {
                    Ok(meta.value()?.parse::<syn::LitStr>()?.value())
                };
                if meta.path.is_ident("rename") {
                    wire = text(&meta)?;
                } else if meta.path.is_ident("skip_serializing_if") {
                    text(&meta)?;
                } else if meta.path.is_ident("default") && !meta.input.peek(syn::Token![=]) {
                    default = true;
                } else if meta.path.is_ident("deserialize_with") && text(&meta)? == NULL_AS_EMPTY {
                    null_as_empty = true;
                } else {
                    return Err(meta.error("not a plain optional field"));
                }
                Ok(())
            })
            .ok()?;
        }
        let optional = matches!(&field.ty, syn::Type::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
        arms.push(match (optional, default, null_as_empty) {
            (_, true, true) => quote::quote! {
                #wire => self.#ident = map.next_value::<::std::option::Option<_>>()?.unwrap_or_default(),
            },
            (true, _, false) | (false, true, false) => quote::quote! {
                #wire => self.#ident = map.next_value()?,
            },
            _ => return None,
        });
    }
    Some(arms)
}

/// Whether `path` names `name` (`Default`, `::serde::Serialize`).
fn named(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// The traits a `#[derive(…)]` attribute lists; `None` for another attribute.
fn derived(
    attr: &syn::Attribute,
) -> Option<syn::punctuated::Punctuated<syn::Path, syn::Token![,]>> {
    if !attr.path().is_ident("derive") {
        return None;
    }
    attr.parse_args_with(syn::punctuated::Punctuated::parse_terminated)
        .ok()
}

/// Whether `attrs` derive a trait that `is`.
fn derives(attrs: &[syn::Attribute], is: impl Fn(&syn::Path) -> bool) -> bool {
    attrs
        .iter()
        .filter_map(derived)
        .any(|paths| paths.iter().any(&is))
}

/// Takes the traits that `is` out of the derives of `attrs`: whether there
/// was one.
fn remove_derive(attrs: &mut [syn::Attribute], is: impl Fn(&syn::Path) -> bool) -> bool {
    let mut removed = false;
    for attr in attrs.iter_mut() {
        let Some(paths) = derived(attr) else {
            continue;
        };
        if !paths.iter().any(&is) {
            continue;
        }
        let kept = paths.iter().filter(|p| !is(p));
        *attr = syn::parse_quote! { #[derive(#(#kept),*)] };
        removed = true;
    }
    removed
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
    walk::retain_operations(&mut spec, |_, _, op| {
        op.get(crate::model::FACADE_MULTIPART).is_none()
    });
    serde_json::from_value(spec).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))
}

/// The type space configuration progenitor's [`generator`] makes of the same
/// settings (its `Generator::new`): the types module and the raw client must
/// agree on every type.
pub(crate) fn type_settings(settings: &Settings) -> typify_impl::TypeSpaceSettings {
    let mut types = typify_impl::TypeSpaceSettings::default();
    types
        .with_type_mod("types")
        .with_struct_builder(false)
        .with_derive("PartialEq".to_owned())
        .with_crate(
            crate::normalize::open_enums::OPEN_CRATE,
            typify_impl::CrateVers::Any,
            None,
        );
    for (schema, rust_type) in &settings.replacements {
        types.with_replacement(schema, rust_type, std::iter::empty());
    }
    types
}

/// The one progenitor configuration: the client and its mocks must agree on
/// every type name.
#[cfg(feature = "progenitor")]
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

thread_local! {
    /// How many [`quietly`] calls the current thread is inside.
    static QUIET: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, a panic becoming its message: the generators panic on shapes
/// they do not support, and the message is the reason an operation is left
/// out. The panic's report stays out of the build output. One hook, set
/// once, is silent on a thread inside `quietly` and reports as before
/// everywhere else; swapping the process's hook around each call races when
/// the build script generates both APIs on two threads, and can leave the
/// silent hook in place for the script's own panics.
pub(crate) fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static SILENCE: std::sync::Once = std::sync::Once::new();
    SILENCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(std::cell::Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(quiet.get() + 1));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(quiet.get() - 1));
    result.map_err(|panic| panic_message(&panic))
}

pub(crate) fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Removes the given operations (and path items left without any).
pub(crate) fn remove_operations(spec: &mut Value, omitted: &[Omitted]) {
    walk::retain_operations(spec, |path, method, _| {
        !omitted.iter().any(|o| o.path == path && o.method == method)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The derives of `name` in generated types.
    fn derives_of(types: &str, name: &str) -> String {
        let at = types
            .find(&format!(" {name} {{"))
            .unwrap_or_else(|| panic!("no type {name} in\n{types}"));
        let start = types[..at].rfind("///").unwrap_or(0);
        types[start..at].to_owned()
    }

    #[test]
    fn structs_of_optional_fields_get_the_compact_deserialize() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, Clone, Debug, Default)]
            #[cfg_attr(feature = "serialize", derive(::serde::Serialize))]
            pub struct Optional {
                #[serde(rename = "hasMore", skip_serializing_if = "::std::option::Option::is_none")]
                pub has_more: ::std::option::Option<bool>,
                #[serde(default, deserialize_with = "::onlyfans_clients_core::transport::decode::null_as_default")]
                pub list: ::std::vec::Vec<u64>,
            }
            #[derive(::serde::Deserialize, Clone, Debug, Default)]
            pub struct Required {
                pub id: u64,
            }
            #[derive(::serde::Deserialize, Clone, Debug, Default)]
            pub struct Flattened {
                #[serde(flatten)]
                pub rest: ::std::option::Option<Other>,
            }
            #[derive(::serde::Deserialize, Clone, Debug, Default)]
            #[serde(transparent)]
            pub struct Transparent {
                pub inner: ::std::option::Option<u64>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default)]
            pub struct Sent {
                #[serde(rename = "type")]
                pub type_: ::std::option::Option<u64>,
            }
            #[derive(::serde::Deserialize, Clone, Debug, Default)]
            pub struct Answer {
                #[serde(rename = "type")]
                pub type_: ::std::option::Option<u64>,
            }
        };
        compact_deserialize(&mut file, Some("serialize"));
        let text = prettyplease::unparse(&file);
        let compact: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                l.strip_prefix("impl ::onlyfans_clients_core::transport::decode::Fields for ")
            })
            .collect();
        assert_eq!(compact, ["Optional {", "Sent {", "Answer {"], "{text}");
        for kept in ["Required", "Flattened", "Transparent"] {
            assert!(
                text.contains(&format!(
                    "#[derive(::serde::Deserialize, Clone, Debug, Default)]\n{}pub struct {kept}",
                    if kept == "Transparent" {
                        "#[serde(transparent)]\n"
                    } else {
                        ""
                    }
                )),
                "{kept}: {text}"
            );
        }
        assert!(
            text.contains(r#""hasMore" => self.has_more = map.next_value()?,"#),
            "{text}"
        );
        assert!(
            text.contains(r#""list" => {"#) || text.contains(r#""list" => self"#),
            "{text}"
        );
        assert!(text.contains("unwrap_or_default()"), "{text}");
        // The fields' attributes follow the `Serialize` derive: gated with
        // it, kept with an unconditional one, gone without one.
        assert!(
            text.contains("#[cfg_attr(\n        feature = \"serialize\",\n        serde("),
            "{text}"
        );
        assert!(
            text.contains("pub struct Sent {\n    #[serde(rename = \"type\")]"),
            "{text}"
        );
        assert!(
            text.contains("pub struct Answer {\n    pub type_"),
            "{text}"
        );
        assert!(
            text.contains(r#""type" => self.type_ = map.next_value()?,"#),
            "{text}"
        );
    }

    #[test]
    fn a_panic_inside_quietly_is_its_message_and_the_thread_is_loud_again() {
        let caught = quietly(|| -> u8 { panic!("unsupported shape") });
        assert_eq!(caught, Err("unsupported shape".to_owned()));
        let nested = quietly(|| quietly(|| -> u8 { panic!("inner") }));
        assert_eq!(nested, Ok(Err("inner".to_owned())));
        assert_eq!(quietly(|| 7), Ok(7));
        assert_eq!(QUIET.with(std::cell::Cell::get), 0);
    }

    #[test]
    fn enums_of_strings_get_the_compact_deserialize() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, Clone, Copy, Debug)]
            #[cfg_attr(feature = "serialize", derive(::serde::Serialize))]
            pub enum Quality {
                #[serde(rename = "thumb")]
                Thumb,
                Full,
            }
            impl ::std::str::FromStr for Quality {
                type Err = ();
                fn from_str(value: &str) -> Result<Self, ()> { Err(()) }
            }
            #[derive(::serde::Deserialize, Clone, Debug)]
            #[serde(untagged)]
            pub enum Union {
                Text(String),
                Number(u64),
            }
            #[derive(::serde::Deserialize, Clone, Debug)]
            pub enum NoFromStr {
                A,
            }
        };
        compact_deserialize(&mut file, Some("serialize"));
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("::onlyfans_clients_core::transport::decode::variant(")
                && text.contains(r#"&["thumb", "Full"]"#),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Copy, Debug)]\n#[cfg_attr(feature = \"serialize\", derive(::serde::Serialize))]\npub enum Quality {\n    #[cfg_attr(feature = \"serialize\", serde(rename = \"thumb\"))]"),
            "{text}"
        );
        for kept in ["Union", "NoFromStr"] {
            assert!(
                !text.contains(&format!("Deserialize<'de> for {kept}")),
                "{kept}: {text}"
            );
        }
    }

    #[test]
    fn only_what_requests_reach_derives_serialize_without_the_feature() {
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/things": {"post": {
                "operationId": "create_thing",
                "parameters": [{"name": "kind", "in": "query", "schema": {
                    "type": "string", "enum": ["a", "b"]}}],
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/NewThing"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}}}}}
            }}},
            "components": {"schemas": {
                "NewThing": {"type": "object", "properties": {
                    "part": {"$ref": "#/components/schemas/Part"}}},
                "Part": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "Thing": {"type": "object", "properties": {
                    "part": {"$ref": "#/components/schemas/Part"},
                    "detail": {"$ref": "#/components/schemas/Detail"},
                    "kind": {"type": "string", "enum": ["a", "b"]}}},
                "Detail": {"type": "object", "properties": {"s": {"type": "string"}}}
            }}
        });
        let settings = Settings {
            serialize_feature: Some("serialize".into()),
            ..Settings::default()
        };
        let (generated, _) = generate_modelled(&spec, &settings, "", false).unwrap();
        let gated = "#[cfg_attr(feature = \"serialize\", derive(::serde::Serialize))]";
        for name in ["NewThing", "Part", "CreateThingKind"] {
            let derives = derives_of(&generated.types, name);
            assert!(derives.contains("::serde::Serialize,"), "{name}: {derives}");
            assert!(!derives.contains(gated), "{name}: {derives}");
        }
        for name in ["Thing", "Detail"] {
            let derives = derives_of(&generated.types, name);
            assert!(derives.contains(gated), "{name}: {derives}");
            assert!(
                !derives.contains("::serde::Serialize,"),
                "{name}: {derives}"
            );
        }
        // Without the setting, every type derives it.
        let (every, _) = generate_modelled(&spec, &Settings::default(), "", false).unwrap();
        assert!(derives_of(&every.types, "Detail").contains("::serde::Serialize,"));
    }

    /// A component typify rejects (here an enum whose values make the same
    /// variant twice, which it panics on) costs that component and the
    /// operations that reach it, not the API.
    #[test]
    fn a_component_the_type_generator_rejects_costs_only_what_reaches_it() {
        let answer = |schema: &str| {
            json!({"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
        };
        let spec = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/good": {"get": {"operationId": "get_good", "responses": answer("Good")}},
                "/bad": {"get": {"operationId": "get_bad", "responses": answer("Holder")}}
            },
            "components": {"schemas": {
                "Good": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Holder": {"type": "object", "properties": {
                    "clash": {"$ref": "#/components/schemas/Clash"}}},
                "Clash": {"type": "string", "enum": ["a-b", "a_b"]}
            }}
        });
        assert!(type_model(&spec, &Settings::default()).is_err());
        let (generated, model) = generate_modelled(&spec, &Settings::default(), "", false).unwrap();
        assert_eq!(generated.left_out_components, ["Holder", "Clash"]);
        let omitted: Vec<&str> = generated.omitted.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(omitted, ["/bad"]);
        // The reason names the culprit, not the type that holds it.
        let reason = &generated.omitted[0].reason;
        assert!(
            reason.starts_with("its type `Clash` cannot be generated"),
            "{reason}"
        );
        assert!(generated.types.contains("pub struct Good"));
        assert!(!generated.types.contains("Clash"));
        assert_eq!(model.operations().len(), 1);
    }
}
