//! `cargo xtask derive-specs --api <api> --from <wheel | dir holding it | unpacked source>`:
//! re-derives `specs/<api>/sdk-derived.yaml` from the vendor's official SDK,
//! records the wheel in `provenance.json` and prints what changed as the usual
//! drift report. The next SDK release is one command.
//!
//! The reading itself is `xtask/derive-specs/derive_specs.py`: pydantic is the
//! tool that knows the SDKs' models. It runs in a virtual environment made from
//! `xtask/derive-specs/requirements.txt` (under the target directory, made once;
//! offline after that), or in the interpreter `--python` names.
//!
//! `--out PATH` writes elsewhere and leaves `specs/` and provenance alone (the
//! tests derive from small fixture packages that way); `--vendored` and
//! `--facts` replace the repository's vendored spec and upstream facts table.
//!
//! `--check` writes nothing: it derives into a temporary file and compares it
//! with the committed one (or `--out`), printing the drift report and exiting
//! 1 when they differ, so a scheduled job given the newest wheel notices a new
//! SDK release. `--format json` prints the report as JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use onlyfans_codegen::apis::{ALL, ApiDef, ONLYFANSAPI};
use onlyfans_codegen::drift;
use onlyfans_codegen::spec::{self, DerivedFacts, DerivedProvenance, DerivedSource, Provenance};
use serde_json::Value;

use crate::{Failure, USAGE, api_named, flag_value, read, write};

struct Options {
    api: ApiDef,
    from: PathBuf,
    out: Option<PathBuf>,
    vendored: Option<PathBuf>,
    facts: Option<PathBuf>,
    python: Option<PathBuf>,
    repo: PathBuf,
    check: bool,
    json: bool,
}

fn parse(args: &[String], default_repo: PathBuf) -> Result<Options, Failure> {
    let (mut api, mut from) = (None, None);
    let mut options = Options {
        api: ALL[0],
        from: PathBuf::new(),
        out: None,
        vendored: None,
        facts: None,
        python: None,
        repo: default_repo,
        check: false,
        json: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || flag_value(&mut args, arg);
        match arg.as_str() {
            "--api" => api = Some(api_named(&value()?)?),
            "--from" => from = Some(PathBuf::from(value()?)),
            "--out" => options.out = Some(PathBuf::from(value()?)),
            "--vendored" => options.vendored = Some(PathBuf::from(value()?)),
            "--facts" => options.facts = Some(PathBuf::from(value()?)),
            "--python" => options.python = Some(PathBuf::from(value()?)),
            "--repo" => options.repo = PathBuf::from(value()?),
            "--check" => options.check = true,
            "--format" => {
                options.json = match value()?.as_str() {
                    "json" => true,
                    "text" => false,
                    other => return Err(format!("unknown format `{other}` (text or json)")),
                }
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    options.api = api.ok_or_else(|| format!("--api is required\n{USAGE}"))?;
    options.from = from.ok_or_else(|| format!("--from is required\n{USAGE}"))?;
    Ok(options)
}

pub fn run(args: &[String], default_repo: PathBuf) -> Result<ExitCode, Failure> {
    let options = parse(args, default_repo)?;
    let api = options.api;
    let repo = &options.repo;
    let tool_dir = repo.join("xtask/derive-specs");
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| api.derived_path(repo));
    let vendored = options
        .vendored
        .clone()
        .unwrap_or_else(|| api.spec_path(repo));
    let facts = match (&options.facts, api == ONLYFANSAPI) {
        (Some(facts), _) => Some(facts.clone()),
        (None, true) => Some(tool_dir.join("onlyfansapi-upstream-operations.tsv")),
        (None, false) => None,
    };
    let into_specs = options.out.is_none() && !options.check;
    // A derivation recorded in provenance names the exact wheel it read.
    let wheel = find_wheel(&options.from)?;
    if into_specs && wheel.is_none() {
        return Err(format!(
            "{}: no .whl found; provenance records the exact wheel, so give the wheel (or --out to derive elsewhere)",
            options.from.display()
        ));
    }
    let before = if into_specs {
        Some(onlyfans_codegen::effective_spec(api, repo).map_err(|e| e.to_string())?)
    } else {
        None
    };

    let python = match &options.python {
        Some(python) => python.clone(),
        None => venv_python(&tool_dir.join("requirements.txt"))?,
    };
    // A check derives beside the file it compares with, and removes it.
    let written = if options.check {
        std::env::temp_dir().join(format!(
            "onlyfans-derive-check-{}-{}.yaml",
            api.name,
            std::process::id()
        ))
    } else {
        out.clone()
    };
    let mut command = Command::new(&python);
    command
        .arg(tool_dir.join("derive_specs.py"))
        .args(["--api", api.name])
        .arg("--from")
        .arg(&options.from)
        .arg("--vendored")
        .arg(&vendored)
        .arg("--out")
        .arg(&written);
    if let Some(facts) = &facts {
        command.arg("--facts").arg(facts);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !status.success() {
        return Err(format!("derive_specs.py failed ({status})"));
    }
    if options.check {
        let derived = read(&written);
        let _ = std::fs::remove_file(&written);
        return check(api, &options, &vendored, &out, &derived?);
    }
    if !into_specs {
        eprintln!("{}: wrote {}", api.name, out.display());
        return Ok(ExitCode::SUCCESS);
    }

    let text = read(&out)?;
    let provenance_path = api.provenance_path(repo);
    let mut provenance = Provenance::read(&provenance_path).map_err(|e| e.to_string())?;
    let sources = wheel
        .iter()
        .map(|wheel| wheel_source(wheel))
        .collect::<Result<Vec<_>, _>>()?;
    let wheel_names: Vec<&str> = sources.iter().map(|s| s.file.as_str()).collect();
    provenance.derived = Some(DerivedProvenance {
        file: out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: spec::sha256_hex(&text),
        command: format!(
            "cargo xtask derive-specs --api {} --from {}",
            api.name,
            wheel_names.join(" ")
        ),
        sources,
        facts: match &facts {
            Some(path) => Some(DerivedFacts {
                file: path
                    .strip_prefix(repo)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
                sha256: spec::sha256_hex(read(path)?),
            }),
            None => None,
        },
    });
    let json = serde_json::to_string_pretty(&provenance).map_err(|e| e.to_string())?;
    write(&provenance_path, &format!("{json}\n"))?;

    // What the new derivation changes for callers, in the usual words.
    let (after, merged) = onlyfans_codegen::effective_spec(api, repo).map_err(|e| e.to_string())?;
    let (before, _) = before.unwrap_or_default();
    let model = |doc: Value| onlyfans_codegen::api_model(api, doc).map_err(|e| e.to_string());
    let mut report = drift::diff(api.name, &model(before)?, &model(after)?);
    report.superseded = merged.superseded;
    crate::print_reports(&[(true, report)], options.json)?;
    eprintln!(
        "{}: wrote {} ({} derived operations merged); review the snapshots with `cargo insta test --review`",
        api.name,
        out.display(),
        merged.derived.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// `--check`: whether the derivation (`derived`, the new text) is the one at
/// `out`; when not, what it would change for callers.
fn check(
    api: ApiDef,
    options: &Options,
    vendored: &Path,
    out: &Path,
    derived: &str,
) -> Result<ExitCode, Failure> {
    let current = std::fs::read_to_string(out).unwrap_or_default();
    if current == derived {
        eprintln!("{}: {} is what the SDK gives", api.name, out.display());
        return Ok(ExitCode::SUCCESS);
    }
    let upstream = spec::parse(&read(vendored)?, &vendored.display().to_string())
        .map_err(|e| e.to_string())?;
    // The repository's overlay fits the repository's vendored spec only.
    let overlay = match options.vendored {
        None => onlyfans_codegen::read_overlay(api, &options.repo).map_err(|e| e.to_string())?,
        Some(_) => None,
    };
    let effective = |text: &str| -> Result<Value, Failure> {
        let derived = if text.is_empty() {
            None
        } else {
            Some(spec::parse(text, "derived").map_err(|e| e.to_string())?)
        };
        onlyfans_codegen::assemble(upstream.clone(), derived.as_ref(), overlay.as_deref(), api)
            .map(|(doc, _)| doc)
            .map_err(|e| e.to_string())
    };
    let model = |doc: Value| onlyfans_codegen::api_model(api, doc).map_err(|e| e.to_string());
    let report = drift::diff(
        api.name,
        &model(effective(&current)?)?,
        &model(effective(derived)?)?,
    );
    crate::print_reports(&[(true, report)], options.json)?;
    eprintln!(
        "{}: {} differs from what the SDK gives (re-derive without --check to write it)",
        api.name,
        out.display()
    );
    Ok(ExitCode::from(1))
}

/// The wheel `from` names: the file itself, or the only `.whl` in a directory.
fn find_wheel(from: &Path) -> Result<Option<PathBuf>, Failure> {
    if from.is_file() {
        return Ok(from
            .extension()
            .is_some_and(|e| e == "whl")
            .then(|| from.to_path_buf()));
    }
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    let wheels: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    match wheels.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        _ => Err(format!(
            "{}: more than one .whl; name the one to derive from",
            from.display()
        )),
    }
}

/// The provenance of one wheel: `{name}-{version}-…whl` and its hash.
fn wheel_source(wheel: &Path) -> Result<DerivedSource, Failure> {
    let file = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts = file.split('-');
    let (Some(name), Some(version)) = (parts.next(), parts.next()) else {
        return Err(format!("{file}: not a wheel file name"));
    };
    let bytes = std::fs::read(wheel).map_err(|e| format!("{}: {e}", wheel.display()))?;
    Ok(DerivedSource {
        // PyPI normalizes `_` in distribution names to `-`.
        package: format!("pypi:{}", name.replace('_', "-")),
        version: version.to_owned(),
        file,
        sha256: spec::sha256_hex(&bytes),
    })
}

/// The interpreter of a virtual environment holding exactly the tool's
/// requirements: `$ONLYFANS_DERIVE_VENV`, else `target/derive-specs-venv`
/// (under `CARGO_TARGET_DIR` when set). Made on first use (PyPI is needed
/// then), and again when the requirements change.
pub fn venv_python(requirements: &Path) -> Result<PathBuf, Failure> {
    let venv = match std::env::var_os("ONLYFANS_DERIVE_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
            .join("derive-specs-venv"),
    };
    let python = venv.join("bin/python");
    let wanted = read(requirements)?;
    let marker = venv.join("requirements.installed");
    if python.exists() && std::fs::read_to_string(&marker).ok().as_deref() == Some(&wanted) {
        return Ok(python);
    }
    let run = |command: &mut Command, what: &str| -> Result<(), Failure> {
        let output = command
            .output()
            .map_err(|e| format!("cannot {what}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "cannot {what}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    };
    let _ = std::fs::remove_dir_all(&venv);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "make a Python virtual environment (is python3 with venv installed?)",
    )?;
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(requirements),
        "install xtask/derive-specs/requirements.txt",
    )?;
    write(&marker, &wanted)?;
    Ok(python)
}
