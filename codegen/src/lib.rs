//! Spec normalization and client generation for `onlyfans-clients`.
//!
//! One implementation serves the API crates' build scripts ([`build_script`]),
//! `cargo xtask` and the tests:
//!
//! ```text
//! specs/<api>/openapi.yaml ─────┬─ merge ── overlay.yaml ──▶ normalize ──▶ type space (typify) ─┬─▶ types
//! specs/<api>/sdk-derived.yaml ─┘                                │                              └─▶ operation model ──▶ facade, resources,
//!                                                                │                                                      mocks, drift
//!                                                                └──▶ progenitor ──▶ raw client, httpmock helpers (features `raw`, `httpmock`)
//! every Rust output ──▶ prettyplease ──▶ OUT_DIR
//! ```
//!
//! - [`apis`]: the two APIs and where their files live;
//! - [`merge`]: the upstream text plus the SDK-derived operations it lacks;
//! - [`overlay`]: our reviewable fixes (OpenAPI Overlay 1.0) applied to the vendored text;
//! - [`normalize`]: generic rules that make any spec of theirs generate good code;
//! - [`schema`]: OpenAPI 3.0 schemas as the JSON Schema typify reads;
//! - [`type_space`]: every schema registered with typify under progenitor's
//!   names, the types of each operation by `TypeId`;
//! - [`generate`]: the types printed from the type space (and progenitor's raw
//!   client), leaving out what cannot be generated;
//! - `summary` (feature `tools`, as the four below): the compact operation
//!   list kept as a snapshot;
//! - `coverage`: the per-tag coverage tables of docs/COVERAGE.md;
//! - `drift`: what changed between two spec versions, breaking or additive;
//! - `doc_page`: the OpenAPI fragment inside an API documentation page;
//! - `synthetic`: grown copies of a spec, for the build-cost benchmark;
//! - `audit`: the fields, parameters and headers named like credentials
//!   that print in `Debug` (held to an allowlist by `tests/generated.rs`);
//! - [`examples`]: response bodies for mocks and tests (declared or synthesized);
//! - [`mock`]: the mock server's route table and the tests' response decoders;
//! - `httpmock` (feature `progenitor`): typed httpmock helpers;
//! - [`model`]: the operation model every output is emitted from, read from
//!   the spec and the type space;
//! - [`facade`]: the per-operation request builders.

/// The runtime crate's name in Rust (`onlyfans-clients-core`): the generated
/// code of every API crate calls it by absolute path, since each API is a
/// crate of its own beside it.
macro_rules! runtime_crate {
    () => {
        "onlyfans_clients_core"
    };
}

/// `::onlyfans_clients_core` followed by `$path` (`"::transport::Transport"`):
/// a path into the runtime, as generated code spells it.
macro_rules! runtime_path {
    ($path:literal) => {
        concat!("::", runtime_crate!(), $path)
    };
}

/// The runtime crate's absolute path, as tokens for `quote!`.
pub(crate) fn runtime() -> proc_macro2::TokenStream {
    runtime_path!("")
        .parse()
        .expect("the runtime's path is a Rust path")
}

pub mod apis;
#[cfg(feature = "tools")]
pub mod audit;
pub mod build_script;
pub mod conformance;
#[cfg(feature = "tools")]
pub mod coverage;
#[cfg(feature = "tools")]
pub mod doc_page;
#[cfg(feature = "tools")]
pub mod drift;
pub mod examples;
pub mod facade;
pub mod generate;
#[cfg(feature = "progenitor")]
pub mod httpmock;
pub mod merge;
pub mod mock;
pub mod model;
#[cfg(feature = "tools")]
pub mod mutations;
pub mod naming;
pub mod normalize;
pub mod overlay;
pub mod replacements;
pub mod resources;
pub mod schema;
pub mod spec;
pub mod subset;
#[cfg(feature = "tools")]
pub mod summary;
#[cfg(feature = "tools")]
pub mod synthetic;
pub mod type_space;
pub mod walk;

use std::fmt;
use std::path::Path;

pub use apis::ApiDef;
pub use generate::{Generated, Settings};
pub use merge::MergeReport;
pub use normalize::{Normalized, Omitted, Report};
use serde_json::Value;

/// Everything that can go wrong between a spec file and generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Io {
        path: String,
        message: String,
    },
    Parse {
        origin: String,
        message: String,
    },
    Overlay {
        origin: String,
        message: String,
    },
    Provenance {
        expected: String,
        actual: String,
    },
    /// The SDK-derived file and its provenance record disagree.
    Derived(String),
    Generate(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, message } => write!(f, "{path}: {message}"),
            Error::Parse { origin, message } => write!(f, "{origin}: cannot parse: {message}"),
            Error::Overlay { origin, message } => {
                write!(f, "{origin}: overlay does not apply: {message}")
            }
            Error::Provenance { expected, actual } => write!(
                f,
                "vendored spec does not match its provenance record (recorded sha256 {expected}, actual {actual})"
            ),
            Error::Derived(message) => write!(f, "sdk-derived.yaml: {message}"),
            Error::Generate(message) => write!(f, "generation failed: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// The vendored spec of an API merged with its SDK-derived operations and
/// with its overlay applied, normalized.
pub fn prepare(api: ApiDef, repo_root: &Path) -> Result<Normalized, Error> {
    let (doc, merge_report) = effective_spec(api, repo_root)?;
    let mut normalized = normalize::normalize(doc);
    normalized.report.superseded = merge_report.superseded;
    Ok(normalized)
}

/// The document every output of an API is generated from, before
/// normalization: the vendored upstream text, the SDK-derived operations it
/// lacks ([`merge`]), then the overlay. The one place that puts them together
/// (build.rs, xtask and the tests all come through here).
pub fn effective_spec(api: ApiDef, repo_root: &Path) -> Result<(Value, MergeReport), Error> {
    let spec_path = api.spec_path(repo_root);
    let text = spec::read_to_string(&spec_path)?;
    let upstream = spec::parse(&text, &spec_path.display().to_string())?;
    let derived = read_derived(api, repo_root)?;
    let overlay = read_overlay(api, repo_root)?;
    assemble(upstream, derived.as_ref(), overlay.as_deref(), api)
}

/// The SDK-derived document of an API, when it has one.
pub fn read_derived(api: ApiDef, repo_root: &Path) -> Result<Option<Value>, Error> {
    let path = api.derived_path(repo_root);
    if !path.exists() {
        return Ok(None);
    }
    let text = spec::read_to_string(&path)?;
    spec::parse(&text, &path.display().to_string()).map(Some)
}

/// The overlay text of an API, when it has one.
pub fn read_overlay(api: ApiDef, repo_root: &Path) -> Result<Option<String>, Error> {
    let path = api.overlay_path(repo_root);
    path.exists()
        .then(|| spec::read_to_string(&path))
        .transpose()
}

/// Merges and overlays an upstream document (a vendored one, or a candidate
/// upstream version in `cargo xtask update-specs`).
pub fn assemble(
    upstream: Value,
    derived: Option<&Value>,
    overlay_text: Option<&str>,
    api: ApiDef,
) -> Result<(Value, MergeReport), Error> {
    let (mut doc, report) = match derived {
        Some(derived) => merge::merge(upstream, derived),
        None => (upstream, MergeReport::default()),
    };
    if let Some(text) = overlay_text {
        overlay::apply(&mut doc, text, &format!("specs/{}/overlay.yaml", api.name))?;
    }
    Ok((doc, report))
}

/// The generation settings the library crate is built with, for a
/// normalized spec: the generated client carries the crate's transport (auth,
/// retries, tracing) as `inner`, handwritten types stand for the shapes
/// [`replacements`] names, and a type only answers carry derives `Serialize`
/// with the crate's `serialize` feature.
pub fn library_settings(_api: ApiDef, normalized: &serde_json::Value) -> Settings {
    Settings {
        inner_type: Some(runtime_path!("::transport::Transport").into()),
        replacements: replacements::replacements(normalized),
        serialize_feature: Some("serialize".into()),
    }
}

/// Normalizes and generates one API the way the library crate does, the raw
/// client included.
pub fn generate_api(api: ApiDef, repo_root: &Path) -> Result<(Normalized, Generated), Error> {
    let (normalized, generated, _) = generate_normalized(api, prepare(api, repo_root)?, true)?;
    Ok((normalized, generated))
}

/// [`generate_api`] and the API's operation model ([`api_operations`]):
/// what the build script starts from. The raw client only when `raw_client`.
pub fn generate_api_modelled(
    api: ApiDef,
    repo_root: &Path,
    raw_client: bool,
) -> Result<(Normalized, Generated, Vec<model::Operation>), Error> {
    let (normalized, generated, types) =
        generate_normalized(api, prepare(api, repo_root)?, raw_client)?;
    let operations = operations_of(api, &normalized, &types)?;
    Ok((normalized, generated, operations))
}

/// Generates the types (and the raw client) of a normalized spec, adding
/// what the generator left out to the report.
pub(crate) fn generate_normalized(
    api: ApiDef,
    mut normalized: Normalized,
    raw_client: bool,
) -> Result<(Normalized, Generated, type_space::TypeModel), Error> {
    let header = generated_header(api);
    let settings = library_settings(api, &normalized.spec);
    let (generated, types) =
        generate::generate_modelled(&normalized.spec, &settings, &header, raw_client)?;
    for omitted in &generated.omitted {
        if !normalized.report.omitted.contains(omitted) {
            normalized.report.omitted.push(omitted.clone());
        }
    }
    // A component typify rejects is gone from every output, as the
    // operations that reach it are.
    if !generated.left_out_components.is_empty() {
        if let Some(schemas) = normalized
            .spec
            .pointer_mut("/components/schemas")
            .and_then(serde_json::Value::as_object_mut)
        {
            schemas.retain(|name, _| !generated.left_out_components.contains(name));
        }
        normalized.report.note(format!(
            "component schemas left out (the type generator rejects them): {}",
            generated.left_out_components.join(", ")
        ));
    }
    Ok((normalized, generated, types))
}

/// The build of some resources of an API only ([`subset`]): the operations
/// of the features `enabled` answers for (and those on the client itself),
/// cut from the whole API's model, and the types generated from the spec cut
/// to what they and the webhook events reach.
pub fn generate_api_subset(
    api: ApiDef,
    normalized: &Normalized,
    operations: &[model::Operation],
    enabled: impl Fn(&str) -> bool,
    raw_client: bool,
) -> Result<(Normalized, Generated, Vec<model::Operation>), Error> {
    let (spec, kept) = subset::keep(api, &normalized.spec, operations, enabled);
    let cut = Normalized {
        spec,
        report: normalized.report.clone(),
    };
    let (cut, generated, _) = generate_normalized(api, cut, raw_client)?;
    Ok((cut, generated, kept))
}

/// One version of an API as callers of the crate meet it: what two versions
/// are compared by ([`drift`]).
#[cfg(feature = "tools")]
#[derive(Debug, Clone, Default)]
pub struct ApiModel {
    /// The operation model (the facade's methods, parameters, bodies,
    /// responses and streams).
    pub operations: Vec<model::Operation>,
    /// The webhook events and their types.
    pub events: Vec<model::WebhookEvent>,
    /// The generated types (`<api>::types`).
    pub types: std::collections::BTreeMap<String, model::NamedType>,
    /// Operations left out of generation, with reasons.
    pub omitted: Vec<Omitted>,
}

/// The model of an effective spec ([`effective_spec`]): normalized,
/// generated and modelled as the library is. `null` (no spec yet) is the
/// empty model.
#[cfg(feature = "tools")]
pub fn api_model(api: ApiDef, effective: Value) -> Result<ApiModel, Error> {
    if effective.is_null() {
        return Ok(ApiModel::default());
    }
    let (normalized, _, types) = generate_normalized(api, normalize::normalize(effective), false)?;
    Ok(ApiModel {
        operations: operations_of(api, &normalized, &types)?,
        events: api_events(&normalized)?,
        types: model::named_types(&types),
        omitted: normalized.report.omitted,
    })
}

/// The operation model of an API (see [`model`]), from its normalized spec
/// and the type space its types are generated from.
pub fn api_operations(
    api: ApiDef,
    normalized: &Normalized,
) -> Result<Vec<model::Operation>, Error> {
    let settings = library_settings(api, &normalized.spec);
    let (types, _, _) = generate::type_model_isolating(&normalized.spec, &settings)?;
    operations_of(api, normalized, &types)
}

pub(crate) fn operations_of(
    api: ApiDef,
    normalized: &Normalized,
    types: &type_space::TypeModel,
) -> Result<Vec<model::Operation>, Error> {
    let mut operations = model::operations(types, &normalized.spec)?;
    naming::assign(&mut operations, &normalized.spec, &naming_choices(api))?;
    Ok(operations)
}

/// The webhook events of an API with their generated types (see
/// [`model::webhook_events`]).
pub fn api_events(normalized: &Normalized) -> Result<Vec<model::WebhookEvent>, Error> {
    model::webhook_events(&normalized.spec)
}

/// The facade of an API (see [`facade`]): a request builder per operation,
/// and the `Event` enum of its webhooks.
pub fn generate_api_facade(
    api: ApiDef,
    normalized: &Normalized,
    operations: &[model::Operation],
    events: &[model::WebhookEvent],
) -> Result<String, Error> {
    let header = generated_header(api);
    let server_url = normalized
        .spec
        .pointer("/servers/0/url")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    facade::emit(
        operations,
        events,
        facade_choices(api),
        "super::types",
        server_url,
        &header,
    )
}

/// The resource handles of an API (see [`resources`]): how a caller
/// reaches each request builder.
pub fn generate_api_resources(
    api: ApiDef,
    operations: &[model::Operation],
) -> Result<String, Error> {
    resources::emit(
        operations,
        "super::Client",
        "super::requests",
        &generated_header(api),
    )
}

/// The conformance calls of one API (see [`conformance`]): every operation
/// through its facade builder with every parameter and body field set.
pub fn generate_api_conformance(
    api: ApiDef,
    normalized: &Normalized,
    operations: &[model::Operation],
) -> Result<String, Error> {
    let header = generated_header(api);
    conformance::emit(operations, &normalized.spec, &header)
}

/// The document an independent validator checks this crate's requests and
/// the vendor's answers against: the [`effective_spec`] (the vendor's text,
/// the SDK-derived operations, our overlay) in OpenAPI 3.0.3, the version
/// OFAuth's text is written in although it declares 3.1, with the value types
/// our rules correct ([`normalize::TYPE_FACTS`]: money with cents, objects
/// the vendor typed as strings, maps written as structs, ids and counts as
/// non-negative integers, string ids that arrive as numbers; without them a
/// validator generating answers from the schema sends what no API sends), and
/// without error responses, so that the validator answers every request it
/// finds wrong with its own `422` listing why (rather than an error example of
/// the spec). No rule that only shapes the document for generation touches
/// it: the validator judges by the vendor's description.
pub fn validator_spec(api: ApiDef, repo_root: &Path) -> Result<Value, Error> {
    let (mut doc, _) = effective_spec(api, repo_root)?;
    let mut report = normalize::Report::default();
    normalize::downgrade::apply(&mut doc, &mut report);
    normalize::correct_types(&mut doc, &mut report);
    // JSON Schema knows no `uint64` format: say what it means.
    walk::for_each_schema_mut(&mut doc, &mut |_, schema, _| {
        if schema.get("format").and_then(Value::as_str) == Some("uint64")
            && let Some(obj) = schema.as_object_mut()
        {
            obj.entry("minimum").or_insert(Value::from(0));
        }
    });
    for (_, _, op) in walk::operations_mut(&mut doc) {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            responses.retain(|status, _| status.starts_with('2'));
        }
    }
    Ok(doc)
}

/// The first lines of every file generated for `api`.
fn generated_header(api: ApiDef) -> String {
    format!(
        "// @generated by onlyfans-codegen from specs/{}/ — do not edit.\n\n",
        api.name
    )
}

/// The Rust-side choices of each API's facade.
pub fn facade_choices(api: ApiDef) -> facade::Choices {
    // Where each API's webhook envelope names its event.
    let event_type_fields: &'static [&'static str] = match api.name {
        "ofauth" => &["eventType", "type"],
        "onlyfansapi" => &["event"],
        _ => &[],
    };
    facade::Choices { event_type_fields }
}

/// Where each API's operations sit on its client ([`naming`]): the routes
/// the naming rule cannot give (over four words, or outside the vendor's
/// resource tree), by `"METHOD /path"`.
pub fn naming_choices(api: ApiDef) -> naming::Choices {
    match api.name {
        "ofauth" => naming::Choices {
            account_param: None,
            tag_names: &[("Self", "me")],
            routes: &[
                ("GET /v2/account/whoami", "account.whoami"),
                ("GET /v2/access/self", "me.get"),
                (
                    "GET /v2/access/mass-messages/scheduled",
                    "mass_messages.list_scheduled",
                ),
                (
                    "GET /v2/access/analytics/visitor-countries/top",
                    "analytics.list_top_visitor_countries",
                ),
                ("GET /v2/access/users/blocked", "users.list_blocked"),
                ("GET /v2/access/users/restrict", "users.list_restricted"),
                ("PATCH /v2/access/self", "me.update"),
                ("POST /v2/dynamic-rules/sign", "dynamic_rules.sign"),
                (
                    "PUT /v2/access/subscribers/{userId}/custom-name",
                    "subscribers.set_custom_name",
                ),
                (
                    "PUT /v2/access/subscribers/{userId}/discount",
                    "subscribers.apply_discount",
                ),
                ("POST /v2/access/uploads/check", "upload.check_media"),
                ("POST /v2/access/uploads/init", "upload.initialize"),
                ("POST /v2/access/uploads/complete", "upload.finalize"),
                (
                    "PUT /v2/access/uploads/{mediaUploadId}",
                    "upload.upload_single_part",
                ),
                (
                    "PUT /v2/access/uploads/{mediaUploadId}/parts/{partNumber}",
                    "upload.upload_part",
                ),
                (
                    "POST /v2/access/users/{userId}/lists",
                    "user_lists.add_user_to_lists",
                ),
                (
                    "GET /v2/access/users/lists/{listId}/users",
                    "user_lists.list_users",
                ),
                (
                    "POST /v2/access/users/lists/{listId}/users/{userId}",
                    "user_lists.add_user",
                ),
                (
                    "DELETE /v2/access/users/lists/{listId}/users/{userId}",
                    "user_lists.remove_user",
                ),
                ("GET /v2/access/vault/lists", "vault.list_lists"),
                (
                    "GET /v2/access/vault/lists/{listId}/media",
                    "vault.list_list_media",
                ),
                (
                    "POST /v2/access/vault/lists/{listId}/media",
                    "vault.add_list_media",
                ),
                (
                    "POST /v2/vault/cache/list/{listId}",
                    "vault.cache_list_media",
                ),
                ("GET /v2/vault-plus/{mediaId}", "vault_plus.get_media"),
                ("DELETE /v2/vault-plus/{mediaId}", "vault_plus.delete_media"),
                ("POST /v2/vault-plus/batch", "vault_plus.get_media_batch"),
                ("GET /v2/vault-plus/list", "vault_plus.list_media"),
                ("DELETE /v2/vault-plus/purge", "vault_plus.purge_media"),
                (
                    "POST /v2/vault-plus/store/list/{listId}",
                    "vault_plus.store_list_media",
                ),
                (
                    "GET /v2/vault-plus/store/status",
                    "vault_plus.get_storage_status",
                ),
                (
                    "GET /v2/vault-plus/store/stats",
                    "vault_plus.get_organization_stats",
                ),
            ],
        },
        "onlyfansapi" => naming::Choices {
            account_param: Some("account"),
            tag_names: &[],
            routes: &[
                // Upstream text, outside the SDK's tree: where the SDK puts them.
                (
                    "GET /api/{account}/chats/{chat_id}/messages",
                    "chats.messages.list",
                ),
                ("GET /api/{account}/users/blocked", "users.list_blocked"),
                (
                    "GET /api/{account}/users/restricted",
                    "users.list_restricted",
                ),
                (
                    "GET /api/fan-summary-categories",
                    "fan_summary_categories.list",
                ),
                ("GET /api/usage/credits", "usage.get_credits"),
                (
                    "GET /api/{account}/media/download/drm/{media_id}",
                    "media.download_drm",
                ),
                // Names over four words, or the SDK's `mark_all_as_read.all()`.
                (
                    "POST /api/{account}/chats/mark-as-read",
                    "chats.mark_all_as_read",
                ),
                ("PUT /api/{account}/fans/{fan_id}/notes", "fans.notes.set"),
                (
                    "GET /api/{account}/banking/details/legal-info",
                    "banking.details.get_legal_info",
                ),
                (
                    "GET /api/{account}/media/download/{cdnUrl}",
                    "media.download",
                ),
                (
                    "PATCH /api/{account}/saved-for-later/messages/settings/enable-or-update-automatic-messaging",
                    "saved_for_later.messages.settings.enable",
                ),
                (
                    "PATCH /api/{account}/saved-for-later/messages/settings/disable-automatic-messaging",
                    "saved_for_later.messages.settings.disable",
                ),
                (
                    "PATCH /api/{account}/saved-for-later/posts/settings/enable-or-update-automatic-posting",
                    "saved_for_later.posts.settings.enable",
                ),
                (
                    "PATCH /api/{account}/saved-for-later/posts/settings/disable-automatic-posting",
                    "saved_for_later.posts.settings.disable",
                ),
            ],
        },
        _ => naming::Choices::default(),
    }
}

/// What the testing features compile in for one API (`mock`, and the
/// crate's own tests).
#[derive(Debug, Clone)]
pub struct Mocks {
    /// The mock server's routes, JSON.
    pub routes: String,
    /// `mock::decoders`: every JSON response's decoder, for the crate's own
    /// tests (internal feature `__conformance`; see
    /// [`mock::response_decoders`]).
    pub decoders: String,
}

/// Generates an API's mocks from the same normalized spec (and leaving out the
/// same operations) as its client, and from its operation model (paging
/// styles, response types).
pub fn generate_api_mocks(
    api: ApiDef,
    normalized: &Normalized,
    operations: &[model::Operation],
) -> Result<Mocks, Error> {
    let header = generated_header(api);
    let routes = mock::route_table(&normalized.spec, &normalized.report.omitted, operations);
    let routes = serde_json::to_string_pretty(&routes)
        .map_err(|e| Error::Generate(format!("route table: {e}")))?;
    let decoders = mock::response_decoders(operations, "crate", &header)?;
    Ok(Mocks { routes, decoders })
}

/// An API's typed httpmock helpers (`MockServerExt`, the crate's `httpmock`
/// feature), Rust source.
#[cfg(feature = "progenitor")]
pub fn generate_api_httpmock(api: ApiDef, normalized: &Normalized) -> Result<String, Error> {
    httpmock::httpmock(
        &normalized.spec,
        &normalized.report.omitted,
        &library_settings(api, &normalized.spec),
        "crate",
        &generated_header(api),
    )
}
