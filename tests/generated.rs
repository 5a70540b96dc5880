//! Snapshot tests of everything generated from the vendored specs: the
//! normalized spec, the operation list, the normalization report and the Rust
//! code. Any change to a spec, an overlay or a normalization rule shows up here
//! for review (`cargo insta review`).

use crate::support::{generated, normalized, repo_root};
use onlyfans_codegen::apis::{ALL, OFAUTH, ONLYFANSAPI};
use onlyfans_codegen::{spec, summary};
use serde_json::{Value, json};

/// Snapshots keep the names they have had (`generated__<api>_<kind>.snap`),
/// which `cargo xtask check` reads, though this file is now a module of the
/// one integration test binary: the module path is not prepended.
fn file_names() -> impl Sized {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind_to_scope()
}

#[test]
fn normalized_specs() {
    let _names = file_names();
    for api in ALL {
        let n = normalized(api);
        insta::assert_snapshot!(
            format!("generated__{}_normalized_spec", api.name),
            spec::to_yaml(&n.spec)
        );
    }
}

#[test]
fn operation_lists() {
    let _names = file_names();
    for api in ALL {
        let n = normalized(api);
        insta::assert_snapshot!(
            format!("generated__{}_operations", api.name),
            summary::operations(&n.spec)
        );
    }
}

#[test]
fn normalization_reports() {
    let _names = file_names();
    for api in ALL {
        let (n, _) = generated(api);
        insta::assert_yaml_snapshot!(format!("generated__{}_report", api.name), n.report);
    }
}

#[test]
fn generated_code() {
    let _names = file_names();
    for api in ALL {
        let (_, g) = generated(api);
        insta::assert_snapshot!(format!("generated__{}_generated_code", api.name), g.code);
    }
}

/// What callers of the generated facade see, per API: every client method
/// with its arguments, every setter with what it takes, and what `send`
/// returns. A spec update that changes callers' code shows here.
#[test]
fn facade_public_surface() {
    let _names = file_names();
    for api in ALL {
        let (n, _) = generated(api);
        let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
        let events = onlyfans_codegen::api_events(&n).unwrap();
        let surface = onlyfans_codegen::facade::surface(&operations, &events).unwrap();
        insta::assert_snapshot!(format!("generated__{}_facade_surface", api.name), surface);
    }
}

/// The `mock` feature's generated code: typed httpmock helpers and the mock
/// server's route table.
#[test]
fn generated_mocks() {
    let _names = file_names();
    for api in ALL {
        let m = mocks(api);
        insta::assert_snapshot!(
            format!("generated__{}_httpmock", api.name),
            httpmock_helpers(api)
        );
        insta::assert_snapshot!(format!("generated__{}_mock_routes", api.name), m.routes);
    }
}

fn mocks(api: onlyfans_codegen::ApiDef) -> onlyfans_codegen::Mocks {
    let (n, _) = generated(api);
    let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
    onlyfans_codegen::generate_api_mocks(api, &n, &operations).unwrap()
}

fn httpmock_helpers(api: onlyfans_codegen::ApiDef) -> String {
    let (n, _) = generated(api);
    onlyfans_codegen::generate_api_httpmock(api, &n).unwrap()
}

/// The code compiled into the crate is the code the snapshots show.
#[test]
fn build_script_output_is_the_snapshotted_code() {
    let built = |name: &str| {
        onlyfans_clients::ofauth::BUILT_FILES
            .iter()
            .chain(onlyfans_clients::onlyfansapi::BUILT_FILES)
            .find(|(file, _)| *file == name)
            .map(|(_, text)| *text)
            .unwrap_or_else(|| panic!("the build script wrote no {name}"))
    };
    let built = [OFAUTH, ONLYFANSAPI].map(|api| {
        let file = |kind: &str| built(&format!("{}_{kind}", api.name));
        (
            api,
            file("types.rs"),
            file("raw.rs"),
            file("httpmock.rs"),
            file("routes.json"),
            file("facade.rs"),
        )
    });
    for (api, types, client, httpmock, routes, facade) in built {
        let name = api.name;
        let (n, g) = generated(api);
        let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
        let events = onlyfans_codegen::api_events(&n).unwrap();
        let expected =
            onlyfans_codegen::generate_api_facade(api, &n, &operations, &events).unwrap();
        assert_eq!(expected, facade, "{name}: OUT_DIR facade differs");
        assert_eq!(g.types, types, "{name}: OUT_DIR types differ");
        assert_eq!(g.client, client, "{name}: OUT_DIR raw client differs");
        let m = mocks(api);
        assert_eq!(
            httpmock_helpers(api),
            httpmock,
            "{name}: OUT_DIR mocks differ"
        );
        assert_eq!(m.routes, routes, "{name}: OUT_DIR routes differ");
    }
}

/// Every `pub field: type` of the generated code.
fn fields(code: &str) -> Vec<(String, String)> {
    code.lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(": "))
        .filter(|(name, _)| {
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        })
        .map(|(n, t)| (n.to_owned(), t.trim_end_matches(',').to_owned()))
        .collect()
}

#[test]
fn no_id_count_or_offset_is_a_float() {
    for api in ALL {
        let (_, g) = generated(api);
        let fields = fields(&g.code);
        let integral: Vec<_> = fields
            .iter()
            .filter(|(n, _)| {
                // Whole words: `discount` is a percentage, not a count.
                let is_count = n == "count" || n.starts_with("count_") || n.ends_with("_count");
                n == "id"
                    || n.ends_with("_id")
                    || n.ends_with("offset")
                    || n == "previews"
                    // OnlyFansAPI's chart `count`s are amounts with cents where
                    // its spec says `number`; OFAuth's overlay lists its counts.
                    || (is_count && api.name == "ofauth")
            })
            .collect();
        assert!(
            integral.len() >= 3,
            "{}: expected id fields, found {integral:?}",
            api.name
        );
        for (name, ty) in integral {
            assert!(!ty.contains("f64"), "{}: `{name}` is {ty}", api.name);
        }
    }
    let (_, g) = generated(OFAUTH);
    let message_id = fields(&g.code)
        .into_iter()
        .find(|(n, _)| n == "id")
        .map(|(_, t)| t);
    assert_eq!(message_id.as_deref(), Some("u64"));
}

#[test]
fn ofauth_message_and_media_are_generated_once() {
    let (_, g) = generated(OFAUTH);
    let structs: Vec<&str> = g
        .code
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub struct "))
        .map(|l| l.split([' ', '(', '{']).next().unwrap_or(l))
        .collect();
    for name in ["Message", "Media", "Chat", "ReleaseForm"] {
        assert_eq!(
            structs.iter().filter(|s| **s == name).count(),
            1,
            "{name} in {structs:?}"
        );
    }
    assert!(
        !structs
            .iter()
            .any(|s| s.contains("ReplyTo") || s.contains("LastMessage")),
        "position-named copies left: {structs:?}"
    );
    // A reply is a message: the recursion is one boxed optional field.
    assert!(
        g.code
            .contains("pub reply_to_message: ::std::option::Option<::std::boxed::Box<Message>>")
    );
}

fn spec_with_extra_operations(extra: Value) -> Value {
    let text = std::fs::read_to_string(OFAUTH.spec_path(repo_root())).unwrap();
    let mut doc = spec::parse(&text, "ofauth").unwrap();
    let paths = doc["paths"].as_object_mut().unwrap();
    for (path, item) in extra.as_object().unwrap() {
        paths.insert(path.clone(), item.clone());
    }
    doc
}

/// A multipart upload, which progenitor cannot generate, is left out of the
/// raw client and modelled for the facade from the spec alone.
#[test]
fn multipart_operation_is_left_to_the_facade() {
    let doc = spec_with_extra_operations(json!({
        "/v2/access/uploads": {"post": {
            "summary": "Upload media",
            "requestBody": {"content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": {"description": "ok"}}
        }}
    }));
    let n = onlyfans_codegen::normalize::normalize(doc);
    let g = onlyfans_codegen::generate::generate(&n.spec, &Default::default(), "").unwrap();
    assert!(n.report.omitted.is_empty(), "{:?}", n.report.omitted);
    assert!(g.code.contains("pub async fn chats_list"));
    assert!(!g.code.contains("upload_media"), "not in the raw client");
    let operations = onlyfans_codegen::api_operations(onlyfans_codegen::apis::OFAUTH, &n).unwrap();
    let upload = operations
        .iter()
        .find(|op| op.path == "/v2/access/uploads")
        .expect("modelled for the facade");
    let body = upload.body.as_ref().unwrap();
    assert_eq!(
        body.encoding,
        onlyfans_codegen::model::BodyEncoding::Multipart
    );
    assert!(body.fields.iter().any(|f| f.wire == "file" && f.file));
}

/// An operation the generator rejects (here an `application/octet-stream`
/// body that is not a binary string, which progenitor cannot send) is left
/// out with the reason, while the rest still generates, raw client included.
#[test]
fn operation_rejected_by_the_generator_is_left_out() {
    let doc = spec_with_extra_operations(json!({
        "/v2/access/blobs": {"put": {
            "summary": "Put blob",
            "requestBody": {"content": {"application/octet-stream": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "ok"}}
        }}
    }));
    let n = onlyfans_codegen::normalize::normalize(doc);
    let g = onlyfans_codegen::generate::generate(&n.spec, &Default::default(), "").unwrap();
    assert_eq!(g.omitted.len(), 1, "{:?}", g.omitted);
    assert_eq!(g.omitted[0].operation_id, "put_blob");
    assert!(
        g.omitted[0].reason.contains("octet-stream"),
        "{}",
        g.omitted[0].reason
    );
    assert!(g.code.contains("pub async fn chats_list"));
}

/// Editing a vendored spec changes the snapshots: a renamed field shows in the
/// normalized spec, the operation list and the code.
#[test]
fn an_edited_spec_changes_what_is_snapshotted() {
    let text = std::fs::read_to_string(OFAUTH.spec_path(repo_root())).unwrap();
    let edited = text
        .replace("hasMore:", "hasMoreChats:")
        .replace("- hasMore", "- hasMoreChats");
    let before = onlyfans_codegen::normalize::normalize(spec::parse(&text, "a").unwrap());
    let after = onlyfans_codegen::normalize::normalize(spec::parse(&edited, "b").unwrap());
    assert_ne!(
        summary::operations(&before.spec),
        summary::operations(&after.spec)
    );
    let code = |n: &onlyfans_codegen::Normalized| {
        onlyfans_codegen::generate::generate(&n.spec, &Default::default(), "")
            .unwrap()
            .code
    };
    assert!(code(&after).contains("has_more_chats"));
}

/// The documentation pages the vendored specs were cut from are kept in the
/// repository, named by the provenance record, and hold the vendored text.
#[test]
fn vendored_specs_are_the_source_page_fragments_with_valid_provenance() {
    for api in ALL {
        let vendored = std::fs::read_to_string(api.spec_path(repo_root())).unwrap();
        let provenance = spec::Provenance::read(&api.provenance_path(repo_root())).unwrap();
        provenance.verify(&vendored).unwrap();
        assert_eq!(provenance.source_url, api.upstream_url);
        let page_name = provenance.source_page.as_deref().unwrap();
        assert_eq!(
            api.dir(repo_root()).join(page_name),
            api.source_page_path(repo_root())
        );
        let page = std::fs::read_to_string(api.source_page_path(repo_root())).unwrap();
        let fragment = onlyfans_codegen::doc_page::extract(&page).unwrap();
        assert_eq!(fragment.source_url, api.upstream_url);
        assert_eq!(
            fragment.yaml, vendored,
            "{}: vendored text differs from its seed page",
            api.name
        );
    }
}

/// The "API coverage" tables of `docs/COVERAGE.md` are the ones the specs
/// give (a spec update that changes them fails here until that file says so).
#[test]
fn coverage_doc_tables_match_the_specs() {
    // Every generated operation has a facade method; list operations whose
    // paging the model recognises have a stream.
    let coverage = std::fs::read_to_string(repo_root().join("docs/COVERAGE.md")).unwrap();
    let mut missing = String::new();
    for api in ALL {
        let (effective, _) = onlyfans_codegen::effective_spec(api, repo_root()).unwrap();
        let (n, _) = generated(api);
        let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
        let id = |op: &onlyfans_codegen::model::Operation| {
            n.spec["paths"][&op.path][op.method.to_ascii_lowercase()]["operationId"].as_str()
        };
        let with_method: Vec<&str> = operations.iter().filter_map(id).collect();
        let streamed: Vec<&str> = operations
            .iter()
            .filter(|op| op.pagination.is_some())
            .filter_map(id)
            .collect();
        let table = onlyfans_codegen::coverage::markdown(
            api.title,
            &effective,
            &n.spec,
            &n.report.omitted,
            &with_method,
            &streamed,
        );
        if !coverage.contains(&table) {
            missing.push_str(&table);
            missing.push('\n');
        }
    }
    assert!(
        missing.is_empty(),
        "docs/COVERAGE.md lacks the current coverage tables:\n\n{missing}"
    );
}

/// The upstream OnlyFansAPI operations nobody describes well enough to
/// generate (listed with their sources in `xtask/derive-specs/SOURCES.md`)
/// are named in `docs/COVERAGE.md` as reachable through the escape hatch.
#[test]
fn coverage_doc_lists_the_escape_hatch_only_operations() {
    let sources =
        std::fs::read_to_string(repo_root().join("xtask/derive-specs/SOURCES.md")).unwrap();
    let coverage = std::fs::read_to_string(repo_root().join("docs/COVERAGE.md")).unwrap();
    let table = sources
        .split_once("Escape hatch only")
        .expect("SOURCES.md has the escape-hatch-only table")
        .1;
    let rows: Vec<(&str, &str)> = table
        .lines()
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((cells.get(1)?.trim_matches('`'), *cells.get(2)?))
        })
        .collect();
    assert_eq!(rows.len(), 17, "{rows:?}");
    let absent: Vec<_> = rows
        .iter()
        .filter(|(op, id)| !coverage.contains(&format!("- `{op}` {id}")))
        .collect();
    assert!(
        absent.is_empty(),
        "docs/COVERAGE.md does not list {absent:?}"
    );
}

/// `code` without whitespace (nor the comma prettyplease leaves after a broken
/// generic argument), with `Option` and `Box` by their short names.
fn spaceless(code: &str) -> String {
    code.split_whitespace()
        .collect::<String>()
        .replace(",>", ">")
        .replace("::std::option::Option<", "Option<")
        .replace("::std::boxed::Box<", "Box<")
}

/// The quirk shapes of both specs are one handwritten type each, in every
/// operation: user references (`fromUser`, `withUser`, `author`, ...) are
/// `UserRef`; OFAuth's `canNotSendReason` and media kinds are
/// `CanNotSendReason` and `MediaKind`; a response `id` the spec types as a
/// string is `Id` (a number or a string); OFAuth's message listed without its
/// reply is the one recursive `Message`.
#[test]
fn quirk_shapes_are_one_type_each() {
    for api in ALL {
        let (n, g) = generated(api);
        let replaced = onlyfans_codegen::replacements::replacements(&n.spec);
        let expected: &[&str] = if api.name == "ofauth" {
            &["UserRef", "CanNotSendReason", "Id", "MediaKind"]
        } else {
            &["UserRef", "Id"]
        };
        let names: Vec<&str> = replaced.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, expected, "{}", api.name);
        for (schema, rust_type) in &replaced {
            assert_eq!(rust_type, &format!("::onlyfans_clients_core::{schema}"));
            assert!(
                !g.code.contains(&format!("pub struct {schema} ")),
                "{}: {schema} is still generated",
                api.name
            );
            assert!(
                g.code.contains(rust_type.as_str()),
                "{}: {rust_type}",
                api.name
            );
        }
        assert!(spaceless(&g.code).contains("from_user:Option<::onlyfans_clients_core::UserRef>"));
    }
    // Compared without whitespace: how prettyplease breaks a long line is not the point.
    let of = spaceless(&generated(OFAUTH).1.code);
    for field in [
        "can_not_send_reason:Option<::onlyfans_clients_core::CanNotSendReason>",
        "type_:Option<::onlyfans_clients_core::MediaKind>",
        "reply_to_message:Option<Box<Message>>",
    ] {
        assert!(of.contains(field), "{field}");
    }
    for projection in [
        "ChatMessagesList",
        "GetChatMediaList",
        "ChatCanNotSendReason",
    ] {
        assert!(
            !of.contains(&format!("pubstruct{projection}{{"))
                && !of.contains(&format!("pubenum{projection}{{")),
            "{projection} is still a type of its own"
        );
    }
}

/// `docs/NAMES.md` maps every vendor operation to where it sits on its
/// client; the tables are the ones the naming rule gives the current specs.
#[test]
fn names_doc_tables_match_the_surface() {
    let names = std::fs::read_to_string(repo_root().join("docs/NAMES.md")).unwrap_or_default();
    let mut missing = String::new();
    for (api, client) in ALL.into_iter().zip(["of", "api"]) {
        let (n, _) = generated(api);
        let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
        let table = onlyfans_codegen::naming::table(api.title, client, &operations);
        if !names.contains(&table) {
            missing.push_str(&table);
            missing.push('\n');
        }
    }
    assert!(
        missing.is_empty(),
        "docs/NAMES.md lacks the current names tables:\n\n{missing}"
    );
}

/// Every name of the vendored specs' surface keeps to the naming rule: at
/// most four words, no keyword, no route repaired to stay unique.
#[test]
fn every_name_keeps_to_the_rule() {
    for api in ALL {
        let (n, _) = generated(api);
        let operations = onlyfans_codegen::api_operations(api, &n).unwrap();
        let problems = onlyfans_codegen::naming::problems(&operations);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            api.name,
            problems.join("\n")
        );
    }
}

/// Vendor operations the naming rule cannot place well still get routes
/// that compile, and each repair is reported: no tag (`other`), a keyword
/// for a name, a route another operation has.
#[test]
fn awkward_names_are_repaired_and_reported() {
    let doc = spec_with_extra_operations(json!({
        "/v2/access/things": {"get": {
            "summary": "Things list",
            "tags": ["Type"],
            "responses": {"200": {"description": "ok"}}
        }},
        "/v2/access/stuff": {"get": {
            "summary": "Stuff",
            "responses": {"200": {"description": "ok"}}
        }},
        "/v2/access/things/all": {"get": {
            "operationId": "list_chats",
            "tags": ["Messages"],
            "responses": {"200": {"description": "ok"}}
        }}
    }));
    let n = onlyfans_codegen::normalize::normalize(doc);
    let operations = onlyfans_codegen::api_operations(OFAUTH, &n).unwrap();
    let route = |path: &str| {
        operations
            .iter()
            .find(|op| op.path == path)
            .map(|op| op.route.dotted())
            .unwrap()
    };
    assert_eq!(route("/v2/access/things"), "type_.list_things");
    assert_eq!(route("/v2/access/stuff"), "other.get_stuff");
    assert_eq!(route("/v2/access/chats"), "messages.list_chats");
    assert_eq!(route("/v2/access/things/all"), "messages.list_chats_get");
    let problems = onlyfans_codegen::naming::problems(&operations).join("\n");
    assert!(
        problems.contains("GET /v2/access/things (`type_.list_things`)"),
        "{problems}"
    );
    assert!(
        problems.contains("(`messages.list_chats_get`): renamed"),
        "{problems}"
    );
    assert_eq!(problems.lines().count(), 3, "{problems}");
}

/// Fields, parameters and headers named like credentials
/// (`onlyfans_codegen::audit::LOOKS_LIKE`) that are not: each prints in
/// `Debug` on purpose. Every other such name of both APIs is redacted.
const PLAIN_BY_DESIGN: &[(&str, &str)] = &[
    (
        "Idempotency-Key",
        "a random id with no authority, shown to trace a retry",
    ),
    (
        "auth_id",
        "the OnlyFans user id sent with the session: it names, not proves",
    ),
    ("authentication_progress", "a login attempt's status"),
    (
        "code",
        "in answers a country's, payout system's or release form's code (a request's is the 2FA code, `Secret`)",
    ),
    ("countryCode", "a country"),
    ("country_code", "a country"),
    ("error_code", "why a login attempt failed"),
    ("key", "a custom field's or a label's key"),
    (
        "mobile_auth_session_deeplink",
        "the link the creator opens in their own OnlyFans app to approve a login",
    ),
    (
        "otp_phone_ending",
        "the last digits of the phone a code is sent to",
    ),
    ("payoutCode", "a payout system"),
    (
        "signature",
        "a release form's signature: users read it, it authorizes nothing",
    ),
    ("signed", "a release form's signers"),
];

/// Every struct field of the generated types (bodies, answers, webhook
/// events), every parameter and header of both APIs, whose name looks like a
/// credential and whose value would print in `Debug`: each is in
/// [`PLAIN_BY_DESIGN`], and each entry there is still in a spec. A field the
/// vendor adds (`sessionCookie`) that the rule does not redact fails here.
#[test]
fn every_credential_is_redacted() {
    let mut unexpected = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for api in ALL {
        let (effective, _) = onlyfans_codegen::effective_spec(api, repo_root()).unwrap();
        let model = onlyfans_codegen::api_model(api, effective).unwrap();
        assert!(
            model.types.len() > 50 && !model.events.is_empty(),
            "{}",
            api.name
        );
        for plain in onlyfans_codegen::audit::plain_credentials(&model) {
            if PLAIN_BY_DESIGN.iter().any(|(name, _)| *name == plain.name) {
                seen.insert(plain.name);
            } else {
                unexpected.push(format!("{}: {plain}", api.name));
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "named like credentials, printed by `Debug`:\n{}",
        unexpected.join("\n")
    );
    let stale: Vec<_> = PLAIN_BY_DESIGN
        .iter()
        .filter(|(name, _)| !seen.contains(*name))
        .collect();
    assert!(stale.is_empty(), "no longer in either spec: {stale:?}");
}
