//! `cargo xtask test [-- <cargo test arguments>]`: the README's test command.
//!
//! Some tests start real servers of their own on loopback: a `redis-server`
//! for the shared rate-limit store, and Prism, the independent validator the
//! conformance test sends every operation to. A fresh machine has none of
//! them, and a test that cannot start its server fails: it is never skipped.
//! So this command first provisions every program the tests need, saying what
//! it installs and why, and then runs the whole workspace's tests with every
//! feature (the integration tests require `redis`, `raw` and the conformance
//! calls) and `--no-fail-fast` (one failing test binary does not hide the
//! others).
//!
//! System programs (`redis-server`, Node.js and npm) are installed only
//! through the system's package manager (Debian's `apt-get`, as root or with
//! password-less `sudo`); where it cannot (no root, another operating system),
//! it stops before any test runs, with one message naming what to install.
//! Prism comes from the npm registry, pinned by `xtask/prism/package-lock.json`,
//! and is installed with `npm ci` into the target directory (never globally).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::Failure;

/// A program some tests start, and where it comes from.
struct Requirement {
    program: &'static str,
    /// Which tests need it, for the messages.
    needed_by: &'static str,
    /// Debian's package that provides it.
    debian_package: &'static str,
    /// How to get it where this command cannot install it.
    elsewhere: &'static str,
    /// The oldest major version the tests work with, and how to read the
    /// installed one from the program's `--version` text.
    minimum_major: u32,
    version_after: &'static str,
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        program: "redis-server",
        needed_by: "the Redis tests (shared rate limits in tests/redis_rate_limit.rs; webhook \
                    replay protection across receiver processes and Redis over TLS in \
                    tests/fleet.rs) and benchmarks",
        debian_package: "redis-server",
        elsewhere: "Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`; \
                    elsewhere Redis 5 or later from your package manager",
        // The limiter's Lua script reads `TIME` before writing (Redis 5).
        minimum_major: 5,
        version_after: "v=",
    },
    Requirement {
        program: "node",
        needed_by: "Prism, for the conformance test (tests/conformance.rs)",
        debian_package: "nodejs",
        elsewhere: "Node.js 18 or later from https://nodejs.org or your package manager",
        // Prism 5.14 declares Node 18.20 or later.
        minimum_major: 18,
        version_after: "v",
    },
    Requirement {
        program: "npm",
        needed_by: "installing Prism, for the conformance test",
        debian_package: "npm",
        elsewhere: "npm 7 or later (it comes with Node.js)",
        // `npm ci` of a version 3 lock file.
        minimum_major: 7,
        version_after: "",
    },
];

/// Where Prism's pinned npm package comes from, in the repository.
const PRISM_PACKAGE: &str = "xtask/prism";

/// What the conformance test reads to find Prism.
const PRISM_ENV: &str = "ONLYFANS_PRISM";

pub fn run(repo: &Path, args: &[String]) -> Result<ExitCode, Failure> {
    let cargo_args = match args {
        [] => &[][..],
        [separator, rest @ ..] if separator == "--" => rest,
        _ => return Err("usage: cargo xtask test [-- <cargo test arguments>]".to_owned()),
    };
    for requirement in REQUIREMENTS {
        provision(requirement)?;
    }
    let prism = provision_prism(repo)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(repo)
        .env(PRISM_ENV, &prism)
        .args(["test", "--workspace", "--all-features", "--no-fail-fast"])
        .args(cargo_args);
    say(&format!("running {}", shown(&command)));
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    })
}

/// Makes sure `requirement.program` is on `PATH` in a version the tests work
/// with, installing it when it is missing and this machine allows.
fn provision(requirement: &Requirement) -> Result<(), Failure> {
    let found = match find_on_path(requirement.program) {
        Some(path) => path,
        None => {
            install(requirement)?;
            find_on_path(requirement.program).ok_or_else(|| {
                format!(
                    "`{}` is still not on PATH after installing Debian's `{}` package: \
                     install it yourself ({})",
                    requirement.program, requirement.debian_package, requirement.elsewhere
                )
            })?
        }
    };
    let major = installed_major(&found, requirement.version_after).ok_or_else(|| {
        format!(
            "cannot read the version of {} (`{} --version`)",
            found.display(),
            requirement.program
        )
    })?;
    if major < requirement.minimum_major {
        return Err(format!(
            "{} is version {major}; {} need {} {} or later ({})",
            found.display(),
            requirement.needed_by,
            requirement.program,
            requirement.minimum_major,
            requirement.elsewhere
        ));
    }
    say(&format!(
        "{} {major}.x at {}, for {}",
        requirement.program,
        found.display(),
        requirement.needed_by
    ));
    Ok(())
}

/// Installs the requirement's Debian package, or says why it cannot and what
/// to install instead.
fn install(requirement: &Requirement) -> Result<(), Failure> {
    let cannot = |why: &str| {
        format!(
            "`{}` is missing: {} need it, and {why}. Install it and run this command again: {}",
            requirement.program, requirement.needed_by, requirement.elsewhere
        )
    };
    if !cfg!(target_os = "linux") || find_on_path("apt-get").is_none() {
        return Err(cannot("this machine has no `apt-get` to install it with"));
    }
    let sudo = if is_root() {
        None
    } else if Command::new("sudo")
        .args(["-n", "true"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        Some("sudo")
    } else {
        return Err(cannot(
            "installing it needs root (or password-less sudo), which this user does not have",
        ));
    };
    let apt = |args: &[&str]| {
        let mut command = match sudo {
            Some(sudo) => {
                let mut c = Command::new(sudo);
                c.arg("apt-get");
                c
            }
            None => Command::new("apt-get"),
        };
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        say(&shown(&command));
        command.status().is_ok_and(|s| s.success())
    };
    say(&format!(
        "`{}` is missing; {} need it. Installing Debian's `{}` package:",
        requirement.program, requirement.needed_by, requirement.debian_package
    ));
    let install_args = [
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        requirement.debian_package,
    ];
    // A fresh machine's package lists may be missing or stale: update them
    // only when the first attempt fails.
    if apt(&install_args) || (apt(&["update", "-q"]) && apt(&install_args)) {
        Ok(())
    } else {
        Err(cannot("`apt-get install` failed (its output is above)"))
    }
}

/// Installs the pinned Prism with `npm ci` into the target directory, unless
/// the same lock file is installed there already; returns its executable.
fn provision_prism(repo: &Path) -> Result<PathBuf, Failure> {
    let source = repo.join(PRISM_PACKAGE);
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    let dir = target.join("test-tools").join("prism");
    let executable = dir.join("node_modules").join(".bin").join("prism");
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let lock = read(&source.join("package-lock.json"))?;
    let installed = std::fs::read(dir.join("package-lock.json")).ok();
    if installed.as_deref() != Some(&lock[..]) || !is_executable(&executable) {
        say(&format!(
            "installing Prism (npm package @stoplight/prism-cli, pinned by {PRISM_PACKAGE}/package-lock.json) \
             into {} for the conformance test:",
            dir.display()
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(source.join(file), dir.join(file))
                .map_err(|e| format!("copying {file} to {}: {e}", dir.display()))?;
        }
        let mut npm = Command::new("npm");
        npm.current_dir(&dir)
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        say(&shown(&npm));
        let ok = npm.status().is_ok_and(|s| s.success());
        if !ok || !is_executable(&executable) {
            // A half-installed tree must not pass for an installed one.
            let _ = std::fs::remove_file(dir.join("package-lock.json"));
            return Err(format!(
                "`npm ci` could not install Prism into {} (its output is above); \
                 the npm registry must be reachable",
                dir.display()
            ));
        }
    }
    say(&format!("Prism at {}", executable.display()));
    Ok(executable)
}

/// The first executable file named `program` in the directories of `PATH`.
fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The major version in `program --version`, read after `marker`
/// (`Redis server v=7.0.15 sha=…` → 7).
fn installed_major(program: &Path, marker: &str) -> Option<u32> {
    let output = Command::new(program).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (_, after) = text.split_once(marker)?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether this process runs as root (`id -u` is 0).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// A command as a shell would show it, for the messages.
fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

fn say(message: &str) {
    eprintln!("xtask test: {message}");
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn reads_the_major_version_after_its_marker() {
        let script = std::env::temp_dir().join(format!("fake-redis-{}", std::process::id()));
        std::fs::write(
            &script,
            "#!/bin/sh\necho 'Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64'\n",
        )
        .unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        assert_eq!(installed_major(&script, "v="), Some(7));
        assert_eq!(installed_major(&script, "nothing="), None);
        std::fs::remove_file(&script).unwrap();
    }

    #[test]
    fn finds_programs_on_path_only_when_executable() {
        assert!(find_on_path("sh").is_some());
        assert!(find_on_path("no-such-program-onlyfans-clients").is_none());
    }
}
