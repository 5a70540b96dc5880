//! The crate's cargo features per resource (`ofauth-messages`) are named by
//! the operation model ([`onlyfans_codegen::subset`]); `Cargo.toml` has to
//! list them, so `cargo xtask check` holds its `[features]` table to the
//! model and prints the lines it should read.

use std::collections::{BTreeMap, BTreeSet};

use onlyfans_codegen::apis::ApiDef;

/// The `[features]` table of a manifest: each feature and what it enables.
/// A small reader for the one form the crate's manifest uses (`name = [..]`,
/// possibly over several lines, `#` comments).
pub fn table(manifest: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut in_features = false;
    let mut pending: Option<(String, String)> = None;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some((name, mut text)) = pending.take() {
            text.push_str(line);
            finish(&mut out, &mut pending, name, text);
            continue;
        }
        if line.starts_with('[') && !line.contains('=') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            finish(
                &mut out,
                &mut pending,
                name.trim().trim_matches('"').to_owned(),
                value.trim().to_owned(),
            );
        }
    }
    out
}

fn finish(
    out: &mut BTreeMap<String, Vec<String>>,
    pending: &mut Option<(String, String)>,
    name: String,
    text: String,
) {
    if !text.ends_with(']') {
        *pending = Some((name, text));
        return;
    }
    let items = text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(',')
        .map(|item| item.trim().trim_matches('"').to_owned())
        .filter(|item| !item.is_empty())
        .collect();
    out.insert(name, items);
}

/// What both manifests must say of one API's features. The API's crate
/// (`apis/<api>`): the API's feature enables every resource feature. The
/// facade (`onlyfans-clients`): each feature enables the API's crate (`_<api>`)
/// and forwards to the feature of the same name there; the API's feature
/// enables every resource feature besides.
pub fn problems(
    api: ApiDef,
    resources: &BTreeSet<String>,
    facade: &BTreeMap<String, Vec<String>>,
    api_crate: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let module = format!("_{}", api.name);
    let dependency = format!("onlyfans-clients-{}", api.name);
    let forward = |name: &str| format!("{dependency}/{name}");
    let mut in_facade: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut in_api_crate: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut whole = vec![module.clone(), forward(api.name)];
    whole.extend(resources.iter().cloned());
    in_facade.insert(api.name.to_owned(), whole);
    in_api_crate.insert(api.name.to_owned(), resources.iter().cloned().collect());
    for resource in resources {
        in_facade.insert(resource.clone(), vec![module.clone(), forward(resource)]);
        in_api_crate.insert(resource.clone(), Vec::new());
    }
    in_facade.insert(module.clone(), vec![format!("dep:{dependency}")]);
    let order: Vec<String> = std::iter::once(api.name.to_owned())
        .chain(resources.iter().cloned())
        .chain([module.clone()])
        .collect();
    let mut problems = compare(api, "Cargo.toml", &in_facade, facade, &order);
    let api_manifest = format!("apis/{}/Cargo.toml", api.name);
    problems.extend(compare(
        api,
        &api_manifest,
        &in_api_crate,
        api_crate,
        &order,
    ));
    problems
}

/// The problems of one manifest's features of `api` against `want`, and the
/// lines it should have when there are any.
fn compare(
    api: ApiDef,
    manifest: &str,
    want: &BTreeMap<String, Vec<String>>,
    table: &BTreeMap<String, Vec<String>>,
    order: &[String],
) -> Vec<String> {
    let prefix = format!("{}-", api.name);
    let module = format!("_{}", api.name);
    let have: BTreeMap<&String, &Vec<String>> = table
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix) || **name == api.name || **name == module)
        .collect();
    let mut problems = Vec::new();
    for (name, items) in want {
        match have.get(name) {
            None => problems.push(format!("{manifest}: feature `{name}` is missing")),
            Some(got) => {
                let (got, items): (BTreeSet<_>, BTreeSet<_>) =
                    (got.iter().collect(), items.iter().collect());
                if got != items {
                    problems.push(format!(
                        "{manifest}: feature `{name}` does not enable what it should"
                    ));
                }
            }
        }
    }
    for name in have.keys() {
        if !want.contains_key(*name) {
            problems.push(format!(
                "{manifest}: feature `{name}` names no resource of the API"
            ));
        }
    }
    if !problems.is_empty() {
        let mut lines = String::new();
        for name in order.iter().filter(|name| want.contains_key(*name)) {
            let items: Vec<String> = want[name].iter().map(|i| format!("{i:?}")).collect();
            if items.len() > 2 {
                lines.push_str(&format!("{name} = [\n    {},\n]\n", items.join(",\n    ")));
            } else {
                lines.push_str(&format!("{name} = [{}]\n", items.join(", ")));
            }
        }
        problems.push(format!(
            "{manifest}'s [features] should have, for {}:\n{lines}",
            api.title
        ));
    }
    problems
}

/// `ofauth` of `ofauth-messages`.
fn api_of(feature: &str) -> &str {
    feature.split('-').next().unwrap_or(feature)
}

/// `cargo xtask check-features`: the library and the API's crate compile,
/// without a warning, with each resource feature alone (the handwritten code
/// names nothing a resource's cut leaves out).
pub fn check_each(repo: &std::path::Path) -> Result<std::process::ExitCode, String> {
    let table = table(&crate::read(&repo.join("Cargo.toml"))?);
    let resources: Vec<&String> = table
        .iter()
        .filter(|(name, enables)| {
            onlyfans_codegen::apis::ALL.iter().any(|api| {
                name.starts_with(&format!("{}-", api.name))
                    && enables.first() == Some(&format!("_{}", api.name))
            })
        })
        .map(|(name, _)| name)
        .collect();
    let mut failed = Vec::new();
    for feature in &resources {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--lib", "-p", "onlyfans-clients"])
            .args(["-p", &format!("onlyfans-clients-{}", api_of(feature))])
            .args(["--no-default-features", "--features", feature.as_str()])
            .current_dir(repo)
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let verdict = if output.status.success() {
            "ok"
        } else {
            failed.push(feature.as_str());
            "FAILED"
        };
        println!("{feature}: {verdict}");
        if !output.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        }
    }
    if failed.is_empty() {
        println!(
            "check-features: each of {} resource features builds alone",
            resources.len()
        );
        Ok(std::process::ExitCode::SUCCESS)
    } else {
        Err(format!(
            "these features do not build alone: {}",
            failed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onlyfans_codegen::apis::OFAUTH;

    const MANIFEST: &str = r#"
[package]
name = "x"

[features]
default = ["ofauth"] # both
ofauth = [
    "_ofauth",
    "onlyfans-clients-ofauth/ofauth",
    "ofauth-messages", # chats
    "ofauth-vault",
]
ofauth-messages = ["_ofauth", "onlyfans-clients-ofauth/ofauth-messages"]
ofauth-vault = ["_ofauth", "onlyfans-clients-ofauth/ofauth-vault"]
_ofauth = ["dep:onlyfans-clients-ofauth"]

[dependencies]
ofauth-x = "1"
"#;

    const API_MANIFEST: &str = r#"
[features]
ofauth = ["ofauth-messages", "ofauth-vault"]
ofauth-messages = []
ofauth-vault = []
raw = ["dep:progenitor-client"]
"#;

    #[test]
    fn reads_the_features_table_only() {
        let table = table(MANIFEST);
        assert_eq!(
            table["ofauth"],
            [
                "_ofauth",
                "onlyfans-clients-ofauth/ofauth",
                "ofauth-messages",
                "ofauth-vault"
            ]
        );
        assert_eq!(table["_ofauth"], ["dep:onlyfans-clients-ofauth"]);
        assert!(!table.contains_key("ofauth-x"));
    }

    #[test]
    fn manifests_that_list_the_model_s_resources_pass() {
        let resources: BTreeSet<String> = ["ofauth-messages", "ofauth-vault"]
            .map(str::to_owned)
            .into();
        let (facade, api_crate) = (table(MANIFEST), table(API_MANIFEST));
        assert_eq!(
            problems(OFAUTH, &resources, &facade, &api_crate),
            Vec::<String>::new()
        );
        let more: BTreeSet<String> = ["ofauth-messages", "ofauth-posts"]
            .map(str::to_owned)
            .into();
        let found = problems(OFAUTH, &more, &facade, &api_crate);
        for expected in [
            "Cargo.toml: feature `ofauth-posts` is missing",
            "Cargo.toml: feature `ofauth-vault` names no resource of the API",
            "apis/ofauth/Cargo.toml: feature `ofauth-posts` is missing",
            "apis/ofauth/Cargo.toml: feature `ofauth` does not enable what it should",
        ] {
            assert!(found.iter().any(|p| p == expected), "{expected}: {found:?}");
        }
        let wanted = found
            .iter()
            .find(|p| p.starts_with("Cargo.toml's"))
            .unwrap();
        assert!(
            wanted
                .contains("ofauth-posts = [\"_ofauth\", \"onlyfans-clients-ofauth/ofauth-posts\"]"),
            "{wanted}"
        );
        assert!(
            wanted.contains(
                "ofauth = [\n    \"_ofauth\",\n    \"onlyfans-clients-ofauth/ofauth\",\n    \"ofauth-messages\",\n    \"ofauth-posts\",\n]"
            ),
            "{wanted}"
        );
        let wanted = found.last().unwrap();
        assert!(wanted.starts_with("apis/ofauth/Cargo.toml's"), "{wanted}");
        assert!(wanted.contains("ofauth-posts = []"), "{wanted}");
    }
}
