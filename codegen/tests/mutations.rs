//! The generator survives the shapes a vendor may publish
//! (`onlyfans_codegen::mutations`): each case, added to a vendored spec, goes
//! through every output of the generator without a panic, is generated (not
//! left out), and is on the facade's surface and in the drift report. That
//! the crate then compiles in every feature set is `cargo xtask
//! generator-test` (CI runs its quick form).
//!
//! A test binary of its own: its seconds of generator work would otherwise
//! run beside the library's timing-sensitive tests (the shared rate limit's
//! fairness), in the one integration binary.

use std::path::Path;

use onlyfans_codegen::apis::ALL;
use onlyfans_codegen::mutations;

#[test]
fn every_shape_goes_through_the_generator() {
    let mut failures = Vec::new();
    for api in ALL {
        let outcomes = mutations::check(
            api,
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            mutations::ALL,
        )
        .unwrap_or_else(|e| panic!("{}: {e}", api.name));
        let version = if api.name == "ofauth" { "3.1" } else { "3.0" };
        let expected = mutations::ALL
            .iter()
            .filter(|m| version == "3.1" || !m.openapi_31)
            .count();
        assert_eq!(outcomes.len(), expected, "{}", api.name);
        for outcome in outcomes {
            if !outcome.problems.is_empty() {
                failures.push(format!(
                    "{} {} ({}): {}",
                    api.name,
                    outcome.mutation.name,
                    outcome.mutation.shape,
                    outcome.problems.join("; ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
