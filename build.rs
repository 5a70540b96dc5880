//! Generates the typed clients from the vendored specs into `OUT_DIR`.
//!
//! All the work (overlay, normalization, progenitor, prettyplease) lives in the
//! `onlyfans-codegen` crate, shared with `cargo xtask` and the tests; this file
//! only decides what to generate and where to write it. It reads nothing but
//! `specs/<api>/` and touches no network.

use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // Only the specs matter; an edit under src/ must not re-run this script.
    println!("cargo::rerun-if-changed=build.rs");
    // The APIs are independent: each is generated on a thread of its own
    // (the build script is on the critical path of every clean build, and
    // cargo has little else to run on the other cores at that point).
    let (root, out) = (&root, &out);
    std::thread::scope(|scope| {
        for api in onlyfans_codegen::apis::ALL {
            // `_<api>` is on with the API's own feature and with each of its
            // resource features (`ofauth-messages`); the API's own builds all of it.
            if feature(&format!("_{}", api.name)) {
                println!("cargo::rerun-if-changed={}", api.dir(root).display());
                scope.spawn(move || generate(api, root, out));
            }
        }
    });
}

/// Writes every file of `api` the enabled features need into `out`.
fn generate(api: onlyfans_codegen::ApiDef, root: &Path, out: &Path) {
    // The raw progenitor client only when asked for: the facade covers
    // every operation without it.
    let raw = feature("raw");
    let whole = feature(api.name);
    let (normalized, generated, operations) =
        onlyfans_codegen::generate_api_modelled(api, root, raw && whole)
            .unwrap_or_else(|e| panic!("{}: {e}", api.name));
    for omitted in &normalized.report.omitted {
        println!("cargo::warning={} operation left out: {omitted}", api.title);
    }
    let (normalized, generated, operations) = if whole {
        (normalized, generated, operations)
    } else {
        onlyfans_codegen::generate_api_subset(api, &normalized, &operations, feature, raw)
            .unwrap_or_else(|e| panic!("{} resources: {e}", api.name))
    };
    write(
        &out.join(format!("{}_types.rs", api.name)),
        &generated.types,
    );
    if raw {
        write(&out.join(format!("{}_raw.rs", api.name)), &generated.client);
    }
    let events = onlyfans_codegen::api_events(&normalized)
        .unwrap_or_else(|e| panic!("{} webhook events: {e}", api.name));
    let facade = onlyfans_codegen::generate_api_facade(api, &normalized, &operations, &events)
        .unwrap_or_else(|e| panic!("{} facade: {e}", api.name));
    write(&out.join(format!("{}_facade.rs", api.name)), &facade);
    let resources = onlyfans_codegen::generate_api_resources(api, &operations)
        .unwrap_or_else(|e| panic!("{} resources: {e}", api.name));
    write(&out.join(format!("{}_resources.rs", api.name)), &resources);
    if feature("__conformance") {
        let calls = onlyfans_codegen::generate_api_conformance(api, &normalized, &operations)
            .unwrap_or_else(|e| panic!("{} conformance calls: {e}", api.name));
        write(&out.join(format!("{}_conformance.rs", api.name)), &calls);
    }
    if feature("mock") {
        let mocks = onlyfans_codegen::generate_api_mocks(api, &normalized, &operations)
            .unwrap_or_else(|e| panic!("{} mocks: {e}", api.name));
        if feature("httpmock") {
            let helpers = httpmock(api, &normalized);
            write(&out.join(format!("{}_httpmock.rs", api.name)), &helpers);
        }
        write(
            &out.join(format!("{}_routes.json", api.name)),
            &mocks.routes,
        );
        if feature("__conformance") {
            write(
                &out.join(format!("{}_decoders.rs", api.name)),
                &mocks.decoders,
            );
        }
    }
}

/// The typed httpmock helpers (the `httpmock` feature turns on the
/// generator's `progenitor`; cargo compiles a build script with its
/// package's features).
#[cfg(feature = "httpmock")]
fn httpmock(api: onlyfans_codegen::ApiDef, normalized: &onlyfans_codegen::Normalized) -> String {
    onlyfans_codegen::generate_api_httpmock(api, normalized)
        .unwrap_or_else(|e| panic!("{} httpmock helpers: {e}", api.name))
}

#[cfg(not(feature = "httpmock"))]
fn httpmock(_: onlyfans_codegen::ApiDef, _: &onlyfans_codegen::Normalized) -> String {
    unreachable!("only called with the httpmock feature")
}

/// Whether a cargo feature of the crate is on.
fn feature(name: &str) -> bool {
    let var = format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"));
    std::env::var_os(var).is_some()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}
