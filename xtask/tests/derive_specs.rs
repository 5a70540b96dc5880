//! `cargo xtask derive-specs` on small fixture packages written for this test
//! in each SDK's layout (`xtask/derive-specs/fixtures/<api>/`; nothing in them
//! comes from the SDKs): the derived documents are snapshots to review.
//!
//! The tool runs in a virtual environment made from
//! `xtask/derive-specs/requirements.txt` under the target directory (PyPI is
//! needed the first time, then it is reused).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `<target>` of this build (`<target>/debug/xtask`), wherever it is.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_xtask"))
        .ancestors()
        .nth(2)
        .expect("xtask binary lives in <target>/<profile>/")
        .to_path_buf()
}

#[test]
fn deriving_the_fixture_packages_gives_the_reviewed_documents() {
    let out_dir = std::env::temp_dir().join(format!("onlyfans-derive-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    // One test for both APIs: they share the virtual environment it may create.
    for api in ["ofauth", "onlyfansapi"] {
        let fixture = repo().join("xtask/derive-specs/fixtures").join(api);
        let out = out_dir.join(format!("{api}.yaml"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(["derive-specs", "--api", api, "--from"])
            .arg(&fixture)
            .arg("--vendored")
            .arg(fixture.join("vendored.yaml"))
            .arg("--out")
            .arg(&out)
            .env(
                "ONLYFANS_DERIVE_VENV",
                target_dir().join("derive-specs-venv"),
            );
        if api == "onlyfansapi" {
            command.arg("--facts").arg(fixture.join("facts.tsv"));
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{api}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let derived = std::fs::read_to_string(&out).unwrap();
        // Every derived operation says where its facts came from.
        let operations = derived.matches("\n      x-derived-from:").count();
        assert!(operations >= 3, "{api}: {operations} operations\n{derived}");
        insta::assert_snapshot!(format!("derived_{api}"), derived);

        // `--check` against the file just written: the same, exit 0; against
        // a file that differs, the drift report (as JSON here) and exit 1.
        let check = |extra: &[&str]| {
            let mut check = Command::new(env!("CARGO_BIN_EXE_xtask"));
            check
                .args(["derive-specs", "--api", api, "--check", "--from"])
                .arg(&fixture)
                .arg("--vendored")
                .arg(fixture.join("vendored.yaml"))
                .arg("--out")
                .arg(&out)
                .args(extra)
                .env(
                    "ONLYFANS_DERIVE_VENV",
                    target_dir().join("derive-specs-venv"),
                );
            if api == "onlyfansapi" {
                check.arg("--facts").arg(fixture.join("facts.tsv"));
            }
            check.output().unwrap()
        };
        let same = check(&[]);
        assert!(
            same.status.success(),
            "{api}: {}",
            String::from_utf8_lossy(&same.stderr)
        );
        let first_operation = derived.find("\n  /").unwrap();
        let second_operation =
            derived[first_operation + 1..].find("\n  /").unwrap() + first_operation + 1;
        // One operation fewer in the committed file: the SDK adds it.
        let older = format!(
            "{}{}",
            &derived[..first_operation],
            &derived[second_operation..]
        );
        std::fs::write(&out, older).unwrap();
        let differs = check(&["--format", "json"]);
        assert_eq!(
            differs.status.code(),
            Some(1),
            "{api}: {}",
            String::from_utf8_lossy(&differs.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&differs.stdout).unwrap();
        let text = report.to_string();
        assert!(text.contains("operation added"), "{api}: {text}");
        assert!(
            std::fs::read_to_string(&out).unwrap().len() < derived.len(),
            "nothing written"
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);

    re_deriving_the_same_wheel_leaves_provenance_unchanged();
}

/// Into a repository (a temporary one holding the fixture's vendored spec):
/// the first derivation records the wheel in `provenance.json`; deriving the
/// same wheel again writes the same derived file and the same provenance,
/// byte for byte (nothing in it depends on the day or the machine).
fn re_deriving_the_same_wheel_leaves_provenance_unchanged() {
    let fixture = repo().join("xtask/derive-specs/fixtures/ofauth");
    let temp = std::env::temp_dir().join(format!("onlyfans-rederive-{}", std::process::id()));
    let specs = temp.join("specs/ofauth");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::create_dir_all(temp.join("xtask")).unwrap();
    std::os::unix::fs::symlink(
        repo().join("xtask/derive-specs"),
        temp.join("xtask/derive-specs"),
    )
    .unwrap();
    std::fs::copy(fixture.join("vendored.yaml"), specs.join("openapi.yaml")).unwrap();
    std::fs::write(specs.join("provenance.json"), "{\"source_url\": \"https://example.invalid/openapi.json\", \"retrieved\": \"2026-01-01\", \"sha256\": \"\"}\n").unwrap();
    // The fixture package as a wheel: the derivation records its file name and hash.
    let wheel = temp.join("onlyfans_sdk-0.0.0-py3-none-any.whl");
    let python = target_dir().join("derive-specs-venv/bin/python");
    let zipped = Command::new(&python)
        .args(["-m", "zipfile", "-c"])
        .arg(&wheel)
        .args(["onlyfans_sdk", "onlyfans_sdk-0.0.0.dist-info"])
        .current_dir(&fixture)
        .output()
        .unwrap();
    assert!(
        zipped.status.success(),
        "{}",
        String::from_utf8_lossy(&zipped.stderr)
    );
    let derive = || {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["derive-specs", "--api", "ofauth", "--from"])
            .arg(&wheel)
            .arg("--repo")
            .arg(&temp)
            .env(
                "ONLYFANS_DERIVE_VENV",
                target_dir().join("derive-specs-venv"),
            )
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        (
            std::fs::read_to_string(specs.join("provenance.json")).unwrap(),
            std::fs::read_to_string(specs.join("sdk-derived.yaml")).unwrap(),
        )
    };
    let first = derive();
    assert!(
        first.0.contains("onlyfans_sdk-0.0.0-py3-none-any.whl"),
        "the wheel is recorded: {}",
        first.0
    );
    let second = derive();
    assert_eq!(
        first, second,
        "re-deriving the same wheel changed something"
    );
    let _ = std::fs::remove_dir_all(&temp);
}
