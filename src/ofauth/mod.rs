//! OFAuth (`api.ofauth.com`): API key + connection id.

/// The client generated from `specs/ofauth/` by progenitor, reachable for
/// anything the facade does not cover.
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]
pub mod raw {
    include!(concat!(env!("OUT_DIR"), "/ofauth.rs"));
}
