//! Test support generated from the same normalized spec as the clients: typed
//! httpmock helpers (progenitor's `Generator::httpmock`) and the route table
//! the crate's example-driven mock server serves.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

use crate::generate::{self, Settings};
use crate::{Error, Omitted};

/// Typed httpmock helpers for every generated operation. `crate_path` is where
/// the generated client (and its `types`) lives.
pub fn httpmock(
    spec: &Value,
    omitted: &[Omitted],
    settings: &Settings,
    crate_path: &str,
    header: &str,
) -> Result<String, Error> {
    let mut spec = spec.clone();
    generate::remove_operations(&mut spec, omitted);
    let api = generate::openapi(&spec).map_err(Error::Generate)?;
    let mut generator = generate::generator(settings).map_err(Error::Generate)?;
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.httpmock(&api, crate_path)))
        .map_err(|p| {
            Error::Generate(format!(
                "httpmock generator panicked: {}",
                generate::panic_message(&p)
            ))
        })?
        .map_err(|e| Error::Generate(e.to_string()))?;
    let code = generate::format(tokens).map_err(Error::Generate)?;
    Ok(format!("{header}{code}"))
}
