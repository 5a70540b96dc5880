//! `cargo xtask update-specs` and `check` end to end, on a temporary copy of
//! the repository's specs and snapshots, with local files only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use onlyfans_codegen::apis::{ApiDef, OFAUTH, ONLYFANSAPI};
use onlyfans_codegen::spec::Provenance;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch copy of `specs/` and `tests/snapshots/`, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("onlyfans-xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["specs", "tests/snapshots"] {
            copy_dir(&repo().join(sub), &dir.join(sub));
        }
        // The feature lists `check` holds to the resource tree.
        std::fs::copy(repo().join("Cargo.toml"), dir.join("Cargo.toml")).unwrap();
        for api in ["ofauth", "onlyfansapi"] {
            let manifest = format!("apis/{api}/Cargo.toml");
            std::fs::create_dir_all(dir.join("apis").join(api)).unwrap();
            std::fs::copy(repo().join(&manifest), dir.join(manifest)).unwrap();
        }
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_name() == "target" {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            // An API crate's `specs/<api>` points into `specs/`: kept a link,
            // so that an update of the copy's specs is what its crates build.
            link(&std::fs::read_link(entry.path()).unwrap(), &target);
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[cfg(unix)]
fn link(original: &Path, link: &Path) {
    std::os::unix::fs::symlink(original, link).unwrap();
}

#[cfg(windows)]
fn link(original: &Path, link: &Path) {
    std::os::windows::fs::symlink_dir(original, link).unwrap();
}

/// `update-specs` of OFAuth from `from`, writing without the compile check
/// (the scratch holds the specs, not the crate), with `extra` arguments.
fn update_ofauth(from: &str, extra: &[&str], repo: &Path) -> Output {
    let mut args = vec![
        "update-specs",
        "--api",
        "ofauth",
        "--from",
        from,
        "--no-compile",
    ];
    args.extend_from_slice(extra);
    xtask(&args, repo)
}

fn xtask(args: &[&str], repo: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--repo")
        .arg(repo)
        .output()
        .unwrap()
}

/// The target directory this test binary was built in (`<target>/debug/deps/…`),
/// wherever the checkout is and whatever `CARGO_TARGET_DIR` says.
fn target_dir() -> PathBuf {
    let xtask = Path::new(env!("CARGO_BIN_EXE_xtask"));
    xtask
        .ancestors()
        .nth(2)
        .expect("xtask binary lives in <target>/<profile>/")
        .to_path_buf()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The OFAuth spec with `query` renamed to `search` and a new response field.
fn modified_ofauth(scratch: &Scratch) -> PathBuf {
    let text = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    let modified = text
        .replace("          name: query\n", "          name: search\n")
        .replace(
            "                        hasPurchasedFeed:\n",
            "                        isArchived:\n                          type: boolean\n                        hasPurchasedFeed:\n",
        );
    assert_ne!(text, modified);
    let path = scratch.0.join("modified-ofauth.yaml");
    std::fs::write(&path, modified).unwrap();
    path
}

#[test]
fn update_from_a_modified_spec_reports_writes_and_regenerates() {
    let scratch = Scratch::new("update");
    let modified = modified_ofauth(&scratch);
    let from = modified.to_str().unwrap();

    // --check: nothing written, exit 1 with the drift report.
    let output = xtask(
        &["update-specs", "--api", "ofauth", "--from", from, "--check"],
        &scratch.0,
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout(&output);
    assert!(
        report.contains("ofauth: GET /v2/access/chats (chats_list)"),
        "{report}"
    );
    assert!(
        report.contains("[breaking] parameter `query` (query) removed"),
        "{report}"
    );
    for line in [
        "[additive] parameter `search` (query) added (optional, `types::ChatsListSearch`)",
        "ofauth: types",
        "[breaking] type `ChatsListQuery` removed",
        "[additive] type `ChatsListSearch` added",
        "[additive] type `Chat`: field `isArchived` added (`Option<bool>`)",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    assert!(
        report
            .trim_end()
            .ends_with("ofauth: 2 breaking, 3 additive"),
        "{report}"
    );
    let vendored = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    assert_eq!(
        vendored,
        std::fs::read_to_string(OFAUTH.spec_path(&repo())).unwrap(),
        "--check wrote nothing"
    );

    // JSON for machines.
    let output = xtask(
        &[
            "update-specs",
            "--api",
            "ofauth",
            "--from",
            from,
            "--check",
            "--format",
            "json",
        ],
        &scratch.0,
    );
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json[0]["api"], "ofauth");
    assert_eq!(json[0]["breaking"], 2);
    assert_eq!(json[0]["additive"], 3);

    // The offline check passes before the update…
    assert_eq!(xtask(&["check"], &scratch.0).status.code(), Some(0));

    // …the update writes spec and provenance and regenerates…
    let output = update_ofauth(from, &[], &scratch.0);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let written = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    assert_eq!(written, std::fs::read_to_string(&modified).unwrap());
    let provenance = Provenance::read(&OFAUTH.provenance_path(&scratch.0)).unwrap();
    provenance.verify(&written).unwrap();
    assert_eq!(provenance.source_url, OFAUTH.upstream_url);
    let (_, generated) = onlyfans_codegen::generate_api(OFAUTH, &scratch.0).unwrap();
    let file = syn::parse_file(&generated.code).expect("regenerated code is valid Rust");
    assert!(!file.items.is_empty());
    assert!(
        generated
            .code
            .contains("pub is_archived: ::std::option::Option<bool>")
    );
    assert!(
        generated
            .code
            .contains("search: Option<&'a types::ChatsListSearch>")
    );

    // …after which the committed snapshots no longer match, and the check says so.
    let output = xtask(&["check"], &scratch.0);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("ofauth: generated_code differs"),
        "{}",
        stdout(&output)
    );

    // Running the same update again finds no drift.
    let output = xtask(
        &["update-specs", "--api", "ofauth", "--from", from, "--check"],
        &scratch.0,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("ofauth: 0 breaking, 0 additive"));
}

#[test]
fn json_upstream_is_vendored_as_yaml_and_example_changes_are_not_drift() {
    let scratch = Scratch::new("json");
    let text = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    let mut doc = onlyfans_codegen::spec::parse(&text, "ofauth").unwrap();
    doc["paths"]["/v2/access/chats"]["get"]["parameters"][0]["schema"]["description"] =
        "reworded".into();
    let path = scratch.0.join("upstream.json");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    let output = xtask(
        &[
            "update-specs",
            "--api",
            "ofauth",
            "--from",
            path.to_str().unwrap(),
            "--no-compile",
        ],
        &scratch.0,
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout(&output);
    assert!(report.contains("nothing callers see"), "{report}");
    assert!(
        report.contains("ofauth: 0 breaking, 0 additive"),
        "{report}"
    );
    let written = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    assert!(
        written.starts_with("openapi: 3.1.0\n"),
        "written as YAML: {}",
        &written[..40]
    );
    assert_eq!(onlyfans_codegen::spec::parse(&written, "w").unwrap(), doc);
}

/// `--check` exits 1 only for what callers see: a changed example is reported
/// as a text change with exit 0, a removed parameter is drift (1), and a file
/// that cannot be read is a failure (2).
#[test]
fn check_exit_codes_follow_the_report() {
    let scratch = Scratch::new("exit-codes");
    let text = std::fs::read_to_string(ONLYFANSAPI.spec_path(&scratch.0)).unwrap();
    let check = |name: &str, contents: &[u8]| {
        let path = scratch.0.join(name);
        std::fs::write(&path, contents).unwrap();
        xtask(
            &[
                "update-specs",
                "--api",
                "onlyfansapi",
                "--from",
                path.to_str().unwrap(),
                "--check",
            ],
            &scratch.0,
        )
    };

    let example_only = text.replace("example: acct_XXXXXXXXXXXXXXX", "example: acct_123");
    assert_ne!(example_only, text);
    let output = check("example.yaml", example_only.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report = stdout(&output);
    assert!(
        report.contains("onlyfansapi: the text changed, but nothing callers see"),
        "{report}"
    );
    assert!(
        report.contains("onlyfansapi: 0 breaking, 0 additive"),
        "{report}"
    );

    let start = text
        .find("        - in: query\n          name: filter\n")
        .unwrap();
    let end = start
        + text[start..]
            .find("        - in: query\n          name: first_id")
            .unwrap();
    let removed = format!("{}{}", &text[..start], &text[end..]);
    let output = check("removed.yaml", removed.as_bytes());
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report = stdout(&output);
    assert!(
        report.contains("[breaking] parameter `filter` (query) removed"),
        "{report}"
    );

    // Not UTF-8 (root reads any file, so permissions cannot make one unreadable).
    let output = check("unreadable.yaml", &[0xff, 0xfe, b'o', 0x80]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unreadable.yaml"));

    // --check wrote nothing in any case.
    assert_eq!(
        std::fs::read_to_string(ONLYFANSAPI.spec_path(&scratch.0)).unwrap(),
        text
    );
}

#[test]
fn failures_exit_with_2() {
    let scratch = Scratch::new("fail");
    let missing = xtask(
        &[
            "update-specs",
            "--api",
            "ofauth",
            "--from",
            "/nonexistent/spec.yaml",
            "--check",
        ],
        &scratch.0,
    );
    assert_eq!(missing.status.code(), Some(2));
    let bad = scratch.0.join("bad.yaml");
    std::fs::write(&bad, "openapi: [unclosed").unwrap();
    let output = xtask(
        &[
            "update-specs",
            "--api",
            "ofauth",
            "--from",
            bad.to_str().unwrap(),
            "--check",
        ],
        &scratch.0,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot parse"));
    let no_api = xtask(
        &["update-specs", "--from", bad.to_str().unwrap()],
        &scratch.0,
    );
    assert_eq!(no_api.status.code(), Some(2));
    assert_eq!(xtask(&["frobnicate"], &scratch.0).status.code(), Some(2));
}

#[test]
fn check_names_an_overlay_action_that_no_longer_applies() {
    let scratch = Scratch::new("overlay");
    let overlay = OFAUTH.overlay_path(&scratch.0);
    let text = std::fs::read_to_string(&overlay).unwrap();
    std::fs::write(
        &overlay,
        text.replace("properties.list.items\"", "properties.chats.items\""),
    )
    .unwrap();
    let output = xtask(&["check"], &scratch.0);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("overlay does not apply") && out.contains("properties.chats.items"),
        "{out}"
    );
}

#[test]
fn check_detects_a_vendored_spec_edited_without_its_provenance() {
    let scratch = Scratch::new("provenance");
    let path = ONLYFANSAPI.spec_path(&scratch.0);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("List Chat Messages", "List chat messages"),
    )
    .unwrap();
    let output = xtask(&["check"], &scratch.0);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("does not match its provenance record"),
        "{}",
        stdout(&output)
    );
}

/// An upstream spec that now has an operation `sdk-derived.yaml` also has:
/// upstream wins, the report names the derived entry as superseded, `--check`
/// exits 1, and `check` fails until `--prune-derived` removes the entry.
#[test]
fn upstream_supersedes_a_derived_operation_until_it_is_pruned() {
    let scratch = Scratch::new("supersede");
    let read_doc = |path: &Path| {
        onlyfans_codegen::spec::parse(&std::fs::read_to_string(path).unwrap(), "t").unwrap()
    };
    let mut upstream = read_doc(&OFAUTH.spec_path(&scratch.0));
    let derived = read_doc(&OFAUTH.derived_path(&scratch.0));
    // A derived operation that stands alone (no shared components).
    let (path, method, operation) = derived["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .filter(|(m, _)| *m == "post")
                .map(move |(m, op)| (path.clone(), m.clone(), op.clone()))
        })
        .find(|(_, _, op)| !op.to_string().contains("$ref"))
        .expect("a self-contained derived POST");
    let mut upstream_operation = operation.clone();
    upstream_operation
        .as_object_mut()
        .unwrap()
        .remove("x-derived-from");
    upstream["paths"][&path][&method] = upstream_operation;
    let from = scratch.0.join("upstream.yaml");
    std::fs::write(&from, onlyfans_codegen::spec::to_yaml(&upstream)).unwrap();
    let from = from.to_str().unwrap();
    let update = |extra: &[&str]| update_ofauth(from, extra, &scratch.0);
    let key = format!("POST {path}");

    let output = update(&["--check"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout(&output).contains(&format!(
            "ofauth: superseded: {key} is derived from the SDK and now upstream has it"
        )),
        "{}",
        stdout(&output)
    );

    assert_eq!(update(&[]).status.code(), Some(0));
    let output = xtask(&["check"], &scratch.0);
    assert_eq!(output.status.code(), Some(1));
    let complaint = format!("ofauth: {key} is in sdk-derived.yaml but upstream has it now");
    assert!(stdout(&output).contains(&complaint), "{}", stdout(&output));

    let output = update(&["--prune-derived"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let pruned = read_doc(&OFAUTH.derived_path(&scratch.0));
    assert!(pruned["paths"][&path].get(&method).is_none());
    let provenance = Provenance::read(&OFAUTH.provenance_path(&scratch.0)).unwrap();
    let text = std::fs::read_to_string(OFAUTH.derived_path(&scratch.0)).unwrap();
    provenance.verify_derived(Some(&text)).unwrap();
    // Still failing on the snapshots this test did not update, but not on it.
    let output = xtask(&["check"], &scratch.0);
    assert!(!stdout(&output).contains(&complaint), "{}", stdout(&output));
}

/// The documentation page kept beside a spec must still hold what the spec
/// says: a page edited on its own fails the check, naming the page.
#[test]
fn check_names_a_source_page_that_no_longer_explains_the_spec() {
    let scratch = Scratch::new("page");
    let page = ONLYFANSAPI.source_page_path(&scratch.0);
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("name: filter\n", "name: filters\n")).unwrap();
    let output = xtask(&["check"], &scratch.0);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains("source-page.md: its GET /api/{account}/chats/{chat_id}/messages fragment is not what the vendored spec holds"),
        "{out}"
    );
}

/// Importing the two documentation pages kept in `specs/<api>/` into empty
/// `specs/` folders reproduces the committed specs, pages and provenance
/// exactly (but for the date).
#[test]
fn importing_the_source_pages_reproduces_the_vendored_specs() {
    let scratch = Scratch::new("seeds");
    for api in [OFAUTH, ONLYFANSAPI] {
        std::fs::remove_dir_all(api.dir(&scratch.0)).unwrap();
        let page = api.source_page_path(&repo());
        let output = xtask(
            &[
                "update-specs",
                "--from-doc-page",
                page.to_str().unwrap(),
                "--no-compile",
            ],
            &scratch.0,
        );
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        for path in [ApiDef::spec_path, ApiDef::source_page_path] {
            assert_eq!(
                std::fs::read(path(&api, &scratch.0)).unwrap(),
                std::fs::read(path(&api, &repo())).unwrap(),
                "{}",
                api.name
            );
        }
        let mut imported = Provenance::read(&api.provenance_path(&scratch.0)).unwrap();
        let recorded = Provenance::read(&api.provenance_path(&repo())).unwrap();
        imported.retrieved = recorded.retrieved.clone();
        // The SDK-derived operations are not part of a page import.
        imported.derived = recorded.derived.clone();
        assert_eq!(imported, recorded, "{}", api.name);
        // Importing the same page again into the now-present spec changes nothing.
        let again = xtask(
            &[
                "update-specs",
                "--from-doc-page",
                page.to_str().unwrap(),
                "--check",
            ],
            &scratch.0,
        );
        assert_eq!(again.status.code(), Some(0), "{again:?}");
    }
}

/// Before it writes, the update compiles a copy of the crate with the new
/// spec in every feature set users build the API with; the workspace is
/// copied (sharing this build's target directory, so only our crates
/// rebuild).
fn workspace_copy(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("onlyfans-xtask-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["Cargo.toml", "Cargo.lock", "README.md"] {
        std::fs::copy(repo().join(file), dir.join(file)).unwrap();
    }
    // `tests` is a workspace member (the test package): cargo needs it.
    for sub in [
        "src", "core", "apis", "codegen", "xtask", "specs", "tests", ".cargo",
    ] {
        copy_dir(&repo().join(sub), &dir.join(sub));
    }
    Scratch(dir)
}

fn update_compiling(scratch: &Scratch) -> Output {
    let modified = modified_ofauth(scratch);
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["update-specs", "--api", "ofauth", "--from"])
        .arg(&modified)
        .arg("--repo")
        .arg(&scratch.0)
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap()
}

/// A spec the crate compiles with is written: no handwritten code names the
/// renamed parameter, and the generated facade follows the spec.
#[test]
fn the_crate_compiles_with_the_regenerated_client() {
    let scratch = workspace_copy("compile");
    let output = update_compiling(&scratch);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    for set in [
        "compiles with OFAuth ",
        "compiles with OFAuth with mock, httpmock",
        "compiles with OFAuth with raw, serialize",
        // The changed operation's resource alone.
        "compiles with ofauth-messages alone",
    ] {
        assert!(said.contains(set), "{set}: {said}");
    }
    let written = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    assert!(written.contains("name: search"));
}

/// A spec the crate would not compile with is refused, with the compiler's
/// errors, and nothing is written. (Every shape the generator is known to
/// meet compiles, `cargo xtask generator-test`; here the copy's hand-written
/// code is what breaks.)
#[test]
fn a_spec_the_crate_does_not_compile_with_is_refused() {
    let scratch = workspace_copy("refuse");
    let lib = scratch.0.join("apis/ofauth/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\nconst _: () = assert!(SERVER_URL.len() == 0, \"ChatsList broke\");\n");
    std::fs::write(&lib, text).unwrap();
    let before = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    let output = update_compiling(&scratch);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("ofauth: the new spec does not compile with OFAuth"),
        "{error}"
    );
    assert!(error.contains("nothing was written"), "{error}");
    // The errors name the changed operation (`chats_list`'s builder).
    assert!(
        error.contains("GET /v2/access/chats (chats_list)"),
        "{error}"
    );
    let after = std::fs::read_to_string(OFAUTH.spec_path(&scratch.0)).unwrap();
    assert_eq!(before, after);
}
