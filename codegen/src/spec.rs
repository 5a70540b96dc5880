//! Reading and writing spec documents, and their provenance records.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Error;

/// Parses a spec from YAML or JSON text (JSON is YAML, but a JSON parse gives
/// better error positions for JSON input).
pub fn parse(text: &str, origin: &str) -> Result<Value, Error> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(text).map_err(|e| Error::Parse {
            origin: origin.to_owned(),
            message: e.to_string(),
        })
    } else {
        serde_norway::from_str(text).map_err(|e| Error::Parse {
            origin: origin.to_owned(),
            message: e.to_string(),
        })
    }
}

/// Renders a document as YAML (the format of everything under `specs/`).
pub fn to_yaml(doc: &Value) -> String {
    // Serializing a `serde_json::Value` to YAML cannot fail: every value has a
    // YAML form and keys are strings.
    serde_norway::to_string(doc).unwrap_or_default()
}

pub fn read_to_string(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Hex SHA-256 of a text or of bytes.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    Sha256::digest(data.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a vendored spec came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The upstream spec the text is (a part of).
    pub source_url: String,
    /// How the text was obtained, when not by downloading `source_url` directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The documentation page the text was cut from, kept byte for byte beside
    /// the spec (a file name inside `specs/<api>/`), when it came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_page: Option<String>,
    /// Day of retrieval, `YYYY-MM-DD`.
    pub retrieved: String,
    /// SHA-256 of the vendored `openapi.yaml`, hex.
    pub sha256: String,
    /// The operations derived from the vendor's official SDK, kept beside the
    /// vendored text (`sdk-derived.yaml`), when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived: Option<DerivedProvenance>,
}

/// Where `sdk-derived.yaml` came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedProvenance {
    /// The derived file, inside `specs/<api>/`.
    pub file: String,
    /// SHA-256 of that file, hex.
    pub sha256: String,
    /// The command that wrote it.
    pub command: String,
    /// The packages its facts were read from.
    pub sources: Vec<DerivedSource>,
    /// The table of upstream facts (operation ids, summaries, parameter names)
    /// the derivation also read, when it did: a repository path and its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<DerivedFacts>,
}

/// A file of upstream facts kept in the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedFacts {
    pub file: String,
    pub sha256: String,
}

/// One package a derived file was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedSource {
    /// The registry the package comes from and its name there (`pypi:onlyfans-sdk`).
    pub package: String,
    pub version: String,
    /// The exact distribution file, and its SHA-256.
    pub file: String,
    pub sha256: String,
}

impl Provenance {
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = read_to_string(path)?;
        serde_json::from_str(&text).map_err(|e| Error::Parse {
            origin: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Checks the recorded hash of the derived file against its text.
    pub fn verify_derived(&self, derived_text: Option<&str>) -> Result<(), Error> {
        let problem = match (&self.derived, derived_text) {
            (None, None) => return Ok(()),
            (Some(record), Some(text)) => {
                let actual = sha256_hex(text);
                if actual == record.sha256 {
                    return Ok(());
                }
                format!(
                    "does not match its provenance record (recorded sha256 {}, actual {actual}); re-derive it with `cargo xtask derive-specs`",
                    record.sha256
                )
            }
            (Some(_), None) => "named in provenance.json but missing".to_owned(),
            (None, Some(_)) => "present, but provenance.json records no derivation".to_owned(),
        };
        Err(Error::Derived(problem))
    }

    /// Checks the recorded hash against the vendored text.
    pub fn verify(&self, vendored_text: &str) -> Result<(), Error> {
        let actual = sha256_hex(vendored_text);
        if actual == self.sha256 {
            Ok(())
        } else {
            Err(Error::Provenance {
                expected: self.sha256.clone(),
                actual,
            })
        }
    }
}
