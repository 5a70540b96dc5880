//! The generator survives the shapes a vendor may publish
//! (`onlyfans_codegen::mutations`): each case, added to a vendored spec, goes
//! through every output of the generator without a panic, is generated (not
//! left out), and is on the facade's surface and in the drift report. That
//! the crate then compiles in every feature set is `cargo xtask
//! generator-test` (CI runs its quick form).

use onlyfans_codegen::apis::ALL;
use onlyfans_codegen::mutations;

#[test]
fn every_shape_goes_through_the_generator() {
    let mut failures = Vec::new();
    for api in ALL {
        let outcomes = mutations::check(api, crate::support::repo_root(), mutations::ALL)
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
