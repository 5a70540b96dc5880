//! `cargo xtask bench-build [--sizes 2,50,150,300]`: how the build scales with
//! the number of operations. For each size it writes synthetic specs (the
//! vendored operations plus renamed copies, `codegen::synthetic`) into a scratch
//! copy of the workspace and reports the generation time (what build.rs does),
//! the generated lines with and without hoisting, and the time `cargo build`
//! takes for the crate itself (dependencies already built, sharing this
//! workspace's target directory).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

use onlyfans_codegen::apis::ALL;
use onlyfans_codegen::{generate, normalize, overlay, spec, synthetic};

use crate::{Failure, read, write};

pub fn run(repo: &Path, sizes: &[usize]) -> Result<ExitCode, Failure> {
    let scratch = std::env::temp_dir().join(format!("onlyfans-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_workspace(repo, &scratch)?;
    println!(
        "| operations | generation (build.rs work) | generated lines | lines without hoisting | hoisted / un-hoisted | cargo build of the crate |"
    );
    println!("|---|---|---|---|---|---|");
    for &size in sizes {
        let mut lines = 0usize;
        let mut unhoisted = 0usize;
        let mut generation = std::time::Duration::ZERO;
        for api in ALL {
            let vendored =
                spec::parse(&read(&api.spec_path(repo))?, api.name).map_err(|e| e.to_string())?;
            let extra = (size / ALL.len()).saturating_sub(1);
            let grown = synthetic::grow(&vendored, extra);
            write(&api.spec_path(&scratch), &spec::to_yaml(&grown))?;
            let started = Instant::now();
            let (_, generated) =
                onlyfans_codegen::generate_api(api, &scratch).map_err(|e| e.to_string())?;
            generation += started.elapsed();
            lines += generated.code.lines().count();
            let mut with_overlay = grown.clone();
            let overlay_text = read(&api.overlay_path(repo))?;
            overlay::apply(&mut with_overlay, &overlay_text, "overlay")
                .map_err(|e| e.to_string())?;
            let baseline = normalize::normalize_without_hoisting(with_overlay);
            let code = generate::generate(
                &baseline.spec,
                &onlyfans_codegen::library_settings(api, &baseline.spec),
                "",
            )
            .map_err(|e| e.to_string())?
            .code;
            unhoisted += code.lines().count();
        }
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--offline",
                "-p",
                "onlyfans-clients",
                "--lib",
            ])
            .current_dir(&scratch)
            .env("CARGO_TARGET_DIR", repo.join("target"))
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("cargo build failed for {size} operations"));
        }
        let build = started.elapsed();
        println!(
            "| {size} | {:.2} s | {lines} | {unhoisted} | {:.2} | {:.1} s |",
            generation.as_secs_f64(),
            lines as f64 / unhoisted.max(1) as f64,
            build.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn copy_workspace(repo: &Path, to: &Path) -> Result<(), Failure> {
    for file in ["Cargo.toml", "Cargo.lock", "README.md"] {
        write(&to.join(file), &read(&repo.join(file))?)?;
    }
    // `tests` is a workspace member (the test package), so cargo needs it.
    for dir in ["src", "core", "apis", "codegen", "xtask", "specs", "tests"] {
        copy_dir(&repo.join(dir), &to.join(dir))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_name() == "target" {
            continue;
        }
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_symlink() {
            // An API crate's `specs/<api>` points into `specs/`: kept a link.
            let original = std::fs::read_link(entry.path()).map_err(|e| e.to_string())?;
            link(&original, &target)?;
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// A symbolic link at `link` to `original` (a directory, relative).
#[cfg(unix)]
pub fn link(original: &Path, link: &Path) -> Result<(), Failure> {
    std::os::unix::fs::symlink(original, link).map_err(|e| e.to_string())
}

#[cfg(windows)]
pub fn link(original: &Path, link: &Path) -> Result<(), Failure> {
    std::os::windows::fs::symlink_dir(original, link).map_err(|e| e.to_string())
}
