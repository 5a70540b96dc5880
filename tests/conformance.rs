//! Whole-surface conformance against an independent validator.
//!
//! Every operation of both APIs is sent through its facade builder with every
//! parameter and body field set to a value the spec allows (the calls are
//! generated from the operation model: `<api>::conformance::CALLS`) to
//! Prism (`@stoplight/prism-cli`, installed by `cargo xtask test`), which
//! serves the vendor's description (`onlyfans_codegen::validator_spec`: the
//! vendored text, the SDK-derived operations and our overlay). For each
//! operation it checks that
//!
//! - Prism finds nothing wrong with the request (no `422`, no `request`
//!   entry in its `sl-violations` header), and
//! - Prism's answer, from the spec's examples and again generated from the
//!   response schema (`--dynamic`), decodes with no misfit.
//!
//! Operations that do not conform yet are listed below with their cause; the
//! test fails when one more fails, and when a listed one conforms (then the
//! list shrinks). It prints the counts per API.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use onlyfans_clients::mock::conformance::{Answer, Call};
use onlyfans_clients::{Error, Method, ofauth, onlyfansapi};
use onlyfans_codegen::apis::{ApiDef, OFAUTH, ONLYFANSAPI};

/// Operations whose request Prism refuses today, by API and operation, with
/// a part of the reason Prism gives.
const KNOWN_INVALID_REQUESTS: &[(&str, &str, &str)] = &[];

/// Operations whose answer does not decode without misfits today.
const KNOWN_MISFITTING_ANSWERS: &[(&str, &str, &str)] = &[];

/// A Prism mock server of the test's own, on a free loopback port.
struct Prism {
    child: Child,
    base_url: String,
}

impl Prism {
    fn start(spec: &Path, dynamic: bool) -> Prism {
        let executable = prism_executable();
        let mut command = Command::new(&executable);
        command
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if dynamic {
            command.args(["--dynamic", "--seed", "7"]);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism at {}: {e}", executable.display()));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        // Prism logs every request: keep reading so that it never blocks.
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if !sent && let Some((_, url)) = line.split_once("Prism is listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                    sent = true;
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(base_url) => Prism { child, base_url },
            Err(_) => {
                let _ = child.kill();
                let mut stderr = String::new();
                if let Some(mut err) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut err, &mut stderr);
                }
                panic!("Prism did not start on {}: {stderr}", spec.display());
            }
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prism as `cargo xtask test` installed it.
fn prism_executable() -> PathBuf {
    if let Some(path) = std::env::var_os("ONLYFANS_PRISM") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let path = target.join("test-tools/prism/node_modules/.bin/prism");
    assert!(
        path.exists(),
        "Prism is not installed: run the tests with `cargo xtask test`, which installs it \
         (the npm package @stoplight/prism-cli pinned by xtask/prism/package-lock.json)"
    );
    path
}

fn root() -> &'static Path {
    crate::support::repo_root()
}

/// The validator's spec of `api`, written where Prism can read it.
fn served_spec(api: ApiDef) -> PathBuf {
    let spec = onlyfans_codegen::validator_spec(api, root()).unwrap();
    let path = std::env::temp_dir().join(format!(
        "onlyfans-conformance-{}-{}.json",
        std::process::id(),
        api.name
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(&spec).unwrap()).unwrap();
    path
}

/// What one call showed.
#[derive(Default)]
struct Findings {
    /// Operation → why Prism refused the request (or why it could not be built).
    invalid_requests: BTreeMap<String, String>,
    /// Operation → the misfits of Prism's answer, or why it failed.
    misfitting_answers: BTreeMap<String, String>,
    /// Operation → where Prism's own answer broke the spec (its generator
    /// does not honour every constraint): that answer's misfits are Prism's.
    answers_outside_the_spec: BTreeMap<String, String>,
    total: usize,
}

/// The entries of an `sl-violations` header about the request or the
/// response (`place`).
fn violations(header: Option<&str>, place: &str) -> Vec<String> {
    let entries: Vec<serde_json::Value> = header
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    entries
        .into_iter()
        .filter(|e| e["location"][0] == place)
        .map(|e| format!("{} ({})", e["message"], e["location"]))
        .collect()
}

async fn run<C>(calls: &[(&str, &str, &str, Call<C>)], clients: [&C; 2], findings: &mut Findings) {
    for &(method, path, name, call) in calls {
        findings.total += 1;
        for (mode, client) in ["examples", "dynamic"].into_iter().zip(clients) {
            match call(client).await {
                Err(why) => {
                    findings
                        .invalid_requests
                        .insert(name.to_owned(), format!("not built: {why}"));
                }
                Ok(Err(Error::Api { response, .. })) if response.status.as_u16() == 422 => {
                    findings
                        .invalid_requests
                        .insert(name.to_owned(), format!("422: {}", response.body_excerpt));
                }
                Ok(Err(error)) => {
                    findings
                        .misfitting_answers
                        .entry(name.to_owned())
                        .or_insert(format!("{method} {path} ({mode}): {error}"));
                }
                Ok(Ok(Answer {
                    violations: violations_header,
                    misfits,
                    ..
                })) => {
                    let refused = violations(violations_header.as_deref(), "request");
                    if !refused.is_empty() {
                        findings
                            .invalid_requests
                            .insert(name.to_owned(), refused.join("; "));
                    }
                    let outside = violations(violations_header.as_deref(), "response");
                    if !misfits.is_empty() && !outside.is_empty() {
                        findings
                            .answers_outside_the_spec
                            .insert(name.to_owned(), format!("({mode}) {}", outside.join("; ")));
                    } else if !misfits.is_empty() {
                        let list: Vec<String> = misfits.iter().map(|m| m.to_string()).collect();
                        findings
                            .misfitting_answers
                            .entry(name.to_owned())
                            .or_insert(format!("({mode}) {}", list.join("; ")));
                    }
                }
            }
        }
    }
}

fn ofauth_client(base_url: &str) -> ofauth::Client {
    ofauth::Client::builder()
        .api_key("sk_conformance")
        .connection_id("conn_conformance")
        .base_url(base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn onlyfansapi_client(base_url: &str) -> onlyfansapi::Client {
    onlyfansapi::Client::builder()
        .api_key("ofapi_conformance")
        .base_url(base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Compares the findings with the known lists; the differences, in words.
fn unexpected(
    api: &str,
    found: &BTreeMap<String, String>,
    known: &[(&str, &str, &str)],
    what: &str,
) -> Vec<String> {
    let known: BTreeMap<&str, &str> = known
        .iter()
        .filter(|(a, _, _)| *a == api)
        .map(|(_, op, why)| (*op, *why))
        .collect();
    let mut out = Vec::new();
    for (op, why) in found {
        if known
            .get(op.as_str())
            .is_none_or(|part| !why.contains(part))
        {
            out.push(format!("{api} {op}: {what}: {why}"));
        }
    }
    for op in known.keys() {
        if !found.contains_key(*op) {
            out.push(format!(
                "{api} {op}: listed as failing ({what}) but conforms now: remove it"
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_sends_what_the_spec_accepts_and_decodes_what_it_answers() {
    let mut problems = Vec::new();
    let mut counts = Vec::new();
    for api in [OFAUTH, ONLYFANSAPI] {
        let spec = served_spec(api);
        let examples = Prism::start(&spec, false);
        let dynamic = Prism::start(&spec, true);
        let mut findings = Findings::default();
        // The control: a request the spec refuses (a `limit` below its
        // minimum, sent through the escape hatch, which checks nothing) must
        // be refused, or the validator checks nothing either.
        let refused = if api.name == OFAUTH.name {
            let clients = [
                &ofauth_client(&examples.base_url),
                &ofauth_client(&dynamic.base_url),
            ];
            run(ofauth::conformance::CALLS, clients, &mut findings).await;
            clients[0]
                .request(Method::GET, "/v2/access/chats")
                .query(&[("limit", "0")])
                .send_json()
                .await
        } else {
            let clients = [
                &onlyfansapi_client(&examples.base_url),
                &onlyfansapi_client(&dynamic.base_url),
            ];
            run(onlyfansapi::conformance::CALLS, clients, &mut findings).await;
            clients[0]
                .request(Method::GET, "/api/acct_1/chats/1/messages")
                .query(&[("limit", "many")])
                .send_json()
                .await
        };
        assert!(
            matches!(&refused, Err(Error::Api { response, .. }) if response.status.as_u16() == 422),
            "{}: the validator accepted a request its spec refuses: {refused:?}",
            api.name
        );
        for (op, why) in &findings.answers_outside_the_spec {
            println!(
                "{} {op}: Prism's own answer broke the spec, not judged: {why}",
                api.name
            );
        }
        let _ = std::fs::remove_file(&spec);
        let total = findings.total;
        let valid = total - findings.invalid_requests.len();
        let decoded = total
            - findings
                .misfitting_answers
                .keys()
                .chain(findings.invalid_requests.keys())
                .collect::<std::collections::BTreeSet<_>>()
                .len();
        counts.push(format!(
            "{}: requests valid {valid}/{total}, responses decoded {decoded}/{total}",
            api.name
        ));
        problems.extend(unexpected(
            api.name,
            &findings.invalid_requests,
            KNOWN_INVALID_REQUESTS,
            "request refused",
        ));
        problems.extend(unexpected(
            api.name,
            &findings.misfitting_answers,
            KNOWN_MISFITTING_ANSWERS,
            "answer does not decode cleanly",
        ));
    }
    println!("{}", counts.join("\n"));
    assert!(
        problems.is_empty(),
        "{}\n\n{}",
        counts.join("\n"),
        problems.join("\n")
    );
}

/// The crate's own mock (`mock::MockServer`) accepts every conformance call
/// (but a made-up paging cursor, which it refuses as a paging API does) and
/// answers it with a body that decodes with no misfit: users' tests against
/// the mock meet the types the real answers have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_answers_every_operation_with_a_body_that_decodes() {
    let server = onlyfans_clients::mock::MockServer::builder()
        .start()
        .await
        .unwrap();
    let of = server.ofauth().build().unwrap();
    let api = server.onlyfansapi().build().unwrap();
    let mut problems = Vec::new();
    async fn check<C>(
        name_of_api: &str,
        calls: &[(&str, &str, &str, Call<C>)],
        client: &C,
        problems: &mut Vec<String>,
    ) {
        for &(method, path, name, call) in calls {
            match call(client).await {
                Ok(Ok(answer)) if answer.misfits.is_empty() => {}
                Ok(Ok(answer)) => problems.push(format!(
                    "{name_of_api} {name} ({method} {path}): misfits {:?}",
                    answer.misfits
                )),
                // The mock pages its own items: a cursor the call made up
                // (the spec's example marker) names none of them, and the
                // mock says so as a paging API does.
                Ok(Err(error)) if error.to_string().contains("is not an item of this list") => {}
                Ok(Err(error)) => {
                    problems.push(format!("{name_of_api} {name} ({method} {path}): {error}"))
                }
                Err(why) => problems.push(format!("{name_of_api} {name}: not built: {why}")),
            }
        }
    }
    check("ofauth", ofauth::conformance::CALLS, &of, &mut problems).await;
    check(
        "onlyfansapi",
        onlyfansapi::conformance::CALLS,
        &api,
        &mut problems,
    )
    .await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
