//! The build script of each API crate (`apis/<api>/build.rs` calls
//! [`generate`]): which files the crate's enabled features need, written
//! to `OUT_DIR`. Build-time code: it panics with the reason, which cargo
//! shows as the build error.

use std::path::{Path, PathBuf};

use crate::ApiDef;

/// Writes every file of `api` the crate's enabled features need into
/// `OUT_DIR`, from `specs/<api>/` under the crate's manifest directory. Reads
/// nothing else and touches no network.
pub fn generate(api: ApiDef) {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Only the specs matter; an edit under src/ must not re-run the script.
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={}", api.dir(&root).display());
    write_files(api, &root, &out);
}

fn write_files(api: ApiDef, root: &Path, out: &Path) {
    // The raw progenitor client only when asked for: the facade covers
    // every operation without it.
    let raw = feature("raw");
    // The API's own feature builds all of it; otherwise the enabled
    // resources (`ofauth-messages`) and what they need.
    let whole = feature(api.name);
    let (normalized, generated, operations) = crate::generate_api_modelled(api, root, raw && whole)
        .unwrap_or_else(|e| panic!("{}: {e}", api.name));
    for omitted in &normalized.report.omitted {
        println!("cargo::warning={} operation left out: {omitted}", api.title);
    }
    let (normalized, generated, operations) = if whole {
        (normalized, generated, operations)
    } else {
        crate::generate_api_subset(api, &normalized, &operations, feature, raw)
            .unwrap_or_else(|e| panic!("{} resources: {e}", api.name))
    };
    let file = |suffix: &str| out.join(format!("{}_{suffix}", api.name));
    write(&file("types.rs"), &generated.types);
    if raw {
        write(&file("raw.rs"), &generated.client);
    }
    let events = crate::api_events(&normalized)
        .unwrap_or_else(|e| panic!("{} webhook events: {e}", api.name));
    let facade = crate::generate_api_facade(api, &normalized, &operations, &events)
        .unwrap_or_else(|e| panic!("{} facade: {e}", api.name));
    write(&file("facade.rs"), &facade);
    let resources = crate::generate_api_resources(api, &operations)
        .unwrap_or_else(|e| panic!("{} resources: {e}", api.name));
    write(&file("resources.rs"), &resources);
    if feature("__conformance") {
        let calls = crate::generate_api_conformance(api, &normalized, &operations)
            .unwrap_or_else(|e| panic!("{} conformance calls: {e}", api.name));
        write(&file("conformance.rs"), &calls);
    }
    if feature("mock") {
        let mocks = crate::generate_api_mocks(api, &normalized, &operations)
            .unwrap_or_else(|e| panic!("{} mocks: {e}", api.name));
        if feature("httpmock") {
            write(&file("httpmock.rs"), &httpmock(api, &normalized));
        }
        write(&file("routes.json"), &mocks.routes);
        if feature("__conformance") {
            write(&file("decoders.rs"), &mocks.decoders);
        }
    }
}

/// The typed httpmock helpers: the API crate's `httpmock` feature turns on
/// this crate's `progenitor` (cargo compiles a build script's dependencies
/// with the features its package asks for).
#[cfg(feature = "progenitor")]
fn httpmock(api: ApiDef, normalized: &crate::Normalized) -> String {
    crate::generate_api_httpmock(api, normalized)
        .unwrap_or_else(|e| panic!("{} httpmock helpers: {e}", api.name))
}

#[cfg(not(feature = "progenitor"))]
fn httpmock(api: ApiDef, _: &crate::Normalized) -> String {
    panic!(
        "{}: the httpmock helpers need onlyfans-codegen's `progenitor` feature",
        api.name
    )
}

/// Whether a cargo feature of the crate being built is on.
fn feature(name: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
