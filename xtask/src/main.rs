//! Maintenance commands: `cargo xtask <command>`.
//!
//! - `update-specs [--api ofauth|onlyfansapi|all] [--from PATH_OR_URL | --from-doc-page PATH]
//!   [--check] [--no-compile] [--format text|json] [--repo DIR]`: bring a new upstream
//!   spec in, report its drift in words, and, once a copy of the crate compiles
//!   with it in every feature set users build the API with, write it with its
//!   provenance (`--no-compile` skips that check). Exit codes: 0 nothing callers
//!   see changed (or written), 1 with `--check`: a breaking or additive change,
//!   2 failure to read, fetch, parse, generate or compile (naming the new or
//!   changed operations the compiler's errors name; nothing written). A text change callers cannot see (descriptions, examples, key
//!   order) is reported but is not drift.
//! - `check [--repo DIR]`: offline consistency check run by CI: overlays apply,
//!   provenance hashes match, the kept documentation page still holds the
//!   vendored fragment, generated output matches the committed snapshots.
//! - `derive-specs --api <api> --from <wheel>`: re-derive the operations the
//!   vendored text lacks from the vendor's official SDK (see `derive_specs.rs`).
//! - `bench-build [--sizes 2,50,150,300]`: build-time scaling with the number
//!   of operations (see `bench_build.rs`); `bench-build --budget`: a user's
//!   clean build side by side with an earlier revision (`bench_budget.rs`).
//! - `check-features`: the library builds with each resource feature alone
//!   (`features.rs`).
//! - `generator-test [--quick]`: the generator against the shapes a vendor
//!   may publish, every case generated and compiled (`generator_test.rs`).
//! - `test [-- <cargo test arguments>]`: the README's test command: installs
//!   what the tests need (see `test.rs`), then runs every test of the
//!   workspace.

mod bench_budget;
mod bench_build;
mod derive_specs;
mod features;
mod generator_test;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use onlyfans_codegen::apis::{ALL, ApiDef, SOURCE_PAGE, UpstreamFormat};
use onlyfans_codegen::drift::{self, DriftReport};
use onlyfans_codegen::spec::{self, Provenance};
use onlyfans_codegen::{MergeReport, doc_page, merge, summary};
use serde_json::Value;

const USAGE: &str = "usage:
  cargo xtask update-specs [--api ofauth|onlyfansapi|all] [--from PATH_OR_URL | --from-doc-page PATH]
                           [--check] [--prune-derived] [--no-compile] [--format text|json] [--repo DIR]
  cargo xtask check [--repo DIR]
  cargo xtask derive-specs --api ofauth|onlyfansapi --from <SDK wheel | dir with it | unpacked source>
                           [--out PATH] [--vendored PATH] [--facts PATH] [--python PATH]
                           [--check] [--format text|json] [--repo DIR]
  cargo xtask bench-build [--sizes 2,50,150,300]
  cargo xtask bench-build --budget [--baseline REV] [--runs N] [--case default|one-resource|quickstart]...
  cargo xtask check-features
  cargo xtask generator-test [--quick]
  cargo xtask test [-- <cargo test arguments>]";

/// A failure that ends the command with exit code 2.
type Failure = String;

fn failure(error: onlyfans_codegen::Error) -> Failure {
    error.to_string()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("update-specs") => Options::parse(&args[1..]).and_then(|o| update_specs(&o)),
        Some("check") => Options::parse(&args[1..]).and_then(|o| check(&o.repo)),
        Some("derive-specs") => {
            derive_specs::run(&args[1..], Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        }
        Some("bench-build") if args.get(1).is_some_and(|a| a == "--budget") => bench_budget::run(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            &args[2..],
        ),
        Some("bench-build") => bench_sizes(&args[1..]).and_then(|sizes| {
            bench_build::run(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), &sizes)
        }),
        Some("check-features") => {
            features::check_each(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        }
        Some("generator-test") => generator_test::run(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            &args[1..],
        ),
        Some("test") => test::run(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            &args[1..],
        ),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn bench_sizes(args: &[String]) -> Result<Vec<usize>, Failure> {
    match args {
        [] => Ok(vec![2, 50, 150, 300]),
        [flag, list] if flag == "--sizes" => list
            .split(',')
            .map(|n| n.trim().parse().map_err(|_| format!("not a size: {n}")))
            .collect(),
        _ => Err(USAGE.to_owned()),
    }
}

#[derive(Debug)]
struct Options {
    apis: Vec<ApiDef>,
    from: Option<String>,
    from_doc_page: Option<PathBuf>,
    check: bool,
    prune_derived: bool,
    json: bool,
    repo: PathBuf,
    /// Write without compiling the crate first (tests of the report only).
    no_compile: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, Failure> {
        let mut options = Options {
            apis: ALL.to_vec(),
            from: None,
            from_doc_page: None,
            check: false,
            prune_derived: false,
            json: false,
            repo: Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
            no_compile: false,
        };
        let mut explicit_api = false;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || flag_value(&mut args, arg);
            match arg.as_str() {
                "--api" => {
                    let name = value()?;
                    explicit_api = name != "all";
                    options.apis = match name.as_str() {
                        "all" => ALL.to_vec(),
                        other => vec![api_named(other)?],
                    };
                }
                "--from" => options.from = Some(value()?),
                "--from-doc-page" => options.from_doc_page = Some(PathBuf::from(value()?)),
                "--check" => options.check = true,
                "--prune-derived" => options.prune_derived = true,
                "--no-compile" => options.no_compile = true,
                "--format" => {
                    options.json = match value()?.as_str() {
                        "json" => true,
                        "text" => false,
                        other => return Err(format!("unknown format `{other}` (text or json)")),
                    }
                }
                "--repo" => options.repo = PathBuf::from(value()?),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        if options.from.is_some() && !explicit_api {
            return Err("--from names one spec: say which with --api ofauth|onlyfansapi".into());
        }
        if let Some(page) = &options.from_doc_page {
            // The page's fence names its upstream spec, hence its API.
            let text = read(page)?;
            let fragment = doc_page::extract(&text)
                .ok_or_else(|| format!("{}: no OpenAPI fence found", page.display()))?;
            let api = ALL
                .into_iter()
                .find(|a| a.upstream_url == fragment.source_url)
                .ok_or_else(|| {
                    format!(
                        "{}: fence names unknown spec {}",
                        page.display(),
                        fragment.source_url
                    )
                })?;
            options.apis = vec![api];
        }
        Ok(options)
    }
}

/// The value after `flag` on the command line.
fn flag_value(args: &mut std::slice::Iter<'_, String>, flag: &str) -> Result<String, Failure> {
    args.next()
        .cloned()
        .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
}

/// The API a command line names.
fn api_named(name: &str) -> Result<ApiDef, Failure> {
    ApiDef::by_name(name).ok_or_else(|| format!("unknown API `{name}`"))
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A candidate new vendored text, and where it came from.
struct Incoming {
    text: String,
    source_url: String,
    via: Option<String>,
    /// The documentation page the text was cut from, kept beside the spec.
    page: Option<String>,
}

fn update_specs(options: &Options) -> Result<ExitCode, Failure> {
    let mut reports = Vec::new();
    for api in &options.apis {
        let spec_path = api.spec_path(&options.repo);
        let current_text = spec_path.exists().then(|| read(&spec_path)).transpose()?;
        let incoming = incoming(api, options, current_text.as_deref())?;
        let origin = incoming
            .via
            .clone()
            .unwrap_or_else(|| incoming.source_url.clone());
        let new_doc = spec::parse(&incoming.text, &origin).map_err(|e| e.to_string())?;
        let old_doc = match &current_text {
            Some(text) => {
                spec::parse(text, &spec_path.display().to_string()).map_err(|e| e.to_string())?
            }
            None => Value::Null,
        };
        // Both versions as everything is generated from them: with the
        // SDK-derived operations each lacks, and the overlay.
        let mut derived = onlyfans_codegen::read_derived(*api, &options.repo).map_err(failure)?;
        let overlay_text = onlyfans_codegen::read_overlay(*api, &options.repo).map_err(failure)?;
        let effective = |doc: &Value| -> Result<(Value, MergeReport), Failure> {
            if doc.is_null() {
                return Ok((Value::Null, MergeReport::default()));
            }
            onlyfans_codegen::assemble(doc.clone(), derived.as_ref(), overlay_text.as_deref(), *api)
                .map_err(failure)
        };
        let (old_effective, _) = effective(&old_doc)?;
        let (new_effective, merged) = effective(&new_doc)?;
        let changed = old_doc != new_doc;
        let model = |doc: Value| onlyfans_codegen::api_model(*api, doc).map_err(failure);
        let new_model = model(new_effective)?;
        let old_model = if changed {
            model(old_effective)?
        } else {
            new_model.clone()
        };
        let mut report = drift::diff(api.name, &old_model, &new_model);
        report.superseded = merged.superseded;
        let prune = options.prune_derived && !report.superseded.is_empty();
        let provenance_path = api.provenance_path(&options.repo);
        let mut provenance = Provenance::read(&provenance_path).ok();
        if !options.check
            && prune
            && let Some(doc) = derived.as_mut()
        {
            merge::remove_operations(doc, &report.superseded);
            let text = spec::to_yaml(doc);
            write(&api.derived_path(&options.repo), &text)?;
            if let Some(record) = provenance.as_mut().and_then(|p| p.derived.as_mut()) {
                record.sha256 = spec::sha256_hex(&text);
            }
            eprintln!(
                "{}: removed {} superseded operation(s) from {}",
                api.name,
                report.superseded.len(),
                api.derived_path(&options.repo).display()
            );
        }
        if !options.check && changed {
            if !options.no_compile {
                compiles_with(options, api, &incoming.text, &report, &new_model.operations)?;
            }
            write(&spec_path, &incoming.text)?;
            // The page a fragment came from is part of its provenance; a spec
            // from anywhere else leaves no page behind that no longer explains it.
            let page_path = api.source_page_path(&options.repo);
            match &incoming.page {
                Some(page) => write(&page_path, page)?,
                None if page_path.exists() => std::fs::remove_file(&page_path)
                    .map_err(|e| format!("{}: {e}", page_path.display()))?,
                None => {}
            }
            provenance = Some(Provenance {
                source_url: incoming.source_url.clone(),
                via: incoming.via.clone(),
                source_page: incoming.page.as_ref().map(|_| SOURCE_PAGE.to_owned()),
                retrieved: today(),
                sha256: spec::sha256_hex(&incoming.text),
                // An upstream update leaves the derived file as it is (but for
                // pruning, recorded above).
                derived: provenance.and_then(|p| p.derived),
            });
        }
        if !options.check && (changed || prune) {
            if let Some(provenance) = &provenance {
                let json = serde_json::to_string_pretty(provenance).map_err(|e| e.to_string())?;
                write(&provenance_path, &format!("{json}\n"))?;
            }
            // Regenerate: the overlay must still apply and the client must generate.
            let (_, generated) =
                onlyfans_codegen::generate_api(*api, &options.repo).map_err(|e| e.to_string())?;
            eprintln!(
                "{}: wrote {} and regenerated ({} lines); review the snapshots with `cargo insta test --review`",
                api.name,
                spec_path.display(),
                generated.code.lines().count()
            );
        } else if !changed {
            eprintln!("{}: vendored spec is up to date", api.name);
        }
        reports.push((changed, report));
    }
    print_reports(&reports, options.json)?;
    // Drift is what callers see (a changed example or description alone is
    // not), or derived operations upstream now has, which are to be removed.
    let drifted = reports
        .iter()
        .any(|(_, report)| !report.is_empty() || !report.superseded.is_empty());
    Ok(if options.check && drifted {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuses a new spec of `api` the crate would not compile with: a copy of
/// the work tree with `text` as the vendored spec is checked in each feature
/// set users build with the API (`generator_test::api_sets`), and with each
/// resource feature that holds a new or changed operation alone (those
/// builds are cut from the spec apart). A failure names the new or changed
/// operations the compiler's errors name, and nothing is written.
fn compiles_with(
    options: &Options,
    api: &ApiDef,
    text: &str,
    report: &DriftReport,
    operations: &[onlyfans_codegen::model::Operation],
) -> Result<(), Failure> {
    let mut sets = generator_test::owned(generator_test::api_sets(*api));
    let resources: std::collections::BTreeSet<String> = report
        .operations
        .iter()
        .filter_map(|changed| {
            operations.iter().find(|op| {
                op.path == changed.path && op.method.eq_ignore_ascii_case(&changed.method)
            })
        })
        .filter_map(|op| onlyfans_codegen::subset::operation_feature(*api, op))
        .collect();
    for feature in resources {
        sets.push((
            format!("{feature} alone"),
            vec!["--no-default-features".into(), "--features".into(), feature],
        ));
    }
    let label = format!("update-specs-{}", api.name);
    let failures = generator_test::in_work_tree_copy(&options.repo, &label, |scratch| {
        write(&api.spec_path(scratch), text)?;
        generator_test::compile_sets(&options.repo, scratch, &sets)
    })?;
    let Some(failure) = failures.into_iter().next() else {
        return Ok(());
    };
    let named: Vec<String> = report
        .operations
        .iter()
        .filter(|op| failure.names(&op.operation_id))
        .map(|op| {
            format!(
                "{} {} ({})",
                op.method.to_uppercase(),
                op.path,
                op.operation_id
            )
        })
        .collect();
    let errors: Vec<&str> = failure.errors.lines().take(80).collect();
    Err(format!(
        "{}: the new spec does not compile with {}; nothing was written. {}\n{}",
        api.name,
        failure.set,
        if named.is_empty() {
            "The errors name no new or changed operation: see them below.".to_owned()
        } else {
            format!("The errors name: {}.", named.join(", "))
        },
        errors.join("\n")
    ))
}

pub(crate) fn print_reports(reports: &[(bool, DriftReport)], json: bool) -> Result<(), Failure> {
    if json {
        let all: Vec<Value> = reports
            .iter()
            .map(|(changed, report)| {
                let mut value = serde_json::to_value(report).map_err(|e| e.to_string())?;
                if let Some(map) = value.as_object_mut() {
                    map.insert("text_changed".into(), Value::Bool(*changed));
                }
                Ok(value)
            })
            .collect::<Result<_, Failure>>()?;
        println!(
            "{}",
            serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?
        );
    } else {
        for (changed, report) in reports {
            if *changed && report.is_empty() {
                println!(
                    "{}: the text changed, but nothing callers see (descriptions, examples, order)",
                    report.api
                );
            }
            print!("{}", report.to_text());
        }
    }
    Ok(())
}

/// The candidate text: a documentation page merged into the vendored spec, a
/// local file or URL, or upstream.
fn incoming(api: &ApiDef, options: &Options, current: Option<&str>) -> Result<Incoming, Failure> {
    if let Some(page_path) = &options.from_doc_page {
        let page = read(page_path)?;
        let fragment = doc_page::extract(&page)
            .ok_or_else(|| format!("{}: no OpenAPI fence", page_path.display()))?;
        let via = Some(format!(
            "OpenAPI fragment for {} {} fenced in an API documentation page",
            fragment.method.to_uppercase(),
            fragment.path,
        ));
        let text = match current {
            // A first import keeps the fenced text byte for byte.
            None => fragment.yaml,
            Some(current) => merge_fragment(current, &fragment.yaml)?,
        };
        return Ok(Incoming {
            text,
            source_url: fragment.source_url,
            via,
            page: Some(page),
        });
    }
    let (location, via) = match &options.from {
        Some(from) => (from.clone(), Some(format!("from {from}"))),
        None => (api.upstream_url.to_owned(), None),
    };
    let raw = if location.starts_with("http://") || location.starts_with("https://") {
        download(&location)?
    } else {
        read(Path::new(&location))?
    };
    // Upstream JSON is vendored as YAML, like every spec here.
    let is_json = raw.trim_start().starts_with('{')
        || api.upstream_format == UpstreamFormat::Json && options.from.is_none();
    let text = if is_json {
        let doc = spec::parse(&raw, &location).map_err(|e| e.to_string())?;
        spec::to_yaml(&doc)
    } else {
        raw
    };
    let source_url = if location.starts_with("http") {
        location.clone()
    } else {
        api.upstream_url.to_owned()
    };
    Ok(Incoming {
        text,
        source_url,
        via: via.filter(|_| !location.starts_with("http")),
        page: None,
    })
}

/// The vendored spec with a page's operations and components merged in. The
/// text is kept when the merge changes nothing.
fn merge_fragment(current: &str, fragment: &str) -> Result<String, Failure> {
    let mut doc = spec::parse(current, "vendored spec").map_err(|e| e.to_string())?;
    let page = spec::parse(fragment, "doc page").map_err(|e| e.to_string())?;
    let before = doc.clone();
    for section in ["paths", "components"] {
        let Some(entries) = page.get(section).and_then(Value::as_object) else {
            continue;
        };
        let target = doc
            .as_object_mut()
            .ok_or("vendored spec is not a mapping")?
            .entry(section)
            .or_insert_with(|| Value::Object(Default::default()));
        for (key, value) in entries {
            // Path items merge by method; component sections by name.
            match (target.get_mut(key), value) {
                (Some(Value::Object(existing)), Value::Object(incoming)) => {
                    for (k, v) in incoming {
                        existing.insert(k.clone(), v.clone());
                    }
                }
                _ => {
                    if let Some(map) = target.as_object_mut() {
                        map.insert(key.clone(), value.clone());
                    }
                }
            }
        }
    }
    Ok(if doc == before {
        current.to_owned()
    } else {
        spec::to_yaml(&doc)
    })
}

fn download(url: &str) -> Result<String, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        // The library's own HTTP setup (rustls with ring): one TLS configuration
        // for the whole workspace.
        let client = onlyfans_clients::http_client_builder()
            .map_err(|e| e.to_string())?
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("cannot fetch {url}: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("cannot fetch {url}: status {status}"));
        }
        response
            .text()
            .await
            .map_err(|e| format!("cannot read {url}: {e}"))
    })
}

/// Today's date (UTC), `YYYY-MM-DD`, without a date crate (civil-from-days).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Offline consistency check: every problem is listed, then exit 1 if any.
fn check(repo: &Path) -> Result<ExitCode, Failure> {
    let mut problems = Vec::new();
    let feature_table = features::table(&read(&repo.join("Cargo.toml"))?);
    for api in ALL {
        let spec_path = api.spec_path(repo);
        let text = read(&spec_path)?;
        match Provenance::read(&api.provenance_path(repo)) {
            Ok(provenance) => {
                if let Err(e) = provenance.verify(&text) {
                    problems.push(format!("{}: {e}", api.name));
                }
                let derived_path = api.derived_path(repo);
                let derived_text = derived_path
                    .exists()
                    .then(|| read(&derived_path))
                    .transpose()?;
                if let Err(e) = provenance.verify_derived(derived_text.as_deref()) {
                    problems.push(format!("{}: {e}", api.name));
                }
                if let Some(page) = &provenance.source_page
                    && let Err(e) = check_source_page(&api.dir(repo).join(page), &text)
                {
                    problems.push(format!("{}: {e}", api.name));
                }
            }
            Err(e) => problems.push(format!("{}: {e}", api.name)),
        }
        let (normalized, generated, operations) =
            match onlyfans_codegen::generate_api_modelled(api, repo, true) {
                Ok(modelled) => modelled,
                Err(e) => {
                    problems.push(format!("{}: {e}", api.name));
                    continue;
                }
            };
        for key in &normalized.report.superseded {
            problems.push(format!(
                "{}: {key} is in sdk-derived.yaml but upstream has it now: remove it (`cargo xtask update-specs --api {} --from <the vendored spec> --prune-derived`, or re-derive with `cargo xtask derive-specs`)",
                api.name, api.name
            ));
        }
        let resources = onlyfans_codegen::subset::features(api, &operations);
        let api_features =
            features::table(&read(&repo.join("apis").join(api.name).join("Cargo.toml"))?);
        problems.extend(features::problems(
            api,
            &resources,
            &feature_table,
            &api_features,
        ));
        let events = match onlyfans_codegen::api_events(&normalized) {
            Ok(events) => events,
            Err(e) => {
                problems.push(format!("{} webhook events: {e}", api.name));
                continue;
            }
        };
        let surface = match onlyfans_codegen::facade::surface(&operations, &events) {
            Ok(surface) => surface,
            Err(e) => {
                problems.push(format!("{} facade: {e}", api.name));
                continue;
            }
        };
        let mocks = match onlyfans_codegen::generate_api_mocks(api, &normalized, &operations) {
            Ok(mocks) => mocks,
            Err(e) => {
                problems.push(format!("{} mocks: {e}", api.name));
                continue;
            }
        };
        let httpmock = match onlyfans_codegen::generate_api_httpmock(api, &normalized) {
            Ok(helpers) => helpers,
            Err(e) => {
                problems.push(format!("{} httpmock helpers: {e}", api.name));
                continue;
            }
        };
        let expected = [
            ("generated_code", generated.code.clone()),
            ("normalized_spec", spec::to_yaml(&normalized.spec)),
            ("operations", summary::operations(&normalized.spec)),
            ("facade_surface", surface),
            ("httpmock", httpmock),
            ("mock_routes", mocks.routes),
        ];
        for (kind, actual) in expected {
            let snapshot = repo
                .join("tests/snapshots")
                .join(format!("generated__{}_{kind}.snap", api.name));
            match std::fs::read_to_string(&snapshot) {
                Ok(committed) if snapshot_body(&committed).trim_end() == actual.trim_end() => {}
                Ok(_) => problems.push(format!(
                    "{}: {kind} differs from {} (run `cargo insta test --review`)",
                    api.name,
                    snapshot.display()
                )),
                Err(e) => problems.push(format!("{}: {}: {e}", api.name, snapshot.display())),
            }
        }
    }
    if problems.is_empty() {
        println!("check: specs, provenance, overlays and generated code agree");
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &problems {
            println!("check: {problem}");
        }
        Ok(ExitCode::from(1))
    }
}

/// The documentation page named in the provenance record is there and still
/// explains the vendored text: merging its fragment in changes nothing.
fn check_source_page(page_path: &Path, vendored: &str) -> Result<(), Failure> {
    let page = read(page_path)?;
    let fragment = doc_page::extract(&page)
        .ok_or_else(|| format!("{}: no OpenAPI fence", page_path.display()))?;
    if merge_fragment(vendored, &fragment.yaml)? == vendored {
        Ok(())
    } else {
        Err(format!(
            "{}: its {} {} fragment is not what the vendored spec holds",
            page_path.display(),
            fragment.method.to_uppercase(),
            fragment.path
        ))
    }
}

/// The content of an insta snapshot file (after its metadata header).
fn snapshot_body(file: &str) -> &str {
    let mut parts = file.splitn(3, "---\n");
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), Some(_header), Some(body)) => body,
        _ => file,
    }
}
