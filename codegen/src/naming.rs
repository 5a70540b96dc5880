//! Where each operation lives on the public surface: its resource path and
//! method name (`api.account("acct_1").chats().messages().send(chat_id)`),
//! decided once, here, for every emitter.
//!
//! **Resources follow the vendor's own tree.** An operation derived from a
//! resource-based SDK (OnlyFansAPI's Stainless SDK: `resources/chats/messages.py`)
//! sits where that SDK puts it (`chats.messages`); any other sits under its
//! first tag (`"User Lists"` → `user_lists`, `"Vault+"` → `vault_plus`).
//!
//! **One verb rule for both APIs.** The method name is the SDK's method
//! (`retrieve` read as `get`), or else the words of the operation id with
//! the verb first (`chats_list` → `list_chats`; `edit`/`replace`/`retrieve`
//! read as `update`/`update`/`get`; no verb: `list` for a list answer,
//! `get` for a `GET`, else the HTTP method's verb). Words that only repeat
//! the resource are dropped (`user_lists.list_user_lists` → `user_lists.list`),
//! articles too. A name has at most four words and no digit glued into a
//! word; where the rule cannot meet that, the API's [`Choices::routes`]
//! gives the route by hand, and generation fails naming any operation that
//! still breaks it, so a new vendor operation never gets a sentence for a name.
//!
//! Operations whose path names the API's account parameter (OnlyFansAPI's
//! `{account}`) hang off an account handle, so the account is given once.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::Error;
use crate::model::Operation;

/// The Rust-side naming choices of one API (one small table per API, in
/// `lib.rs`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Choices {
    /// The path parameter that selects the account: operations naming it
    /// are reached through `client.account(id)`.
    pub account_param: Option<&'static str>,
    /// Resource names for tags whose own would not do (`Self` is a Rust keyword).
    pub tag_names: &'static [(&'static str, &'static str)],
    /// Routes given by hand, by `"METHOD /path"`: `"resource.sub.method"`.
    pub routes: &'static [(&'static str, &'static str)],
}

/// Where an operation is reached.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// The path parameter the account handle fills in, when it hangs off
    /// that handle.
    pub account: Option<String>,
    /// The resource path (`["chats", "messages"]`), never empty.
    pub resources: Vec<String>,
    /// The method on the innermost resource (`send`).
    pub method: String,
    /// Why the rule's name was changed to keep the surface compiling.
    pub repaired: Option<&'static str>,
}

impl Route {
    /// `account.chats.messages.send` or `accounts.list`.
    pub fn dotted(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if self.account.is_some() {
            parts.push("account");
        }
        parts.extend(self.resources.iter().map(String::as_str));
        parts.push(&self.method);
        parts.join(".")
    }

    /// The call as a user writes it, with the operation's other path
    /// parameters: `api.account(account).chats().messages().send(chat_id)`.
    pub fn call(&self, client: &str, args: &[&str]) -> String {
        let mut out = client.to_owned();
        if self.account.is_some() {
            out.push_str(".account(account)");
        }
        for resource in &self.resources {
            out.push_str(&format!(".{resource}()"));
        }
        out.push_str(&format!(".{}({})", self.method, args.join(", ")));
        out
    }
}

/// Verbs a name may start with besides the HTTP ones; a word seen last in
/// an operation id (`chats_list`) moves to the front only when it is one.
const VERBS: &[&str] = &[
    "list",
    "get",
    "create",
    "update",
    "delete",
    "send",
    "add",
    "remove",
    "search",
    "set",
    "mark",
    "share",
    "revoke",
    "stop",
    "check",
    "upload",
    "initialize",
    "import",
    "disconnect",
    "invalidate",
    "generate",
    "apply",
    "clear",
    "pin",
    "unpin",
    "like",
    "unlike",
    "mute",
    "unmute",
    "hide",
    "cancel",
    "retry",
    "start",
    "reorder",
    "toggle",
    "download",
    "scrape",
    "calculate",
    "restrict",
    "unrestrict",
    "unsend",
    "store",
    "cache",
    "finalize",
    "submit",
    "poll",
    "reauthenticate",
    "subscribe",
    "block",
    "enable",
    "disable",
    "publish",
    "archive",
    "unarchive",
    "request",
];

/// Vendor verbs read as one of the rule's.
const SYNONYMS: &[(&str, &str)] = &[
    ("retrieve", "get"),
    ("fetch", "get"),
    ("show", "get"),
    ("edit", "update"),
    ("replace", "update"),
];

/// Words that name nothing.
const ARTICLES: &[&str] = &["a", "an", "the"];

/// Rust keywords a method or resource cannot be named.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Methods every facade client has by hand: no resource takes their names.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "raw",
    "base_url",
    "core",
    "request",
    "from_core",
];

/// At most this many words in a method name.
pub const MAX_WORDS: usize = 4;

/// Gives every operation its route. Whatever spec comes, the routes
/// compile: a name that is a Rust keyword gets `_` appended, a route taken
/// twice gets the HTTP method appended (then a count), a method named like
/// a resource beside it gets `_call`. Each such repair, and every name the
/// rule could not keep short, is listed by [`problems`], which the tests
/// hold empty for the vendored specs.
pub fn assign(operations: &mut [Operation], spec: &Value, choices: &Choices) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for op in operations.iter_mut() {
        let mut route = route(op, spec, choices)?;
        for name in route.resources.iter_mut().chain([&mut route.method]) {
            let fixed = identifier(name);
            if fixed != *name {
                route.repaired = Some("not a Rust identifier");
                *name = fixed;
            }
        }
        if route.account.is_none()
            && let Some(top) = route.resources.first_mut()
            && (CLIENT_METHODS.contains(&top.as_str())
                || (choices.account_param.is_some() && top == "account"))
        {
            route.repaired = Some("a method of the client");
            top.push('_');
        }
        if seen.contains(&route.dotted()) {
            route.repaired = Some("the route of another operation");
            route.method = format!("{}_{}", route.method, op.method.to_ascii_lowercase());
        }
        let base = route.method.clone();
        let mut count = 2;
        while seen.contains(&route.dotted()) {
            route.method = format!("{base}_{count}");
            count += 1;
        }
        seen.insert(route.dotted());
        op.route = route;
    }
    // A method and a resource of one name beside each other.
    let parents: BTreeSet<String> = operations
        .iter()
        .flat_map(|op| {
            (1..=op.route.resources.len()).map(|depth| {
                let route = Route {
                    resources: op.route.resources[..depth - 1].to_vec(),
                    method: op.route.resources[depth - 1].clone(),
                    account: op.route.account.clone(),
                    repaired: None,
                };
                route.dotted()
            })
        })
        .collect();
    for op in operations.iter_mut() {
        if parents.contains(&op.route.dotted()) {
            op.route.repaired = Some("the name of a resource beside it");
            op.route.method.push_str("_call");
        }
    }
    Ok(())
}

/// A snake_case identifier from `name`: other characters become `_`, a
/// leading digit or a keyword gets one more word.
fn identifier(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out = "other".to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "op_");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

fn route(op: &Operation, spec: &Value, choices: &Choices) -> Result<Route, Error> {
    let key = format!("{} {}", op.method, op.path);
    let account = choices
        .account_param
        .filter(|param| op.path.contains(&format!("{{{param}}}")))
        .map(str::to_owned);
    if let Some((_, given)) = choices.routes.iter().find(|(k, _)| *k == key) {
        let mut parts: Vec<String> = given.split('.').map(str::to_owned).collect();
        let method = parts.pop().unwrap_or_default();
        return Ok(Route {
            account,
            resources: parts,
            method,
            repaired: None,
        });
    }
    let spec_op = crate::model::spec_operation(spec, &op.method, &op.path)
        .map(|s| s.op)
        .unwrap_or(&Value::Null);
    let (resources, sdk_method) = match sdk_place(spec_op) {
        Some((resources, method)) => (resources, method),
        None => (tag_resource(spec_op, choices), None),
    };
    let words: Vec<String> = match sdk_method {
        Some(method) => method.split('_').map(str::to_owned).collect(),
        None => op.name.split('_').map(str::to_owned).collect(),
    };
    // A list answer: paged, an array, or asked for with a page size.
    let listy = op.pagination.is_some()
        || matches!(&op.response, crate::model::ResponseKind::Json(t)
            if crate::facade::compact(t).starts_with("::std::vec::Vec<"))
        || op.params.iter().any(|p| {
            p.location == crate::model::Location::Query
                && matches!(p.wire.as_str(), "limit" | "offset" | "marker")
        });
    let resource = resources.last().map(String::as_str).unwrap_or_default();
    Ok(Route {
        account,
        method: method_name(&words, resource, &op.method, listy),
        resources,
        repaired: None,
    })
}

/// The resource path and method of an operation derived from a
/// resource-based SDK: `onlyfansapi/resources/chats/messages.py` with
/// `onlyfansapi/types/chats/message_send_params.py` is `chats.messages`,
/// `send` (a module named like its package, `chats/chats.py`, is the
/// package's own resource). An operation upstream describes has the place the
/// SDK gives it (`x-sdk-place`, set by [`crate::merge`]), so its call does not
/// move when upstream text replaces a derived entry.
fn sdk_place(op: &Value) -> Option<(Vec<String>, Option<String>)> {
    let place = op
        .get(crate::merge::DERIVED_FROM)
        .or_else(|| op.get(crate::merge::SDK_PLACE))?;
    let files: Vec<&str> = place
        .get("files")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let module = files.iter().find_map(|f| f.split_once("/resources/"))?.1;
    let mut resources: Vec<String> = module
        .trim_end_matches(".py")
        .split('/')
        .map(str::to_owned)
        .collect();
    if resources.len() > 1 && resources[resources.len() - 1] == resources[resources.len() - 2] {
        resources.pop();
    }
    let last = resources.last()?.clone();
    // A types file is `<resource, singular>_<method>_params|response.py`.
    let method = files
        .iter()
        .filter_map(|f| f.split_once("/types/"))
        .filter_map(|(_, file)| file.rsplit('/').next())
        .filter_map(|file| {
            let stem = file.trim_end_matches(".py");
            stem.strip_suffix("_params")
                .or_else(|| stem.strip_suffix("_response"))
        })
        .find_map(|stem| {
            let mut forms = singular_forms(&last);
            forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
            forms
                .iter()
                .find_map(|form| stem.strip_prefix(&format!("{form}_")))
                .map(str::to_owned)
        });
    Some((resources, method))
}

/// The resource of an operation no SDK tree places: its first tag, or
/// `other` for an operation with none (named in `docs/NAMES.md`, so a
/// maintainer can give it a place).
fn tag_resource(op: &Value, choices: &Choices) -> Vec<String> {
    let Some(tag) = op.pointer("/tags/0").and_then(Value::as_str) else {
        return vec!["other".to_owned()];
    };
    let name = match choices.tag_names.iter().find(|(t, _)| *t == tag) {
        Some((_, name)) => (*name).to_owned(),
        None => tag.replace('+', " plus").to_snake_case(),
    };
    vec![name]
}

/// `stories` → `story`, `stories`; `messages` → `message`, `messages`.
fn singular_forms(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_owned()];
    if let Some(stem) = word.strip_suffix("ies") {
        forms.push(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix('s') {
        forms.push(stem.to_owned());
    }
    forms
}

/// The verb rule (see the module documentation).
fn method_name(words: &[String], resource: &str, http: &str, listy: bool) -> String {
    let synonym = |w: &str| -> String {
        SYNONYMS
            .iter()
            .find(|(from, _)| *from == w)
            .map_or(w, |(_, to)| to)
            .to_owned()
    };
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !w.is_empty() && !ARTICLES.contains(w))
        .collect();
    let is_verb = |w: &&str| VERBS.contains(w);
    let (verb, mut object): (String, Vec<&str>) = match (words.first(), words.last()) {
        (Some(first), _) if is_verb(&synonym(first).as_str()) => {
            (synonym(first), words[1..].to_vec())
        }
        (_, Some(last)) if is_verb(&synonym(last).as_str()) && words.len() > 1 => {
            (synonym(last), words[..words.len() - 1].to_vec())
        }
        _ => {
            let verb = match http {
                "GET" if listy => "list",
                "GET" => "get",
                "POST" => "create",
                "PUT" | "PATCH" => "update",
                "DELETE" => "delete",
                other => return other.to_ascii_lowercase(),
            };
            (verb.to_owned(), words.clone())
        }
    };
    // Words that only repeat the resource (`list_user_lists` under `user_lists`).
    let resource_words: Vec<&str> = resource.split('_').collect();
    if let Some((last, before)) = resource_words.split_last() {
        for form in singular_forms(last) {
            let mut wanted: Vec<&str> = before.to_vec();
            wanted.push(&form);
            if object.starts_with(&wanted) {
                object.drain(..wanted.len());
                break;
            }
        }
    }
    std::iter::once(verb.as_str())
        .chain(object)
        .collect::<Vec<_>>()
        .join("_")
}

/// Where the surface breaks the naming rule: names over four words, and
/// names [`assign`] had to repair (a keyword, a route taken twice, a method
/// named like a resource). Each wants a route in the API's naming choices.
pub fn problems(operations: &[Operation]) -> Vec<String> {
    let mut problems = Vec::new();
    for op in operations {
        let route = &op.route;
        let label = format!("{} {} (`{}`)", op.method, op.path, route.dotted());
        for word in route.resources.iter().chain([&route.method]) {
            if !is_name(word) {
                problems.push(format!("{label}: `{word}` is not a plain snake_case name"));
            }
        }
        let words = route.method.split('_').count();
        if words > MAX_WORDS {
            problems.push(format!("{label}: {words} words (at most {MAX_WORDS})"));
        }
        if let Some(why) = route.repaired {
            problems.push(format!("{label}: renamed, the rule's name was {why}"));
        }
    }
    problems
}

/// A snake_case identifier that is no keyword, each word letters with at
/// most a leading or trailing number (`2fa`, `dac7`; not `a1b`).
fn is_name(word: &str) -> bool {
    !word.is_empty()
        && !word.ends_with('_')
        && !KEYWORDS.contains(&word)
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && word.split('_').all(|part| {
            let letters = part.trim_matches(|c: char| c.is_ascii_digit());
            !letters.is_empty()
                && letters.chars().all(|c| c.is_ascii_lowercase())
                && (letters.len() == part.len()
                    || part.starts_with(letters)
                    || part.ends_with(letters))
        })
}

/// The names table of one API, for `docs/NAMES.md`: every operation by its
/// vendor id, with its route and request builder, in route order.
pub fn table(title: &str, client: &str, operations: &[Operation]) -> String {
    let mut rows: Vec<(&Operation, String)> = operations
        .iter()
        .map(|op| {
            let args: Vec<&str> = op.handle_args().map(|p| p.ident.as_str()).collect();
            (op, op.route.call(client, &args))
        })
        .collect();
    rows.sort_by(|a, b| a.0.route.cmp(&b.0.route));
    let mut out = format!(
        "## {title}\n\n{} operations.\n\n| operation id | request | Rust |\n|---|---|---|\n",
        operations.len()
    );
    for (op, call) in rows {
        out.push_str(&format!(
            "| `{}` | `{} {}` | `{call}` |\n",
            op.id, op.method, op.path
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split('_').map(str::to_owned).collect()
    }

    #[test]
    fn the_verb_comes_first_and_resource_words_go() {
        assert_eq!(
            method_name(&words("chats_list"), "messages", "GET", true),
            "list_chats"
        );
        assert_eq!(
            method_name(&words("list_user_lists"), "user_lists", "GET", true),
            "list"
        );
        assert_eq!(
            method_name(&words("chat_messages"), "messages", "GET", true),
            "list_chat_messages"
        );
        assert_eq!(
            method_name(&words("post_stats"), "analytics", "GET", false),
            "get_post_stats"
        );
        assert_eq!(
            method_name(&words("edit_post"), "posts", "PUT", false),
            "update"
        );
        assert_eq!(
            method_name(&words("initialize_a_link_session"), "link", "POST", false),
            "initialize_session"
        );
        assert_eq!(
            method_name(&words("retrieve_stats"), "stories", "GET", false),
            "get_stats"
        );
        assert_eq!(
            method_name(&words("clear_notes"), "notes", "DELETE", false),
            "clear"
        );
    }

    #[test]
    fn names_keep_to_the_rule() {
        assert!(is_name("send_2fa_email"));
        assert!(is_name("get_dac7_form_details"));
        assert!(!is_name("send_a1b"));
        assert!(!is_name("self"));
        assert!(!is_name("List"));
    }

    #[test]
    fn sdk_modules_place_operations() {
        let op = serde_json::json!({"x-derived-from": {"files": [
            "onlyfansapi/resources/chats/messages.py",
            "onlyfansapi/types/chats/message_send_params.py",
        ]}});
        assert_eq!(
            sdk_place(&op),
            Some((vec!["chats".into(), "messages".into()], Some("send".into())))
        );
        let op = serde_json::json!({"x-derived-from": {"files": [
            "onlyfansapi/resources/stories/stories.py",
            "onlyfansapi/types/story_retrieve_stats_response.py",
        ]}});
        assert_eq!(
            sdk_place(&op),
            Some((vec!["stories".into()], Some("retrieve_stats".into())))
        );
    }
}
