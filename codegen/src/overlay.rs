//! Our fixes to vendored specs, kept out of the vendored text in OpenAPI Overlay
//! 1.0 documents (`specs/<api>/overlay.yaml`), applied before normalization.
//!
//! Every action must still match something: a fix whose target vanished after a
//! spec update is an error naming that action, not a silent no-op.

use enumset::EnumSet;
use roas_overlay::apply::{Apply, ApplyOptions};
use roas_overlay::v1_0::Overlay;
use serde_json::Value;

use crate::Error;

/// One applied action, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedAction {
    pub target: String,
    pub matched: usize,
}

/// Applies an overlay (YAML or JSON text) to `spec` in place.
pub fn apply(
    spec: &mut Value,
    overlay_text: &str,
    origin: &str,
) -> Result<Vec<AppliedAction>, Error> {
    let overlay: Overlay = serde_norway::from_str(overlay_text).map_err(|e| Error::Parse {
        origin: origin.to_owned(),
        message: e.to_string(),
    })?;
    let report = overlay
        .apply(spec, EnumSet::only(ApplyOptions::ErrorOnZeroMatch))
        .map_err(|e| Error::Overlay {
            origin: origin.to_owned(),
            message: e.to_string(),
        })?;
    Ok(report
        .actions
        .into_iter()
        .map(|a| AppliedAction {
            target: a.target,
            matched: a.matched,
        })
        .collect())
}
