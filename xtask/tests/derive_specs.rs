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
}
