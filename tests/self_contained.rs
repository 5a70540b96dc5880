//! The repository is all a user's clone has: no build script, test, xtask or
//! CI step may read a path outside it. `.ci/run` proves it by running the test
//! suite on a copy in an empty directory; this test names the offending line
//! before anyone gets that far.

use std::path::{Path, PathBuf};

fn repo_root() -> &'static Path {
    crate::support::repo_root()
}

/// What is scanned: every place code that runs at build, test or CI time lives.
const SCANNED: &[&str] = &[
    "src", "core", "apis", "tests", "xtask", "codegen", "examples", ".ci",
];

/// Names of places beside the repository that a developer's checkout may have
/// and a user's clone has not. Spelled in pieces so this file does not match
/// itself.
fn outside_names() -> [String; 3] {
    [
        format!("{}/{}", "..", "shared"),
        format!("{}/{}", "shared", "seeds"),
        format!("{}{}/", '"', "/work"),
    ]
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name.starts_with('.') && name != ".ci" {
            continue;
        }
        if path.is_dir() {
            source_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "py" | "sh" | "toml") | None
        ) {
            out.push(path);
        }
    }
}

/// How many directories below the root a relative path on this line starts
/// from: the file's own directory for `include_str!`-like macros, its crate's
/// directory (or `.ci/`) for everything else (cargo runs tests, build scripts
/// and xtask there).
fn start_depth(file: &Path, line: &str) -> usize {
    let relative = file.strip_prefix(repo_root()).unwrap_or(file);
    let file_dir = relative.parent().unwrap_or(Path::new(""));
    // `include_str!`, `include_bytes!` and a module's `#[path]` resolve
    // against the file's own directory.
    if line.contains("include_str!(") || line.contains("include_bytes!(") || line.contains("#[path")
    {
        return file_dir.components().count();
    }
    let mut dir = Some(file_dir);
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            return 0;
        }
        if repo_root().join(d).join("Cargo.toml").exists() || d == Path::new(".ci") {
            return d.components().count();
        }
        dir = d.parent();
    }
    0
}

/// The `..` steps a line takes: the leading `../` of its string literals that
/// name something (`"../x"`), and `.join("..")` calls.
fn climb(line: &str) -> usize {
    let joins = line.matches(r#".join("..")"#).count();
    let literals: usize = line
        .split('"')
        .skip(1)
        .step_by(2)
        .map(|literal| {
            let mut rest = literal;
            let mut steps = 0;
            while let Some(after) = rest.strip_prefix("../") {
                steps += 1;
                rest = after;
            }
            steps
        })
        .sum();
    joins + literals
}

fn violations() -> Vec<String> {
    let mut files = Vec::new();
    for entry in SCANNED {
        source_files(&repo_root().join(entry), &mut files);
    }
    // This file spells the patterns it looks for.
    files.retain(|f| !f.ends_with(file!().rsplit('/').next().unwrap_or_default()));
    assert!(files.len() > 20, "scanned only {} files", files.len());
    let names = outside_names();
    let mut found = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            let named = names.iter().any(|name| line.contains(name.as_str()));
            if named || climb(line) > start_depth(&file, line) {
                found.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(repo_root()).unwrap_or(&file).display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn no_file_reads_outside_the_repository() {
    let found = violations();
    assert!(
        found.is_empty(),
        "paths leaving the repository:\n{}",
        found.join("\n")
    );
}

/// Every symbolic link of the repository (each API crate's `specs/<api>`,
/// its license files) with where it points, without following any.
fn links(dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            out.push((entry.path(), std::fs::read_link(entry.path()).unwrap()));
        } else if kind.is_dir() {
            links(&entry.path(), out);
        }
    }
}

/// A link is read through as the file it points to (cargo packages that
/// file): it must point inside the repository, at something that exists.
#[test]
fn links_stay_inside_the_repository() {
    let root = repo_root().canonicalize().unwrap();
    let mut found = Vec::new();
    links(&root, &mut found);
    assert!(
        found
            .iter()
            .any(|(link, _)| link.ends_with("apis/ofauth/specs/ofauth")),
        "{found:?}"
    );
    for (link, target) in found {
        assert!(
            target.is_relative(),
            "{}: {}",
            link.display(),
            target.display()
        );
        let resolved = link
            .canonicalize()
            .unwrap_or_else(|e| panic!("{} points at nothing: {e}", link.display()));
        assert!(
            resolved.starts_with(&root),
            "{} leaves the repository: {}",
            link.display(),
            resolved.display()
        );
    }
}

#[test]
fn the_scanner_sees_paths_that_leave() {
    assert_eq!(climb(r#"root.join("../shared/seeds")"#), 1);
    assert_eq!(climb(r#"Path::new(dir).join("..").join("..")"#), 2);
    assert_eq!(climb(r#"let p = "../../x";"#), 2);
    assert_eq!(climb(r#"cd "$(dirname "$0")/..""#), 0);
    assert_eq!(climb(r#"format!("{a}/b")"#), 0);
    assert_eq!(climb(r#"if value == ".." {"#), 0);
    let depth = |file: &str, line: &str| start_depth(&repo_root().join(file), line);
    assert_eq!(depth("xtask/src/main.rs", "x"), 1);
    assert_eq!(depth("xtask/tests/update_specs.rs", "x"), 1);
    // The test package's directory: cargo runs its tests there.
    assert_eq!(depth("tests/generated.rs", "x"), 1);
    assert_eq!(depth(".ci/run", "x"), 1);
    assert_eq!(depth("src/lib.rs", r#"include_str!("../README.md")"#), 1);
    let line = format!("let seeds = repo().join(\"{}\");", outside_names()[0]);
    assert!(outside_names().iter().any(|n| line.contains(n.as_str())));
}
