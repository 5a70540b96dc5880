//! The integration tests, as one binary: each file of `tests/` is a module
//! of it, so the crate (with `mock`, `redis` and the conformance calls) is
//! linked once rather than once per file. Run one file's tests with its
//! module name as the filter: `cargo test --test integration paging::`.
//!
//! One process holds them all: a test that needs its own environment runs
//! itself again as a child process (`ofauth_client::from_env_…`), and the
//! `tracing` capture of `support::global_logs` sees every test's output.

/// The features these tests use (the crate's `[[test]]` enables none of its
/// own): without them, one test says so instead of the suite passing
/// silently empty.
macro_rules! with_every_feature {
    ($($item:item)*) => {
        $(
            #[cfg(all(
                feature = "httpmock",
                feature = "redis",
                feature = "raw",
                feature = "__conformance"
            ))]
            $item
        )*
    };
}

with_every_feature! {
    mod support;
    mod conformance;
    mod decode;
    mod examples;
    mod facade;
    mod faults;
    mod generated;
    mod hostile;
    mod mock_server;
    mod ofauth_client;
    mod onlyfansapi_client;
    mod paging;
    mod rate_limit;
    mod real_data;
    mod redis_rate_limit;
    mod self_contained;
    mod transport;
    mod typed_mocks;
    mod webhooks;
}

#[cfg(not(all(
    feature = "httpmock",
    feature = "redis",
    feature = "raw",
    feature = "__conformance"
)))]
#[test]
fn the_integration_tests_need_every_feature() {
    panic!(
        "the integration tests need the crate's features httpmock, redis, raw and \
         __conformance: run `cargo xtask test` (which also starts what they need), \
         or `cargo test --all-features`"
    );
}
