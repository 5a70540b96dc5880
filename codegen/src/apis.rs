//! The two APIs this project generates clients for: the single place that knows
//! their names, upstream locations and where their files live in the repository.

use std::path::{Path, PathBuf};

/// The serialization upstream publishes a spec in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamFormat {
    Json,
    Yaml,
}

/// One API's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiDef {
    /// Short name: the `specs/` folder, the Rust module and the cargo feature.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Where upstream publishes the full spec.
    pub upstream_url: &'static str,
    pub upstream_format: UpstreamFormat,
}

pub const OFAUTH: ApiDef = ApiDef {
    name: "ofauth",
    title: "OFAuth",
    upstream_url: "https://api.ofauth.com/openapi.json",
    upstream_format: UpstreamFormat::Json,
};

pub const ONLYFANSAPI: ApiDef = ApiDef {
    name: "onlyfansapi",
    title: "OnlyFansAPI",
    upstream_url: "https://app.onlyfansapi.com/scribe-docs/openapi.yaml",
    upstream_format: UpstreamFormat::Yaml,
};

pub const ALL: [ApiDef; 2] = [OFAUTH, ONLYFANSAPI];

/// File name of the documentation page kept beside a spec imported from one.
pub const SOURCE_PAGE: &str = "source-page.md";

impl ApiDef {
    /// Looks an API up by its short name.
    pub fn by_name(name: &str) -> Option<ApiDef> {
        ALL.into_iter().find(|a| a.name == name)
    }

    /// `specs/<name>` under the repository root.
    pub fn dir(&self, repo_root: &Path) -> PathBuf {
        repo_root.join("specs").join(self.name)
    }

    /// The vendored spec, exactly as upstream wrote it.
    pub fn spec_path(&self, repo_root: &Path) -> PathBuf {
        self.dir(repo_root).join("openapi.yaml")
    }

    /// Operations the vendored text lacks, derived from the vendor's official
    /// SDK (`cargo xtask derive-specs`), in the vendor's own style.
    pub fn derived_path(&self, repo_root: &Path) -> PathBuf {
        self.dir(repo_root).join("sdk-derived.yaml")
    }

    /// Our fixes to the vendored spec, as an OpenAPI Overlay 1.0 document.
    pub fn overlay_path(&self, repo_root: &Path) -> PathBuf {
        self.dir(repo_root).join("overlay.yaml")
    }

    /// The API documentation page the vendored text was cut from, byte for
    /// byte, when it was imported from one (named in `provenance.json`).
    pub fn source_page_path(&self, repo_root: &Path) -> PathBuf {
        self.dir(repo_root).join(SOURCE_PAGE)
    }

    /// Where the vendored text came from, and its hash.
    pub fn provenance_path(&self, repo_root: &Path) -> PathBuf {
        self.dir(repo_root).join("provenance.json")
    }
}
