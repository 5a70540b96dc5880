//! What the mock server answers: the route table each API crate's build
//! script derives from its spec (`onlyfans_codegen::mock::route_table` writes
//! it, [`RouteTable`] reads it) and the handling of one request against it.
//! No I/O here: `server.rs` feeds requests in and writes responses out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Fault, FaultKind, ReceivedRequest};
use onlyfans_clients_core::lock;

/// The routes of one API, as the API crate's build script wrote them.
#[derive(Debug, Deserialize)]
pub(crate) struct RouteTable {
    pub(crate) routes: Vec<Route>,
    /// The component schemas request bodies refer to.
    #[serde(default)]
    schemas: serde_json::Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Route {
    pub(crate) operation_id: String,
    method: String,
    path: String,
    auth: Vec<AuthHeader>,
    parameters: Vec<Parameter>,
    status: u16,
    body: Option<Value>,
    paging: Option<Paging>,
    request_body: Option<RequestBody>,
    /// The list items a paged route serves, made once from its example.
    #[serde(skip)]
    items: Vec<Value>,
}

/// A JSON request body as the spec describes it.
#[derive(Debug, Deserialize)]
struct RequestBody {
    required: bool,
    schema: Value,
    /// A body that fits the schema (for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    example: Value,
}

impl RequestBody {
    /// Checks a request's body: present when required, JSON, and fitting the
    /// schema. Bodies sent as something else (a form, bytes) are not checked.
    fn check(
        &self,
        body: &[u8],
        content_type: Option<&str>,
        schemas: &serde_json::Map<String, Value>,
    ) -> Result<(), String> {
        if body.is_empty() {
            return if self.required {
                Err("a JSON request body is required".into())
            } else {
                Ok(())
            };
        }
        let is_json = content_type
            .and_then(|c| c.split(';').next())
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Ok(());
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("the request body is not JSON: {e}"))?;
        super::schema::check(&self.schema, &value, schemas)
            .map_err(|e| format!("request body: {e}"))
    }
}

#[derive(Debug, Deserialize)]
struct AuthHeader {
    scheme: String,
    header: String,
    bearer: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Parameter {
    name: String,
    #[serde(rename = "in")]
    location: String,
    required: bool,
    #[serde(rename = "type")]
    kind: Option<String>,
    minimum: Option<i64>,
    maximum: Option<i64>,
    max_length: Option<usize>,
    default: Option<Value>,
    #[serde(rename = "enum")]
    allowed: Option<Vec<Value>>,
}

/// How a route pages: the operation model's style (the one the client's
/// stream follows), the query parameter that asks for a page, where the items
/// are (`data.list`), and the page-size parameter.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Paging {
    style: PagingStyle,
    param: String,
    items: String,
    limit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum PagingStyle {
    /// `param` is the index of the page's first item; `hasMore` (and
    /// `nextOffset` where the example has it) say what follows.
    Offset,
    /// `param` is the page's first item (its id, else its index); `hasMore`
    /// and `nextMarker` name the next.
    Marker,
    /// `param` is the id of the previous page's last item; `hasMore`.
    LastId,
    /// `param` is the page's first item (its id, else its index);
    /// `_pagination.next_page` (or `next_page_url`, where the example has
    /// it) is the next page's URL.
    NextPage,
}

impl Paging {
    /// The path of the items in the body: `["data", "list"]`.
    fn items_path(&self) -> Vec<&str> {
        self.items.split('.').collect()
    }
}

/// One API as the mock serves it.
#[derive(Debug)]
pub(crate) struct ApiMock {
    pub(crate) api: &'static str,
    pub(crate) routes: Vec<Route>,
    /// Accepted value per security scheme name.
    credentials: HashMap<&'static str, &'static str>,
    /// Filled in once the listener is bound (next-page URLs point at it).
    pub(crate) base_url: String,
    faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    received: Mutex<Vec<ReceivedRequest>>,
    /// The component schemas request bodies refer to.
    schemas: serde_json::Map<String, Value>,
}

/// A request as the server read it.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) header: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) body: &'a [u8],
}

/// The answer, and how long to wait before giving it.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Option<Duration>,
}

impl Outgoing {
    fn json(status: u16, body: &Value) -> Outgoing {
        Outgoing {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
            delay: None,
        }
    }

    fn error(status: u16, message: impl Into<String>) -> Outgoing {
        Outgoing::json(status, &json!({ "message": message.into() }))
    }
}

impl ApiMock {
    pub(crate) fn new(
        api: &'static str,
        table: &str,
        credentials: HashMap<&'static str, &'static str>,
        items: usize,
    ) -> Result<ApiMock, serde_json::Error> {
        let mut table: RouteTable = serde_json::from_str(table)?;
        for route in &mut table.routes {
            if let (Some(body), Some(paging)) = (&route.body, &route.paging) {
                route.items = make_items(get_field(body, &paging.items_path()), items);
            }
        }
        Ok(ApiMock {
            api,
            routes: table.routes,
            schemas: table.schemas,
            credentials,
            base_url: String::new(),
            faults: Mutex::default(),
            received: Mutex::default(),
        })
    }

    /// Security schemes the routes use that the mock has no accepted value
    /// for (it would then accept any value): a spec renaming a scheme shows here.
    #[cfg(test)]
    pub(crate) fn schemes_without_credentials(&self) -> Vec<&str> {
        self.routes
            .iter()
            .flat_map(|r| &r.auth)
            .map(|a| a.scheme.as_str())
            .filter(|s| !self.credentials.contains_key(s))
            .collect()
    }

    pub(crate) fn has_operation(&self, operation_id: &str) -> bool {
        self.routes.iter().any(|r| r.operation_id == operation_id)
    }

    pub(crate) fn inject(&self, operation_id: &str, fault: Fault) {
        lock(&self.faults)
            .entry(operation_id.to_owned())
            .or_default()
            .push_back(fault);
    }

    pub(crate) fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.received).clone()
    }

    /// Answers one request, and records it.
    pub(crate) fn handle(&self, request: &Incoming<'_>) -> Outgoing {
        let query: Vec<(String, String)> = url::form_urlencoded::parse(request.query.as_bytes())
            .into_owned()
            .collect();
        let (operation_id, outgoing) = match self.route(request.method, request.path) {
            Ok((route, path_params)) => (
                Some(route.operation_id.clone()),
                self.answer(route, request, &path_params, &query),
            ),
            Err(outgoing) => (None, outgoing),
        };
        lock(&self.received).push(ReceivedRequest {
            api: self.api,
            operation_id,
            method: request.method.to_owned(),
            path: request.path.to_owned(),
            query,
            status: outgoing.status,
        });
        outgoing
    }

    /// The route a request is for, with its path parameters.
    fn route<'a>(
        &'a self,
        method: &str,
        path: &'a str,
    ) -> Result<(&'a Route, PathParams<'a>), Outgoing> {
        let mut path_matched = false;
        for route in &self.routes {
            if let Some(params) = path_params(&route.path, path) {
                if route.method.eq_ignore_ascii_case(method) {
                    return Ok((route, params));
                }
                path_matched = true;
            }
        }
        Err(if path_matched {
            Outgoing::error(405, format!("{method} is not an operation of {path}"))
        } else {
            Outgoing::error(404, format!("no {} operation matches {path}", self.api))
        })
    }

    fn answer(
        &self,
        route: &Route,
        request: &Incoming<'_>,
        path_params: &PathParams<'_>,
        query: &[(String, String)],
    ) -> Outgoing {
        if let Some(refused) = self.check_auth(route, request) {
            return refused;
        }
        let mut delay = None;
        if let Some(fault) = self.take_fault(&route.operation_id) {
            match fault {
                FaultKind::Status(status) => {
                    return Outgoing::error(status, format!("injected fault: status {status}"));
                }
                FaultKind::RateLimited(retry_after) => {
                    let mut out = Outgoing::error(429, "Too Many Requests");
                    out.headers
                        .push(("retry-after", retry_after.as_secs().to_string()));
                    return out;
                }
                FaultKind::Slow(d) => delay = Some(d),
            }
        }
        let lookup = |name: &str, location: &str| -> Option<String> {
            match location {
                "query" => query_value(query, name).map(str::to_owned),
                "header" => (request.header)(name),
                "path" => query_value(path_params, name).map(str::to_owned),
                _ => None,
            }
        };
        for parameter in &route.parameters {
            if let Err(message) = parameter.check(lookup(&parameter.name, &parameter.location)) {
                return Outgoing::error(400, message);
            }
        }
        if let Some(expected) = &route.request_body {
            let content_type = (request.header)("content-type");
            if let Err(message) =
                expected.check(request.body, content_type.as_deref(), &self.schemas)
            {
                return Outgoing::error(400, message);
            }
        }
        let body = match (&route.body, &route.paging) {
            (Some(body), Some(paging)) => {
                match self.page(route, paging, body.clone(), request.path, query) {
                    Ok(body) => body,
                    Err(message) => return Outgoing::error(400, message),
                }
            }
            (Some(body), None) => body.clone(),
            (None, _) => Value::Null,
        };
        let mut out = if body.is_null() {
            Outgoing {
                status: route.status,
                headers: Vec::new(),
                body: Vec::new(),
                delay: None,
            }
        } else {
            Outgoing::json(route.status, &body)
        };
        out.delay = delay;
        out
    }

    fn check_auth(&self, route: &Route, request: &Incoming<'_>) -> Option<Outgoing> {
        for auth in &route.auth {
            let expected = self.credentials.get(auth.scheme.as_str()).copied();
            let sent = (request.header)(&auth.header);
            let sent = if auth.bearer {
                sent.as_deref()
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(str::to_owned)
            } else {
                sent
            };
            match (sent, expected) {
                (None, _) => {
                    return Some(Outgoing::error(
                        401,
                        format!("Unauthenticated: the `{}` header is missing", auth.header),
                    ));
                }
                (Some(sent), Some(expected)) if sent != expected => {
                    return Some(Outgoing::error(
                        401,
                        format!("Unauthenticated: the `{}` header is not valid", auth.header),
                    ));
                }
                _ => {}
            }
        }
        None
    }

    fn take_fault(&self, operation_id: &str) -> Option<FaultKind> {
        let mut faults = lock(&self.faults);
        let queue = faults.get_mut(operation_id)?;
        let front = queue.front_mut()?;
        let kind = front.kind;
        front.times = front.times.saturating_sub(1);
        if front.times == 0 {
            queue.pop_front();
        }
        Some(kind)
    }

    /// Cuts the page a request asks for out of `self.items` items made from
    /// the example's list, and says where the next one starts the way the
    /// route's paging style does.
    fn page(
        &self,
        route: &Route,
        paging: &Paging,
        mut body: Value,
        path: &str,
        query: &[(String, String)],
    ) -> Result<Value, String> {
        let all = &route.items;
        let asked = query_value(query, &paging.param);
        let limit = paging
            .limit
            .as_deref()
            .and_then(|name| {
                query_value(query, name)
                    .and_then(|v| v.parse::<usize>().ok())
                    .or_else(|| {
                        route
                            .parameters
                            .iter()
                            .find(|p| p.name == name)
                            .and_then(|p| p.default.as_ref())
                            .and_then(Value::as_u64)
                            .and_then(|d| usize::try_from(d).ok())
                    })
            })
            .unwrap_or(10)
            .max(1);
        let unknown =
            |value: &str| format!("`{}` {value} is not an item of this list", paging.param);
        let start = match (paging.style, asked) {
            (_, None) => 0,
            (PagingStyle::Offset, Some(value)) => value
                .parse::<usize>()
                .map_err(|_| format!("`{}` must be a number, got `{value}`", paging.param))?
                .min(all.len()),
            (PagingStyle::LastId, Some(value)) => {
                position(all, value).ok_or_else(|| unknown(value))? + 1
            }
            (PagingStyle::Marker | PagingStyle::NextPage, Some(value)) => {
                position(all, value).ok_or_else(|| unknown(value))?
            }
        };
        let end = start.saturating_add(limit).min(all.len());
        let more = end < all.len();
        let items_path = paging.items_path();
        set_field(
            &mut body,
            &items_path,
            Value::Array(all[start..end].to_vec()),
        );
        // Paging fields go where the example has them, else beside the items.
        let beside_items = &items_path[..items_path.len() - 1];
        let level = |body: &Value, field: &str| -> Vec<String> {
            let at = |keys: &[&str]| get_field(body, keys).and_then(|v| v.get(field)).is_some();
            let keys: &[&str] = if at(&[]) {
                &[]
            } else if at(&["data"]) {
                &["data"]
            } else {
                beside_items
            };
            keys.iter()
                .map(|k| (*k).to_owned())
                .chain([field.to_owned()])
                .collect()
        };
        let set = |body: &mut Value, field: &str, value: Value| {
            let keys = level(body, field);
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            set_field(body, &keys, value);
        };
        let next_item = all.get(end).map(|item| cursor_of(item, end));
        match paging.style {
            PagingStyle::Offset => {
                set(&mut body, "hasMore", json!(more));
                let keys = level(&body, "nextOffset");
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                if get_field(&body, &keys).is_some() {
                    set_field(
                        &mut body,
                        &keys,
                        if more { json!(end) } else { Value::Null },
                    );
                }
            }
            PagingStyle::Marker => {
                set(&mut body, "hasMore", json!(more));
                set(
                    &mut body,
                    "nextMarker",
                    next_item.map_or(Value::Null, Value::String),
                );
            }
            PagingStyle::LastId => set(&mut body, "hasMore", json!(more)),
            PagingStyle::NextPage => {
                let next = next_item.map(|cursor| {
                    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
                    for (k, v) in query.iter().filter(|(k, _)| *k != paging.param) {
                        pairs.append_pair(k, v);
                    }
                    pairs.append_pair(&paging.param, &cursor);
                    format!("{}{path}?{}", self.base_url, pairs.finish())
                });
                let field = match get_field(&body, &["_pagination", "next_page_url"]) {
                    Some(_) => "next_page_url",
                    None => "next_page",
                };
                set_field(
                    &mut body,
                    &["_pagination", field],
                    next.map_or(Value::Null, Value::String),
                );
            }
        }
        Ok(body)
    }
}

/// How a page names an item it starts at: its id, else its index.
fn cursor_of(item: &Value, index: usize) -> String {
    match item.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => index.to_string(),
    }
}

/// The index of the item a cursor names (see [`cursor_of`]).
fn position(items: &[Value], cursor: &str) -> Option<usize> {
    if items.iter().any(|i| i.get("id").is_some()) {
        items
            .iter()
            .position(|item| item.get("id").is_some_and(|v| same_id(v, cursor)))
    } else {
        cursor.parse::<usize>().ok().filter(|&i| i <= items.len())
    }
}

impl Parameter {
    /// Checks a parameter's value the way the API documents it.
    fn check(&self, value: Option<String>) -> Result<(), String> {
        let name = &self.name;
        let Some(value) = value else {
            return if self.required {
                Err(format!(
                    "the {} parameter `{name}` is required",
                    self.location
                ))
            } else {
                Ok(())
            };
        };
        if self.kind.as_deref() == Some("integer") {
            let number: i64 = value
                .parse()
                .map_err(|_| format!("`{name}` must be an integer, got `{value}`"))?;
            let low = self.minimum.unwrap_or(i64::MIN);
            let high = self.maximum.unwrap_or(i64::MAX);
            if !(low..=high).contains(&number) {
                return Err(match (self.minimum, self.maximum) {
                    (Some(lo), Some(hi)) => {
                        format!("`{name}` must be between {lo} and {hi}, got {number}")
                    }
                    (Some(lo), None) => format!("`{name}` must be at least {lo}, got {number}"),
                    _ => format!("`{name}` must be at most {high}, got {number}"),
                });
            }
        }
        // Enum values as they appear in a query: strings as they are, numbers
        // and booleans in their JSON spelling (`[1, 0]`, `[true]`).
        let spelled = |a: &Value| match a {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let Some(allowed) = &self.allowed
            && !allowed.iter().any(|a| spelled(a) == value)
        {
            let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return Err(format!(
                "`{name}` must be one of {}, got `{value}`",
                allowed.join(", ")
            ));
        }
        if let Some(max) = self.max_length
            && value.chars().count() > max
        {
            return Err(format!("`{name}` must be at most {max} characters"));
        }
        Ok(())
    }
}

/// `count` list items made from the example's (cycled), each distinct: the
/// item's own `id` counts up from the example's first, and every `id` nested
/// in it is shifted by the item's index.
fn make_items(example: Option<&Value>, count: usize) -> Vec<Value> {
    let templates = example
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty())
        .cloned()
        .unwrap_or_default();
    if templates.is_empty() {
        return Vec::new();
    }
    let first_id = templates
        .iter()
        .filter_map(|t| t.get("id").and_then(Value::as_u64))
        .min();
    (0..count)
        .map(|index| {
            let mut item = templates[index % templates.len()].clone();
            let shift = index as u64;
            shift_ids(&mut item, shift);
            if let (Some(first), Some(object)) = (first_id, item.as_object_mut()) {
                object.insert("id".into(), json!(first.saturating_add(shift)));
            } else if let Some(Value::String(id)) = item.get_mut("id")
                && index >= templates.len()
            {
                // String ids (`"tx_1"`) stay distinct too: cursors name items by id.
                *id = format!("{id}-{index}");
            }
            item
        })
        .collect()
}

/// A request's path parameters (name, value as sent), in order.
type PathParams<'a> = Vec<(&'a str, &'a str)>;

/// The first value of `name` among `pairs` (query pairs or path parameters).
fn query_value<'a, K: AsRef<str>, V: AsRef<str>>(
    pairs: &'a [(K, V)],
    name: &str,
) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.as_ref() == name)
        .map(|(_, v)| v.as_ref())
}

/// `body[keys[0]][keys[1]]…`, if it is there.
fn get_field<'a>(body: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(body, |value, key| value.get(*key))
}

/// Sets `body[keys[0]][keys[1]]…` to `value`, making objects of whatever is
/// missing or null on the way; leaves the body alone where the way is
/// blocked by a non-object (an example the paging cannot apply to).
fn set_field(body: &mut Value, keys: &[&str], value: Value) {
    let mut slot = body;
    for key in keys {
        if slot.is_null() {
            *slot = Value::Object(serde_json::Map::new());
        }
        let Value::Object(map) = slot else { return };
        slot = map.entry(*key).or_insert(Value::Null);
    }
    *slot = value;
}

/// Whether a JSON id (number or string) is the one a query names.
fn same_id(value: &Value, query: &str) -> bool {
    match value {
        Value::Number(n) => n.as_u64().is_some_and(|n| Some(n) == query.parse().ok()),
        Value::String(s) => s == query,
        _ => false,
    }
}

fn shift_ids(value: &mut Value, shift: u64) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::Number(n) if key == "id" => {
                        if let Some(id) = n.as_u64() {
                            *v = json!(id.saturating_add(shift));
                        }
                    }
                    _ => shift_ids(v, shift),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| shift_ids(v, shift)),
        _ => {}
    }
}

/// `/api/{account}/chats` against `/api/acct_1/chats`: each `{…}` is one
/// non-empty segment. Returns the path parameters (as sent, percent-encoded).
fn path_params<'a>(template: &'a str, path: &'a str) -> Option<PathParams<'a>> {
    let mut want = template.split('/');
    let mut got = path.split('/');
    let mut params = Vec::new();
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') => {
                if g.is_empty() {
                    return None;
                }
                params.push((&w[1..w.len() - 1], g));
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

#[cfg(all(test, feature = "_ofauth", feature = "_onlyfansapi"))]
mod tests {
    use super::*;

    /// Every route of both tables answers a well-formed, authenticated
    /// request with its success status and, when it pages, serves every item
    /// exactly once across its pages in its own paging style.
    #[test]
    fn every_route_serves_its_success_response() {
        let tables = [
            (
                onlyfans_clients_ofauth::MOCK_ROUTES,
                HashMap::from([("ApiKey", "k"), ("ConnectionId", "c")]),
            ),
            (
                onlyfans_clients_onlyfansapi::MOCK_ROUTES,
                HashMap::from([("default", "k")]),
            ),
        ];
        let mut paged = 0;
        for (table, credentials) in tables {
            let mock = ApiMock::new("test", table, credentials, 25).unwrap();
            for route in &mock.routes {
                let path = route
                    .path
                    .split('/')
                    .map(|s| if s.starts_with('{') { "1" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let header = |name: &str| match name {
                    "content-type" => Some("application/json".to_owned()),
                    "authorization" => Some("Bearer k".to_owned()),
                    "apiKey" => Some("k".to_owned()),
                    "x-connection-id" => Some("c".to_owned()),
                    _ => None,
                };
                // Every required query parameter, with a value it accepts.
                let query = route
                    .parameters
                    .iter()
                    .filter(|p| p.required && p.location == "query")
                    .map(|p| {
                        let value = match (&p.allowed, p.minimum) {
                            (Some(allowed), _) if !allowed.is_empty() => match &allowed[0] {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            },
                            (_, Some(minimum)) => minimum.max(1).to_string(),
                            _ => "1".to_owned(),
                        };
                        format!("{}={value}", p.name)
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                // The body the spec's schema describes, which must pass the check.
                let body = route
                    .request_body
                    .as_ref()
                    .map(|b| b.example.to_string().into_bytes())
                    .unwrap_or_default();
                let out = mock.handle(&Incoming {
                    method: &route.method,
                    path: &path,
                    query: &query,
                    header: &header,
                    body: &body,
                });
                assert_eq!(
                    out.status,
                    route.status,
                    "{}: {}",
                    route.operation_id,
                    String::from_utf8_lossy(&out.body)
                );
                if let Some(paging) = &route.paging {
                    // Every item once, in order: none skipped, none repeated.
                    let served = follow_pages(&mock, route, paging, &path, &query, &header);
                    assert!(served == route.items, "{}", route.operation_id);
                    if !route.items.is_empty() {
                        paged += 1;
                    }
                }
            }
        }
        assert!(paged >= 60, "{paged} routes paged through");
    }

    /// Plays the client: asks for pages the way the route's style says, until
    /// the server says there are no more; returns every item served.
    fn follow_pages(
        mock: &ApiMock,
        route: &Route,
        paging: &Paging,
        path: &str,
        first_query: &str,
        header: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Value> {
        let mut served = Vec::new();
        let without = |base: &str, name: &str| {
            base.split('&')
                .filter(|p| !p.is_empty() && !p.starts_with(&format!("{name}=")))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let with = |base: &str, name: &str, value: &str| {
            let mut pairs = without(base, name);
            pairs.push(format!("{name}={value}"));
            pairs.join("&")
        };
        // The first page is asked for as a client does: from the start.
        let mut query = match paging.style {
            PagingStyle::Offset => with(first_query, &paging.param, "0"),
            _ => without(first_query, &paging.param).join("&"),
        };
        for _ in 0..100 {
            let out = mock.handle(&Incoming {
                method: &route.method,
                path,
                query: &query,
                header,
                body: &[],
            });
            assert_eq!(out.status, route.status, "{} {query}", route.operation_id);
            let body: Value = serde_json::from_slice(&out.body).unwrap();
            let items = get_field(&body, &paging.items_path())
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let signal = |name: &str| {
                body.get(name)
                    .or_else(|| body.get("data").and_then(|d| d.get(name)))
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            let more = signal("hasMore") == json!(true);
            let next = match paging.style {
                PagingStyle::Offset => more.then(|| (served.len() + items.len()).to_string()),
                PagingStyle::Marker => signal("nextMarker").as_str().map(str::to_owned),
                PagingStyle::LastId => items
                    .last()
                    .filter(|_| more)
                    .map(|item| item["id"].to_string()),
                PagingStyle::NextPage => body
                    .pointer("/_pagination/next_page")
                    .filter(|v| !v.is_null())
                    .or_else(|| body.pointer("/_pagination/next_page_url"))
                    .and_then(Value::as_str)
                    .and_then(|url| url.split_once('?'))
                    .map(|(_, q)| q.to_owned()),
            };
            served.extend(items);
            match (next, paging.style) {
                (None, _) => return served,
                (Some(next), PagingStyle::NextPage) => query = next,
                (Some(next), _) => query = with(&query, &paging.param, &next),
            }
        }
        panic!("{}: more than 100 pages", route.operation_id);
    }

    fn matches(template: &str, path: &str) -> bool {
        path_params(template, path).is_some()
    }

    #[test]
    fn path_templates_match_one_segment_per_parameter() {
        let t = "/api/{account}/chats/{chat_id}/messages";
        assert!(matches(t, "/api/acct_1/chats/9/messages"));
        assert!(!matches(t, "/api/acct_1/chats//messages"));
        assert!(!matches(t, "/api/a/b/chats/9/messages"));
        assert!(!matches(t, "/api/acct_1/chats/9/messages/x"));
        assert!(matches("/v2/access/chats", "/v2/access/chats"));
    }

    #[test]
    fn items_are_distinct_and_cycle_the_example() {
        let example = json!([
            {"id": 10, "fromUser": {"id": 5}},
            {"id": 11, "fromUser": {"id": 6}}
        ]);
        let made = make_items(Some(&example), 5);
        let ids: Vec<u64> = made.iter().map(|i| i["id"].as_u64().unwrap()).collect();
        assert_eq!(ids, [10, 11, 12, 13, 14]);
        assert_eq!(made[2]["fromUser"]["id"], 7);
        assert!(make_items(Some(&json!([])), 5).is_empty());
    }

    #[test]
    fn parameters_are_checked_as_documented() {
        let limit = Parameter {
            name: "limit".into(),
            location: "query".into(),
            required: false,
            kind: Some("integer".into()),
            minimum: Some(1),
            maximum: Some(20),
            max_length: None,
            default: Some(json!(10)),
            allowed: None,
        };
        assert!(limit.check(None).is_ok());
        assert!(limit.check(Some("20".into())).is_ok());
        assert_eq!(
            limit.check(Some("21".into())).unwrap_err(),
            "`limit` must be between 1 and 20, got 21"
        );
        assert!(limit.check(Some("ten".into())).is_err());
        // Integer enums (`filter[online]: [1, 0]`) are checked by value.
        let online = Parameter {
            name: "online".into(),
            kind: Some("integer".into()),
            minimum: None,
            maximum: None,
            default: None,
            allowed: Some(vec![json!(1), json!(0)]),
            ..limit
        };
        assert!(online.check(Some("0".into())).is_ok());
        assert_eq!(
            online.check(Some("2".into())).unwrap_err(),
            "`online` must be one of 1, 0, got `2`"
        );
    }
}
