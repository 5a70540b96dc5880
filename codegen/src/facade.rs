//! The facade: a method on the API's `Client` and a request builder for every
//! operation of the [`model`](crate::model), emitted as Rust source.
//!
//! Per operation: `client.chats_list()` (path parameters as arguments) returns
//! `ChatsListRequest`, with one setter per query parameter and per top-level
//! JSON body field (and `.body(T)` for the whole body), the per-call options,
//! and `send()`, which checks every value against the spec, builds the request
//! and sends it through the crate's transport (`crate::transport::request`).
//! The emitted code names only the crate's shared machinery and the generated
//! types, never the raw client: the two can be compiled independently.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::model::{
    BodyEncoding, Checks, ItemKey, Location, Operation, Pagination, PagingStyle, ResponseKind,
    WebhookEvent,
};
use crate::normalize::secrets;

/// Names the builders keep for themselves: an operation's parameter named
/// like one gets `_` appended. Per-call settings live apart, in
/// `.call_options(CallOptions)`, so no parameter gives way to them.
pub(crate) const RESERVED: &[&str] = &[
    "send",
    "stream",
    "next_page",
    "body",
    "call_options",
    "prepare",
    "new",
];

/// The Rust-side choices of one API's facade (one small table per API, in
/// `lib.rs`); facts about the API itself belong in its overlay.
#[derive(Debug, Clone, Copy)]
pub struct Choices {
    /// Where a webhook body names its event (`eventType`, then `type`).
    pub event_type_fields: &'static [&'static str],
}

/// Emits the facade of one API. `types_path` is where the generated types
/// live (`super::types`); `server_url` is the default base URL. Callers
/// reach the builders through the resource handles ([`crate::resources`]).
pub fn emit(
    operations: &[Operation],
    events: &[WebhookEvent],
    choices: Choices,
    types_path: &str,
    server_url: &str,
    header: &str,
) -> Result<String, Error> {
    let rt = crate::runtime();
    let path = |text: &str| {
        syn::parse_str::<syn::Path>(text)
            .map_err(|e| Error::Generate(format!("`{text}` is not a path: {e}")))
    };
    let types_path = path(types_path)?;
    let mut builders = Vec::new();
    let mut pages = Vec::new();
    let mut paged_types = std::collections::BTreeSet::new();
    for op in operations {
        builders.push(operation(op)?);
        if let (Some(pagination), ResponseKind::Json(ty)) = (&op.pagination, &op.response)
            && paged_types.insert(compact(ty))
        {
            pages.push(page_impl(ty, pagination)?);
        }
    }
    let events = event_enum(events, &choices)?;
    let path_table = operations.iter().map(|op| {
        let (name, path) = (op.name.as_str(), op.path.as_str());
        quote!((#name, #path))
    });
    let tokens = quote! {
        #[allow(unused_imports)]
        use #types_path as types;
        use #rt::Error;
        use #rt::transport::request::{self, Call, Response};
        use #rt::transport::validate;

        #(#builders)*

        #(#pages)*

        #events

        /// The server the spec names first: the default base URL.
        pub const SERVER_URL: &str = #server_url;

        /// Every operation's path template, by the operation id the generated
        /// client reports to its hooks: a filled-in path must keep the
        /// template's segments (`transport_hooks!`).
        pub(crate) const OPERATION_PATHS: &[(&str, &str)] = &[#(#path_table),*];
    };
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generate(format!("generated facade does not parse: {e}")))?;
    crate::generate::inline_methods(&mut file);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// Whether a parameter or field named `wire` holds a credential: the one
/// name classifier of the generated types ([`secrets::credential`]), a
/// builder's values being sent (a bare `code` is a one-time code).
pub(crate) fn is_secret(wire: &str) -> bool {
    secrets::is_secret_name(wire, true)
}

/// One `Debug` field of a builder: the value, or for a credential (by its
/// name, or held as `Secret`) whether it is set.
fn debug_field(slot: &syn::Ident, wire: &str, kind: Option<&Kind>, optional: bool) -> TokenStream {
    let name = slot.to_string();
    let secret = is_secret(wire) || kind.is_some_and(Kind::hides_value);
    match (secret, optional) {
        (false, _) => quote!(.field(#name, &self.#slot)),
        (true, true) => quote!(.field(#name, &self.#slot.as_ref().map(|_| "[redacted]"))),
        (true, false) => quote!(.field(#name, &"[redacted]")),
    }
}

/// The `Idempotency-Key` header an API documents for an operation: the
/// facade sends a fresh one when the caller sets none.
fn is_idempotency_key(param: &crate::model::Param) -> bool {
    param.location == Location::Header && param.wire.eq_ignore_ascii_case("idempotency-key")
}

/// How a value is taken from the caller and stored until `send`.
pub(crate) enum Kind {
    /// `impl Into<String>`.
    Text,
    /// A `Copy` scalar taken as it is.
    Scalar(TokenStream),
    /// `u64`, checked non-zero at `send`.
    NonZero,
    /// `impl IntoIterator<Item = T>`.
    List(TokenStream),
    /// `impl IntoIterator<Item = u64>`, each checked non-zero at `send`.
    NonZeroList,
    /// Anything convertible into the generated type (`TryInto<T>`); a failed
    /// conversion is reported by `send`.
    Typed(TokenStream),
    /// `impl Into<Secret>` (a `&str` or `String`): a field the generated type
    /// holds as `onlyfans_clients::Secret`.
    Secret,
}

impl Kind {
    pub(crate) fn of(ty: &str) -> Result<Kind, Error> {
        let parsed = tokens(ty)?;
        let compact: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
        Ok(match compact.as_str() {
            "str" | "::std::string::String" | "String" => Kind::Text,
            "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "f32" | "f64"
            | "bool" => Kind::Scalar(parsed),
            "::std::num::NonZeroU64" => Kind::NonZero,
            other if other.strip_prefix("::") == Some(secrets::SECRET_TYPE) => Kind::Secret,
            "::std::vec::Vec<::std::num::NonZeroU64>" => Kind::NonZeroList,
            _ => match compact
                .strip_prefix("::std::vec::Vec<")
                .and_then(|rest| rest.strip_suffix('>'))
            {
                Some(item) => Kind::List(tokens(item)?),
                None => Kind::Typed(parsed),
            },
        })
    }

    /// Whether the value is held as a secret type (`Secret`, `SecretValue`
    /// or a list of them), whose `Debug` hides it.
    fn hides_value(&self) -> bool {
        let secret = |ty: &TokenStream| {
            let text = compact(&ty.to_string());
            let path = text.strip_prefix("::").unwrap_or(&text);
            path == secrets::SECRET_TYPE || path == secrets::SECRET_VALUE_TYPE
        };
        match self {
            Kind::Secret => true,
            Kind::List(t) | Kind::Typed(t) => secret(t),
            _ => false,
        }
    }

    /// The text a stored value is sent as (a header, a form field): a
    /// secret's own, never its `Display` (`[redacted]`).
    fn text(&self, value: TokenStream) -> TokenStream {
        match self {
            Kind::Secret => quote!(#value.expose().to_owned()),
            _ => quote!(#value.to_string()),
        }
    }

    /// What a setter takes, as the surface lists it.
    fn argument(&self) -> String {
        match self {
            Kind::Text => "impl Into<String>".to_owned(),
            Kind::Scalar(t) => compact(&t.to_string()),
            Kind::NonZero => "u64 (at least 1)".to_owned(),
            Kind::List(item) => format!("impl IntoIterator<Item = {}>", compact(&item.to_string())),
            Kind::NonZeroList => "impl IntoIterator<Item = u64> (each at least 1)".to_owned(),
            Kind::Typed(t) => format!("impl TryInto<{}>", compact(&t.to_string())),
            Kind::Secret => "impl Into<Secret>".to_owned(),
        }
    }

    /// What a path parameter's argument takes.
    pub(crate) fn path_argument(&self) -> TokenStream {
        match self {
            Kind::Text => quote!(impl ::std::convert::Into<::std::string::String>),
            Kind::Scalar(t) => t.clone(),
            other => other.storage(),
        }
    }

    /// The type kept in the builder.
    fn storage(&self) -> TokenStream {
        let rt = crate::runtime();
        match self {
            Kind::Text => quote!(::std::string::String),
            Kind::Scalar(t) | Kind::Typed(t) => t.clone(),
            Kind::NonZero => quote!(u64),
            Kind::List(item) => quote!(::std::vec::Vec<#item>),
            Kind::NonZeroList => quote!(::std::vec::Vec<u64>),
            Kind::Secret => quote!(#rt::Secret),
        }
    }

    /// A setter storing `value` in `self.#slot` (an `Option`).
    fn setter(&self, name: &syn::Ident, slot: &syn::Ident, wire: &str, doc: &str) -> TokenStream {
        let rt = crate::runtime();
        let doc = doc_attr(doc);
        match self {
            Kind::Text => quote! {
                #doc
                pub fn #name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.#slot = Some(value.into());
                    self
                }
            },
            Kind::Scalar(t) => quote! {
                #doc
                pub fn #name(mut self, value: #t) -> Self {
                    self.#slot = Some(value);
                    self
                }
            },
            Kind::NonZero => quote! {
                #doc
                pub fn #name(mut self, value: u64) -> Self {
                    self.#slot = Some(value);
                    self
                }
            },
            Kind::List(item) => quote! {
                #doc
                pub fn #name(mut self, values: impl ::std::iter::IntoIterator<Item = #item>) -> Self {
                    self.#slot = Some(values.into_iter().collect());
                    self
                }
            },
            Kind::NonZeroList => quote! {
                #doc
                pub fn #name(mut self, values: impl ::std::iter::IntoIterator<Item = u64>) -> Self {
                    self.#slot = Some(values.into_iter().collect());
                    self
                }
            },
            Kind::Secret => quote! {
                #doc
                pub fn #name(mut self, value: impl ::std::convert::Into<#rt::Secret>) -> Self {
                    self.#slot = Some(value.into());
                    self
                }
            },
            Kind::Typed(t) => quote! {
                #doc
                pub fn #name<V>(mut self, value: V) -> Self
                where
                    V: ::std::convert::TryInto<#t>,
                    V::Error: ::std::fmt::Display,
                {
                    match value.try_into() {
                        Ok(value) => self.#slot = Some(value),
                        Err(error) => {
                            self.invalid.get_or_insert((#wire, error.to_string()));
                        }
                    }
                    self
                }
            },
        }
    }

    /// Converts a stored value into the generated type, checking it; `value`
    /// names it, `by_ref` says whether that is a reference.
    fn convert(&self, value: TokenStream, by_ref: bool, wire: &str) -> TokenStream {
        match self {
            Kind::NonZero if by_ref => quote!(validate::non_zero(#wire, *#value)?),
            Kind::NonZero => quote!(validate::non_zero(#wire, #value)?),
            Kind::NonZeroList => quote!(validate::non_zero_list(#wire, &#value)?),
            _ => value,
        }
    }

    /// The stored form of a value of the generated type (for `.body(T)`),
    /// when it is not the value itself.
    fn store(&self, value: TokenStream) -> Option<TokenStream> {
        match self {
            Kind::NonZero => Some(quote!(#value.get())),
            Kind::NonZeroList => Some(quote!(#value.into_iter().map(|v| v.get()).collect())),
            _ => None,
        }
    }
}

/// The public surface of a facade: per operation, the client method, each
/// setter with what it takes, and what `send` returns. Kept as a snapshot, so
/// a spec update shows every change callers see.
pub fn surface(operations: &[Operation], events: &[WebhookEvent]) -> Result<String, Error> {
    let mut out = String::new();
    for op in operations {
        let mut args = Vec::new();
        for param in op.handle_args() {
            args.push(format!(
                "{}: {}",
                param.ident,
                Kind::of(&param.ty)?.argument()
            ));
        }
        let builder = format!("{}Request", op.name.to_upper_camel_case());
        let call = op.route.call("client", &[]);
        let call = call.strip_suffix("()").unwrap_or(&call);
        out.push_str(&format!(
            "{call}({}) -> {builder}   // {} {}\n",
            args.join(", "),
            op.method,
            op.path
        ));
        let mut taken: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();
        for param in op.params.iter().filter(|p| p.location != Location::Path) {
            let setter = setter_name(&param.ident, &mut taken);
            let required = if param.required { ", required" } else { "" };
            out.push_str(&format!(
                "    .{setter}({})   // {} `{}`{required}{}\n",
                Kind::of(&param.ty)?.argument(),
                if param.location == Location::Header {
                    "header"
                } else {
                    "query"
                },
                param.wire,
                bounds_text(&param.checks),
            ));
        }
        if let Some(body) = &op.body {
            for field in &body.fields {
                let setter = setter_name(&field.ident, &mut taken);
                let required = if field.optional || field.has_default {
                    ""
                } else {
                    ", required"
                };
                let argument = if field.file {
                    "FilePart".to_owned()
                } else {
                    Kind::of(&field.ty)?.argument()
                };
                out.push_str(&format!(
                    "    .{setter}({argument})   // body `{}`{required}{}\n",
                    field.wire,
                    bounds_text(&field.checks),
                ));
            }
            let whole = match body.encoding {
                BodyEncoding::Bytes => Some("impl Into<reqwest::Body>".to_owned()),
                BodyEncoding::Multipart => None,
                _ => Some(compact(&body.ty)),
            };
            if let Some(whole) = whole {
                out.push_str(&format!("    .body({whole})\n"));
            }
        }
        let response = match &op.response {
            ResponseKind::Json(t) => compact(t),
            ResponseKind::Empty => "()".to_owned(),
            ResponseKind::Bytes => "Bytes".to_owned(),
        };
        out.push_str(&format!("    .send() -> Response<{response}>\n"));
        match (&op.pagination, &op.no_stream) {
            (Some(p), _) => out.push_str(&format!(
                "    .stream() -> Stream<Item = {}>   // {}, items in `{}`\n",
                compact(&p.item),
                p.style,
                p.items
            )),
            (None, Some(reason)) => out.push_str(&format!("    // no stream: {reason}\n")),
            (None, None) => {}
        }
    }
    for event in events {
        out.push_str(&format!(
            "webhook event `{}` -> Event::{}({})\n",
            event.name,
            event.variant,
            compact(&event.ty)
        ));
    }
    out.push_str("webhook event (any other) -> Event::Unknown { event_type, data }\n");
    Ok(out)
}

/// The `Event` enum of an API's webhooks: one variant per event of the spec,
/// decoded by the name its body carries, and `Unknown` for any other.
fn event_enum(events: &[WebhookEvent], choices: &Choices) -> Result<TokenStream, Error> {
    let rt = crate::runtime();
    let mut variants = Vec::new();
    let mut names = Vec::new();
    let mut decodes = Vec::new();
    let mut serializes = Vec::new();
    let fields = choices.event_type_fields;
    let name_field = fields.first().copied().unwrap_or("type");
    for event in events {
        let variant = syn::Ident::new(&event.variant, proc_macro2::Span::call_site());
        let ty = tokens(&event.ty)?;
        let name = &event.name;
        let doc = format!("`{name}`.");
        variants.push(quote! { #[doc = #doc] #variant(#ty) });
        names.push(quote! { Event::#variant(_) => #name });
        decodes.push(quote! { #name => #rt::webhooks::decode_event(body).map(Event::#variant) });
        serializes.push(quote! {
            Event::#variant(payload) => #rt::webhooks::serialize_event(serializer, #name_field, #name, payload)
        });
    }
    Ok(quote! {
        /// A verified webhook event: one variant per event the spec
        /// describes, its body decoded into the generated type; any other
        /// event is [`Event::Unknown`], so a new vendor event never fails
        /// verification.
        ///
        /// Events travel: serialized (any serde format) they are written as
        /// the body they were decoded from, and deserializing decodes that
        /// body again, so a receiver can queue an event for a worker that
        /// handles it later, long after its signature's tolerance. Fields no
        /// generated type names are not kept; queue the verified body itself
        /// ([`Event::decode`] reads it back) to keep every byte.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants,)*
            /// An event this version of the crate does not know.
            Unknown {
                /// The event's name as sent.
                event_type: ::std::string::String,
                /// The whole event as sent (envelope included).
                data: ::serde_json::Value,
            },
        }

        impl Event {
            /// The event's name on the wire (`connection.created`).
            pub fn event_type(&self) -> &str {
                match self {
                    #(#names,)*
                    Event::Unknown { event_type, .. } => event_type,
                }
            }

            /// Decodes a body by the event name it carries, without
            /// checking any signature: for a body verified before (a
            /// receiver's queue), never for a request as received.
            pub fn decode(body: &[u8]) -> ::std::result::Result<Event, #rt::webhooks::WebhookError> {
                let (event_type, body) = #rt::webhooks::parse_event(body, &[#(#fields),*])?;
                Event::from_named(event_type, body)
            }

            /// [`Event::decode`] of a parsed body.
            pub fn from_value(body: ::serde_json::Value) -> ::std::result::Result<Event, #rt::webhooks::WebhookError> {
                let (event_type, body) = #rt::webhooks::event_name(body, &[#(#fields),*])?;
                Event::from_named(event_type, body)
            }

            fn from_named(event_type: ::std::string::String, body: ::serde_json::Value) -> ::std::result::Result<Event, #rt::webhooks::WebhookError> {
                match event_type.as_str() {
                    #(#decodes,)*
                    _ => Ok(Event::Unknown { event_type, data: body }),
                }
            }
        }

        /// Writes the event as its body (see [`Event`]).
        impl ::serde::Serialize for Event {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serializes,)*
                    Event::Unknown { data, .. } => ::serde::Serialize::serialize(data, serializer),
                }
            }
        }

        /// Decodes an event's body, as [`Event::decode`] does.
        impl<'de> ::serde::Deserialize<'de> for Event {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Event, D::Error> {
                let body = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Event::from_value(body).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    })
}

/// A type's tokens text without the spaces `quote` puts between tokens.
/// A type's tokens as written by hand (`types::Media`, `Vec<u64>`).
pub(crate) fn compact(ty: &str) -> String {
    ty.replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" , ", ", ")
}

pub(crate) fn tokens(ty: &str) -> Result<TokenStream, Error> {
    ty.parse::<TokenStream>()
        .map_err(|e| Error::Generate(format!("type `{ty}`: {e}")))
}

fn doc_attr(doc: &str) -> TokenStream {
    if doc.is_empty() {
        quote!()
    } else {
        quote!(#[doc = #doc])
    }
}

/// The checks of one value, as statements on `value` (a reference to the stored value).
fn checks(checks: &Checks, kind: &Kind, wire: &str) -> TokenStream {
    if checks.is_empty() {
        return quote!();
    }
    let opt_f = |v: Option<f64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let opt_u = |v: Option<u64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let one_of = &checks.one_of;
    let allowed = match kind {
        Kind::Text | Kind::Scalar(_) if !one_of.is_empty() => {
            quote!(validate::one_of(#wire, &value.to_string(), &[#(#one_of),*])?;)
        }
        _ => quote!(),
    };
    let numeric = || {
        if checks.minimum.is_none() && checks.maximum.is_none() {
            return quote!();
        }
        let (min, max) = (opt_f(checks.minimum), opt_f(checks.maximum));
        let (exclusive_min, exclusive_max) = (checks.exclusive_minimum, checks.exclusive_maximum);
        quote!(validate::range(#wire, *value as f64, validate::Bounds {
            minimum: #min,
            maximum: #max,
            exclusive_minimum: #exclusive_min,
            exclusive_maximum: #exclusive_max,
        })?;)
    };
    let bounds = match kind {
        Kind::Text if checks.min_length.is_none() && checks.max_length.is_none() => quote!(),
        Kind::Text => {
            let (min, max) = (opt_u(checks.min_length), opt_u(checks.max_length));
            quote!(validate::length(#wire, value, #min, #max)?;)
        }
        Kind::NonZero => numeric(),
        Kind::Scalar(t) if t.to_string() != "bool" => numeric(),
        _ => quote!(),
    };
    quote!(#allowed #bounds)
}

fn operation(op: &Operation) -> Result<TokenStream, Error> {
    let rt = crate::runtime();
    let builder = format_ident!("{}Request", op.name.to_upper_camel_case());
    let method_text = op.method.as_str();
    let path_text = op.path.as_str();
    let operation_text = op.name.as_str();
    let method_tokens = match op.method.as_str() {
        "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" => {
            let m = format_ident!("{}", op.method);
            quote!(::reqwest::Method::#m)
        }
        other => return Err(Error::Generate(format!("{}: method {other}", op.name))),
    };

    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut prepare = Vec::new();
    let mut args = Vec::new();
    // The builder's `Debug` fields, a secret's value left out.
    let mut debug = Vec::new();
    let mut taken: Vec<String> = RESERVED.iter().map(|s| s.to_string()).collect();

    // Path parameters: arguments of the client method, checked at `send`.
    let mut segments = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Path) {
        let ident = format_ident!("{}", param.ident);
        let slot = format_ident!("path_{}", param.ident);
        let wire = param.wire.as_str();
        let kind = Kind::of(&param.ty)?;
        let segment = format_ident!("segment_{}", param.ident);
        let argument = kind.path_argument();
        match &kind {
            Kind::Text => {
                args.push(quote!(#ident: #argument));
                inits.push(quote!(#slot: #ident.into()));
                fields.push(quote!(#slot: ::std::string::String));
                debug.push(debug_field(&slot, wire, Some(&kind), false));
                prepare.push(quote!(let #segment = request::path_segment(#wire, &self.#slot)?;));
            }
            Kind::Scalar(t) => {
                args.push(quote!(#ident: #argument));
                inits.push(quote!(#slot: #ident));
                fields.push(quote!(#slot: #t));
                debug.push(debug_field(&slot, wire, Some(&kind), false));
                prepare.push(quote!(let #segment = self.#slot.to_string();));
            }
            _ => {
                let storage = kind.storage();
                args.push(quote!(#ident: #argument));
                inits.push(quote!(#slot: #ident));
                fields.push(quote!(#slot: #storage));
                debug.push(debug_field(&slot, wire, Some(&kind), false));
                let text = kind.text(quote!(self.#slot));
                prepare.push(quote!(let #segment = request::path_segment(#wire, &#text)?;));
            }
        }
        segments.push(segment);
    }
    let mut format_string = String::new();
    let mut rest = op.path.as_str();
    while let Some((before, after)) = rest.split_once('{') {
        format_string.push_str(before);
        format_string.push_str("{}");
        rest = after.split_once('}').map_or("", |(_, r)| r);
    }
    format_string.push_str(rest);
    prepare.push(quote! {
        let path = format!(#format_string, #(#segments),*);
        let mut call = Call::new(&self.core, Self::REQUEST, Self::METHOD, &path, self.options);
    });

    // Query and header parameters: setters, checked and encoded at `send`.
    for param in op.params.iter().filter(|p| p.location != Location::Path) {
        let name = setter_name(&param.ident, &mut taken);
        let slot = format_ident!("param_{}", param.ident);
        let wire = param.wire.as_str();
        let kind = Kind::of(&param.ty)?;
        let storage = kind.storage();
        fields.push(quote!(#slot: ::std::option::Option<#storage>));
        debug.push(debug_field(&slot, wire, Some(&kind), true));
        inits.push(quote!(#slot: None));
        let place = if param.location == Location::Header {
            "header"
        } else {
            "query"
        };
        let doc = format!("`{wire}` ({place}){}", bounds_text(&param.checks));
        setters.push(kind.setter(&name, &slot, wire, &doc));
        let check = checks(&param.checks, &kind, wire);
        let value = kind.convert(quote!(value), true, wire);
        let add = if param.location == Location::Header {
            let text = kind.text(value);
            if is_secret(wire) || kind.hides_value() {
                quote!(call.secret_header(#wire, &#text)?)
            } else {
                quote!(call.header(#wire, &#text)?)
            }
        } else {
            quote!(call.query(#wire, &#value))
        };
        let missing = if param.required {
            quote!(else { return Err(request::missing(#wire)); })
        } else if is_idempotency_key(param) {
            // One key per call, kept across its retries: what makes
            // retrying a call that moves money safe.
            quote!(else { call = call.header(#wire, &request::idempotency_key()?)?; })
        } else {
            quote!()
        };
        prepare.push(quote! {
            if let Some(value) = &self.#slot {
                #check
                call = #add;
            } #missing
        });
    }

    // The body: one setter per top-level field of a JSON struct, and `.body(T)`.
    let mut clone_derive = quote!(Clone,);
    if let Some(body) = &op.body {
        match body.encoding {
            BodyEncoding::Multipart => {
                let mut parts = Vec::new();
                for field in &body.fields {
                    let name = setter_name(&field.ident, &mut taken);
                    let slot = format_ident!("field_{}", field.ident);
                    let wire = field.wire.as_str();
                    let required = if field.optional { "" } else { ", required" };
                    let add = if field.file {
                        fields.push(quote!(#slot: ::std::option::Option<#rt::FilePart>));
                        debug.push(debug_field(&slot, wire, None, true));
                        let doc = format!("`{wire}` (file part{required})");
                        setters.push(quote! {
                            #[doc = #doc]
                            pub fn #name(mut self, part: #rt::FilePart) -> Self {
                                self.#slot = Some(part);
                                self
                            }
                        });
                        quote!(form = form.file(#wire, value)?;)
                    } else {
                        let kind = Kind::of(&field.ty)?;
                        let storage = kind.storage();
                        fields.push(quote!(#slot: ::std::option::Option<#storage>));
                        debug.push(debug_field(&slot, wire, Some(&kind), true));
                        let doc = format!(
                            "`{wire}` (form field{required}){}",
                            bounds_text(&field.checks)
                        );
                        setters.push(kind.setter(&name, &slot, wire, &doc));
                        let check = checks(&field.checks, &kind, wire);
                        let text = kind.text(quote!(value));
                        let check = if check.is_empty() {
                            check
                        } else {
                            quote!({ let value = &value; #check })
                        };
                        quote! {
                            #check
                            form = form.text(#wire, #text);
                        }
                    };
                    inits.push(quote!(#slot: None));
                    let missing = if field.optional {
                        quote!()
                    } else {
                        quote!(else { return Err(request::missing(#wire)); })
                    };
                    parts.push(quote! {
                        if let Some(value) = self.#slot { #add } #missing
                    });
                }
                prepare.push(quote! {
                    let mut form = request::Form::default();
                    #(#parts)*
                    call = call.multipart(form);
                });
            }
            BodyEncoding::Bytes => {
                clone_derive = quote!();
                fields.push(quote!(body: ::std::option::Option<::reqwest::Body>));
                debug.push(quote!(.field("body", &self.body.as_ref().map(|_| "[body]"))));
                inits.push(quote!(body: None));
                setters.push(quote! {
                    /// The request body: bytes, a string or a stream
                    /// (`reqwest::Body`). A streamed body cannot be replayed, so
                    /// a call with one is never retried.
                    pub fn body(mut self, body: impl ::std::convert::Into<::reqwest::Body>) -> Self {
                        self.body = Some(body.into());
                        self
                    }
                });
                prepare.push(quote! {
                    let Some(body) = self.body else { return Err(request::missing("body")); };
                    call = call.bytes(body);
                });
            }
            BodyEncoding::Json | BodyEncoding::Form => {
                let ty = tokens(&body.ty)?;
                let encode = match body.encoding {
                    BodyEncoding::Form => quote!(call = call.form(&body)?;),
                    _ => quote!(call = call.json(&body)?;),
                };
                if body.fields.is_empty() {
                    fields.push(quote!(body: ::std::option::Option<#ty>));
                    // A whole body may hold a password: its fields are not shown.
                    debug.push(quote!(.field("body", &self.body.as_ref().map(|_| "[body]"))));
                    inits.push(quote!(body: None));
                    setters.push(quote! {
                        /// The whole request body.
                        pub fn body(mut self, body: #ty) -> Self {
                            self.body = Some(body);
                            self
                        }
                    });
                    prepare.push(quote! {
                        let Some(body) = &self.body else { return Err(request::missing("body")); };
                        #encode
                    });
                } else {
                    let mut destructure = Vec::new();
                    let mut stores = Vec::new();
                    let mut builds = Vec::new();
                    for field in &body.fields {
                        let ident = format_ident!("{}", field.ident);
                        let name = setter_name(&field.ident, &mut taken);
                        let slot = format_ident!("field_{}", field.ident);
                        let wire = field.wire.as_str();
                        let kind = Kind::of(&field.ty)?;
                        let storage = kind.storage();
                        fields.push(quote!(#slot: ::std::option::Option<#storage>));
                        debug.push(debug_field(&slot, wire, Some(&kind), true));
                        inits.push(quote!(#slot: None));
                        let doc = format!(
                            "`{wire}` (body{})",
                            if field.optional || field.has_default {
                                ""
                            } else {
                                ", required"
                            }
                        );
                        setters.push(kind.setter(&name, &slot, wire, &doc));
                        destructure.push(quote!(#ident));
                        stores.push(match (field.optional, kind.store(quote!(v))) {
                            (true, None) => quote!(self.#slot = #ident;),
                            (true, Some(stored)) => quote!(self.#slot = #ident.map(|v| #stored);),
                            (false, None) => quote!(self.#slot = Some(#ident);),
                            (false, Some(stored)) => {
                                quote!(self.#slot = Some({ let v = #ident; #stored });)
                            }
                        });
                        let required = !field.optional && !field.has_default;
                        let value = match kind {
                            Kind::NonZero | Kind::NonZeroList => {
                                let converted = kind.convert(quote!(v), false, wire);
                                quote!(match self.#slot { Some(v) => Some(#converted), None => None })
                            }
                            _ => quote!(self.#slot),
                        };
                        // A field left unset is left out: the API applies the
                        // spec's default, as the generated type would.
                        builds.push(quote!(request::field(&mut body, #wire, #value, #required)?;));
                    }
                    setters.push(quote! {
                        /// The whole request body (replaces every field set so far).
                        pub fn body(mut self, body: #ty) -> Self {
                            let #ty { #(#destructure),* } = body;
                            #(#stores)*
                            self
                        }
                    });
                    prepare.push(quote! {
                        let mut body = ::serde_json::Map::new();
                        #(#builds)*
                        #encode
                    });
                }
            }
        }
    }

    let (response_ty, send_call) = match &op.response {
        ResponseKind::Json(t) => {
            let t = tokens(t)?;
            (t.clone(), quote!(call.send_json::<#t>().await))
        }
        ResponseKind::Empty => (quote!(()), quote!(call.send_empty().await)),
        ResponseKind::Bytes => (quote!(::bytes::Bytes), quote!(call.send_bytes().await)),
    };

    let stream = match &op.pagination {
        Some(pagination) => stream_method(pagination)?,
        None => quote!(),
    };

    let handle = crate::resources::struct_name(op.route.account.is_some(), &op.route.resources);
    let builder_doc = format!(
        "The request of [`{}`](super::resources::{handle}::{}): `{} {}`.\n\n{}",
        op.route.call("client", &[]),
        op.route.method,
        op.method,
        op.path,
        op.doc
    );
    let builder_item = quote! {
        #[doc = #builder_doc]
        #[derive(#clone_derive)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            core: #rt::transport::config::Core,
            options: #rt::transport::CallSettings,
            /// The first value that could not be converted: reported by `send`.
            invalid: ::std::option::Option<(&'static str, ::std::string::String)>,
            #(#fields,)*
        }

        /// The operation and the values set; a secret's value (a password,
        /// a client secret, a one-time code) is never shown.
        impl ::std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#builder))
                    .field("request", &Self::REQUEST)
                    .field("options", &self.options)
                    .field("invalid", &self.invalid)
                    #(#debug)*
                    .finish_non_exhaustive()
            }
        }

        impl #builder {
            const REQUEST: #rt::RequestInfo = #rt::RequestInfo::operation(#operation_text, #method_text, #path_text);
            const METHOD: ::reqwest::Method = #method_tokens;

            /// The request with its path parameters and nothing else set.
            pub(crate) fn new(core: #rt::transport::config::Core, #(#args),*) -> Self {
                Self {
                    core,
                    options: ::std::default::Default::default(),
                    invalid: None,
                    #(#inits,)*
                }
            }

            #rt::transport::config::call_option_methods!();

            #(#setters)*

            /// Checks every value against the spec and builds the request;
            /// nothing is sent when a check fails.
            #[allow(unused_mut)]
            fn prepare(self) -> ::std::result::Result<Call, Error> {
                if let Some((parameter, reason)) = self.invalid {
                    return Err(Error::invalid(parameter, reason));
                }
                #(#prepare)*
                Ok(call)
            }

            /// Sends the request: the typed response with its metadata, or the
            /// crate's [`Error`].
            pub async fn send(self) -> ::std::result::Result<Response<#response_ty>, Error> {
                let call = self.prepare()?;
                #send_call
            }

            #stream
        }
    };
    Ok(builder_item)
}

/// `impl Page` for a list operation's response: its items, wherever the
/// answer keeps them.
fn page_impl(ty: &str, pagination: &Pagination) -> Result<TokenStream, Error> {
    let rt = crate::runtime();
    let ty = tokens(ty)?;
    let item = tokens(&pagination.item)?;
    let mut expr = quote!(self);
    let mut optional_before = false;
    for (ident, optional) in &pagination.access {
        let ident = format_ident!("{}", ident);
        expr = if optional_before && *optional {
            quote!(#expr.and_then(|v| v.#ident.as_ref()))
        } else if optional_before {
            quote!(#expr.map(|v| &v.#ident))
        } else if *optional {
            quote!(#expr.#ident.as_ref())
        } else {
            quote!(#expr.#ident)
        };
        optional_before |= *optional;
    }
    let body = if optional_before {
        quote!(#expr.map_or(&[][..], |items| items.as_slice()))
    } else {
        quote!(#expr.as_slice())
    };
    Ok(quote! {
        impl #rt::Page for #ty {
            type Item = #item;

            fn items(&self) -> &[#item] {
                #body
            }
        }
    })
}

/// `stream()` of a list operation's builder.
fn stream_method(pagination: &Pagination) -> Result<TokenStream, Error> {
    let rt = crate::runtime();
    let item = tokens(&pagination.item)?;
    let layout = match pagination.items.as_str() {
        "list" => quote!(List),
        "items" => quote!(Items),
        "data" => quote!(Data),
        "data.list" => quote!(DataList),
        "data.items" => quote!(DataItems),
        other => return Err(Error::Generate(format!("items at `{other}`"))),
    };
    let paging = match &pagination.style {
        PagingStyle::Offset(p) => quote!(Offset(#p)),
        PagingStyle::Marker(p) => quote!(Marker(#p)),
        PagingStyle::NextPage => quote!(NextPage),
        PagingStyle::LastId(p) => quote!(LastId(#p)),
    };
    let key = match pagination.key {
        ItemKey::None => quote!(|_| None),
        ItemKey::Id => quote!(|item| Some(item.id)),
        ItemKey::OptionalId => quote!(|item| item.id),
        ItemKey::NonZeroId => quote!(|item| Some(item.id.get())),
        ItemKey::OptionalNonZeroId => quote!(|item| item.id.map(|id| id.get())),
        ItemKey::WithUser { optional: false } => quote!(|item| Some(item.with_user.id)),
        ItemKey::WithUser { optional: true } => {
            quote!(|item| item.with_user.as_ref().map(|user| user.id))
        }
    };
    let doc = format!(
        "Every item across pages, from where this request starts: the next \
         page is fetched while the caller works through the current one; no \
         item is yielded twice across a page boundary; a repeated cursor ends \
         the stream with [`Error::Pagination`] naming \
         where to resume. Pages by {}; items in `{}`.",
        pagination.style, pagination.items
    );
    let start = match &pagination.style {
        PagingStyle::NextPage => quote! {
            /// Starts at the page a `_pagination.next_page` link names (the
            /// URL or its query; host and path stay the client's): resumes a
            /// list where an earlier page, or a stream's
            /// [`Error::Pagination`], left it.
            pub fn next_page(mut self, next_page: impl ::std::convert::AsRef<str>) -> Self {
                self.options.start_query =
                    Some(#rt::transport::paging::next_page_query(next_page.as_ref()));
                self
            }
        },
        _ => quote!(),
    };
    Ok(quote! {
        #start

        #[doc = #doc]
        pub fn stream(
            self,
        ) -> impl ::futures_util::stream::Stream<Item = ::std::result::Result<#item, Error>> + Send + 'static {
            #rt::transport::paging::stream::<#item, #rt::transport::paging::#layout>(
                self.prepare(),
                #rt::transport::paging::Paging::#paging,
                #key,
            )
        }
    })
}

/// The setter's name: the parameter's own unless a builder method or an
/// earlier setter has it, then with `_` appended until it is free.
pub(crate) fn setter_name(ident: &str, taken: &mut Vec<String>) -> syn::Ident {
    let mut name = ident.to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    taken.push(name.clone());
    format_ident!("{}", name)
}

fn bounds_text(checks: &Checks) -> String {
    let mut parts = Vec::new();
    match checks.minimum {
        Some(min) if checks.exclusive_minimum => parts.push(format!("above {min}")),
        Some(min) => parts.push(format!("at least {min}")),
        None => {}
    }
    match checks.maximum {
        Some(max) if checks.exclusive_maximum => parts.push(format!("below {max}")),
        Some(max) => parts.push(format!("at most {max}")),
        None => {}
    }
    if let Some(min) = checks.min_length {
        parts.push(format!("at least {min} characters"));
    }
    if let Some(max) = checks.max_length {
        parts.push(format!("at most {max} characters"));
    }
    if !checks.one_of.is_empty() {
        parts.push(format!("one of {}", checks.one_of.join(", ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
    }
}
