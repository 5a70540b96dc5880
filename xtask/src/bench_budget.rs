//! `cargo xtask bench-build --budget [--baseline REV] [--runs N] [--case NAME]...`:
//! what a user pays to build the crate, side by side with an earlier
//! revision (by default `83fbc54`, the crate with its two handwritten
//! operations, before the whole API was generated).
//!
//! Every build starts from an empty target directory (the registry cache is
//! shared; nothing is downloaded: `--offline`), in a copy of the work tree or
//! of the baseline revision placed in a scratch directory. The user's binary
//! depends on that copy by path, built as a registry dependency is (without
//! incremental compilation, the user's own profile: full debug info). The two sides run
//! in turn, A B A B, and each pair gives its own ratio, so that a change in
//! the machine's speed between pairs does not pass for a change of the
//! crate. Wall time is the build's, CPU time its processes' user and system
//! time (steadier on a shared machine); peak memory is the largest single
//! process of the build (`wait4`'s `ru_maxrss`: in practice the compilation
//! of the crate itself).
//!
//! Cases:
//! - `default`: a user's binary depending on the crate with default features
//!   (both APIs), against the same binary on the baseline;
//! - `one-resource`: the same binary with one resource's feature alone
//!   (`ofauth-messages`), against the baseline's default build;
//! - `quickstart`: `cargo run --example quickstart` in a fresh copy (the
//!   issue's budget is absolute), paired with the baseline's default build
//!   as a measure of the machine's speed at the time (the issue measured
//!   that build at 46 s).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::{Failure, write};

/// The revision the budget is measured against.
const BASELINE: &str = "83fbc54";

/// The resource feature the `one-resource` case builds with.
const ONE_RESOURCE: &str = "ofauth-messages";

struct Options {
    baseline: String,
    runs: usize,
    cases: Vec<String>,
}

fn options(args: &[String]) -> Result<Options, Failure> {
    let mut options = Options {
        baseline: BASELINE.to_owned(),
        runs: 2,
        cases: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--baseline" => options.baseline = value()?,
            "--runs" => {
                options.runs = value()?
                    .parse()
                    .map_err(|_| "--runs takes a number".to_owned())?;
            }
            "--case" => options.cases.push(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.cases.is_empty() {
        options.cases = ["default", "one-resource", "quickstart"]
            .map(str::to_owned)
            .to_vec();
    }
    Ok(options)
}

/// One build: how long it took and its largest process.
#[derive(Clone, Copy)]
struct Measured {
    wall: Duration,
    /// User and system time of the build's processes: steadier than the
    /// wall time when the machine is shared.
    cpu: Duration,
    peak_kib: u64,
}

pub fn run(repo: &Path, args: &[String]) -> Result<ExitCode, Failure> {
    let options = options(args)?;
    let scratch =
        std::env::temp_dir().join(format!("onlyfans-bench-budget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let current = scratch.join("current/onlyfans-clients");
    let baseline = scratch.join("baseline/onlyfans-clients");
    copy_work_tree(repo, &current)?;
    export_revision(repo, &options.baseline, &baseline)?;
    let lock = crate::read(&repo.join("Cargo.lock"))?;
    println!(
        "Baseline: {} · {} pair(s) per case · every build from an empty target directory\n",
        options.baseline, options.runs
    );
    println!(
        "| case | this tree | baseline | ratio per pair | CPU ratio per pair | peak memory (this tree / baseline) |"
    );
    println!("|---|---:|---:|---|---|---|");
    // Every case is paired with the baseline's default build.
    let base_user = || user_binary(&scratch.join("user-baseline"), &baseline, &lock, None);
    for case in &options.cases {
        let (this, base) = match case.as_str() {
            "default" => (
                user_binary(&scratch.join("user-current"), &current, &lock, None)?,
                Some(base_user()?),
            ),
            "one-resource" => (
                user_binary(
                    &scratch.join("user-one-resource"),
                    &current,
                    &lock,
                    Some(ONE_RESOURCE),
                )?,
                Some(base_user()?),
            ),
            "quickstart" => (
                Build {
                    dir: current.clone(),
                    args: vec!["run", "--offline", "--quiet", "--example", "quickstart"],
                    as_registry_dependency: false,
                },
                // The budget is absolute, and this machine's speed drifts
                // by a fifth between hours: the baseline's default build
                // beside it tells at what speed it was measured.
                Some(base_user()?),
            ),
            other => return Err(format!("unknown case {other}")),
        };
        let mut pairs = Vec::new();
        for round in 0..options.runs {
            let a = this.measure(&scratch.join(format!("target-{case}-{round}-a")))?;
            let b = match &base {
                Some(base) => {
                    Some(base.measure(&scratch.join(format!("target-{case}-{round}-b")))?)
                }
                None => None,
            };
            pairs.push((a, b));
        }
        println!("{}", row(case, &pairs));
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(ExitCode::SUCCESS)
}

fn row(case: &str, pairs: &[(Measured, Option<Measured>)]) -> String {
    let seconds = |m: &Measured| format!("{:.1} s", m.wall.as_secs_f64());
    let gib = |m: &Measured| format!("{:.2} GB", m.peak_kib as f64 * 1024.0 / 1e9);
    let this: Vec<String> = pairs.iter().map(|(a, _)| seconds(a)).collect();
    let base: Vec<String> = pairs
        .iter()
        .filter_map(|(_, b)| b.as_ref().map(seconds))
        .collect();
    let ratios: Vec<String> = pairs
        .iter()
        .filter_map(|(a, b)| {
            b.as_ref()
                .map(|b| format!("{:.2}×", a.wall.as_secs_f64() / b.wall.as_secs_f64()))
        })
        .collect();
    let cpu_ratios: Vec<String> = pairs
        .iter()
        .map(|(a, b)| match b {
            Some(b) => format!("{:.2}×", a.cpu.as_secs_f64() / b.cpu.as_secs_f64()),
            None => format!("({:.0} s CPU)", a.cpu.as_secs_f64()),
        })
        .collect();
    let peaks: Vec<String> = pairs
        .iter()
        .map(|(a, b)| match b {
            Some(b) => format!("{} / {}", gib(a), gib(b)),
            None => gib(a),
        })
        .collect();
    let or_dash = |v: Vec<String>| {
        if v.is_empty() {
            "–".to_owned()
        } else {
            v.join(", ")
        }
    };
    format!(
        "| {case} | {} | {} | {} | {} | {} |",
        this.join(", "),
        or_dash(base),
        or_dash(ratios),
        cpu_ratios.join(", "),
        peaks.join(", ")
    )
}

/// A cargo command run in a directory.
struct Build {
    dir: PathBuf,
    args: Vec<&'static str>,
    /// Whether the crate builds as a registry dependency does (no
    /// incremental compilation; a path dependency gets it otherwise).
    as_registry_dependency: bool,
}

impl Build {
    fn measure(&self, target: &Path) -> Result<Measured, Failure> {
        let _ = std::fs::remove_dir_all(target);
        let started = Instant::now();
        let mut command = Command::new(env!("CARGO"));
        command
            .args(&self.args)
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", target)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_INCREMENTAL")
            .stdout(Stdio::null());
        if self.as_registry_dependency {
            command.env("CARGO_INCREMENTAL", "0");
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let (status, cpu, peak_kib) = wait_with_usage(child.id())?;
        let wall = started.elapsed();
        let _ = std::fs::remove_dir_all(target);
        if status != 0 {
            return Err(format!(
                "`cargo {}` failed in {} (status {status})",
                self.args.join(" "),
                self.dir.display()
            ));
        }
        Ok(Measured {
            wall,
            cpu,
            peak_kib,
        })
    }
}

/// Waits for a child: its exit status, the CPU time of it and its
/// descendants, and their largest resident set in KiB (Linux accounts
/// waited-for descendants to it).
fn wait_with_usage(pid: u32) -> Result<(i32, Duration, u64), Failure> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| "pid out of range".to_owned())?;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are
    // to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(format!(
            "waiting for cargo failed: {}",
            std::io::Error::last_os_error()
        ));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let seconds = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok((
        code,
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
        u64::try_from(usage.ru_maxrss).unwrap_or(0),
    ))
}

/// A user's binary crate depending on `library` by path, with default
/// features or one feature alone, pinned to this repository's lock file.
fn user_binary(
    dir: &Path,
    library: &Path,
    lock: &str,
    feature: Option<&str>,
) -> Result<Build, Failure> {
    let dependency = match feature {
        None => format!("{{ path = {:?} }}", library.display().to_string()),
        Some(feature) => format!(
            "{{ path = {:?}, default-features = false, features = [{feature:?}] }}",
            library.display().to_string()
        ),
    };
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"budget-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nonlyfans-clients = {dependency}\n\n[workspace]\n"
        ),
    )?;
    let main = if feature.is_some() {
        "fn main() {\n    let of = onlyfans_clients::ofauth::Client::builder().api_key(\"k\").build();\n    println!(\"{}\", of.is_ok());\n}\n"
    } else {
        "fn main() {\n    let of = onlyfans_clients::ofauth::Client::builder().api_key(\"k\").build();\n    let api = onlyfans_clients::onlyfansapi::Client::builder().api_key(\"k\").build();\n    println!(\"{}\", of.is_ok() && api.is_ok());\n}\n"
    };
    write(&dir.join("src/main.rs"), main)?;
    write(&dir.join("Cargo.lock"), lock)?;
    Ok(Build {
        dir: dir.to_owned(),
        args: vec!["build", "--offline", "--quiet"],
        as_registry_dependency: true,
    })
}

/// The work tree as a fresh clone would have it (tracked and new files that
/// are not ignored).
pub(crate) fn copy_work_tree(repo: &Path, to: &Path) -> Result<(), Failure> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(repo)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !listed.status.success() {
        // Not a git work tree (a copy of one): its crates, as they are.
        return crate::bench_build::copy_workspace(repo, to);
    }
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let from = repo.join(&name);
        let target = to.join(&name);
        let linked = std::fs::symlink_metadata(&from).is_ok_and(|m| m.file_type().is_symlink());
        if !linked && !from.is_file() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        if linked {
            // An API crate's `specs/<api>` points into `specs/`: kept a link.
            let original = std::fs::read_link(&from).map_err(|e| format!("{name}: {e}"))?;
            crate::bench_build::link(&original, &target)?;
            continue;
        }
        std::fs::copy(&from, &target).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// A revision's tree, exported with `git archive`.
fn export_revision(repo: &Path, revision: &str, to: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", revision])
        .current_dir(repo)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = archive.stdout.ok_or("git archive has no output")?;
    let status = Command::new("tar")
        .args(["-x", "-C"])
        .arg(to)
        .stdin(stdout)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("cannot export {revision}"));
    }
    Ok(())
}
