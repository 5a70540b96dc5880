//! `cargo xtask generator-test [--quick]`: the generator against the shapes
//! a vendor may publish (`onlyfans_codegen::mutations`), every case added to
//! both vendored specs at once.
//!
//! 1. In process, for each API: every case goes through every output of the
//!    generator without a panic, is generated (not left out), and is on the
//!    surface and in the drift report (`mutations::check`).
//! 2. A copy of the work tree with the mutated specs compiles with the feature
//!    sets users build: the default features and the testing kit (`mock`,
//!    `httpmock`); without `--quick`, also each API alone, `raw` with
//!    `serialize`, and the cases' resource alone of each API. A failing set
//!    names the cases its errors name.
//!
//! CI runs `--quick`; the whole run is for a release or a generator change.
//! `--case NAME` (repeatable) runs those cases only.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use onlyfans_codegen::apis::{ALL, ApiDef};
use onlyfans_codegen::mutations;
use onlyfans_codegen::spec;

use crate::Failure;

/// A feature set of the compile step: its name and cargo's arguments.
pub(crate) type FeatureSet = (&'static str, &'static [&'static str]);

const QUICK: &[FeatureSet] = &[
    ("default features", &[]),
    ("mock, httpmock", &["--features", "mock,httpmock"]),
];

const MORE: &[FeatureSet] = &[
    (
        "OFAuth alone",
        &["--no-default-features", "--features", "ofauth"],
    ),
    (
        "OnlyFansAPI alone",
        &["--no-default-features", "--features", "onlyfansapi"],
    ),
    ("raw, serialize", &["--features", "raw,serialize"]),
    (
        "the cases' resources alone",
        &[
            "--no-default-features",
            "--features",
            "ofauth-messages,onlyfansapi-chats",
        ],
    ),
];

pub fn run(repo: &Path, args: &[String]) -> Result<ExitCode, Failure> {
    let usage = || "usage: cargo xtask generator-test [--quick] [--case NAME]...".to_owned();
    let mut quick = false;
    let mut cases: Vec<mutations::Mutation> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--case" => {
                let name = args.next().ok_or_else(usage)?;
                let case = mutations::ALL
                    .iter()
                    .find(|m| m.name == name)
                    .ok_or_else(|| format!("no case `{name}`"))?;
                cases.push(*case);
            }
            _ => return Err(usage()),
        }
    }
    if cases.is_empty() {
        cases = mutations::ALL.to_vec();
    }
    let started = Instant::now();
    let mut failed = Vec::new();
    let mut checked = 0;
    for api in ALL {
        let outcomes =
            mutations::check(api, repo, &cases).map_err(|e| format!("{}: {e}", api.name))?;
        checked += outcomes.len();
        for outcome in outcomes {
            let name = format!("{} {}", api.name, outcome.mutation.name);
            if outcome.problems.is_empty() {
                println!("generator-test: {name}: ok");
            } else {
                println!(
                    "generator-test: {name} ({}): {}",
                    outcome.mutation.shape,
                    outcome.problems.join("; ")
                );
                failed.push(name);
            }
        }
    }
    println!(
        "generator-test: {checked} cases through the generator in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let compiled = Instant::now();
    in_work_tree_copy(repo, "generator-test", |scratch| {
        compile(repo, scratch, quick, &cases, &mut failed)
    })?;
    println!(
        "generator-test: compiled in {:.1} s; {:.1} s in all",
        compiled.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        println!("generator-test: every case passed");
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}

/// Runs `f` on a fresh copy of the work tree in a temporary directory
/// named after `label`, removed afterwards whatever `f` returns.
pub(crate) fn in_work_tree_copy<T>(
    repo: &Path,
    label: &str,
    f: impl FnOnce(&Path) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let scratch = std::env::temp_dir().join(format!("onlyfans-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let result = crate::bench_budget::copy_work_tree(repo, &scratch).and_then(|()| f(&scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Compiles the copy of the work tree at `scratch` with every case in both
/// specs, in each feature set; a set that fails is added to `failed` with
/// the cases its errors name.
fn compile(
    repo: &Path,
    scratch: &Path,
    quick: bool,
    cases: &[mutations::Mutation],
    failed: &mut Vec<String>,
) -> Result<(), Failure> {
    let mut names = Vec::new();
    for api in ALL {
        let (spec, applied) =
            mutations::mutated_spec(api, scratch, cases).map_err(crate::failure)?;
        crate::write(&api.spec_path(scratch), &spec::to_yaml(&spec))?;
        names.extend(applied.iter().map(|m| (api.name, m.name, m.operation_id())));
    }
    let sets: Vec<FeatureSet> = QUICK
        .iter()
        .chain(if quick { &[][..] } else { MORE })
        .copied()
        .collect();
    for failure in compile_sets(repo, scratch, &owned(&sets))? {
        let named: Vec<String> = names
            .iter()
            .filter(|(_, case, id)| {
                failure.errors.contains(case) || id.as_deref().is_some_and(|id| failure.names(id))
            })
            .map(|(api, case, _)| format!("{api} {case}"))
            .collect();
        println!(
            "generator-test: does not compile with {}; cases named by the errors: {}\n{}",
            failure.set,
            if named.is_empty() {
                "none".to_owned()
            } else {
                named.join(", ")
            },
            failure.errors
        );
        failed.push(format!("compiling with {}", failure.set));
    }
    Ok(())
}

/// The feature sets `cargo xtask update-specs` compiles a new spec of `api`
/// with, before it writes it: the API alone (as the default features build
/// it), with the testing kit, and with the raw client and `Serialize`.
pub(crate) fn api_sets(api: ApiDef) -> &'static [FeatureSet] {
    match api.name {
        "ofauth" => &[
            ("OFAuth", &["--no-default-features", "--features", "ofauth"]),
            (
                "OFAuth with mock, httpmock",
                &[
                    "--no-default-features",
                    "--features",
                    "ofauth,mock,httpmock",
                ],
            ),
            (
                "OFAuth with raw, serialize",
                &[
                    "--no-default-features",
                    "--features",
                    "ofauth,raw,serialize",
                ],
            ),
        ],
        _ => &[
            (
                "OnlyFansAPI",
                &["--no-default-features", "--features", "onlyfansapi"],
            ),
            (
                "OnlyFansAPI with mock, httpmock",
                &[
                    "--no-default-features",
                    "--features",
                    "onlyfansapi,mock,httpmock",
                ],
            ),
            (
                "OnlyFansAPI with raw, serialize",
                &[
                    "--no-default-features",
                    "--features",
                    "onlyfansapi,raw,serialize",
                ],
            ),
        ],
    }
}

/// Feature sets with owned names and arguments, as [`compile_sets`] takes
/// them.
pub(crate) fn owned(sets: &[FeatureSet]) -> Vec<(String, Vec<String>)> {
    sets.iter()
        .map(|(name, args)| {
            (
                (*name).to_owned(),
                args.iter().map(|a| (*a).to_owned()).collect(),
            )
        })
        .collect()
}

/// A feature set that did not compile, with cargo's errors.
pub(crate) struct CompileFailure {
    pub set: String,
    pub errors: String,
}

impl CompileFailure {
    /// Whether the errors name what an operation `id` generates (its id,
    /// or a type or builder named after it: `ChatsList…`).
    pub fn names(&self, id: &str) -> bool {
        self.errors.contains(id) || self.errors.contains(&upper_camel(id))
    }
}

/// Checks the copy of the work tree at `scratch` with each feature set of
/// `sets` (cargo arguments after `check --lib -p onlyfans-clients`); what
/// did not compile. Dependencies come from the work tree's own target
/// directory, so only the copy's crates compile.
pub(crate) fn compile_sets(
    repo: &Path,
    scratch: &Path,
    sets: &[(String, Vec<String>)],
) -> Result<Vec<CompileFailure>, Failure> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repo.join("target"), std::path::PathBuf::from);
    let mut failures = Vec::new();
    for (set, args) in sets {
        let started = Instant::now();
        let output = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--lib", "-p", "onlyfans-clients"])
            .args(args)
            .current_dir(scratch)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        if output.status.success() {
            // stderr: update-specs keeps stdout for its report.
            eprintln!("compiles with {set} ({seconds:.1} s)");
        } else {
            failures.push(CompileFailure {
                set: format!("{set} ({seconds:.1} s)"),
                errors: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
    }
    Ok(failures)
}

/// `nullableAnswer` → `NullableAnswer`, `chats_list` → `ChatsList`: as the
/// generated type and builder names start.
fn upper_camel(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_read_as_the_names_generated_from_them() {
        assert_eq!(super::upper_camel("chats_list"), "ChatsList");
        assert_eq!(super::upper_camel("nullableAnswer"), "NullableAnswer");
        assert_eq!(super::upper_camel("list-cafés"), "ListCafés");
    }
}
