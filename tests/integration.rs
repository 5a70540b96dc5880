//! The integration tests, as one binary: each file of `tests/` is a module
//! of it, so the crate (with `mock`, `redis` and the conformance calls) is
//! linked once rather than once per file. They are a package of their own
//! (`tests/Cargo.toml`) that enables every feature they exercise. Run one
//! file's tests with its module name as the filter:
//! `cargo test -p onlyfans-clients-tests --test integration paging::`.
//!
//! One process holds them all: a test that needs its own environment runs
//! itself again as a child process (`ofauth_client::from_env_…`), and the
//! `tracing` capture of `support::global_logs` sees every test's output.

mod conformance;
mod decode;
mod examples;
mod facade;
mod faults;
mod fleet;
mod generated;
mod hostile;
mod mock_server;
mod observability;
mod ofauth_client;
mod onlyfansapi_client;
mod paging;
mod rate_limit;
mod real_data;
mod redis_rate_limit;
mod request_safety;
mod self_contained;
mod support;
mod transport;
mod typed_mocks;
mod webhooks;
