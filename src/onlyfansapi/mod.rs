//! OnlyFansAPI (`app.onlyfansapi.com`): bearer token.

/// The client generated from `specs/onlyfansapi/` by progenitor, reachable for
/// anything the facade does not cover.
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]
pub mod raw {
    include!(concat!(env!("OUT_DIR"), "/onlyfansapi.rs"));
}
