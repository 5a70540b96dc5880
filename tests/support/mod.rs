//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use onlyfans_codegen::{ApiDef, Generated, Normalized};

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The two APIs, normalized and generated exactly as build.rs does it.
pub fn generated(api: ApiDef) -> (Normalized, Generated) {
    onlyfans_codegen::generate_api(api, repo_root()).expect("vendored spec generates")
}

pub fn normalized(api: ApiDef) -> Normalized {
    onlyfans_codegen::prepare(api, repo_root()).expect("vendored spec normalizes")
}

/// `shared/seeds/` beside the repository (present on every clone CI makes).
pub fn seeds_dir() -> PathBuf {
    repo_root().join("../shared/seeds")
}
