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

/// What the manifest must say of one API: the API's feature enables every
/// resource feature, each resource feature the API's module (`_<api>`).
pub fn problems(
    api: ApiDef,
    resources: &BTreeSet<String>,
    table: &BTreeMap<String, Vec<String>>,
) -> Vec<String> {
    let module = format!("_{}", api.name);
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut whole = vec![module.clone()];
    whole.extend(resources.iter().cloned());
    want.insert(api.name.to_owned(), whole);
    for resource in resources {
        want.insert(resource.clone(), vec![module.clone()]);
    }
    want.insert(module.clone(), Vec::new());
    let prefix = format!("{}-", api.name);
    let have: BTreeMap<&String, &Vec<String>> = table
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix) || **name == api.name || **name == module)
        .collect();
    let mut problems = Vec::new();
    for (name, items) in &want {
        match have.get(name) {
            None => problems.push(format!("feature `{name}` is missing")),
            Some(got) => {
                let (got, items): (BTreeSet<_>, BTreeSet<_>) =
                    (got.iter().collect(), items.iter().collect());
                if got != items {
                    problems.push(format!("feature `{name}` does not enable what it should"));
                }
            }
        }
    }
    for name in have.keys() {
        if !want.contains_key(*name) {
            problems.push(format!("feature `{name}` names no resource of the API"));
        }
    }
    if !problems.is_empty() {
        let mut lines = String::new();
        let order = std::iter::once(api.name.to_owned())
            .chain(resources.iter().cloned())
            .chain([module]);
        for name in order {
            let items: Vec<String> = want[&name].iter().map(|i| format!("{i:?}")).collect();
            if items.len() > 2 {
                lines.push_str(&format!("{name} = [\n    {},\n]\n", items.join(",\n    ")));
            } else {
                lines.push_str(&format!("{name} = [{}]\n", items.join(", ")));
            }
        }
        problems.push(format!(
            "Cargo.toml's [features] should have, for {}:\n{lines}",
            api.title
        ));
    }
    problems
}

/// `cargo xtask check-features`: the library compiles, without a warning,
/// with each resource feature alone (the handwritten code names nothing a
/// resource's cut leaves out; every paging style unused by it is allowed).
pub fn check_each(repo: &std::path::Path) -> Result<std::process::ExitCode, String> {
    let table = table(&crate::read(&repo.join("Cargo.toml"))?);
    let resources: Vec<&String> = table
        .iter()
        .filter(|(name, enables)| {
            onlyfans_codegen::apis::ALL.iter().any(|api| {
                name.starts_with(&format!("{}-", api.name))
                    && enables.as_slice() == [format!("_{}", api.name)]
            })
        })
        .map(|(name, _)| name)
        .collect();
    let mut failed = Vec::new();
    for feature in &resources {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["check", "--quiet", "-p", "onlyfans-clients", "--lib"])
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
    "ofauth-messages", # chats
    "ofauth-vault",
]
ofauth-messages = ["_ofauth"]
ofauth-vault = ["_ofauth"]
_ofauth = []

[dependencies]
ofauth-x = "1"
"#;

    #[test]
    fn reads_the_features_table_only() {
        let table = table(MANIFEST);
        assert_eq!(
            table["ofauth"],
            ["_ofauth", "ofauth-messages", "ofauth-vault"]
        );
        assert_eq!(table["_ofauth"], Vec::<String>::new());
        assert!(!table.contains_key("ofauth-x"));
    }

    #[test]
    fn a_manifest_that_lists_the_model_s_resources_passes() {
        let resources: BTreeSet<String> = ["ofauth-messages", "ofauth-vault"]
            .map(str::to_owned)
            .into();
        assert!(problems(OFAUTH, &resources, &table(MANIFEST)).is_empty());
        let more: BTreeSet<String> = ["ofauth-messages", "ofauth-posts"]
            .map(str::to_owned)
            .into();
        let found = problems(OFAUTH, &more, &table(MANIFEST));
        assert!(
            found
                .iter()
                .any(|p| p == "feature `ofauth-posts` is missing"),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p == "feature `ofauth-vault` names no resource of the API"),
            "{found:?}"
        );
        let wanted = found.last().unwrap();
        assert!(wanted.contains("ofauth-posts = [\"_ofauth\"]"), "{wanted}");
        assert!(
            wanted.contains(
                "ofauth = [\n    \"_ofauth\",\n    \"ofauth-messages\",\n    \"ofauth-posts\",\n]"
            ),
            "{wanted}"
        );
    }
}
