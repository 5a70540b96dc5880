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

/// Hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
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
}

impl Provenance {
    pub fn read(path: &Path) -> Result<Self, Error> {
        let text = read_to_string(path)?;
        serde_json::from_str(&text).map_err(|e| Error::Parse {
            origin: path.display().to_string(),
            message: e.to_string(),
        })
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
